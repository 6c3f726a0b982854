//! `mapping[…]`, `attribute[…]`, `scopingFilter[…]` and the normalisation rules.

use std::collections::BTreeSet;

use entraprov::plan::change::{Action, Target, Value};
use entraprov::plan::diff;
use entraprov::plan::model::{ApplyMode, FlowType, MappingValue, ScopingFilter, parse_flow_types};

use super::fixtures::*;
use super::{lines, only};

#[test]
fn disabling_a_mapping_is_an_update_with_a_warning() {
    let mut d = desired();
    desired_users(&mut d).enabled = Some(false);
    let plan = diff(&d, &observed());
    let c = only(&plan);
    assert_eq!(c.address.to_string(), "mapping[users]");
    assert_eq!(c.fields[0].before, Value::Bool(true));
    assert!(c.warnings[0].contains("disables the mapping"));
}

#[test]
fn enabling_a_mapping_does_not_warn() {
    let mut o = observed();
    users_mapping(&mut o).enabled = false;
    let plan = diff(&desired(), &o);
    assert!(only(&plan).warnings.is_empty());
}

#[test]
fn actions_change_lists_before_and_after() {
    let mut d = desired();
    desired_users(&mut d).flow_types =
        Some([FlowType::Add, FlowType::Update].into_iter().collect());
    let plan = diff(&d, &observed());
    let c = only(&plan);
    assert_eq!(c.fields[0].name, "actions");
    assert_eq!(
        c.fields[0].before,
        Value::List(vec!["create".into(), "update".into(), "delete".into()])
    );
    assert_eq!(
        c.fields[0].after,
        Value::List(vec!["create".into(), "update".into()])
    );
}

#[test]
fn flow_types_are_split_and_trimmed() {
    let a = parse_flow_types("Add, Update, Delete");
    let b = parse_flow_types("Delete,Add ,Update,");
    assert_eq!(a, b);
    assert_eq!(a, all_flows());
}

#[test]
fn mapping_missing_from_live_schema_is_created_and_warned() {
    let mut o = observed();
    o.mappings.remove(1);
    let plan = diff(&desired(), &o);
    assert_eq!(
        lines(&plan),
        [
            "+ mapping[groups]",
            "+ mapping[groups].attribute[displayName]",
            "+ mapping[groups].attribute[members]",
        ]
    );
    assert!(plan.warnings[0].contains("Group → Group"));
}

#[test]
fn attribute_added() {
    let mut o = observed();
    users_mapping(&mut o).attributes.remove("displayName");
    let plan = diff(&desired(), &o);
    let c = only(&plan);
    assert_eq!(
        (c.action, c.address.to_string().as_str()),
        (Action::Create, "mapping[users].attribute[displayName]")
    );
    assert_eq!(c.fields[0].name, "source");
    assert_eq!(c.fields[0].after, Value::Text("displayName".into()));
    assert!(
        matches!(&c.target, Target::Attribute { desired: Some(a), .. } if a.target == "displayName")
    );
}

#[test]
fn attribute_source_changed() {
    let mut o = observed();
    users_mapping(&mut o)
        .attributes
        .get_mut("emails[type eq \"work\"].value")
        .unwrap()
        .value = src("mail");
    let plan = diff(&desired(), &o);
    let c = only(&plan);
    assert_eq!(c.action, Action::Update);
    assert_eq!(c.fields.len(), 1);
    assert_eq!(
        (c.fields[0].before.clone(), c.fields[0].after.clone()),
        (
            Value::Text("mail".into()),
            Value::Text("userPrincipalName".into())
        )
    );
}

#[test]
fn attribute_kind_change_shows_old_and_new_kind() {
    let mut o = observed();
    users_mapping(&mut o)
        .attributes
        .get_mut("externalId")
        .unwrap()
        .value = src("objectId");
    let plan = diff(&desired(), &o);
    let names: Vec<_> = only(&plan).fields.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["source", "constant"]);
}

#[test]
fn attribute_expression_change_is_an_expression_value() {
    let mut o = observed();
    users_mapping(&mut o)
        .attributes
        .get_mut("active")
        .unwrap()
        .value = MappingValue::from_expression(
        "Switch([IsSoftDeleted], , \"False\", \"True\", \"True\", \"True\")",
    );
    let plan = diff(&desired(), &o);
    assert!(matches!(only(&plan).fields[0].before, Value::Expression(_)));
}

#[test]
fn attribute_default_priority_and_apply_changes() {
    let mut o = observed();
    let m = users_mapping(&mut o);
    m.attributes.get_mut("name.familyName").unwrap().default = None;
    m.attributes.get_mut("userName").unwrap().matching_priority = 2;
    m.attributes.get_mut("name.givenName").unwrap().apply = ApplyMode::Always;
    let plan = diff(&desired(), &o);
    let fields: Vec<String> = plan
        .changes
        .iter()
        .map(|c| format!("{}:{}", c.address, c.fields[0].name))
        .collect();
    assert_eq!(
        fields,
        [
            "mapping[users].attribute[name.familyName]:default",
            "mapping[users].attribute[name.givenName]:apply",
            "mapping[users].attribute[userName]:matchingPriority",
        ]
    );
}

#[test]
fn undeclared_attribute_is_pruned() {
    let mut o = observed();
    users_mapping(&mut o)
        .attributes
        .insert("title".into(), attr("title", src("jobTitle")));
    let plan = diff(&desired(), &o);
    let c = only(&plan);
    assert_eq!(c.action, Action::Delete);
    assert_eq!(c.note.as_deref(), Some("not in manifest; prune"));
    assert!(matches!(&c.target, Target::Attribute { desired: None, .. }));
}

#[test]
fn prune_false_keeps_undeclared_attributes() {
    let mut d = desired();
    desired_users(&mut d).attributes.as_mut().unwrap().prune = false;
    let mut o = observed();
    users_mapping(&mut o)
        .attributes
        .insert("title".into(), attr("title", src("jobTitle")));
    assert!(diff(&d, &o).is_empty());
}

#[test]
fn attributes_not_declared_are_never_touched() {
    let mut d = desired();
    desired_users(&mut d).attributes = None;
    desired_users(&mut d).scoping_filters = None;
    let mut o = observed();
    users_mapping(&mut o).attributes.clear();
    users_mapping(&mut o).scoping_filters.clear();
    assert!(diff(&d, &o).is_empty());
}

#[test]
fn expression_whitespace_is_not_a_change() {
    let mut o = observed();
    users_mapping(&mut o)
        .attributes
        .get_mut("active")
        .unwrap()
        .value = MappingValue::from_expression(
        "Switch( [IsSoftDeleted],,\"False\",\"True\",  \"True\" ,\"False\" )",
    );
    assert!(diff(&desired(), &o).is_empty());
}

#[test]
fn constant_source_and_null_source_with_default_are_the_same_constant() {
    use entraprov::plan::graph_json::normalise_source;
    let via_default = normalise_source(None, Some("contoso"), "s").unwrap();
    let constant = serde_json::json!({"type":"Constant","name":"contoso","expression":"\"contoso\"","parameters":[]});
    let via_constant = normalise_source(Some(&constant), None, "s").unwrap();
    assert_eq!(via_default, via_constant);
    assert_eq!(via_default.0, MappingValue::constant("contoso"));
    let expr_literal = MappingValue::from_expression("\"contoso\"");
    assert_eq!(expr_literal, via_default.0);
}

#[test]
fn boolean_constants_fold_and_only_boolean_filter_operands_do() {
    assert_eq!(
        MappingValue::constant("true"),
        MappingValue::constant("True")
    );
    let mut o = observed();
    let f = users_mapping(&mut o)
        .scoping_filters
        .get_mut("Engineering only")
        .unwrap();
    *f = ScopingFilter::new(
        "Engineering only",
        vec![
            clause("accountEnabled", "is true", &[]),
            clause("department", "EQUALS", &["Engineering"]),
        ],
    );
    assert!(
        diff(&desired(), &o).is_empty(),
        "clause order and operator case do not matter"
    );
    // Changed by #14: operands are verbatim (EQUALS on a string is case-sensitive); only
    // those of Boolean attributes are folded, by the schema's types (observe does that).
    let verbatim = clause("flag", "EQUALS", &["true"]);
    assert_eq!(verbatim.values, ["true"]);
    let mut f = ScopingFilter::new(
        "f",
        vec![verbatim, clause("department", "EQUALS", &["true"])],
    );
    f.fold_booleans(|a| a == "flag");
    let values: Vec<(&str, &str)> = f
        .clauses
        .iter()
        .map(|c| (c.attribute.as_str(), c.values[0].as_str()))
        .collect();
    assert_eq!(values, [("department", "true"), ("flag", "True")]);
}

#[test]
fn attribute_expression_of_a_bare_attribute_equals_a_source() {
    assert_eq!(MappingValue::from_expression(" [mail] "), src("mail"));
}

#[test]
fn first_scoping_filter_added_warns_about_deprovisioning() {
    let mut o = observed();
    users_mapping(&mut o).scoping_filters.clear();
    let plan = diff(&desired(), &o);
    let c = only(&plan);
    assert_eq!(c.action, Action::Create);
    assert_eq!(
        c.address.to_string(),
        "mapping[users].scopingFilter[Engineering only]"
    );
    assert!(c.warnings[0].contains("deprovisioned"));
    assert_eq!(
        c.fields[0].after,
        Value::Text("accountEnabled IS TRUE and department EQUALS \"Engineering\"".into())
    );
}

#[test]
fn tightened_filter_warns_and_loosened_filter_does_not() {
    let mut o = observed();
    let live = users_mapping(&mut o)
        .scoping_filters
        .get_mut("Engineering only")
        .unwrap();
    live.clauses.retain(|c| c.attribute == "department");
    let plan = diff(&desired(), &o);
    let c = only(&plan);
    assert_eq!(c.action, Action::Update);
    assert!(c.warnings[0].contains("tightens"));

    let mut d = desired();
    let f = desired_users(&mut d)
        .scoping_filters
        .as_mut()
        .unwrap()
        .items
        .get_mut("Engineering only")
        .unwrap();
    f.clauses.retain(|c| c.attribute == "department");
    let plan = diff(&d, &observed());
    let c = only(&plan);
    assert_eq!(c.action, Action::Update);
    assert!(c.warnings.is_empty(), "{:?}", c.warnings);
}

#[test]
fn changed_filter_value_warns() {
    let mut d = desired();
    let f = desired_users(&mut d)
        .scoping_filters
        .as_mut()
        .unwrap()
        .items
        .get_mut("Engineering only")
        .unwrap();
    *f = ScopingFilter::new(
        "Engineering only",
        vec![clause("department", "EQUALS", &["Sales"])],
    );
    let plan = diff(&d, &observed());
    assert!(!only(&plan).warnings.is_empty());
}

#[test]
fn undeclared_filter_is_pruned_and_warns_only_when_others_remain() {
    let extra = ScopingFilter::new("Sales", vec![clause("department", "EQUALS", &["Sales"])]);
    let mut o = observed();
    users_mapping(&mut o)
        .scoping_filters
        .insert("Sales".into(), extra.clone());
    let plan = diff(&desired(), &o);
    let c = only(&plan);
    assert_eq!(c.action, Action::Delete);
    assert!(c.warnings[0].contains("OR"));

    let mut d = desired();
    desired_users(&mut d)
        .scoping_filters
        .as_mut()
        .unwrap()
        .items
        .clear();
    let plan = diff(&d, &observed());
    let c = only(&plan);
    assert_eq!(c.action, Action::Delete);
    assert!(
        c.warnings.is_empty(),
        "removing the only filter widens the scope"
    );
}

#[test]
fn prune_false_keeps_undeclared_filters() {
    let mut d = desired();
    desired_users(&mut d)
        .scoping_filters
        .as_mut()
        .unwrap()
        .prune = false;
    let mut o = observed();
    let extra = ScopingFilter::new("Sales", vec![clause("department", "EQUALS", &["Sales"])]);
    users_mapping(&mut o)
        .scoping_filters
        .insert("Sales".into(), extra);
    assert!(diff(&d, &o).is_empty());
}

#[test]
fn mapping_targets_carry_object_names_for_apply() {
    let mut o = observed();
    users_mapping(&mut o).attributes.remove("displayName");
    let plan = diff(&desired(), &o);
    match &only(&plan).target {
        Target::Attribute {
            source_object,
            target_object,
            ..
        } => {
            assert_eq!(
                (source_object.as_str(), target_object.as_str()),
                ("User", "User")
            );
        }
        other => panic!("{other:?}"),
    }
    let set: BTreeSet<_> = all_flows().into_iter().collect();
    assert_eq!(set.len(), 3);
}
