//! `$filter` and `$orderby` of `GET /auditLogs/provisioning`.
//!
//! Microsoft documents `eq`, `contains`, `gt` and `lt`, case-sensitive
//! (`api-reference/v1.0/api/provisioningobjectsummary-list.md`), and `$orderby`. The
//! simulator accepts those on any property path, `and`-joined, with `tolower(…)` around the
//! property, and also `ne`, `ge`, `le` and `startswith` (Graph's usual OData set; nothing
//! documents a refusal). Dates may be full (`2026-11-28T20:00:00Z`) or date-only
//! (`2026-11-28`).

use serde_json::Value;

use crate::sim::http::error::GraphError;

/// One `and` clause.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clause {
    prop: String,
    lower: bool,
    op: String,
    value: String,
}

/// The properties of `provisioningObjectSummary` (`resources/provisioningobjectsummary.md`).
const PROPERTIES: &[&str] = &[
    "activityDateTime",
    "changeId",
    "cycleId",
    "durationInMilliseconds",
    "id",
    "initiatedBy",
    "jobId",
    "modifiedProperties",
    "provisioningAction",
    "provisioningStatusInfo",
    "provisioningSteps",
    "servicePrincipal",
    "sourceIdentity",
    "sourceSystem",
    "targetIdentity",
    "targetSystem",
    "tenantId",
];

fn unsupported(prop: &str) -> GraphError {
    GraphError::unsupported_query(format!(
        "Unsupported or invalid query filter clause specified for property '{prop}' of resource 'provisioningObjectSummary'."
    ))
}

/// Checks the property and, for a date-time, the literal.
fn checked(c: Clause) -> Result<Clause, GraphError> {
    let root = c.prop.split('/').next().unwrap_or_default();
    if !PROPERTIES.contains(&root) {
        return Err(unsupported(&c.prop));
    }
    let date = regex::Regex::new(r"^\d{4}-\d\d-\d\d(T\d\d:\d\d:\d\d(\.\d+)?Z)?$").ok();
    if c.prop == "activityDateTime" && !date.is_some_and(|r| r.is_match(&c.value)) {
        return Err(unsupported(&c.prop));
    }
    Ok(c)
}

fn invalid(raw: &str) -> GraphError {
    GraphError::bad_request(format!("Invalid filter clause: '{raw}'"))
}

/// Parses `a eq 'x' and contains(b,'y') and tolower(c) eq 'z' and activityDateTime gt 2026-11-28`.
pub fn parse(filter: &str) -> Result<Vec<Clause>, GraphError> {
    split_and(filter)
        .iter()
        .map(|raw| clause(raw.trim()).and_then(checked))
        .collect()
}

/// Splits on ` and ` outside quotes.
fn split_and(filter: &str) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut quoted = false;
    let mut rest = filter;
    while let Some(c) = rest.chars().next() {
        if c == '\'' {
            quoted = !quoted;
        }
        if !quoted && rest.len() >= 5 && rest[..5].eq_ignore_ascii_case(" and ") {
            out.push(String::new());
            rest = &rest[5..];
            continue;
        }
        if let Some(s) = out.last_mut() {
            s.push(c);
        }
        rest = &rest[c.len_utf8()..];
    }
    out
}

fn clause(raw: &str) -> Result<Clause, GraphError> {
    for func in ["contains", "startswith"] {
        if let Some(args) = raw
            .strip_prefix(func)
            .and_then(|r| r.trim_start().strip_prefix('('))
            .and_then(|r| r.strip_suffix(')'))
        {
            let (left, lit) = args.split_once(',').ok_or_else(|| invalid(raw))?;
            let (prop, lower) = property(left.trim());
            return Ok(Clause {
                prop,
                lower,
                op: func.to_owned(),
                value: literal(lit.trim()).ok_or_else(|| invalid(raw))?,
            });
        }
    }
    let mut it = raw.splitn(3, ' ');
    let (Some(left), Some(op), Some(lit)) = (it.next(), it.next(), it.next()) else {
        return Err(invalid(raw));
    };
    if !["eq", "ne", "gt", "ge", "lt", "le"].contains(&op) {
        return Err(invalid(raw));
    }
    let (prop, lower) = property(left);
    Ok(Clause {
        prop,
        lower,
        op: op.to_owned(),
        value: literal(lit.trim()).ok_or_else(|| invalid(raw))?,
    })
}

fn property(text: &str) -> (String, bool) {
    match text
        .strip_prefix("tolower(")
        .and_then(|r| r.strip_suffix(')'))
    {
        Some(p) => (p.trim().to_owned(), true),
        None => (text.to_owned(), false),
    }
}

/// A quoted string (`''` is a quote), or an unquoted date / date-time / number / keyword.
fn literal(text: &str) -> Option<String> {
    if let Some(inner) = text.strip_prefix('\'').and_then(|t| t.strip_suffix('\'')) {
        return Some(inner.replace("''", "'"));
    }
    let plain = text
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "-:.+".contains(c));
    (plain && !text.is_empty()).then(|| text.to_owned())
}

fn lookup<'a>(e: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('/').try_fold(e, |v, k| match v {
        // `servicePrincipal` is an object in the examples and a collection in the
        // resource table: a path through a collection looks at its first element.
        Value::Array(items) => items.first().and_then(|i| i.get(k)),
        _ => v.get(k),
    })
}

fn text_of(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Whether `e` passes the clause.
pub fn matches(c: &Clause, e: &Value) -> bool {
    let Some(mut v) = lookup(e, &c.prop).and_then(text_of) else {
        return c.op == "ne" || (c.op == "eq" && c.value == "null");
    };
    if c.lower {
        v = v.to_lowercase();
    }
    let (v, want) = if c.prop.ends_with("DateTime") {
        (instant(&v), instant(&c.value))
    } else {
        (v, c.value.clone())
    };
    let want = want.as_str();
    match c.op.as_str() {
        "eq" => v == want,
        "ne" => v != want,
        "contains" => v.contains(want),
        "startswith" => v.starts_with(want),
        "gt" => v.as_str() > want,
        "ge" => v.as_str() >= want,
        "lt" => v.as_str() < want,
        _ => v.as_str() <= want,
    }
}

/// A date or date-time as `YYYY-MM-DDTHH:MM:SS` (UTC text orders lexically; a date-only
/// value is the start of that day; fractions are dropped).
fn instant(text: &str) -> String {
    match text.len() {
        10 => format!("{text}T00:00:00"),
        n if n >= 19 => text[..19].to_owned(),
        _ => text.to_owned(),
    }
}

/// `$orderby` of the logs: `activityDateTime` (default descending, newest first) or any
/// other property path; `asc` / `desc`.
pub fn order(items: &mut [Value], orderby: Option<&str>) -> Result<(), GraphError> {
    let (prop, desc) = match orderby.map(str::trim) {
        None | Some("") => ("activityDateTime".to_owned(), true),
        Some(o) => {
            let mut it = o.split_whitespace();
            let prop = it.next().unwrap_or("activityDateTime").to_owned();
            let desc = match it.next() {
                None | Some("asc") => false,
                Some("desc") => true,
                Some(other) => {
                    return Err(GraphError::bad_request(format!(
                        "Invalid $orderby direction '{other}'."
                    )));
                }
            };
            (prop, desc)
        }
    };
    items.sort_by(|a, b| {
        let (x, y) = (
            lookup(a, &prop).and_then(text_of),
            lookup(b, &prop).and_then(text_of),
        );
        if desc { y.cmp(&x) } else { x.cmp(&y) }
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn entry() -> Value {
        json!({"activityDateTime": "2026-11-28T20:00:05Z", "jobId": "scim.abc",
               "servicePrincipal": [{"id": "sp1", "displayName": "Keeper"}],
               "sourceIdentity": {"displayName": "Ada Lovelace"},
               "provisioningStatusInfo": {"status": "failure"}})
    }

    fn pass(filter: &str) -> bool {
        parse(filter).unwrap().iter().all(|c| matches(c, &entry()))
    }

    #[test]
    fn documented_operators_and_functions() {
        assert!(pass(
            "jobId eq 'scim.abc' and provisioningStatusInfo/status eq 'failure'"
        ));
        assert!(!pass("jobId eq 'SCIM.ABC'"), "eq is case-sensitive");
        assert!(pass("contains(sourceIdentity/displayName, 'Love')"));
        assert!(pass(
            "tolower(sourceIdentity/displayName) eq 'ada lovelace'"
        ));
        assert!(pass("activityDateTime gt 2026-11-28T20:00:00Z"));
        assert!(!pass("activityDateTime lt 2026-11-28T20:00:00Z"));
        assert!(pass(
            "activityDateTime gt 2026-11-27 and activityDateTime lt 2026-11-29"
        ));
        assert!(pass("servicePrincipal/id eq 'sp1'"));
        assert!(pass(
            "sourceIdentity/displayName eq 'Ada Lovelace' and jobId ne 'x'"
        ));
    }

    #[test]
    fn order_defaults_to_newest_first_and_follows_orderby() {
        let mut items = vec![
            json!({"activityDateTime": "2026-01-01T00:00:00Z"}),
            json!({"activityDateTime": "2026-03-01T00:00:00Z"}),
        ];
        order(&mut items, Some("activityDateTime desc")).unwrap();
        assert_eq!(items[0]["activityDateTime"], "2026-03-01T00:00:00Z");
        order(&mut items, Some("activityDateTime asc")).unwrap();
        assert_eq!(items[0]["activityDateTime"], "2026-01-01T00:00:00Z");
        assert!(order(&mut items, Some("activityDateTime sideways")).is_err());
    }
}
