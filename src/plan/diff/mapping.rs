//! `mapping[<label>]`, its `attribute[<target>]`s and `scopingFilter[<name>]`s.

use std::collections::BTreeMap;

use crate::plan::change::{Action, Address, Change, FieldChange, Target, Value};
use crate::plan::model::{AttributeMapping, FlowType, MappingValue, ObjectMapping, ScopingFilter};
use crate::plan::state::{DesiredList, DesiredMapping, ObservedState};

/// Diffs one declared object mapping against the live one it names.
pub(super) fn diff_mapping(
    label: &str,
    want: &DesiredMapping,
    observed: &ObservedState,
    changes: &mut Vec<Change>,
    warnings: &mut Vec<String>,
) {
    let live = observed
        .mappings
        .iter()
        .find(|m| m.maps(&want.source_object, &want.target_object));
    if live.is_none() && observed.job.is_some() {
        warnings.push(format!(
            "mapping[{label}]: the job schema has no object mapping {} → {}",
            want.source_object, want.target_object
        ));
    }
    mapping_itself(label, want, live, changes);
    let ctx = Ctx { label, want };
    if let Some(attrs) = &want.attributes {
        let empty = BTreeMap::new();
        let live_attrs = live.map_or(&empty, |m| &m.attributes);
        diff_attributes(&ctx, attrs, live_attrs, changes);
    }
    if let Some(filters) = &want.scoping_filters {
        let empty = BTreeMap::new();
        let live_filters = live.map_or(&empty, |m| &m.scoping_filters);
        diff_filters(&ctx, filters, live_filters, changes);
    }
}

struct Ctx<'a> {
    label: &'a str,
    want: &'a DesiredMapping,
}

impl Ctx<'_> {
    fn change(&self, address: Address, action: Action, fields: Vec<FieldChange>) -> Change {
        let target = match &address {
            Address::ScopingFilter { name, .. } => Target::ScopingFilter {
                source_object: self.want.source_object.clone(),
                target_object: self.want.target_object.clone(),
                desired: self
                    .want
                    .scoping_filters
                    .as_ref()
                    .and_then(|l| l.items.get(name).cloned()),
            },
            Address::Attribute { target, .. } => Target::Attribute {
                source_object: self.want.source_object.clone(),
                target_object: self.want.target_object.clone(),
                desired: self
                    .want
                    .attributes
                    .as_ref()
                    .and_then(|l| l.items.get(target).cloned()),
            },
            _ => Target::Mapping {
                source_object: self.want.source_object.clone(),
                target_object: self.want.target_object.clone(),
                enabled: self.want.enabled,
                flow_types: self
                    .want
                    .flow_types
                    .as_ref()
                    .map(|s| s.iter().cloned().collect()),
            },
        };
        Change {
            address,
            action,
            fields,
            note: None,
            warnings: Vec::new(),
            target,
        }
    }
}

fn flow_list(types: &std::collections::BTreeSet<FlowType>) -> Value {
    Value::List(types.iter().map(|t| t.action_name().to_owned()).collect())
}

fn mapping_itself(
    label: &str,
    want: &DesiredMapping,
    live: Option<&ObjectMapping>,
    changes: &mut Vec<Change>,
) {
    let mut fields = Vec::new();
    let mut warnings = Vec::new();
    let live_enabled = live.map(|m| m.enabled);
    if let Some(e) = want.enabled
        && live_enabled != Some(e)
    {
        fields.push(FieldChange::new(
            "enabled",
            Value::opt_bool(live_enabled),
            Value::Bool(e),
        ));
        if !e && live_enabled == Some(true) {
            warnings.push(
                "disables the mapping: objects are no longer provisioned through it".to_owned(),
            );
        }
    }
    if let Some(ft) = &want.flow_types
        && live.map(|m| &m.flow_types) != Some(ft)
    {
        fields.push(FieldChange::new(
            "actions",
            live.map_or(Value::Unset, |m| flow_list(&m.flow_types)),
            flow_list(ft),
        ));
    }
    if live.is_some() && fields.is_empty() {
        return;
    }
    let ctx = Ctx { label, want };
    let action = if live.is_some() {
        Action::Update
    } else {
        Action::Create
    };
    let mut change = ctx.change(
        Address::Mapping {
            label: label.to_owned(),
        },
        action,
        fields,
    );
    change.warnings = warnings;
    changes.push(change);
}

fn diff_attributes(
    ctx: &Ctx<'_>,
    want: &DesiredList<AttributeMapping>,
    live: &BTreeMap<String, AttributeMapping>,
    changes: &mut Vec<Change>,
) {
    let address = |target: &str| Address::Attribute {
        label: ctx.label.to_owned(),
        target: target.to_owned(),
    };
    for (target, w) in &want.items {
        match live.get(target) {
            None => changes.push(ctx.change(
                address(target),
                Action::Create,
                attr_fields(None, Some(w)),
            )),
            Some(l) if l != w => {
                changes.push(ctx.change(
                    address(target),
                    Action::Update,
                    attr_fields(Some(l), Some(w)),
                ));
            }
            Some(_) => {}
        }
    }
    if !want.prune {
        return;
    }
    for (target, l) in live {
        if !want.items.contains_key(target) {
            let mut c = ctx.change(address(target), Action::Delete, attr_fields(Some(l), None));
            c.note = Some("not in manifest; prune".to_owned());
            changes.push(c);
        }
    }
}

fn value_of(v: &MappingValue) -> Value {
    match v {
        MappingValue::Expression(e) => Value::Expression(e.clone()),
        other => Value::Text(other.text().to_owned()),
    }
}

/// Field changes between two attribute mappings (either side may be absent).
fn attr_fields(
    before: Option<&AttributeMapping>,
    after: Option<&AttributeMapping>,
) -> Vec<FieldChange> {
    let mut fields = Vec::new();
    let bv = before.map(|a| &a.value);
    let av = after.map(|a| &a.value);
    if bv != av {
        let same_kind = matches!((bv, av), (Some(b), Some(a)) if b.kind_name() == a.kind_name());
        if same_kind || bv.is_none() || av.is_none() {
            let name = av.or(bv).map_or("source", MappingValue::kind_name);
            fields.push(FieldChange::new(
                name,
                bv.map_or(Value::Unset, value_of),
                av.map_or(Value::Unset, value_of),
            ));
        } else if let (Some(b), Some(a)) = (bv, av) {
            fields.push(FieldChange::new(b.kind_name(), value_of(b), Value::Unset));
            fields.push(FieldChange::new(a.kind_name(), Value::Unset, value_of(a)));
        }
    }
    let bd = before.and_then(|a| a.default.as_deref());
    let ad = after.and_then(|a| a.default.as_deref());
    if bd != ad {
        fields.push(FieldChange::new(
            "default",
            Value::opt_text(bd),
            Value::opt_text(ad),
        ));
    }
    let prio = |a: Option<&AttributeMapping>| match a.map(|a| a.matching_priority) {
        None | Some(0) => Value::Unset,
        Some(n) => Value::Number(u64::from(n)),
    };
    if prio(before) != prio(after) {
        fields.push(FieldChange::new(
            "matchingPriority",
            prio(before),
            prio(after),
        ));
    }
    let apply = |a: Option<&AttributeMapping>| match a.map(|a| &a.apply) {
        None => Value::Unset,
        Some(m) => Value::Text(m.manifest_name().to_owned()),
    };
    let default_apply = |a: Option<&AttributeMapping>| {
        a.is_none_or(|a| a.apply == crate::plan::model::ApplyMode::Always)
    };
    if apply(before) != apply(after) && !(default_apply(before) && default_apply(after)) {
        fields.push(FieldChange::new("apply", apply(before), apply(after)));
    }
    fields
}

fn diff_filters(
    ctx: &Ctx<'_>,
    want: &DesiredList<ScopingFilter>,
    live: &BTreeMap<String, ScopingFilter>,
    changes: &mut Vec<Change>,
) {
    let address = |name: &str| Address::ScopingFilter {
        label: ctx.label.to_owned(),
        name: name.to_owned(),
    };
    let clauses = |f: Option<&ScopingFilter>| f.map_or(Value::Unset, |f| Value::Text(f.describe()));
    let had_filters = !live.is_empty();
    for (name, w) in &want.items {
        let l = live.get(name);
        if l.is_some_and(|l| l.same_clauses(w)) {
            continue;
        }
        let action = if l.is_some() {
            Action::Update
        } else {
            Action::Create
        };
        let mut c = ctx.change(
            address(name),
            action,
            vec![FieldChange::new("clauses", clauses(l), clauses(Some(w)))],
        );
        c.warnings.extend(filter_warning(l, w, had_filters));
        changes.push(c);
    }
    if !want.prune {
        return;
    }
    let remaining = want.items.len();
    for (name, l) in live {
        if want.items.contains_key(name) {
            continue;
        }
        let mut c = ctx.change(
            address(name),
            Action::Delete,
            vec![FieldChange::new("clauses", clauses(Some(l)), Value::Unset)],
        );
        c.note = Some("not in manifest; prune".to_owned());
        if remaining > 0 {
            c.warnings.push(
                "removes a scoping filter while others remain (filters are OR-ed): objects \
                 only this filter matched leave the scope and are deprovisioned"
                    .to_owned(),
            );
        }
        changes.push(c);
    }
}

/// The warning for a filter created or changed; none when a filter only loses clauses
/// (that widens the scope).
fn filter_warning(
    live: Option<&ScopingFilter>,
    want: &ScopingFilter,
    had_filters: bool,
) -> Option<String> {
    let text = match live {
        None if !had_filters => {
            "adds scoping where there was none: objects that match no scoping filter leave \
             the scope and are deprovisioned at the next cycle (a full re-evaluation)"
        }
        None => "adds a scoping filter: the next cycle re-evaluates everyone in scope",
        Some(l) if want.clause_keys().is_subset(&l.clause_keys()) => return None,
        Some(_) => {
            "tightens a scoping filter: objects that no longer match leave the scope and are \
             deprovisioned at the next cycle"
        }
    };
    Some(text.to_owned())
}
