//! Client-side pacing to the documented identity and access budget
//! (`concepts/throttling-limits.md`, "Identity and access service limits"), so that a large
//! apply runs at the speed Graph allows instead of running into 429s.
//!
//! A [`Pacer`] keeps an estimate of two token buckets of the application+tenant pair: the
//! write quota (3,000 per 150 s, the tightest write quota one identity meets) and the
//! resource-unit quota (S: 3,500 per 10 s to begin with, since the client cannot know the
//! tenant size; raised to M and L when Graph sends no `x-ms-throttle-limit-percentage`
//! although the estimate is past 0.8 of S or M).
//! Every request takes its estimated cost from them before it is sent ([`Pacer::acquire`]),
//! so no more writes are in flight than the write bucket allows; answers correct the
//! estimate ([`Pacer::observe`]): `x-ms-resource-unit` (the real cost),
//! `x-ms-throttle-limit-percentage` (how full Graph says the limit is), and a 429's
//! `Retry-After` and `x-ms-throttle-scope` (the bucket is empty until then). `$batch`
//! concurrency adapts (AIMD): it starts at the most allowed (the buckets, not the batch
//! count, bound what is spent: a slow start would only add round trips while the buckets
//! are full), a 429 halves it, once per `Retry-After`, and it grows by one per round
//! without a 429.
//!
//! One pacer serves every [`crate::graph::Client`] of the same Graph endpoint and identity
//! in a process ([`shared`]), so several manifests applied in one run share one budget.
//! Reads below the resource-unit quota never wait.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock, Weak};
use std::time::{Duration, Instant};

use reqwest::header::HeaderMap;

/// Writes per window of the application+tenant write quota.
pub const WRITE_QUOTA: f64 = 3_000.0;
/// Its window in seconds (2 min 30 s).
pub const WRITE_WINDOW_SECS: f64 = 150.0;
/// Resource units per window of the smallest (S) application+tenant quota.
pub const RU_QUOTA: f64 = 3_500.0;
/// Its window in seconds.
pub const RU_WINDOW_SECS: f64 = 10.0;
/// Resource units per window of an M tenant (50 to 500 users).
pub const RU_QUOTA_M: f64 = 5_000.0;
/// Resource units per window of an L tenant (above 500 users).
pub const RU_QUOTA_L: f64 = 8_000.0;

/// How a client paces itself.
#[derive(Debug, Clone, PartialEq)]
pub struct PaceOptions {
    /// Pace at all (off: requests go out as fast as `batch_concurrency` allows).
    pub enabled: bool,
    /// The quota windows are this many times shorter (1 for Microsoft Graph; a simulator
    /// started with `--time-scale K` needs K).
    pub time_scale: f64,
    /// Most `$batch` requests in flight at once once concurrency has grown.
    pub max_batch_concurrency: usize,
}

impl Default for PaceOptions {
    fn default() -> Self {
        Self {
            enabled: true,
            time_scale: 1.0,
            max_batch_concurrency: 32,
        }
    }
}

/// The estimated cost of one HTTP request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Cost {
    /// Resource units.
    pub ru: u32,
    /// Writes.
    pub writes: u32,
    /// A `$batch` envelope (counts against the batch concurrency).
    pub batch: bool,
}

impl Cost {
    /// A plain request: 1 RU, and 1 write unless it is a GET.
    pub fn of_method(method: &reqwest::Method) -> Self {
        Cost {
            ru: 1,
            writes: u32::from(method != reqwest::Method::GET),
            batch: false,
        }
    }
}

#[derive(Debug)]
struct Bucket {
    capacity: f64,
    rate: f64,
    level: f64,
    at: Instant,
    blocked_until: Option<Instant>,
}

impl Bucket {
    fn new(quota: f64, window_secs: f64, time_scale: f64) -> Self {
        Self {
            capacity: quota,
            rate: quota / window_secs * time_scale,
            level: quota,
            at: Instant::now(),
            blocked_until: None,
        }
    }

    fn refill(&mut self, now: Instant) {
        let from = self
            .blocked_until
            .filter(|b| *b > self.at)
            .unwrap_or(self.at);
        if now > from {
            self.level = (self.level + (now - from).as_secs_f64() * self.rate).min(self.capacity);
        }
        self.at = now.max(self.at);
    }

    /// How long until `units` are available.
    fn wait(&self, units: f64, now: Instant) -> Duration {
        if let Some(b) = self.blocked_until.filter(|b| *b > now) {
            return b - now;
        }
        if units <= 0.0 || self.level >= units {
            return Duration::ZERO;
        }
        Duration::from_secs_f64((units - self.level) / self.rate)
    }

    /// Used share of the bucket.
    fn used(&self) -> f64 {
        1.0 - self.level / self.capacity
    }

    /// Raises the capacity to `to` (the rate grows with it; the extra is available now).
    fn grow(&mut self, to: f64) {
        if to > self.capacity {
            self.rate *= to / self.capacity;
            self.level += to - self.capacity;
            self.capacity = to;
        }
    }

    fn empty_until(&mut self, until: Instant) {
        self.level = 0.0;
        self.blocked_until = Some(self.blocked_until.map_or(until, |b| b.max(until)));
    }
}

#[derive(Debug)]
struct State {
    writes: Bucket,
    ru: Bucket,
    limit: usize,
    in_flight: usize,
    ok_since_change: usize,
    last_decrease: Option<Instant>,
    throttled: u64,
    /// Writes sent and not answered yet.
    writes_in_flight: f64,
}

/// The shared budget of one Graph endpoint and identity.
#[derive(Debug)]
pub struct Pacer {
    opts: PaceOptions,
    initial: usize,
    state: Mutex<State>,
    freed: tokio::sync::Notify,
}

/// Held while a request is in flight; gives its batch slot back when dropped.
#[derive(Debug)]
pub struct Permit<'a> {
    pacer: Option<&'a Pacer>,
    cost: Cost,
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        if let Some(p) = self.pacer {
            p.with(|s| {
                s.writes_in_flight = (s.writes_in_flight - f64::from(self.cost.writes)).max(0.0);
                if self.cost.batch {
                    s.in_flight = s.in_flight.saturating_sub(1);
                }
            });
            p.freed.notify_waiters();
        }
    }
}

impl Pacer {
    /// A pacer; without pacing, `batch_concurrency` batches go out at once; with it, up
    /// to `max_batch_concurrency` to begin with.
    pub fn new(opts: &PaceOptions, batch_concurrency: usize) -> Self {
        let scale = if opts.time_scale > 0.0 {
            opts.time_scale
        } else {
            1.0
        };
        let initial = batch_concurrency.max(1);
        Self {
            opts: opts.clone(),
            initial,
            state: Mutex::new(State {
                writes: Bucket::new(WRITE_QUOTA, WRITE_WINDOW_SECS, scale),
                ru: Bucket::new(RU_QUOTA, RU_WINDOW_SECS, scale),
                limit: if opts.enabled {
                    opts.max_batch_concurrency.max(initial)
                } else {
                    initial
                },
                in_flight: 0,
                ok_since_change: 0,
                last_decrease: None,
                throttled: 0,
                writes_in_flight: 0.0,
            }),
            freed: tokio::sync::Notify::new(),
        }
    }

    fn with<T>(&self, f: impl FnOnce(&mut State) -> T) -> T {
        match self.state.lock() {
            Ok(mut g) => f(&mut g),
            Err(p) => f(&mut p.into_inner()),
        }
    }

    /// Whether pacing is on.
    pub fn enabled(&self) -> bool {
        self.opts.enabled
    }

    /// Most `$batch` requests that may ever be in flight (the stream's bound).
    pub fn max_batches(&self) -> usize {
        if self.opts.enabled {
            self.opts.max_batch_concurrency.max(self.initial)
        } else {
            self.initial
        }
    }

    /// Batches allowed in flight right now.
    pub fn batch_limit(&self) -> usize {
        self.with(|s| s.limit)
    }

    /// 429s observed.
    pub fn throttled(&self) -> u64 {
        self.with(|s| s.throttled)
    }

    /// Waits until `cost` fits the estimated buckets (and, for a batch, a batch slot is
    /// free), then takes it.
    pub async fn acquire(&self, cost: Cost) -> Permit<'_> {
        if !self.opts.enabled {
            return Permit { pacer: None, cost };
        }
        loop {
            let freed = self.freed.notified();
            let wait = self.with(|s| {
                let now = Instant::now();
                s.writes.refill(now);
                s.ru.refill(now);
                if cost.batch && s.in_flight >= s.limit {
                    return None;
                }
                let wait = s
                    .writes
                    .wait(f64::from(cost.writes), now)
                    .max(s.ru.wait(f64::from(cost.ru), now));
                if wait.is_zero() {
                    s.writes.level -= f64::from(cost.writes);
                    s.ru.level -= f64::from(cost.ru);
                    s.writes_in_flight += f64::from(cost.writes);
                    if cost.batch {
                        s.in_flight += 1;
                    }
                }
                Some(wait)
            });
            match wait {
                Some(w) if w.is_zero() => {
                    return Permit {
                        pacer: Some(self),
                        cost,
                    };
                }
                Some(w) => tokio::time::sleep(w).await,
                None => freed.await,
            }
        }
    }

    /// Learns from one answer (a plain request, a `$batch` envelope or one of its parts).
    /// `cost` is what was taken for it; for a part, `Cost::default()` with `writes` set
    /// when the part was a write.
    pub fn observe(&self, status: u16, headers: &HeaderMap, cost: Cost) {
        if !self.opts.enabled {
            return;
        }
        let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
        self.with(|s| {
            let now = Instant::now();
            if status == 429 {
                self.throttled_at(s, now, header("retry-after"), header("x-ms-throttle-scope"));
                return;
            }
            let charged = header("x-ms-resource-unit").and_then(|v| v.parse::<f64>().ok());
            if let Some(ru) = charged
                && cost.ru > 0
            {
                s.ru.level -= ru - f64::from(cost.ru);
            }
            let percentage = header("x-ms-throttle-limit-percentage")
                .and_then(|v| v.parse::<f64>().ok())
                .filter(|p| p.is_finite());
            // Graph measured its bucket before the writes still in flight (other than this
            // answer's own) arrive: they are spent too.
            let own = if cost.ru > 0 {
                f64::from(cost.writes)
            } else {
                0.0
            };
            let ahead = (s.writes_in_flight - own).max(0.0);
            match percentage {
                Some(p) => {
                    let (b, ahead) = if cost.writes > 0 {
                        (&mut s.writes, ahead)
                    } else {
                        (&mut s.ru, 0.0)
                    };
                    b.refill(now);
                    b.level = b.level.min(b.capacity * (1.0 - p).max(0.0) - ahead);
                }
                // Graph sends the percentage on every answer once more than 0.8 of a limit
                // is used: an answer that states its cost but no percentage says every
                // limit it touched is below 0.8. Only answers observed as they arrive (a
                // request or a `$batch` envelope, `cost.ru > 0`) count: the parts of a
                // batch are read after their whole call, when "below 0.8" may be stale.
                None if charged.is_some() && cost.ru > 0 => below_eighty_percent(s),
                None => {}
            }
            if cost.batch {
                s.ok_since_change += 1;
                if s.ok_since_change >= s.limit && s.limit < self.max_batches() {
                    // Additive increase: one more per round without a 429.
                    s.limit += 1;
                    s.ok_since_change = 0;
                }
            }
        });
    }

    fn throttled_at(
        &self,
        s: &mut State,
        now: Instant,
        retry_after: Option<&str>,
        scope: Option<&str>,
    ) {
        s.throttled += 1;
        let wait = retry_after
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map_or(Duration::from_secs(1), Duration::from_secs);
        let writes_only = scope.is_some_and(|sc| sc.split('/').nth(1) == Some("Write"));
        s.writes.empty_until(now + wait);
        if !writes_only {
            s.ru.empty_until(now + wait);
        }
        // One decrease per Retry-After: the parts of one throttled round halve once.
        if s.last_decrease.is_none_or(|t| now >= t) {
            s.limit = (s.limit / 2).max(1);
            s.ok_since_change = 0;
            s.last_decrease = Some(now + wait);
        }
    }
}

/// What an answer without `x-ms-throttle-limit-percentage` tells: past 0.8 of the RU
/// estimate, the tenant is larger than assumed (S, then M 5,000, then L 8,000 RU per 10 s).
/// (The write estimate is not raised from it: that could only make the client send more
/// than the bucket holds, and a simulator with shorter windows says so through
/// `ConnectionSettings::time_scale` instead.)
fn below_eighty_percent(s: &mut State) {
    if s.ru.used() > 0.8 {
        let next = if s.ru.capacity < RU_QUOTA_M {
            RU_QUOTA_M
        } else {
            RU_QUOTA_L
        };
        s.ru.grow(next);
    }
}

type Registry = Mutex<HashMap<String, Weak<Pacer>>>;

/// The pacer of `key` (Graph endpoint and identity), created on first use and shared by
/// every client with the same key while one of them lives.
pub fn shared(key: &str, opts: &PaceOptions, batch_concurrency: usize) -> Arc<Pacer> {
    static REGISTRY: OnceLock<Registry> = OnceLock::new();
    let registry = REGISTRY.get_or_init(Registry::default);
    let mut map = match registry.lock() {
        Ok(m) => m,
        Err(p) => p.into_inner(),
    };
    map.retain(|_, w| w.strong_count() > 0);
    if let Some(p) = map.get(key).and_then(Weak::upgrade) {
        return p;
    }
    let p = Arc::new(Pacer::new(opts, batch_concurrency));
    map.insert(key.to_owned(), Arc::downgrade(&p));
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts(scale: f64) -> PaceOptions {
        PaceOptions {
            time_scale: scale,
            ..PaceOptions::default()
        }
    }

    #[tokio::test]
    async fn writes_wait_for_the_bucket_after_the_burst() {
        let p = Pacer::new(&opts(1_000.0), 4);
        let batch = Cost {
            ru: 20,
            writes: 20,
            batch: true,
        };
        let t = Instant::now();
        for _ in 0..150 {
            drop(p.acquire(batch).await);
        }
        // 3,000 at once, then 20 per 150 ms ÷ 1,000.
        let burst = t.elapsed();
        assert!(burst < Duration::from_millis(200), "{burst:?}");
        drop(p.acquire(batch).await);
        assert!(t.elapsed() >= Duration::from_micros(900));
    }

    #[test]
    fn a_429_halves_concurrency_once_per_retry_after() {
        let p = Pacer::new(&opts(1.0), 4);
        assert_eq!(p.batch_limit(), 32, "starts at the most allowed");
        p.with(|s| s.limit = 8);
        let mut h = HeaderMap::new();
        h.insert("retry-after", "2".parse().unwrap());
        h.insert(
            "x-ms-throttle-scope",
            "Tenant_Application/Write/a/t".parse().unwrap(),
        );
        p.observe(429, &h, Cost::default());
        p.observe(429, &h, Cost::default());
        assert_eq!(p.batch_limit(), 4);
        assert_eq!(p.throttled(), 2);
        let ok = HeaderMap::new();
        for _ in 0..4 {
            p.observe(
                200,
                &ok,
                Cost {
                    ru: 1,
                    writes: 0,
                    batch: true,
                },
            );
        }
        assert_eq!(p.batch_limit(), 5, "additive increase after a round");
        let off = Pacer::new(
            &PaceOptions {
                enabled: false,
                ..opts(1.0)
            },
            4,
        );
        assert_eq!(
            off.max_batches(),
            4,
            "without pacing, batch_concurrency bounds it"
        );
    }

    #[test]
    fn no_percentage_past_eighty_percent_means_a_larger_tenant() {
        let p = Pacer::new(&opts(1.0), 4);
        for want in [RU_QUOTA_M, RU_QUOTA_L] {
            p.with(|s| s.ru.level = 500.0);
            let mut charged = HeaderMap::new();
            charged.insert("x-ms-resource-unit", "1".parse().unwrap());
            p.observe(200, &charged, Cost::of_method(&reqwest::Method::GET));
            assert_eq!(p.with(|s| s.ru.capacity), want);
        }
    }

    #[test]
    fn limit_percentage_lowers_the_estimate() {
        let p = Pacer::new(&opts(1.0), 4);
        let mut h = HeaderMap::new();
        h.insert("x-ms-throttle-limit-percentage", "0.9".parse().unwrap());
        p.observe(
            201,
            &h,
            Cost {
                ru: 1,
                writes: 1,
                batch: false,
            },
        );
        let level = p.with(|s| s.writes.level);
        assert!(level <= 300.0 + 1.0, "{level}");
    }
}
