//! Job status progression over simulated time.
//!
//! A `start` (or `restart`) of a job begins a *run*: the initial cycle takes
//! [`INITIAL_BASE_SECS`] plus [`PER_OBJECT_SECS`] per entitled user, during which
//! `status.progress` reports completed/total units and `synchronizedEntryCountByType` grows;
//! then incremental cycles run every [`INTERVAL_SECS`] (`PT40M`), each [`INCREMENTAL_SECS`]
//! long. Completed cycles fill `lastExecution`, `lastSuccessfulExecution(WithExports)` and
//! the steady-state times, and write provisioning log entries ([`crate::sim::sync::auditlogs`]).
//! Per-user outcomes come from [`crate::sim::SimConfig::on_demand`] (the same table
//! `provisionOnDemand` uses): a user set to fail fails in every cycle (escrowed, retried).
//!
//! Time is simulated: `now = real time + offset + acceleration` ([`Clock`]). Tests move it
//! with [`crate::sim::Server::advance_clock`] or speed it up with
//! [`crate::sim::Server::set_time_scale`]. Quarantine and failing cycles are injected with
//! [`crate::sim::Server::inject_quarantine`] / [`crate::sim::Server::fail_cycles`], or over
//! HTTP (never authenticated, like every `/_sim` endpoint):
//! - `POST /_sim/clock/advance/{seconds}`, `POST /_sim/clock/scale/{factor}`, `GET /_sim/clock`
//! - `POST /_sim/jobs/{jobId}/quarantine/{reason}` (a documented `quarantine.reason`)
//! - `POST /_sim/jobs/{jobId}/fail-cycles/{errorCode}` (`none` stops the failures)
//!
//! Files: this one (clock, runs, cycles, start/pause/restart hooks, [`after_sync`] which the
//! router wraps around every `…/synchronization/…` answer), `progress/status.rs` (the job's
//! `status` from its run) and `progress/inject.rs` (control endpoints and `Server` methods).
//!
//! While a job is paused or quarantined its run is frozen; `start` resumes it (and clears the
//! quarantine), `restart` begins a new run (`ForceDeletes` lets held deletions through).

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::sim::config::OnDemandOutcome;
use crate::sim::core::{HResult, Req, Sim};
use crate::sim::state::{Tenant, iso_from_unix};

mod inject;
mod status;
pub use inject::{control, quarantine};
pub use status::overlay;

/// Fixed part of the initial cycle.
pub const INITIAL_BASE_SECS: i64 = 20 * 60;
/// Initial-cycle time per entitled user.
pub const PER_OBJECT_SECS: i64 = 6;
/// Time between cycle starts after the initial cycle (`PT40M`).
pub const INTERVAL_SECS: i64 = 40 * 60;
/// Length of an incremental cycle.
pub const INCREMENTAL_SECS: i64 = 60;
/// Graph's "never" timestamp.
pub const NEVER_TIME: &str = "0001-01-01T00:00:00Z";

/// Reasons `synchronizationQuarantine.reason` documents.
pub const REASONS: &[&str] = &[
    "EncounteredBaseEscrowThreshold",
    "EncounteredTotalEscrowThreshold",
    "EncounteredEscrowProportionThreshold",
    "EncounteredQuarantineException",
    "Unknown",
    "QuarantinedOnDemand",
    "TooManyDeletes",
    "IngestionInterrupted",
];

/// Progression state of a tenant (persisted with it).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Progress {
    /// The simulated clock.
    pub clock: Clock,
    /// One run per started job.
    pub runs: Vec<Run>,
    /// Provisioning log entries (`provisioningObjectSummary`), oldest first.
    pub logs: Vec<Value>,
}

/// Simulated time: real time plus an offset, optionally accelerated.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Clock {
    /// Milliseconds added to real time.
    pub offset_ms: i64,
    /// Acceleration factor (0 and 1 both mean real speed).
    pub scale: u32,
    /// Real time (ms) at which `scale` was set.
    pub anchor_ms: i64,
}

fn real_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

impl Clock {
    /// Simulated now, in Unix seconds.
    pub fn now(&self) -> i64 {
        let real = real_ms();
        let extra = (real - self.anchor_ms) * i64::from(self.scale.max(1) - 1);
        (real + self.offset_ms + extra.max(0)) / 1000
    }

    /// Moves simulated time forward.
    pub fn advance(&mut self, secs: i64) {
        self.offset_ms += secs * 1000;
    }

    /// Sets the acceleration (simulated seconds per real second).
    pub fn set_scale(&mut self, scale: u32) {
        let real = real_ms();
        self.offset_ms += (real - self.anchor_ms) * i64::from(self.scale.max(1) - 1);
        self.anchor_ms = real;
        self.scale = scale;
    }
}

/// A user in scope of a run, with the outcome of its export.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Entitled {
    /// Object id.
    pub id: String,
    /// userPrincipalName.
    pub upn: String,
    /// Display name.
    pub display_name: String,
    /// `None` success, `Some(None)` skipped, `Some(Some((code, message)))` failure.
    pub outcome: Option<Option<(String, String)>>,
}

/// One run of a job: from a start/restart on.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Run {
    /// Service principal id.
    pub sp_id: String,
    /// Service principal display name.
    pub sp_name: String,
    /// Job id.
    pub job_id: String,
    /// Simulated time the run (its initial cycle) began.
    pub started: i64,
    /// Users in scope, snapshot at start.
    pub users: Vec<Entitled>,
    /// Groups in scope.
    pub groups: u32,
    /// Frozen (paused or quarantined) since.
    pub frozen_at: Option<i64>,
    /// Cycles that began at or after this time fail with `(code, message)`.
    pub failing: Option<(i64, String, String)>,
    /// Cycles whose log entries are written.
    pub logged: u32,
}

/// One cycle of a run.
#[derive(Clone, Debug)]
pub struct Cycle {
    /// Index (0 = initial).
    pub index: u32,
    /// Began.
    pub began: i64,
    /// Ended (or ends).
    pub ended: i64,
    /// Failed with `(code, message)`.
    pub failed: Option<(String, String)>,
}

impl Run {
    /// Length of the initial cycle.
    pub fn initial_secs(&self) -> i64 {
        INITIAL_BASE_SECS + PER_OBJECT_SECS * self.users.len() as i64
    }

    /// The run's notion of now (frozen while paused or quarantined).
    pub fn now(&self, now: i64) -> i64 {
        self.frozen_at.map_or(now, |f| f.min(now))
    }

    /// Cycle `k`.
    pub fn cycle(&self, k: u32) -> Cycle {
        let end0 = self.started + self.initial_secs();
        let (began, ended) = if k == 0 {
            (self.started, end0)
        } else {
            let b = end0 + i64::from(k) * INTERVAL_SECS;
            (b, b + INCREMENTAL_SECS)
        };
        let failed = self
            .failing
            .as_ref()
            .filter(|(from, _, _)| began >= *from)
            .map(|(_, c, m)| (c.clone(), m.clone()));
        Cycle {
            index: k,
            began,
            ended,
            failed,
        }
    }

    /// Number of cycles completed at `now`.
    pub fn completed(&self, now: i64) -> u32 {
        let now = self.now(now);
        let mut k = 0;
        while k < 10_000 && self.cycle(k).ended <= now {
            k += 1;
        }
        k
    }

    /// Failed and skipped users.
    pub fn tally(&self) -> (i64, i64, i64) {
        let (mut ok, mut skipped, mut failed) = (0, 0, 0);
        for u in &self.users {
            match &u.outcome {
                None => ok += 1,
                Some(None) => skipped += 1,
                Some(Some(_)) => failed += 1,
            }
        }
        (ok, skipped, failed)
    }
}

/// Users (and groups) in scope of service principal `sp`: assigned directly or through a
/// group, or every user when `SyncAll` is true.
fn entitled(t: &Tenant, sp: usize, outcomes: &[(String, OnDemandOutcome)]) -> (Vec<Entitled>, u32) {
    let s = &t.sps[sp];
    let sync_all = s
        .secrets
        .iter()
        .any(|(k, v)| k == "SyncAll" && v.eq_ignore_ascii_case("true"));
    let mut ids: Vec<String> = Vec::new();
    let mut groups = 0;
    for a in &s.assignments {
        if let Some(g) = t.group(&a.principal_id) {
            groups += 1;
            ids.extend(g.members.iter().cloned());
        } else {
            ids.push(a.principal_id.clone());
        }
    }
    let users = t
        .users
        .iter()
        .filter(|u| sync_all || ids.iter().any(|i| i.eq_ignore_ascii_case(&u.id)));
    let out = users
        .map(|u| {
            let o = outcomes
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(&u.id) || k.eq_ignore_ascii_case(&u.upn));
            Entitled {
                id: u.id.clone(),
                upn: u.upn.clone(),
                display_name: u.display_name.clone(),
                outcome: match o.map(|(_, o)| o) {
                    None | Some(OnDemandOutcome::Success) => None,
                    Some(OnDemandOutcome::Skipped) => Some(None),
                    Some(OnDemandOutcome::Failure { code, message }) => {
                        Some(Some((code.clone(), message.clone())))
                    }
                },
            }
        })
        .collect();
    (out, groups)
}

/// After a successful `start`/`pause`/`restart` of job `job` on service principal `sp_key`.
pub fn on_control(sim: &Sim, sp_key: &str, job: &str, action: &str) {
    let outcomes = sim.on_demand.lock().map(|o| o.clone()).unwrap_or_default();
    let mut guard = sim.lock();
    let t = &mut *guard;
    let Some(sp) = t.sp_index(sp_key).or_else(|| {
        sp_key
            .split_once('=')
            .and_then(|(_, v)| t.sp_index_by_app_id(v))
    }) else {
        return;
    };
    let now = t.progress.clock.now();
    let existing = t.progress.runs.iter().position(|r| r.job_id == job);
    match (action, existing) {
        ("pause", Some(r)) => {
            let run = &mut t.progress.runs[r];
            run.frozen_at.get_or_insert(now);
        }
        ("start", Some(r)) => thaw(&mut t.progress.runs[r], now),
        ("pause", None) => {}
        _ => {
            let (users, groups) = entitled(t, sp, &outcomes);
            let run = Run {
                sp_id: t.sps[sp].id().to_owned(),
                sp_name: t.sps[sp].display_name().to_owned(),
                job_id: job.to_owned(),
                started: now,
                users,
                groups,
                frozen_at: None,
                failing: existing.and_then(|r| t.progress.runs[r].failing.clone()),
                logged: 0,
            };
            t.progress.runs.retain(|r| r.job_id != job);
            t.progress.runs.push(run);
        }
    }
}

/// Resumes a frozen run where it stopped.
fn thaw(run: &mut Run, now: i64) {
    if let Some(f) = run.frozen_at.take() {
        run.started += (now - f).max(0);
    }
}

/// Writes the log entries of every cycle completed so far.
pub fn tick(t: &mut Tenant) {
    let now = t.progress.clock.now();
    for r in 0..t.progress.runs.len() {
        let run = t.progress.runs[r].clone();
        let done = run.completed(now).min(run.logged + 500);
        for k in run.logged..done {
            let cycle = run.cycle(k);
            crate::sim::sync::auditlogs::write_cycle(t, &run, &cycle);
        }
        t.progress.runs[r].logged = done;
    }
}

fn iso(secs: i64) -> String {
    iso_from_unix(secs.max(0) as u64)
}

/// Wraps the answer of a `…/synchronization/…` request: writes due log entries, records
/// starts/pauses/restarts and fills job status from the run.
pub fn after_sync(sim: &Sim, sp: &str, rest: &[&str], req: &Req, result: HResult) -> HResult {
    let mut resp = result?;
    if let (["jobs", job, action @ ("start" | "pause" | "restart")], "POST") =
        (rest, req.method.as_str())
    {
        on_control(sim, sp, job, action);
        if *action == "restart" && String::from_utf8_lossy(&req.body).contains("ForceDeletes") {
            inject::release_deletes(&mut sim.lock(), job);
        }
    }
    let mut t = sim.lock();
    tick(&mut t);
    if req.method == "GET"
        && let Some(body) = resp.body.as_mut()
    {
        match rest {
            ["jobs"] => {
                if let Some(items) = body["value"].as_array_mut() {
                    items.iter_mut().for_each(|j| overlay(&t, j));
                }
            }
            ["jobs", _] => overlay(&t, body),
            _ => {}
        }
    }
    Ok(resp)
}
