//! `app`, `assignment[…]`, `job`, ordering and fresh tenants.

use entraprov::plan::change::{Action, Address, Target, Value};
use entraprov::plan::model::PrincipalKind;
use entraprov::plan::state::{AppCandidate, DesiredAssignment};
use entraprov::plan::{Step, diff};

use super::fixtures::*;
use super::{lines, only};

#[test]
fn matching_state_gives_an_empty_plan() {
    let plan = diff(&desired(), &observed());
    assert!(plan.is_empty(), "{:#?}", lines(&plan));
    assert!(plan.warnings.is_empty());
    assert_eq!(
        plan.service_principal_id.as_ref().map(|s| s.as_str()),
        Some(SP)
    );
}

#[test]
fn fresh_tenant_plans_everything_as_create_in_apply_order() {
    let plan = diff(&desired(), &fresh());
    assert_eq!(
        lines(&plan),
        [
            "+ app",
            "+ assignment[group:Keeper Users → User]",
            "+ assignment[user:alice@contoso.com → User]",
            "+ job",
            "+ credentials",
            "+ settings",
            "+ mapping[groups]",
            "+ mapping[groups].attribute[displayName]",
            "+ mapping[groups].attribute[members]",
            "+ mapping[users]",
            "+ mapping[users].attribute[active]",
            "+ mapping[users].attribute[displayName]",
            "+ mapping[users].attribute[emails[type eq \"work\"].value]",
            "+ mapping[users].attribute[externalId]",
            "+ mapping[users].attribute[name.familyName]",
            "+ mapping[users].attribute[name.givenName]",
            "+ mapping[users].attribute[userName]",
            "+ mapping[users].scopingFilter[Engineering only]",
            "~ state",
        ]
    );
    let steps: Vec<Step> = plan.changes.iter().map(|c| c.step()).collect();
    let mut sorted = steps.clone();
    sorted.sort();
    assert_eq!(steps, sorted, "changes are in apply-step order");
    let s = plan.summary();
    assert_eq!((s.add, s.change, s.remove), (18, 1, 0));
}

#[test]
fn app_create_names_the_gallery_and_carries_the_identity_tag() {
    let plan = diff(&desired(), &fresh());
    let app = &plan.changes[0];
    assert_eq!(
        app.note.as_deref(),
        Some("from gallery \"Keeper Password Manager & Digital Vault\"")
    );
    match &app.target {
        Target::App {
            template_id,
            add_tags,
            service_principal_id,
            ..
        } => {
            assert_eq!(
                template_id.as_ref().map(|t| t.as_str()),
                Some("tmpl-keeper")
            );
            assert_eq!(add_tags, &["entraprov:keeper-prod".to_owned()]);
            assert!(service_principal_id.is_none());
        }
        other => panic!("unexpected target {other:?}"),
    }
}

#[test]
fn untagged_lookalike_app_is_reported_not_adopted() {
    let mut o = fresh();
    o.untagged_candidates.push(AppCandidate {
        service_principal_id: "sp-x".into(),
        app_id: "app-x".into(),
        display_name: "Keeper (prod)".into(),
    });
    let plan = diff(&desired(), &o);
    assert_eq!(plan.changes[0].action, Action::Create);
    assert_eq!(plan.warnings.len(), 1);
    assert!(plan.warnings[0].contains("app-x") && plan.warnings[0].contains("app.appId"));
}

#[test]
fn app_rename_is_an_update_with_before_and_after() {
    let mut o = observed();
    o.app.as_mut().unwrap().display_name = "Keeper".into();
    let plan = diff(&desired(), &o);
    let c = only(&plan);
    assert_eq!((c.action, &c.address), (Action::Update, &Address::App));
    assert_eq!(c.fields[0].name, "displayName");
    assert_eq!(c.fields[0].before, Value::Text("Keeper".into()));
    assert_eq!(c.fields[0].after, Value::Text("Keeper (prod)".into()));
}

#[test]
fn app_adopted_by_app_id_gets_the_identity_tag() {
    let mut o = observed();
    o.app.as_mut().unwrap().tags.remove("entraprov:keeper-prod");
    let plan = diff(&desired(), &o);
    let c = only(&plan);
    assert_eq!(c.action, Action::Update);
    assert_eq!(c.note.as_deref(), Some("adopt app app-0001"));
    assert!(
        matches!(&c.target, Target::App { add_tags, .. } if add_tags == &["entraprov:keeper-prod".to_owned()])
    );
}

#[test]
fn app_from_another_template_warns_and_changes_nothing() {
    let mut o = observed();
    o.app.as_mut().unwrap().template_id = Some("other".into());
    let plan = diff(&desired(), &o);
    assert!(plan.is_empty());
    assert!(plan.warnings[0].contains("cannot change"));
}

#[test]
fn missing_assignment_is_created_with_resolved_ids() {
    let mut o = observed();
    o.assignments.retain(|a| a.id.as_str() != "as-1");
    let plan = diff(&desired(), &o);
    let c = only(&plan);
    assert_eq!(c.action, Action::Create);
    assert_eq!(
        c.address.to_string(),
        "assignment[group:Keeper Users → User]"
    );
    match &c.target {
        Target::Assignment {
            principal_id,
            role_id,
            principal_kind,
            ..
        } => {
            assert_eq!(principal_id.as_ref().unwrap().as_str(), "g-users");
            assert_eq!(role_id.as_ref().unwrap().as_str(), "role-user");
            assert_eq!(*principal_kind, PrincipalKind::Group);
        }
        other => panic!("unexpected target {other:?}"),
    }
}

#[test]
fn undeclared_assignment_is_pruned_with_a_warning() {
    let mut o = observed();
    o.assignments.push(live_assignment(
        "as-9",
        PrincipalKind::User,
        "u-bob",
        "bob@contoso.com",
        "role-user",
    ));
    let plan = diff(&desired(), &o);
    let c = only(&plan);
    assert_eq!(c.action, Action::Delete);
    assert_eq!(
        c.address.to_string(),
        "assignment[user:bob@contoso.com → User]"
    );
    assert_eq!(c.note.as_deref(), Some("not in manifest; prune"));
    assert!(c.warnings[0].contains("deprovisioned"));
    assert!(
        matches!(&c.target, Target::Assignment { assignment_id: Some(id), .. } if id.as_str() == "as-9")
    );
}

#[test]
fn prune_false_keeps_undeclared_assignments() {
    let mut d = desired();
    d.assignments.as_mut().unwrap().prune = false;
    let mut o = observed();
    o.assignments.push(live_assignment(
        "as-9",
        PrincipalKind::User,
        "u-bob",
        "bob@contoso.com",
        "role-user",
    ));
    assert!(diff(&d, &o).is_empty());
}

#[test]
fn role_change_adds_the_new_role_then_removes_the_old_one_even_without_prune() {
    let mut d = desired();
    let a = d.assignments.as_mut().unwrap();
    a.prune = false;
    a.items[1].role = "Admin".into();
    let plan = diff(&d, &observed());
    assert_eq!(
        lines(&plan),
        [
            "+ assignment[user:alice@contoso.com → Admin]",
            "- assignment[user:alice@contoso.com → User]",
        ]
    );
    assert_eq!(plan.changes[1].note.as_deref(), Some("role changed"));
    assert!(plan.changes[1].warnings.is_empty(), "alice stays assigned");
    assert_eq!(plan.changes[0].step(), Step::AssignmentsCreate);
    assert_eq!(plan.changes[1].step(), Step::AssignmentsDelete);
}

#[test]
fn duplicate_declarations_plan_one_assignment() {
    let mut d = desired();
    let a = d.assignments.as_mut().unwrap();
    a.items.push(DesiredAssignment {
        principal: alice(),
        role: "User".into(),
    });
    assert!(diff(&d, &observed()).is_empty());
}

#[test]
fn assignments_not_declared_at_all_are_never_touched() {
    let mut d = desired();
    d.assignments = None;
    let mut o = observed();
    o.assignments.push(live_assignment(
        "as-9",
        PrincipalKind::User,
        "u-bob",
        "bob@contoso.com",
        "role-user",
    ));
    assert!(diff(&d, &o).is_empty());
}

#[test]
fn default_access_assignment_is_shown_by_name_when_pruned() {
    let mut o = observed();
    o.assignments.push(live_assignment(
        "as-9",
        PrincipalKind::User,
        "u-bob",
        "bob@contoso.com",
        "00000000-0000-0000-0000-000000000000",
    ));
    let plan = diff(&desired(), &o);
    assert_eq!(
        only(&plan).address.to_string(),
        "assignment[user:bob@contoso.com → Default Access]"
    );
}

#[test]
fn missing_job_is_created_and_existing_job_is_left_alone() {
    let mut o = observed();
    o.job = None;
    let plan = diff(&desired(), &o);
    assert!(lines(&plan).contains(&"+ job".to_owned()));
    let mut d = desired();
    d.provisioning = None;
    assert!(
        diff(&d, &o).is_empty(),
        "no provisioning section: job never touched"
    );
}

#[test]
fn diff_is_deterministic() {
    let a = diff(&desired(), &fresh());
    let b = diff(&desired(), &fresh());
    assert_eq!(a, b);
    let mut o = fresh();
    o.principals.reverse();
    assert_eq!(lines(&diff(&desired(), &o)), lines(&a));
}

#[test]
fn nothing_is_deprovisioned_before_a_job_exists() {
    let mut o = observed();
    o.job = None;
    o.assignments.push(live_assignment(
        "as-9",
        PrincipalKind::User,
        "u-bob",
        "bob@contoso.com",
        "role-user",
    ));
    let plan = diff(&desired(), &o);
    assert!(lines(&plan).contains(&"- assignment[user:bob@contoso.com → User]".to_owned()));
    assert!(plan.changes.iter().all(|c| c.warnings.is_empty()));
}
