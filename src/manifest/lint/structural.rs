//! Lints on the JSON value: "exactly one of", `default` placement, `matchingPriority` ≥ 1,
//! unary/binary operators, literal secrets, accidental-deletion settings.

use serde_json::{Map, Value};

use super::LintCx;
use crate::manifest::operator::Operator;
use crate::manifest::pointer;
use crate::manifest::span::push_segment;
use crate::manifest::suggest::did_you_mean;

/// Runs every structural lint.
pub(crate) fn run(root: &Value, cx: &mut LintCx<'_>) {
    if let Some(app) = root.get("app").and_then(Value::as_object) {
        app_template(app, cx);
    }
    if let Some(items) = root
        .pointer("/assignments/principals")
        .and_then(Value::as_array)
    {
        for (i, item) in items.iter().enumerate() {
            if let Some(obj) = item.as_object() {
                principal(obj, &pointer::assignment(i), cx);
            }
        }
    }
    let Some(prov) = root.get("provisioning").and_then(Value::as_object) else {
        return;
    };
    if let Some(token) = prov.get("credentials").and_then(|c| c.get("secretToken")) {
        secret(token, "/provisioning/credentials/secretToken", cx);
    }
    if let Some(ad) = prov.get("accidentalDeletions").and_then(Value::as_object) {
        accidental_deletions(ad, cx);
    }
    if let Some(mappings) = prov.get("mappings").and_then(Value::as_object) {
        for (label, m) in mappings {
            let mp = push_segment("/provisioning/mappings", label);
            mapping(m, &mp, cx);
        }
    }
}

fn mapping(m: &Value, mp: &str, cx: &mut LintCx<'_>) {
    if let Some(attrs) = m.get("attributes").and_then(Value::as_object) {
        for (target, a) in attrs {
            if let Some(obj) = a.as_object() {
                attribute(
                    obj,
                    &push_segment(&format!("{mp}/attributes"), target),
                    target,
                    cx,
                );
            }
        }
    }
    if let Some(filters) = m.get("scopingFilters").and_then(Value::as_array) {
        for (i, f) in filters.iter().enumerate() {
            let Some(clauses) = f.get("clauses").and_then(Value::as_array) else {
                continue;
            };
            for (j, c) in clauses.iter().enumerate() {
                if let Some(obj) = c.as_object() {
                    clause(obj, &format!("{mp}/scopingFilters/{i}/clauses/{j}"), cx);
                }
            }
        }
    }
}

fn app_template(app: &Map<String, Value>, cx: &mut LintCx<'_>) {
    let n = ["gallery", "templateId"]
        .iter()
        .filter(|k| app.contains_key(**k))
        .count();
    // A misspelt `galery:` is reported once, as an unknown key with "did you mean".
    let misspelt = app.keys().any(|k| {
        !matches!(k.as_str(), "gallery" | "templateId")
            && did_you_mean(k, ["gallery", "templateId"]).is_some()
    });
    if n == 1 || (n == 0 && misspelt) {
        return;
    }
    let (msg, label) = if n == 0 {
        (
            "`app` needs `gallery` or `templateId`",
            "neither `gallery` nor `templateId`",
        )
    } else {
        ("`app` has both `gallery` and `templateId`", "both given")
    };
    let d = cx
        .diag("E0111", "/app", true, msg, label)
        .help("give exactly one: `gallery: <display name>` or `templateId: <guid>`");
    cx.push(d);
}

fn principal(obj: &Map<String, Value>, ptr: &str, cx: &mut LintCx<'_>) {
    let n = ["group", "user"]
        .iter()
        .filter(|k| obj.contains_key(**k))
        .count();
    if n == 1 {
        return;
    }
    let msg = if n == 0 {
        "assignment needs a `group` or a `user`"
    } else {
        "assignment has both `group` and `user`"
    };
    let d = cx.diag("E0112", ptr, false, msg, "this assignment").help(
        "give exactly one of `group: <name>` and `user: <upn>`, one assignment per list item",
    );
    cx.push(d);
}

fn attribute(obj: &Map<String, Value>, ptr: &str, target: &str, cx: &mut LintCx<'_>) {
    let kinds: Vec<&str> = ["source", "constant", "expression"]
        .into_iter()
        .filter(|k| obj.contains_key(*k))
        .collect();
    if kinds.len() != 1 {
        let msg = if kinds.is_empty() {
            format!("attribute `{target}` has no `source`, `constant` or `expression`")
        } else {
            format!("attribute `{target}` has {}", join_ticks(&kinds))
        };
        let d = cx
            .diag("E0101", ptr, true, msg, "here")
            .help("give exactly one of `source`, `constant` and `expression`");
        cx.push(d);
    }
    if obj.contains_key("default") && kinds == ["constant"] {
        let d = cx
            .diag(
                "E0102",
                &format!("{ptr}/default"),
                true,
                format!("`default` has no effect with `constant` (attribute `{target}`)"),
                "not allowed with `constant`",
            )
            .help("`default` applies when a `source` or `expression` is null; remove it or use a `source`");
        cx.push(d);
    }
    if let Some(p) = obj.get("matchingPriority").and_then(Value::as_i64)
        && p < 1
    {
        let d = cx
            .diag(
                "E0103",
                &format!("{ptr}/matchingPriority"),
                false,
                format!("matchingPriority of `{target}` must be 1 or more, not {p}"),
                "must be ≥ 1",
            )
            .help("1 is tried first; leave `matchingPriority` out for a non-matching attribute");
        cx.push_claim(d);
    }
}

fn join_ticks(keys: &[&str]) -> String {
    let ticked: Vec<String> = keys.iter().map(|k| format!("`{k}`")).collect();
    match ticked.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => ticked.join(""),
    }
}

fn clause(obj: &Map<String, Value>, ptr: &str, cx: &mut LintCx<'_>) {
    let Some(op) = obj
        .get("operator")
        .and_then(Value::as_str)
        .and_then(Operator::from_manifest_name)
    else {
        return;
    };
    let has_value = obj.contains_key("value");
    if op.is_unary() && has_value {
        let d = cx
            .diag(
                "E0105",
                &format!("{ptr}/value"),
                true,
                format!("`{op}` takes no `value`"),
                "remove this",
            )
            .help(format!("`{op}` is unary: it tests the attribute alone"));
        cx.push(d);
    } else if !op.is_unary() && !has_value {
        let d = cx
            .diag(
                "E0106",
                &format!("{ptr}/operator"),
                false,
                format!("`{op}` needs a `value`"),
                "binary operator without a value",
            )
            .help(format!("add `value: …` to compare the attribute with, e.g. `{{ attribute: department, operator: {op}, value: Sales }}`"));
        cx.push(d);
    }
    if let Some(v) = obj.get("value") {
        clause_value(op, v, ptr, cx);
    }
}

/// The value kind the documentation asks for: integers for `greaterThan…` (E0536), strings
/// for the string tests; a number or Boolean given to `containedIn` / `notContainedIn`
/// (Graph `&` / `!&`) is warned about, as it reads like a bitwise AND, which it is not (W0537).
fn clause_value(op: Operator, v: &Value, ptr: &str, cx: &mut LintCx<'_>) {
    let vptr = format!("{ptr}/value");
    match op.value_kind() {
        Some("integer") => {
            let integer = v.is_i64() || v.as_str().is_some_and(|s| s.trim().parse::<i64>().is_ok());
            if !integer {
                let d = cx
                    .diag("E0536", &vptr, false, format!("`{op}` compares integers"), "not an integer")
                    .help("the scoping-filter docs say the value and the attribute must both be integers [0,1,2,...]");
                cx.push_claim(d);
            }
        }
        Some("string")
            if matches!(op, Operator::ContainedIn | Operator::NotContainedIn) && !v.is_string() =>
        {
            let d = cx
                .diag("W0537", &vptr, false, format!("`{op}` (Graph `{}`) is a string test, not a bitwise AND", op.graph_name()), "a number here")
                .help("it is true when the attribute's value exists in this string, e.g. `value: \"Sales,Marketing\"`; quote the value to keep this meaning");
            cx.push(d);
        }
        _ => {}
    }
}

fn secret(token: &Value, ptr: &str, cx: &mut LintCx<'_>) {
    if let Some(name) = token.get("fromEnv").and_then(Value::as_str) {
        env_name(name, &format!("{ptr}/fromEnv"), cx);
        return;
    }
    if token.is_object() {
        return;
    }
    // Never echo the value: it may be a real token. The whole value is the span, and it is
    // masked in source excerpts.
    let full = cx.spans.get(ptr).map(|s| s.value.clone());
    let mut d = cx
        .diag(
            "E0108",
            ptr,
            false,
            "the secret token is written literally in the manifest",
            "literal secret (value not shown)",
        )
        .help("reference it instead: `secretToken: { fromEnv: KEEPER_SCIM_TOKEN }` or `{ fromFile: path }`, and rotate this token if the file was shared");
    if let Some(full) = full {
        cx.sensitive.push(full.clone());
        d = d.at(full, "literal secret (value not shown)");
    }
    cx.push_claim(d);
}

/// `fromEnv` must name a variable. Anything else may be the token pasted in the wrong
/// place: it is neither echoed nor shown.
fn env_name(name: &str, ptr: &str, cx: &mut LintCx<'_>) {
    let mut chars = name.chars();
    let ok = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
    if ok {
        return;
    }
    if let Some(s) = cx.spans.get(ptr) {
        cx.sensitive.push(s.value.clone());
    }
    let d = cx
        .diag(
            "E0054",
            ptr,
            false,
            "`fromEnv` must be the name of an environment variable",
            "not a variable name (value not shown)",
        )
        .help("use letters, digits and `_`, e.g. `fromEnv: KEEPER_SCIM_TOKEN`; if this was the token itself, move it to that variable and rotate it");
    cx.push_claim(d);
}

fn accidental_deletions(ad: &Map<String, Value>, cx: &mut LintCx<'_>) {
    if ad.get("enabled") == Some(&Value::Bool(false)) && ad.contains_key("threshold") {
        let d = cx
            .diag(
                "E0116",
                "/provisioning/accidentalDeletions/threshold",
                true,
                "`threshold` is set but accidental-deletion prevention is `enabled: false`",
                "has no effect",
            )
            .help("remove `threshold`, or remove `enabled: false` to turn prevention on");
        cx.push(d);
    }
}
