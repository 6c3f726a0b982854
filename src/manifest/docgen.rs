//! `docs/manifest.md`: the field reference, generated from the JSON Schema so it never
//! drifts from the types. `tests/validate.rs` fails when the committed file is stale;
//! regenerate with `UPDATE_SCHEMA=1 cargo test --test validate`.

use std::fmt::Write as _;

use serde_json::{Map, Value};

use super::expr::FUNCTIONS;
use super::operator::Operator;

/// Renders the reference from a schema (normally [`super::schema::generate`]).
pub fn manifest_reference(schema: &Value) -> String {
    let mut out = String::new();
    out.push_str("# Manifest reference (`apiVersion: entraprov/v1`)\n\n");
    out.push_str(
        "<!-- Generated from schemas/entraprov.schema.json by \
         `UPDATE_SCHEMA=1 cargo test --test validate`. Do not edit by hand. -->\n\n",
    );
    out.push_str(
        "A manifest is one YAML file describing one enterprise app. Editors that use \
         yaml-language-server validate and complete it with the modeline \
         `# yaml-language-server: $schema=<path>/schemas/entraprov.schema.json`. \
         `entraprov validate` checks the same schema plus the lints listed in \
         [diagnostics.md](diagnostics.md). A field that is absent is not managed: \
         plan and apply leave the live value alone.\n\n",
    );
    section(&mut out, "Manifest (top level)", schema);
    let empty = Map::new();
    let defs = schema
        .get("definitions")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    for (name, def) in defs {
        section(&mut out, name, def);
    }
    operators(&mut out);
    functions(&mut out);
    out
}

fn anchor(name: &str) -> String {
    name.to_lowercase()
}

fn one_line(s: &str) -> String {
    s.replace("\n\n", " ")
        .replace('\n', " ")
        .replace('|', "\\|")
}

fn ref_name(v: &Value) -> Option<&str> {
    let r = v
        .get("$ref")
        .or_else(|| v.get("allOf")?.get(0)?.get("$ref"))?;
    r.as_str()?.rsplit('/').next()
}

fn type_of(v: &Value) -> String {
    if let Some(name) = ref_name(v) {
        return format!("[{name}](#{})", anchor(name));
    }
    if let Some(alts) = v
        .get("anyOf")
        .or_else(|| v.get("oneOf"))
        .and_then(Value::as_array)
    {
        return alts.iter().map(type_of).collect::<Vec<_>>().join(" or ");
    }
    if let Some(c) = v.get("const") {
        return format!("`{c}`");
    }
    match v.get("type").and_then(Value::as_str) {
        Some("array") => format!("list of {}", v.get("items").map_or("any".into(), type_of)),
        Some("object") => match v.get("additionalProperties") {
            Some(ap @ Value::Object(_)) => format!("map of {}", type_of(ap)),
            _ => "mapping".into(),
        },
        Some(t) => t.to_string(),
        None => "any".into(),
    }
}

fn constraints(v: &Value) -> String {
    let mut c = Vec::new();
    for (key, label) in [
        ("pattern", "pattern"),
        ("minimum", "minimum"),
        ("minLength", "min length"),
        ("maxLength", "max length"),
        ("minItems", "min items"),
        ("format", "format"),
    ] {
        if let Some(x) = v.get(key) {
            let x = x.as_str().map_or(x.to_string(), String::from);
            c.push(format!("{label} `{x}`"));
        }
    }
    if v.get("uniqueItems") == Some(&Value::Bool(true)) {
        c.push("unique items".into());
    }
    c.join(", ")
}

fn section(out: &mut String, name: &str, def: &Value) {
    let _ = writeln!(out, "## {name}\n");
    if let Some(d) = def.get("description").and_then(Value::as_str) {
        let _ = writeln!(out, "{}\n", one_line(d));
    }
    if let Some(props) = def.get("properties").and_then(Value::as_object) {
        properties_table(out, def, props);
    } else if let Some(alts) = def
        .get("oneOf")
        .or_else(|| def.get("anyOf"))
        .and_then(Value::as_array)
    {
        out.push_str("| Value | Description |\n|---|---|\n");
        for a in alts {
            let d = a.get("description").and_then(Value::as_str).map(one_line);
            let v = match a.get("const") {
                Some(c) => format!("`{}`", c.as_str().map_or(c.to_string(), String::from)),
                None => type_of(a),
            };
            let _ = writeln!(out, "| {v} | {} |", d.unwrap_or_default());
        }
        out.push('\n');
    } else {
        let c = constraints(def);
        let c = if c.is_empty() { c } else { format!(" ({c})") };
        let _ = writeln!(out, "Type: {}{c}\n", type_of(def));
    }
}

fn properties_table(out: &mut String, def: &Value, props: &Map<String, Value>) {
    let required: Vec<&str> = def
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    out.push_str("| Field | Type | Required | Default | Description |\n");
    out.push_str("|---|---|---|---|---|\n");
    for (field, p) in props {
        let req = if required.contains(&field.as_str()) {
            "yes"
        } else {
            "no"
        };
        let default = p.get("default").map_or(String::new(), |d| format!("`{d}`"));
        let mut desc = p
            .get("description")
            .and_then(Value::as_str)
            .map(one_line)
            .unwrap_or_default();
        let c = constraints(p);
        if !c.is_empty() {
            let _ = write!(desc, " ({c})");
        }
        if let Some(ex) = p.get("examples").and_then(|e| e.get(0)) {
            let _ = write!(desc, " Example: `{}`.", one_line(&ex.to_string()));
        }
        let ty = type_of(p);
        let _ = writeln!(out, "| `{field}` | {ty} | {req} | {default} | {desc} |");
    }
    out.push('\n');
}

fn operators(out: &mut String) {
    out.push_str("## Scoping-filter operators and Graph names\n\n");
    out.push_str("| Manifest | Graph `operatorName` | `value` |\n|---|---|---|\n");
    for op in Operator::ALL {
        let v = match (op.is_unary(), op.value_kind()) {
            (true, _) => "none",
            (false, Some(kind)) => kind,
            (false, None) => "yes",
        };
        let _ = writeln!(
            out,
            "| `{}` | `{}` | {v} |",
            op.manifest_name(),
            op.graph_name()
        );
    }
    out.push('\n');
}

fn functions(out: &mut String) {
    out.push_str("## Expression functions known offline\n\n");
    out.push_str(
        "Names are case-sensitive. Attributes go in `[brackets]`, strings in double quotes \
         (`\\\"` escapes a quote), arguments may be empty (`Switch([IsSoftDeleted], , \"False\", \
         \"True\", \"True\", \"False\")`).\n\n",
    );
    let names: Vec<String> = FUNCTIONS.iter().map(|f| format!("`{f}`")).collect();
    let _ = writeln!(out, "{}", names.join(", "));
}
