//! `mapping[<label>].targetAttribute[<name>]` and `.sourceAttribute[<name>]`: attribute
//! definitions added to the object mapping's target or source object.

use std::collections::BTreeMap;

use crate::plan::change::{Action, Address, Change, FieldChange, Target, Value};
use crate::plan::model::{
    AttributeDef, AttributeMapping, MappingValue, ObservedAttributeList, ScopingFilter, Side,
};
use crate::plan::state::{DesiredList, DesiredMapping, DesiredState, ObservedState};

/// Diffs the declared attribute lists of one object mapping.
pub(super) fn diff_definitions(
    label: &str,
    want: &DesiredMapping,
    observed: &ObservedState,
    changes: &mut Vec<Change>,
    warnings: &mut Vec<String>,
) {
    for (side, list) in [
        (Side::Target, &want.target_attributes),
        (Side::Source, &want.source_attributes),
    ] {
        let Some(list) = list else { continue };
        let live = observed.attribute_lists.iter().find(|l| {
            l.side == side
                && crate::plan::model::object_names_match(
                    &l.source_object,
                    &l.target_object,
                    &want.source_object,
                    &want.target_object,
                )
        });
        let live_mapping = observed
            .mappings
            .iter()
            .find(|m| m.maps(&want.source_object, &want.target_object));
        let cx = Cx {
            label,
            want,
            side,
            live_mapping,
        };
        diff_list(&cx, list, live, changes, warnings);
    }
}

struct Cx<'a> {
    label: &'a str,
    want: &'a DesiredMapping,
    side: Side,
    /// The live object mapping, whose undeclared entries stay when its lists do not prune.
    live_mapping: Option<&'a crate::plan::model::ObjectMapping>,
}

impl Cx<'_> {
    fn change(&self, name: &str, action: Action, fields: Vec<FieldChange>) -> Change {
        let desired = match self.side {
            Side::Source => &self.want.source_attributes,
            Side::Target => &self.want.target_attributes,
        };
        Change {
            address: Address::Definition {
                label: self.label.to_owned(),
                side: self.side,
                name: name.to_owned(),
            },
            action,
            fields,
            note: None,
            warnings: Vec::new(),
            target: Target::Definition {
                source_object: self.want.source_object.clone(),
                target_object: self.want.target_object.clone(),
                side: self.side,
                desired: desired.as_ref().and_then(|l| l.items.get(name).cloned()),
            },
        }
    }

    /// What of the mapping still uses attribute `name` of this side after apply: the
    /// declared entries, and the live ones a list without prune (or not declared) keeps.
    fn used_by(&self, name: &str) -> Option<String> {
        let keeps = |l: Option<bool>| l.is_none_or(|prune| !prune);
        let mut attrs: Vec<(&String, &AttributeMapping)> = Vec::new();
        let mut filters: Vec<(&String, &ScopingFilter)> = Vec::new();
        if let Some(l) = &self.want.attributes {
            attrs.extend(l.items.iter());
        }
        if let Some(l) = &self.want.scoping_filters {
            filters.extend(l.items.iter());
        }
        if let Some(live) = self.live_mapping {
            if keeps(self.want.attributes.as_ref().map(|l| l.prune)) {
                attrs.extend(live.attributes.iter());
            }
            if keeps(self.want.scoping_filters.as_ref().map(|l| l.prune)) {
                filters.extend(live.scoping_filters.iter());
            }
        }
        for (target, m) in attrs {
            let uses = match self.side {
                Side::Target => target == name,
                Side::Source => match &m.value {
                    MappingValue::Attribute(a) => a == name,
                    MappingValue::Expression(e) => e.contains(&format!("[{name}]")),
                    MappingValue::Constant(_) => false,
                },
            };
            if uses {
                return Some(format!("attribute[{target}]"));
            }
        }
        if self.side == Side::Source {
            for (fname, f) in filters {
                if f.clauses.iter().any(|c| c.attribute == name) {
                    return Some(format!("scopingFilter[{fname}]"));
                }
            }
        }
        None
    }
}

fn diff_list(
    cx: &Cx<'_>,
    want: &DesiredList<AttributeDef>,
    live: Option<&ObservedAttributeList>,
    changes: &mut Vec<Change>,
    warnings: &mut Vec<String>,
) {
    let empty = BTreeMap::new();
    let live_attrs = live.map_or(&empty, |l| &l.attributes);
    for (name, w) in &want.items {
        match live_attrs.get(name) {
            None => changes.push(cx.change(name, Action::Create, fields(None, Some(w)))),
            Some(l) if l != w => {
                changes.push(cx.change(name, Action::Update, fields(Some(l), Some(w))));
            }
            Some(_) => {}
        }
    }
    let Some(added) = live.and_then(|l| l.added.as_ref()).filter(|_| want.prune) else {
        return;
    };
    for name in added {
        if want.items.contains_key(name) {
            continue;
        }
        if let Some(user) = cx.used_by(name) {
            warnings.push(format!(
                "mapping[{}].{}[{name}] is not listed but {user} still uses it: it is kept",
                cx.label,
                cx.side.segment()
            ));
            continue;
        }
        let l = &live_attrs[name];
        let mut c = cx.change(name, Action::Delete, fields(Some(l), None));
        c.note = Some("not in manifest; prune".to_owned());
        changes.push(c);
    }
}

/// Field changes between two definitions (either side may be absent). A created
/// definition lists its type and every field that is not the default.
fn fields(before: Option<&AttributeDef>, after: Option<&AttributeDef>) -> Vec<FieldChange> {
    let mut out = Vec::new();
    let text = |d: Option<&AttributeDef>, f: fn(&AttributeDef) -> Option<String>| {
        d.and_then(f).map_or(Value::Unset, Value::Text)
    };
    let flag = |d: Option<&AttributeDef>, f: fn(&AttributeDef) -> bool| match d {
        Some(d) if f(d) => Value::Bool(true),
        Some(_) => Value::Unset,
        None => Value::Unset,
    };
    let mut push = |name: &str, b: Value, a: Value| {
        if b != a {
            out.push(FieldChange::new(name, b, a));
        }
    };
    push(
        "type",
        text(before, |d| Some(d.kind.clone())),
        text(after, |d| Some(d.kind.clone())),
    );
    push(
        "multivalued",
        flag(before, |d| d.multivalued),
        flag(after, |d| d.multivalued),
    );
    push(
        "required",
        flag(before, |d| d.required),
        flag(after, |d| d.required),
    );
    push(
        "caseExact",
        flag(before, |d| d.case_exact),
        flag(after, |d| d.case_exact),
    );
    let refs = |d: Option<&AttributeDef>| match d {
        Some(d) if !d.referenced_objects.is_empty() => Value::List(d.referenced_objects.clone()),
        _ => Value::Unset,
    };
    push("referencedObjects", refs(before), refs(after));
    push(
        "apiExpression",
        text(before, |d| d.api_expression.clone()),
        text(after, |d| d.api_expression.clone()),
    );
    out
}

/// For an app whose job does not exist yet: the job's change says which checks wait.
pub(super) fn waiting_checks(desired: &DesiredState, changes: &mut [Change]) {
    let Some(prov) = &desired.provisioning else {
        return;
    };
    let names_attributes = prov
        .mappings
        .values()
        .any(|m| m.attributes.is_some() || m.scoping_filters.is_some());
    let job = changes
        .iter_mut()
        .find(|c| c.address == Address::Job && c.action == Action::Create);
    if let (true, Some(job)) = (names_attributes, job) {
        let wait = "attribute names wait until it exists (apply checks them \
                    before it writes the schema)";
        job.note = Some(match job.note.take() {
            Some(n) => format!("{n}; {wait}"),
            None => wait.to_owned(),
        });
    }
}
