//! Pure conversions between the job schema's `directories` (attribute definitions) and the
//! model: which attributes each object mapping can map from and to, and which of them the
//! synchronization template does not define.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Value, json};

use super::model::{AttributeDef, ObservedAttributeList, Side, object_names_match};

fn s<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or_default()
}

/// Reads one `attributeDefinition`. The API expression is the value of the first
/// `apiExpressions` entry (an assumption: docs/graph-fidelity.md, "Custom attributes").
pub fn definition_from_graph(v: &Value) -> AttributeDef {
    let mut referenced_objects: Vec<String> = v
        .get("referencedObjects")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|r| s(r, "referencedObjectName").to_owned())
        .filter(|n| !n.is_empty())
        .collect();
    referenced_objects.sort();
    let flag = |k: &str| v.get(k).and_then(Value::as_bool).unwrap_or(false);
    let kind = match s(v, "type") {
        "" => "String".to_owned(),
        t => t.to_owned(),
    };
    AttributeDef {
        name: s(v, "name").to_owned(),
        kind,
        multivalued: flag("multivalued"),
        required: flag("required"),
        case_exact: flag("caseExact"),
        referenced_objects,
        api_expression: v
            .get("apiExpressions")
            .and_then(Value::as_array)
            .and_then(|a| a.first())
            .map(|e| s(e, "value").to_owned())
            .filter(|e| !e.is_empty()),
    }
}

/// Writes an attribute definition: the fields the manifest owns over `live` (kept as read
/// otherwise), or a complete new definition with Graph's defaults.
pub fn definition_to_graph(d: &AttributeDef, live: Option<&Value>) -> Value {
    let mut v = live.cloned().unwrap_or_else(|| {
        json!({
            "anchor": false, "apiExpressions": [], "caseExact": false, "defaultValue": null,
            "flowNullValues": false, "metadata": [], "multivalued": false,
            "mutability": "ReadWrite", "name": d.name, "required": false,
            "referencedObjects": [], "type": "String",
        })
    });
    v["name"] = json!(d.name);
    v["type"] = json!(d.kind);
    v["multivalued"] = json!(d.multivalued);
    v["required"] = json!(d.required);
    v["caseExact"] = json!(d.case_exact);
    let refs: Vec<Value> = d
        .referenced_objects
        .iter()
        .map(|o| json!({"referencedObjectName": o, "referencedProperty": null}))
        .collect();
    v["referencedObjects"] = Value::Array(refs);
    v["apiExpressions"] = match &d.api_expression {
        Some(e) => json!([{"key": "Get", "value": e}]),
        None => json!([]),
    };
    v
}

/// The attribute definitions of `object` in directory `dir`, raw.
pub fn object_attributes<'a>(schema: &'a Value, dir: &str, object: &str) -> Option<&'a Vec<Value>> {
    schema["directories"]
        .as_array()?
        .iter()
        .find(|d| s(d, "name") == dir)?["objects"]
        .as_array()?
        .iter()
        .find(|o| s(o, "name").eq_ignore_ascii_case(object))?["attributes"]
        .as_array()
}

/// The mutable attribute list of `object` in directory `dir` (created when absent).
pub fn object_attributes_mut<'a>(
    schema: &'a mut Value,
    dir: &str,
    object: &str,
) -> Option<&'a mut Vec<Value>> {
    let d = schema["directories"]
        .as_array_mut()?
        .iter_mut()
        .find(|d| s(d, "name") == dir)?;
    let o = d["objects"]
        .as_array_mut()?
        .iter_mut()
        .find(|o| s(o, "name").eq_ignore_ascii_case(object))?;
    if !o["attributes"].is_array() {
        o["attributes"] = json!([]);
    }
    o["attributes"].as_array_mut()
}

/// For the object mapping `source → target`: (source directory, source object, target
/// directory, target object) as the schema names them.
pub fn mapping_objects(schema: &Value, source: &str, target: &str) -> Option<[String; 4]> {
    for rule in schema["synchronizationRules"].as_array()? {
        for om in rule["objectMappings"].as_array().into_iter().flatten() {
            let (so, to) = (s(om, "sourceObjectName"), s(om, "targetObjectName"));
            if object_names_match(so, to, source, target) {
                return Some([
                    s(rule, "sourceDirectoryName").to_owned(),
                    so.to_owned(),
                    s(rule, "targetDirectoryName").to_owned(),
                    to.to_owned(),
                ]);
            }
        }
    }
    None
}

/// Every object mapping's source and target attribute lists; `template` is the
/// synchronization template's schema, to tell added attributes from the defaults.
pub fn attribute_lists_from_schema(
    schema: &Value,
    template: Option<&Value>,
) -> Vec<ObservedAttributeList> {
    let mut out = Vec::new();
    for rule in schema["synchronizationRules"]
        .as_array()
        .into_iter()
        .flatten()
    {
        for om in rule["objectMappings"].as_array().into_iter().flatten() {
            let (so, to) = (s(om, "sourceObjectName"), s(om, "targetObjectName"));
            for (side, dir, object) in [
                (Side::Source, s(rule, "sourceDirectoryName"), so),
                (Side::Target, s(rule, "targetDirectoryName"), to),
            ] {
                let attributes: BTreeMap<String, AttributeDef> =
                    object_attributes(schema, dir, object)
                        .into_iter()
                        .flatten()
                        .map(definition_from_graph)
                        .map(|d| (d.name.clone(), d))
                        .collect();
                let added = template.map(|t| {
                    let defaults: BTreeSet<&str> = object_attributes(t, dir, object)
                        .into_iter()
                        .flatten()
                        .map(|a| s(a, "name"))
                        .collect();
                    attributes
                        .keys()
                        .filter(|n| !defaults.contains(n.as_str()))
                        .cloned()
                        .collect()
                });
                out.push(ObservedAttributeList {
                    source_object: so.to_owned(),
                    target_object: to.to_owned(),
                    side,
                    directory: dir.to_owned(),
                    object: object.to_owned(),
                    attributes,
                    added,
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_definition_round_trips_and_keeps_unknown_fields() {
        let live = json!({"name": "nickName", "type": "String", "anchor": false, "mutability": "ReadWrite", "x": 1});
        let mut d = definition_from_graph(&live);
        d.case_exact = true;
        d.api_expression = Some("Get".into());
        let v = definition_to_graph(&d, Some(&live));
        assert_eq!(v["x"], 1);
        assert_eq!(v["caseExact"], true);
        assert_eq!(definition_from_graph(&v), d);
    }
}
