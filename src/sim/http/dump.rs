//! The canonical state dump (`GET /_sim/state`, [`crate::sim::Server::state_dump`]):
//! equal for two tenants configured the same, whatever the generated ids, timestamps and
//! order of creation. Secrets that Graph masks appear as SHA-256 fingerprints.

use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::sim::state::{Job, Sp, Tenant};
use crate::sim::sync::secrets::is_sensitive;

fn fingerprint(v: &str) -> String {
    let h = Sha256::digest(v.as_bytes());
    format!("sha256:{}", &hex::encode(h)[..12])
}

fn role_name(sp: &Sp, role_id: &str) -> String {
    sp.json["appRoles"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|r| {
            r["id"]
                .as_str()
                .is_some_and(|i| i.eq_ignore_ascii_case(role_id))
        })
        .and_then(|r| r["displayName"].as_str())
        .map(str::to_owned)
        .unwrap_or_else(|| format!("(role {role_id})"))
}

fn principal_name(t: &Tenant, ptype: &str, id: &str) -> String {
    match ptype {
        "User" => t.user(id).map(|u| u.upn.clone()),
        "Group" => t.group(id).map(|g| g.display_name.clone()),
        _ => t.sp_index(id).map(|i| t.sps[i].display_name().to_owned()),
    }
    .unwrap_or_else(|| id.to_owned())
}

fn sorted_strings(v: &Value) -> Vec<String> {
    let mut out: Vec<String> = v
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|x| x.as_str().map(str::to_owned))
        .collect();
    out.sort();
    out
}

/// The schema without server-computed fields (`id`, `version`, discovery times).
pub fn canonical_schema(schema: &Value) -> Value {
    let mut s = schema.clone();
    if let Some(m) = s.as_object_mut() {
        m.remove("id");
        m.remove("version");
    }
    for d in s["directories"].as_array_mut().into_iter().flatten() {
        if let Some(m) = d.as_object_mut() {
            m.remove("discoveryDateTime");
            m.remove("version");
        }
    }
    s
}

fn job(j: &Job) -> Value {
    json!({
        "templateId": j.template_id,
        "scheduleState": j.state,
        "statusCode": j.code,
        "schema": canonical_schema(&j.schema),
    })
}

fn sp(t: &Tenant, s: &Sp) -> Value {
    let mut roles: Vec<Value> = s.json["appRoles"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|r| {
            json!({
                "displayName": r["displayName"], "description": r["description"], "value": r["value"],
                "isEnabled": r["isEnabled"], "allowedMemberTypes": r["allowedMemberTypes"],
            })
        })
        .collect();
    roles.sort_by_key(|r| r.to_string());
    let mut assignments: Vec<String> = s
        .assignments
        .iter()
        .map(|a| {
            format!(
                "{}:{} -> {}",
                a.principal_type,
                principal_name(t, &a.principal_type, &a.principal_id),
                role_name(s, &a.app_role_id)
            )
        })
        .collect();
    assignments.sort();
    let mut secrets: Vec<Value> = s
        .secrets
        .iter()
        .map(|(k, v)| {
            let v = if is_sensitive(k) {
                fingerprint(v)
            } else {
                v.clone()
            };
            json!({"key": k, "value": v})
        })
        .collect();
    secrets.sort_by_key(|x| x["key"].as_str().map(str::to_owned));
    let mut jobs: Vec<Value> = s.jobs.iter().map(job).collect();
    jobs.sort_by_key(|j| j.to_string());
    json!({
        "displayName": s.json["displayName"],
        "applicationTemplateId": s.json["applicationTemplateId"],
        "appRoleAssignmentRequired": s.json["appRoleAssignmentRequired"],
        "accountEnabled": s.json["accountEnabled"],
        "tags": sorted_strings(&s.json["tags"]),
        "notificationEmailAddresses": sorted_strings(&s.json["notificationEmailAddresses"]),
        "notes": s.json["notes"],
        "appRoles": roles,
        "assignments": assignments,
        "secrets": secrets,
        "jobs": jobs,
    })
}

/// The canonical dump of a tenant.
pub fn dump(t: &Tenant) -> Value {
    let mut sps: Vec<Value> = t.sps.iter().map(|s| sp(t, s)).collect();
    sps.sort_by_key(|s| s.to_string());
    json!({
        "tenantId": t.tenant_id,
        "users": t.users.len(),
        "groups": t.groups.len(),
        "applications": t.apps.len(),
        "servicePrincipals": sps,
    })
}
