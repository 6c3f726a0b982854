//! Integration against the in-process simulator (`entraprov::sim`), which shares no code
//! with the client: credential flows end to end, every directory/app/assignment method,
//! paging across 3+ pages, a `$batch` of 45 requests, and retries under injected faults.

use std::time::Duration;

use entraprov::graph::auth::Env;
use entraprov::graph::wire::User;
use entraprov::graph::{BatchRequest, Client, ClientOptions, Endpoints, Operation, RetryPolicy};
use entraprov::ids::{AppRoleId, GroupId, PrincipalId, UserId};
use entraprov::sim::{ClientApp, FaultSpec, PrecreatedApp, Server, SimConfig};
use futures::TryStreamExt;

const KEEPER: &str = "Keeper Password Manager & Digital Vault";

fn options() -> ClientOptions {
    ClientOptions {
        policy: RetryPolicy {
            timeout: Duration::from_secs(60),
            base_delay: Duration::from_millis(5),
            max_backoff: Duration::from_secs(5),
            ..RetryPolicy::default()
        },
        ..ClientOptions::default()
    }
}

fn endpoints(server: &Server) -> Endpoints {
    Endpoints::new(None, Some(server.url()), Some(server.url())).unwrap()
}

/// A client using the client-secret flow against the simulator's token endpoint.
fn client(server: &Server) -> Client {
    let env = Env::from_pairs(server.env());
    Client::from_env(endpoints(server), &env, &options()).unwrap()
}

fn start(cfg: SimConfig) -> Server {
    Server::start(cfg).expect("simulator starts")
}

async fn all_users(client: &Client) -> Vec<User> {
    let op = Operation::new("list users", "User.Read.All");
    client
        .stream_all(
            "/users?$select=id,userPrincipalName,displayName".to_owned(),
            op,
        )
        .try_collect()
        .await
        .unwrap()
}

#[tokio::test]
async fn app_lifecycle_through_typed_methods() {
    let server = start(SimConfig::default());
    let c = client(&server);
    let tpl = c.find_templates_by_name(KEEPER).await.unwrap();
    assert_eq!(tpl.len(), 1, "exact name with & and spaces matches once");
    assert!(tpl[0].supports_provisioning());
    assert_eq!(
        c.get_template(&tpl[0].id).await.unwrap().display_name,
        KEEPER
    );

    let created = c
        .instantiate_template(&tpl[0].id, "Keeper (itest)")
        .await
        .unwrap();
    let sp = created.service_principal.id.clone();
    let fresh = c.after_create(Duration::from_secs(30));
    let got = fresh.get_service_principal(&sp).await.unwrap();
    assert_eq!(got.application_template_id.as_ref(), Some(&tpl[0].id));

    let mut tags = got.tags.clone();
    tags.push("entraprov:itest".to_owned());
    fresh.set_service_principal_tags(&sp, &tags).await.unwrap();
    let by_tag = c
        .find_service_principals_by_tag("entraprov:itest")
        .await
        .unwrap();
    assert_eq!(by_tag.iter().map(|s| &s.id).collect::<Vec<_>>(), [&sp]);
    let by_name = c
        .find_service_principals_by_name("Keeper (itest)")
        .await
        .unwrap();
    assert_eq!(by_name.len(), 1);
    let by_app = c
        .find_service_principal_by_app_id(&got.app_id)
        .await
        .unwrap();
    assert_eq!(by_app.unwrap().id, sp);
    let roles = c.app_roles(&sp).await.unwrap();
    assert!(!roles.is_empty());
    assert_eq!(roles, got.app_roles);
}

#[tokio::test]
async fn names_resolve_and_assignments_are_created_listed_and_removed() {
    let server = start(SimConfig::default());
    let c = client(&server);
    let tpl = c.find_templates_by_name(KEEPER).await.unwrap().remove(0);
    let sp = c
        .instantiate_template(&tpl.id, "Keeper (assign)")
        .await
        .unwrap()
        .service_principal;
    let c = c.after_create(Duration::from_secs(30));
    let role: AppRoleId = sp
        .app_roles
        .iter()
        .find(|r| r.display_name.as_deref() != Some("msiam_access"))
        .unwrap_or(&sp.app_roles[0])
        .id
        .clone();

    let users = all_users(&c).await;
    let special: Vec<String> = users
        .iter()
        .filter(|u| {
            u.user_principal_name.contains("#EXT#") || u.user_principal_name.starts_with('$')
        })
        .map(|u| u.user_principal_name.clone())
        .collect();
    assert_eq!(special.len(), 2, "the seed has a B2B guest and a $-UPN");
    let found = c.resolve_users_by_upn(&special).await.unwrap();
    assert!(found.values().all(Option::is_some), "{found:?}");
    let mut upns: Vec<String> = users
        .iter()
        .take(4)
        .map(|u| u.user_principal_name.to_uppercase())
        .collect();
    upns.push("nobody@contoso.example".to_owned());
    let resolved = c.resolve_users_by_upn(&upns).await.unwrap();
    assert!(resolved["nobody@contoso.example"].is_none());
    assert_eq!(resolved[&upns[0]].as_ref().unwrap().id, users[0].id);

    let names = ["Keeper Users", "Sales", "R&D O'Neil Team", "No Such Group"].map(String::from);
    let groups = c.resolve_groups_by_name(&names).await.unwrap();
    let counts: Vec<usize> = names.iter().map(|n| groups[n].len()).collect();
    assert_eq!(counts, [1, 2, 1, 0]);
    let keeper_users: GroupId = groups["Keeper Users"][0].id.clone();
    assert_eq!(
        c.groups_by_id(std::slice::from_ref(&keeper_users))
            .await
            .unwrap()
            .len(),
        1
    );
    let ids: Vec<UserId> = users.iter().take(2).map(|u| u.id.clone()).collect();
    assert_eq!(c.users_by_id(&ids).await.unwrap().len(), 2);

    let group_principal = PrincipalId::new(keeper_users.as_str());
    let one = c
        .create_assignment(&sp.id, &group_principal, &role)
        .await
        .unwrap();
    assert_eq!(one.principal_type.as_deref(), Some("Group"));
    let items: Vec<(PrincipalId, AppRoleId)> = users
        .iter()
        .take(3)
        .map(|u| (PrincipalId::new(u.id.as_str()), role.clone()))
        .collect();
    let made = c.create_assignments(&sp.id, &items).await.unwrap();
    assert!(made.iter().all(Result::is_ok), "{made:?}");
    assert_eq!(c.list_assignments(&sp.id).await.unwrap().len(), 4);

    c.delete_assignment(&sp.id, &one.id).await.unwrap();
    let gone: Vec<_> = made.into_iter().take(2).map(|r| r.unwrap().id).collect();
    let deleted = c.delete_assignments(&sp.id, &gone).await.unwrap();
    assert!(deleted.iter().all(Result::is_ok));
    let left = c.list_assignments(&sp.id).await.unwrap();
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].principal_id.as_str(), users[2].id.as_str());
}

#[tokio::test]
async fn assignments_page_across_three_pages() {
    let server = start(SimConfig {
        generated_users: 2100,
        precreated: vec![PrecreatedApp {
            display_name: "Keeper (bulk)".to_owned(),
            template: KEEPER.to_owned(),
            tags: vec!["entraprov:bulk".to_owned()],
            user_assignments: 2100,
            with_job: false,
            secrets: Vec::new(),
        }],
        ..SimConfig::default()
    });
    let c = client(&server);
    let sp = c
        .find_service_principals_by_tag("entraprov:bulk")
        .await
        .unwrap()
        .remove(0);
    let route = "GET /v1.0/servicePrincipals/{id}/appRoleAssignedTo";
    let before = server.stats().by_route.get(route).copied().unwrap_or(0);
    let all = c.list_assignments(&sp.id).await.unwrap();
    assert_eq!(all.len(), 2100);
    let stats = server.stats();
    let pages = stats.by_route.get(route).copied().unwrap_or(0) - before;
    assert_eq!(pages, 3, "999 + 999 + 102: {:?}", stats.by_route);
}

#[tokio::test]
async fn a_batch_of_45_requests_takes_three_http_requests() {
    let server = start(SimConfig {
        generated_users: 60,
        ..SimConfig::default()
    });
    let c = client(&server);
    let users = all_users(&c).await;
    let reqs: Vec<BatchRequest> = users
        .iter()
        .take(45)
        .enumerate()
        .map(|(i, u)| {
            BatchRequest::get(
                format!("u{i}"),
                format!("/users/{}?$select=id,userPrincipalName", u.id),
            )
        })
        .collect();
    let before = server
        .stats()
        .by_route
        .get("POST /v1.0/$batch")
        .copied()
        .unwrap_or(0);
    let out = c
        .batch(reqs, &Operation::new("read 45 users", "User.Read.All"))
        .await
        .unwrap();
    assert_eq!(out.len(), 45);
    for (i, r) in out.iter().enumerate() {
        assert_eq!(r.status, 200, "{r:?}");
        let u: User = r.json(&Operation::new("decode", "")).unwrap();
        assert_eq!(u.id, users[i].id);
    }
    let after = server
        .stats()
        .by_route
        .get("POST /v1.0/$batch")
        .copied()
        .unwrap_or(0);
    assert_eq!(after - before, 3);
}

#[tokio::test]
async fn three_hundred_names_resolve_in_one_http_request() {
    let server = start(SimConfig {
        generated_users: 320,
        ..SimConfig::default()
    });
    let c = client(&server);
    let upns: Vec<String> = all_users(&c)
        .await
        .into_iter()
        .take(300)
        .map(|u| u.user_principal_name)
        .collect();
    let before = server.stats().total;
    let resolved = c.resolve_users_by_upn(&upns).await.unwrap();
    assert!(resolved.values().all(Option::is_some));
    assert_eq!(
        server.stats().total - before,
        1,
        "20 filters of 15 names in one $batch"
    );
}

#[tokio::test]
async fn throttling_and_server_errors_are_absorbed_by_retries() {
    let server = start(SimConfig {
        generated_users: 200,
        faults: FaultSpec::parse(
            "throttle=0.3:retry-after=0,error503=0.1:retry-after=0,error504=0.1",
        )
        .unwrap(),
        fault_seed: 7,
        ..SimConfig::default()
    });
    let c = client(&server);
    let op = Operation::new("list users", "User.Read.All");
    let users: Vec<User> = c
        .stream_all("/users".to_owned(), op)
        .try_collect()
        .await
        .unwrap();
    assert!(users.len() > 200);
    let upns: Vec<String> = users
        .iter()
        .map(|u| u.user_principal_name.clone())
        .collect();
    let resolved = c.resolve_users_by_upn(&upns).await.unwrap();
    assert!(resolved.values().all(Option::is_some));
    let stats = server.stats();
    assert!(
        stats.faults.values().sum::<u64>() > 0,
        "faults were injected: {stats:?}"
    );
}

#[tokio::test]
async fn replication_delay_is_bridged_by_the_after_create_window() {
    let server = start(SimConfig {
        faults: FaultSpec::parse("replication-delay=2").unwrap(),
        ..SimConfig::default()
    });
    let c = client(&server);
    let tpl = c.find_templates_by_name(KEEPER).await.unwrap().remove(0);
    let sp = c
        .instantiate_template(&tpl.id, "Keeper (lag)")
        .await
        .unwrap()
        .service_principal;
    let err = c.get_service_principal(&sp.id).await.unwrap_err();
    assert!(
        err.is_not_found(),
        "without the window the first read fails: {err}"
    );
    let got = c
        .after_create(Duration::from_secs(30))
        .get_service_principal(&sp.id)
        .await
        .unwrap();
    assert_eq!(got.id, sp.id);
}

#[tokio::test]
async fn certificate_credential_is_accepted_by_the_simulator() {
    let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_RSA_SHA256).unwrap();
    let cert = rcgen::CertificateParams::new(vec!["itest".to_owned()])
        .unwrap()
        .self_signed(&key)
        .unwrap();
    let client_id = "c0ffee00-0000-4000-8000-000000000001";
    let mut app =
        ClientApp::with_secret("cert-app", client_id, "unused", &["Application.Read.All"]);
    app.client_secret = None;
    app.certificate_pem = Some(key.public_key_pem());
    let mut cfg = SimConfig::default();
    cfg.clients.push(app);
    let server = start(cfg);
    let dir = tempfile::tempdir().unwrap();
    let pem = dir.path().join("c.pem");
    std::fs::write(&pem, format!("{}{}", cert.pem(), key.serialize_pem())).unwrap();
    let env = Env::from_pairs([
        ("AZURE_TENANT_ID", server.tenant_id().to_string()),
        ("AZURE_CLIENT_ID", client_id.to_owned()),
        (
            "AZURE_CLIENT_CERTIFICATE_PATH",
            pem.to_str().unwrap().to_owned(),
        ),
    ]);
    let c = Client::from_env(endpoints(&server), &env, &options()).unwrap();
    assert_eq!(c.find_templates_by_name(KEEPER).await.unwrap().len(), 1);
    assert_eq!(
        c.credential().tenant_id().await.unwrap(),
        Some(server.tenant_id())
    );
}

#[tokio::test]
async fn federated_token_file_is_accepted_by_the_simulator() {
    let client_id = "c0ffee00-0000-4000-8000-000000000002";
    let mut app = ClientApp::with_secret("fed-app", client_id, "unused", &["Application.Read.All"]);
    app.client_secret = None;
    let subject = "repo:acme/infra:environment:prod";
    app.federated = Some((
        "https://token.actions.githubusercontent.com".to_owned(),
        subject.to_owned(),
    ));
    let mut cfg = SimConfig::default();
    cfg.clients.push(app);
    let server = start(cfg);
    let exp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        + 600;
    let jwt = super::common::fake_jwt(serde_json::json!({
        "iss": "https://token.actions.githubusercontent.com", "sub": subject,
        "aud": "api://AzureADTokenExchange", "exp": exp
    }));
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("token");
    std::fs::write(&file, jwt).unwrap();
    let env = Env::from_pairs([
        ("AZURE_TENANT_ID", server.tenant_id().to_string()),
        ("AZURE_CLIENT_ID", client_id.to_owned()),
        (
            "AZURE_FEDERATED_TOKEN_FILE",
            file.to_str().unwrap().to_owned(),
        ),
    ]);
    let c = Client::from_env(endpoints(&server), &env, &options()).unwrap();
    assert_eq!(c.find_templates_by_name(KEEPER).await.unwrap().len(), 1);
}

#[tokio::test]
async fn read_only_identity_is_told_which_permission_is_missing() {
    let server = start(SimConfig::default());
    let env = Env::from_pairs([("ENTRAPROV_ACCESS_TOKEN", server.plan_token())]);
    let c = Client::from_env(endpoints(&server), &env, &options()).unwrap();
    let tpl = c.find_templates_by_name(KEEPER).await.unwrap().remove(0);
    let err = c.instantiate_template(&tpl.id, "nope").await.unwrap_err();
    assert_eq!(err.status, Some(403));
    let help = miette::Diagnostic::help(&err).unwrap().to_string();
    assert!(help.contains("Application.ReadWrite"), "{help}");
    assert!(err.request_id.is_some());
}

#[tokio::test]
async fn github_oidc_token_is_exchanged_at_the_simulator() {
    let client_id = "c0ffee00-0000-4000-8000-000000000003";
    let mut app = ClientApp::with_secret("gh-app", client_id, "unused", &["Application.Read.All"]);
    app.client_secret = None;
    let subject = "repo:acme/infra:pull_request";
    app.federated = Some((
        "https://token.actions.githubusercontent.com".to_owned(),
        subject.to_owned(),
    ));
    let mut cfg = SimConfig::default();
    cfg.clients.push(app);
    let server = start(cfg);
    let exp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        + 300;
    let github = wiremock::MockServer::start().await;
    wiremock::Mock::given(wiremock::matchers::query_param(
        "audience",
        "api://AzureADTokenExchange",
    ))
    .respond_with(
        wiremock::ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "value": super::common::fake_jwt(serde_json::json!({
                "iss": "https://token.actions.githubusercontent.com", "sub": subject,
                "aud": "api://AzureADTokenExchange", "exp": exp
            }))
        })),
    )
    .expect(1)
    .mount(&github)
    .await;
    let env = Env::from_pairs([
        ("AZURE_TENANT_ID", server.tenant_id().to_string()),
        ("AZURE_CLIENT_ID", client_id.to_owned()),
        (
            "ACTIONS_ID_TOKEN_REQUEST_URL",
            format!("{}/token?api-version=2.0", github.uri()),
        ),
        ("ACTIONS_ID_TOKEN_REQUEST_TOKEN", "runner-token".to_owned()),
    ]);
    let c = Client::from_env(endpoints(&server), &env, &options()).unwrap();
    assert_eq!(c.find_templates_by_name(KEEPER).await.unwrap().len(), 1);
}

/// A SCIM endpoint that accepts `good-token` for Entra's Test Connection probe.
async fn scim_endpoint() -> wiremock::MockServer {
    use wiremock::matchers::{header, method, path, query_param_contains};
    let scim = wiremock::MockServer::start().await;
    wiremock::Mock::given(method("GET"))
        .and(path("/scim/v2/Users"))
        .and(query_param_contains("filter", "userName eq"))
        .and(header("authorization", "Bearer good-token"))
        .respond_with(
            wiremock::ResponseTemplate::new(200).set_body_json(serde_json::json!({
                "schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
                "totalResults": 0, "Resources": []
            })),
        )
        .mount(&scim)
        .await;
    wiremock::Mock::given(method("GET"))
        .respond_with(wiremock::ResponseTemplate::new(401))
        .mount(&scim)
        .await;
    scim
}

#[tokio::test]
async fn synchronization_lifecycle_through_typed_methods() {
    use entraprov::graph::wire::SyncSecret;
    let server = start(SimConfig::default());
    let scim = scim_endpoint().await;
    let c = client(&server);
    let tpl = c.find_templates_by_name(KEEPER).await.unwrap().remove(0);
    let created = c
        .instantiate_template(&tpl.id, "Keeper (sync)")
        .await
        .unwrap()
        .service_principal;
    let sp = created.id.clone();
    let c = c.after_create(Duration::from_secs(30));

    let templates = c.list_sync_templates(&sp).await.unwrap();
    let default = templates
        .iter()
        .find(|t| t.default)
        .unwrap_or(&templates[0])
        .id
        .clone();
    let template_schema = c.get_template_schema(&sp, &default).await.unwrap();
    assert!(template_schema.0["synchronizationRules"].is_array());
    let job = c.create_job(&sp, &default).await.unwrap();
    assert_eq!(job.template_id, default);
    assert_eq!(
        c.get_job(&sp, &job.id).await.unwrap().schedule_state(),
        Some("Disabled")
    );
    assert_eq!(c.list_jobs(&sp).await.unwrap().len(), 1);

    let base = format!("{}/scim/v2", scim.uri());
    let good = [
        SyncSecret::new("BaseAddress", &base),
        SyncSecret::new("SecretToken", "good-token"),
    ];
    c.validate_credentials(&sp, &job.id, Some(&good))
        .await
        .unwrap();
    let bad = [
        SyncSecret::new("BaseAddress", &base),
        SyncSecret::new("SecretToken", "bad-token"),
    ];
    let err = c
        .validate_credentials(&sp, &job.id, Some(&bad))
        .await
        .unwrap_err();
    assert_eq!(err.code.as_deref(), Some("UnknownError"));
    assert_eq!(
        err.effective_code(),
        Some("SystemForCrossDomainIdentityManagementCredentialValidationUnauthorized"),
        "{err}"
    );

    let mut desired = good.to_vec();
    desired.push(SyncSecret::new("SyncAll", "false"));
    c.put_secrets(&sp, &desired).await.unwrap();
    let live = c.get_secrets(&sp).await.unwrap();
    let token = live.iter().find(|s| s.key == "SecretToken").unwrap();
    assert!(token.is_masked(), "the token is never readable");
    c.validate_credentials(&sp, &job.id, None).await.unwrap();

    let schema = c.get_schema(&sp, &job.id).await.unwrap();
    c.put_schema(&sp, &job.id, &schema).await.unwrap();
    let ops = c.filter_operators(&sp, &job.id).await.unwrap();
    assert!(ops.iter().any(|o| o.name == "EQUALS"));
    assert!(!c.functions(&sp, &job.id).await.unwrap().is_empty());
    let parsed = c
        .parse_expression(&sp, &job.id, "ToLower([mail])", None)
        .await
        .unwrap();
    assert!(parsed.parsing_succeeded, "{parsed:?}");
    assert_eq!(parsed.parsed_expression.unwrap()["name"], "ToLower");

    c.start_job(&sp, &job.id).await.unwrap();
    assert_eq!(
        c.get_job(&sp, &job.id).await.unwrap().schedule_state(),
        Some("Active")
    );
    c.pause_job(&sp, &job.id).await.unwrap();
    assert_eq!(
        c.get_job(&sp, &job.id).await.unwrap().schedule_state(),
        Some("Paused")
    );
    c.restart_job(&sp, &job.id, Some("Watermark, Escrows, QuarantineState"))
        .await
        .unwrap();

    let rule = schema.0["synchronizationRules"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let user = all_users(&c).await.remove(0);
    let role = created.app_roles.last().unwrap().id.clone();
    c.create_assignment(&sp, &PrincipalId::new(user.id.as_str()), &role)
        .await
        .unwrap();
    let pod = c
        .provision_on_demand(&sp, &job.id, &rule, user.id.as_str(), "User")
        .await
        .unwrap();
    assert_eq!(pod.result(), Some("Success"), "{pod:?}");

    c.delete_job(&sp, &job.id).await.unwrap();
    assert!(c.list_jobs(&sp).await.unwrap().is_empty());
}

/// Prints round trips and wall time of the bulk reads against a simulator with 20 ms of
/// latency per request (run with `--nocapture` to see the figures). Asserts counts only.
#[tokio::test]
async fn bulk_read_figures() {
    let server = start(SimConfig {
        generated_users: 2100,
        latency: Duration::from_millis(20),
        precreated: vec![PrecreatedApp {
            display_name: "Keeper (bench)".to_owned(),
            template: KEEPER.to_owned(),
            tags: vec!["entraprov:bench".to_owned()],
            user_assignments: 2100,
            with_job: false,
            secrets: Vec::new(),
        }],
        ..SimConfig::default()
    });
    let c = client(&server);
    let sp = c
        .find_service_principals_by_tag("entraprov:bench")
        .await
        .unwrap()
        .remove(0);
    let upns: Vec<String> = all_users(&c)
        .await
        .into_iter()
        .take(1200)
        .map(|u| u.user_principal_name)
        .collect();

    let before = server.stats().total;
    let t = std::time::Instant::now();
    let resolved = c.resolve_users_by_upn(&upns).await.unwrap();
    let (resolve_ms, resolve_reqs) = (t.elapsed().as_millis(), server.stats().total - before);
    assert_eq!(resolved.len(), 1200);
    assert_eq!(
        resolve_reqs, 4,
        "1200 names = 80 filters = 4 $batch requests"
    );

    let before = server.stats().total;
    let t = std::time::Instant::now();
    let all = c.list_assignments(&sp.id).await.unwrap();
    let (list_ms, list_reqs) = (t.elapsed().as_millis(), server.stats().total - before);
    assert_eq!(all.len(), 2100);
    assert_eq!(list_reqs, 3);
    eprintln!(
        "figures (20 ms simulated latency): resolve 1200 UPNs: {resolve_reqs} HTTP requests, {resolve_ms} ms \
         (4 batches, 4 in flight); list 2100 assignments: {list_reqs} pages, {list_ms} ms"
    );
}
