//! `tests/fixtures/graph-shapes/`: every documented response shape decoded by the client's
//! wire types, with every field the client relies on asserted (#14). The requests are sent
//! to the simulator in `tests/sim/shapes.rs`.

use std::path::PathBuf;

use entraprov::graph::wire::{
    AppRoleAssignment, ApplicationServicePrincipal, ApplicationTemplate, FilterOperator,
    FunctionSchema, Group, ParseExpressionResponse, ProvisioningEntry, ServicePrincipal, SyncJob,
    SyncSecret, SyncTemplate, User,
};
use entraprov::graph::{BatchResponse, GraphError, Operation, Page};
use entraprov::ids::{JobId, ServicePrincipalId};
use secrecy::ExposeSecret;
use serde::de::DeserializeOwned;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::common::client_with_token;

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/graph-shapes")
}

fn text(name: &str) -> String {
    std::fs::read_to_string(dir().join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn decode<T: DeserializeOwned>(name: &str) -> T {
    serde_json::from_str(&text(name)).unwrap_or_else(|e| panic!("{name} does not decode: {e}"))
}

/// A test fails when a fixture has no test: each file must be named in this file or in
/// `tests/sim/shapes.rs`.
#[test]
fn every_fixture_has_a_test() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let tests = [
        std::fs::read_to_string(root.join("tests/graph/shapes.rs")).unwrap(),
        std::fs::read_to_string(root.join("tests/sim/shapes.rs")).unwrap(),
    ]
    .join("\n");
    let mut untested = Vec::new();
    for entry in std::fs::read_dir(dir()).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        if name.ends_with(".json") && !tests.contains(&format!("\"{name}\"")) {
            untested.push(name);
        }
    }
    assert!(untested.is_empty(), "fixtures without a test: {untested:?}");
}

#[test]
fn application_templates() {
    let p: Page<ApplicationTemplate> = decode("applicationTemplate-list.response.json");
    let t = &p.value[0];
    assert_eq!(t.id.as_str(), "4f7fe8ea-5d8a-45a4-8bb1-4f51f0c35c36");
    assert_eq!(t.display_name, "Keeper Password Manager & Digital Vault");
    assert_eq!(t.supported_provisioning_types, ["sync"]);
    assert_eq!(t.publisher.as_deref(), Some("Keeper Security, Inc."));
}

#[test]
fn instantiate() {
    let r: ApplicationServicePrincipal = decode("applicationTemplate-instantiate.response.json");
    assert_eq!(
        r.service_principal.id.as_str(),
        "0b5c1d2e-3f40-4a51-8c62-7d8e9fa0b1c2"
    );
    assert_eq!(
        r.service_principal.app_id.as_str(),
        r.application.app_id.as_str()
    );
    assert_eq!(r.service_principal.display_name, "Keeper (fixture)");
    assert!(r.service_principal.tags.is_empty());
    assert_eq!(r.service_principal.service_principal_type, None);
    assert_eq!(
        r.application.id.as_str(),
        "9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d"
    );
    assert_eq!(r.application.application_template_id, None);
}

#[test]
fn service_principal() {
    let p: Page<ServicePrincipal> = decode("servicePrincipal-list.response.json");
    let sp = &p.value[0];
    assert_eq!(
        sp.application_template_id.as_ref().map(|t| t.as_str()),
        Some("4f7fe8ea-5d8a-45a4-8bb1-4f51f0c35c36")
    );
    assert!(sp.tags.iter().any(|t| t == "entraprov:fixture"));
    assert_eq!(sp.app_role_assignment_required, Some(true));
    let user = &sp.app_roles[0];
    assert_eq!(user.id.as_str(), "18d14569-c3bd-439b-9a66-3a2aee01d14f");
    assert_eq!(user.display_name.as_deref(), Some("User"));
    assert_eq!(user.value, None);
    assert!(user.is_enabled);
    assert_eq!(user.allowed_member_types, ["User"]);
}

#[test]
fn assignments() {
    let p: Page<AppRoleAssignment> = decode("appRoleAssignedTo-list.response.json");
    let a = &p.value[0];
    assert_eq!(a.id.as_str(), "Q8bs1EeBl0O7Zm6OZnhVzC4lzy9WnSxBnJm0WkQ1_CQ");
    assert_eq!(
        a.principal_id.as_str(),
        "d4ecc643-8147-4397-bb66-6e8e667855cc"
    );
    assert_eq!(a.principal_type.as_deref(), Some("Group"));
    assert_eq!(
        a.app_role_id.as_str(),
        "18d14569-c3bd-439b-9a66-3a2aee01d14f"
    );
    assert_eq!(
        a.resource_id.as_str(),
        "0b5c1d2e-3f40-4a51-8c62-7d8e9fa0b1c2"
    );
    assert!(
        p.next_link
            .as_deref()
            .is_some_and(|l| l.contains("$skiptoken="))
    );
}

#[test]
fn users_and_groups() {
    let u: Page<User> = decode("users-list.response.json");
    assert_eq!(u.value[0].user_principal_name, "AdeleV@contoso.example");
    assert_eq!(
        u.value[0].id.as_str(),
        "87d349ed-44d7-43e1-9a83-5f2406dee5bd"
    );
    let g: Page<Group> = decode("groups-list.response.json");
    assert_eq!(g.value[0].display_name, "Engineering");
    assert_eq!(
        g.value[0].id.as_str(),
        "d4ecc643-8147-4397-bb66-6e8e667855cc"
    );
}

#[test]
fn batch() {
    #[derive(serde::Deserialize)]
    struct Reply {
        responses: Vec<BatchResponse>,
    }
    let r: Reply = decode("batch.response.json");
    let throttled = r.responses.iter().find(|x| x.id == "2").unwrap();
    assert_eq!(throttled.status, 429);
    assert_eq!(
        throttled.headers.get("Retry-After").map(String::as_str),
        Some("45")
    );
    assert!(!throttled.is_success());
    let ok = r.responses.iter().find(|x| x.id == "1").unwrap();
    assert!(ok.is_success());
    let users: Page<User> = serde_json::from_value(ok.body.clone().unwrap()).unwrap();
    assert_eq!(users.value[0].user_principal_name, "AdeleV@contoso.example");
}

/// `discoverable` is `true` in the JSON representation and typed `String` in the property
/// table: both read.
#[test]
fn sync_templates_discoverable_bool_or_string() {
    let p: Page<SyncTemplate> = decode("synchronization-templates.response.json");
    let (a, b) = (&p.value[0], &p.value[1]);
    assert_eq!(a.id.as_str(), "keeperPasswordManager");
    assert!(a.default && a.discoverable);
    assert_eq!(a.factory_tag.as_deref(), Some("keeperPasswordManager"));
    assert_eq!(a.metadata[0].key, "GalleryApplicationIdentifier");
    assert!(!b.default && !b.discoverable);
}

#[test]
fn sync_jobs() {
    let p: Page<SyncJob> = decode("synchronization-jobs-list.response.json");
    let j = &p.value[0];
    assert!(j.id.as_str().starts_with("keeperPasswordManager."));
    assert_eq!(j.template_id.as_str(), "keeperPasswordManager");
    let sched = j.schedule.as_ref().unwrap();
    assert_eq!(sched.state.as_deref(), Some("Active"));
    assert_eq!(sched.interval.as_deref(), Some("PT40M"));
    let st = j.status.as_ref().unwrap();
    assert_eq!(st.code.as_deref(), Some("Quarantine"));
    assert_eq!(st.count_successive_complete_failures, Some(3));
    let q = st.quarantine.as_ref().unwrap();
    assert_eq!(q.reason.as_deref(), Some("EncounteredQuarantineException"));
    assert_eq!(q.series_count, Some(3));
    assert_eq!(
        q.error.as_ref().and_then(|e| e.code.as_deref()),
        Some("HybridSynchronizationActiveDirectoryInvalidCredentials")
    );
    let last = st.last_execution.as_ref().unwrap();
    assert_eq!(last.state.as_deref(), Some("Failed"));
    assert_eq!(last.count_exported, Some(0));
    assert_eq!(st.synchronized_entry_count_by_type[0].value, 10);
    assert_eq!(
        j.synchronization_job_settings[0].name,
        "QuarantineTooManyDeletesThreshold"
    );
}

#[test]
fn secrets() {
    let p: Page<SyncSecret> = decode("synchronization-secrets.get.response.json");
    let get = |k: &str| {
        p.value
            .iter()
            .find(|s| s.key == k)
            .map(|s| s.value.expose_secret().to_owned())
    };
    assert_eq!(get("SecretToken").as_deref(), Some("*"));
    let n = entraprov::plan::secrets_json::NotificationSettings::parse(
        &get("SyncNotificationSettings").unwrap(),
    )
    .unwrap();
    assert_eq!(n.recipients.as_deref(), Some("ops@contoso.example"));
    assert_eq!(n.delete_threshold_value, Some(500));
    assert!(
        n.other.contains_key("HumanResourcesLookaheadQueryEnabled"),
        "kept"
    );
    let pairs: Vec<(String, String)> = p
        .value
        .iter()
        .map(|s| (s.key.clone(), s.value.expose_secret().to_owned()))
        .collect();
    let view = entraprov::plan::secrets_json::read_secrets(
        pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())),
    )
    .unwrap();
    assert_eq!(
        view.settings.skip_out_of_scope_deletions,
        Some(true),
        "`1` reads as true"
    );
    assert!(view.token_present);
}

#[test]
fn filter_operators() {
    let p: Page<FilterOperator> = decode("filterOperators.response.json");
    let names: Vec<&str> = p.value.iter().map(|o| o.name.as_str()).collect();
    assert!(names.contains(&"NOT EQUALS") && names.contains(&"IS TRUE"));
    let t = p.value.iter().find(|o| o.name == "IS TRUE").unwrap();
    assert_eq!(t.arity.as_deref(), Some("Unary"));
    assert_eq!(t.supported_attribute_types, ["Boolean"]);
    for n in &names {
        assert!(
            entraprov::manifest::Operator::from_graph_name(n).is_some(),
            "{n} is a known operator"
        );
    }
}

#[test]
fn functions() {
    let p: Page<FunctionSchema> = decode("functions.response.json");
    let f = |n: &str| p.value.iter().find(|f| f.name == n).unwrap();
    let replace: Vec<&str> = f("Replace")
        .parameters
        .iter()
        .map(|p| p.name.as_str())
        .collect();
    assert_eq!(
        replace,
        [
            "source",
            "Find",
            "RegularExpression",
            "RegularExpressionGroupName",
            "Replacement",
            "ReplacementPropertyName",
            "Template"
        ]
    );
    let switch = &f("Switch").parameters;
    assert_eq!(switch[2].name, "switchValue");
    assert_eq!(switch[2].allow_multiple_occurrences, Some(true));
    assert_eq!(f("Mid").parameters[1].kind.as_deref(), Some("Integer"));
    for name in p.value.iter().map(|f| f.name.as_str()) {
        assert!(
            entraprov::manifest::expr::FUNCTIONS.contains(&name),
            "{name} is in the offline list"
        );
    }
}

#[test]
fn parse_expression() {
    let r: ParseExpressionResponse = decode("parseExpression.response.json");
    assert!(r.parsing_succeeded);
    assert_eq!(r.evaluation_succeeded, Some(true));
    let tree = r.parsed_expression.unwrap();
    assert_eq!(tree["parameters"][1]["key"], "Find");
    let text = entraprov::plan::graph_json::source_to_expression(&tree, "source").unwrap();
    assert_eq!(
        entraprov::plan::expr::canonical(&text),
        entraprov::plan::expr::canonical("Replace([preferredLanguage], \"-\", , , \"_\", , )")
    );
}

/// Both documented shapes of a provisioning-log entry read: the examples' (object
/// `servicePrincipal`, `errorInformation`) and the resource page's (collection,
/// `errorInfo`); an unknown status is kept verbatim.
#[test]
fn provisioning_logs() {
    let p: Page<ProvisioningEntry> = decode("provisioning-list.response.json");
    let e = &p.value[0];
    assert_eq!(
        e.tenant_id.as_deref(),
        Some("72f988bf-86f1-41af-91ab-2d7cd011db47")
    );
    assert_eq!(e.status(), Some("failure"));
    assert_eq!(
        e.error().and_then(|x| x.error_code.as_deref()),
        Some("KeeperEntryConflict")
    );
    assert_eq!(e.provisioning_action.as_deref(), Some("create"));
    assert_eq!(
        e.activity_date_time.as_deref(),
        Some("2026-12-03T09:53:08Z")
    );
    assert!(e.job_id.is_some() && e.cycle_id.is_some());
    let sp = e.service_principal.as_ref().unwrap();
    assert_eq!(
        sp.id.as_ref().map(|i| i.as_str()),
        Some("0b5c1d2e-3f40-4a51-8c62-7d8e9fa0b1c2")
    );
    assert_eq!(
        e.source_identity.as_ref().and_then(|i| i.upn()),
        Some("AdeleV@contoso.example")
    );
    let p: Page<ProvisioningEntry> = decode("provisioning-list.resource-shape.response.json");
    let e = &p.value[0];
    assert_eq!(e.status(), Some("unknownFutureValue"));
    assert_eq!(
        e.error().and_then(|x| x.error_code.as_deref()),
        Some("AccidentalDeletionThresholdExceeded")
    );
    assert_eq!(
        e.service_principal
            .as_ref()
            .and_then(|s| s.display_name.as_deref()),
        Some("Keeper (fixture)")
    );
    assert_eq!(e.provisioning_action.as_deref(), Some("stagedDelete"));
}

#[test]
fn nested_inner_error() {
    let op = Operation::new("write schema of job j", "Synchronization.ReadWrite.All");
    let e = GraphError::from_response(
        op,
        400,
        text("error-nested-innerError.response.json").as_bytes(),
    );
    assert_eq!(e.code.as_deref(), Some("BadRequest"));
    assert_eq!(e.effective_code(), Some("SchemaValidationFailed"));
    assert_eq!(
        e.request_id.as_deref(),
        Some("5f2c1b0a-0000-4000-8000-0000000000aa")
    );
}

/// The doubly encoded `provisionOnDemand` answer, through the client.
#[tokio::test]
async fn provision_on_demand() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(
            "/v1.0/servicePrincipals/sp1/synchronization/jobs/j1/provisionOnDemand",
        ))
        .respond_with(
            ResponseTemplate::new(200).set_body_string(text("provisionOnDemand.response.json")),
        )
        .mount(&server)
        .await;
    let r = client_with_token(&server, "t")
        .provision_on_demand(
            &ServicePrincipalId::new("sp1"),
            &JobId::new("j1"),
            "rule",
            "87d349ed-44d7-43e1-9a83-5f2406dee5bd",
            "User",
        )
        .await
        .unwrap();
    assert_eq!(r.result(), Some("Success"));
    assert_eq!(r.details["action"], "Create");
    assert_eq!(r.details["provisioningSteps"][1]["type"], "Export");
    assert_eq!(r.details["sourceIdentity"]["displayName"], "Adele Vance");
}
