//! Property: executing a plan's targets (a model of apply, on the normalised state) yields a
//! state whose plan is empty. This proves plans carry everything apply needs and that the
//! diff converges, for random combinations of drift.

use entraprov::plan::change::{Action, Target};
use entraprov::plan::fingerprint::{token_fingerprint, token_tag};
use entraprov::plan::model::*;
use entraprov::plan::state::*;
use entraprov::plan::{Plan, diff};
use proptest::prelude::*;
use secrecy::SecretString;

use super::fixtures::*;

fn template_roles() -> Vec<AppRole> {
    observed().app.unwrap().roles
}

fn mapping_mut<'a>(o: &'a mut ObservedState, source: &str, target: &str) -> &'a mut ObjectMapping {
    if let Some(i) = o.mappings.iter().position(|m| m.maps(source, target)) {
        return &mut o.mappings[i];
    }
    o.mappings.push(ObjectMapping {
        source_object: source.into(),
        target_object: target.into(),
        enabled: true,
        flow_types: all_flows(),
        attributes: Default::default(),
        scoping_filters: Default::default(),
    });
    o.mappings.last_mut().unwrap()
}

/// A model of apply on the normalised state.
fn apply_model(plan: &Plan, token: &SecretString, mut o: ObservedState) -> ObservedState {
    for c in &plan.changes {
        match (&c.target, c.action) {
            (
                Target::App {
                    display_name,
                    template_id,
                    add_tags,
                    ..
                },
                action,
            ) => {
                if action == Action::Create {
                    o.app = Some(ObservedApp {
                        service_principal_id: "sp-new".into(),
                        app_id: "app-new".into(),
                        display_name: display_name.clone(),
                        template_id: template_id.clone(),
                        tags: Default::default(),
                        roles: template_roles(),
                    });
                }
                let app = o.app.as_mut().unwrap();
                app.display_name = display_name.clone();
                app.tags.extend(add_tags.iter().cloned());
            }
            (
                Target::Assignment {
                    principal_kind,
                    principal_id,
                    role,
                    role_id,
                    assignment_id,
                },
                action,
            ) => {
                if action == Action::Delete {
                    o.assignments
                        .retain(|a| Some(&a.id) != assignment_id.as_ref());
                    continue;
                }
                let roles = &o.app.as_ref().unwrap().roles;
                let rid = role_id
                    .clone()
                    .unwrap_or_else(|| resolve_role(roles, role).unwrap().id.clone());
                let pid = principal_id.clone().unwrap();
                let n = o.assignments.len();
                o.assignments.push(ObservedAssignment {
                    id: format!("as-new-{n}").into(),
                    principal_kind: *principal_kind,
                    principal_id: pid,
                    principal_name: "x".into(),
                    role_id: rid,
                });
            }
            (Target::Job { .. }, _) => {
                o.job = Some(ObservedJob {
                    id: "job-new".into(),
                    template_id: "t".into(),
                    state: RunState::Off,
                });
            }
            (
                Target::Credentials {
                    tenant_url,
                    set_token,
                    token_fingerprint: fp,
                    ..
                },
                _,
            ) => {
                if let Some(u) = tenant_url {
                    o.credentials.tenant_url = Some(u.clone());
                }
                if *set_token {
                    let app = o.app.as_mut().unwrap();
                    let fp = fp
                        .clone()
                        .unwrap_or_else(|| token_fingerprint(&app.service_principal_id, token));
                    app.tags
                        .retain(|t| !t.starts_with("entraprov:token-sha256="));
                    app.tags.insert(token_tag(&fp));
                    o.credentials.token = TokenState::Known { fingerprint: fp };
                }
            }
            (Target::Settings { desired }, _) => {
                let s = &mut o.settings;
                macro_rules! merge { ($($f:ident),*) => { $( if desired.$f.is_some() { s.$f = desired.$f.clone(); } )* } }
                merge!(
                    scope,
                    notification_email,
                    on_failure,
                    deletion_threshold_enabled,
                    deletion_threshold,
                    skip_out_of_scope_deletions
                );
            }
            (
                Target::Mapping {
                    source_object,
                    target_object,
                    enabled,
                    flow_types,
                },
                _,
            ) => {
                let m = mapping_mut(&mut o, source_object, target_object);
                if let Some(e) = enabled {
                    m.enabled = *e;
                }
                if let Some(f) = flow_types {
                    m.flow_types = f.iter().cloned().collect();
                }
            }
            (
                Target::Attribute {
                    source_object,
                    target_object,
                    desired,
                },
                _,
            ) => {
                let m = mapping_mut(&mut o, source_object, target_object);
                let target = match &c.address {
                    entraprov::plan::Address::Attribute { target, .. } => target.clone(),
                    _ => unreachable!(),
                };
                match desired {
                    Some(a) => {
                        m.attributes.insert(target, a.clone());
                    }
                    None => {
                        m.attributes.remove(&target);
                    }
                }
            }
            (
                Target::ScopingFilter {
                    source_object,
                    target_object,
                    desired,
                },
                _,
            ) => {
                let m = mapping_mut(&mut o, source_object, target_object);
                let name = match &c.address {
                    entraprov::plan::Address::ScopingFilter { name, .. } => name.clone(),
                    _ => unreachable!(),
                };
                match desired {
                    Some(f) => {
                        m.scoping_filters.insert(name, f.clone());
                    }
                    None => {
                        m.scoping_filters.remove(&name);
                    }
                }
            }
            (
                Target::Definition {
                    source_object,
                    target_object,
                    side,
                    desired,
                },
                _,
            ) => {
                let name = match &c.address {
                    entraprov::plan::Address::Definition { name, .. } => name.clone(),
                    _ => unreachable!(),
                };
                let pos = o.attribute_lists.iter().position(|l| {
                    l.side == *side
                        && l.source_object == *source_object
                        && l.target_object == *target_object
                });
                let i = pos.unwrap_or_else(|| {
                    o.attribute_lists
                        .push(entraprov::plan::model::ObservedAttributeList {
                            source_object: source_object.clone(),
                            target_object: target_object.clone(),
                            side: *side,
                            added: Some(Default::default()),
                            ..Default::default()
                        });
                    o.attribute_lists.len() - 1
                });
                let list = &mut o.attribute_lists[i];
                match desired {
                    Some(d) => {
                        list.attributes.insert(name.clone(), d.clone());
                        if let Some(a) = list.added.as_mut() {
                            a.insert(name);
                        }
                    }
                    None => {
                        list.attributes.remove(&name);
                        if let Some(a) = list.added.as_mut() {
                            a.remove(&name);
                        }
                    }
                }
            }
            (Target::State { desired, .. }, _) => {
                o.job.as_mut().unwrap().state = *desired;
            }
        }
    }
    o
}

type Drift = fn(&mut ObservedState);

const DRIFTS: &[Drift] = &[
    |o| o.app.as_mut().unwrap().display_name = "Old".into(),
    |o| {
        o.app.as_mut().unwrap().tags.clear();
    },
    |o| o.assignments.clear(),
    |o| {
        o.assignments.push(live_assignment(
            "as-x",
            PrincipalKind::User,
            "u-x",
            "x@contoso.com",
            "role-user",
        ))
    },
    |o| {
        if let Some(a) = o.assignments.get_mut(1) {
            a.role_id = "role-admin".into();
        }
    },
    |o| o.credentials.tenant_url = None,
    |o| o.credentials.token = TokenState::Unknown,
    |o| o.settings = Settings::default(),
    |o| o.settings.scope = Some(Scope::All),
    |o| o.job.as_mut().unwrap().state = RunState::Off,
    |o| o.mappings[0].enabled = false,
    |o| {
        o.mappings[0].flow_types.remove(&FlowType::Delete);
    },
    |o| {
        o.mappings[0].attributes.remove("userName");
    },
    |o| {
        o.mappings[0]
            .attributes
            .insert("title".into(), attr("title", src("jobTitle")));
    },
    |o| {
        o.mappings[0].attributes.get_mut("active").unwrap().value =
            MappingValue::Constant("True".into())
    },
    |o| o.mappings[0].scoping_filters.clear(),
    |o| {
        o.mappings[0].scoping_filters.insert(
            "Sales".into(),
            ScopingFilter::new("Sales", vec![clause("department", "EQUALS", &["Sales"])]),
        );
    },
    |o| {
        o.mappings.remove(1);
    },
];

proptest! {
    #![proptest_config(ProptestConfig { failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn applying_a_plan_converges(mask in prop::collection::vec(any::<bool>(), DRIFTS.len()), from_scratch in any::<bool>()) {
        let d = desired();
        let mut o = if from_scratch { fresh() } else { observed() };
        if !from_scratch {
            for (drift, on) in DRIFTS.iter().zip(&mask) {
                if *on {
                    drift(&mut o);
                }
            }
        }
        let plan = diff(&d, &o);
        let after = apply_model(&plan, &token(), o);
        let again = diff(&d, &after);
        prop_assert!(again.is_empty(), "left over: {:#?}", super::lines(&again));
        // And the plan is idempotent: planning twice gives the same plan.
        prop_assert_eq!(diff(&d, &after), again);
    }
}
