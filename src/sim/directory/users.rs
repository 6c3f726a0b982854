//! Users and groups (read-only): `GET /users`, `/users/{id|upn}`, `/users('…')`,
//! `GET /groups`, `/groups/{id}`.

use std::sync::Arc;

use serde_json::{Value, json};

use crate::sim::core::{Caller, HResult, Req, Resp, Sim};
use crate::sim::directory::apps::entity;
use crate::sim::http::error::GraphError;
use crate::sim::http::odata::{self, Allowed};
use crate::sim::http::perms::{Op, require};
use crate::sim::state::{Group, User};

/// Every property the simulator returns for a user; the first
/// [`USER_DEFAULT_COUNT`] are those Graph returns without `$select`.
pub(crate) const USER_PROPS: &[&str] = &[
    "businessPhones",
    "displayName",
    "givenName",
    "jobTitle",
    "mail",
    "mobilePhone",
    "officeLocation",
    "preferredLanguage",
    "surname",
    "userPrincipalName",
    "id",
    "accountEnabled",
    "department",
    "userType",
    "employeeId",
    "companyName",
    "createdDateTime",
    "otherMails",
    "proxyAddresses",
    "onPremisesImmutableId",
    "onPremisesSyncEnabled",
    "usageLocation",
];
const USER_DEFAULT_COUNT: usize = 11;
/// Properties Graph returns for a user without `$select`.
const USER_DEFAULT: &[&str] = USER_PROPS.split_at(USER_DEFAULT_COUNT).0;
const USER_FILTER: Allowed = &[
    ("userPrincipalName", &["eq", "in", "startswith"]),
    ("displayName", &["eq", "in", "startswith"]),
    ("mail", &["eq", "in", "startswith"]),
    ("id", &["eq", "in"]),
    ("givenName", &["eq", "in", "startswith"]),
    ("surname", &["eq", "in", "startswith"]),
    ("accountEnabled", &["eq"]),
    ("userType", &["eq"]),
    ("employeeId", &["eq", "in"]),
];

/// One property of a user in Graph's shape (`None`: not a user property).
fn user_field(u: &User, name: &str) -> Option<Value> {
    let guest = u.upn.contains("#EXT#");
    Some(match name {
        "businessPhones" | "otherMails" => json!([]),
        "displayName" => json!(u.display_name),
        "givenName" => json!(u.given_name),
        "jobTitle" => json!(u.job_title),
        "mail" => json!(u.mail),
        "surname" => json!(u.surname),
        "userPrincipalName" => json!(u.upn),
        "id" => json!(u.id),
        "accountEnabled" => json!(u.account_enabled),
        "department" => json!(u.department),
        "userType" => json!(if guest { "Guest" } else { "Member" }),
        "createdDateTime" => json!("2025-01-15T09:30:00Z"),
        "proxyAddresses" => json!(
            u.mail
                .iter()
                .map(|m| format!("SMTP:{m}"))
                .collect::<Vec<_>>()
        ),
        "mobilePhone"
        | "officeLocation"
        | "preferredLanguage"
        | "employeeId"
        | "companyName"
        | "onPremisesImmutableId"
        | "onPremisesSyncEnabled"
        | "usageLocation" => Value::Null,
        _ => return None,
    })
}

/// A user with the properties `keep` accepts, in Graph's order ([`USER_PROPS`], then the
/// directory extensions). Only those are built: a 15-name `in` filter with a `$select`
/// costs 15 small objects, not 15 full users.
fn user_object(u: &User, keep: impl Fn(&str) -> bool) -> Value {
    let mut o = serde_json::Map::new();
    for name in USER_PROPS.iter().copied().filter(|n| keep(n)) {
        if let Some(v) = user_field(u, name) {
            o.insert(name.to_owned(), v);
        }
    }
    for (k, x) in u.extensions.iter().filter(|(k, _)| keep(k)) {
        o.insert(k.clone(), json!(x));
    }
    Value::Object(o)
}

/// A user in Graph's shape, all supported properties. Directory extensions are included
/// here; Graph returns them only when `$select` names them (not in the default projection,
/// see [`user_view`]).
pub fn user_json(u: &User) -> Value {
    user_object(u, |_| true)
}

pub(crate) fn user_view(u: &User, sel: Option<&[String]>) -> Value {
    match sel {
        Some(s) => user_object(u, |k| s.iter().any(|x| x == k)),
        None => user_object(u, |k| USER_DEFAULT.contains(&k)),
    }
}

/// `GET /users`.
pub fn list_users(sim: &Arc<Sim>, caller: &Caller, req: &Req) -> HResult {
    require(caller, Op::UsersRead, None)?;
    let filter = odata::filter(req, USER_FILTER, "user")?;
    let sel = odata::select(req, USER_PROPS, "user")?;
    let w = odata::window(req, 100, 999)?;
    let order = odata::order_by(req, &["displayName", "userPrincipalName"], "user")?;
    let mut t = sim.lock();
    let keyed = filter
        .as_ref()
        .and_then(key_lookup)
        .map(|keys| t.user_positions(keys));
    let mut matching: Vec<&User> = match keyed {
        Some(at) => at.into_iter().map(|i| &t.users[i]).collect(),
        None => filtered(&t.users, filter.as_ref()),
    };
    if let Some((prop, desc)) = &order {
        let key = |u: &User| {
            if prop == "displayName" {
                u.display_name.to_lowercase()
            } else {
                u.upn.to_lowercase()
            }
        };
        matching.sort_by(|a, b| {
            if *desc {
                key(b).cmp(&key(a))
            } else {
                key(a).cmp(&key(b))
            }
        });
    }
    let page: Vec<Value> = matching
        .iter()
        .skip(w.0)
        .take(w.1)
        .map(|u| user_view(u, sel.as_deref()))
        .collect();
    let next = odata::next_link(req, w, matching.len());
    drop(t);
    let ctx = req.context(&odata::context_set("users", sel.as_deref()));
    Ok(Resp::ok(odata::collection(ctx, page, next)))
}

/// The ids / userPrincipalNames a filter asks for, when it is exactly `id|userPrincipalName
/// eq 'x'` or `… in ('x', …)` (answered from the tenant's index, same result as a scan).
fn key_lookup(f: &odata::Expr) -> Option<Vec<&str>> {
    let keyed = |p: &str| p == "userPrincipalName" || p == "id";
    fn text(l: &odata::Lit) -> Option<&str> {
        match l {
            odata::Lit::Str(s) => Some(s.as_str()),
            _ => None,
        }
    }
    match f {
        odata::Expr::In { prop, lits } if keyed(prop) => lits.iter().map(text).collect(),
        odata::Expr::Cmp {
            prop,
            negate: false,
            lit,
        } if keyed(prop) => Some(vec![text(lit)?]),
        _ => None,
    }
}

/// The users a filter keeps, in directory order (a scan).
fn filtered<'a>(users: &'a [User], filter: Option<&odata::Expr>) -> Vec<&'a User> {
    users
        .iter()
        .filter(|u| {
            filter.is_none_or(|f| {
                let field = |p: &str| match p {
                    "userPrincipalName" => Some(u.upn.as_str()),
                    "id" => Some(u.id.as_str()),
                    "displayName" => Some(u.display_name.as_str()),
                    _ => None,
                };
                odata::quick_eval(f, field).unwrap_or_else(|| odata::eval(f, &user_filter_json(u)))
            })
        })
        .collect()
}

/// The filterable properties of a user (cheaper than the full resource).
fn user_filter_json(u: &User) -> Value {
    json!({
        "userPrincipalName": u.upn, "displayName": u.display_name, "mail": u.mail, "id": u.id,
        "givenName": u.given_name, "surname": u.surname, "accountEnabled": u.account_enabled,
        "userType": if u.upn.contains("#EXT#") { "Guest" } else { "Member" }, "employeeId": null,
    })
}

/// The `$select` of a user request: the user properties plus the directory extensions
/// the tenant's users carry (registered extension properties).
fn select_user(
    req: &Req,
    t: &crate::sim::state::Tenant,
) -> Result<Option<Vec<String>>, GraphError> {
    let extensions: std::collections::BTreeSet<&str> = t
        .users
        .iter()
        .flat_map(|u| u.extensions.keys().map(String::as_str))
        .collect();
    let mut props: Vec<&str> = USER_PROPS.to_vec();
    props.extend(extensions);
    odata::select(req, &props, "user")
}

/// `GET /users/{id|userPrincipalName}` (a UPN starting with `$` needs `/users('…')`).
pub fn get_user(sim: &Arc<Sim>, caller: &Caller, req: &Req, key: &str) -> HResult {
    require(caller, Op::UsersRead, None)?;
    if key.starts_with('$') && !req.path.contains("users(") {
        return Err(GraphError::new(
            400,
            "BadRequest",
            format!("Resource not found for the segment '{key}'."),
        ));
    }
    let t = sim.lock();
    let sel = select_user(req, &t)?;
    let u = t.user(key).ok_or_else(|| GraphError::not_found(key))?;
    let mut v = user_view(u, sel.as_deref());
    entity(
        &mut v,
        req.context(&format!(
            "{}/$entity",
            odata::context_set("users", sel.as_deref())
        )),
    );
    Ok(Resp::ok(v))
}

const GROUP_PROPS: &[&str] = &[
    "id",
    "deletedDateTime",
    "classification",
    "createdDateTime",
    "creationOptions",
    "description",
    "displayName",
    "expirationDateTime",
    "groupTypes",
    "isAssignableToRole",
    "mail",
    "mailEnabled",
    "mailNickname",
    "membershipRule",
    "membershipRuleProcessingState",
    "onPremisesDomainName",
    "onPremisesLastSyncDateTime",
    "onPremisesNetBiosName",
    "onPremisesSamAccountName",
    "onPremisesSecurityIdentifier",
    "onPremisesSyncEnabled",
    "preferredDataLocation",
    "preferredLanguage",
    "proxyAddresses",
    "renewedDateTime",
    "resourceBehaviorOptions",
    "resourceProvisioningOptions",
    "securityEnabled",
    "securityIdentifier",
    "theme",
    "visibility",
    "onPremisesProvisioningErrors",
    "serviceProvisioningErrors",
];
const GROUP_FILTER: Allowed = &[
    ("displayName", &["eq", "in", "startswith"]),
    ("id", &["eq", "in"]),
    ("mailNickname", &["eq", "in", "startswith"]),
    ("securityEnabled", &["eq"]),
    ("mailEnabled", &["eq"]),
];

/// A group in Graph's default shape.
pub fn group_json(g: &Group) -> Value {
    json!({
        "id": g.id, "deletedDateTime": null, "classification": null, "createdDateTime": g.created,
        "creationOptions": [], "description": g.description, "displayName": g.display_name,
        "expirationDateTime": null, "groupTypes": [], "isAssignableToRole": null, "mail": null,
        "mailEnabled": false, "mailNickname": g.mail_nickname, "membershipRule": null,
        "membershipRuleProcessingState": null, "onPremisesDomainName": null,
        "onPremisesLastSyncDateTime": null, "onPremisesNetBiosName": null,
        "onPremisesSamAccountName": null, "onPremisesSecurityIdentifier": null,
        "onPremisesSyncEnabled": null, "preferredDataLocation": null, "preferredLanguage": null,
        "proxyAddresses": [], "renewedDateTime": g.created, "resourceBehaviorOptions": [],
        "resourceProvisioningOptions": [], "securityEnabled": true,
        "securityIdentifier": format!("S-1-12-1-{}", g.id.len()), "theme": null, "visibility": null,
        "onPremisesProvisioningErrors": [], "serviceProvisioningErrors": [],
    })
}

/// `GET /groups`.
pub fn list_groups(sim: &Arc<Sim>, caller: &Caller, req: &Req) -> HResult {
    require(caller, Op::GroupsRead, None)?;
    let filter = odata::filter(req, GROUP_FILTER, "group")?;
    let sel = odata::select(req, GROUP_PROPS, "group")?;
    let order = odata::order_by(req, &["displayName"], "group")?;
    let mut items: Vec<Value> = {
        let t = sim.lock();
        t.groups
            .iter()
            .filter(|g| {
                filter.as_ref().is_none_or(|f| {
                    let field = |p: &str| match p {
                        "id" => Some(g.id.as_str()),
                        "displayName" => Some(g.display_name.as_str()),
                        _ => None,
                    };
                    odata::quick_eval(f, field).unwrap_or_else(|| odata::eval(f, &group_json(g)))
                })
            })
            .map(group_json)
            .collect()
    };
    odata::sort(&mut items, order.as_ref());
    let items = items
        .into_iter()
        .map(|g| odata::project(g, sel.as_deref()))
        .collect();
    let (page, next) = odata::page(req, items, 100, 999)?;
    let ctx = req.context(&odata::context_set("groups", sel.as_deref()));
    Ok(Resp::ok(odata::collection(ctx, page, next)))
}

/// `GET /groups/{id}`.
pub fn get_group(sim: &Arc<Sim>, caller: &Caller, req: &Req, id: &str) -> HResult {
    require(caller, Op::GroupsRead, None)?;
    let sel = odata::select(req, GROUP_PROPS, "group")?;
    let t = sim.lock();
    let g = t.group(id).ok_or_else(|| GraphError::not_found(id))?;
    let mut v = odata::project(group_json(g), sel.as_deref());
    entity(
        &mut v,
        req.context(&format!(
            "{}/$entity",
            odata::context_set("groups", sel.as_deref())
        )),
    );
    Ok(Resp::ok(v))
}
