//! `GET /groups/{id}/members` and `/groups/{id}/members/microsoft.graph.user`: the group's
//! direct members (Graph's page says "This operation is not transitive"), paged (default
//! 100, at most 999 per page), `$select` of user properties. The simulator's groups hold
//! only users, so the cast returns the same members; each item carries `@odata.type`.
//! Without a user-read permission, Graph returns members "with limited information"
//! (`@odata.type` and `id`); so does the simulator.

use std::sync::Arc;

use serde_json::{Value, json};

use crate::sim::core::{Caller, HResult, Req, Resp, Sim};
use crate::sim::directory::users::{USER_PROPS, user_view};
use crate::sim::http::error::GraphError;
use crate::sim::http::odata;
use crate::sim::http::perms::{Op, require};

/// Lists the direct members of group `id`.
pub fn list(sim: &Arc<Sim>, caller: &Caller, req: &Req, id: &str) -> HResult {
    require(caller, Op::GroupsRead, None)?;
    let full = require(caller, Op::UsersRead, None).is_ok();
    let sel = odata::select(req, USER_PROPS, "user")?;
    let w = odata::window(req, 100, 999)?;
    let t = sim.lock();
    let g = t.group(id).ok_or_else(|| GraphError::not_found(id))?;
    let members: Vec<Value> = g
        .members
        .iter()
        .filter_map(|m| t.user(m))
        .skip(w.0)
        .take(w.1)
        .map(|u| {
            let mut v = if full {
                user_view(u, sel.as_deref())
            } else {
                json!({"id": u.id})
            };
            v["@odata.type"] = json!("#microsoft.graph.user");
            v
        })
        .collect();
    let next = odata::next_link(req, w, g.members.len());
    drop(t);
    let ctx = req.context("directoryObjects");
    Ok(Resp::ok(odata::collection(ctx, members, next)))
}
