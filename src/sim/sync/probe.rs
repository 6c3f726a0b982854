//! `validateCredentials` (really calls the SCIM endpoint, as Entra's Test Connection
//! does) and `provisionOnDemand` (doubly JSON-encoded result, outcome per user).

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::sim::config::OnDemandOutcome;
use crate::sim::core::{Caller, HResult, Req, Resp, Sim};
use crate::sim::http::error::GraphError;
use crate::sim::http::perms::Op;
use crate::sim::state::{Sp, Tenant, iso_now};
use crate::sim::sync::jobs::{find_job, sync_sp};
use crate::sim::sync::on_demand::{self, Kind};

const LIST_URN: &str = "urn:ietf:params:scim:api:messages:2.0:ListResponse";

fn scim_error(code: &str, detail: &str) -> GraphError {
    GraphError::sync(
        400,
        code,
        Some(&format!(
            "You appear to have entered invalid credentials or the endpoint is not a working SCIM 2.0 service. {detail} Error code: {code}"
        )),
    )
}

fn pair<'a>(creds: &'a [(String, String)], key: &str) -> Option<&'a str> {
    creds
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

/// Without `allow_outbound`, a SCIM endpoint that is not on a loopback address is refused
/// before any connection (no DNS lookup either): the token never leaves the machine.
fn refuse_outbound(sim: &Sim, url: &str) -> Result<(), (&'static str, String)> {
    let host = url::Url::parse(url)
        .ok()
        .and_then(|u| u.host().map(|h| h.to_owned()));
    let loopback = match &host {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    };
    if loopback || sim.cfg.allow_outbound {
        return Ok(());
    }
    let host = host.map(|h| h.to_string()).unwrap_or_default();
    tracing::warn!(
        "simulator: refused to connect to {host} for validateCredentials (not a loopback address; start it with --allow-outbound to allow)"
    );
    Err((
        "SystemForCrossDomainIdentityManagementCredentialValidationUnavailable",
        format!(
            "The simulator refused to connect to {host}: it only reaches loopback SCIM endpoints unless started with --allow-outbound (nothing was sent)."
        ),
    ))
}

/// `POST …/jobs/{id}/validateCredentials`, or `POST …/jobs/validateCredentials` without a
/// job (the form the Graph SDKs and the cross-tenant synchronization guide use, with
/// `templateId` in the body) → 204, or a wrapped error describing what the SCIM endpoint
/// answered.
pub async fn validate_credentials(
    sim: &Arc<Sim>,
    caller: &Caller,
    req: &Req,
    key: &str,
    id: Option<&str>,
) -> HResult {
    let body = req.json()?;
    let creds: Vec<(String, String)> = {
        let mut t = sim.lock();
        let i = sync_sp(&mut t, key, caller, Op::SyncWrite)?;
        if let Some(id) = id {
            find_job(&mut t.sps[i], id, false)?;
        }
        if body["useSavedCredentials"] == true {
            t.sps[i].secrets.clone()
        } else {
            let Some(items) = body["credentials"].as_array() else {
                return Err(GraphError::bad_request(
                    "'credentials' is required unless useSavedCredentials is true.",
                ));
            };
            items
                .iter()
                .filter_map(|c| {
                    Some((
                        c["key"].as_str()?.to_owned(),
                        c["value"].as_str()?.to_owned(),
                    ))
                })
                .collect()
        }
    };
    let Some(base) = pair(&creds, "BaseAddress").filter(|b| !b.is_empty()) else {
        return Err(GraphError::sync(
            400,
            "CredentialsMissing",
            Some("The credential 'BaseAddress' (Tenant URL) is required."),
        ));
    };
    let token = pair(&creds, "SecretToken").unwrap_or_default();
    query_scim(sim, base, token)
        .await
        .map_err(|(code, detail)| scim_error(code, &detail))?;
    Ok(Resp::no_content())
}

/// What Entra's Test Connection does: `GET {base}/Users?filter=userName eq "<random>"`.
/// `Err((code, detail))` says why the endpoint is not a working SCIM service.
async fn query_scim(sim: &Sim, base: &str, token: &str) -> Result<(), (&'static str, String)> {
    const UNAVAILABLE: &str =
        "SystemForCrossDomainIdentityManagementCredentialValidationUnavailable";
    const INCOMPATIBLE: &str = "SystemForCrossDomainIdentityManagementServiceIncompatible";
    let url = url::Url::parse(base)
        .map_err(|_| (UNAVAILABLE, "The Tenant URL is not a valid URL.".to_owned()))?;
    let loopback = matches!(url.host_str(), Some("127.0.0.1" | "localhost" | "[::1]"));
    if url.scheme() != "https" && !(url.scheme() == "http" && loopback) {
        return Err((UNAVAILABLE, "The Tenant URL must use https.".to_owned()));
    }
    let routed = sim
        .cfg
        .scim_routes
        .iter()
        .find_map(|(from, to)| {
            base.strip_prefix(from.as_str())
                .map(|rest| format!("{to}{rest}"))
        })
        .unwrap_or_else(|| base.to_owned());
    refuse_outbound(sim, &routed)?;
    let users = format!("{}/Users", routed.trim_end_matches('/'));
    let probe = format!("userName eq \"{}\"", uuid::Uuid::new_v4());
    let sent = sim
        .http
        .get(&users)
        .query(&[("filter", probe.as_str())])
        .bearer_auth(token)
        .header("Accept", "application/scim+json")
        .send()
        .await;
    let resp = match sent {
        Ok(r) => r,
        Err(e) => {
            let what = if e.is_timeout() {
                "timed out"
            } else {
                "could not be reached"
            };
            return Err((UNAVAILABLE, format!("The SCIM endpoint {what}.")));
        }
    };
    let status = resp.status().as_u16();
    let json: Value = resp.json().await.unwrap_or(Value::Null);
    match status {
        200 if json["schemas"]
            .as_array()
            .is_some_and(|s| s.iter().any(|x| x == LIST_URN))
            && json["totalResults"].is_u64() =>
        {
            Ok(())
        }
        200 => Err((
            INCOMPATIBLE,
            "The filter query did not return a SCIM ListResponse.".to_owned(),
        )),
        401 | 403 => Err((
            "SystemForCrossDomainIdentityManagementCredentialValidationUnauthorized",
            format!("The SCIM endpoint rejected the Secret Token (HTTP {status})."),
        )),
        404 => Err((
            UNAVAILABLE,
            "The SCIM endpoint answered HTTP 404: check the Tenant URL.".to_owned(),
        )),
        s => Err((
            INCOMPATIBLE,
            format!("The SCIM endpoint answered HTTP {s} to a filter query."),
        )),
    }
}

/// `POST …/jobs/{id}/provisionOnDemand`: a user, or a group with 1–5 of its members
/// (`links.members`); the body is read strictly by [`on_demand::parse`]. An object in
/// scope is exported to the SCIM endpoint: when that endpoint does not answer as a SCIM
/// service, the export step fails with the reason (the configured outcome applies
/// otherwise).
pub async fn provision_on_demand(
    sim: &Arc<Sim>,
    caller: &Caller,
    req: &Req,
    key: &str,
    id: &str,
) -> HResult {
    let request = on_demand::parse(&req.json()?)?;
    rate_limit(sim, id)?;
    let (display, members, entitled, mut outcome, target) =
        on_demand_under_lock(sim, caller, key, id, &request)?;
    if let (OnDemandOutcome::Success, Some((base, token))) = (&outcome, target)
        && let Err((code, detail)) = query_scim(sim, &base, &token).await
    {
        outcome = OnDemandOutcome::Failure {
            code: code.to_owned(),
            message: format!("Export to the target application failed: {detail}"),
        };
    }
    let subject = Subject {
        id: &request.object_id,
        display: &display,
        kind: request.kind.name(),
        members: &members,
    };
    let (k, v) = result(&outcome, entitled, &subject);
    Ok(Resp::ok(json!({
        "@odata.context": req.context("microsoft.graph.stringKeyStringValuePair"),
        "key": k.to_string(),
        "value": v.to_string(),
    })))
}

/// What provisionOnDemand decides while holding the tenant: the subject's display name and
/// members, whether it is in scope, the configured outcome and the SCIM endpoint
/// (`BaseAddress`, `SecretToken`) to export to.
#[allow(clippy::type_complexity)]
fn on_demand_under_lock(
    sim: &Arc<Sim>,
    caller: &Caller,
    key: &str,
    id: &str,
    request: &on_demand::Request,
) -> Result<
    (
        String,
        Vec<String>,
        bool,
        OnDemandOutcome,
        Option<(String, String)>,
    ),
    GraphError,
> {
    let (rule, object_id) = (&request.rule_id, &request.object_id);
    let mut t = sim.lock();
    let i = sync_sp(&mut t, key, caller, Op::SyncWrite)?;
    let j = find_job(&mut t.sps[i], id, false)?;
    let sp = &t.sps[i];
    let rules: Vec<&str> = sp.jobs[j].schema["synchronizationRules"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|r| r["id"].as_str())
        .collect();
    if !rules.contains(&rule.as_str()) {
        return Err(GraphError::sync(
            400,
            "InvalidRuleId",
            Some(&format!(
                "'{rule}' is not a synchronization rule of this job."
            )),
        ));
    }
    let Some(base) = pair(&sp.secrets, "BaseAddress").map(str::to_owned) else {
        return Err(GraphError::sync(
            400,
            "CredentialsMissing",
            Some(
                "Save admin credentials (Tenant URL and Secret Token) before provisioning on demand.",
            ),
        ));
    };
    let token = pair(&sp.secrets, "SecretToken")
        .unwrap_or_default()
        .to_owned();
    let (display, upn, members) = on_demand::subject_of(&t, request)?;
    let entitled = is_entitled(&t, sp, request);
    let outcome = if !entitled {
        OnDemandOutcome::Skipped
    } else {
        let o = sim.on_demand.lock().map(|o| o.clone()).unwrap_or_default();
        o.iter()
            .find(|(u, _)| u.eq_ignore_ascii_case(object_id) || u.eq_ignore_ascii_case(&upn))
            .map(|(_, o)| o.clone())
            .unwrap_or(OnDemandOutcome::Success)
    };
    Ok((display, members, entitled, outcome, Some((base, token))))
}

/// In scope: scope "all", or assigned (a user also through a group it belongs to).
fn is_entitled(t: &Tenant, sp: &Sp, request: &on_demand::Request) -> bool {
    let id = &request.object_id;
    let sync_all = pair(&sp.secrets, "SyncAll").is_some_and(|v| v.eq_ignore_ascii_case("true"));
    sync_all
        || sp.assignments.iter().any(|a| {
            a.principal_id.eq_ignore_ascii_case(id)
                || (request.kind == Kind::User
                    && t.group(&a.principal_id)
                        .is_some_and(|g| g.members.iter().any(|m| m.eq_ignore_ascii_case(id))))
        })
}

fn rate_limit(sim: &Sim, job: &str) -> Result<(), GraphError> {
    let Ok(mut calls) = sim.pod_calls.lock() else {
        return Ok(());
    };
    let now = Instant::now();
    calls.retain(|(_, at)| now.duration_since(*at) < Duration::from_secs(10));
    if calls.iter().filter(|(j, _)| j == job).count() >= 5 {
        return Err(GraphError::new(
            429,
            "TooManyRequests",
            "provisionOnDemand is limited to 5 requests per 10 seconds.",
        )
        .with_header("Retry-After", "10"));
    }
    calls.push((job.to_owned(), now));
    Ok(())
}

fn step(name: &str, ty: &str, status: &str, description: &str) -> Value {
    json!({"name": name, "type": ty, "status": status, "description": description, "timestamp": iso_now(), "details": {}})
}

/// What was provisioned, for the result.
struct Subject<'a> {
    id: &'a str,
    display: &'a str,
    kind: &'a str,
    /// Member UPNs (groups).
    members: &'a [String],
}

fn result(o: &OnDemandOutcome, entitled: bool, subject: &Subject<'_>) -> (Value, Value) {
    let Subject {
        id, display, kind, ..
    } = *subject;
    let (result, code, message, action) = match o {
        OnDemandOutcome::Success => ("Success", Value::Null, Value::Null, "Create"),
        OnDemandOutcome::Skipped if !entitled => (
            "Skipped",
            json!("NotEffectivelyEntitled"),
            json!(format!(
                "The {} is not assigned to the application and the scope is 'assigned users and groups'.",
                kind.to_lowercase()
            )),
            "Other",
        ),
        OnDemandOutcome::Skipped => (
            "Skipped",
            json!("RedundantExport"),
            json!("The object is already up to date in the target system."),
            "Other",
        ),
        OnDemandOutcome::Failure { code, message } => {
            ("Failure", json!(code), json!(message), "Create")
        }
    };
    let mut steps = vec![
        step(
            "EntryImport",
            "Import",
            "Success",
            &format!("Retrieved {display} from Microsoft Entra ID"),
        ),
        step(
            "EntrySynchronizationScoping",
            "Scoping",
            if entitled { "Success" } else { "Skipped" },
            "Determine if the object is in scope",
        ),
    ];
    if entitled {
        steps.push(step(
            "EntryExportAdd",
            "Export",
            result,
            "Provision the object in the target application",
        ));
    }
    let key = json!({"result": result, "details": {"errorCode": code, "errorMessage": message}});
    let value = json!({
        "action": action, "changeId": uuid::Uuid::new_v4().to_string(), "timestamp": iso_now(),
        "modifiedProperties": modified(result, subject),
        "provisioningSteps": steps,
        "statusInfo": {"status": result, "errorInformation": if result == "Failure" { json!({"errorCode": code, "reason": message}) } else { Value::Null }},
        "sourceIdentity": {"id": id, "displayName": display, "identityType": kind, "details": {}},
        "targetIdentity": {"id": if result == "Success" { json!(uuid::Uuid::new_v4().to_string()) } else { Value::Null }, "displayName": display, "identityType": kind, "details": {}},
    });
    (key, value)
}

/// `displayName`, and for a group the members provisioned with it.
fn modified(result: &str, subject: &Subject<'_>) -> Value {
    if result != "Success" {
        return json!([]);
    }
    let mut props =
        vec![json!({"displayName": "displayName", "oldValue": null, "newValue": subject.display})];
    if !subject.members.is_empty() {
        props.push(json!({"displayName": "members", "oldValue": null, "newValue": subject.members.join(", ")}));
    }
    Value::Array(props)
}
