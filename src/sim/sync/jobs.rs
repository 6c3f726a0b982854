//! Synchronization templates and jobs: list/get templates; create/list/get/delete jobs;
//! start, pause, restart. Sync errors come wrapped as `UnknownError` (see
//! [`GraphError::sync`]).

use std::sync::Arc;

use serde_json::{Value, json};

use crate::sim::core::{Caller, HResult, Req, Resp, Sim};
use crate::sim::directory::apps::entity;
use crate::sim::http::error::GraphError;
use crate::sim::http::perms::{Op, require};
use crate::sim::state::{Job, Sp, Tenant};
use crate::sim::sync::synctpl;

/// Interval of a disabled job ("never").
pub const NEVER: &str = "P10675199DT2H48M5.4775807S";
/// Interval of a running job.
pub const CYCLE: &str = "PT40M";

/// Finds the service principal of a synchronization call and checks the permission. During
/// the replication delay of a new service principal this answers 403, as Graph does.
pub fn sync_sp(t: &mut Tenant, key: &str, caller: &Caller, op: Op) -> Result<usize, GraphError> {
    let i = match key.split_once('=') {
        Some((p, v)) if p.eq_ignore_ascii_case("appId") => t.sp_index_by_app_id(v),
        _ => t.sp_index(key),
    }
    .ok_or_else(|| GraphError::not_found(key))?;
    if t.sps[i].pending_reads > 0 {
        t.sps[i].pending_reads -= 1;
        return Err(GraphError::denied());
    }
    require(caller, op, Some(&t.sps[i]))?;
    Ok(i)
}

/// Finds a job; during its replication delay reads answer 404 and other calls 409.
pub fn find_job(sp: &mut Sp, id: &str, read: bool) -> Result<usize, GraphError> {
    let j = sp.jobs.iter().position(|j| j.id == id).ok_or_else(|| {
        GraphError::sync(
            404,
            "SyncJobNotFound",
            Some(&format!("The synchronization job '{id}' was not found.")),
        )
    })?;
    if sp.jobs[j].pending_reads > 0 {
        sp.jobs[j].pending_reads -= 1;
        return Err(if read {
            GraphError::sync(
                404,
                "SyncJobNotFound",
                Some(&format!("The synchronization job '{id}' was not found.")),
            )
        } else {
            GraphError::sync(
                409,
                "SyncJobNotReady",
                Some("The synchronization job is still being provisioned. Retry later."),
            )
        });
    }
    Ok(j)
}

fn ctx(req: &Req, sp: &str, what: &str) -> String {
    req.context(&format!("servicePrincipals('{sp}')/synchronization/{what}"))
}

/// `GET …/synchronization/templates`.
pub fn list_templates(sim: &Arc<Sim>, caller: &Caller, req: &Req, key: &str) -> HResult {
    let mut t = sim.lock();
    let i = sync_sp(&mut t, key, caller, Op::SyncRead)?;
    let sp = &t.sps[i];
    let gallery = sp.json["applicationTemplateId"]
        .as_str()
        .unwrap_or_default();
    let value: Vec<Value> = sp
        .sync
        .iter()
        .map(|k| synctpl::template_json(k, sp.app_id(), gallery, false))
        .collect();
    Ok(Resp::ok(
        json!({"@odata.context": ctx(req, sp.id(), "templates"), "value": value}),
    ))
}

/// `GET …/synchronization/templates/{id}`.
pub fn get_template(sim: &Arc<Sim>, caller: &Caller, req: &Req, key: &str, tid: &str) -> HResult {
    let mut t = sim.lock();
    let i = sync_sp(&mut t, key, caller, Op::SyncRead)?;
    let sp = &t.sps[i];
    let kind = template_kind(sp, tid)?;
    let gallery = sp.json["applicationTemplateId"]
        .as_str()
        .unwrap_or_default();
    let mut v = synctpl::template_json(&kind, sp.app_id(), gallery, true);
    entity(
        &mut v,
        format!("{}/$entity", ctx(req, sp.id(), "templates")),
    );
    Ok(Resp::ok(v))
}

/// The kind of a synchronization template id on an SP.
pub fn template_kind(sp: &Sp, tid: &str) -> Result<String, GraphError> {
    sp.sync
        .iter()
        .find(|k| synctpl::template_of(k).0.eq_ignore_ascii_case(tid))
        .cloned()
        .ok_or_else(|| {
            GraphError::sync(
                404,
                "SyncTemplateNotFound",
                Some(&format!(
                    "The synchronization template '{tid}' was not found."
                )),
            )
        })
}

/// The job resource.
pub fn job_json(j: &Job) -> Value {
    let interval = if j.state == "Active" { CYCLE } else { NEVER };
    json!({
        "id": j.id, "templateId": j.template_id,
        "schedule": {"expiration": null, "interval": interval, "state": j.state},
        "status": {
            "code": j.code, "countSuccessiveCompleteFailures": 0, "escrowsPruned": false,
            "lastExecution": j.last_execution, "lastSuccessfulExecution": null,
            "lastSuccessfulExecutionWithExports": null, "progress": [], "quarantine": j.quarantine,
            "steadyStateFirstAchievedTime": "0001-01-01T00:00:00Z",
            "steadyStateLastAchievedTime": "0001-01-01T00:00:00Z",
            "synchronizedEntryCountByType": [], "troubleshootingUrl": null,
        },
        "synchronizationJobSettings": [
            {"name": "AzureIngestionAttributeOptimization", "value": "False"},
            {"name": "LookaheadQueryEnabled", "value": "False"},
            {"name": "QuarantineTooManyDeletesThreshold", "value": "500"},
        ],
    })
}

/// Creates a job on service principal `sp` from sync template `template` (the default one
/// when `None`); returns the job id.
pub fn create_in(
    t: &mut Tenant,
    sp: usize,
    template: Option<&str>,
    delay: u32,
) -> Result<String, GraphError> {
    let kind = match template {
        Some(tid) => template_kind(&t.sps[sp], tid)?,
        None => t.sps[sp].sync.clone().ok_or_else(|| {
            GraphError::sync(
                400,
                "SyncTemplateNotFound",
                Some("This application does not support provisioning."),
            )
        })?,
    };
    let tid = synctpl::template_of(&kind).0;
    // Nothing documents a refusal of a second job for one template (entraprov treats
    // several matching jobs as an error of its own, E0530), so none is invented here.
    let id = format!("{tid}.{}.{}", t.tenant_id.replace('-', ""), t.guid());
    let job = Job {
        schema: synctpl::default_schema(&kind, &id),
        id: id.clone(),
        template_id: tid.to_owned(),
        state: "Disabled".into(),
        code: "NotConfigured".into(),
        schema_version: 1,
        pending_reads: delay,
        last_reset_scope: None,
        last_execution: None,
        quarantine: None,
    };
    t.sps[sp].jobs.push(job);
    Ok(id)
}

/// `POST …/synchronization/jobs` `{templateId}` → 201, Disabled/NotConfigured.
pub fn create(sim: &Arc<Sim>, caller: &Caller, req: &Req, key: &str) -> HResult {
    let body = req.json()?;
    let Some(tid) = body
        .get("templateId")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
    else {
        return Err(GraphError::sync(
            400,
            "InvalidTemplateId",
            Some("templateId is required."),
        ));
    };
    let mut t = sim.lock();
    let i = sync_sp(&mut t, key, caller, Op::SyncWrite)?;
    let id = create_in(&mut t, i, Some(tid), sim.faults.spec().replication_delay)?;
    let sp = &t.sps[i];
    let job = sp
        .jobs
        .iter()
        .find(|j| j.id == id)
        .map(job_json)
        .unwrap_or(Value::Null);
    let mut v = job;
    entity(&mut v, format!("{}/$entity", ctx(req, sp.id(), "jobs")));
    Ok(Resp::created(v))
}

/// `GET …/synchronization/jobs`.
pub fn list(sim: &Arc<Sim>, caller: &Caller, req: &Req, key: &str) -> HResult {
    let mut t = sim.lock();
    let i = sync_sp(&mut t, key, caller, Op::SyncRead)?;
    let sp = &mut t.sps[i];
    // A list is a read too: a new job hidden by the replication delay shows up after a
    // few lists.
    let value: Vec<Value> = sp
        .jobs
        .iter_mut()
        .filter_map(|j| {
            let visible = j.pending_reads == 0;
            j.pending_reads = j.pending_reads.saturating_sub(1);
            visible.then(|| job_json(j))
        })
        .collect();
    Ok(Resp::ok(
        json!({"@odata.context": ctx(req, sp.id(), "jobs"), "value": value}),
    ))
}

/// `GET …/synchronization/jobs/{id}`.
pub fn get(sim: &Arc<Sim>, caller: &Caller, req: &Req, key: &str, id: &str) -> HResult {
    let mut t = sim.lock();
    let i = sync_sp(&mut t, key, caller, Op::SyncRead)?;
    let j = find_job(&mut t.sps[i], id, true)?;
    let sp = &t.sps[i];
    let mut v = job_json(&sp.jobs[j]);
    entity(&mut v, format!("{}/$entity", ctx(req, sp.id(), "jobs")));
    Ok(Resp::ok(v))
}

/// `DELETE …/synchronization/jobs/{id}` → 204.
pub fn delete(sim: &Arc<Sim>, caller: &Caller, key: &str, id: &str) -> HResult {
    let mut t = sim.lock();
    let i = sync_sp(&mut t, key, caller, Op::SyncWrite)?;
    let j = find_job(&mut t.sps[i], id, false)?;
    t.sps[i].jobs.remove(j);
    Ok(Resp::no_content())
}

const RESET_SCOPES: &[&str] = &[
    "None",
    "ConnectorDataStore",
    "Escrows",
    "Watermark",
    "QuarantineState",
    "Full",
    "ForceDeletes",
];

/// `POST …/jobs/{id}/start|pause|restart` → 204.
pub fn control(
    sim: &Arc<Sim>,
    caller: &Caller,
    req: &Req,
    key: &str,
    id: &str,
    action: &str,
) -> HResult {
    let scope = if action == "restart" {
        restart_scope(req)?
    } else {
        None
    };
    let mut t = sim.lock();
    let i = sync_sp(&mut t, key, caller, Op::SyncWrite)?;
    let j = find_job(&mut t.sps[i], id, false)?;
    let job = &mut t.sps[i].jobs[j];
    match action {
        "start" => {
            // synchronization-synchronizationjob-start.md asks callers to start only a
            // paused or quarantined job, but documents no error for an active one: a start
            // of a running job is accepted and changes nothing (no invented refusal).
            if job.state == "Active" && job.code != "Quarantine" {
                return Ok(Resp::no_content());
            }
            job.state = "Active".into();
            job.code = "Active".into();
            job.quarantine = None;
        }
        "pause" => {
            job.state = "Paused".into();
            job.code = "Paused".into();
        }
        _ => {
            let scope = scope.unwrap_or_default();
            if scope.split(',').any(|s| s.trim() == "QuarantineState") || scope.is_empty() {
                job.quarantine = None;
            }
            job.state = "Active".into();
            job.code = "Active".into();
            job.last_reset_scope = Some(scope);
        }
    }
    Ok(Resp::no_content())
}

fn restart_scope(req: &Req) -> Result<Option<String>, GraphError> {
    if req.body.is_empty() {
        return Ok(Some(String::new()));
    }
    let body = req.json()?;
    let scope = body["criteria"]["resetScope"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    for part in scope.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        if !RESET_SCOPES.contains(&part) {
            return Err(GraphError::sync(
                400,
                "InvalidResetScope",
                Some(&format!(
                    "'{part}' is not a valid resetScope value. Valid values: {}.",
                    RESET_SCOPES.join(", ")
                )),
            ));
        }
    }
    Ok(Some(scope))
}

/// `GET …/synchronization` (the synchronization resource of an SP).
pub fn synchronization(sim: &Arc<Sim>, caller: &Caller, req: &Req, key: &str) -> HResult {
    let mut t = sim.lock();
    let i = sync_sp(&mut t, key, caller, Op::SyncRead)?;
    let sp = &t.sps[i];
    Ok(Resp::ok(json!({
        "@odata.context": req.context(&format!("servicePrincipals('{}')/synchronization/$entity", sp.id())),
        "id": sp.id(),
        "secrets": crate::sim::sync::secrets::masked(&sp.secrets),
    })))
}
