//! The `provisionOnDemand` request body, read strictly (graph-api.md §4.4):
//!
//! ```json
//! { "parameters": [ { "ruleId": "…",
//!     "subjects": [ { "objectId": "<user id>", "objectTypeName": "User" } ] } ] }
//! ```
//!
//! or, for a group with the members to provision with it (1 to 5 users, as the portal):
//!
//! ```json
//! { "objectId": "<group id>", "objectTypeName": "Group",
//!   "links": { "members": [ { "objectId": "<user id>", "objectTypeName": "User" } ] } }
//! ```
//!
//! [`subject_of`] then looks the subject up: members must be users of the group.

use serde_json::Value;

use crate::sim::http::error::GraphError;
use crate::sim::state::{Group, Tenant};

/// Most members one group request may carry.
pub const MAX_MEMBERS: usize = 5;

/// What is provisioned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// One user.
    User,
    /// A group with some of its members.
    Group,
}

impl Kind {
    /// `User` / `Group`.
    pub fn name(self) -> &'static str {
        match self {
            Kind::User => "User",
            Kind::Group => "Group",
        }
    }
}

/// A parsed request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request {
    /// `ruleId`.
    pub rule_id: String,
    /// The subject's object id.
    pub object_id: String,
    /// User or group.
    pub kind: Kind,
    /// Member user ids (groups only; never empty for a group).
    pub members: Vec<String>,
}

fn bad(message: &str) -> GraphError {
    GraphError::sync(400, "InvalidProvisionOnDemandRequest", Some(message))
}

/// The single element of an array field, or a 400 naming the field.
fn single<'a>(v: &'a Value, field: &str) -> Result<&'a Value, GraphError> {
    match v.get(field).and_then(Value::as_array).map(Vec::as_slice) {
        Some([one]) => Ok(one),
        _ => Err(bad(&format!(
            "'{field}' must be an array with exactly one element."
        ))),
    }
}

/// An object id: a GUID string.
fn object_id(v: &Value, what: &str) -> Result<String, GraphError> {
    let id = v["objectId"].as_str().unwrap_or_default();
    if uuid::Uuid::parse_str(id).is_err() {
        return Err(bad(&format!(
            "The {what} objectId '{id}' is not an object id (GUID)."
        )));
    }
    Ok(id.to_owned())
}

/// Keys of an object other than `allowed`, as a 400.
fn only_keys(v: &Value, allowed: &[&str], what: &str) -> Result<(), GraphError> {
    let Some(map) = v.as_object() else {
        return Err(bad(&format!("The {what} must be an object.")));
    };
    match map.keys().find(|k| !allowed.contains(&k.as_str())) {
        Some(k) => Err(bad(&format!("Unexpected property '{k}' in the {what}."))),
        None => Ok(()),
    }
}

/// Parses and checks the body's shape (not the directory: ids are looked up by the caller).
pub fn parse(body: &Value) -> Result<Request, GraphError> {
    let param = single(body, "parameters")?;
    only_keys(param, &["ruleId", "subjects"], "parameter")?;
    let rule_id = match param["ruleId"].as_str() {
        Some(r) if !r.is_empty() => r.to_owned(),
        _ => return Err(bad("'ruleId' is required.")),
    };
    let subject = single(param, "subjects")?;
    only_keys(subject, &["objectId", "objectTypeName", "links"], "subject")?;
    let object_id = object_id(subject, "subject")?;
    let links = subject.get("links");
    let kind = match subject["objectTypeName"].as_str() {
        Some("User") if links.is_none() => Kind::User,
        Some("User") => return Err(bad("'links' is only valid on a Group subject.")),
        Some("Group") => Kind::Group,
        _ => {
            return Err(GraphError::sync(
                400,
                "InvalidObjectType",
                Some("objectTypeName must be User or Group."),
            ));
        }
    };
    let members = match (kind, links) {
        (Kind::User, _) => Vec::new(),
        (Kind::Group, Some(links)) => members(links)?,
        (Kind::Group, None) => return Err(no_members()),
    };
    Ok(Request {
        rule_id,
        object_id,
        kind,
        members,
    })
}

fn no_members() -> GraphError {
    bad(&format!(
        "A Group subject needs 'links.members': the users to provision with the group (1 to {MAX_MEMBERS})."
    ))
}

fn members(links: &Value) -> Result<Vec<String>, GraphError> {
    only_keys(links, &["members"], "links")?;
    let list = links["members"].as_array().map_or(&[][..], Vec::as_slice);
    if list.is_empty() {
        return Err(no_members());
    }
    if list.len() > MAX_MEMBERS {
        return Err(bad(&format!(
            "At most {MAX_MEMBERS} members can be provisioned on demand with a group; got {}.",
            list.len()
        )));
    }
    list.iter()
        .map(|m| {
            only_keys(m, &["objectId", "objectTypeName"], "member")?;
            if m["objectTypeName"] != "User" {
                return Err(bad("Each member must have objectTypeName 'User'."));
            }
            object_id(m, "member")
        })
        .collect()
}

/// `(display name, UPN or group name, member UPNs)` of the request's subject.
pub fn subject_of(
    t: &Tenant,
    request: &Request,
) -> Result<(String, String, Vec<String>), GraphError> {
    let id = &request.object_id;
    let found = match request.kind {
        Kind::User => t
            .users
            .iter()
            .find(|u| u.id.eq_ignore_ascii_case(id))
            .map(|u| (u.display_name.clone(), u.upn.clone(), Vec::new())),
        Kind::Group => match t.group(id) {
            Some(g) => Some((
                g.display_name.clone(),
                g.display_name.clone(),
                group_members(t, g, &request.members)?,
            )),
            None => None,
        },
    };
    found.ok_or_else(|| {
        GraphError::sync(
            404,
            "ObjectNotFound",
            Some(&format!(
                "The {} '{id}' was not found in the directory.",
                request.kind.name()
            )),
        )
    })
}

/// The UPNs of the requested members: each must be a user (by object id) in the group.
fn group_members(
    t: &Tenant,
    group: &Group,
    requested: &[String],
) -> Result<Vec<String>, GraphError> {
    requested
        .iter()
        .map(|id| {
            let Some(user) = t.users.iter().find(|u| u.id.eq_ignore_ascii_case(id)) else {
                return Err(GraphError::sync(
                    404,
                    "ObjectNotFound",
                    Some(&format!(
                        "The member User '{id}' was not found in the directory."
                    )),
                ));
            };
            let member = group
                .members
                .iter()
                .any(|m| m.eq_ignore_ascii_case(&user.id) || m.eq_ignore_ascii_case(&user.upn));
            if !member {
                return Err(GraphError::sync(
                    400,
                    "InvalidProvisionOnDemandRequest",
                    Some(&format!(
                        "The User '{id}' is not a member of the group '{}'.",
                        group.display_name
                    )),
                ));
            }
            Ok(user.upn.clone())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const G: &str = "11111111-1111-1111-1111-111111111111";
    const U: &str = "22222222-2222-2222-2222-222222222222";

    fn body(subject: Value) -> Value {
        json!({ "parameters": [ { "ruleId": "r", "subjects": [ subject ] } ] })
    }

    fn message(e: GraphError) -> String {
        format!("{e:?}")
    }

    #[test]
    fn user_and_group_with_members_parse() {
        let u = parse(&body(json!({"objectId": U, "objectTypeName": "User"}))).unwrap();
        assert_eq!((u.kind, u.members.len()), (Kind::User, 0));
        let g = parse(&body(json!({"objectId": G, "objectTypeName": "Group",
            "links": {"members": [{"objectId": U, "objectTypeName": "User"}]}})))
        .unwrap();
        assert_eq!((g.kind, g.object_id.as_str()), (Kind::Group, G));
        assert_eq!(g.members, [U]);
    }

    #[test]
    fn group_without_members_and_bad_shapes_are_refused() {
        let cases = [
            (
                json!({"objectId": G, "objectTypeName": "Group"}),
                "links.members",
            ),
            (
                json!({"objectId": G, "objectTypeName": "Group", "links": {"members": []}}),
                "links.members",
            ),
            (
                json!({"objectId": G, "objectTypeName": "Group",
                    "links": {"members": [{"objectId": "alice@contoso.com", "objectTypeName": "User"}]}}),
                "not an object id",
            ),
            (
                json!({"objectId": G, "objectTypeName": "Group",
                    "links": {"members": [{"objectId": G, "objectTypeName": "Group"}]}}),
                "objectTypeName 'User'",
            ),
            (
                json!({"objectId": U, "objectTypeName": "User", "links": {"members": []}}),
                "only valid on a Group",
            ),
            (
                json!({"objectId": U, "objectTypeName": "User", "extra": 1}),
                "Unexpected property 'extra'",
            ),
        ];
        for (subject, expected) in cases {
            let err = message(parse(&body(subject.clone())).unwrap_err());
            assert!(err.contains(expected), "{subject}: {err}");
        }
        let six: Vec<Value> = (0..6)
            .map(|_| json!({"objectId": U, "objectTypeName": "User"}))
            .collect();
        let err = parse(&body(json!({"objectId": G, "objectTypeName": "Group",
            "links": {"members": six}})));
        assert!(message(err.unwrap_err()).contains("At most 5"));
    }
}
