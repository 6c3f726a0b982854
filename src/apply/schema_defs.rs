//! Step 5, the parts about attribute lists: put or remove an attribute definition in the
//! schema's `directories`, check the manifest's attribute names against the schema of a
//! job apply has just created, and tell which change a refused schema PUT is about.

use serde_json::Value;

use crate::manifest::load_str;
use crate::plan::change::{Address, Change, Target};
use crate::plan::graph_defs::{definition_to_graph, mapping_objects, object_attributes_mut};
use crate::plan::model::{AttributeDef, Side, object_names_match};
use crate::plan::{Failure, schema_check};

use super::ctx::failure;

/// Puts (keeping the fields the manifest does not own) or removes attribute `name` of the
/// mapping's `side` object.
pub(super) fn set_definition(
    schema: &mut Value,
    objects: (&str, &str),
    side: Side,
    name: &str,
    desired: Option<&AttributeDef>,
) -> Result<(), Failure> {
    let (source, target) = objects;
    let Some([sdir, sobj, tdir, tobj]) = mapping_objects(schema, source, target) else {
        return Err(failure(format!(
            "the job schema has no object mapping {source} → {target}"
        )));
    };
    let (dir, obj) = match side {
        Side::Source => (sdir, sobj),
        Side::Target => (tdir, tobj),
    };
    let Some(list) = object_attributes_mut(schema, &dir, &obj) else {
        return Err(failure(format!(
            "the job schema's directory {dir} does not define the object {obj}"
        )));
    };
    let pos = list.iter().position(|a| a["name"].as_str() == Some(name));
    match (desired, pos) {
        (Some(d), Some(p)) => list[p] = definition_to_graph(d, Some(&list[p])),
        (Some(d), None) => list.push(definition_to_graph(d, None)),
        (None, Some(p)) => {
            list.remove(p);
        }
        (None, None) => {}
    }
    Ok(())
}

/// The manifest's attribute names against the schema of a job created by this apply: the
/// same located messages plan gives when the job exists. `None` when every name exists.
pub(super) fn precheck(source: Option<&(String, String)>, schema: &Value) -> Option<Failure> {
    let (file, text) = source?;
    let (loaded, _) = load_str(file, text);
    let loaded = loaded?;
    let found = schema_check::check(&loaded.manifest, schema);
    if found.is_empty() {
        return None;
    }
    let lines: Vec<String> = found
        .iter()
        .map(|u| {
            format!(
                "{}: {} {} ({})",
                loaded.location(&u.pointer),
                u.used_as.code(),
                u.message(),
                u.help()
            )
        })
        .collect();
    Some(failure(format!(
        "the manifest names attributes the new job's schema does not define; the schema was \
         not written:\n{}",
        lines.join("\n")
    )))
}

/// What a refused schema PUT's message names: the object mapping and an attribute or a
/// scoping filter of it.
#[derive(Debug, Default, PartialEq, Eq)]
pub(super) struct Named {
    pub object_mapping: Option<String>,
    pub attribute: Option<String>,
    pub filter: Option<String>,
}

fn quoted_after<'a>(text: &'a str, marker: &str) -> Option<&'a str> {
    let start = text.find(marker)? + marker.len();
    let rest = &text[start..];
    let end = rest.find('\'')?;
    Some(&rest[..end])
}

/// Reads `Object mapping '<name>': target attribute '<attr>' …`, `Attribute mapping
/// '<attr>': …`, `Attribute '<attr>' of object …` and `Scoping filter '<filter>' of '<name>': …` (the simulator's wording;
/// Graph's is assumed to be alike: docs/graph-fidelity.md, "Custom attributes").
pub(super) fn parse_refusal(message: &str) -> Named {
    let mut n = Named {
        object_mapping: quoted_after(message, "Object mapping '").map(str::to_owned),
        attribute: quoted_after(message, "target attribute '")
            .or_else(|| quoted_after(message, "Attribute mapping '"))
            .or_else(|| quoted_after(message, "Attribute '"))
            .map(str::to_owned),
        filter: quoted_after(message, "Scoping filter '").map(str::to_owned),
    };
    if n.filter.is_some() && n.object_mapping.is_none() {
        n.object_mapping = quoted_after(message, "' of '").map(str::to_owned);
    }
    n
}

/// The index (into `edited`) of the change a refused PUT is about, if its message names one.
pub(super) fn culprit(
    schema: &Value,
    changes: &[Change],
    edited: &[usize],
    f: &Failure,
) -> Option<usize> {
    let text = format!(
        "{} {}",
        f.message,
        f.inner_error.as_deref().unwrap_or_default()
    );
    let named = parse_refusal(&text);
    if named == Named::default() {
        return None;
    }
    let objects = match named.object_mapping.as_deref() {
        Some(om_name) => Some(object_mapping_named(schema, om_name)?),
        None => None,
    };
    let of_mapping = |c: &Change| {
        objects
            .as_ref()
            .is_none_or(|(so, to)| change_maps(c, so, to))
    };
    let position = |pred: &dyn Fn(&Change) -> bool| {
        edited
            .iter()
            .position(|&i| of_mapping(&changes[i]) && pred(&changes[i]))
    };
    if let Some(attr) = &named.attribute {
        let hit = position(&|c| {
            matches!(&c.address, Address::Attribute { target, .. } if target == attr)
                || matches!(&c.address, Address::Definition { name, .. } if name == attr)
        });
        if hit.is_some() {
            return hit;
        }
    }
    if let Some(filter) = &named.filter {
        let hit = position(
            &|c| matches!(&c.address, Address::ScopingFilter { name, .. } if name == filter),
        );
        if hit.is_some() {
            return hit;
        }
    }
    objects.as_ref()?;
    position(&|_| true)
}

/// Whether change `c` is about the object mapping `so → to`.
fn change_maps(c: &Change, so: &str, to: &str) -> bool {
    match &c.target {
        Target::Mapping {
            source_object,
            target_object,
            ..
        }
        | Target::Attribute {
            source_object,
            target_object,
            ..
        }
        | Target::ScopingFilter {
            source_object,
            target_object,
            ..
        }
        | Target::Definition {
            source_object,
            target_object,
            ..
        } => object_names_match(so, to, source_object, target_object),
        _ => false,
    }
}

/// `(sourceObjectName, targetObjectName)` of the object mapping called `name`.
fn object_mapping_named(schema: &Value, name: &str) -> Option<(String, String)> {
    schema["synchronizationRules"]
        .as_array()?
        .iter()
        .flat_map(|r| r["objectMappings"].as_array().into_iter().flatten())
        .find(|om| om["name"].as_str() == Some(name))
        .map(|om| {
            (
                om["sourceObjectName"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
                om["targetObjectName"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_refusal_names_the_mapping_and_the_attribute() {
        let n = parse_refusal(
            "Object mapping 'Synchronize Microsoft Entra ID Users to customappsso': target \
             attribute 'nickName' does not exist on 'User'.",
        );
        assert_eq!(
            n.object_mapping.as_deref(),
            Some("Synchronize Microsoft Entra ID Users to customappsso")
        );
        assert_eq!(n.attribute.as_deref(), Some("nickName"));
        let f = parse_refusal(
            "Scoping filter 'Staff' of 'Sync Users': attribute 'dept' does not exist.",
        );
        assert_eq!(f.filter.as_deref(), Some("Staff"));
        assert_eq!(f.object_mapping.as_deref(), Some("Sync Users"));
        assert_eq!(parse_refusal("Insufficient privileges"), Named::default());
    }
}
