//! A full desired state (Keeper-like) and an observed state that matches it exactly.
//! Each test changes one thing and checks the plan.

#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet};

use entraprov::ids::*;
use entraprov::plan::fingerprint::{name_tag, token_fingerprint, token_tag};
use entraprov::plan::model::*;
use entraprov::plan::state::*;
use secrecy::SecretString;

pub const SP: &str = "sp-0001";
pub const TOKEN: &str = "CANARY-token-9f8e7d6c5b4a-DO-NOT-LEAK";
pub const URL: &str = "https://keepersecurity.com/api/rest/scim/v2/111";

pub fn token() -> SecretString {
    SecretString::from(TOKEN)
}

pub fn fp(token: &str) -> String {
    token_fingerprint(&SP.into(), &SecretString::from(token))
}

pub fn group_users() -> PrincipalRef {
    PrincipalRef::named(PrincipalKind::Group, "Keeper Users")
}

pub fn alice() -> PrincipalRef {
    PrincipalRef::named(PrincipalKind::User, "alice@contoso.com")
}

pub fn attr(target: &str, value: MappingValue) -> AttributeMapping {
    AttributeMapping {
        target: target.to_owned(),
        value,
        default: None,
        matching_priority: 0,
        apply: ApplyMode::Always,
    }
}

pub fn src(a: &str) -> MappingValue {
    MappingValue::Attribute(a.to_owned())
}

pub fn clause(attribute: &str, op: &str, values: &[&str]) -> FilterClause {
    let values: Vec<String> = values.iter().map(|v| (*v).to_owned()).collect();
    FilterClause::new(attribute, op, &values)
}

pub fn engineering() -> ScopingFilter {
    ScopingFilter::new(
        "Engineering only",
        vec![
            clause("department", "EQUALS", &["Engineering"]),
            clause("accountEnabled", "IS TRUE", &[]),
        ],
    )
}

pub fn user_attributes() -> Vec<AttributeMapping> {
    let mut user_name = attr("userName", src("userPrincipalName"));
    user_name.matching_priority = 1;
    let mut given = attr("name.givenName", src("givenName"));
    given.apply = ApplyMode::ObjectAddOnly;
    let mut family = attr("name.familyName", src("surname"));
    family.default = Some("-".into());
    vec![
        user_name,
        attr("emails[type eq \"work\"].value", src("userPrincipalName")),
        attr(
            "active",
            MappingValue::from_expression(
                "Switch([IsSoftDeleted], , \"False\", \"True\", \"True\", \"False\")",
            ),
        ),
        attr("displayName", src("displayName")),
        given,
        family,
        attr("externalId", MappingValue::constant("contoso")),
    ]
}

pub fn group_attributes() -> Vec<AttributeMapping> {
    let mut dn = attr("displayName", src("displayName"));
    dn.matching_priority = 1;
    vec![dn, attr("members", src("members"))]
}

fn keyed<T: Clone>(items: &[T], key: impl Fn(&T) -> String) -> BTreeMap<String, T> {
    items.iter().map(|i| (key(i), i.clone())).collect()
}

pub fn all_flows() -> BTreeSet<FlowType> {
    [FlowType::Add, FlowType::Update, FlowType::Delete]
        .into_iter()
        .collect()
}

pub fn settings() -> Settings {
    Settings {
        scope: Some(Scope::Assigned),
        notification_email: Some("it-alerts@contoso.com".into()),
        on_failure: Some(true),
        deletion_threshold_enabled: Some(true),
        deletion_threshold: Some(500),
        skip_out_of_scope_deletions: Some(false),
    }
}

pub fn desired() -> DesiredState {
    let users = DesiredMapping {
        source_object: "User".into(),
        target_object: "User".into(),
        enabled: Some(true),
        flow_types: Some(all_flows()),
        attributes: Some(DesiredList {
            prune: true,
            items: keyed(&user_attributes(), |a| a.target.clone()),
        }),
        scoping_filters: Some(DesiredList {
            prune: true,
            items: keyed(&[engineering()], |f| f.name.clone()),
        }),
        target_attributes: None,
        source_attributes: None,
    };
    let groups = DesiredMapping {
        source_object: "Group".into(),
        target_object: "Group".into(),
        enabled: Some(true),
        flow_types: None,
        attributes: Some(DesiredList {
            prune: true,
            items: keyed(&group_attributes(), |a| a.target.clone()),
        }),
        scoping_filters: None,
        target_attributes: None,
        source_attributes: None,
    };
    DesiredState {
        name: "keeper-prod".into(),
        tenant_id: Some("72f988bf-0000-0000-0000-000000000000".into()),
        app: DesiredApp {
            display_name: "Keeper (prod)".into(),
            template: TemplateRef::Gallery("Keeper Password Manager & Digital Vault".into()),
            app_id: None,
        },
        assignments: Some(DesiredAssignments {
            prune: true,
            items: vec![
                DesiredAssignment {
                    principal: group_users(),
                    role: "User".into(),
                },
                DesiredAssignment {
                    principal: alice(),
                    role: "User".into(),
                },
            ],
        }),
        provisioning: Some(DesiredProvisioning {
            enabled: Some(true),
            credentials: Some(DesiredCredentials {
                tenant_url: Some(URL.into()),
                secret_token: Some(token()),
                region: entraprov::connector::keeper::region(URL),
            }),
            settings: settings(),
            mappings: [("users".to_owned(), users), ("groups".to_owned(), groups)]
                .into_iter()
                .collect(),
        }),
    }
}

pub fn role(id: &str, value: &str) -> AppRole {
    AppRole {
        id: id.into(),
        value: Some(value.into()),
        display_name: value.into(),
    }
}

pub fn live_assignment(
    id: &str,
    kind: PrincipalKind,
    pid: &str,
    name: &str,
    role: &str,
) -> ObservedAssignment {
    ObservedAssignment {
        id: id.into(),
        principal_kind: kind,
        principal_id: pid.into(),
        principal_name: name.into(),
        role_id: role.into(),
    }
}

pub fn observed() -> ObservedState {
    let template = ApplicationTemplateId::from("tmpl-keeper");
    ObservedState {
        template: Some(ResolvedTemplate {
            id: template.clone(),
            display_name: "Keeper Password Manager & Digital Vault".into(),
        }),
        app: Some(ObservedApp {
            service_principal_id: SP.into(),
            app_id: "app-0001".into(),
            display_name: "Keeper (prod)".into(),
            template_id: Some(template),
            tags: [name_tag("keeper-prod"), token_tag(&fp(TOKEN))]
                .into_iter()
                .collect(),
            roles: vec![
                role("role-user", "User"),
                role("role-admin", "Admin"),
                AppRole {
                    id: "role-default".into(),
                    value: Some("msiam_access".into()),
                    display_name: "msiam_access".into(),
                },
            ],
        }),
        untagged_candidates: vec![],
        principals: vec![
            ResolvedPrincipal {
                reference: group_users(),
                id: "g-users".into(),
                display: "Keeper Users".into(),
            },
            ResolvedPrincipal {
                reference: alice(),
                id: "u-alice".into(),
                display: "alice@contoso.com".into(),
            },
        ],
        assignments: vec![
            live_assignment(
                "as-1",
                PrincipalKind::Group,
                "g-users",
                "Keeper Users",
                "role-user",
            ),
            live_assignment(
                "as-2",
                PrincipalKind::User,
                "u-alice",
                "alice@contoso.com",
                "role-user",
            ),
        ],
        job: Some(ObservedJob {
            id: "keeper.0f1d.job".into(),
            template_id: "keeper".into(),
            state: RunState::On,
        }),
        credentials: ObservedCredentials {
            tenant_url: Some(URL.into()),
            token: TokenState::Known {
                fingerprint: fp(TOKEN),
            },
        },
        settings: settings(),
        mappings: vec![
            ObjectMapping {
                source_object: "User".into(),
                target_object: "urn:ietf:params:scim:schemas:core:2.0:User".into(),
                enabled: true,
                flow_types: all_flows(),
                attributes: keyed(&user_attributes(), |a| a.target.clone()),
                scoping_filters: keyed(&[engineering()], |f| f.name.clone()),
            },
            ObjectMapping {
                source_object: "Group".into(),
                target_object: "Group".into(),
                enabled: true,
                flow_types: all_flows(),
                attributes: keyed(&group_attributes(), |a| a.target.clone()),
                scoping_filters: BTreeMap::new(),
            },
        ],
        attribute_lists: Vec::new(),
    }
}

/// The observed state of a fresh tenant: only the template and principals resolve.
pub fn fresh() -> ObservedState {
    let full = observed();
    ObservedState {
        template: full.template,
        principals: full.principals,
        ..ObservedState::default()
    }
}

pub fn users_mapping(o: &mut ObservedState) -> &mut ObjectMapping {
    &mut o.mappings[0]
}

pub fn desired_users(d: &mut DesiredState) -> &mut DesiredMapping {
    d.provisioning
        .as_mut()
        .and_then(|p| p.mappings.get_mut("users"))
        .expect("fixture has users")
}

pub fn prov(d: &mut DesiredState) -> &mut DesiredProvisioning {
    d.provisioning.as_mut().expect("fixture has provisioning")
}
