//! The job resource's `status` computed from its run at the simulated now: cycles,
//! counts, steady state, progress, quarantine's next attempt.

use serde_json::{Value, json};

use super::{Cycle, NEVER_TIME, Run, iso};
use crate::sim::state::Tenant;

fn exec_json(run: &Run, c: &Cycle) -> Value {
    let (ok, _skipped, failed) = run.tally();
    let n = run.users.len() as i64;
    let initial = c.index == 0;
    let id = format!("{}.{}", run.job_id, c.index);
    if let Some((code, message)) = &c.failed {
        return json!({
            "activityIdentifier": id, "countEntitled": n, "countEntitledForProvisioning": n,
            "countEscrowed": 0, "countEscrowedRaw": 0, "countExported": 0, "countExports": 0,
            "countImported": 0, "countImportedDeltas": 0, "countImportedReferenceDeltas": 0,
            "error": {"code": code, "message": message, "tenantActionable": true},
            "state": "Failed", "timeBegan": iso(c.began), "timeEnded": iso(c.ended),
        });
    }
    let exported = if initial { ok } else { 0 };
    json!({
        "activityIdentifier": id, "countEntitled": n, "countEntitledForProvisioning": n,
        "countEscrowed": failed, "countEscrowedRaw": failed, "countExported": exported,
        "countExports": exported,
        "countImported": if initial { n + i64::from(run.groups) } else { failed },
        "countImportedDeltas": if initial { 0 } else { failed }, "countImportedReferenceDeltas": 0,
        "error": null,
        "state": if failed > 0 { "EntryLevelErrors" } else { "Succeeded" },
        "timeBegan": iso(c.began), "timeEnded": iso(c.ended),
    })
}

/// Fills the status of a job resource from its run (in place).
pub fn overlay(t: &Tenant, job: &mut Value) {
    let Some(id) = job["id"].as_str() else { return };
    let Some(run) = t.progress.runs.iter().find(|r| r.job_id == id) else {
        return;
    };
    let now = t.progress.clock.now();
    let done = run.completed(now);
    let cycles: Vec<Cycle> = (0..done).map(|k| run.cycle(k)).collect();
    let last = cycles.last();
    let ok = |c: &&Cycle| c.failed.is_none();
    let last_ok = cycles.iter().rev().find(ok);
    let last_exports = cycles
        .iter()
        .rev()
        .find(|c| c.failed.is_none() && c.index == 0);
    let failures = cycles
        .iter()
        .rev()
        .take_while(|c| c.failed.is_some())
        .count();
    let first_ok = cycles.iter().find(ok);
    let (good, _, failed) = run.tally();
    let synced = if cycles.iter().any(|c| c.failed.is_none()) {
        good + failed
    } else if done == 0 && run.frozen_at.is_none() {
        let frac = (run.now(now) - run.started) as f64 / run.initial_secs() as f64;
        ((run.users.len() as f64) * frac.clamp(0.0, 1.0)) as i64
    } else {
        0
    };
    let st = &mut job["status"];
    st["lastExecution"] = last.map_or(Value::Null, |c| exec_json(run, c));
    st["lastSuccessfulExecution"] = last_ok.map_or(Value::Null, |c| exec_json(run, c));
    st["lastSuccessfulExecutionWithExports"] =
        last_exports.map_or(Value::Null, |c| exec_json(run, c));
    st["countSuccessiveCompleteFailures"] = json!(failures);
    st["steadyStateFirstAchievedTime"] =
        json!(first_ok.map_or(NEVER_TIME.into(), |c| iso(c.ended)));
    st["steadyStateLastAchievedTime"] = json!(last_ok.map_or(NEVER_TIME.into(), |c| iso(c.ended)));
    st["synchronizedEntryCountByType"] = json!([
        {"key": "User to User", "value": synced},
        {"key": "Group to Group", "value": if done > 0 { run.groups } else { 0 }},
    ]);
    st["progress"] = if done == 0 && run.frozen_at.is_none() {
        json!([{"completedUnits": synced, "totalUnits": run.users.len(),
                "units": "Objects", "progressObservationDateTime": iso(now)}])
    } else {
        json!([])
    };
    if let Some(q) = st.get_mut("quarantine").filter(|q| q.is_object()) {
        q["nextAttempt"] = json!(iso(now + 60 * 60));
    }
}
