//! `mapping[…].targetAttribute[…]` / `.sourceAttribute[…]`: attribute lists.

use entraprov::plan::change::{Action, Value};
use entraprov::plan::diff;
use entraprov::plan::model::{AttributeDef, ObservedAttributeList, Side};
use entraprov::plan::state::{DesiredList, ObservedState};

use super::fixtures::*;
use super::{lines, only};

const USER_TARGET: &str = "urn:ietf:params:scim:schemas:core:2.0:User";

fn def(name: &str) -> AttributeDef {
    AttributeDef {
        name: name.into(),
        kind: "String".into(),
        ..AttributeDef::default()
    }
}

/// The live target list of the users mapping: `userName` from the template, `nickName` and
/// `costCenter` added.
fn with_target_list(o: &mut ObservedState) {
    o.attribute_lists.push(ObservedAttributeList {
        source_object: "User".into(),
        target_object: USER_TARGET.into(),
        side: Side::Target,
        directory: "Keeper".into(),
        object: "User".into(),
        attributes: ["userName", "nickName", "costCenter"]
            .into_iter()
            .map(|n| (n.to_owned(), def(n)))
            .collect(),
        added: Some(["nickName".to_owned(), "costCenter".to_owned()].into()),
    });
}

fn declare(d: &mut entraprov::plan::state::DesiredState, prune: bool, names: &[AttributeDef]) {
    desired_users(d).target_attributes = Some(DesiredList {
        prune,
        items: names.iter().map(|a| (a.name.clone(), a.clone())).collect(),
    });
}

#[test]
fn a_declared_attribute_is_created_then_matches() {
    let mut d = desired();
    declare(&mut d, false, &[def("nickName")]);
    let plan = diff(&d, &observed());
    let c = only(&plan);
    assert_eq!(
        c.address.to_string(),
        "mapping[users].targetAttribute[nickName]"
    );
    assert_eq!(c.action, Action::Create);
    assert_eq!(c.fields[0].after, Value::Text("String".into()));
    let mut o = observed();
    with_target_list(&mut o);
    assert!(diff(&d, &o).is_empty(), "{:?}", lines(&diff(&d, &o)));
}

#[test]
fn a_changed_field_is_an_update_of_that_field() {
    let mut d = desired();
    let mut nick = def("nickName");
    nick.case_exact = true;
    declare(&mut d, false, &[nick]);
    let mut o = observed();
    with_target_list(&mut o);
    let plan = diff(&d, &o);
    let c = only(&plan);
    assert_eq!(c.action, Action::Update);
    assert_eq!(c.fields.len(), 1);
    assert_eq!(c.fields[0].name, "caseExact");
}

#[test]
fn prune_removes_only_added_attributes_that_no_mapping_uses() {
    let mut o = observed();
    with_target_list(&mut o);
    // Without prune nothing goes.
    let mut d = desired();
    declare(&mut d, false, &[]);
    assert!(diff(&d, &o).is_empty());
    // With prune the added, unused costCenter goes; the template's userName stays.
    let mut d = desired();
    declare(&mut d, true, &[def("nickName")]);
    let plan = diff(&d, &o);
    assert_eq!(
        lines(&plan),
        ["- mapping[users].targetAttribute[costCenter]"]
    );
    assert_eq!(
        plan.changes[0].note.as_deref(),
        Some("not in manifest; prune")
    );
    // An attribute mapping still targets costCenter: it is kept, with a warning.
    let mut d = desired();
    declare(&mut d, true, &[def("nickName")]);
    let users = desired_users(&mut d);
    let mut mapping = user_attributes()[0].clone();
    mapping.target = "costCenter".into();
    mapping.matching_priority = 0;
    let attrs = users.attributes.as_mut().expect("attributes");
    attrs.items.insert("costCenter".into(), mapping);
    let plan = diff(&d, &o);
    assert!(
        !lines(&plan).iter().any(|l| l.contains("targetAttribute")),
        "{:?}",
        lines(&plan)
    );
    assert!(
        plan.warnings
            .iter()
            .any(|w| w.contains("costCenter") && w.contains("kept")),
        "{:?}",
        plan.warnings
    );
}

#[test]
fn a_live_mapping_the_manifest_keeps_also_keeps_its_attribute() {
    let mut o = observed();
    with_target_list(&mut o);
    let mut live = user_attributes()[0].clone();
    live.target = "costCenter".into();
    live.matching_priority = 0;
    users_mapping(&mut o)
        .attributes
        .insert("costCenter".into(), live);
    let mut d = desired();
    declare(&mut d, true, &[def("nickName")]);
    // The manifest does not list the attribute mappings: the live ones stay, and so does
    // the attribute costCenter they map to.
    desired_users(&mut d).attributes = None;
    let plan = diff(&d, &o);
    assert!(plan.is_empty(), "{:?}", lines(&plan));
    assert!(
        plan.warnings
            .iter()
            .any(|w| w.contains("attribute[costCenter]"))
    );
}
