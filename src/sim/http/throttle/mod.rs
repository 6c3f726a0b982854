//! The documented throttling model of identity and access requests
//! (`concepts/throttling-limits.md`, "Identity and access service limits"), selected with
//! `sim serve --throttle documented[:S|M|L]` ([`ThrottleSpec`]).
//!
//! Token buckets add up request costs ([`cost`]) and compare them with the documented
//! quotas ([`QUOTAS`]): per application+tenant pair a resource-unit quota (S 3,500, M 5,000,
//! L 8,000 per 10 s; the size is S under 50 users, M from 50 to 500, L above 500) and a
//! write quota (3,000 per 2 min 30 s); per application 150,000 RU per 20 s and 70,000
//! writes per 5 min; per tenant 18,000 writes per 5 min. A bucket holds its quota and
//! refills at quota ÷ window; a request is admitted when every bucket it touches holds
//! its cost, and only then charged. A refused request answers 429 `TooManyRequests` with
//! `Retry-After` (whole seconds until the refusing bucket holds the cost again),
//! `x-ms-throttle-scope` (`<Scope>/<Limit>/<ApplicationId>/<TenantId>`) and
//! `x-ms-throttle-information`. Every answer carries `x-ms-resource-unit` (its cost) and,
//! once a bucket is more than 0.8 used, `x-ms-throttle-limit-percentage`. Each `$batch`
//! part is charged on its own; the envelope costs nothing.
//!
//! Time is the model's own clock ([`ThrottleClock`]): real time × `time_scale` plus what
//! tests add with [`Throttle::advance`] (`POST /_sim/throttle/advance/{seconds}`), so a
//! 150 s window takes 7.5 s at `--time-scale 20`. [`Throttle::storm`]
//! (`POST /_sim/throttle/storm/{seconds}`) throttles every request for a while, as Graph
//! may do "under an important load". Random faults (`--faults`) are a separate knob.

pub mod cost;

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;
use std::time::Instant;

use serde::{Deserialize, Serialize};

pub use cost::Cost;

/// Tenant size of the application+tenant resource-unit quota.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum TenantSize {
    /// Under 50 users: 3,500 RU per 10 s.
    S,
    /// 50 to 500 users: 5,000 RU per 10 s.
    M,
    /// Above 500 users: 8,000 RU per 10 s.
    L,
}

impl TenantSize {
    /// The size the page defines for a tenant with `users` users.
    pub fn from_users(users: usize) -> Self {
        match users {
            0..50 => TenantSize::S,
            50..=500 => TenantSize::M,
            _ => TenantSize::L,
        }
    }

    /// Resource units per 10 s of the application+tenant pair.
    pub fn ru_quota(self) -> f64 {
        match self {
            TenantSize::S => 3_500.0,
            TenantSize::M => 5_000.0,
            TenantSize::L => 8_000.0,
        }
    }
}

/// Parsed `--throttle` (and `--time-scale`).
#[derive(Clone, Debug, PartialEq)]
pub struct ThrottleSpec {
    /// Tenant size; `None`: from the number of users at start.
    pub size: Option<TenantSize>,
    /// Every window is shrunk this many times (1 = real time).
    pub time_scale: f64,
}

/// A bad `--throttle` value.
#[derive(Debug, thiserror::Error, PartialEq)]
#[error(
    "invalid throttle model `{0}`: expected documented, documented:S, documented:M or documented:L"
)]
pub struct ThrottleSpecError(pub String);

impl ThrottleSpec {
    /// Parses `documented[:S|M|L]`.
    pub fn parse(spec: &str) -> Result<Self, ThrottleSpecError> {
        let size = match spec.trim() {
            "documented" => None,
            "documented:S" | "documented:s" => Some(TenantSize::S),
            "documented:M" | "documented:m" => Some(TenantSize::M),
            "documented:L" | "documented:l" => Some(TenantSize::L),
            other => return Err(ThrottleSpecError(other.to_owned())),
        };
        Ok(Self {
            size,
            time_scale: 1.0,
        })
    }
}

/// `<Scope>` of `x-ms-throttle-scope`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// All requests of one application in one tenant.
    TenantApplication,
    /// All requests of one application.
    Application,
    /// All requests for one tenant, whatever the application.
    Tenant,
}

/// One documented quota.
#[derive(Clone, Copy, Debug)]
pub struct Quota {
    /// Whose requests share the bucket.
    pub scope: Scope,
    /// `true`: the write quota (write units); `false`: the resource-unit quota.
    pub writes: bool,
    /// Units per window (`None`: the tenant-size quota).
    pub amount: Option<f64>,
    /// Window in seconds.
    pub window_secs: f64,
}

/// The quotas of the page's table, in the order they are checked.
pub const QUOTAS: &[Quota] = &[
    Quota {
        scope: Scope::TenantApplication,
        writes: false,
        amount: None,
        window_secs: 10.0,
    },
    Quota {
        scope: Scope::TenantApplication,
        writes: true,
        amount: Some(3_000.0),
        window_secs: 150.0,
    },
    Quota {
        scope: Scope::Application,
        writes: false,
        amount: Some(150_000.0),
        window_secs: 20.0,
    },
    Quota {
        scope: Scope::Application,
        writes: true,
        amount: Some(70_000.0),
        window_secs: 300.0,
    },
    Quota {
        scope: Scope::Tenant,
        writes: true,
        amount: Some(18_000.0),
        window_secs: 300.0,
    },
];

impl Quota {
    fn capacity(&self, size: TenantSize) -> f64 {
        self.amount.unwrap_or_else(|| size.ru_quota())
    }

    /// `<Scope>/<Limit>` of `x-ms-throttle-scope`: RU quotas count every request
    /// (`ReadWrite`), write quotas the writes (`Write`).
    pub fn scope_name(&self) -> &'static str {
        match (self.scope, self.writes) {
            (Scope::TenantApplication, false) => "Tenant_Application/ReadWrite",
            (Scope::TenantApplication, true) => "Tenant_Application/Write",
            (Scope::Application, false) => "Application/ReadWrite",
            (Scope::Application, true) => "Application/Write",
            (Scope::Tenant, _) => "Tenant/Write",
        }
    }

    /// `x-ms-throttle-information` of a refusal.
    pub fn information(&self) -> &'static str {
        if self.writes {
            "WriteLimitExceeded"
        } else {
            "ResourceUnitLimitExceeded"
        }
    }

    fn key(&self, app: &str, tenant: &str) -> String {
        match self.scope {
            Scope::TenantApplication => format!("{app}/{tenant}"),
            Scope::Application => app.to_owned(),
            Scope::Tenant => tenant.to_owned(),
        }
    }
}

/// The model's clock: seconds of simulated time since start.
#[derive(Debug)]
pub struct ThrottleClock {
    start: Instant,
    scale: f64,
}

impl ThrottleClock {
    fn now(&self, advanced: f64) -> f64 {
        self.start.elapsed().as_secs_f64() * self.scale + advanced
    }
}

#[derive(Clone, Copy, Debug)]
struct Bucket {
    level: f64,
    at: f64,
}

/// What the model reports in `GET /_sim/stats` (`throttling`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ThrottleStats {
    /// `S`, `M` or `L`.
    pub size: String,
    /// Resource units charged to admitted requests.
    pub ru_spent: u64,
    /// Write units charged to admitted requests.
    pub writes_spent: u64,
    /// 429s by `<Scope>/<Limit>` (`storm` for [`Throttle::storm`]).
    pub throttled: BTreeMap<String, u64>,
    /// `Retry-After` (seconds) of the first 429.
    pub first_retry_after_secs: Option<u64>,
    /// Real milliseconds from the first 429 until its bucket admitted a request again.
    pub first_wait_ms: Option<u64>,
}

#[derive(Debug, Default)]
struct State {
    buckets: HashMap<(usize, String), Bucket>,
    advanced: f64,
    storm_until: Option<f64>,
    stats: ThrottleStats,
    first: Option<(Instant, usize, String)>,
}

/// A refused request: the response headers of its 429.
#[derive(Clone, Debug, PartialEq)]
pub struct Refusal {
    /// `Retry-After` in whole seconds.
    pub retry_after: u64,
    /// `x-ms-throttle-scope`.
    pub scope: String,
    /// `x-ms-throttle-information`.
    pub information: &'static str,
}

/// An admitted request: its cost and the headers of its answer.
#[derive(Clone, Debug, PartialEq)]
pub struct Admitted {
    /// What was charged.
    pub cost: Cost,
    /// Use of the fullest bucket it touched, when above 0.8.
    pub limit_percentage: Option<f64>,
}

impl Admitted {
    /// `x-ms-resource-unit` and, when due, `x-ms-throttle-limit-percentage`.
    pub fn headers(&self) -> Vec<(String, String)> {
        let mut h = vec![("x-ms-resource-unit".to_owned(), self.cost.ru.to_string())];
        if let Some(p) = self.limit_percentage {
            h.push((
                "x-ms-throttle-limit-percentage".to_owned(),
                format!("{p:.2}"),
            ));
        }
        h
    }
}

/// The live model of one simulator.
#[derive(Debug)]
pub struct Throttle {
    size: TenantSize,
    clock: ThrottleClock,
    state: Mutex<State>,
}

impl Throttle {
    /// A model for `spec`; `users` decides the size when the spec does not.
    pub fn new(spec: &ThrottleSpec, users: usize) -> Self {
        let size = spec.size.unwrap_or_else(|| TenantSize::from_users(users));
        let state = State {
            stats: ThrottleStats {
                size: format!("{size:?}"),
                ..ThrottleStats::default()
            },
            ..State::default()
        };
        Self {
            size,
            clock: ThrottleClock {
                start: Instant::now(),
                scale: if spec.time_scale > 0.0 {
                    spec.time_scale
                } else {
                    1.0
                },
            },
            state: Mutex::new(state),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        match self.state.lock() {
            Ok(g) => g,
            Err(p) => p.into_inner(),
        }
    }

    /// The tenant size in force.
    pub fn size(&self) -> TenantSize {
        self.size
    }

    /// Charges a request of application `app` in `tenant`, or refuses it.
    pub fn admit(&self, app: &str, tenant: &str, cost: Cost) -> Result<Admitted, Refusal> {
        let mut st = self.lock();
        let now = self.clock.now(st.advanced);
        if let Some(until) = st.storm_until.filter(|u| *u > now) {
            return Err(self.refuse_storm(&mut st, until - now, app, tenant));
        }
        let mut worst: Option<(f64, usize)> = None;
        let mut touched = Vec::new();
        for (i, q) in QUOTAS.iter().enumerate() {
            let units = f64::from(if q.writes { cost.write } else { cost.ru });
            if units == 0.0 {
                continue;
            }
            let cap = q.capacity(self.size);
            let rate = cap / q.window_secs;
            let key = (i, q.key(app, tenant));
            let b = st.buckets.entry(key.clone()).or_insert(Bucket {
                level: cap,
                at: now,
            });
            b.level = (b.level + (now - b.at) * rate).min(cap);
            b.at = now;
            if b.level + 1e-9 < units {
                let wait = (units - b.level) / rate;
                if worst.is_none_or(|(w, _)| wait > w) {
                    worst = Some((wait, i));
                }
            }
            touched.push((key, units, cap));
        }
        if let Some((wait, i)) = worst {
            return Err(self.refuse(&mut st, wait, i, app, tenant));
        }
        let mut used: f64 = 0.0;
        for (key, units, cap) in &touched {
            if let Some(b) = st.buckets.get_mut(key) {
                b.level -= units;
                used = used.max((cap - b.level) / cap);
            }
            if st
                .first
                .as_ref()
                .is_some_and(|(_, i, k)| (*i, k) == (key.0, &key.1))
            {
                let (at, _, _) = st
                    .first
                    .take()
                    .unwrap_or((Instant::now(), 0, String::new()));
                st.stats.first_wait_ms = Some(at.elapsed().as_millis() as u64);
            }
        }
        st.stats.ru_spent += u64::from(cost.ru);
        st.stats.writes_spent += u64::from(cost.write);
        Ok(Admitted {
            cost,
            limit_percentage: (used > 0.8).then_some(used),
        })
    }

    fn retry_after(&self, sim_secs: f64) -> u64 {
        (sim_secs / self.clock.scale).ceil().max(0.0) as u64
    }

    fn refuse(&self, st: &mut State, wait: f64, i: usize, app: &str, tenant: &str) -> Refusal {
        let q = &QUOTAS[i];
        let retry_after = self.retry_after(wait);
        *st.stats
            .throttled
            .entry(q.scope_name().to_owned())
            .or_insert(0) += 1;
        if st.stats.first_retry_after_secs.is_none() {
            st.stats.first_retry_after_secs = Some(retry_after);
            st.first = Some((Instant::now(), i, q.key(app, tenant)));
        }
        Refusal {
            retry_after,
            scope: format!("{}/{app}/{tenant}", q.scope_name()),
            information: q.information(),
        }
    }

    fn refuse_storm(&self, st: &mut State, wait: f64, app: &str, tenant: &str) -> Refusal {
        let retry_after = self.retry_after(wait).max(1);
        *st.stats.throttled.entry("storm".to_owned()).or_insert(0) += 1;
        if st.stats.first_retry_after_secs.is_none() {
            st.stats.first_retry_after_secs = Some(retry_after);
            st.first = Some((Instant::now(), 0, QUOTAS[0].key(app, tenant)));
        }
        Refusal {
            retry_after,
            scope: format!("Tenant_Application/ReadWrite/{app}/{tenant}"),
            information: "CPULimitExceeded",
        }
    }

    /// Charges `cost` as if application `app` had spent it in `tenant` (traffic the
    /// simulator does not serve, such as the same app in other tenants), never below empty.
    pub fn spend(&self, app: &str, tenant: &str, cost: Cost) {
        let mut st = self.lock();
        let now = self.clock.now(st.advanced);
        for (i, q) in QUOTAS.iter().enumerate() {
            let units = f64::from(if q.writes { cost.write } else { cost.ru });
            let cap = q.capacity(self.size);
            let rate = cap / q.window_secs;
            let b = st.buckets.entry((i, q.key(app, tenant))).or_insert(Bucket {
                level: cap,
                at: now,
            });
            b.level = ((b.level + (now - b.at) * rate).min(cap) - units).max(0.0);
            b.at = now;
        }
    }

    /// Moves the model's clock forward by `secs` simulated seconds (buckets refill).
    pub fn advance(&self, secs: f64) {
        self.lock().advanced += secs.max(0.0);
    }

    /// Throttles every request for the next `secs` simulated seconds.
    pub fn storm(&self, secs: f64) {
        let mut st = self.lock();
        let now = self.clock.now(st.advanced);
        st.storm_until = Some(now + secs.max(0.0));
    }

    /// The counters.
    pub fn stats(&self) -> ThrottleStats {
        self.lock().stats.clone()
    }

    /// Refills every bucket and zeroes the counters (`/_sim/reset`).
    pub fn reset(&self) {
        let mut st = self.lock();
        let size = st.stats.size.clone();
        *st = State {
            advanced: st.advanced,
            stats: ThrottleStats {
                size,
                ..ThrottleStats::default()
            },
            ..State::default()
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_follow_the_page() {
        assert_eq!(TenantSize::from_users(49), TenantSize::S);
        assert_eq!(TenantSize::from_users(50), TenantSize::M);
        assert_eq!(TenantSize::from_users(500), TenantSize::M);
        assert_eq!(TenantSize::from_users(501), TenantSize::L);
    }

    #[test]
    fn parses_the_spec() {
        assert_eq!(ThrottleSpec::parse("documented").unwrap().size, None);
        assert_eq!(
            ThrottleSpec::parse("documented:L").unwrap().size,
            Some(TenantSize::L)
        );
        assert!(ThrottleSpec::parse("random").is_err());
    }
}
