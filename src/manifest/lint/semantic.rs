//! Lints on the typed manifest: uniqueness, expressions, tenant URL, mapping objects; then
//! the connector's own lints.

use std::collections::HashMap;

use super::LintCx;
use crate::manifest::expr::{self, ExprProblem};
use crate::manifest::pointer;
use crate::manifest::span::push_segment;
use crate::manifest::types::{Manifest, ObjectMapping, PrincipalSelector, SourceKind};

/// Runs every semantic lint, then the connector's.
pub(crate) fn run(m: &Manifest, cx: &mut LintCx<'_>) {
    duplicate_principals(m, cx);
    if let Some(url) = m.provisioning.as_ref().and_then(|p| p.credentials.as_ref()) {
        tenant_url(&url.tenant_url, cx);
    }
    let mappings = m.provisioning.as_ref().and_then(|p| p.mappings.as_ref());
    for (label, om) in mappings.into_iter().flatten() {
        let mp = push_segment("/provisioning/mappings", label);
        mapping(label, om, &mp, cx);
    }
    super::attributes::run(m, cx);
    let connector = crate::connector::for_app(&m.app);
    (connector.lint)(m, cx);
}

fn selector_key(s: &PrincipalSelector) -> String {
    match s {
        PrincipalSelector::Name(n) => n.to_lowercase(),
        PrincipalSelector::Id(r) => r.id.normalized(),
    }
}

fn duplicate_principals(m: &Manifest, cx: &mut LintCx<'_>) {
    let Some(a) = &m.assignments else { return };
    let mut seen: HashMap<(&str, String, String), usize> = HashMap::new();
    for (i, asg) in a.principals.iter().enumerate() {
        let p = &asg.principal;
        let key = (
            p.kind(),
            selector_key(p.selector()),
            asg.role.to_lowercase(),
        );
        if let Some(first) = seen.get(&key) {
            let ptr = pointer::assignment(i);
            let first_span = cx.span(&format!("/assignments/principals/{first}"), false);
            let d = cx
                .diag(
                    "E0107",
                    &ptr,
                    false,
                    format!("{p} is assigned the role `{}` twice", asg.role),
                    "duplicate",
                )
                .also(first_span, "first listed here")
                .help("remove one of the two entries");
            cx.push(d);
        } else {
            seen.insert(key, i);
        }
    }
}

fn tenant_url(url: &str, cx: &mut LintCx<'_>) {
    let ptr = pointer::tenant_url();
    let problem = match url::Url::parse(url) {
        Err(e) => Some(format!("`tenantUrl` is not a valid URL ({e})")),
        Ok(u) if u.scheme() == "https" => None,
        Ok(u) if u.scheme() == "http" && is_loopback(&u) => None,
        Ok(u) => Some(format!("`tenantUrl` must use https, not {}", u.scheme())),
    };
    if let Some(msg) = problem {
        let d = cx.diag("E0115", ptr, false, msg, "tenant URL").help(
            "use the SCIM base URL the app's admin console shows, e.g. https://example.com/scim/v2",
        );
        cx.push(d);
    }
}

fn is_loopback(u: &url::Url) -> bool {
    match u.host() {
        Some(url::Host::Domain(d)) => d == "localhost",
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

fn mapping(label: &str, om: &ObjectMapping, mp: &str, cx: &mut LintCx<'_>) {
    let known = matches!(label, "users" | "groups");
    if !known && (om.source_object.is_none() || om.target_object.is_none()) {
        let d = cx
            .diag(
                "E0117",
                mp,
                true,
                format!("mapping `{label}` needs `sourceObject` and `targetObject`"),
                "custom label",
            )
            .help("only `users` (User → User) and `groups` (Group → Group) have defaults");
        cx.push(d);
    }
    if let Some(attrs) = &om.attributes {
        attributes(om, attrs, mp, cx);
    }
    let mut names: HashMap<&str, usize> = HashMap::new();
    for (i, f) in om.scoping_filters.iter().flatten().enumerate() {
        if let Some(first) = names.insert(f.name.as_str(), i) {
            let first_span = cx.span(&format!("{mp}/scopingFilters/{first}/name"), false);
            let d = cx
                .diag(
                    "E0118",
                    &format!("{mp}/scopingFilters/{i}/name"),
                    false,
                    format!("two scoping filters are named `{}`", f.name),
                    "duplicate name",
                )
                .also(first_span, "first used here")
                .help("scoping filters are matched by name; give each a distinct name");
            cx.push(d);
        }
    }
}

fn attributes(
    om: &ObjectMapping,
    attrs: &crate::manifest::NamedMap<crate::manifest::AttributeSource>,
    mp: &str,
    cx: &mut LintCx<'_>,
) {
    let mut priorities: HashMap<u32, &str> = HashMap::new();
    for (target, a) in attrs.iter() {
        let ap = push_segment(&format!("{mp}/attributes"), target);
        if let Some(p) = a.matching_priority
            && let Some(first) = priorities.insert(p, target)
        {
            let first_span = cx.span(
                &format!(
                    "{}/matchingPriority",
                    push_segment(&format!("{mp}/attributes"), first)
                ),
                false,
            );
            let d = cx
                .diag(
                    "E0104",
                    &format!("{ap}/matchingPriority"),
                    false,
                    format!("matchingPriority {p} is used by both `{first}` and `{target}`"),
                    "duplicate priority",
                )
                .also(first_span, "also used here")
                .help("each matching attribute needs its own priority (1, 2, …)");
            cx.push(d);
        }
        if let SourceKind::Expression(text) = &a.kind {
            expression(text, &format!("{ap}/expression"), cx);
        }
    }
    let matching = attrs.iter().any(|(_, a)| a.matching_priority.is_some());
    if !matching && om.prune && om.enabled != Some(false) && !attrs.is_empty() {
        let d = cx
            .diag(
                "W0102",
                &format!("{mp}/attributes"),
                true,
                "no attribute of this mapping is a matching attribute",
                "no `matchingPriority` here",
            )
            .help("provisioning needs one matching attribute, e.g. `userName: { source: userPrincipalName, matchingPriority: 1 }`");
        cx.push(d);
    }
}

/// Byte range in the file of `inner` (a range of the expression text), when the YAML value
/// is a plain or single-line quoted scalar that contains the text verbatim.
fn inner_span(
    cx: &LintCx<'_>,
    ptr: &str,
    text: &str,
    inner: &std::ops::Range<usize>,
) -> Option<std::ops::Range<usize>> {
    let v = cx.spans.get(ptr)?.value.clone();
    let raw = cx.file.text.get(v.clone())?;
    let offset = raw.find(text)?;
    let start = v.start + offset + inner.start;
    let mut end = v.start + offset + inner.end;
    if end <= start {
        // An empty range (end of the expression): underline the next character, if any.
        let next = cx.file.text.get(start..v.end)?.chars().next();
        end = start + next.map_or(0, char::len_utf8);
    }
    Some(start..end.min(v.end))
}

fn expression(text: &str, ptr: &str, cx: &mut LintCx<'_>) {
    for p in expr::check(text) {
        let (code, msg, inner, label, help) = match p {
            ExprProblem::Syntax(e) => {
                let help = e
                    .help
                    .clone()
                    .unwrap_or_else(|| "check brackets, quotes and commas".into());
                (
                    "E0113",
                    format!("expression syntax error: {}", e.message),
                    e.at,
                    "here".to_string(),
                    help,
                )
            }
            ExprProblem::UnknownFunction {
                name,
                at,
                suggestion,
            } => {
                let help = match suggestion {
                    Some(s) => format!("did you mean `{s}`? (function names are case-sensitive)"),
                    None => "see the list of functions in docs/manifest.md (Entra's expression reference)".into(),
                };
                (
                    "E0114",
                    format!("unknown function `{name}` in expression"),
                    at,
                    "unknown function".into(),
                    help,
                )
            }
            ExprProblem::Call(e) => (
                e.code,
                e.message,
                e.at,
                "here".into(),
                e.help.unwrap_or_else(|| {
                    "see Entra's expression reference for the function's parameters".into()
                }),
            ),
        };
        let mut d = cx.diag(code, ptr, false, msg, label.clone()).help(help);
        if let Some(s) = inner_span(cx, ptr, text, &inner) {
            d = d.at(s, label);
        }
        cx.push(d);
    }
}
