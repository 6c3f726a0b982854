//! Import without the network: observed states with values that are hard to set up in the
//! simulator → manifest → the manifest loader (validates clean) → the pure diff, which
//! must show only the token and the identity tag.

use std::collections::{BTreeMap, BTreeSet};

use crate::graph::auth::Env;
use crate::graph::wire::ServicePrincipal;
use crate::plan::model::{
    AppRole, ApplyMode, AttributeMapping, FilterClause, FlowType, MappingValue, ObjectMapping,
    PrincipalKind, PrincipalRef, RunState, ScopingFilter, Settings, TokenState,
};
use crate::plan::state::{
    ObservedApp, ObservedAssignment, ObservedCredentials, ObservedJob, ObservedState,
    ResolvedPrincipal,
};

use super::build::{Input, build};
use super::emit::to_yaml;
use super::find::{NameSource, TemplateChoice};
use super::{expected_change, load};

const SP: &str = "11111111-2222-3333-4444-555555555555";
const U1: &str = "00000000-0000-0000-0000-0000000000a1";
const G1: &str = "00000000-0000-0000-0000-0000000000b1";
const USER_ROLE: &str = "aaaaaaaa-0000-0000-0000-000000000001";

fn sp() -> ServicePrincipal {
    serde_json::from_value(serde_json::json!({
        "id": SP, "appId": "99999999-2222-3333-4444-555555555555",
        "displayName": "Odd app", "tags": []
    }))
    .expect("sp")
}

fn attr(target: &str, value: MappingValue, prio: u32, apply: ApplyMode) -> AttributeMapping {
    AttributeMapping {
        target: target.into(),
        value,
        default: None,
        matching_priority: prio,
        apply,
    }
}

fn assignment(
    kind: crate::plan::model::PrincipalKind,
    id: &str,
    name: &str,
    role: &str,
) -> ObservedAssignment {
    ObservedAssignment {
        id: format!("as-{id}").into(),
        principal_kind: kind,
        principal_id: id.into(),
        principal_name: name.into(),
        role_id: role.into(),
    }
}

fn observed() -> ObservedState {
    use crate::plan::model::PrincipalKind::{Group, User};
    let attrs = [
        attr(
            "userName",
            MappingValue::Attribute("userPrincipalName".into()),
            1,
            ApplyMode::Always,
        ),
        attr(
            "externalId",
            MappingValue::Attribute("objectId".into()),
            1,
            ApplyMode::Always,
        ),
        attr(
            "roles",
            MappingValue::Attribute("appRoleAssignments".into()),
            0,
            ApplyMode::Other("MultiValueAddOnly".into()),
        ),
        attr(
            "active",
            MappingValue::Constant("True".into()),
            0,
            ApplyMode::ObjectAddOnly,
        ),
        attr(
            "title",
            MappingValue::Expression("IIF(IsPresent([jobTitle]), [jobTitle], \"x: #1\")".into()),
            0,
            ApplyMode::Always,
        ),
    ];
    let filters = [
        ScopingFilter::new(
            "Odd operator",
            vec![FilterClause::new("x", "SOUNDS_LIKE", &["y".into()])],
        ),
        ScopingFilter::new(
            "Unary with value",
            vec![FilterClause::new(
                "accountEnabled",
                "IS_TRUE",
                &["True".into()],
            )],
        ),
        ScopingFilter::new(
            "Bits",
            vec![
                FilterClause::new("flags", "&", &["4".into()]),
                FilterClause::new("department", "IS_NULL", &[]),
            ],
        ),
    ];
    ObservedState {
        app: Some(ObservedApp {
            service_principal_id: SP.into(),
            app_id: "99999999-2222-3333-4444-555555555555".into(),
            display_name: "Odd app".into(),
            template_id: None,
            tags: BTreeSet::new(),
            roles: vec![AppRole {
                id: USER_ROLE.into(),
                value: None,
                display_name: "User".into(),
            }],
        }),
        assignments: vec![
            assignment(
                User,
                "00000000-0000-0000-0000-0000000000a1",
                "zed@contoso.example",
                USER_ROLE,
            ),
            assignment(Group, G1, G1, USER_ROLE),
            assignment(
                User,
                "00000000-0000-0000-0000-0000000000a2",
                "noone@contoso.example",
                crate::plan::model::DEFAULT_ACCESS_ROLE_ID,
            ),
        ],
        job: Some(ObservedJob {
            id: "job".into(),
            template_id: "scim".into(),
            state: RunState::Off,
        }),
        credentials: ObservedCredentials {
            tenant_url: Some("https://scim.example/v2".into()),
            token: TokenState::Unknown,
        },
        settings: Settings {
            deletion_threshold_enabled: Some(true),
            deletion_threshold: None,
            notification_email: Some(String::new()),
            on_failure: Some(true),
            ..Settings::default()
        },
        mappings: vec![
            ObjectMapping {
                source_object: "User".into(),
                target_object: "urn:ietf:params:scim:schemas:core:2.0:User".into(),
                enabled: true,
                flow_types: [FlowType::Add, FlowType::Other("Sync".into())].into(),
                attributes: attrs.into_iter().map(|a| (a.target.clone(), a)).collect(),
                scoping_filters: filters.into_iter().map(|f| (f.name.clone(), f)).collect(),
            },
            ObjectMapping {
                source_object: "Contact".into(),
                target_object: "Person".into(),
                enabled: false,
                flow_types: [FlowType::Add].into(),
                attributes: BTreeMap::new(),
                scoping_filters: BTreeMap::new(),
            },
        ],
        ..ObservedState::default()
    }
}

#[test]
fn values_without_manifest_form_are_left_out_and_the_diff_stays_empty() {
    let observed = observed();
    let sp = sp();
    let input = Input {
        sp: &sp,
        name: ("odd".into(), NameSource::Given),
        template: TemplateChoice::Id(super::find::NON_GALLERY_TEMPLATE.into(), "why".into()),
        observed: &observed,
        tenant: None,
        ambiguous_groups: BTreeMap::new(),
        token_var: "ODD_SCIM_TOKEN".into(),
        keeper: false,
    };
    let built = build(&input);
    let value = serde_json::to_value(&built.manifest).expect("json");
    let yaml = to_yaml(&value, &[], &built.layout);
    let loaded = load(&yaml).expect("loads");
    let (_, diags) = crate::manifest::load_str("odd.yaml", &yaml);
    assert!(diags.iter().all(|d| !d.is_error()), "{yaml}\n{diags:?}");
    let env = Env::default().with("ODD_SCIM_TOKEN", "t");
    let (desired, errors) = crate::observe::desired_state(&loaded, &env);
    assert!(errors.is_empty());
    let mut observed = observed;
    // What observe resolves for the manifest's references.
    let resolved = [
        (
            PrincipalRef::named(PrincipalKind::User, "zed@contoso.example"),
            U1,
        ),
        (PrincipalRef::by_id(PrincipalKind::Group, G1), G1),
    ];
    for (reference, id) in resolved {
        observed.principals.push(ResolvedPrincipal {
            reference,
            id: id.into(),
            display: String::new(),
        });
    }
    let plan = crate::plan::diff(&desired, &observed);
    let unexpected: Vec<String> = plan
        .changes
        .iter()
        .filter(|c| !expected_change(c))
        .map(|c| c.address.to_string())
        .collect();
    assert!(unexpected.is_empty(), "{yaml}\n{unexpected:?}");
    for left_out in [
        "roles (apply mode MultiValueAddOnly)",
        "userName (matching priority 1 is used twice)",
        "\"Odd operator\" (unknown operator SOUNDS_LIKE)",
        "\"Unary with value\" (isTrue with 1 values)",
        "target actions",
        "accidental-deletion prevention is not managed",
        "→ Default Access (the role cannot be named",
    ] {
        assert!(
            built.warnings.iter().any(|w| w.contains(left_out)),
            "{left_out}: {:#?}",
            built.warnings
        );
    }
    assert!(yaml.contains(&format!("- group: {{ id: {G1} }}")), "{yaml}");
    assert!(
        yaml.contains("{ attribute: flags, operator: containedIn, value: \"4\" }"),
        "{yaml}"
    );
    assert!(yaml.contains("sourceObject: Contact"), "{yaml}");
    assert!(
        !yaml.contains("email"),
        "an empty email is not managed: {yaml}"
    );
}
