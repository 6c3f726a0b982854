//! applicationTemplates (list, get, instantiate) and servicePrincipals (list, get, PATCH).

use std::sync::Arc;

use serde_json::{Map, Value, json};

use crate::sim::core::{Caller, HResult, Req, Resp, Sim};
use crate::sim::error::GraphError;
use crate::sim::odata::{self, Allowed};
use crate::sim::perms::{Op, require};
use crate::sim::state::{Sp, Tenant, iso_now};

const TEMPLATE_FILTER: Allowed = &[
    (
        "displayName",
        &["eq", "ne", "startswith", "contains", "endswith", "in"],
    ),
    ("categories", &["any"]),
];
const TEMPLATE_PROPS: &[&str] = &[
    "id",
    "displayName",
    "homePageUrl",
    "supportedSingleSignOnModes",
    "supportedProvisioningTypes",
    "logoUrl",
    "categories",
    "publisher",
    "description",
];

/// `GET /applicationTemplates`.
pub fn list_templates(sim: &Arc<Sim>, req: &Req) -> HResult {
    let filter = odata::filter(req, TEMPLATE_FILTER, "applicationTemplate")?;
    let sel = odata::select(req, TEMPLATE_PROPS, "applicationTemplate")?;
    let mut items: Vec<Value> = {
        let t = sim.lock();
        t.templates
            .iter()
            .filter(|tpl| filter.as_ref().is_none_or(|f| odata::eval(f, &tpl.json)))
            .map(|tpl| tpl.json.clone())
            .collect()
    };
    match req.q("$orderby") {
        None => {}
        Some(o) if o.trim() == "displayName" || o.trim() == "displayName asc" => {
            items.sort_by(|a, b| a["displayName"].as_str().cmp(&b["displayName"].as_str()))
        }
        Some(o) => {
            return Err(GraphError::unsupported_query(format!(
                "OrderBy not supported on '{o}'."
            )));
        }
    }
    if let Some(skip) = req.q("$skip") {
        let n: usize = skip
            .parse()
            .map_err(|_| GraphError::bad_request(format!("Invalid $skip value '{skip}'.")))?;
        items.drain(..n.min(items.len()));
    }
    let items = items
        .into_iter()
        .map(|v| odata::project(v, sel.as_deref()))
        .collect();
    let (page, next) = odata::page(req, items, 100, 999)?;
    let ctx = req.context(&odata::context_set("applicationTemplates", sel.as_deref()));
    Ok(Resp::ok(odata::collection(ctx, page, next)))
}

/// `GET /applicationTemplates/{id}`.
pub fn get_template(sim: &Arc<Sim>, req: &Req, id: &str) -> HResult {
    let sel = odata::select(req, TEMPLATE_PROPS, "applicationTemplate")?;
    let t = sim.lock();
    let tpl = t
        .templates
        .iter()
        .find(|x| {
            x.json["id"]
                .as_str()
                .is_some_and(|i| i.eq_ignore_ascii_case(id))
        })
        .ok_or_else(|| GraphError::not_found(id))?;
    let mut v = odata::project(tpl.json.clone(), sel.as_deref());
    entity(
        &mut v,
        req.context(&format!(
            "{}/$entity",
            odata::context_set("applicationTemplates", sel.as_deref())
        )),
    );
    Ok(Resp::ok(v))
}

/// Puts `@odata.context` first in an entity.
pub fn entity(v: &mut Value, context: String) {
    if let Value::Object(m) = v {
        let mut out = Map::new();
        out.insert("@odata.context".into(), Value::String(context));
        out.extend(std::mem::take(m));
        *m = out;
    }
}

/// Creates an application and its service principal from template `ti`; returns the
/// application JSON and the index of the new service principal.
pub fn instantiate_in(
    t: &mut Tenant,
    ti: usize,
    name: &str,
    owner: Option<&str>,
    delay: u32,
) -> (Value, usize) {
    let tpl = t.templates[ti].clone();
    let template_id = tpl.json["id"].as_str().unwrap_or_default().to_owned();
    let roles: Vec<Value> = tpl
        .app_roles
        .iter()
        .map(|r| {
            let mut r = r.clone();
            r["id"] = Value::String(t.guid());
            r
        })
        .collect();
    let app_id = t.guid();
    let app_oid = t.guid();
    let sp_id = t.guid();
    let tenant_id = owner_tenant(t);
    let home = tpl.json["homePageUrl"].clone();
    let app = json!({
        "id": app_oid, "deletedDateTime": null, "appId": app_id, "applicationTemplateId": template_id,
        "disabledByMicrosoftStatus": null, "createdDateTime": iso_now(), "displayName": name,
        "description": null, "groupMembershipClaims": null, "identifierUris": [],
        "isDeviceOnlyAuthSupported": null, "isFallbackPublicClient": null, "notes": null,
        "publisherDomain": crate::sim::seed::DOMAIN, "serviceManagementReference": null,
        "signInAudience": "AzureADMyOrg", "tags": [], "tokenEncryptionKeyId": null,
        "defaultRedirectUri": null, "optionalClaims": null,
        "addIns": [], "api": { "acceptMappedClaims": null, "knownClientApplications": [],
            "requestedAccessTokenVersion": null, "oauth2PermissionScopes": [], "preAuthorizedApplications": [] },
        "appRoles": roles.clone(),
        "info": { "logoUrl": null, "marketingUrl": null, "privacyStatementUrl": null, "supportUrl": null, "termsOfServiceUrl": null },
        "keyCredentials": [], "parentalControlSettings": { "countriesBlockedForMinors": [], "legalAgeGroupRule": "Allow" },
        "passwordCredentials": [], "publicClient": { "redirectUris": [] }, "requiredResourceAccess": [],
        "verifiedPublisher": { "displayName": null, "verifiedPublisherId": null, "addedDateTime": null },
        "web": { "homePageUrl": home, "logoutUrl": null, "redirectUris": [],
            "implicitGrantSettings": { "enableAccessTokenIssuance": false, "enableIdTokenIssuance": false } },
        "spa": { "redirectUris": [] },
    });
    let sp_json = sp_json(
        &sp_id,
        &app_id,
        name,
        Some(&template_id),
        &tenant_id,
        roles,
        home,
    );
    t.apps.push(app.clone());
    let seq = t.next_seq();
    t.sps.push(Sp {
        json: sp_json,
        owner_client: owner.map(str::to_owned),
        seq,
        pending_reads: delay,
        sync: tpl.sync.clone(),
        secrets: Vec::new(),
        jobs: Vec::new(),
        assignments: Vec::new(),
    });
    (app, t.sps.len() - 1)
}

fn owner_tenant(t: &Tenant) -> String {
    t.tenant_id.clone()
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

/// `POST /applicationTemplates/{id}/instantiate`.
pub fn instantiate(sim: &Arc<Sim>, caller: &Caller, req: &Req, id: &str) -> HResult {
    require(caller, Op::Instantiate, None)?;
    let body = req.json()?;
    let name = match body.get("displayName") {
        Some(Value::String(s)) if !s.trim().is_empty() => s.clone(),
        Some(Value::String(_)) | None | Some(Value::Null) => {
            return Err(GraphError::bad_request(
                "Property 'displayName' is required and cannot be empty.",
            ));
        }
        Some(_) => {
            return Err(GraphError::bad_request(
                "Property 'displayName' must be a string.",
            ));
        }
    };
    if let Some(k) = body
        .as_object()
        .and_then(|m| m.keys().find(|k| *k != "displayName"))
    {
        return Err(GraphError::bad_request(format!(
            "The property '{k}' does not exist on type 'microsoft.graph.applicationTemplate.instantiate' parameters."
        )));
    }
    let mut t = sim.lock();
    let ti = t
        .templates
        .iter()
        .position(|x| {
            x.json["id"]
                .as_str()
                .is_some_and(|i| i.eq_ignore_ascii_case(id))
        })
        .ok_or_else(|| GraphError::not_found(id))?;
    let delay = sim.faults.spec().replication_delay;
    let (app, si) = instantiate_in(&mut t, ti, &name, Some(&caller.client_id), delay);
    let sp = t.sps[si].json.clone();
    Ok(Resp::created(json!({
        "@odata.context": req.context("microsoft.graph.applicationServicePrincipal"),
        "application": app,
        "servicePrincipal": sp,
    })))
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
    let items: Vec<Value> = {
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
            .map(|s| odata::project(s.json.clone(), sel.as_deref()))
            .collect()
    };
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
