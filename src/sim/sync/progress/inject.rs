//! Fault and clock injection for [`super`]: the `/_sim/clock…` and `/_sim/jobs/…` control
//! endpoints and the matching [`crate::sim::Server`] methods.

use serde_json::{Value, json};

use super::{REASONS, iso};
use crate::sim::core::Sim;
use crate::sim::state::Tenant;

/// Handles `/_sim/clock…` and `/_sim/jobs/…` control requests.
pub fn control(sim: &Sim, method: &str, path: &str) -> (u16, Value) {
    let parts: Vec<&str> = path.split('/').collect();
    let mut t = sim.lock();
    let res = match (method, parts.as_slice()) {
        ("GET", ["clock"]) => Ok(()),
        ("POST", ["clock", "advance", secs]) => secs
            .parse::<i64>()
            .map(|s| t.progress.clock.advance(s))
            .map_err(|_| format!("not a number of seconds: {secs}")),
        ("POST", ["clock", "scale", f]) => f
            .parse::<u32>()
            .map(|f| t.progress.clock.set_scale(f))
            .map_err(|_| format!("not a scale factor: {f}")),
        ("POST", ["jobs", job, "quarantine", reason]) => quarantine(&mut t, job, reason),
        ("POST", ["jobs", job, "fail-cycles", code]) => fail_cycles(&mut t, job, code),
        _ => {
            return (
                404,
                json!({"error": format!("unknown simulator endpoint /_sim/{path}")}),
            );
        }
    };
    drop(t);
    sim.persist();
    match res {
        Ok(()) => (200, json!({"now": iso(sim.lock().progress.clock.now())})),
        Err(e) => (400, json!({"error": e})),
    }
}

fn job_mut<'a>(t: &'a mut Tenant, job: &str) -> Option<&'a mut crate::sim::state::Job> {
    t.sps
        .iter_mut()
        .flat_map(|s| s.jobs.iter_mut())
        .find(|j| j.id == job)
}

/// Puts job `job` in quarantine with a documented `reason`.
pub fn quarantine(t: &mut Tenant, job: &str, reason: &str) -> Result<(), String> {
    if !REASONS.contains(&reason) {
        return Err(format!(
            "unknown reason {reason}; one of {}",
            REASONS.join(", ")
        ));
    }
    let now = t.progress.clock.now();
    let (code, message) = quarantine_error(reason);
    let Some(j) = job_mut(t, job) else {
        return Err(format!("no job {job}"));
    };
    j.code = "Quarantine".into();
    j.quarantine = Some(json!({
        "currentBegan": iso(now), "nextAttempt": iso(now + 3600), "reason": reason,
        "seriesBegan": iso(now - 3 * 3600), "seriesCount": 3,
        "error": {"code": code, "message": message, "tenantActionable": true},
    }));
    if let Some(run) = t.progress.runs.iter_mut().find(|r| r.job_id == job) {
        run.frozen_at.get_or_insert(now);
        if reason == "TooManyDeletes" {
            let run = run.clone();
            crate::sim::sync::auditlogs::write_held_deletes(t, &run, now);
        }
    }
    Ok(())
}

/// A `restart` with `ForceDeletes` lets the held deletions through: a `TooManyDeletes`
/// quarantine ends.
pub fn release_deletes(t: &mut Tenant, job: &str) {
    if let Some(j) = job_mut(t, job)
        && j.quarantine
            .as_ref()
            .is_some_and(|q| q["reason"] == "TooManyDeletes")
    {
        j.quarantine = None;
        j.code = "Active".into();
    }
}

fn quarantine_error(reason: &str) -> (&'static str, &'static str) {
    match reason {
        "EncounteredQuarantineException" => (
            "SystemForCrossDomainIdentityManagementCredentialValidationUnavailable",
            "The target SCIM endpoint answered HTTP 401 Unauthorized: the secret token was rejected.",
        ),
        "TooManyDeletes" => (
            "TooManyDeletes",
            "The number of deletions in this cycle exceeds the accidental deletion threshold.",
        ),
        "IngestionInterrupted" => (
            "IngestionInterrupted",
            "Importing objects from the source was interrupted.",
        ),
        "QuarantinedOnDemand" => (
            "QuarantinedOnDemand",
            "The job was put in quarantine on request.",
        ),
        "Unknown" => ("Unknown", "The job was quarantined for an unknown reason."),
        _ => (
            "EscrowThresholdExceeded",
            "Too many objects failed to export (escrows) in this job.",
        ),
    }
}

fn fail_cycles(t: &mut Tenant, job: &str, code: &str) -> Result<(), String> {
    let now = t.progress.clock.now();
    let run = t
        .progress
        .runs
        .iter_mut()
        .find(|r| r.job_id == job)
        .ok_or_else(|| format!("job {job} has not been started"))?;
    run.failing = (code != "none").then(|| {
        (
            now,
            code.to_owned(),
            format!("The cycle failed: {code}. The target system could not be reached."),
        )
    });
    Ok(())
}

impl crate::sim::Server {
    /// Moves the simulated clock forward (cycles complete, logs are written).
    pub fn advance_clock(&self, by: std::time::Duration) {
        self.sim.lock().progress.clock.advance(by.as_secs() as i64);
        self.sim.persist();
    }

    /// Accelerates simulated time: `factor` simulated seconds per real second.
    pub fn set_time_scale(&self, factor: u32) {
        self.sim.lock().progress.clock.set_scale(factor);
    }

    /// Puts a job in quarantine with a documented reason (see [`REASONS`]).
    pub fn inject_quarantine(&self, job: &str, reason: &str) -> Result<(), String> {
        let r = quarantine(&mut self.sim.lock(), job, reason);
        self.sim.persist();
        r
    }

    /// Makes every cycle of a started job that begins from now on fail with `code`
    /// (`"none"` stops it).
    pub fn fail_cycles(&self, job: &str, code: &str) -> Result<(), String> {
        fail_cycles(&mut self.sim.lock(), job, code)
    }
}
