//! `applications` (get and delete, by id or `appId`) and `DELETE /servicePrincipals/{id}`:
//! what an apply that lost a race with another apply needs to find out which app is older
//! and to remove the one it created itself.
//!
//! Graph documents `createdDateTime` on `application` (read-only), not on
//! `servicePrincipal` (v1.0). Deleting an application or a service principal answers 204;
//! both go to deleted items for 30 days (not simulated: they are gone).

use std::sync::Arc;

use serde_json::Value;

use crate::sim::core::{Caller, HResult, Req, Resp, Sim};
use crate::sim::directory::apps::{entity, find_sp};
use crate::sim::http::error::GraphError;
use crate::sim::http::odata;
use crate::sim::http::perms::{Op, require};
use crate::sim::state::Tenant;

fn find_app(t: &Tenant, key: &str) -> Result<usize, GraphError> {
    let (prop, value) = match key.split_once('=') {
        Some((p, v)) if p.eq_ignore_ascii_case("appId") => ("appId", v),
        Some((p, _)) => {
            return Err(GraphError::bad_request(format!(
                "'{p}' is not an alternate key of type 'microsoft.graph.application'."
            )));
        }
        None => ("id", key),
    };
    t.apps
        .iter()
        .position(|a| a[prop].as_str() == Some(value))
        .ok_or_else(|| GraphError::not_found(key))
}

/// The service principal of an application, for the owner check of `OwnedBy`.
fn sp_of(t: &Tenant, app: &Value) -> Option<usize> {
    let app_id = app["appId"].as_str()?;
    t.sps.iter().position(|s| s.app_id() == app_id)
}

/// `GET /applications/{id}` or `/applications(appId='…')`.
pub fn get_app(sim: &Arc<Sim>, caller: &Caller, req: &Req, key: &str) -> HResult {
    let t = sim.lock();
    let i = find_app(&t, key)?;
    let owner = sp_of(&t, &t.apps[i]).map(|s| &t.sps[s]);
    require(caller, Op::SpRead, owner)?;
    let props: Vec<&str> = t.apps[i]
        .as_object()
        .map(|m| m.keys().map(String::as_str).collect())
        .unwrap_or_default();
    let sel = odata::select(req, &props, "application")?;
    let mut v = odata::project(t.apps[i].clone(), sel.as_deref());
    entity(
        &mut v,
        req.context(&format!(
            "{}/$entity",
            odata::context_set("applications", sel.as_deref())
        )),
    );
    Ok(Resp::ok(v))
}

/// `DELETE /applications/{id}` or `/applications(appId='…')`: the application only (its
/// service principal is deleted on its own).
pub fn delete_app(sim: &Arc<Sim>, caller: &Caller, key: &str) -> HResult {
    let mut t = sim.lock();
    let i = find_app(&t, key)?;
    let owner = sp_of(&t, &t.apps[i]).map(|s| &t.sps[s]);
    require(caller, Op::SpWrite, owner)?;
    t.apps.remove(i);
    Ok(Resp::no_content())
}

/// `DELETE /servicePrincipals/{id}`: the service principal with its assignments and jobs.
pub fn delete_sp(sim: &Arc<Sim>, caller: &Caller, key: &str) -> HResult {
    let mut t = sim.lock();
    let i = find_sp(&mut t, key)?;
    require(caller, Op::SpWrite, Some(&t.sps[i]))?;
    t.sps.remove(i);
    Ok(Resp::no_content())
}
