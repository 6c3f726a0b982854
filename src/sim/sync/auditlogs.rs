//! `GET /auditLogs/provisioning`: the provisioning logs (`provisioningObjectSummary`),
//! written by the job progression of [`crate::sim::sync::progress`].
//!
//! Strict where Graph documents it: the caller needs `AuditLog.Read.All`; `$filter`
//! accepts `and`-joined clauses on `jobId`, `servicePrincipal/id`, `cycleId`,
//! `provisioningAction`, `provisioningStatusInfo/status` (`eq`, case-sensitive, as Graph's
//! provisioning filters are) and `activityDateTime` (`eq ge gt le lt` with an unquoted
//! `2026-11-28T20:00:00Z` literal); anything else is `400 Request_UnsupportedQuery`. Newest
//! entries first; `$top` (default 50, at most 1000) with `$skiptoken` paging.

use std::sync::Arc;

use serde_json::{Value, json};

use crate::sim::core::{Caller, HResult, Req, Resp, Sim};
use crate::sim::http::error::GraphError;
use crate::sim::http::odata;
use crate::sim::state::{Tenant, iso_from_unix};
use crate::sim::sync::progress::{Cycle, Entitled, Run};

/// Permission Graph requires for the provisioning logs.
pub const PERMISSION: &str = "AuditLog.Read.All";
const DEFAULT_TOP: usize = 50;
const MAX_TOP: usize = 1000;

const EQ_PROPS: &[&str] = &[
    "jobId",
    "servicePrincipal/id",
    "cycleId",
    "provisioningAction",
    "provisioningStatusInfo/status",
];

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
        "id": id, "activityDateTime": iso(at), "jobId": run.job_id, "cycleId": cycle.id,
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

/// One `and` clause of the filter.
#[derive(Debug)]
struct Clause {
    prop: String,
    op: String,
    value: String,
}

fn unsupported(what: &str) -> GraphError {
    GraphError::unsupported_query(format!(
        "Unsupported or invalid query filter clause specified for property '{what}' of resource 'provisioningObjectSummary'."
    ))
}

fn parse(filter: &str) -> Result<Vec<Clause>, GraphError> {
    let mut out = Vec::new();
    let date = regex::Regex::new(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$").ok();
    for raw in filter.split(" and ") {
        let mut it = raw.trim().splitn(3, ' ');
        let (Some(prop), Some(op), Some(lit)) = (it.next(), it.next(), it.next()) else {
            return Err(GraphError::bad_request(format!(
                "Invalid filter clause: '{raw}'"
            )));
        };
        let value = if prop == "activityDateTime" {
            let ok = date.as_ref().is_some_and(|r| r.is_match(lit));
            if !ok || !["eq", "ge", "gt", "le", "lt"].contains(&op) {
                return Err(unsupported(prop));
            }
            lit[..19].to_owned()
        } else {
            if !EQ_PROPS.contains(&prop) || op != "eq" {
                return Err(unsupported(prop));
            }
            lit.strip_prefix('\'')
                .and_then(|l| l.strip_suffix('\''))
                .ok_or_else(|| GraphError::bad_request(format!("Invalid filter clause: '{raw}'")))?
                .replace("''", "'")
        };
        out.push(Clause {
            prop: prop.to_owned(),
            op: op.to_owned(),
            value,
        });
    }
    Ok(out)
}

fn matches(c: &Clause, e: &Value) -> bool {
    let v = c
        .prop
        .split('/')
        .fold(e, |v, k| v.get(k).unwrap_or(&Value::Null))
        .as_str()
        .unwrap_or_default();
    if c.prop != "activityDateTime" {
        return v == c.value;
    }
    let v = v.get(..19).unwrap_or(v);
    match c.op.as_str() {
        "eq" => v == c.value,
        "ge" => v >= c.value.as_str(),
        "gt" => v > c.value.as_str(),
        "le" => v <= c.value.as_str(),
        _ => v < c.value.as_str(),
    }
}

/// `GET /auditLogs/provisioning`.
pub fn list(sim: &Arc<Sim>, caller: &Caller, req: &Req) -> HResult {
    if !caller.roles.iter().any(|r| r == PERMISSION) {
        return Err(GraphError::denied());
    }
    let clauses = match req.q("$filter") {
        Some(f) => parse(f)?,
        None => Vec::new(),
    };
    let mut t = sim.lock();
    crate::sim::sync::progress::tick(&mut t);
    let mut items: Vec<Value> = t
        .progress
        .logs
        .iter()
        .filter(|e| clauses.iter().all(|c| matches(c, e)))
        .cloned()
        .collect();
    drop(t);
    items.reverse();
    items.sort_by(|a, b| {
        b["activityDateTime"]
            .as_str()
            .cmp(&a["activityDateTime"].as_str())
    });
    let (page, next) = odata::page(req, items, DEFAULT_TOP, MAX_TOP)?;
    Ok(Resp::ok(odata::collection(
        req.context("auditLogs/provisioning"),
        page,
        next,
    )))
}
