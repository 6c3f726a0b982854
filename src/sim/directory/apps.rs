//! servicePrincipals (list, get, PATCH) and the resource shapes they share.

use std::sync::Arc;

use serde_json::{Map, Value, json};

use crate::sim::core::{Caller, HResult, Req, Resp, Sim};
use crate::sim::http::error::GraphError;
use crate::sim::http::odata::{self, Allowed};
use crate::sim::http::perms::{Op, require};
use crate::sim::state::{Tenant, iso_now};

/// Puts `@odata.context` first in an entity.
pub fn entity(v: &mut Value, context: String) {
    if let Value::Object(m) = v {
        let mut out = Map::new();
        out.insert("@odata.context".into(), Value::String(context));
        out.extend(std::mem::take(m));
        *m = out;
    }
}

/// The full `servicePrincipal` resource.
pub fn sp_json(
    id: &str,
    app_id: &str,
    name: &str,
    template_id: Option<&str>,
    tenant_id: &str,
    roles: Vec<Value>,
    homepage: Value,
) -> Value {
    json!({
        "id": id, "deletedDateTime": null, "accountEnabled": true, "alternativeNames": [],
        "appDisplayName": name, "appDescription": null, "appId": app_id,
        "applicationTemplateId": template_id, "appOwnerOrganizationId": tenant_id,
        "appRoleAssignmentRequired": template_id.is_some(), "createdDateTime": iso_now(),
        "description": null, "disabledByMicrosoftStatus": null, "displayName": name,
        "homepage": homepage, "loginUrl": null, "logoutUrl": null, "notes": null,
        "notificationEmailAddresses": [], "preferredSingleSignOnMode": null,
        "preferredTokenSigningKeyThumbprint": null, "replyUrls": [],
        "servicePrincipalNames": [app_id], "servicePrincipalType": "Application",
        "signInAudience": "AzureADMyOrg", "tags": ["WindowsAzureActiveDirectoryIntegratedApp"],
        "tokenEncryptionKeyId": null, "samlSingleSignOnSettings": null, "addIns": [],
        "appRoles": roles,
        "info": { "logoUrl": null, "marketingUrl": null, "privacyStatementUrl": null, "supportUrl": null, "termsOfServiceUrl": null },
        "keyCredentials": [], "oauth2PermissionScopes": [], "passwordCredentials": [],
        "resourceSpecificApplicationPermissions": [],
        "verifiedPublisher": { "displayName": null, "verifiedPublisherId": null, "addedDateTime": null },
    })
}

/// Finds a service principal by id or `appId=…` key; answers 404 during the replication
/// delay of a new one.
pub fn find_sp(t: &mut Tenant, key: &str) -> Result<usize, GraphError> {
    let idx = match key.split_once('=') {
        Some((p, v)) if p.eq_ignore_ascii_case("appId") => t.sp_index_by_app_id(v),
        Some((p, _)) => {
            return Err(GraphError::bad_request(format!(
                "'{p}' is not an alternate key of type 'microsoft.graph.servicePrincipal'."
            )));
        }
        None => t.sp_index(key),
    };
    let i = idx.ok_or_else(|| GraphError::not_found(key))?;
    if t.sps[i].pending_reads > 0 {
        t.sps[i].pending_reads -= 1;
        return Err(GraphError::not_found(key));
    }
    Ok(i)
}

const SP_FILTER: Allowed = &[
    ("displayName", &["eq", "ne", "in", "startswith"]),
    ("appId", &["eq", "ne", "in"]),
    ("id", &["eq", "ne", "in"]),
    ("tags", &["any"]),
    ("servicePrincipalNames", &["any"]),
    ("servicePrincipalType", &["eq", "ne"]),
    ("accountEnabled", &["eq", "ne"]),
    ("preferredSingleSignOnMode", &["eq", "ne"]),
];

fn sp_props(sample: &Value) -> Vec<&str> {
    sample
        .as_object()
        .map(|m| m.keys().map(String::as_str).collect())
        .unwrap_or_default()
}

/// `GET /servicePrincipals`.
pub fn list_sps(sim: &Arc<Sim>, caller: &Caller, req: &Req) -> HResult {
    require(caller, Op::SpRead, None)?;
    let filter = odata::filter(req, SP_FILTER, "servicePrincipal")?;
    let template = sp_json("x", "x", "x", None, "x", vec![], Value::Null);
    let sel = odata::select(req, &sp_props(&template), "servicePrincipal")?;
    let order = odata::order_by(req, &["displayName"], "servicePrincipal")?;
    let mut items: Vec<Value> = {
        let mut t = sim.lock();
        // A list is a read too: an object hidden by the replication delay shows up after
        // a few lists, as it does in Graph after a few seconds.
        t.sps
            .iter_mut()
            .filter_map(|s| {
                let visible = s.pending_reads == 0;
                s.pending_reads = s.pending_reads.saturating_sub(1);
                visible.then_some(&*s)
            })
            .filter(|s| filter.as_ref().is_none_or(|f| odata::eval(f, &s.json)))
            .map(|s| s.json.clone())
            .collect()
    };
    odata::sort(&mut items, order.as_ref());
    let items = items
        .into_iter()
        .map(|v| odata::project(v, sel.as_deref()))
        .collect();
    let (page, next) = odata::page(req, items, 100, 999)?;
    let ctx = req.context(&odata::context_set("servicePrincipals", sel.as_deref()));
    Ok(Resp::ok(odata::collection(ctx, page, next)))
}

/// `GET /servicePrincipals/{id}` and `/servicePrincipals(appId='…')`.
pub fn get_sp(sim: &Arc<Sim>, caller: &Caller, req: &Req, key: &str) -> HResult {
    let sel = {
        let template = sp_json("x", "x", "x", None, "x", vec![], Value::Null);
        odata::select(req, &sp_props(&template), "servicePrincipal")?
    };
    let mut t = sim.lock();
    let i = find_sp(&mut t, key)?;
    require(caller, Op::SpRead, Some(&t.sps[i]))?;
    let mut v = odata::project(t.sps[i].json.clone(), sel.as_deref());
    entity(
        &mut v,
        req.context(&format!(
            "{}/$entity",
            odata::context_set("servicePrincipals", sel.as_deref())
        )),
    );
    Ok(Resp::ok(v))
}

const SP_READ_ONLY: &[&str] = &[
    "id",
    "appId",
    "applicationTemplateId",
    "appOwnerOrganizationId",
    "servicePrincipalType",
    "deletedDateTime",
    "appDisplayName",
    "appDescription",
    "signInAudience",
    "createdDateTime",
    "disabledByMicrosoftStatus",
    "verifiedPublisher",
    "info",
    "resourceSpecificApplicationPermissions",
    "oauth2PermissionScopes",
];

/// `PATCH /servicePrincipals/{id}`: collections are replaced whole; read-only and unknown
/// properties are rejected; enabled app roles cannot be removed.
pub fn patch_sp(sim: &Arc<Sim>, caller: &Caller, req: &Req, key: &str) -> HResult {
    let body = req.json()?;
    let Some(patch) = body.as_object() else {
        return Err(GraphError::bad_request(
            "The request body must be a JSON object.",
        ));
    };
    let mut t = sim.lock();
    let i = find_sp(&mut t, key)?;
    require(caller, Op::SpWrite, Some(&t.sps[i]))?;
    let current = t.sps[i].json.clone();
    let mut next = current.clone();
    for (k, v) in patch {
        // OData annotations (`@odata.type: "#microsoft.graph.servicePrincipal"`, as the
        // Graph SDKs send, or in nested values as serviceprincipal-update.md example 2)
        // are not properties.
        if k.starts_with('@') || k.contains("@odata.") {
            if k == "@odata.type"
                && !v.as_str().is_some_and(|t| {
                    t.trim_start_matches('#')
                        .eq_ignore_ascii_case("microsoft.graph.servicePrincipal")
                })
            {
                return Err(GraphError::bad_request(format!(
                    "A type named '{}' could not be resolved by the model.",
                    v.as_str().unwrap_or_default()
                )));
            }
            continue;
        }
        if SP_READ_ONLY.contains(&k.as_str()) {
            return Err(GraphError::bad_request(format!(
                "Property '{k}' is read-only and cannot be set."
            )));
        }
        if current.get(k).is_none() {
            return Err(GraphError::bad_request(format!(
                "The property '{k}' does not exist on type 'microsoft.graph.servicePrincipal'. Make sure to only use property names that are defined by the type or mark the type as open type."
            )));
        }
        check_value(k, v, &current)?;
        next[k.as_str()] = if k == "appRoles" {
            normalise_roles(v, &current)
        } else {
            v.clone()
        };
    }
    t.sps[i].json = next;
    Ok(Resp::no_content())
}

fn check_value(k: &str, v: &Value, current: &Value) -> Result<(), GraphError> {
    let bad = |why: &str| {
        Err(GraphError::bad_request(format!(
            "Invalid value for property '{k}': {why}."
        )))
    };
    match k {
        "appRoleAssignmentRequired" | "accountEnabled" if !v.is_boolean() => {
            bad("expected a boolean")
        }
        "displayName" if v.as_str().is_none_or(|s| s.trim().is_empty()) => {
            bad("expected a non-empty string")
        }
        "tags"
        | "notificationEmailAddresses"
        | "replyUrls"
        | "alternativeNames"
        | "servicePrincipalNames" => match v.as_array() {
            Some(a) if a.iter().all(|x| x.as_str().is_some_and(|s| s.len() <= 256)) => Ok(()),
            _ => bad("expected an array of strings of at most 256 characters"),
        },
        "appRoles" => check_roles(v, current),
        _ => Ok(()),
    }
}

fn check_roles(v: &Value, current: &Value) -> Result<(), GraphError> {
    let Some(roles) = v.as_array() else {
        return Err(GraphError::bad_request(
            "Invalid value for property 'appRoles': expected an array.",
        ));
    };
    let mut ids = Vec::new();
    for r in roles {
        let id = r["id"]
            .as_str()
            .filter(|s| uuid::Uuid::parse_str(s).is_ok());
        let members_ok = r["allowedMemberTypes"]
            .as_array()
            .is_some_and(|a| !a.is_empty() && a.iter().all(|m| m == "User" || m == "Application"));
        if id.is_none()
            || !members_ok
            || !r["isEnabled"].is_boolean()
            || r["displayName"].as_str().is_none()
        {
            return Err(GraphError::bad_request(
                "Property 'appRoles' is invalid: every role needs id (GUID), displayName, isEnabled and allowedMemberTypes (User and/or Application).",
            ));
        }
        let id = id.unwrap_or_default().to_lowercase();
        if ids.contains(&id) {
            return Err(GraphError::bad_request(
                "Property 'appRoles' contains duplicate ids.",
            ));
        }
        ids.push(id);
    }
    for old in current["appRoles"].as_array().into_iter().flatten() {
        let id = old["id"].as_str().unwrap_or_default().to_lowercase();
        if old["isEnabled"] == true && !ids.contains(&id) {
            return Err(GraphError::new(
                400,
                "CannotDeleteOrUpdateEnabledEntitlement",
                "Permission (scope or role) cannot be deleted or updated unless disabled first.",
            ));
        }
    }
    Ok(())
}

fn normalise_roles(v: &Value, current: &Value) -> Value {
    let old = current["appRoles"].as_array().cloned().unwrap_or_default();
    Value::Array(
        v.as_array()
            .into_iter()
            .flatten()
            .map(|r| {
                let mut r = r.clone();
                let origin = old
                    .iter()
                    .find(|o| o["id"] == r["id"])
                    .map(|o| o["origin"].clone())
                    .unwrap_or_else(|| Value::String("ServicePrincipal".into()));
                r["origin"] = origin;
                if r.get("value").is_none() {
                    r["value"] = Value::Null;
                }
                if r.get("description").is_none() {
                    r["description"] = Value::Null;
                }
                r
            })
            .collect(),
    )
}
