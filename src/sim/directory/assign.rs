//! App role assignments: `GET/POST /servicePrincipals/{id}/appRoleAssignedTo`,
//! `GET/DELETE …/appRoleAssignedTo/{assignmentId}`.

use std::sync::Arc;

use base64::Engine;
use serde_json::{Value, json};

use crate::sim::core::{Caller, HResult, Req, Resp, Sim};
use crate::sim::directory::apps::{entity, find_sp};
use crate::sim::http::error::GraphError;
use crate::sim::http::odata::{self, Allowed};
use crate::sim::http::perms::{Op, require};
use crate::sim::state::{Assignment, Tenant, iso_now};

/// The all-zeros role id ("default access" on resources without app roles).
pub const ZERO_GUID: &str = "00000000-0000-0000-0000-000000000000";

const FILTER: Allowed = &[
    ("principalDisplayName", &["eq", "startswith"]),
    ("resourceId", &["eq"]),
];
const PROPS: &[&str] = &[
    "id",
    "deletedDateTime",
    "appRoleId",
    "createdDateTime",
    "principalDisplayName",
    "principalId",
    "principalType",
    "resourceDisplayName",
    "resourceId",
];

fn assignment_json(a: &Assignment, sp_id: &str, sp_name: &str) -> Value {
    json!({
        "id": a.id, "deletedDateTime": null, "appRoleId": a.app_role_id,
        "createdDateTime": a.created, "principalDisplayName": a.principal_display_name,
        "principalId": a.principal_id, "principalType": a.principal_type,
        "resourceDisplayName": sp_name, "resourceId": sp_id,
    })
}

fn context(req: &Req, sp_id: &str, sel: Option<&[String]>) -> String {
    req.context(&format!(
        "servicePrincipals('{sp_id}')/{}",
        odata::context_set("appRoleAssignedTo", sel)
    ))
}

/// `GET …/appRoleAssignedTo` (default page 100, `$top` up to 999).
pub fn list(sim: &Arc<Sim>, caller: &Caller, req: &Req, key: &str) -> HResult {
    let filter = odata::filter(req, FILTER, "appRoleAssignment")?;
    let sel = odata::select(req, PROPS, "appRoleAssignment")?;
    let mut t = sim.lock();
    let i = find_sp(&mut t, key)?;
    require(caller, Op::AssignmentsRead, Some(&t.sps[i]))?;
    let w = odata::window(req, 100, 999)?;
    let sp = &mut t.sps[i];
    let (sp_id, sp_name) = (sp.id().to_owned(), sp.display_name().to_owned());
    let mut visible = Vec::with_capacity(sp.assignments.len());
    for a in &mut sp.assignments {
        if a.pending_lists > 0 {
            a.pending_lists -= 1;
        } else {
            visible.push(&*a);
        }
    }
    let json =
        |a: &Assignment| odata::project(assignment_json(a, &sp_id, &sp_name), sel.as_deref());
    let (page, total) = match &filter {
        None => {
            let page = visible
                .iter()
                .skip(w.0)
                .take(w.1)
                .map(|a| json(a))
                .collect::<Vec<_>>();
            (page, visible.len())
        }
        Some(f) => {
            let all: Vec<Value> = visible
                .iter()
                .map(|a| assignment_json(a, &sp_id, &sp_name))
                .filter(|v| odata::eval(f, v))
                .collect();
            let total = all.len();
            let page = all
                .into_iter()
                .skip(w.0)
                .take(w.1)
                .map(|v| odata::project(v, sel.as_deref()))
                .collect();
            (page, total)
        }
    };
    drop(t);
    let next = odata::next_link(req, w, total);
    Ok(Resp::ok(odata::collection(
        context(req, &sp_id, sel.as_deref()),
        page,
        next,
    )))
}

/// `GET …/appRoleAssignedTo/{id}`.
pub fn get(sim: &Arc<Sim>, caller: &Caller, req: &Req, key: &str, id: &str) -> HResult {
    let mut t = sim.lock();
    let i = find_sp(&mut t, key)?;
    require(caller, Op::AssignmentsRead, Some(&t.sps[i]))?;
    let sp = &t.sps[i];
    let a = sp
        .assignments
        .iter()
        .find(|a| a.id == id)
        .ok_or_else(|| GraphError::not_found(id))?;
    let mut v = assignment_json(a, sp.id(), sp.display_name());
    entity(&mut v, format!("{}/$entity", context(req, sp.id(), None)));
    Ok(Resp::ok(v))
}

/// Resolves a principal: `(type, display name)`.
fn principal(t: &mut Tenant, id: &str) -> Option<(&'static str, String)> {
    let user = t
        .user_positions([id])
        .into_iter()
        .find(|&i| t.users[i].id.eq_ignore_ascii_case(id));
    if let Some(i) = user {
        return Some(("User", t.users[i].display_name.clone()));
    }
    if let Some(g) = t.group(id) {
        return Some(("Group", g.display_name.clone()));
    }
    t.sp_index(id)
        .map(|i| ("ServicePrincipal", t.sps[i].display_name().to_owned()))
}

fn field<'a>(body: &'a Value, k: &str) -> Result<&'a str, GraphError> {
    body.get(k)
        .and_then(Value::as_str)
        .filter(|s| uuid::Uuid::parse_str(s).is_ok())
        .ok_or_else(|| {
            GraphError::bad_request(format!(
                "Invalid value specified for property '{k}' of resource 'AppRoleAssignment'."
            ))
        })
}

/// Adds an assignment without checks other than existence (seeding).
pub fn add(
    t: &mut Tenant,
    sp: usize,
    principal_id: &str,
    role: &str,
    pending: u32,
) -> Option<Value> {
    let (ptype, pname) = principal(t, principal_id)?;
    let mut raw = uuid::Uuid::parse_str(principal_id)
        .ok()?
        .as_bytes()
        .to_vec();
    raw.extend_from_slice(&t.next_u64().to_le_bytes());
    raw.extend_from_slice(&t.next_u64().to_le_bytes());
    let a = Assignment {
        id: base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(raw),
        app_role_id: role.to_lowercase(),
        principal_id: principal_id.to_lowercase(),
        principal_type: ptype.to_owned(),
        principal_display_name: pname,
        created: iso_now(),
        pending_lists: pending,
    };
    let s = &mut t.sps[sp];
    let v = assignment_json(&a, s.id(), s.display_name());
    s.assignments.push(a);
    Some(v)
}

/// `POST …/appRoleAssignedTo`.
pub fn create(sim: &Arc<Sim>, caller: &Caller, req: &Req, key: &str) -> HResult {
    let body = req.json()?;
    if let Some(k) = body.as_object().and_then(|m| {
        m.keys().find(|k| {
            !["principalId", "resourceId", "appRoleId", "@odata.type"].contains(&k.as_str())
        })
    }) {
        return Err(GraphError::bad_request(format!(
            "The property '{k}' does not exist on type 'microsoft.graph.appRoleAssignment'."
        )));
    }
    let (principal_id, resource_id, role_id) = (
        field(&body, "principalId")?,
        field(&body, "resourceId")?,
        field(&body, "appRoleId")?,
    );
    let mut t = sim.lock();
    let i = find_sp(&mut t, key)?;
    require(caller, Op::AssignmentCreate, Some(&t.sps[i]))?;
    if !t.sps[i].id().eq_ignore_ascii_case(resource_id) {
        return Err(GraphError::bad_request(
            "The resourceId in the request body does not match the resource in the request URL.",
        ));
    }
    let (ptype, _) =
        principal(&mut t, principal_id).ok_or_else(|| GraphError::not_found(principal_id))?;
    check_role(&t.sps[i].json, role_id, ptype)?;
    // Stored ids are lower-case (`add`): plain comparisons stop at the first differing byte.
    let (principal_lc, role_lc) = (principal_id.to_lowercase(), role_id.to_lowercase());
    let dup = t.sps[i]
        .assignments
        .iter()
        .any(|a| a.principal_id == principal_lc && a.app_role_id == role_lc);
    if dup {
        return Err(GraphError::new(
            409,
            "Request_MultipleObjectsWithSameKeyValue",
            "EntitlementGrant entry already exists.",
        ));
    }
    let pending = sim.faults.spec().replication_delay;
    let mut v = add(&mut t, i, principal_id, role_id, pending)
        .ok_or_else(|| GraphError::not_found(principal_id))?;
    let sp_id = t.sps[i].id().to_owned();
    entity(&mut v, format!("{}/$entity", context(req, &sp_id, None)));
    Ok(Resp::created(v))
}

fn check_role(sp: &Value, role_id: &str, ptype: &str) -> Result<(), GraphError> {
    let app_id = sp["appId"].as_str().unwrap_or_default();
    let roles = sp["appRoles"].as_array().map_or(&[][..], Vec::as_slice);
    let not_found = || {
        GraphError::bad_request(format!(
            "Permission being assigned was not found on application '{app_id}'."
        ))
    };
    if role_id == ZERO_GUID {
        return if roles.is_empty() {
            Ok(())
        } else {
            Err(not_found())
        };
    }
    let role = roles
        .iter()
        .find(|r| {
            r["id"]
                .as_str()
                .is_some_and(|id| id.eq_ignore_ascii_case(role_id))
        })
        .ok_or_else(not_found)?;
    if role["isEnabled"] != true {
        return Err(GraphError::bad_request(format!(
            "Permission being assigned is disabled on application '{app_id}'."
        )));
    }
    let wanted = if ptype == "ServicePrincipal" {
        "Application"
    } else {
        "User"
    };
    let allowed = role["allowedMemberTypes"]
        .as_array()
        .is_some_and(|a| a.iter().any(|m| m == wanted));
    if !allowed {
        return Err(GraphError::bad_request(format!(
            "Permission being assigned is not allowed for principals of type '{ptype}'."
        )));
    }
    Ok(())
}

/// `DELETE …/appRoleAssignedTo/{id}`.
pub fn delete(sim: &Arc<Sim>, caller: &Caller, key: &str, id: &str) -> HResult {
    let mut t = sim.lock();
    let i = find_sp(&mut t, key)?;
    require(caller, Op::AssignmentDelete, Some(&t.sps[i]))?;
    let sp = &mut t.sps[i];
    let pos = sp
        .assignments
        .iter()
        .position(|a| a.id == id)
        .ok_or_else(|| GraphError::not_found(id))?;
    sp.assignments.remove(pos);
    Ok(Resp::no_content())
}
