//! Message texts for schema errors: field paths in manifest terms, type names, and the
//! messages and help lines of pattern and constraint errors.

use jsonschema::ValidationError;
use jsonschema::error::{TypeKind, ValidationErrorKind};
use serde_json::Value;

use super::diag::Diagnostic;
use super::guid::GUID_PATTERN;
use super::schema_errors::Ctx;
use super::span::last_segment;

/// `provisioning.mappings.users.attributes.'name.givenName'` from a JSON pointer.
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
            out.push_str(&format!("'{}'", seg.replace('\'', "''")));
        }
    }
    if out.is_empty() {
        "the manifest".into()
    } else {
        format!("`{out}`")
    }
}

pub(crate) fn type_name(v: &Value) -> &'static str {
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

pub(crate) fn expected_types(kind: &TypeKind) -> String {
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

pub(crate) fn required_help(prop: &str) -> String {
    match prop {
        "apiVersion" => "add `apiVersion: entraprov/v1`".into(),
        "kind" => "add `kind: EnterpriseApp`".into(),
        "name" => "add a stable handle, e.g. `name: keeper-prod`".into(),
        "secretToken" => "add `secretToken: { fromEnv: KEEPER_SCIM_TOKEN }`".into(),
        _ => format!("add `{prop}: …`"),
    }
}

pub(crate) fn pattern_diag(ptr: &str, pattern: &str, instance: &Value, cx: &Ctx<'_>) -> Diagnostic {
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

pub(crate) fn constraint(e: &ValidationError<'_>, here: &str, cx: &Ctx<'_>) -> Diagnostic {
    let (msg, help) = match e.kind() {
        ValidationErrorKind::MinLength { limit: 1 } => (
            format!("{here} must not be empty"),
            "give a value, or remove the key".to_string(),
        ),
        ValidationErrorKind::MinLength { limit } => (
            format!("{here} must be at least {limit} characters long"),
            "give a longer value".to_string(),
        ),
        ValidationErrorKind::MaxLength { limit } => (
            format!("{here} must be at most {limit} characters long"),
            "shorten the value".to_string(),
        ),
        ValidationErrorKind::MinItems { limit } => (
            format!("{here} must have at least {limit} item(s)"),
            "add an item, or remove the key".to_string(),
        ),
        ValidationErrorKind::MaxItems { limit } => (
            format!("{here} must have at most {limit} item(s)"),
            "remove items".to_string(),
        ),
        ValidationErrorKind::UniqueItems => (
            format!("{here} lists the same item more than once"),
            "remove the repeated item".to_string(),
        ),
        ValidationErrorKind::Minimum { limit } => (
            format!("{here} must be at least {limit}"),
            format!("use a number ≥ {limit}"),
        ),
        ValidationErrorKind::Maximum { limit } => (
            format!("{here} must be at most {limit}"),
            format!("use a number ≤ {limit}"),
        ),
        ValidationErrorKind::Format { format } if format == "email" => (
            format!("{here} is not a valid email address"),
            "write one address, e.g. `it-alerts@contoso.com`".to_string(),
        ),
        ValidationErrorKind::Format { format } => (
            format!("{here} is not a valid {format}"),
            "see docs/manifest.md for the expected form".to_string(),
        ),
        other => (
            format!("{here} is not valid ({} constraint)", other.keyword()),
            "see docs/manifest.md for the allowed values".to_string(),
        ),
    };
    Diagnostic::new("E0055", msg).in_file(cx.file).help(help)
}

#[cfg(test)]
mod tests {
    use super::display_path;

    #[test]
    fn paths_read_like_the_manifest() {
        assert_eq!(display_path(""), "the manifest");
        assert_eq!(
            display_path("/assignments/principals/0/group"),
            "`assignments.principals[0].group`"
        );
        assert_eq!(
            display_path(r#"/provisioning/mappings/users/attributes/emails[type eq "work"].value"#),
            r#"`provisioning.mappings.users.attributes.'emails[type eq "work"].value'`"#
        );
        assert_eq!(display_path("/a~1b/it's"), "`'a/b'.'it''s'`");
    }
}
