//! What users see when Graph or authentication fails: rendered miette reports, snapshotted.

use entraprov::graph::auth::{Env, credential_from_env};
use entraprov::graph::wire::SyncSecret;
use entraprov::ids::{AppRoleId, PrincipalId, ServicePrincipalId};
use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme};
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::common::{auth_ctx, client_with_token};

fn render(diag: &dyn Diagnostic) -> String {
    let mut out = String::new();
    GraphicalReportHandler::new_themed(GraphicalTheme::unicode_nocolor())
        .with_width(100)
        .render_report(&mut out, diag)
        .unwrap();
    out
}

fn settings() -> insta::Settings {
    let mut s = insta::Settings::clone_current();
    s.set_snapshot_path("../snapshots");
    s.add_filter(r"/tmp/\.tmp\w+", "[tmp]");
    s.add_filter(r"127\.0\.0\.1:\d+", "127.0.0.1:[port]");
    s.add_filter(
        r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
        "[uuid]",
    );
    s
}

async fn failing(status: u16, body: serde_json::Value) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(
            ResponseTemplate::new(status)
                .insert_header("request-id", "0a1b2c3d-0000-4000-8000-000000000001")
                .set_body_json(body),
        )
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn permission_denied_names_the_missing_permission() {
    let server = failing(
        403,
        serde_json::json!({"error": {"code": "Authorization_RequestDenied",
            "message": "Insufficient privileges to complete the operation."}}),
    )
    .await;
    let err = client_with_token(&server, "t")
        .create_assignment(
            &ServicePrincipalId::new("sp1"),
            &PrincipalId::new("p1"),
            &AppRoleId::new("r1"),
        )
        .await
        .unwrap_err();
    settings().bind(|| insta::assert_snapshot!(render(&err)));
}

#[tokio::test]
async fn wrapped_sync_error_shows_the_inner_code() {
    let inner = r#"{"error":{"code":"InvalidNotificationSettings","message":"Notification settings are invalid","innererror":null}}"#;
    let server = failing(
        400,
        serde_json::json!({"error": {"code": "UnknownError", "message": inner,
            "innerError": {"date": "2026-11-28T20:00:00", "request-id": "0a1b2c3d-0000-4000-8000-000000000002",
                           "client-request-id": "0a1b2c3d-0000-4000-8000-000000000003"}}}),
    )
    .await;
    let err = client_with_token(&server, "t")
        .put_secrets(
            &ServicePrincipalId::new("sp1"),
            &[SyncSecret::new("SyncNotificationSettings", "")],
        )
        .await
        .unwrap_err();
    assert_eq!(err.effective_code(), Some("InvalidNotificationSettings"));
    settings().bind(|| insta::assert_snapshot!(render(&err)));
}

#[tokio::test]
async fn rejected_token_says_which_credential() {
    let server = failing(
        401,
        serde_json::json!({"error": {"code": "InvalidAuthenticationToken",
            "message": "Access token has expired or is not yet valid."}}),
    )
    .await;
    let err = client_with_token(&server, "t")
        .validate_credentials(
            &ServicePrincipalId::new("sp1"),
            &entraprov::ids::JobId::new("keeper.1.2"),
            None,
        )
        .await
        .unwrap_err();
    settings().bind(|| insta::assert_snapshot!(render(&err)));
}

#[tokio::test]
async fn no_credential_lists_the_options() {
    let server = MockServer::start().await;
    let env = Env::from_pairs([
        ("AZURE_TENANT_ID", "contoso.onmicrosoft.com"),
        ("PATH", "/nonexistent"),
    ]);
    let err = credential_from_env(&env, &auth_ctx(&server)).unwrap_err();
    settings().bind(|| insta::assert_snapshot!(render(&err)));
}

#[tokio::test]
async fn federated_subject_mismatch_explains_the_subject_format() {
    let server = failing(
        400,
        serde_json::json!({"error": "invalid_client",
            "error_description": "AADSTS700213: No matching federated identity record found for presented assertion subject 'repo:acme/infra:pull_request'.\r\nTrace ID: x"}),
    )
    .await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("t");
    std::fs::write(&file, "jwt").unwrap();
    let env = Env::from_pairs([
        ("AZURE_TENANT_ID", "contoso.onmicrosoft.com"),
        ("AZURE_CLIENT_ID", "11111111-2222-3333-4444-555555555555"),
        ("AZURE_FEDERATED_TOKEN_FILE", "/run/secrets/azure-token"),
    ]);
    let err = credential_from_env(&env, &auth_ctx(&server))
        .unwrap()
        .token()
        .await;
    let err = match err {
        Err(e) => e,
        Ok(_) => panic!("expected an error"),
    };
    // The token file does not exist: first the file error…
    settings().bind(|| insta::assert_snapshot!("federated_file_missing", render(&err)));
    let env = env.with("AZURE_FEDERATED_TOKEN_FILE", file.to_str().unwrap());
    let err = credential_from_env(&env, &auth_ctx(&server))
        .unwrap()
        .token()
        .await
        .unwrap_err();
    // …then, with the file, Entra's refusal.
    settings().bind(|| insta::assert_snapshot!("federated_subject_mismatch", render(&err)));
}

/// #14: a chain of nested `innerError`s is walked: the deepest code that differs from the
/// outer one is shown, and the request id is found at any level.
#[test]
fn nested_inner_error_chain_is_walked() {
    use entraprov::graph::{GraphError, Operation};
    let body = serde_json::json!({"error": {
        "code": "BadRequest", "message": "The request is invalid.",
        "innerError": {
            "date": "2026-12-03T10:00:00", "request-id": "rid-1",
            "innerError": {"code": "BadRequest", "message": "still outer",
                "innerError": {"code": "SchemaValidationFailed", "message": "attribute mapping 3 is invalid"}}
        }
    }});
    let op = Operation::new("write schema of job j", "Synchronization.ReadWrite.All");
    let e = GraphError::from_response(op, 400, body.to_string().as_bytes());
    assert_eq!(e.code.as_deref(), Some("BadRequest"));
    let inner = e.inner.as_ref().expect("inner error");
    assert_eq!(inner.code.as_deref(), Some("SchemaValidationFailed"));
    assert_eq!(
        inner.message.as_deref(),
        Some("attribute mapping 3 is invalid")
    );
    assert_eq!(e.request_id.as_deref(), Some("rid-1"));
    assert_eq!(e.effective_code(), Some("SchemaValidationFailed"));
    assert!(
        e.to_string()
            .contains("→ SchemaValidationFailed: attribute mapping 3 is invalid")
    );
}
