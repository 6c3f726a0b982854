//! `/_sim/*` control endpoints: never authenticated, never faulted, never counted.
//! - `GET /_sim/stats` — request accounting ([`crate::sim::http::stats::StatsSnapshot`])
//! - `POST /_sim/reset` — restores the tenant as it was at start and zeroes the stats
//! - `GET /_sim/state` — the canonical state dump ([`crate::sim::http::dump`])

use serde_json::{Value, json};

use crate::sim::core::Sim;

/// Handles a control request; `path` is what follows `/_sim/`.
pub fn handle(sim: &Sim, method: &str, path: &str) -> (u16, Value) {
    match (method, path.trim_end_matches('/')) {
        (m, p) if p.starts_with("clock") || p.starts_with("jobs/") => {
            crate::sim::sync::progress::control(sim, m, p)
        }
        ("GET", "stats") => (200, crate::sim::http::sim_json(sim.stats.snapshot())),
        ("POST", "reset") => {
            reset(sim);
            (200, json!({"reset": true}))
        }
        ("GET", "state") => (200, crate::sim::http::dump::dump(&sim.lock())),
        (_, "stats" | "reset" | "state") => (405, json!({"error": "method not allowed"})),
        _ => (
            404,
            json!({"error": format!("unknown simulator endpoint /_sim/{path}")}),
        ),
    }
}

/// Restores the initial tenant and zeroes the counters and fault history.
pub fn reset(sim: &Sim) {
    *sim.lock() = sim.initial.clone();
    sim.stats.reset();
    sim.faults.reset();
    sim.persist();
}
