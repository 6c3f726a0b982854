//! Offline attribute checks: attribute-list entries as Microsoft documents them, and
//! attribute names against the documented Entra attributes and the connector's known
//! target attributes (warnings: the job schema, checked by plan, is the authority).

use super::LintCx;
use super::entra_attributes::{documented, is_directory_extension, is_extension_attribute};
use crate::manifest::expr::{attributes_of, parse};
use crate::manifest::span::push_segment;
use crate::manifest::suggest::did_you_mean_attribute;
use crate::manifest::types::{AttributeList, AttributeType, Manifest, ObjectMapping, SourceKind};

/// Runs the attribute lints of every mapping.
pub(crate) fn run(m: &Manifest, cx: &mut LintCx<'_>) {
    let known_targets = crate::connector::for_app(&m.app).known_targets;
    let mappings = m.provisioning.as_ref().and_then(|p| p.mappings.as_ref());
    for (label, om) in mappings.into_iter().flatten() {
        let mp = push_segment("/provisioning/mappings", label);
        let (source_object, target_object) = om.objects(label);
        for (key, list) in [
            ("targetAttributes", &om.target_attributes),
            ("sourceAttributes", &om.source_attributes),
        ] {
            if let Some(list) = list {
                definitions(list, &format!("{mp}/{key}/definitions"), key, cx);
            }
        }
        if let Some(known) = documented(&source_object) {
            sources(om, known, &mp, cx);
        }
        if let Some(f) = known_targets {
            targets(om, f(&target_object), &mp, cx);
        }
    }
}

fn definitions(list: &AttributeList, base: &str, key: &str, cx: &mut LintCx<'_>) {
    for (name, d) in list.definitions.iter() {
        let ptr = push_segment(base, name);
        if !d.referenced_objects.is_empty() && d.kind != AttributeType::Reference {
            let diag = cx
                .diag(
                    "E0410",
                    &format!("{ptr}/referencedObjects"),
                    true,
                    format!("`{name}` lists referenced objects but its type is not Reference"),
                    "only for type: Reference",
                )
                .help("set `type: Reference`, or remove `referencedObjects`");
            cx.push(diag);
        }
        if key == "sourceAttributes" && d.multivalued {
            let diag = cx
                .diag(
                    "E0411",
                    &format!("{ptr}/multivalued"),
                    true,
                    format!("`{name}` is multi-valued: Microsoft Entra provisioning does not support multi-valued directory extension attributes"),
                    "not supported",
                )
                .help("remove `multivalued: true` (MicrosoftDocs: customize-application-attributes, \"Editing the list of supported attributes\")");
            cx.push(diag);
        }
        if key == "sourceAttributes" && !is_directory_extension(name) {
            let diag = cx
                .diag(
                    "W0403",
                    &ptr,
                    true,
                    format!("`{name}` does not look like a directory extension (`extension_<appId without dashes>_<name>`)"),
                    "not a directory extension name",
                )
                .help("directory extension names are case-sensitive: copy the name exactly as the directory defines it");
            cx.push(diag);
        }
    }
}

fn sources(om: &ObjectMapping, known: &[&str], mp: &str, cx: &mut LintCx<'_>) {
    let added: Vec<&str> = om
        .source_attributes
        .iter()
        .flat_map(|l| l.definitions.keys())
        .collect();
    let ok = |n: &str| {
        known.contains(&n)
            || added.contains(&n)
            || is_extension_attribute(n)
            || is_directory_extension(n)
    };
    let mut uses: Vec<(String, String)> = Vec::new();
    for (target, a) in om.attributes.iter().flat_map(|a| a.iter()) {
        let ptr = push_segment(&format!("{mp}/attributes"), target);
        match &a.kind {
            SourceKind::Attribute(s) => uses.push((s.clone(), format!("{ptr}/source"))),
            SourceKind::Expression(e) => {
                let mut found = Vec::new();
                if let Ok(tree) = parse(e) {
                    attributes_of(&tree, &mut found);
                }
                found.dedup();
                uses.extend(found.into_iter().map(|n| (n, format!("{ptr}/expression"))));
            }
            SourceKind::Constant(_) => {}
        }
    }
    for (i, f) in om.scoping_filters.iter().flatten().enumerate() {
        for (j, c) in f.clauses.iter().enumerate() {
            let ptr = format!("{mp}/scopingFilters/{i}/clauses/{j}/attribute");
            uses.push((c.attribute.clone(), ptr));
        }
    }
    for (name, ptr) in uses.into_iter().filter(|(n, _)| !ok(n)) {
        let hint = match did_you_mean_attribute(&name, known) {
            Some(s) => format!("did you mean `{s}`? Attribute names are case-sensitive"),
            None => "a directory extension goes under the mapping's sourceAttributes".to_owned(),
        };
        let d = cx
            .diag(
                "W0401",
                &ptr,
                false,
                format!("`{name}` is not a documented Entra ID attribute"),
                "unknown source attribute",
            )
            .help(hint);
        cx.push(d);
    }
}

fn targets(om: &ObjectMapping, known: &[&str], mp: &str, cx: &mut LintCx<'_>) {
    if known.is_empty() {
        return;
    }
    let added: Vec<&str> = om
        .target_attributes
        .iter()
        .flat_map(|l| l.definitions.keys())
        .collect();
    for target in om.attributes.iter().flat_map(|a| a.keys()) {
        if known.contains(&target) || added.contains(&target) {
            continue;
        }
        let hint = match did_you_mean_attribute(target, known) {
            Some(s) => format!("did you mean `{s}`? Attribute names are case-sensitive"),
            None => "if the app accepts it, add it to the mapping's targetAttributes".to_owned(),
        };
        let d = cx
            .diag(
                "W0402",
                &push_segment(&format!("{mp}/attributes"), target),
                true,
                format!("`{target}` is not a known target attribute of this app"),
                "unknown target attribute",
            )
            .help(hint);
        cx.push(d);
    }
}
