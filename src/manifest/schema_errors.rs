//! JSON Schema errors → located diagnostics (codes E0050–E0059, and E0109 for `name`).
//!
//! Messages are our own, never jsonschema's `Display`, so that no value under
//! `secretToken` is ever echoed and every message names the field in manifest terms.

use std::sync::Arc;

use jsonschema::ValidationError;
use jsonschema::error::{TypeKind, ValidationErrorKind};
use serde_json::Value;

use super::diag::Diagnostic;
use super::schema_text::{
    constraint, display_path, expected_types, pattern_diag, required_help, type_name,
};
use super::span::{ByteSpan, SourceFile, SpanMap, parent, push_segment};
use super::suggest::did_you_mean;

/// Where schema diagnostics are located.
pub(crate) struct Ctx<'a> {
    pub file: &'a Arc<SourceFile>,
    pub spans: &'a SpanMap,
    pub schema: &'a Value,
    pub claimed: &'a [String],
}

/// Validates `value` against the committed schema and returns every error as a diagnostic.
pub(crate) fn check(value: &Value, cx: &Ctx<'_>) -> Vec<Diagnostic> {
    let Some(validator) = super::schema::validator() else {
        return vec![Diagnostic::new(
            "E0059",
            "internal error: the built-in JSON Schema is invalid",
        )];
    };
    let mut out = Vec::new();
    for e in validator.iter_errors(value) {
        convert(&e, cx, &mut out);
    }
    out
}

fn is_claimed(cx: &Ctx<'_>, ptr: &str) -> bool {
    cx.claimed
        .iter()
        .any(|c| ptr == c || (ptr.starts_with(c.as_str()) && ptr[c.len()..].starts_with('/')))
}

/// A label span for `ptr`: the key when `on_key` and there is one, else the value (the
/// first line only, for a block collection).
pub(crate) fn locate(file: &SourceFile, spans: &SpanMap, ptr: &str, on_key: bool) -> ByteSpan {
    let Some(s) = spans.nearest(ptr) else {
        return 0..0;
    };
    if on_key && let Some(k) = &s.key {
        return k.clone();
    }
    let v = s.value.clone();
    let (line, _) = file.line_col(v.start);
    let line_end = file.lines.line_range(&file.text, line).end;
    v.start..v.end.min(line_end.max(v.start + 1))
}

fn schema_node<'s>(cx: &Ctx<'s>, schema_path: &str) -> Option<&'s Value> {
    cx.schema.pointer(parent(schema_path))
}

/// The "exactly one of" constraints of [`super::schema::exactly_one_of`] (an `anyOf` of
/// `required` alone, or the `then` of its `if`): the structural lints report these (E0101,
/// E0111) in their own words.
fn is_exactly_one(e: &ValidationError<'_>) -> bool {
    match e.kind() {
        ValidationErrorKind::AnyOf { context } => context.iter().all(|branch| {
            !branch.is_empty()
                && branch
                    .iter()
                    .all(|x| matches!(x.kind(), ValidationErrorKind::Required { .. }))
        }),
        ValidationErrorKind::Required { .. } => {
            e.schema_path().as_str().ends_with("/then/required")
        }
        _ => false,
    }
}

fn convert(e: &ValidationError<'_>, cx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let ptr = e.instance_path().as_str().to_string();
    if is_claimed(cx, &ptr) || is_exactly_one(e) {
        return;
    }
    let here = display_path(&ptr);
    let value_at = || locate(cx.file, cx.spans, &ptr, false);
    let strings = |v: &Value| -> Vec<String> {
        match v {
            Value::Array(a) => a
                .iter()
                .filter_map(|x| x.as_str().map(String::from))
                .collect(),
            other => other.as_str().map(String::from).into_iter().collect(),
        }
    };
    let diag = match e.kind() {
        ValidationErrorKind::AdditionalProperties { unexpected } => {
            return unknown_keys(e, unexpected, cx, out);
        }
        ValidationErrorKind::OneOfNotValid { context } | ValidationErrorKind::AnyOf { context } => {
            return alternatives(e, context, cx, out);
        }
        ValidationErrorKind::Required { property } => {
            let prop = property.as_str().unwrap_or("?");
            Diagnostic::new("E0051", format!("missing required key `{prop}` in {here}"))
                .in_file(cx.file)
                .at(
                    locate(cx.file, cx.spans, &ptr, true),
                    format!("`{prop}` is missing"),
                )
                .help(required_help(prop))
        }
        ValidationErrorKind::Type { kind } => wrong_type(e.instance(), kind, &here, cx)
            .at(value_at(), format!("{} here", type_name(e.instance()))),
        ValidationErrorKind::Enum { options } => {
            bad_value(e.instance(), &strings(options), &here, cx).at(value_at(), "not allowed")
        }
        ValidationErrorKind::Constant { expected_value } => {
            bad_value(e.instance(), &strings(expected_value), &here, cx)
                .at(value_at(), "not allowed")
        }
        ValidationErrorKind::Pattern { pattern } => {
            pattern_diag(&ptr, pattern, e.instance(), cx).at(value_at(), "does not match")
        }
        _ => constraint(e, &here, cx).at(value_at(), "here"),
    };
    out.push(diag.pointer(ptr));
}

/// `additionalProperties`: one diagnostic per unknown key, on the key, with "did you mean".
fn unknown_keys(
    e: &ValidationError<'_>,
    unexpected: &[String],
    cx: &Ctx<'_>,
    out: &mut Vec<Diagnostic>,
) {
    let ptr = e.instance_path().as_str();
    let here = display_path(ptr);
    let allowed: Vec<String> = schema_node(cx, e.schema_path().as_str())
        .and_then(|n| n.get("properties"))
        .and_then(Value::as_object)
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default();
    for key in unexpected {
        let kp = push_segment(ptr, key);
        if is_claimed(cx, &kp) {
            continue;
        }
        let help = match did_you_mean(key, allowed.iter().map(String::as_str)) {
            Some(s) => format!("did you mean `{s}`?"),
            None => format!("allowed keys here: {}", allowed.join(", ")),
        };
        out.push(
            Diagnostic::new("E0050", format!("unknown key `{key}` in {here}"))
                .in_file(cx.file)
                .at(locate(cx.file, cx.spans, &kp, true), "unknown key")
                .help(help)
                .pointer(kp),
        );
    }
}

fn wrong_type(instance: &Value, kind: &TypeKind, here: &str, cx: &Ctx<'_>) -> Diagnostic {
    let expected = expected_types(kind);
    let single = |name: &str| matches!(kind, TypeKind::Single(t) if t.to_string() == name);
    let help = if single("boolean") && instance.is_string() {
        "YAML 1.2: only `true` and `false` are booleans; `yes`, `no`, `on` and `off` are strings"
            .to_string()
    } else if single("string") {
        "quote the value to make it a string".to_string()
    } else if instance.is_null() {
        "a key with nothing after it is null: fill in its value, or remove the key".to_string()
    } else {
        format!("write {expected} here (see docs/manifest.md)")
    };
    let found = type_name(instance);
    Diagnostic::new("E0052", format!("{here} must be {expected}, not {found}"))
        .in_file(cx.file)
        .help(help)
}

fn bad_value(instance: &Value, allowed: &[String], here: &str, cx: &Ctx<'_>) -> Diagnostic {
    let shown = match instance {
        Value::String(s) => format!("`{s}`"),
        other => format!("{} value", type_name(other)),
    };
    let help = match instance
        .as_str()
        .and_then(|s| did_you_mean(s, allowed.iter().map(String::as_str)))
    {
        Some(s) => format!("did you mean `{s}`?"),
        None => format!("expected one of: {}", allowed.join(", ")),
    };
    Diagnostic::new("E0053", format!("{shown} is not a valid value for {here}"))
        .in_file(cx.file)
        .help(help)
}

/// `oneOf`/`anyOf` failed. Enum-like alternatives (every branch a `const`) become "not a
/// valid value"; otherwise, if exactly one branch has the right shape (its errors are all
/// inside the value) or the right type, its errors are reported, being the precise ones;
/// otherwise a generic message.
fn alternatives(
    e: &ValidationError<'_>,
    context: &[Vec<ValidationError<'static>>],
    cx: &Ctx<'_>,
    out: &mut Vec<Diagnostic>,
) {
    let ptr = e.instance_path().as_str().to_string();
    let branches = cx
        .schema
        .pointer(e.schema_path().as_str())
        .and_then(Value::as_array);
    let consts: Vec<String> = branches
        .into_iter()
        .flatten()
        .filter_map(|b| b.get("const")?.as_str().map(String::from))
        .collect();
    let at = locate(cx.file, cx.spans, &ptr, false);
    if !consts.is_empty() && consts.len() == branches.map_or(0, Vec::len) {
        let d = bad_value(e.instance(), &consts, &display_path(&ptr), cx);
        out.push(d.at(at, "not allowed").pointer(ptr));
        return;
    }
    let inside = |errs: &&Vec<ValidationError<'static>>| {
        !errs.is_empty()
            && errs.iter().all(|x| {
                let p = x.instance_path().as_str();
                p.len() > ptr.len() && p.starts_with(ptr.as_str())
            })
    };
    let typed = |errs: &&Vec<ValidationError<'static>>| {
        !errs.iter().any(|x| {
            x.instance_path().as_str() == ptr
                && matches!(x.kind(), ValidationErrorKind::Type { .. })
        })
    };
    let shaped: Vec<_> = context.iter().filter(inside).collect();
    let of_type: Vec<_> = context.iter().filter(typed).collect();
    let best = match (shaped.len(), of_type.len()) {
        (1, _) => Some(shaped[0]),
        (_, 1) if !ptr.ends_with("/secretToken") => Some(of_type[0]),
        _ => None,
    };
    match best {
        Some(errs) => errs.iter().for_each(|sub| convert(sub, cx, out)),
        None => out.push(no_alternative(e, cx).at(at, "not valid here").pointer(ptr)),
    }
}

fn no_alternative(e: &ValidationError<'_>, cx: &Ctx<'_>) -> Diagnostic {
    let ptr = e.instance_path().as_str();
    let here = display_path(ptr);
    let (msg, help) = if ptr.ends_with("/secretToken") {
        (
            format!("{here} must be exactly one of `{{ fromEnv: VAR }}` or `{{ fromFile: path }}`"),
            "secrets are given by reference only, e.g. `secretToken: { fromEnv: KEEPER_SCIM_TOKEN }`"
                .to_string(),
        )
    } else {
        let desc = cx
            .schema
            .pointer(parent(e.schema_path().as_str()))
            .and_then(|n| n.get("description"))
            .and_then(Value::as_str)
            .unwrap_or("see the manifest reference (docs/manifest.md)");
        (
            format!("{here} is not valid ({})", type_name(e.instance())),
            desc.replace('\n', " "),
        )
    };
    Diagnostic::new("E0052", msg).in_file(cx.file).help(help)
}
