//! Desired state from real manifests (`examples/`).

use entraprov::manifest::{SecretRef, load_str};
use entraprov::plan::desired::from_manifest;
use entraprov::plan::model::*;
use entraprov::plan::state::{DesiredState, ObservedState, TemplateRef};
use entraprov::plan::{Action, Sensitive, Value, diff};
use secrecy::SecretString;

fn load(name: &str, text: &str) -> entraprov::manifest::Manifest {
    let (loaded, diags) = load_str(name, text);
    assert!(diags.iter().all(|d| !d.is_error()), "{diags:#?}");
    loaded.expect("manifest loads").manifest
}

fn keeper() -> DesiredState {
    let m = load("keeper.yaml", include_str!("../../examples/keeper.yaml"));
    from_manifest(&m, |r| match r {
        SecretRef::FromEnv(var) => {
            assert_eq!(var, "KEEPER_SCIM_TOKEN");
            Ok::<_, String>(SecretString::from("CANARY-env-token"))
        }
        SecretRef::FromFile(_) => Err("unexpected".into()),
    })
    .unwrap()
}

#[test]
fn keeper_example_app_and_assignments() {
    let d = keeper();
    assert_eq!(d.name, "keeper-prod");
    assert_eq!(
        d.tenant_id.as_ref().unwrap().as_str(),
        "72f988bf-86f1-41af-91ab-2d7cd011db47"
    );
    assert_eq!(
        d.app.template,
        TemplateRef::Gallery("Keeper Password Manager & Digital Vault".into())
    );
    let a = d.assignments.as_ref().unwrap();
    assert!(a.prune);
    let refs: Vec<String> = a
        .items
        .iter()
        .map(|i| format!("{} {}", i.principal, i.role))
        .collect();
    assert_eq!(
        refs,
        [
            "group:Keeper Users User",
            "group:5f0c3c52-6c3e-4a0f-9a53-0d3e2a7f1b11 User",
            "user:alice@contoso.com User",
        ]
    );
}

#[test]
fn keeper_example_provisioning_settings() {
    let d = keeper();
    let p = d.provisioning.as_ref().unwrap();
    assert_eq!(p.enabled, Some(true));
    assert_eq!(
        p.settings,
        Settings {
            scope: Some(Scope::Assigned),
            notification_email: Some("it-alerts@contoso.com".into()),
            on_failure: Some(true),
            deletion_threshold_enabled: Some(true),
            deletion_threshold: Some(500),
            skip_out_of_scope_deletions: Some(false),
        }
    );
    let c = p.credentials.as_ref().unwrap();
    assert_eq!(
        c.tenant_url.as_deref(),
        Some("https://keepersecurity.com/api/rest/scim/v2/1234567890")
    );
    assert!(c.secret_token.is_some());
}

#[test]
fn keeper_example_mappings_are_normalised() {
    let d = keeper();
    let p = d.provisioning.as_ref().unwrap();
    let users = &p.mappings["users"];
    assert_eq!(
        (users.source_object.as_str(), users.target_object.as_str()),
        ("User", "User")
    );
    assert_eq!(users.flow_types, None, "actions omitted: not managed");
    let attrs = &users.attributes.as_ref().unwrap().items;
    assert_eq!(attrs.len(), 8);
    assert_eq!(attrs["userName"].matching_priority, 1);
    assert_eq!(
        attrs["externalId"].value,
        MappingValue::Constant("contoso".into())
    );
    assert_eq!(attrs["title"].apply, ApplyMode::ObjectAddOnly);
    assert_eq!(
        attrs["title"].value,
        MappingValue::Expression("IIF(IsPresent([jobTitle]), [jobTitle], \"Staff\")".into())
    );
    assert_eq!(attrs["name.familyName"].default.as_deref(), Some("-"));
    let filters = &users.scoping_filters.as_ref().unwrap().items;
    let eng = &filters["Engineering only"];
    assert_eq!(
        eng.describe(),
        "accountEnabled IS TRUE and department EQUALS \"Engineering\""
    );
    assert_eq!(
        filters["Contractors by number"].clauses[0].operator,
        "Greater_Than"
    );
    assert_eq!(
        filters["Contractors by number"].clauses[0].values,
        ["90000"]
    );
    let groups = &p.mappings["groups"];
    assert_eq!(
        groups.flow_types,
        Some([FlowType::Add, FlowType::Update].into_iter().collect())
    );
    assert!(groups.scoping_filters.is_none());
}

#[test]
fn missing_secret_error_is_returned_unchanged() {
    let m = load("keeper.yaml", include_str!("../../examples/keeper.yaml"));
    let err = from_manifest(&m, |_| {
        Err::<SecretString, _>("KEEPER_SCIM_TOKEN is not set")
    })
    .unwrap_err();
    assert_eq!(err, "KEEPER_SCIM_TOKEN is not set");
}

#[test]
fn minimal_example_without_provisioning_sections_touches_only_what_it_declares() {
    let m = load(
        "keeper-minimal.yaml",
        include_str!("../../examples/keeper-minimal.yaml"),
    );
    let d = from_manifest(&m, |_| Ok::<_, ()>(SecretString::from("t"))).unwrap();
    let plan = diff(&d, &ObservedState::default());
    assert_eq!(
        super::lines(&plan),
        [
            "+ app",
            "+ assignment[group:Keeper Users → User]",
            "+ job",
            "+ credentials",
            "+ settings",
            "~ state",
        ]
    );
    let settings = plan
        .changes
        .iter()
        .find(|c| c.address.to_string() == "settings")
        .unwrap();
    assert_eq!(settings.fields.len(), 1, "only scope is declared");
}

#[test]
fn keeper_example_on_a_fresh_tenant_is_all_create_and_hides_the_token() {
    let plan = diff(&keeper(), &ObservedState::default());
    assert!(
        plan.changes
            .iter()
            .all(|c| c.action == Action::Create || c.address.to_string() == "state")
    );
    let token = plan
        .changes
        .iter()
        .flat_map(|c| &c.fields)
        .find(|f| f.name == "secretToken")
        .unwrap();
    assert_eq!(token.after, Value::Sensitive(Sensitive::WillBeSet));
    assert!(!format!("{plan:?}").contains("CANARY"));
}

#[test]
fn changes_point_back_at_their_manifest_entries() {
    use entraprov::plan::desired::manifest_pointer;
    let text = include_str!("../../examples/keeper.yaml");
    let (loaded, _) = load_str("keeper.yaml", text);
    let loaded = loaded.unwrap();
    let plan = diff(&keeper(), &ObservedState::default());
    let located: Vec<String> = plan
        .changes
        .iter()
        .map(|c| {
            let ptr = manifest_pointer(&c.address, &loaded.manifest).unwrap_or_default();
            format!("{} {}", c.address, loaded.location(&ptr))
        })
        .collect();
    assert!(
        located.contains(&"assignment[user:alice@contoso.com → User] keeper.yaml:21:7".to_owned()),
        "{located:#?}"
    );
    assert!(
        located.iter().any(|l| l.starts_with(
            "mapping[users].attribute[emails[type eq \"work\"].value] keeper.yaml:42:"
        )),
        "{located:#?}"
    );
    assert!(
        located.iter().any(|l| l
            .starts_with("mapping[users].scopingFilter[Contractors by number] keeper.yaml:54:")),
        "{located:#?}"
    );
    assert!(
        located
            .iter()
            .any(|l| l.starts_with("state keeper.yaml:25:")),
        "{located:#?}"
    );
    let pruned = entraprov::plan::Address::Assignment {
        principal: "user:bob".into(),
        role: "User".into(),
    };
    assert_eq!(manifest_pointer(&pruned, &loaded.manifest), None);
}

#[test]
fn attribute_definitions_point_back_at_their_list_entries() {
    use entraprov::plan::desired::manifest_pointer;
    let text = include_str!("../../examples/generic-scim.yaml");
    let (loaded, _) = load_str("generic-scim.yaml", text);
    let loaded = loaded.unwrap();
    let at = |side, name: &str| {
        let address = entraprov::plan::Address::Definition {
            label: "users".into(),
            side,
            name: name.into(),
        };
        let ptr = manifest_pointer(&address, &loaded.manifest).expect("declared");
        (ptr.clone(), loaded.location(&ptr))
    };
    let (ptr, loc) = at(entraprov::plan::model::Side::Target, "nickName");
    assert_eq!(
        ptr,
        "/provisioning/mappings/users/targetAttributes/definitions/nickName"
    );
    assert!(loc.starts_with("generic-scim.yaml:38:"), "{loc}");
    let ext = "extension_9d98a0c1b2e34f5a8c7d6e5f4a3b2c1d_costCenter";
    let (_, loc) = at(entraprov::plan::model::Side::Source, ext);
    assert!(loc.starts_with("generic-scim.yaml:43:"), "{loc}");
}

fn region_of(name: &str, text: &str) -> Option<String> {
    let m = load(name, text);
    let d = from_manifest(&m, |_| Ok::<_, ()>(SecretString::from("t"))).unwrap();
    let plan = diff(&d, &ObservedState::default());
    let c = plan
        .changes
        .iter()
        .find(|c| c.address == entraprov::plan::Address::Credentials)
        .expect("a credentials change");
    let carried = c.region().map(str::to_owned);
    let desired = d.provisioning.unwrap().credentials.unwrap().region;
    assert_eq!(carried, desired, "the plan carries the desired region");
    carried
}

#[test]
fn keeper_regions_are_named_from_the_tenant_url_host_and_node() {
    let us = include_str!("../../examples/keeper-minimal.yaml");
    assert_eq!(
        region_of("keeper-minimal.yaml", us).as_deref(),
        Some("Keeper US (keepersecurity.com), node 1234567890")
    );
    let eu = us.replace(
        "https://keepersecurity.com/api/rest/scim/v2/1234567890",
        "https://keepersecurity.eu/api/rest/scim/v2/345074852429829",
    );
    assert_eq!(
        region_of("keeper-eu.yaml", &eu).as_deref(),
        Some("Keeper EU (keepersecurity.eu), node 345074852429829")
    );
}

#[test]
fn generic_scim_app_has_no_region() {
    let text = include_str!("../../examples/generic-scim.yaml");
    assert_eq!(region_of("generic-scim.yaml", text), None);
}
