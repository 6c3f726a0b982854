//! Credential flows: exact form fields and headers on the wire, caching, chain order,
//! GitHub OIDC, federated token file, Azure CLI, static token and `tid`.

use std::os::unix::fs::PermissionsExt;

use entraprov::graph::Cloud;
use entraprov::graph::auth::{AuthContext, AuthError, Env, credential_from_env};
use entraprov::graph::{Endpoints, build_http};
use secrecy::ExposeSecret;
use wiremock::matchers::{body_string_contains, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::common::{auth_ctx, fake_jwt, fast_policy, form, options, token_body};

const TENANT: &str = "72f988bf-0000-0000-0000-000000000000";
const CLIENT: &str = "11111111-2222-3333-4444-555555555555";

fn app_env() -> Env {
    Env::from_pairs([("AZURE_TENANT_ID", TENANT), ("AZURE_CLIENT_ID", CLIENT)])
}

#[tokio::test]
async fn client_secret_posts_exact_form_and_caches_the_token() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(format!("/{TENANT}/oauth2/v2.0/token")))
        .and(header("content-type", "application/x-www-form-urlencoded"))
        .respond_with(ResponseTemplate::new(200).set_body_json(token_body("tok-1", 3600)))
        .expect(1)
        .mount(&server)
        .await;
    let env = app_env().with("AZURE_CLIENT_SECRET", "s3cr&t=x");
    let cred = credential_from_env(&env, &auth_ctx(&server)).unwrap();
    assert!(
        cred.describe()
            .starts_with("client secret (AZURE_CLIENT_SECRET)")
    );
    assert_eq!(cred.token().await.unwrap().expose_secret(), "tok-1");
    assert_eq!(
        cred.token().await.unwrap().expose_secret(),
        "tok-1",
        "second call is cached"
    );

    let reqs = server.received_requests().await.unwrap();
    let f = form(&reqs[0].body);
    let keys: Vec<&str> = f.keys().map(String::as_str).collect();
    assert_eq!(keys, ["client_id", "client_secret", "grant_type", "scope"]);
    assert_eq!(f["client_id"], CLIENT);
    assert_eq!(f["client_secret"], "s3cr&t=x");
    assert_eq!(f["grant_type"], "client_credentials");
    assert_eq!(f["scope"], "https://graph.microsoft.com/.default");
    assert!(reqs[0].headers.get("client-request-id").is_some());
    assert!(
        reqs[0].headers["user-agent"]
            .to_str()
            .unwrap()
            .starts_with("entraprov/")
    );
}

#[tokio::test]
async fn token_endpoint_refusal_is_not_retried_and_names_the_aadsts_code() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(401).set_body_json(serde_json::json!({
            "error": "invalid_client",
            "error_description": "AADSTS7000215: Invalid client secret provided.\r\nTrace ID: 1\r\nCorrelation ID: 2",
            "error_codes": [7000215]
        })))
        .expect(1)
        .mount(&server)
        .await;
    let env = app_env().with("AZURE_CLIENT_SECRET", "wrong");
    let cred = credential_from_env(&env, &auth_ctx(&server)).unwrap();
    let err = cred.token().await.unwrap_err();
    match &err {
        AuthError::TokenEndpoint {
            status,
            error,
            aadsts,
            ..
        } => {
            assert_eq!(*status, 401);
            assert_eq!(error, "invalid_client");
            assert_eq!(aadsts.as_deref(), Some("AADSTS7000215"));
        }
        other => panic!("unexpected {other:?}"),
    }
    assert!(err.help_text().unwrap().contains("secret's *value*"));
}

#[tokio::test]
async fn token_endpoint_throttling_is_retried() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "0"))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(token_body("tok", 3600)))
        .expect(1)
        .mount(&server)
        .await;
    let env = app_env().with("AZURE_CLIENT_SECRET", "s");
    let cred = credential_from_env(&env, &auth_ctx(&server)).unwrap();
    assert_eq!(cred.token().await.unwrap().expose_secret(), "tok");
}

#[tokio::test]
async fn federated_token_file_is_reread_for_every_token() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(format!("/{TENANT}/oauth2/v2.0/token")))
        .respond_with(ResponseTemplate::new(200).set_body_json(token_body("tok", 60)))
        .expect(2)
        .mount(&server)
        .await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("token");
    std::fs::write(&file, "federated-one\n").unwrap();
    let env = app_env().with("AZURE_FEDERATED_TOKEN_FILE", file.to_str().unwrap());
    let cred = credential_from_env(&env, &auth_ctx(&server)).unwrap();
    cred.token().await.unwrap();
    std::fs::write(&file, "federated-two").unwrap();
    // expires_in 60 s is inside the 5-minute refresh margin: the next call fetches again.
    cred.token().await.unwrap();
    let reqs = server.received_requests().await.unwrap();
    let assertions: Vec<String> = reqs
        .iter()
        .map(|r| form(&r.body)["client_assertion"].clone())
        .collect();
    assert_eq!(assertions, ["federated-one", "federated-two"]);
    let f = form(&reqs[0].body);
    assert_eq!(
        f["client_assertion_type"],
        "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
    );
    assert!(!f.contains_key("client_secret"));
}

#[tokio::test]
async fn github_oidc_gets_a_fresh_jwt_for_every_entra_token() {
    let server = MockServer::start().await;
    let counter = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let c = counter.clone();
    Mock::given(method("GET"))
        .and(path("/oidc/token"))
        .and(query_param("api-version", "2.0"))
        .and(query_param("audience", "api://AzureADTokenExchange"))
        .and(header("authorization", "Bearer gh-request-token"))
        .respond_with(move |_: &wiremock::Request| {
            let n = c.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            ResponseTemplate::new(200)
                .set_body_json(serde_json::json!({"value": format!("gh-jwt-{n}")}))
        })
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!("/{TENANT}/oauth2/v2.0/token")))
        .and(body_string_contains("client_assertion=gh-jwt-"))
        .respond_with(ResponseTemplate::new(200).set_body_json(token_body("tok", 60)))
        .expect(2)
        .mount(&server)
        .await;
    let env = app_env()
        .with(
            "ACTIONS_ID_TOKEN_REQUEST_URL",
            format!("{}/oidc/token?api-version=2.0", server.uri()),
        )
        .with("ACTIONS_ID_TOKEN_REQUEST_TOKEN", "gh-request-token")
        .with("AZURE_CLIENT_SECRET", "ignored: OIDC comes first");
    let cred = credential_from_env(&env, &auth_ctx(&server)).unwrap();
    assert!(cred.describe().starts_with("GitHub Actions OIDC"));
    cred.token().await.unwrap();
    cred.token().await.unwrap();
    let posts: Vec<_> = server
        .received_requests()
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r.method.as_str() == "POST")
        .map(|r| form(&r.body))
        .collect();
    assert_eq!(posts[0]["client_assertion"], "gh-jwt-0");
    assert_eq!(posts[1]["client_assertion"], "gh-jwt-1");
    assert_eq!(posts[0]["client_id"], CLIENT);
}

#[tokio::test]
async fn github_oidc_uses_the_cloud_specific_audience() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(query_param("audience", "api://AzureADTokenExchangeUSGov"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"value": "jwt"})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(token_body("tok", 3600)))
        .expect(1)
        .mount(&server)
        .await;
    let endpoints = Endpoints::new(Some(Cloud::Usgov), None, Some(&server.uri())).unwrap();
    let ctx = AuthContext {
        http: build_http(&options()).unwrap(),
        endpoints,
        policy: fast_policy(),
    };
    let env = app_env()
        .with(
            "ACTIONS_ID_TOKEN_REQUEST_URL",
            format!("{}/oidc", server.uri()),
        )
        .with("ACTIONS_ID_TOKEN_REQUEST_TOKEN", "t");
    let cred = credential_from_env(&env, &ctx).unwrap();
    cred.token().await.unwrap();
    let post = server
        .received_requests()
        .await
        .unwrap()
        .into_iter()
        .find(|r| r.method.as_str() == "POST")
        .unwrap();
    assert_eq!(
        form(&post.body)["scope"],
        "https://graph.microsoft.us/.default"
    );
}

#[tokio::test]
async fn github_oidc_without_id_token_permission_explains_the_fix() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(403))
        .expect(1)
        .mount(&server)
        .await;
    let env = app_env()
        .with(
            "ACTIONS_ID_TOKEN_REQUEST_URL",
            format!("{}/oidc", server.uri()),
        )
        .with("ACTIONS_ID_TOKEN_REQUEST_TOKEN", "t");
    let err = credential_from_env(&env, &auth_ctx(&server))
        .unwrap()
        .token()
        .await
        .unwrap_err();
    assert!(matches!(err, AuthError::GitHubOidc { status: 403, .. }));
    assert!(err.help_text().unwrap().contains("id-token: write"));
}

#[tokio::test]
async fn static_token_wins_and_its_tenant_is_readable() {
    let server = MockServer::start().await;
    let jwt = fake_jwt(serde_json::json!({"tid": TENANT, "exp": 4_000_000_000u64}));
    let env = app_env()
        .with("ENTRAPROV_ACCESS_TOKEN", jwt.clone())
        .with("AZURE_CLIENT_SECRET", "unused");
    let cred = credential_from_env(&env, &auth_ctx(&server)).unwrap();
    assert_eq!(
        cred.describe(),
        "static access token (ENTRAPROV_ACCESS_TOKEN)"
    );
    assert_eq!(cred.tenant_id().await.unwrap().unwrap().as_str(), TENANT);
    assert_eq!(cred.token().await.unwrap().expose_secret(), jwt);
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn chain_order_is_oidc_then_file_then_certificate_then_secret() {
    let server = MockServer::start().await;
    let ctx = auth_ctx(&server);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("fed");
    std::fs::write(&file, "x").unwrap();
    let env = app_env()
        .with("AZURE_FEDERATED_TOKEN_FILE", file.to_str().unwrap())
        .with("AZURE_CLIENT_CERTIFICATE_PATH", "/nonexistent.pem")
        .with("AZURE_CLIENT_SECRET", "s");
    let d = credential_from_env(&env, &ctx).unwrap().describe();
    assert!(d.starts_with("federated token file"), "{d}");
    let env = app_env()
        .with("AZURE_CLIENT_SECRET", "s")
        .with("AZURE_CLIENT_CERTIFICATE_PATH", "/nonexistent.pem");
    let err = credential_from_env(&env, &ctx).unwrap_err();
    assert!(
        matches!(err, AuthError::Certificate { .. }),
        "certificate is tried before the secret"
    );
}

#[tokio::test]
async fn nothing_configured_lists_what_was_found() {
    let server = MockServer::start().await;
    let env = Env::from_pairs([("AZURE_CLIENT_ID", CLIENT), ("PATH", "/nonexistent")]);
    let err = credential_from_env(&env, &auth_ctx(&server)).unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("AZURE_CLIENT_ID is set but AZURE_TENANT_ID is not"),
        "{text}"
    );
    assert!(text.contains("`az` is not on PATH"), "{text}");
}

/// Only `AZURE_CLIENT_SECRET`: the error names the missing tenant and client ids, not only
/// the absent `az` (issue #13).
#[tokio::test]
async fn a_secret_without_the_app_names_the_missing_ids() {
    let server = MockServer::start().await;
    let env = Env::from_pairs([("AZURE_CLIENT_SECRET", "s3cret"), ("PATH", "/nonexistent")]);
    let err = credential_from_env(&env, &auth_ctx(&server)).unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("AZURE_CLIENT_SECRET is set but AZURE_TENANT_ID and AZURE_CLIENT_ID are not"),
        "{text}"
    );
    assert!(!text.contains("s3cret"), "{text}");
}

#[tokio::test]
async fn malformed_tenant_id_is_refused_before_any_request() {
    let server = MockServer::start().await;
    let env = Env::from_pairs([
        ("AZURE_CLIENT_ID", CLIENT),
        ("AZURE_TENANT_ID", "evil/../x"),
        ("AZURE_CLIENT_SECRET", "s"),
    ]);
    let err = credential_from_env(&env, &auth_ctx(&server)).unwrap_err();
    assert!(matches!(
        err,
        AuthError::BadVariable {
            var: "AZURE_TENANT_ID",
            ..
        }
    ));
}

fn fake_az(dir: &std::path::Path, script_body: &str) {
    let az = dir.join("az");
    std::fs::write(&az, format!("#!/bin/sh\n{script_body}\n")).unwrap();
    std::fs::set_permissions(&az, std::fs::Permissions::from_mode(0o755)).unwrap();
}

#[tokio::test]
async fn azure_cli_is_called_with_the_graph_resource_and_parsed() {
    let server = MockServer::start().await;
    let dir = tempfile::tempdir().unwrap();
    let args_file = dir.path().join("args");
    fake_az(
        dir.path(),
        r#"echo "$@" > "$AZ_ARGS_FILE"
echo '{"accessToken":"cli-token","expiresOn":"2030-01-01 00:00:00.000000","expires_on":1893456000,"tenant":"t","tokenType":"Bearer"}'"#,
    );
    let endpoints = Endpoints::new(Some(Cloud::China), None, None).unwrap();
    let ctx = AuthContext {
        endpoints,
        ..auth_ctx(&server)
    };
    let env = Env::from_pairs([
        ("PATH", dir.path().to_str().unwrap()),
        ("AZ_ARGS_FILE", args_file.to_str().unwrap()),
        ("AZURE_TENANT_ID", TENANT),
    ]);
    let cred = credential_from_env(&env, &ctx).unwrap();
    assert!(cred.describe().starts_with("Azure CLI"));
    assert_eq!(cred.token().await.unwrap().expose_secret(), "cli-token");
    let args = std::fs::read_to_string(&args_file).unwrap();
    assert_eq!(
        args.trim(),
        format!(
            "account get-access-token --resource https://microsoftgraph.chinacloudapi.cn --tenant {TENANT} --output json"
        )
    );
}

#[tokio::test]
async fn azure_cli_failure_is_reported_with_its_message() {
    let server = MockServer::start().await;
    let dir = tempfile::tempdir().unwrap();
    fake_az(
        dir.path(),
        "echo \"ERROR: Please run 'az login' to setup account.\" >&2\nexit 1",
    );
    let env = Env::from_pairs([("PATH", dir.path().to_str().unwrap())]);
    let err = credential_from_env(&env, &auth_ctx(&server))
        .unwrap()
        .token()
        .await
        .unwrap_err();
    assert!(err.to_string().contains("Please run 'az login'"), "{err}");
    assert!(err.help_text().unwrap().contains("az login"));
}
