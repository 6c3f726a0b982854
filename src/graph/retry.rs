//! The retry policy — the one place that decides whether a failed call is tried again and
//! how long to wait. Used by every Graph call, every `$batch` sub-request and the token
//! endpoint.
//!
//! Rules:
//! - 429, 503, 504 and connection errors are retried, honouring `Retry-After` (delta-seconds
//!   or HTTP-date), otherwise exponential backoff with full jitter.
//! - 404/403/409 are retried only inside a *transient window* the caller opts into right
//!   after it created the object (replication delay).
//! - No other 4xx is ever retried.
//! - Non-idempotent requests (creates) are retried only when the failure proves the request
//!   never reached the server (connect error) or was rejected unprocessed (429).
//! - Attempts and total time are bounded.

use std::future::Future;
use std::time::{Duration, Instant, SystemTime};

use rand::Rng;
use reqwest::header::{HeaderMap, RETRY_AFTER};

use super::error::GraphError;

/// Bounds and backoff parameters.
#[derive(Debug, Clone)]
pub struct RetryPolicy {
    /// Maximum attempts per call (first try included).
    pub max_attempts: u32,
    /// Maximum time spent on one call including waits.
    pub max_total: Duration,
    /// First backoff step.
    pub base_delay: Duration,
    /// Largest backoff step (and the most a `Retry-After` may ask for before we give up).
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 6,
            max_total: Duration::from_secs(180),
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(60),
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
    /// `[0, min(max_delay, base·2^(n-1))]`.
    pub fn backoff(&self, attempt: u32) -> Duration {
        let exp = self
            .base_delay
            .saturating_mul(1u32 << attempt.saturating_sub(1).min(20));
        let cap = exp.min(self.max_delay);
        let millis = cap.as_millis().min(u64::MAX as u128) as u64;
        Duration::from_millis(rand::rng().random_range(0..=millis))
    }

    /// The wait before the next attempt, or `None` when the bounds say stop.
    pub fn next_wait(
        &self,
        attempt: u32,
        started: Instant,
        server_delay: Option<Duration>,
    ) -> Option<Duration> {
        if attempt >= self.max_attempts {
            return None;
        }
        let wait = match server_delay {
            Some(d) if d > self.max_delay => return None,
            Some(d) => d,
            None => self.backoff(attempt),
        };
        (started.elapsed() + wait <= self.max_total).then_some(wait)
    }
}

/// The result of one attempt inside [`run`].
pub enum Attempt<T, E> {
    /// Finished (success or a final error).
    Done(Result<T, E>),
    /// Failed in a way the caller classified as retryable, with an optional server delay.
    Retry(E, Option<Duration>),
}

/// Runs `attempt` until it is done or the policy's bounds are reached; the last error
/// is returned when retries run out. Each retry is logged at `warn` with `label`.
pub async fn run<T, E, F, Fut>(policy: &RetryPolicy, label: &str, mut attempt: F) -> Result<T, E>
where
    F: FnMut(u32) -> Fut,
    Fut: Future<Output = Attempt<T, E>>,
    E: std::fmt::Display,
{
    let started = Instant::now();
    let mut n = 0u32;
    loop {
        n += 1;
        match attempt(n).await {
            Attempt::Done(r) => return r,
            Attempt::Retry(err, server_delay) => match policy.next_wait(n, started, server_delay) {
                Some(wait) => {
                    tracing::warn!(
                        "{label}: attempt {n} failed ({err}); retrying in {} ms",
                        wait.as_millis()
                    );
                    tokio::time::sleep(wait).await;
                }
                None => return Err(err),
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
    fn backoff_is_bounded_by_max_delay() {
        let p = RetryPolicy {
            max_delay: Duration::from_secs(2),
            ..RetryPolicy::default()
        };
        for n in 1..40 {
            assert!(p.backoff(n) <= Duration::from_secs(2));
        }
    }

    #[test]
    fn attempts_are_bounded() {
        let p = RetryPolicy::default();
        let t = Instant::now();
        assert!(p.next_wait(p.max_attempts, t, None).is_none());
        assert!(p.next_wait(1, t, Some(Duration::from_secs(3600))).is_none());
    }
}
