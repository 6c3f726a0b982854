//! Building a [`UserPreview`] from the manifest and one user's attributes.

use super::{Assignment, AttributePreview, MappingPreview, Received, UserInput, UserPreview};
use crate::manifest::expr::eval::{self, Attributes, Context, Value, scoping};
use crate::manifest::types::{Manifest, PrincipalRef, PrincipalSelector};
use crate::manifest::{Apply, ObjectMapping, Scope, SourceKind};

/// The object mappings whose source object is a user (`users`, or `sourceObject: User`).
pub fn user_mappings(m: &Manifest) -> Vec<(&str, &ObjectMapping)> {
    let Some(maps) = m.provisioning.as_ref().and_then(|p| p.mappings.as_ref()) else {
        return Vec::new();
    };
    maps.iter()
        .filter(|(label, om)| match om.source_object.as_deref() {
            Some(s) => s.eq_ignore_ascii_case("User"),
            None => *label == "users",
        })
        .collect()
}

/// Every source attribute the user mappings and their scoping filters read.
pub fn attributes_used(m: &Manifest) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut add = |a: &str| {
        if !out.iter().any(|o| o.eq_ignore_ascii_case(a)) {
            out.push(a.to_owned());
        }
    };
    for (_, om) in user_mappings(m) {
        for (_, a) in om.attributes.iter().flat_map(|x| x.iter()) {
            match &a.kind {
                SourceKind::Attribute(s) => add(s),
                SourceKind::Expression(e) => {
                    if let Ok(c) = eval::compile(e) {
                        c.attributes().iter().for_each(|x| add(x));
                    }
                }
                SourceKind::Constant(_) => {}
            }
        }
        for f in om.scoping_filters.iter().flatten() {
            f.clauses.iter().for_each(|c| add(&c.attribute));
        }
    }
    out
}

/// Previews every user.
pub fn preview(m: &Manifest, users: &[UserInput], cx: Context) -> Vec<UserPreview> {
    users.iter().map(|u| one(m, u, cx)).collect()
}

fn one(m: &Manifest, u: &UserInput, cx: Context) -> UserPreview {
    let Some(attrs) = &u.attributes else {
        return UserPreview {
            user: u.key.clone(),
            found: false,
            assignment: Assignment::NotAssigned,
            mappings: Vec::new(),
        };
    };
    UserPreview {
        user: u.key.clone(),
        found: true,
        assignment: assignment(m, u, attrs),
        mappings: user_mappings(m)
            .into_iter()
            .map(|(label, om)| mapping(label, om, attrs, cx))
            .collect(),
    }
}

/// The user's assignment status under the manifest's scope and principals.
pub fn assignment(m: &Manifest, u: &UserInput, attrs: &Attributes) -> Assignment {
    let scope = m.provisioning.as_ref().and_then(|p| p.scope);
    if scope == Some(Scope::All) {
        return Assignment::ScopeAll;
    }
    let upn = attrs.get("userPrincipalName").text();
    let id = u.id.clone().unwrap_or_else(|| attrs.get("objectId").text());
    let principals = m.assignments.iter().flat_map(|a| a.principals.iter());
    let mut unknown = Vec::new();
    for p in principals {
        let (is_user, sel) = match &p.principal {
            PrincipalRef::User(s) => (true, s),
            PrincipalRef::Group(s) => (false, s),
        };
        let named = sel.to_string();
        let hit = |candidates: &[String]| match sel {
            PrincipalSelector::Name(n) => candidates.iter().any(|c| c.eq_ignore_ascii_case(n)),
            PrincipalSelector::Id(r) => candidates
                .iter()
                .any(|c| c.eq_ignore_ascii_case(r.id.as_str())),
        };
        if is_user {
            if hit(&[upn.clone(), id.clone()]) {
                return Assignment::Direct {
                    role: p.role.clone(),
                };
            }
            continue;
        }
        match &u.member_of {
            Some(groups) if hit(groups) => {
                return Assignment::ViaGroup {
                    group: named,
                    role: p.role.clone(),
                };
            }
            Some(_) => {}
            None => unknown.push(named),
        }
    }
    if unknown.is_empty() {
        Assignment::NotAssigned
    } else {
        Assignment::Unknown { groups: unknown }
    }
}

fn mapping(label: &str, om: &ObjectMapping, attrs: &Attributes, cx: Context) -> MappingPreview {
    let filters = om.scoping_filters.as_deref().unwrap_or_default();
    let attributes = om
        .attributes
        .iter()
        .flat_map(|x| x.iter())
        .map(|(target, a)| {
            let (source, result) = match &a.kind {
                SourceKind::Attribute(s) => (format!("source: {s}"), Ok(plain(attrs.get(s)))),
                SourceKind::Constant(c) => {
                    (format!("constant: {c}"), Ok(plain(Value::Str(c.clone()))))
                }
                SourceKind::Expression(e) => (e.clone(), eval::evaluate(e, attrs, cx)),
            };
            let received = match result {
                Err(e) => Received::Error(e),
                Ok(o) if o.skipped => Received::Skipped,
                Ok(o) => match (&o.value, &a.default) {
                    (Value::Null, Some(d)) => Received::Default(d.clone()),
                    _ => Received::Value(o.value, o.notes),
                },
            };
            AttributePreview {
                target: target.to_owned(),
                source,
                matching: a.matching_priority,
                on_create: a.apply == Apply::OnCreate,
                received,
            }
        })
        .collect();
    MappingPreview {
        label: label.to_owned(),
        target_object: om.target_object.clone().unwrap_or_else(|| "User".into()),
        disabled: om.enabled == Some(false),
        filters: scoping::evaluate(filters, attrs),
        attributes,
    }
}

fn plain(v: Value) -> eval::Outcome {
    eval::Outcome {
        value: v,
        skipped: false,
        notes: Vec::new(),
    }
}
