//! `GET /auditLogs/provisioning`: the provisioning logs (`provisioningObjectSummary`),
//! written by the job progression of [`crate::sim::sync::progress`].
//!
//! Strict where Graph documents it: the caller needs `AuditLog.Read.All`; `$filter` with
//! `eq`, `contains`, `gt`, `lt` (case-sensitive) and more (see [`logfilter`]); `$orderby`
//! (newest first when absent; the order is not documented); `$top` (default 50, at most
//! 1000) with `$skiptoken` paging. Entries carry `tenantId` as the documented examples do.

use std::sync::Arc;

use serde_json::{Value, json};

use crate::sim::core::{Caller, HResult, Req, Resp, Sim};
use crate::sim::http::error::GraphError;
use crate::sim::http::odata;
use crate::sim::state::{Tenant, iso_from_unix};
use crate::sim::sync::logfilter;
use crate::sim::sync::progress::{Cycle, Entitled, Run};

/// Permission Graph requires for the provisioning logs.
pub const PERMISSION: &str = "AuditLog.Read.All";
const DEFAULT_TOP: usize = 50;
const MAX_TOP: usize = 1000;

fn iso(secs: i64) -> String {
    iso_from_unix(secs.max(0) as u64)
}

/// Writes the entries of a completed cycle of `run`.
pub fn write_cycle(t: &mut Tenant, run: &Run, c: &Cycle) {
    if c.failed.is_some() {
        return;
    }
    let cycle = CycleLog { run, id: t.guid() };
    let users: Vec<_> = run
        .users
        .iter()
        .filter(|u| c.index == 0 || matches!(u.outcome, Some(Some(_))))
        .cloned()
        .collect();
    let step = (c.ended - c.began) / (users.len() as i64 + 1);
    for (i, u) in users.iter().enumerate() {
        let at = c.began + step * (i as i64 + 1);
        let outcome = match &u.outcome {
            None => Outcome::new("create", "success", Value::Null),
            Some(None) => Outcome::new(
                "other",
                "skipped",
                error_info(
                    "NotEffectivelyEntitled",
                    "The user is out of scope: a scoping filter excludes them.",
                ),
            ),
            Some(Some((code, message))) => {
                Outcome::new("create", "failure", error_info(code, message))
            }
        };
        let entry = entry(t, &cycle, at, outcome, u);
        t.progress.logs.push(entry);
    }
}

/// Writes the deletions held back by the accidental-deletion threshold (`stagedDelete`).
pub fn write_held_deletes(t: &mut Tenant, run: &Run, at: i64) {
    let cycle = CycleLog { run, id: t.guid() };
    for u in run.users.iter().take(25) {
        let error = error_info(
            "AccidentalDeletionThresholdExceeded",
            "The deletion was held back: this cycle would delete more objects than the accidental deletion threshold allows.",
        );
        let entry = entry(
            t,
            &cycle,
            at,
            Outcome::new("stagedDelete", "skipped", error),
            u,
        );
        t.progress.logs.push(entry);
    }
}

fn error_info(code: &str, reason: &str) -> Value {
    let action = code.contains("BadRequest").then_some(
        "Check the attribute values sent for this user against what the target application accepts.",
    );
    json!({
        "errorCode": code, "reason": reason, "errorCategory": "NonServiceFailure",
        "recommendedAction": action, "additionalDetails": null,
    })
}

/// The cycle the entries of one write belong to: its run and the cycle's id.
struct CycleLog<'a> {
    run: &'a Run,
    id: String,
}

/// What happened to one user: `provisioningAction`, status and `errorInformation`.
struct Outcome<'a> {
    action: &'a str,
    status: &'a str,
    error: Value,
}

impl<'a> Outcome<'a> {
    fn new(action: &'a str, status: &'a str, error: Value) -> Self {
        Self {
            action,
            status,
            error,
        }
    }
}

fn entry(t: &mut Tenant, cycle: &CycleLog, at: i64, outcome: Outcome, u: &Entitled) -> Value {
    let Outcome {
        action,
        status,
        error,
    } = outcome;
    let run = cycle.run;
    let id = t.guid();
    let change = t.guid();
    json!({
        "id": id, "activityDateTime": iso(at), "tenantId": t.tenant_id, "jobId": run.job_id,
        "cycleId": cycle.id,
        "changeId": change, "provisioningAction": action, "durationInMilliseconds": 180,
        "provisioningStatusInfo": {"status": status, "errorInformation": error},
        "provisioningSteps": [
            {"name": "EntryImport", "provisioningStepType": "import", "status": "success",
             "description": format!("Retrieved {} from Microsoft Entra ID", u.upn), "details": {}},
            {"name": "EntryExportAdd", "provisioningStepType": "export", "status": status,
             "description": format!("{action} {}", u.upn), "details": {}},
        ],
        "modifiedProperties": [
            {"displayName": "userName", "oldValue": null, "newValue": u.upn},
        ],
        "servicePrincipal": {"id": run.sp_id, "displayName": run.sp_name},
        "sourceSystem": {"id": null, "displayName": "Azure Active Directory", "details": {}},
        "targetSystem": {"id": null, "displayName": run.sp_name, "details": {}},
        "sourceIdentity": {"id": u.id, "displayName": u.display_name, "identityType": "User",
                           "details": {"UserPrincipalName": u.upn}},
        "targetIdentity": {"id": null, "displayName": u.upn, "identityType": "urn:ietf:params:scim:schemas:core:2.0:User",
                           "details": {}},
        "initiatedBy": {"id": "", "displayName": "Azure AD Provisioning Service", "initiatorType": "system"},
    })
}

/// `GET /auditLogs/provisioning`.
pub fn list(sim: &Arc<Sim>, caller: &Caller, req: &Req) -> HResult {
    if !caller.roles.iter().any(|r| r == PERMISSION) {
        return Err(GraphError::denied());
    }
    let clauses = match req.q("$filter") {
        Some(f) => logfilter::parse(f)?,
        None => Vec::new(),
    };
    let mut t = sim.lock();
    crate::sim::sync::progress::tick(&mut t);
    let mut items: Vec<Value> = t
        .progress
        .logs
        .iter()
        .filter(|e| clauses.iter().all(|c| logfilter::matches(c, e)))
        .cloned()
        .collect();
    drop(t);
    items.reverse();
    logfilter::order(&mut items, req.q("$orderby"))?;
    let (page, next) = odata::page(req, items, DEFAULT_TOP, MAX_TOP)?;
    Ok(Resp::ok(odata::collection(
        req.context("auditLogs/provisioning"),
        page,
        next,
    )))
}
