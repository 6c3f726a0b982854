//! Pure conversions between Graph's JSON shapes and the normalised model, for `observe`
//! (reading) and `apply` (writing). See reference/graph-api.md §4.5–§4.7 and §5.2.
//!
//! They work on `serde_json::Value` so that the model does not depend on the client's wire
//! types; unknown fields are ignored when reading and kept by the callers when writing.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::expr;
use super::model::{
    ApplyMode, AttributeMapping, FilterClause, MappingValue, ObjectMapping, ScopingFilter,
    parse_flow_types,
};

/// A Graph payload did not have the shape this tool expects.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, miette::Diagnostic)]
#[error("unexpected Graph payload at {path}: {message}")]
#[diagnostic(
    code(entraprov::graph::shape),
    help("this is likely a Graph change or a bug in entraprov; please report it with -vv output")
)]
pub struct ShapeError {
    /// JSON path of the offending value, e.g. `attributeMappings[3].source`.
    pub path: String,
    /// What was wrong.
    pub message: String,
}

fn shape(path: impl Into<String>, message: impl Into<String>) -> ShapeError {
    ShapeError {
        path: path.into(),
        message: message.into(),
    }
}

fn str_field<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str)
}

/// Renders an `attributeMappingSource` tree as an expression. `Function` nodes use their
/// `expression` string when the server provided one (it knows the positions of omitted
/// optional arguments); otherwise parameters are rendered in order.
pub fn source_to_expression(source: &Value, path: &str) -> Result<String, ShapeError> {
    let kind = str_field(source, "type").ok_or_else(|| shape(path, "missing `type`"))?;
    let name = str_field(source, "name").unwrap_or_default();
    match kind {
        "Attribute" => Ok(format!("[{name}]")),
        "Constant" => Ok(expr::quote(name)),
        "Function" => {
            if let Some(e) = str_field(source, "expression").filter(|e| !e.trim().is_empty()) {
                return Ok(e.to_owned());
            }
            let params = source
                .get("parameters")
                .and_then(Value::as_array)
                .map_or(&[][..], Vec::as_slice);
            let mut args = Vec::with_capacity(params.len());
            for (i, p) in params.iter().enumerate() {
                let ppath = format!("{path}.parameters[{i}].value");
                let v = p.get("value").ok_or_else(|| shape(&ppath, "missing"))?;
                args.push(source_to_expression(v, &ppath)?);
            }
            Ok(format!("{name}({})", args.join(", ")))
        }
        // A source type this tool does not know: kept through the server's own
        // `expression` text (lenient reading); only without one is it unreadable.
        other => match str_field(source, "expression").filter(|e| !e.trim().is_empty()) {
            Some(e) => Ok(e.to_owned()),
            None => Err(shape(path, format!("unknown source type `{other}`"))),
        },
    }
}

/// Normalises an attribute mapping's `source` and `defaultValue`: `source: null` with a
/// `defaultValue` is that constant; a `Constant` source is a constant; an `Attribute`
/// source is that attribute; a `Function` is an expression in canonical form.
pub fn normalise_source(
    source: Option<&Value>,
    default_value: Option<&str>,
    path: &str,
) -> Result<(MappingValue, Option<String>), ShapeError> {
    let default = default_value.map(str::to_owned);
    let Some(src) = source.filter(|s| !s.is_null()) else {
        return Ok((MappingValue::constant(default_value.unwrap_or("")), None));
    };
    let value = match str_field(src, "type") {
        Some("Attribute") => MappingValue::Attribute(str_field(src, "name").unwrap_or("").into()),
        Some("Constant") => MappingValue::constant(str_field(src, "name").unwrap_or("")),
        _ => MappingValue::from_expression(&source_to_expression(src, path)?),
    };
    let default = match value {
        MappingValue::Constant(_) => None,
        _ => default,
    };
    Ok((value, default))
}

/// The `attributeMappingSource` tree for an attribute or a constant. `None` for an
/// expression: those go through `parseExpression`.
pub fn value_to_source(value: &MappingValue) -> Option<Value> {
    match value {
        MappingValue::Attribute(a) => Some(json!({
            "type": "Attribute", "name": a, "expression": format!("[{a}]"), "parameters": []
        })),
        MappingValue::Constant(c) => Some(json!({
            "type": "Constant", "name": c, "expression": expr::quote(c), "parameters": []
        })),
        MappingValue::Expression(_) => None,
    }
}

/// Reads one `attributeMapping`.
pub fn attribute_mapping_from_graph(v: &Value, path: &str) -> Result<AttributeMapping, ShapeError> {
    let target = str_field(v, "targetAttributeName")
        .ok_or_else(|| shape(path, "missing `targetAttributeName`"))?;
    // An empty `defaultValue` is "no default" (Graph writes `""` and `null` for it).
    let default_value = str_field(v, "defaultValue").filter(|d| !d.is_empty());
    let (value, default) =
        normalise_source(v.get("source"), default_value, &format!("{path}.source"))?;
    let priority = v
        .get("matchingPriority")
        .and_then(Value::as_u64)
        .unwrap_or(0);
    Ok(AttributeMapping {
        target: target.to_owned(),
        value,
        default,
        matching_priority: u32::try_from(priority).unwrap_or(u32::MAX),
        apply: ApplyMode::from_graph(str_field(v, "flowType")),
    })
}

/// Writes an `attributeMapping`, given its source tree (from [`value_to_source`] or
/// `parseExpression`). Fields the model does not own get Graph's defaults; callers that
/// update a live mapping should keep its other fields.
pub fn attribute_mapping_to_graph(m: &AttributeMapping, source: Value) -> Value {
    json!({
        "targetAttributeName": m.target,
        "source": source,
        "defaultValue": m.default,
        "exportMissingReferences": false,
        "flowBehavior": "FlowWhenChanged",
        "flowType": m.apply.graph_name(),
        "matchingPriority": m.matching_priority,
    })
}

/// Reads an object mapping's `scope` (a `filter`): only `groups` count (objects filtered
/// by the experimental `inputFilterGroups` are not deprovisioned and are not managed).
/// Filters are keyed by name; unnamed or duplicate names get ` (2)`, ` (3)`… suffixes.
pub fn scoping_filters_from_graph(
    scope: Option<&Value>,
    path: &str,
) -> Result<BTreeMap<String, ScopingFilter>, ShapeError> {
    let mut out = BTreeMap::new();
    let groups = scope
        .and_then(|s| s.get("groups"))
        .and_then(Value::as_array)
        .map_or(&[][..], Vec::as_slice);
    for (i, g) in groups.iter().enumerate() {
        let gpath = format!("{path}.groups[{i}]");
        let base = str_field(g, "name").unwrap_or("").to_owned();
        let mut clauses = Vec::new();
        let raw = g.get("clauses").and_then(Value::as_array);
        for (j, c) in raw.map_or(&[][..], Vec::as_slice).iter().enumerate() {
            clauses.push(clause_from_graph(c, &format!("{gpath}.clauses[{j}]"))?);
        }
        let mut name = if base.is_empty() {
            format!("filter {}", i + 1)
        } else {
            base.clone()
        };
        let mut n = 2;
        while out.contains_key(&name) {
            name = format!("{base} ({n})");
            n += 1;
        }
        out.insert(name.clone(), ScopingFilter::new(name, clauses));
    }
    Ok(out)
}

fn clause_from_graph(c: &Value, path: &str) -> Result<FilterClause, ShapeError> {
    let attribute = str_field(c, "sourceOperandName")
        .ok_or_else(|| shape(path, "missing `sourceOperandName`"))?;
    let operator =
        str_field(c, "operatorName").ok_or_else(|| shape(path, "missing `operatorName`"))?;
    let values: Vec<String> = c
        .get("targetOperand")
        .and_then(|t| t.get("values"))
        .and_then(Value::as_array)
        .map(|vs| {
            vs.iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    Ok(FilterClause::new(attribute, operator, &values))
}

/// Writes a scoping filter as a Graph `filterGroup`.
pub fn scoping_filter_to_graph(f: &ScopingFilter) -> Value {
    let clauses: Vec<Value> = f
        .clauses
        .iter()
        .map(|c| {
            json!({
                "sourceOperandName": c.attribute,
                "operatorName": c.operator,
                "targetOperand": { "values": c.values },
            })
        })
        .collect();
    json!({ "name": f.name, "clauses": clauses })
}

/// Reads one `objectMapping`.
pub fn object_mapping_from_graph(v: &Value, path: &str) -> Result<ObjectMapping, ShapeError> {
    let source_object = str_field(v, "sourceObjectName")
        .ok_or_else(|| shape(path, "missing `sourceObjectName`"))?;
    let target_object = str_field(v, "targetObjectName")
        .ok_or_else(|| shape(path, "missing `targetObjectName`"))?;
    let mut attributes = BTreeMap::new();
    let raw = v.get("attributeMappings").and_then(Value::as_array);
    for (i, a) in raw.map_or(&[][..], Vec::as_slice).iter().enumerate() {
        let m = attribute_mapping_from_graph(a, &format!("{path}.attributeMappings[{i}]"))?;
        // The backend does not dedupe; the first mapping of a target wins here.
        attributes.entry(m.target.clone()).or_insert(m);
    }
    Ok(ObjectMapping {
        source_object: source_object.to_owned(),
        target_object: target_object.to_owned(),
        enabled: v.get("enabled").and_then(Value::as_bool).unwrap_or(false),
        flow_types: parse_flow_types(str_field(v, "flowTypes").unwrap_or("")),
        attributes,
        scoping_filters: scoping_filters_from_graph(v.get("scope"), &format!("{path}.scope"))?,
    })
}

/// Reads every object mapping of a `synchronizationSchema`, in schema order.
pub fn object_mappings_from_schema(schema: &Value) -> Result<Vec<ObjectMapping>, ShapeError> {
    let mut out = Vec::new();
    let rules = schema.get("synchronizationRules").and_then(Value::as_array);
    for (i, r) in rules.map_or(&[][..], Vec::as_slice).iter().enumerate() {
        let maps = r.get("objectMappings").and_then(Value::as_array);
        for (j, m) in maps.map_or(&[][..], Vec::as_slice).iter().enumerate() {
            let path = format!("synchronizationRules[{i}].objectMappings[{j}]");
            out.push(object_mapping_from_graph(m, &path)?);
        }
    }
    Ok(out)
}
