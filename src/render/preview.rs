//! `preview` output: per user, the scope decision (assignment, each scoping filter and
//! clause) and what the app would receive per object mapping. Human, JSON and markdown.
//! Every string from the manifest or the tenant passes through [`shown`] /
//! [`shown_markdown`].

use serde_json::{Value as Json, json};

use super::evaluation::value_text;
use super::untrusted::{shown, shown_markdown};
use crate::manifest::expr::eval::scoping::ClauseResult;
use crate::preview::{Assignment, AttributePreview, MappingPreview, Received, UserPreview};

/// The assignment in words.
fn assignment_text(a: &Assignment) -> String {
    match a {
        Assignment::ScopeAll => "scope all: every user is considered".into(),
        Assignment::Direct { role } => format!("assigned directly (role {})", shown(role)),
        Assignment::ViaGroup { group, role } => format!(
            "assigned through group {} (role {}; immediate members only)",
            shown(group),
            shown(role)
        ),
        Assignment::NotAssigned => "not assigned (nested groups do not count)".into(),
        Assignment::Unknown { groups } => format!(
            "assignment unknown offline: membership of {} not given (memberOf)",
            groups
                .iter()
                .map(|g| shown(g))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

fn verdict(v: Option<bool>) -> &'static str {
    match v {
        Some(true) => "IN SCOPE",
        Some(false) => "OUT OF SCOPE",
        None => "SCOPE UNKNOWN",
    }
}

fn clause_text(c: &ClauseResult) -> String {
    let value = c
        .value
        .as_deref()
        .map(|v| format!(" \"{}\"", shown(v)))
        .unwrap_or_default();
    let actual = c
        .actual
        .as_deref()
        .map_or("null".to_string(), |a| format!("\"{}\"", shown(a)));
    let note = c
        .note
        .as_deref()
        .map(|n| format!("; {n}"))
        .unwrap_or_default();
    format!(
        "{} {}{} (value {actual}{note})",
        shown(&c.attribute),
        c.operator.manifest_name(),
        value
    )
}

/// What an attribute receives, in words.
pub fn received_text(r: &Received) -> String {
    match r {
        Received::Value(v, notes) => {
            let mut s = value_text(v);
            for n in notes {
                s.push_str(&format!(" [{} {}]", n.code, n.function));
            }
            s
        }
        Received::Default(d) => format!("\"{}\" (default)", shown(d)),
        Received::Skipped => "flow skipped (IgnoreFlowIfNullOrEmpty)".into(),
        Received::Error(e) => format!("error {}: {}", e.code, shown(&e.message)),
    }
}

fn marks(a: &AttributePreview) -> String {
    let mut m = Vec::new();
    if let Some(p) = a.matching {
        m.push(format!("matching #{p}"));
    }
    if a.on_create {
        m.push("onCreate".into());
    }
    if m.is_empty() {
        String::new()
    } else {
        format!("  [{}]", m.join(", "))
    }
}

/// Human output.
pub fn human(users: &[UserPreview]) -> String {
    let mut out = String::new();
    for u in users {
        out.push_str(&format!("{}\n", shown(&u.user)));
        if !u.found {
            out.push_str("  no such user in the directory\n\n");
            continue;
        }
        out.push_str(&format!(
            "  assignment: {}\n",
            assignment_text(&u.assignment)
        ));
        for m in &u.mappings {
            human_mapping(&mut out, m, &u.assignment);
        }
        out.push('\n');
    }
    out
}

fn human_mapping(out: &mut String, m: &MappingPreview, a: &Assignment) {
    out.push_str(&format!(
        "  {} → {}: {}{}\n",
        shown(&m.label),
        shown(&m.target_object),
        verdict(m.in_scope(a)),
        if m.disabled {
            " (mapping disabled)"
        } else {
            ""
        }
    ));
    if m.filters.filters.is_empty() {
        out.push_str("    no scoping filter\n");
    }
    for f in &m.filters.filters {
        let word = if f.matched {
            "matches"
        } else {
            "does not match"
        };
        out.push_str(&format!("    filter \"{}\" {word}\n", shown(&f.name)));
        for c in &f.clauses {
            let tick = if c.matched { '✓' } else { '✗' };
            out.push_str(&format!("      {tick} {}\n", clause_text(c)));
        }
    }
    let width = m
        .attributes
        .iter()
        .map(|a| a.target.chars().count())
        .max()
        .unwrap_or(0);
    for a in &m.attributes {
        out.push_str(&format!(
            "    {:width$} = {}{}\n",
            shown(&a.target),
            received_text(&a.received),
            marks(a)
        ));
    }
}

fn received_json(r: &Received) -> Json {
    match r {
        Received::Value(v, notes) => json!({
            "value": v.to_json(), "skipped": false,
            "notes": notes.iter().map(|n| json!({"code": n.code, "function": n.function})).collect::<Vec<_>>(),
        }),
        Received::Default(d) => json!({"value": d, "skipped": false, "default": true}),
        Received::Skipped => json!({"value": null, "skipped": true}),
        Received::Error(e) => json!({"error": {"code": e.code, "message": e.message}}),
    }
}

/// JSON output.
pub fn json(users: &[UserPreview]) -> String {
    let items: Vec<Json> = users
        .iter()
        .map(|u| {
            let mappings: Vec<Json> = u.mappings.iter().map(|m| json!({
                "label": m.label, "targetObject": m.target_object, "disabled": m.disabled,
                "inScope": m.in_scope(&u.assignment),
                "filters": m.filters.filters.iter().map(|f| json!({
                    "name": f.name, "matched": f.matched,
                    "clauses": f.clauses.iter().map(|c| json!({
                        "attribute": c.attribute, "operator": c.operator.manifest_name(),
                        "value": c.value, "actual": c.actual, "matched": c.matched, "note": c.note,
                    })).collect::<Vec<_>>(),
                })).collect::<Vec<_>>(),
                "attributes": m.attributes.iter().map(|a| {
                    let mut v = received_json(&a.received);
                    v["target"] = json!(a.target);
                    v["source"] = json!(a.source);
                    v["matchingPriority"] = json!(a.matching);
                    v["onCreate"] = json!(a.on_create);
                    v
                }).collect::<Vec<_>>(),
            })).collect();
            json!({
                "user": u.user, "found": u.found,
                "assignment": assignment_text(&u.assignment),
                "assigned": u.assignment.passes(),
                "mappings": mappings,
            })
        })
        .collect();
    format!(
        "{}\n",
        serde_json::to_string_pretty(&json!({"users": items})).unwrap_or_default()
    )
}

/// Markdown output (for a PR comment).
pub fn markdown(users: &[UserPreview]) -> String {
    let mut out = String::from("### entraprov preview\n\n");
    for u in users {
        out.push_str(&format!("#### {}\n\n", shown_markdown(&u.user)));
        if !u.found {
            out.push_str("No such user in the directory.\n\n");
            continue;
        }
        out.push_str(&format!(
            "Assignment: {}\n\n",
            shown_markdown(&assignment_text(&u.assignment))
        ));
        for m in &u.mappings {
            out.push_str(&format!(
                "**{} → {}: {}**\n\n",
                shown_markdown(&m.label),
                shown_markdown(&m.target_object),
                verdict(m.in_scope(&u.assignment))
            ));
            for f in &m.filters.filters {
                let word = if f.matched {
                    "matches"
                } else {
                    "does not match"
                };
                out.push_str(&format!(
                    "- filter \"{}\" {word}\n",
                    shown_markdown(&f.name)
                ));
                for c in &f.clauses {
                    let tick = if c.matched { "✅" } else { "❌" };
                    out.push_str(&format!(
                        "  - {tick} {}\n",
                        super::markdown::escape(&clause_text(c))
                    ));
                }
            }
            out.push_str("\n| target attribute | value | |\n|---|---|---|\n");
            for a in &m.attributes {
                out.push_str(&format!(
                    "| {} | {} | {} |\n",
                    shown_markdown(&a.target),
                    super::markdown::escape(&received_text(&a.received)),
                    marks(a).trim()
                ));
            }
            out.push('\n');
        }
    }
    out
}
