//! JSON Schema errors → located diagnostics (codes E0050–E0059, and E0109 for `name`).
//!
//! Messages are our own, never jsonschema's `Display`, so that no value under
//! `secretToken` is ever echoed and every message names the field in manifest terms.

use std::sync::Arc;

use jsonschema::ValidationError;
use jsonschema::error::{TypeKind, ValidationErrorKind};
use serde_json::Value;

use super::diag::Diagnostic;
use super::guid::GUID_PATTERN;
use super::span::{ByteSpan, SourceFile, SpanMap, last_segment, parent, push_segment};
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
    if on_key {
        if let Some(k) = &s.key {
            return k.clone();
        }
    }
    let v = s.value.clone();
    let (line, _) = file.line_col(v.start);
    let line_end = file.lines.line_range(&file.text, line).end;
    v.start..v.end.min(line_end.max(v.start + 1))
}

/// `provisioning.mappings.users.attributes."name.givenName"` from a JSON pointer.
pub fn display_path(ptr: &str) -> String {
    let mut out = String::new();
    for seg in ptr.split('/').skip(1) {
        let seg = super::span::unescape_segment(seg);
        if seg.bytes().all(|b| b.is_ascii_digit()) && !seg.is_empty() {
            out.push_str(&format!("[{seg}]"));
            continue;
        }
        if !out.is_empty() {
            out.push('.');
        }
        if seg
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
        {
            out.push_str(&seg);
        } else {
            out.push_str(&format!("{seg:?}"));
        }
    }
    if out.is_empty() {
        "the manifest".into()
    } else {
        format!("`{out}`")
    }
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "an integer",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a mapping",
    }
}

fn expected_types(kind: &TypeKind) -> String {
    let name = |t: String| match t.as_str() {
        "object" => "a mapping".to_string(),
        "array" => "a list".to_string(),
        "integer" => "an integer".to_string(),
        other => format!("a {other}"),
    };
    match kind {
        TypeKind::Single(t) => name(t.to_string()),
        TypeKind::Multiple(set) => set
            .iter()
            .map(|t| name(t.to_string()))
            .collect::<Vec<_>>()
            .join(" or "),
    }
}

fn schema_node<'s>(cx: &Ctx<'s>, schema_path: &str) -> Option<&'s Value> {
    cx.schema.pointer(parent(schema_path))
}

fn convert(e: &ValidationError<'_>, cx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let ptr = e.instance_path().as_str().to_string();
    if is_claimed(cx, &ptr) {
        return;
    }
    let here = display_path(&ptr);
    let d = |code: &'static str, msg: String| Diagnostic::new(code, msg).in_file(cx.file);
    let value_at = || locate(cx.file, cx.spans, &ptr, false);
    let diag = match e.kind() {
        ValidationErrorKind::AdditionalProperties { unexpected } => {
            let allowed: Vec<String> = schema_node(cx, e.schema_path().as_str())
                .and_then(|n| n.get("properties"))
                .and_then(Value::as_object)
                .map(|m| m.keys().cloned().collect())
                .unwrap_or_default();
            for key in unexpected {
                let kp = push_segment(&ptr, key);
                if is_claimed(cx, &kp) {
                    continue;
                }
                let help = match did_you_mean(key, allowed.iter().map(String::as_str)) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => format!("allowed keys here: {}", allowed.join(", ")),
                };
                out.push(
                    d("E0050", format!("unknown key `{key}` in {here}"))
                        .at(locate(cx.file, cx.spans, &kp, true), "unknown key")
                        .help(help)
                        .pointer(kp),
                );
            }
            return;
        }
        ValidationErrorKind::Required { property } => {
            let prop = property.as_str().unwrap_or("?");
            d("E0051", format!("missing required key `{prop}` in {here}"))
                .at(
                    locate(cx.file, cx.spans, &ptr, true),
                    format!("`{prop}` is missing"),
                )
                .help(required_help(prop))
        }
        ValidationErrorKind::Type { kind } => {
            let found = type_name(e.instance());
            let mut diag = d(
                "E0052",
                format!("{here} must be {}, not {found}", expected_types(kind)),
            )
            .at(value_at(), format!("{found} here"));
            if matches!(kind, TypeKind::Single(t) if t.to_string() == "boolean")
                && e.instance().is_string()
            {
                diag = diag.help("YAML 1.2: only `true` and `false` are booleans; `yes`, `no`, `on` and `off` are strings");
            } else if matches!(kind, TypeKind::Single(t) if t.to_string() == "string") {
                diag = diag.help("quote the value to make it a string");
            }
            diag
        }
        ValidationErrorKind::OneOfNotValid { context } | ValidationErrorKind::AnyOf { context } => {
            return alternatives(e, context, cx, out);
        }
        ValidationErrorKind::Enum { options } => {
            let allowed: Vec<String> = options
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|v| v.as_str().map(String::from))
                        .collect()
                })
                .unwrap_or_default();
            bad_value(e.instance(), &allowed, &here, cx).at(value_at(), "not allowed")
        }
        ValidationErrorKind::Constant { expected_value } => {
            let allowed: Vec<String> = expected_value
                .as_str()
                .map(String::from)
                .into_iter()
                .collect();
            bad_value(e.instance(), &allowed, &here, cx).at(value_at(), "not allowed")
        }
        ValidationErrorKind::Pattern { pattern } => {
            pattern_diag(&ptr, pattern, e.instance(), cx).at(value_at(), "does not match")
        }
        _ => constraint(e, &here, cx).at(value_at(), "here"),
    };
    out.push(diag.pointer(ptr));
}

fn required_help(prop: &str) -> String {
    match prop {
        "apiVersion" => "add `apiVersion: entraprov/v1`".into(),
        "kind" => "add `kind: EnterpriseApp`".into(),
        "name" => "add a stable handle, e.g. `name: keeper-prod`".into(),
        "secretToken" => "add `secretToken: { fromEnv: KEEPER_SCIM_TOKEN }`".into(),
        _ => format!("add `{prop}: …`"),
    }
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

fn pattern_diag(ptr: &str, pattern: &str, instance: &Value, cx: &Ctx<'_>) -> Diagnostic {
    let shown = instance.as_str().unwrap_or_default();
    let here = display_path(ptr);
    let (code, msg, help) = if ptr == "/name" {
        (
            "E0109",
            format!("`{shown}` is not a valid manifest name"),
            "use 1 to 63 lower-case letters, digits and `-`, e.g. `keeper-prod`".to_string(),
        )
    } else if pattern == GUID_PATTERN {
        (
            "E0054",
            format!("{here} must be a GUID"),
            "write an object id like `72f988bf-86f1-41af-91ab-2d7cd011db47`".into(),
        )
    } else if last_segment(ptr).as_deref() == Some("fromEnv") {
        (
            "E0054",
            format!("`{shown}` is not an environment variable name"),
            "use letters, digits and `_`, not starting with a digit, e.g. `KEEPER_SCIM_TOKEN`"
                .into(),
        )
    } else {
        (
            "E0054",
            format!("{here} does not match the pattern `{pattern}`"),
            String::new(),
        )
    };
    let d = Diagnostic::new(code, msg).in_file(cx.file);
    if help.is_empty() { d } else { d.help(help) }
}

fn constraint(e: &ValidationError<'_>, here: &str, cx: &Ctx<'_>) -> Diagnostic {
    let msg = match e.kind() {
        ValidationErrorKind::MinLength { limit: 1 } => format!("{here} must not be empty"),
        ValidationErrorKind::MinLength { limit } => {
            format!("{here} must be at least {limit} characters long")
        }
        ValidationErrorKind::MaxLength { limit } => {
            format!("{here} must be at most {limit} characters long")
        }
        ValidationErrorKind::MinItems { limit } => {
            format!("{here} must have at least {limit} item(s)")
        }
        ValidationErrorKind::MaxItems { limit } => {
            format!("{here} must have at most {limit} item(s)")
        }
        ValidationErrorKind::UniqueItems => format!("{here} lists the same item more than once"),
        ValidationErrorKind::Minimum { limit } => format!("{here} must be at least {limit}"),
        ValidationErrorKind::Maximum { limit } => format!("{here} must be at most {limit}"),
        ValidationErrorKind::Format { format } if format == "email" => {
            format!("{here} is not a valid email address")
        }
        ValidationErrorKind::Format { format } => format!("{here} is not a valid {format}"),
        other => format!("{here} is not valid ({} constraint)", other.keyword()),
    };
    Diagnostic::new("E0055", msg).in_file(cx.file)
}

/// `oneOf`/`anyOf` failed. Enum-like alternatives (every branch a `const`) become "not a
/// valid value"; otherwise, if exactly one branch has the right type, its errors are
/// reported (they are the precise ones); otherwise a generic message.
fn alternatives(
    e: &ValidationError<'_>,
    context: &[Vec<ValidationError<'static>>],
    cx: &Ctx<'_>,
    out: &mut Vec<Diagnostic>,
) {
    let ptr = e.instance_path().as_str().to_string();
    let here = display_path(&ptr);
    let node = cx.schema.pointer(e.schema_path().as_str());
    let consts: Vec<String> = node
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|b| b.get("const")?.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default();
    let at = locate(cx.file, cx.spans, &ptr, false);
    if !consts.is_empty() && consts.len() == node.and_then(Value::as_array).map_or(0, Vec::len) {
        out.push(
            bad_value(e.instance(), &consts, &here, cx)
                .at(at, "not allowed")
                .pointer(ptr),
        );
        return;
    }
    // A branch whose errors are all strictly inside the value has the right shape.
    let inside = |errs: &&Vec<ValidationError<'static>>| {
        !errs.is_empty()
            && errs.iter().all(|x| {
                let p = x.instance_path().as_str();
                p.len() > ptr.len() && p.starts_with(ptr.as_str())
            })
    };
    let shaped: Vec<&Vec<ValidationError<'static>>> = context.iter().filter(inside).collect();
    if shaped.len() == 1 {
        for sub in shaped[0] {
            convert(sub, cx, out);
        }
        return;
    }
    let typed: Vec<&Vec<ValidationError<'static>>> = context
        .iter()
        .filter(|errs| {
            !errs.iter().any(|x| {
                x.instance_path().as_str() == ptr
                    && matches!(x.kind(), ValidationErrorKind::Type { .. })
            })
        })
        .collect();
    if ptr.ends_with("/secretToken") || typed.len() != 1 {
        let (msg, help) = if ptr.ends_with("/secretToken") {
            (
                format!("{here} must be exactly one of `{{ fromEnv: VAR }}` or `{{ fromFile: path }}`"),
                "secrets are given by reference only, e.g. `secretToken: { fromEnv: KEEPER_SCIM_TOKEN }`".to_string(),
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
        out.push(
            Diagnostic::new("E0052", msg)
                .in_file(cx.file)
                .at(at, "not valid here")
                .help(help)
                .pointer(ptr),
        );
        return;
    }
    for sub in typed[0] {
        convert(sub, cx, out);
    }
}
