//! Request accounting for `GET /_sim/stats`.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use serde::{Deserialize, Serialize};

/// A snapshot of the counters, as served by `GET /_sim/stats`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StatsSnapshot {
    /// HTTP requests received (Graph and token endpoint; `/_sim/*` excluded).
    pub total: u64,
    /// Requests by `"METHOD /route/{id}"` (ids normalised).
    pub by_route: BTreeMap<String, u64>,
    /// `$batch` parts by `"METHOD /route/{id}"` (not counted in `total`).
    pub batched: BTreeMap<String, u64>,
    /// Answers by HTTP status.
    pub by_status: BTreeMap<String, u64>,
    /// Injected faults by kind (`throttle`, `error503`, `error504`, `drop`, `replication`).
    pub faults: BTreeMap<String, u64>,
    /// Token requests.
    pub tokens: u64,
    /// Largest number of requests in flight at once.
    pub max_concurrency: u64,
    /// Request bytes received (bodies).
    pub bytes_in: u64,
    /// Response bytes sent (bodies).
    pub bytes_out: u64,
}

/// Live counters.
#[derive(Debug, Default)]
pub struct Stats {
    inflight: AtomicU64,
    inner: Mutex<StatsSnapshot>,
}

/// Decrements the in-flight counter when dropped.
pub struct InFlight<'a>(&'a Stats);

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.inflight.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Stats {
    fn with(&self, f: impl FnOnce(&mut StatsSnapshot)) {
        let mut g = match self.inner.lock() {
            Ok(g) => g,
            Err(p) => p.into_inner(),
        };
        f(&mut g);
    }

    /// Counts a request entering; the guard counts it leaving.
    pub fn enter(&self, route: &str, bytes_in: usize) -> InFlight<'_> {
        let now = self.inflight.fetch_add(1, Ordering::SeqCst) + 1;
        self.with(|s| {
            s.total += 1;
            *s.by_route.entry(route.to_owned()).or_insert(0) += 1;
            s.bytes_in += bytes_in as u64;
            s.max_concurrency = s.max_concurrency.max(now);
            if route.ends_with("/oauth2/v2.0/token") {
                s.tokens += 1;
            }
        });
        InFlight(self)
    }

    /// Counts an answer.
    pub fn answered(&self, status: u16, bytes_out: usize) {
        self.with(|s| {
            *s.by_status.entry(status.to_string()).or_insert(0) += 1;
            s.bytes_out += bytes_out as u64;
        });
    }

    /// Counts a `$batch` part.
    pub fn batched(&self, route: &str) {
        self.with(|s| *s.batched.entry(route.to_owned()).or_insert(0) += 1);
    }

    /// Counts an injected fault.
    pub fn fault(&self, kind: &str) {
        self.with(|s| *s.faults.entry(kind.to_owned()).or_insert(0) += 1);
    }

    /// A copy of the counters.
    pub fn snapshot(&self) -> StatsSnapshot {
        match self.inner.lock() {
            Ok(g) => g.clone(),
            Err(p) => p.into_inner().clone(),
        }
    }

    /// Zeroes the counters.
    pub fn reset(&self) {
        self.with(|s| *s = StatsSnapshot::default());
    }
}
