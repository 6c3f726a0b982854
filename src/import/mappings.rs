//! Object mappings → the manifest's `mappings`: labels, attributes and scoping filters.
//! Entries with no exact manifest form are left out and the mapping gets `prune: false`.

use std::collections::BTreeSet;

use super::emit::Layout;
use crate::manifest::span::push_segment;
use crate::manifest::{
    Action, Apply, AttributeSource, Clause, ClauseValue, NamedMap, ObjectMapping as MObjectMapping,
    Operator, ScopingFilter as MScopingFilter, SourceKind,
};
use crate::plan::model::{
    ApplyMode, AttributeMapping, FlowType, MappingValue, ObjectMapping, ScopingFilter, Side,
    object_names_match,
};
use crate::plan::state::ObservedState;

/// A label for each live object mapping: `users` / `groups` for the usual ones (their
/// objects are then implied), else one made from the target object.
fn labels(mappings: &[ObjectMapping]) -> Vec<(String, bool)> {
    let mut used = BTreeSet::new();
    mappings
        .iter()
        .map(|m| {
            let usual =
                [("users", "User"), ("groups", "Group")]
                    .into_iter()
                    .find(|(label, obj)| {
                        !used.contains(*label)
                            && object_names_match(&m.source_object, &m.target_object, obj, obj)
                    });
            let (label, implied) = match usual {
                Some((label, _)) => (label.to_owned(), true),
                None => {
                    let base = super::find::slug(&format!(
                        "{}-{}",
                        m.source_object,
                        m.target_object.rsplit(':').next().unwrap_or("object")
                    ));
                    let mut label = base.clone();
                    let mut n = 2;
                    while used.contains(&label) {
                        label = format!("{base}-{n}");
                        n += 1;
                    }
                    (label, false)
                }
            };
            used.insert(label.clone());
            (label, implied)
        })
        .collect()
}

pub(crate) fn mappings(
    o: &ObservedState,
    l: &mut Layout,
    warnings: &mut Vec<String>,
) -> NamedMap<MObjectMapping> {
    let mut out = NamedMap::default();
    for (i, (m, (label, implied))) in o.mappings.iter().zip(labels(&o.mappings)).enumerate() {
        let ptr = push_segment("/provisioning/mappings", &label);
        if i > 0 {
            l.blank_before.insert(ptr.clone());
        }
        let mut cx = MappingCx {
            ptr: &ptr,
            label: &label,
            l,
            warnings,
            left_out: Vec::new(),
            filters: 0,
        };
        let mut mapped = object_mapping(m, implied, &mut cx);
        mapped.target_attributes = super::definitions::added(o, m, Side::Target, cx.warnings);
        mapped.source_attributes = super::definitions::added(o, m, Side::Source, cx.warnings);
        out.insert(label, mapped);
    }
    out
}

struct MappingCx<'a> {
    ptr: &'a str,
    label: &'a str,
    l: &'a mut Layout,
    warnings: &'a mut Vec<String>,
    left_out: Vec<String>,
    /// Filters written so far.
    filters: usize,
}

/// `filter 2`: what `plan` calls a live filter without a name.
fn is_generated_name(name: &str) -> bool {
    name.strip_prefix("filter ")
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

impl MappingCx<'_> {
    fn leave_out(&mut self, what: String) {
        self.warnings.push(format!(
            "mapping {}: {what} is not in the manifest",
            self.label
        ));
        self.left_out.push(what);
    }
}

fn object_mapping(m: &ObjectMapping, implied: bool, cx: &mut MappingCx<'_>) -> MObjectMapping {
    let actions = if m.flow_types.iter().any(|f| matches!(f, FlowType::Other(_))) {
        cx.leave_out("the target actions (an unknown flow type)".into());
        None
    } else {
        Some(
            m.flow_types
                .iter()
                .map(|f| match f {
                    FlowType::Add => Action::Create,
                    FlowType::Update => Action::Update,
                    _ => Action::Delete,
                })
                .collect(),
        )
    };
    let mut attrs: Vec<&AttributeMapping> = m.attributes.values().collect();
    attrs.sort_by_key(|a| (a.matching_priority == 0, a.matching_priority));
    let mut attributes = NamedMap::default();
    let mut priorities = BTreeSet::new();
    for a in attrs {
        if let Some(src) = attribute(a, &mut priorities, cx) {
            attributes.insert(a.target.clone(), src);
        }
    }
    let mut filters = Vec::new();
    for f in m.scoping_filters.values() {
        if let Some(f) = scoping_filter(f, cx) {
            filters.push(f);
        }
    }
    if filters.is_empty() {
        cx.l.comment_after(
            &format!("{}/scopingFilters", cx.ptr),
            "none: every object in the provisioning scope",
        );
    }
    let prune = cx.left_out.is_empty();
    if !prune {
        let p = format!("{}/prune", cx.ptr);
        cx.l.comment_before(
            &p,
            "false: these live entries are not listed and are left alone:",
        );
        for what in &cx.left_out {
            cx.l.comment_before(&p, format!("  {what}"));
        }
    }
    MObjectMapping {
        enabled: Some(m.enabled),
        source_object: (!implied).then(|| m.source_object.clone()),
        target_object: (!implied).then(|| m.target_object.clone()),
        actions,
        prune,
        attributes: Some(attributes),
        scoping_filters: Some(filters),
        target_attributes: None,
        source_attributes: None,
    }
}

fn attribute(
    a: &AttributeMapping,
    priorities: &mut BTreeSet<u32>,
    cx: &mut MappingCx<'_>,
) -> Option<AttributeSource> {
    let target = &a.target;
    let apply = match &a.apply {
        ApplyMode::Always => Apply::Always,
        ApplyMode::ObjectAddOnly => Apply::OnCreate,
        ApplyMode::Other(mode) => {
            cx.leave_out(format!("attribute {target} (apply mode {mode})"));
            return None;
        }
    };
    if a.matching_priority > 0 && !priorities.insert(a.matching_priority) {
        cx.leave_out(format!(
            "attribute {target} (matching priority {} is used twice)",
            a.matching_priority
        ));
        return None;
    }
    let kind = match &a.value {
        MappingValue::Attribute(s) if !s.is_empty() => SourceKind::Attribute(s.clone()),
        MappingValue::Attribute(_) => {
            cx.leave_out(format!("attribute {target} (an unnamed source attribute)"));
            return None;
        }
        MappingValue::Constant(c) => SourceKind::Constant(c.clone()),
        MappingValue::Expression(e) if e.chars().count() > 10_000 => {
            cx.leave_out(format!(
                "attribute {target} (an expression over 10,000 characters)"
            ));
            return None;
        }
        MappingValue::Expression(e) => SourceKind::Expression(e.clone()),
    };
    Some(AttributeSource {
        kind,
        default: a.default.clone(),
        matching_priority: (a.matching_priority > 0).then_some(a.matching_priority),
        apply,
    })
}

fn scoping_filter(f: &ScopingFilter, cx: &mut MappingCx<'_>) -> Option<MScopingFilter> {
    let mut clauses = Vec::new();
    for c in &f.clauses {
        let Some(op) = Operator::from_graph_name(&c.operator) else {
            cx.leave_out(format!(
                "scoping filter \"{}\" (unknown operator {})",
                f.name, c.operator
            ));
            return None;
        };
        let value = match (op.is_unary(), c.values.as_slice()) {
            (true, []) => None,
            (false, [v]) => Some(ClauseValue::String(v.clone())),
            _ => {
                cx.leave_out(format!(
                    "scoping filter \"{}\" ({} with {} values)",
                    f.name,
                    op.manifest_name(),
                    c.values.len()
                ));
                return None;
            }
        };
        clauses.push(Clause {
            attribute: c.attribute.clone(),
            operator: op,
            value,
        });
    }
    if clauses.is_empty() {
        cx.leave_out(format!("scoping filter \"{}\" (no clauses)", f.name));
        return None;
    }
    if is_generated_name(&f.name) {
        let i = cx.filters;
        cx.l.comment_after(
            &format!("{}/scopingFilters/{i}/name", cx.ptr),
            "entraprov's name for an unnamed live filter",
        );
    }
    cx.filters += 1;
    Some(MScopingFilter {
        name: f.name.clone(),
        clauses,
    })
}
