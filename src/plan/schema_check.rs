//! The manifest's attribute names against the job schema's directory definitions: every
//! target attribute, mapped source attribute, attribute inside an expression and
//! scoping-filter attribute must exist on the object mapping's target or source object
//! (plus what the manifest adds to those lists). Pure: `observe` turns the findings into
//! located diagnostics at plan time, `apply` runs the same check right after it created
//! the job, before it writes the schema.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::manifest::expr::{attributes_of, parse};
use crate::manifest::span::push_segment;
use crate::manifest::suggest::{close_attribute_matches, did_you_mean_attribute};
use crate::manifest::{Manifest, SourceKind};

use super::graph_defs::{mapping_objects, object_attributes};

/// How the manifest uses an attribute name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Use {
    /// A key of `attributes` (a target attribute).
    Target,
    /// A `source` of an attribute mapping.
    Source,
    /// An `[attribute]` inside an expression.
    Expression,
    /// The `attribute` of a scoping-filter clause.
    Filter,
}

impl Use {
    /// Diagnostic code of an unknown name used this way.
    pub fn code(self) -> &'static str {
        match self {
            Use::Target => "E0401",
            Use::Source => "E0402",
            Use::Expression => "E0403",
            Use::Filter => "E0404",
        }
    }

    fn what(self) -> &'static str {
        match self {
            Use::Target => "target attribute",
            Use::Source => "source attribute",
            Use::Expression => "attribute in the expression",
            Use::Filter => "scoping-filter attribute",
        }
    }
}

/// An attribute name the schema does not define.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unknown {
    /// How it is used.
    pub used_as: Use,
    /// The name as written.
    pub name: String,
    /// JSON pointer of the manifest value that names it.
    pub pointer: String,
    /// `User of customappsso`.
    pub object: String,
    /// The closest name (case or a typo away).
    pub suggestion: Option<String>,
    /// Close candidates, closest first.
    pub close: Vec<String>,
}

impl Unknown {
    /// One-line message.
    pub fn message(&self) -> String {
        format!(
            "{} `{}` does not exist on {}",
            self.used_as.what(),
            self.name,
            self.object
        )
    }

    /// How to fix it: the did-you-mean, the close names, and how to extend the list.
    pub fn help(&self) -> String {
        let mut parts = Vec::new();
        if let Some(s) = &self.suggestion {
            parts.push(format!(
                "did you mean `{s}`? (attribute names are case-sensitive)"
            ));
        }
        if !self.close.is_empty() {
            parts.push(format!("close names: {}", self.close.join(", ")));
        }
        let or = if parts.is_empty() { "" } else { "or " };
        parts.push(match self.used_as {
            Use::Target => format!("{or}add it to the mapping's targetAttributes"),
            _ => format!("{or}add it (a directory extension) to the mapping's sourceAttributes"),
        });
        parts.join("; ")
    }
}

/// Every attribute name of the manifest that `schema` (a job's `synchronizationSchema`)
/// does not define, in manifest order. Mappings the schema has no object mapping for are
/// skipped (plan warns about those separately).
pub fn check(m: &Manifest, schema: &Value) -> Vec<Unknown> {
    let mut out = Vec::new();
    let Some(mappings) = m.provisioning.as_ref().and_then(|p| p.mappings.as_ref()) else {
        return out;
    };
    for (label, om) in mappings.iter() {
        let (source, target) = om.objects(label);
        let Some([sdir, sobj, tdir, tobj]) = mapping_objects(schema, &source, &target) else {
            continue;
        };
        let names = |dir: &str, obj: &str, extra: Option<&crate::manifest::AttributeList>| {
            let mut set: BTreeSet<String> = object_attributes(schema, dir, obj)
                .into_iter()
                .flatten()
                .filter_map(|a| a["name"].as_str().map(str::to_owned))
                .collect();
            set.extend(
                extra
                    .into_iter()
                    .flat_map(|l| l.definitions.keys().map(str::to_owned)),
            );
            set
        };
        let sources = names(&sdir, &sobj, om.source_attributes.as_ref());
        let targets = names(&tdir, &tobj, om.target_attributes.as_ref());
        let base = push_segment("/provisioning/mappings", label);
        let mut cx = Cx {
            out: &mut out,
            sources: &sources,
            targets: &targets,
            source_object: format!("{sobj} of {sdir}"),
            target_object: format!("{tobj} of {tdir}"),
        };
        for (target, a) in om.attributes.iter().flat_map(|a| a.iter()) {
            let ptr = push_segment(&format!("{base}/attributes"), target);
            cx.test(Use::Target, target, &ptr);
            match &a.kind {
                SourceKind::Attribute(s) => cx.test(Use::Source, s, &format!("{ptr}/source")),
                SourceKind::Expression(e) => {
                    let mut seen = Vec::new();
                    if let Ok(tree) = parse(e) {
                        attributes_of(&tree, &mut seen);
                    }
                    seen.dedup();
                    for s in seen {
                        cx.test(Use::Expression, &s, &format!("{ptr}/expression"));
                    }
                }
                SourceKind::Constant(_) => {}
            }
        }
        for (i, f) in om.scoping_filters.iter().flatten().enumerate() {
            for (j, c) in f.clauses.iter().enumerate() {
                let ptr = format!("{base}/scopingFilters/{i}/clauses/{j}/attribute");
                cx.test(Use::Filter, &c.attribute, &ptr);
            }
        }
    }
    out
}

struct Cx<'a> {
    out: &'a mut Vec<Unknown>,
    sources: &'a BTreeSet<String>,
    targets: &'a BTreeSet<String>,
    source_object: String,
    target_object: String,
}

impl Cx<'_> {
    fn test(&mut self, used_as: Use, name: &str, pointer: &str) {
        let (known, object) = match used_as {
            Use::Target => (self.targets, &self.target_object),
            _ => (self.sources, &self.source_object),
        };
        if known.contains(name) {
            return;
        }
        let known: Vec<&str> = known.iter().map(String::as_str).collect();
        let suggestion = did_you_mean_attribute(name, &known).map(str::to_owned);
        let close = close_attribute_matches(name, &known, 5)
            .into_iter()
            .map(str::to_owned)
            .collect();
        self.out.push(Unknown {
            used_as,
            name: name.to_owned(),
            pointer: pointer.to_owned(),
            object: object.clone(),
            suggestion,
            close,
        });
    }
}
