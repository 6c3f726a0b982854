//! Fault injection: the `--faults` spec and its deterministic decisions.
//!
//! Spec: comma-separated items `name=value[:option=value…]`:
//! - `throttle=P[:retry-after=S]` — answer 429 `TooManyRequests` with `Retry-After: S` (default 1)
//! - `error503=P[:retry-after=S]` — answer 503 `ServiceUnavailable` (with `Retry-After` when given)
//! - `error504=P` — answer 504 `GatewayTimeout`
//! - `drop=P` — close the connection without an answer; about half of the dropped
//!   requests (decided by the seed) are processed first, so a client cannot know whether
//!   a write happened
//! - `replication-delay=N` — the first N reads of a newly created object answer 404 and
//!   synchronization calls on it answer 403 (service principal) or 409 (job)
//! - `token=on` — also inject faults on the token endpoint (off by default)
//!
//! P is a probability in `[0, 1]`. A decision is a pure function of the seed, the request
//! (method, route with ids normalised, query) and how many times that request was seen, so
//! the same sequence of requests meets the same faults whatever the interleaving.

use std::collections::HashMap;
use std::sync::Mutex;

/// Parsed `--faults` spec.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FaultSpec {
    /// Probability of a 429.
    pub throttle: f64,
    /// `Retry-After` seconds sent with a 429.
    pub throttle_retry_after: u64,
    /// Probability of a 503.
    pub error503: f64,
    /// `Retry-After` seconds sent with a 503, if any.
    pub error503_retry_after: Option<u64>,
    /// Probability of a 504.
    pub error504: f64,
    /// Probability of a dropped connection.
    pub drop: f64,
    /// Reads of a new object that answer 404 (and sync calls that answer 403/409).
    pub replication_delay: u32,
    /// Whether the token endpoint is subject to faults.
    pub on_token: bool,
}

/// A bad `--faults` spec.
#[derive(Debug, thiserror::Error, PartialEq)]
#[error("invalid fault spec item `{item}`: {reason}")]
pub struct FaultSpecError {
    /// The offending item.
    pub item: String,
    /// What is wrong with it.
    pub reason: String,
}

impl FaultSpec {
    /// Parses a spec such as `throttle=0.2:retry-after=1,error503=0.05,drop=0.01,replication-delay=3`.
    pub fn parse(spec: &str) -> Result<Self, FaultSpecError> {
        let mut out = FaultSpec {
            throttle_retry_after: 1,
            ..FaultSpec::default()
        };
        for item in spec.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            out.apply_item(item).map_err(|reason| FaultSpecError {
                item: item.to_owned(),
                reason: reason.to_owned(),
            })?;
        }
        Ok(out)
    }

    fn apply_item(&mut self, item: &str) -> Result<(), &'static str> {
        let mut parts = item.split(':');
        let head = parts.next().unwrap_or_default();
        let (name, value) = head.split_once('=').ok_or("expected name=value")?;
        let mut retry_after = None;
        for opt in parts {
            match opt.split_once('=') {
                Some(("retry-after", v)) => {
                    let secs = v
                        .parse::<u64>()
                        .map_err(|_| "retry-after must be a whole number of seconds (0 allowed)")?;
                    retry_after = Some(secs);
                }
                _ => return Err("unknown option (expected retry-after=S)"),
            }
        }
        if retry_after.is_some() && !matches!(name, "throttle" | "error503") {
            return Err("retry-after applies to throttle and error503 only");
        }
        let prob = || match value.parse::<f64>() {
            Ok(p) if (0.0..=1.0).contains(&p) => Ok(p),
            _ => Err("probability must be a number between 0 and 1"),
        };
        match name {
            "throttle" => {
                self.throttle = prob()?;
                self.throttle_retry_after = retry_after.unwrap_or(1);
            }
            "error503" => {
                self.error503 = prob()?;
                self.error503_retry_after = retry_after;
            }
            "error504" => self.error504 = prob()?,
            "drop" => self.drop = prob()?,
            "replication-delay" => {
                self.replication_delay = value
                    .parse()
                    .map_err(|_| "replication-delay must be a whole number of reads")?
            }
            "token" => {
                self.on_token = match value {
                    "on" | "true" | "1" => true,
                    "off" | "false" | "0" => false,
                    _ => return Err("token must be on or off"),
                }
            }
            _ => {
                return Err(
                    "unknown fault (expected throttle, error503, error504, drop, replication-delay, token)",
                );
            }
        }
        Ok(())
    }

    /// Whether any request-level fault can fire.
    pub fn any(&self) -> bool {
        self.throttle > 0.0 || self.error503 > 0.0 || self.error504 > 0.0 || self.drop > 0.0
    }
}

/// What to do with one request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    /// No fault.
    None,
    /// 429 with `Retry-After` seconds.
    Throttle(u64),
    /// 503, optionally with `Retry-After`.
    Unavailable(Option<u64>),
    /// 504.
    GatewayTimeout,
    /// Drop the connection; `true` when the request is processed first.
    Drop(bool),
}

/// Deterministic fault decider.
#[derive(Debug, Default)]
pub struct Faults {
    spec: FaultSpec,
    seed: u64,
    seen: Mutex<HashMap<u64, u64>>,
}

impl Faults {
    /// A decider for a spec and a seed.
    pub fn new(spec: FaultSpec, seed: u64) -> Self {
        Self {
            spec,
            seed,
            seen: Mutex::new(HashMap::new()),
        }
    }

    /// The spec.
    pub fn spec(&self) -> &FaultSpec {
        &self.spec
    }

    /// Forgets how often each request was seen (used by `/_sim/reset`).
    pub fn reset(&self) {
        if let Ok(mut seen) = self.seen.lock() {
            seen.clear();
        }
    }

    /// Decides the fault for a request identified by `key` (method, normalised route, query).
    /// `allow_drop` is false inside `$batch`, where a single part cannot be dropped.
    pub fn decide(&self, key: &str, allow_drop: bool) -> Fault {
        if !self.spec.any() {
            return Fault::None;
        }
        let base = fnv(self.seed, key.as_bytes());
        let n = match self.seen.lock() {
            Ok(mut seen) => {
                let c = seen.entry(base).or_insert(0);
                *c += 1;
                *c
            }
            Err(_) => 0,
        };
        let roll = |salt: u64| unit(splitmix(base ^ n.wrapping_mul(0x9e37_79b9) ^ salt));
        let s = &self.spec;
        if allow_drop && roll(1) < s.drop {
            return Fault::Drop(roll(5) < 0.5);
        }
        if roll(2) < s.throttle {
            return Fault::Throttle(s.throttle_retry_after);
        }
        if roll(3) < s.error503 {
            return Fault::Unavailable(s.error503_retry_after);
        }
        if roll(4) < s.error504 {
            return Fault::GatewayTimeout;
        }
        Fault::None
    }
}

/// Replaces id-like path segments by `{id}`, so that a fault key and a stats route do not
/// depend on server-generated ids.
pub fn normalise_path(path: &str) -> String {
    path.split('/')
        .map(|seg| {
            if let Some(open) = seg.find('(') {
                format!("{}({{key}})", &seg[..open])
            } else if looks_like_id(seg) {
                "{id}".to_owned()
            } else {
                seg.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

fn looks_like_id(seg: &str) -> bool {
    let hexish = seg.len() >= 16 && seg.chars().filter(|c| c.is_ascii_hexdigit()).count() >= 12;
    seg.contains('@') || seg.contains('.') && seg.len() > 20 || hexish || seg.contains('%')
}

fn fnv(seed: u64, bytes: &[u8]) -> u64 {
    let mut h = 0xcbf2_9ce4_8422_2325u64 ^ seed;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    splitmix(h)
}

fn splitmix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

fn unit(x: u64) -> f64 {
    (x >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_documented_example() {
        let s = FaultSpec::parse(
            "throttle=0.2:retry-after=1,error503=0.05,drop=0.01,replication-delay=3",
        )
        .unwrap();
        assert_eq!(s.throttle, 0.2);
        assert_eq!(s.throttle_retry_after, 1);
        assert_eq!(s.error503, 0.05);
        assert_eq!(s.drop, 0.01);
        assert_eq!(s.replication_delay, 3);
        assert!(!s.on_token);
        let z = FaultSpec::parse("throttle=1:retry-after=0").unwrap();
        assert_eq!(z.throttle_retry_after, 0);
    }

    #[test]
    fn rejects_bad_items() {
        assert!(FaultSpec::parse("throttle=2").is_err());
        assert!(FaultSpec::parse("nope=0.1").is_err());
        assert!(FaultSpec::parse("drop=0.1:retry-after=1").is_err());
        assert!(FaultSpec::parse("throttle").is_err());
    }

    #[test]
    fn normalises_ids() {
        assert_eq!(
            normalise_path(
                "/v1.0/servicePrincipals/5e1f0c2a-9d3b-4c7e-8a61-0d2b4f6a8c10/appRoleAssignedTo"
            ),
            "/v1.0/servicePrincipals/{id}/appRoleAssignedTo"
        );
        assert_eq!(
            normalise_path("/v1.0/servicePrincipals(appId='x')"),
            "/v1.0/servicePrincipals({key})"
        );
    }
}
