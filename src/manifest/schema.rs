//! The manifest JSON Schema: generated from the Rust types (draft-07, for editors), committed
//! as `schemas/entraprov.schema.json`, and used as is by the CLI to validate manifests.
//!
//! The committed file and [`generate`] must be identical; `tests/validate.rs` fails when they
//! differ. Regenerate with `UPDATE_SCHEMA=1 cargo test --test validate` (which also rewrites
//! `docs/manifest.md`).

use std::sync::OnceLock;

use schemars::generate::SchemaSettings;
use schemars::transform::{Transform, transform_subschemas};
use serde_json::{Value, json};

use super::types::Manifest;

/// `$id` of the schema.
pub const SCHEMA_ID: &str =
    "https://github.com/entraprov/entraprov/raw/main/schemas/entraprov.schema.json";

/// The committed schema text (`schemas/entraprov.schema.json`): what `entraprov schema` prints
/// and what `validate` checks against.
pub const SCHEMA_JSON: &str = include_str!("../../schemas/entraprov.schema.json");

/// Generates the schema from the Rust types.
pub fn generate() -> Value {
    let generator = SchemaSettings::draft07()
        .with_transform(NoNull)
        .with_transform(MarkdownDescriptions)
        .into_generator();
    let schema = generator.into_root_schema_for::<Manifest>();
    let mut value = schema.to_value();
    if let Some(Value::Object(defs)) = value.get_mut("definitions") {
        for (name, def) in defs.iter_mut() {
            if let Value::Object(d) = def {
                d.entry("title").or_insert_with(|| json!(title_of(name)));
            }
        }
    }
    if let Value::Object(map) = &mut value {
        let mut out = serde_json::Map::new();
        for key in ["$schema", "$id", "title"] {
            match key {
                "$id" => out.insert(key.into(), json!(SCHEMA_ID)),
                _ => out.insert(key.into(), map.remove(key).unwrap_or(Value::Null)),
            };
        }
        out.insert("defaultSnippets".into(), new_manifest_snippet());
        out.append(map);
        return Value::Object(out);
    }
    value
}

/// The generated schema as pretty JSON with a trailing newline (the committed file's form).
pub fn generate_text() -> String {
    let mut s = serde_json::to_string_pretty(&generate()).unwrap_or_default();
    s.push('\n');
    s
}

/// The committed schema, parsed once.
pub fn schema_value() -> &'static Value {
    static SCHEMA: OnceLock<Value> = OnceLock::new();
    SCHEMA.get_or_init(|| serde_json::from_str(SCHEMA_JSON).unwrap_or(Value::Bool(true)))
}

/// The validator for the committed schema, built once. `None` only if the committed schema
/// is broken, which the test suite rules out.
pub fn validator() -> Option<&'static jsonschema::Validator> {
    static VALIDATOR: OnceLock<Option<jsonschema::Validator>> = OnceLock::new();
    VALIDATOR
        .get_or_init(|| jsonschema::draft7::new(schema_value()).ok())
        .as_ref()
}

/// Makes an object schema say "exactly one of `keys`" in a way editors report on the object's
/// key, with a readable message (yaml-language-server places a missing `required` property on
/// the parent key and shows a subschema's `errorMessage` instead of its own text):
/// - none given: `anyOf` with one `required` per key;
/// - two or more given: `if` any two are present, `then` a property is required that cannot
///   exist (`additionalProperties` is `false`): a `then: false` that carries a message.
///
/// `validate` reports both cases itself (E0101, E0111) and drops these two schema errors
/// (`schema_errors::is_exactly_one`), so its messages stay its own.
pub(crate) fn exactly_one_of(
    schema: &mut schemars::Schema,
    keys: &[&str],
    none: &str,
    several: &str,
) {
    let any: Vec<Value> = keys
        .iter()
        .map(|k| json!({ "required": [k], "errorMessage": none }))
        .collect();
    let mut pairs = Vec::new();
    for (i, a) in keys.iter().enumerate() {
        for b in &keys[i + 1..] {
            pairs.push(json!({ "required": [a, b] }));
        }
    }
    let impossible = format!("{} (only one of them)", keys.join(" | "));
    schema.insert("anyOf".into(), Value::Array(any));
    schema.insert("if".into(), json!({ "anyOf": pairs }));
    schema.insert(
        "then".into(),
        json!({ "required": [impossible], "errorMessage": several }),
    );
}

/// `ObjectMapping` → `object mapping` (SchemaStore: lower-case noun phrases).
fn title_of(name: &str) -> String {
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_uppercase() && i > 0 {
            out.push(' ');
        }
        out.extend(c.to_lowercase());
    }
    out
}

fn new_manifest_snippet() -> Value {
    json!([{
        "label": "new entraprov manifest",
        "description": "An enterprise app with assignments and provisioning",
        "body": {
            "apiVersion": "entraprov/v1",
            "kind": "EnterpriseApp",
            "name": "${1:keeper-prod}",
            "app": {
                "displayName": "${2:Keeper (prod)}",
                "gallery": "${3:Keeper Password Manager & Digital Vault}"
            },
            "assignments": {
                "principals": [ { "group": "${4:Keeper Users}", "role": "${5:User}" } ]
            },
            "provisioning": {
                "enabled": true,
                "scope": "assigned",
                "credentials": {
                    "tenantUrl": "${6:https://keepersecurity.com/api/rest/scim/v2/1234567890}",
                    "secretToken": { "fromEnv": "${7:KEEPER_SCIM_TOKEN}" }
                }
            }
        }
    }])
}

/// Adds `markdownDescription` (rendered on hover by VS Code and yaml-language-server) next
/// to every `description`.
#[derive(Clone, Debug)]
struct MarkdownDescriptions;

impl Transform for MarkdownDescriptions {
    fn transform(&mut self, schema: &mut schemars::Schema) {
        transform_subschemas(self, schema);
        describe_variant_fields(schema);
        if let Some(Value::String(d)) = schema.get("description").cloned()
            && schema.get("markdownDescription").is_none()
        {
            schema.insert("markdownDescription".into(), Value::String(d));
        }
    }
}

/// Drops `null` from optional fields (`anyOf: [X, {type: null}]` → X, `type: [T, "null"]` →
/// T): an absent key means "not managed"; an explicit `null` is a mistake worth reporting.
#[derive(Clone, Debug)]
struct NoNull;

impl Transform for NoNull {
    fn transform(&mut self, schema: &mut schemars::Schema) {
        transform_subschemas(self, schema);
        let Some(obj) = schema.as_object_mut() else {
            return;
        };
        if let Some(Value::Array(types)) = obj.get_mut("type") {
            types.retain(|t| t != "null");
            if types.len() == 1 {
                let t = types.remove(0);
                obj.insert("type".into(), t);
            }
        }
        let is_null = |v: &Value| v.get("type") == Some(&json!("null"));
        let Some(Value::Array(any)) = obj.get("anyOf") else {
            return;
        };
        if any.len() != 2 || !any.iter().any(is_null) {
            return;
        }
        let Some(Value::Object(other)) = any.iter().find(|v| !is_null(v)).cloned() else {
            return;
        };
        obj.remove("anyOf");
        if other.contains_key("$ref") {
            obj.insert("allOf".into(), Value::Array(vec![Value::Object(other)]));
        } else {
            for (k, v) in other {
                obj.entry(k).or_insert(v);
            }
        }
    }
}

/// In `oneOf` branches that are single-key objects (`{ fromEnv: … }`), the key gets the
/// branch's description, so hovering the key explains it.
fn describe_variant_fields(schema: &mut schemars::Schema) {
    let Some(Value::Array(branches)) = schema.get_mut("oneOf") else {
        return;
    };
    for b in branches {
        let desc = b.get("description").cloned();
        let Some(Value::Object(props)) = b.get_mut("properties") else {
            continue;
        };
        if let (1, Some(d)) = (props.len(), desc) {
            for p in props.values_mut() {
                if let Value::Object(p) = p {
                    p.entry("description").or_insert(d.clone());
                    p.entry("markdownDescription").or_insert(d.clone());
                }
            }
        }
    }
}
