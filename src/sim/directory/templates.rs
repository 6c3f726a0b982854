//! applicationTemplates: list (with `$filter`, `$orderby`, `$skip`, paging), get, and
//! instantiate (a new application and service principal per call, like Graph).

use std::sync::Arc;

use serde_json::{Value, json};

use crate::sim::core::{Caller, HResult, Req, Resp, Sim};
use crate::sim::directory::apps::{entity, sp_json};
use crate::sim::http::error::GraphError;
use crate::sim::http::odata::{self, Allowed};
use crate::sim::http::perms::{Op, require};
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
            // A template may fix its roles' ids (the custom template does); the generator
            // advances either way, so other ids stay the same.
            let generated = t.guid();
            if !r["id"].is_string() {
                r["id"] = Value::String(generated);
            }
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
        "publisherDomain": crate::sim::directory::seed::DOMAIN, "serviceManagementReference": null,
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
