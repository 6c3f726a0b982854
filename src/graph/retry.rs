//! The retry policy — the one place that decides whether a failed call is tried again and
//! how long to wait. Used by every Graph call, every `$batch` sub-request and the token
//! endpoint.
//!
//! Rules:
//! - 429, 503, 504 and connection errors are retried. A `Retry-After` (delta-seconds or
//!   HTTP-date) is always honoured, however long, as Microsoft's throttling guidance says
//!   (`concepts/throttling.md`: keep waiting the recommended delay until the request
//!   succeeds); without one, exponential backoff with full jitter.
//! - 404/403/409 are retried only inside a *transient window* the caller opts into right
//!   after it created the object (replication delay).
//! - No other 4xx is ever retried.
//! - Non-idempotent requests (creates) are retried only when the failure proves the request
//!   never reached the server (connect error) or was rejected unprocessed (429).
//! - There is no attempt count: one **deadline per command** bounds everything (every call,
//!   its retries and waits). A wait that would end after the deadline is not started; the
//!   last error is returned with the reason.

use std::future::Future;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, SystemTime};

use rand::Rng;
use reqwest::header::{HeaderMap, RETRY_AFTER};
use tokio::time::Instant;

use super::error::GraphError;

/// Default deadline of a command that does not choose one (`plan`, `import`, `status`…).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10 * 60);

/// When the command's deadline started: the first request of any client sharing this clock
/// (clones of a policy share it). Starting at the first request keeps a deadline honest
/// under a paused test clock and ignores time spent before Graph is reached.
#[derive(Debug, Clone, Default)]
pub struct CommandClock(Arc<OnceLock<Instant>>);

impl CommandClock {
    /// The start, fixed on first use.
    pub fn started(&self) -> Instant {
        *self.0.get_or_init(Instant::now)
    }
}

/// Deadline and backoff parameters.
#[derive(Debug, Clone)]
pub struct RetryPolicy {
    /// Time allowed to the whole command (`--timeout`), waits included.
    pub timeout: Duration,
    /// First backoff step (no `Retry-After`).
    pub base_delay: Duration,
    /// Largest backoff step without `Retry-After`. Never caps a `Retry-After`.
    pub max_backoff: Duration,
    /// The shared start of the deadline.
    pub clock: CommandClock,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self::with_timeout(DEFAULT_TIMEOUT)
    }
}

impl RetryPolicy {
    /// The default backoff with a deadline of `timeout` after the first request.
    pub fn with_timeout(timeout: Duration) -> Self {
        Self {
            timeout,
            base_delay: Duration::from_millis(500),
            max_backoff: Duration::from_secs(60),
            clock: CommandClock::default(),
        }
    }

    /// The instant after which no wait may end.
    pub fn deadline(&self) -> Instant {
        self.clock.started() + self.timeout
    }
}

/// Why the policy stopped retrying.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    /// The wait (server-requested or backoff) would end after the command's deadline.
    Deadline {
        /// The wait that was not started.
        wait: Duration,
        /// Whether it came from `Retry-After`.
        server: bool,
        /// The command's timeout.
        timeout: Duration,
    },
}

impl std::fmt::Display for Stop {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Stop::Deadline {
                wait,
                server,
                timeout,
            } => write!(
                f,
                "the next wait ({} s{}) would pass the command's deadline (--timeout {} s)",
                wait.as_secs(),
                if *server { ", Retry-After" } else { "" },
                timeout.as_secs()
            ),
        }
    }
}

/// Whether a request may be repeated without side effects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Idempotency {
    /// GET, PUT, DELETE, PATCH of whole values, actions that are safe to repeat.
    Idempotent,
    /// A create (instantiate, assignment, job): retried only when it provably did not run.
    Create,
}

/// What one attempt produced, as far as the policy needs to know.
#[derive(Debug, Clone, Copy)]
pub enum Outcome<'a> {
    /// An HTTP response with this status and headers.
    Status(u16, &'a HeaderMap),
    /// No response: `connect` is true when the connection was never established.
    Transport {
        /// The connection could not be established (request never sent).
        connect: bool,
    },
}

/// The policy's verdict on one failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Try again, after the server-requested delay when there is one.
    Retry(Option<Duration>),
    /// Give up.
    Fail,
}

/// Classifies a failed attempt. `transient` is true while the caller's post-create window
/// is open.
pub fn classify(outcome: Outcome<'_>, idempotency: Idempotency, transient: bool) -> Verdict {
    let create = idempotency == Idempotency::Create;
    match outcome {
        Outcome::Transport { connect: true } => Verdict::Retry(None),
        Outcome::Transport { connect: false } if create => Verdict::Fail,
        Outcome::Transport { .. } => Verdict::Retry(None),
        Outcome::Status(429, h) => Verdict::Retry(retry_after(h)),
        Outcome::Status(503 | 504, _) if create => Verdict::Fail,
        Outcome::Status(503 | 504, h) => Verdict::Retry(retry_after(h)),
        Outcome::Status(403 | 404 | 409, h) if transient => Verdict::Retry(retry_after(h)),
        Outcome::Status(_, _) => Verdict::Fail,
    }
}

/// Parses `Retry-After` as delta-seconds or an HTTP-date (relative to now; past dates are 0).
pub fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let raw = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(secs) = raw.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = httpdate::parse_http_date(raw).ok()?;
    Some(
        when.duration_since(SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

impl RetryPolicy {
    /// Full-jitter exponential backoff for attempt `n` (1-based): uniform in
    /// `[0, min(max_backoff, base·2^(n-1))]`.
    pub fn backoff(&self, attempt: u32) -> Duration {
        let exp = self
            .base_delay
            .saturating_mul(1u32 << attempt.saturating_sub(1).min(20));
        let cap = exp.min(self.max_backoff);
        let millis = cap.as_millis().min(u64::MAX as u128) as u64;
        Duration::from_millis(rand::rng().random_range(0..=millis))
    }

    /// The wait before the next attempt: the server's delay when it gave one (always
    /// honoured), else backoff. `Err` when the wait would end after the deadline.
    pub fn next_wait(
        &self,
        attempt: u32,
        server_delay: Option<Duration>,
    ) -> Result<Duration, Stop> {
        let wait = server_delay.unwrap_or_else(|| self.backoff(attempt));
        if Instant::now() + wait <= self.deadline() {
            Ok(wait)
        } else {
            Err(Stop::Deadline {
                wait,
                server: server_delay.is_some(),
                timeout: self.timeout,
            })
        }
    }
}

/// Says that Graph is throttling and how long we wait: a progress line on a terminal, a
/// plain line otherwise (CI logs). Only for waits of a second or more.
pub fn announce_wait(wait: Duration, server: bool) {
    if wait < Duration::from_secs(1) {
        return;
    }
    let why = if server { "Retry-After" } else { "backoff" };
    let line = format!("Graph is throttling: waiting {} s ({why})", wait.as_secs());
    use std::io::{IsTerminal, Write};
    let mut err = std::io::stderr();
    if err.is_terminal() {
        let _ = write!(err, "\r\x1b[2K{line}");
        let _ = err.flush();
        WAITING_LINE.store(true, std::sync::atomic::Ordering::Relaxed);
    } else {
        let _ = writeln!(err, "{line}");
    }
}

/// Clears the progress line written by [`announce_wait`] once the request went through.
fn clear_wait_line() {
    use std::io::Write;
    if WAITING_LINE.swap(false, std::sync::atomic::Ordering::Relaxed) {
        let mut err = std::io::stderr();
        let _ = write!(err, "\r\x1b[2K");
        let _ = err.flush();
    }
}

static WAITING_LINE: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// The result of one attempt inside [`run`].
pub enum Attempt<T, E> {
    /// Finished (success or a final error).
    Done(Result<T, E>),
    /// Failed in a way the caller classified as retryable, with an optional server delay.
    Retry(E, Option<Duration>),
}

/// Runs `attempt` until it is done or the next wait would pass the deadline; then the last
/// error is returned. Each retry is logged at `warn` with `label`; throttling waits are
/// announced on stderr ([`announce_wait`]).
pub async fn run<T, E, F, Fut>(policy: &RetryPolicy, label: &str, mut attempt: F) -> Result<T, E>
where
    F: FnMut(u32) -> Fut,
    Fut: Future<Output = Attempt<T, E>>,
    E: std::fmt::Display,
{
    policy.clock.started();
    let mut n = 0u32;
    loop {
        n += 1;
        match attempt(n).await {
            Attempt::Done(r) => {
                clear_wait_line();
                return r;
            }
            Attempt::Retry(err, server_delay) => match policy.next_wait(n, server_delay) {
                Ok(wait) => {
                    tracing::warn!(
                        "{label}: attempt {n} failed ({err}); retrying in {} ms",
                        wait.as_millis()
                    );
                    announce_wait(wait, server_delay.is_some());
                    tokio::time::sleep(wait).await;
                }
                Err(stop) => {
                    clear_wait_line();
                    tracing::warn!("{label}: giving up: {stop}");
                    return Err(err);
                }
            },
        }
    }
}

/// Runs a non-idempotent create safely: when it fails in a way that leaves the outcome
/// unknown ([`GraphError::outcome_unknown`]), `recheck` looks for the object; if it exists
/// it is returned, otherwise the create is tried again (at most `attempts` times in all).
/// A create is never repeated without a look first, so no retry makes a duplicate.
pub async fn create_with_recheck<T, C, CF, R, RF>(
    attempts: u32,
    mut create: C,
    mut recheck: R,
) -> Result<T, GraphError>
where
    C: FnMut() -> CF,
    CF: Future<Output = Result<T, GraphError>>,
    R: FnMut() -> RF,
    RF: Future<Output = Result<Option<T>, GraphError>>,
{
    let mut n = 0;
    loop {
        n += 1;
        match create().await {
            Ok(t) => return Ok(t),
            Err(e) if e.outcome_unknown() && n < attempts.max(1) => {
                tracing::warn!("{e}; looking again before retrying the create");
                if let Some(found) = recheck().await? {
                    return Ok(found);
                }
            }
            Err(e) => return Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn headers(retry_after: Option<&str>) -> HeaderMap {
        let mut h = HeaderMap::new();
        if let Some(v) = retry_after {
            h.insert(RETRY_AFTER, HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn throttling_is_retried_with_server_delay() {
        let h = headers(Some("7"));
        assert_eq!(
            classify(Outcome::Status(429, &h), Idempotency::Create, false),
            Verdict::Retry(Some(Duration::from_secs(7)))
        );
    }

    #[test]
    fn http_date_retry_after_is_relative_to_now() {
        let when = SystemTime::now() + Duration::from_secs(30);
        let h = headers(Some(&httpdate::fmt_http_date(when)));
        let d = retry_after(&h).unwrap();
        assert!(d <= Duration::from_secs(30) && d >= Duration::from_secs(28));
    }

    #[test]
    fn other_client_errors_are_never_retried() {
        let h = headers(None);
        for s in [400, 401, 405, 412, 422] {
            assert_eq!(
                classify(Outcome::Status(s, &h), Idempotency::Idempotent, true),
                Verdict::Fail
            );
        }
    }

    #[test]
    fn replication_errors_need_the_transient_window() {
        let h = headers(None);
        for s in [403, 404, 409] {
            assert_eq!(
                classify(Outcome::Status(s, &h), Idempotency::Idempotent, false),
                Verdict::Fail
            );
            assert_eq!(
                classify(Outcome::Status(s, &h), Idempotency::Idempotent, true),
                Verdict::Retry(None)
            );
        }
    }

    #[test]
    fn creates_retry_only_when_not_sent() {
        let h = headers(None);
        assert_eq!(
            classify(Outcome::Status(503, &h), Idempotency::Create, false),
            Verdict::Fail
        );
        assert_eq!(
            classify(
                Outcome::Transport { connect: false },
                Idempotency::Create,
                false
            ),
            Verdict::Fail
        );
        assert_eq!(
            classify(
                Outcome::Transport { connect: true },
                Idempotency::Create,
                false
            ),
            Verdict::Retry(None)
        );
    }

    #[test]
    fn backoff_is_bounded_by_max_backoff() {
        let p = RetryPolicy {
            max_backoff: Duration::from_secs(2),
            ..RetryPolicy::default()
        };
        for n in 1..40 {
            assert!(p.backoff(n) <= Duration::from_secs(2));
        }
    }

    /// A 429 with `Retry-After: 45` is answered by waiting 45 s and trying again, with the
    /// default deadline (10 minutes) and any backoff cap; under a paused clock.
    #[tokio::test(start_paused = true)]
    async fn retry_after_45_is_waited_and_the_call_succeeds() {
        let p = RetryPolicy {
            max_backoff: Duration::from_millis(10),
            ..RetryPolicy::default()
        };
        let h = headers(Some("45"));
        let t = Instant::now();
        let result: Result<u32, String> = run(&p, "GET /x", |n| {
            let verdict = classify(Outcome::Status(429, &h), Idempotency::Idempotent, false);
            async move {
                match (n, verdict) {
                    (1, Verdict::Retry(d)) => Attempt::Retry("HTTP 429".to_owned(), d),
                    (1, Verdict::Fail) => Attempt::Done(Err("not retried".to_owned())),
                    _ => Attempt::Done(Ok(n)),
                }
            }
        })
        .await;
        assert_eq!(result, Ok(2));
        let waited = t.elapsed();
        assert!(
            waited >= Duration::from_secs(45) && waited < Duration::from_secs(46),
            "{waited:?}"
        );
    }

    /// Repeated throttling keeps being honoured until the request succeeds (throttling.md
    /// step 3), as long as the deadline allows.
    #[tokio::test(start_paused = true)]
    async fn repeated_retry_after_is_honoured_until_success() {
        let p = RetryPolicy::with_timeout(Duration::from_secs(30 * 60));
        let t = Instant::now();
        let result: Result<u32, String> = run(&p, "GET /x", |n| async move {
            if n <= 5 {
                Attempt::Retry("HTTP 429".to_owned(), Some(Duration::from_secs(120)))
            } else {
                Attempt::Done(Ok(n))
            }
        })
        .await;
        assert_eq!(result, Ok(6));
        assert!(t.elapsed() >= Duration::from_secs(600));
    }

    #[tokio::test(start_paused = true)]
    async fn a_wait_past_the_deadline_gives_up_with_the_last_error() {
        let p = RetryPolicy::with_timeout(Duration::from_secs(60));
        let result: Result<u32, String> = run(&p, "GET /x", |_| async {
            Attempt::Retry("HTTP 429".to_owned(), Some(Duration::from_secs(45)))
        })
        .await;
        assert_eq!(result, Err("HTTP 429".to_owned()));
    }

    #[tokio::test]
    async fn retry_after_is_honoured_up_to_the_deadline_whatever_its_size() {
        let p = RetryPolicy::with_timeout(Duration::from_secs(30 * 60));
        let long = Duration::from_secs(600);
        assert_eq!(p.next_wait(1, Some(long)), Ok(long));
        assert_eq!(p.next_wait(1000, Some(long)), Ok(long));
        let stop = p.next_wait(1, Some(Duration::from_secs(3600))).unwrap_err();
        assert_eq!(
            stop.to_string(),
            "the next wait (3600 s, Retry-After) would pass the command's deadline (--timeout 1800 s)"
        );
    }
}
