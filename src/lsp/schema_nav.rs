//! Walking the committed JSON Schema (the one `validate` uses) along a path of keys: the
//! schema of a key, its description, the keys an object allows and the values a key takes.

use serde_json::Value;

use crate::manifest::schema::schema_value;

/// The schema of the node at `path` (keys from the document root; a number or `#` is a list
/// item), or `None` when the schema does not describe it.
pub fn at(path: &[String]) -> Option<&'static Value> {
    let mut node = schema_value();
    for seg in path {
        node = child(node, seg)?;
    }
    Some(node)
}

/// The schema of `seg` inside `node`.
pub fn child(node: &'static Value, seg: &str) -> Option<&'static Value> {
    let item = seg == "#" || seg.parse::<usize>().is_ok();
    for b in branches(node) {
        let found = if item {
            b.get("items")
        } else {
            b.get("properties")
                .and_then(|p| p.get(seg))
                .or_else(|| b.get("additionalProperties").filter(|a| a.is_object()))
        };
        if found.is_some() {
            return found;
        }
    }
    None
}

/// Follows `$ref` and one-element `allOf` wrappers.
fn resolve(mut node: &'static Value) -> &'static Value {
    for _ in 0..16 {
        if let Some(r) = node.get("$ref").and_then(Value::as_str) {
            match schema_value().pointer(r.trim_start_matches('#')) {
                Some(n) => node = n,
                None => break,
            }
        } else if let Some([only]) = node
            .get("allOf")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
        {
            node = only;
        } else {
            break;
        }
    }
    node
}

/// The node and its alternatives (`oneOf`, `anyOf`, `allOf`), resolved.
fn branches(node: &'static Value) -> Vec<&'static Value> {
    let node = resolve(node);
    let mut out = vec![node];
    for k in ["oneOf", "anyOf", "allOf"] {
        for b in node.get(k).and_then(Value::as_array).into_iter().flatten() {
            out.push(resolve(b));
        }
    }
    out
}

/// The keys an object node allows, each with its schema, in schema order.
pub fn properties(node: &'static Value) -> Vec<(&'static str, &'static Value)> {
    let mut out: Vec<(&str, &Value)> = Vec::new();
    for b in branches(node) {
        for (k, v) in b
            .get("properties")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            if !out.iter().any(|(o, _)| o == k) {
                out.push((k.as_str(), v));
            }
        }
    }
    out
}

/// The description of a key's schema: its own (field documentation) or its type's.
pub fn description(node: &'static Value) -> Option<&'static str> {
    node.get("description")
        .or_else(|| resolve(node).get("description"))
        .and_then(Value::as_str)
}

/// The values a node takes (`enum`, or `const` alternatives), each with its description;
/// `true`/`false` for booleans.
pub fn values(node: &'static Value) -> Vec<(String, Option<&'static str>)> {
    let mut out = Vec::new();
    for b in branches(node) {
        if let Some(e) = b.get("enum").and_then(Value::as_array) {
            out.extend(
                e.iter()
                    .filter_map(Value::as_str)
                    .map(|s| (s.to_owned(), None)),
            );
        }
        if let Some(c) = b.get("const").and_then(Value::as_str) {
            out.push((c.to_owned(), b.get("description").and_then(Value::as_str)));
        }
        if b.get("type").and_then(Value::as_str) == Some("boolean") {
            out.extend(["true", "false"].map(|s| (s.to_owned(), None)));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(p: &str) -> Vec<String> {
        p.split('/').map(String::from).collect()
    }

    #[test]
    fn keys_values_and_descriptions_come_from_the_committed_schema() {
        let attr = at(&path("provisioning/mappings/users/attributes/userName")).unwrap();
        let keys: Vec<&str> = properties(attr).iter().map(|(k, _)| *k).collect();
        assert!(
            keys.starts_with(&["source", "constant", "expression"]),
            "{keys:?}"
        );
        let op = at(&path(
            "provisioning/mappings/users/scopingFilters/#/clauses/0/operator",
        ));
        let ops = values(op.unwrap());
        assert_eq!(ops.len(), 14);
        assert_eq!(
            ops[1],
            (
                "notEquals".into(),
                Some("Not equal to `value` (case-sensitive).")
            )
        );
        let scope = at(&path("provisioning/scope")).unwrap();
        assert!(
            description(scope)
                .unwrap()
                .starts_with("Who is provisioned")
        );
        assert!(at(&path("app/nope")).is_none());
    }
}
