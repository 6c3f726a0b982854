//! `/_sim/*` control endpoints: never authenticated, never faulted, never counted.
//! - `GET /_sim/stats` — request accounting ([`crate::sim::http::stats::StatsSnapshot`])
//! - `POST /_sim/reset` — restores the tenant as it was at start and zeroes the stats
//! - `GET /_sim/state` — the canonical state dump ([`crate::sim::http::dump`])
//! - `POST /_sim/throttle/advance/{seconds}`, `POST /_sim/throttle/storm/{seconds}` — the
//!   throttling model's clock and 429 storms ([`crate::sim::http::throttle`])

use serde_json::{Value, json};

use crate::sim::core::Sim;

/// Handles a control request; `path` is what follows `/_sim/`.
pub fn handle(sim: &Sim, method: &str, path: &str) -> (u16, Value) {
    match (method, path.trim_end_matches('/')) {
        (m, p) if p.starts_with("clock") || p.starts_with("jobs/") => {
            crate::sim::sync::progress::control(sim, m, p)
        }
        ("GET", "stats") => (200, crate::sim::http::sim_json(sim.stats_snapshot())),
        ("POST", p) if p.starts_with("throttle/") => throttle(sim, p),
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
    if let Some(t) = &sim.throttle {
        t.reset();
    }
    sim.persist();
}

fn throttle(sim: &Sim, path: &str) -> (u16, Value) {
    let Some(t) = &sim.throttle else {
        return (
            409,
            json!({"error": "the throttling model is off (start with --throttle)"}),
        );
    };
    let parse = |s: &str| s.parse::<f64>().ok().filter(|v| v.is_finite() && *v >= 0.0);
    match path.split('/').collect::<Vec<_>>().as_slice() {
        ["throttle", "advance", secs] if parse(secs).is_some() => {
            t.advance(parse(secs).unwrap_or(0.0));
            (200, json!({"advanced": parse(secs)}))
        }
        ["throttle", "storm", secs] if parse(secs).is_some() => {
            t.storm(parse(secs).unwrap_or(0.0));
            (200, json!({"storm": parse(secs)}))
        }
        _ => (
            404,
            json!({"error": format!("unknown simulator endpoint /_sim/{path}")}),
        ),
    }
}
