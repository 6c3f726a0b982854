//! Token endpoint, bearer checks and the permission table.

use base64::Engine;
use entraprov::sim::config::{DEFAULT_APPLY_CLIENT_ID, DEFAULT_PLAN_CLIENT_ID};
use reqwest::Method;
use serde_json::{Value, json};

use crate::common::{Ctx, graph_error};

pub async fn token_request(ctx: &Ctx, tenant: &str, form: &[(&str, &str)]) -> (u16, Value) {
    let r = ctx
        .http
        .post(format!("{}/{tenant}/oauth2/v2.0/token", ctx.server.url()))
        .form(form)
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.json().await.unwrap())
}

pub fn claims(token: &str) -> Value {
    let payload = token.split('.').nth(1).unwrap();
    serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(payload)
            .unwrap(),
    )
    .unwrap()
}

#[tokio::test]
async fn client_credentials_issue_a_graph_token_with_tid_appid_roles_exp() {
    let ctx = Ctx::new();
    let tenant = ctx.server.tenant_id().to_string();
    let (status, body) = token_request(
        &ctx,
        &tenant,
        &[
            ("grant_type", "client_credentials"),
            ("client_id", DEFAULT_APPLY_CLIENT_ID),
            ("client_secret", "sim-apply-secret"),
            ("scope", "https://graph.microsoft.com/.default"),
        ],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["token_type"], "Bearer");
    assert!(body["expires_in"].as_u64().unwrap() > 3000);
    let token = body["access_token"].as_str().unwrap();
    let c = claims(token);
    assert_eq!(c["tid"], tenant.as_str());
    assert_eq!(c["appid"], DEFAULT_APPLY_CLIENT_ID);
    assert_eq!(c["aud"], "https://graph.microsoft.com");
    assert!(
        c["roles"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r == "Synchronization.ReadWrite.All")
    );
    assert!(c["exp"].as_u64().unwrap() > c["iat"].as_u64().unwrap());
    let a = ctx
        .call_as(Some(token), Method::GET, "/users?$top=1", None)
        .await;
    assert_eq!(a.status, 200);
}

#[tokio::test]
async fn token_endpoint_rejects_bad_secret_unknown_client_wrong_tenant_and_bad_scope() {
    let ctx = Ctx::new();
    let tenant = ctx.server.tenant_id().to_string();
    let form = |id: &'static str, secret: &'static str, scope: &'static str| {
        vec![
            ("grant_type", "client_credentials"),
            ("client_id", id),
            ("client_secret", secret),
            ("scope", scope),
        ]
    };
    let (s, b) = token_request(
        &ctx,
        &tenant,
        &form(
            DEFAULT_APPLY_CLIENT_ID,
            "wrong",
            "https://graph.microsoft.com/.default",
        ),
    )
    .await;
    assert_eq!((s, b["error"].as_str()), (401, Some("invalid_client")));
    assert!(
        b["error_description"]
            .as_str()
            .unwrap()
            .starts_with("AADSTS7000215")
    );
    assert!(!b.to_string().contains("wrong"), "the secret is not echoed");
    let (s, b) = token_request(
        &ctx,
        &tenant,
        &form(
            "00000000-1111-2222-3333-444444444444",
            "x",
            "https://graph.microsoft.com/.default",
        ),
    )
    .await;
    assert_eq!((s, b["error"].as_str()), (400, Some("unauthorized_client")));
    let (s, b) = token_request(
        &ctx,
        "11111111-0000-0000-0000-000000000000",
        &form(
            DEFAULT_APPLY_CLIENT_ID,
            "sim-apply-secret",
            "https://graph.microsoft.com/.default",
        ),
    )
    .await;
    assert_eq!((s, b["error_codes"][0].as_u64()), (400, Some(90002)));
    let (s, b) = token_request(
        &ctx,
        &tenant,
        &form(
            DEFAULT_APPLY_CLIENT_ID,
            "sim-apply-secret",
            "https://graph.microsoft.com/User.Read",
        ),
    )
    .await;
    assert_eq!((s, b["error"].as_str()), (400, Some("invalid_scope")));
}

#[tokio::test]
async fn missing_or_invalid_bearer_gets_401_in_graphs_error_shape() {
    let ctx = Ctx::new();
    let a = ctx
        .call_as(None, Method::GET, "/servicePrincipals", None)
        .await;
    assert_eq!(a.status, 401);
    assert_eq!(graph_error(&a), "InvalidAuthenticationToken");
    assert!(a.header("www-authenticate").unwrap().starts_with("Bearer"));
    let a = ctx
        .call_as(Some("not-a-jwt"), Method::GET, "/servicePrincipals", None)
        .await;
    assert_eq!(
        (a.status, graph_error(&a).as_str()),
        (401, "InvalidAuthenticationToken")
    );
    let forged = format!("{}x", ctx.token);
    let a = ctx
        .call_as(Some(&forged), Method::GET, "/servicePrincipals", None)
        .await;
    assert_eq!(a.status, 401);
    let other = Ctx::new();
    let a = ctx
        .call_as(Some(&other.token), Method::GET, "/users", None)
        .await;
    assert_eq!(
        a.status, 401,
        "a token of another simulator (other key) is refused"
    );
}

#[tokio::test]
async fn every_answer_carries_request_id_and_echoes_client_request_id() {
    let ctx = Ctx::new();
    let r = ctx
        .http
        .get(ctx.url("/users/nobody@contoso.example"))
        .bearer_auth(&ctx.token)
        .header("client-request-id", "abc-123")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    assert!(r.headers().get("request-id").is_some());
    assert_eq!(r.headers()["client-request-id"], "abc-123");
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["error"]["innerError"]["client-request-id"], "abc-123");
    assert_eq!(body["error"]["code"], "Request_ResourceNotFound");
}

#[tokio::test]
async fn read_only_plan_identity_reads_but_cannot_write() {
    let ctx = Ctx::new();
    let sp = ctx.keeper("Keeper (perm)").await;
    let id = sp["id"].as_str().unwrap();
    let plan = ctx.server.plan_token();
    let c = claims(&plan);
    assert_eq!(c["appid"], DEFAULT_PLAN_CLIENT_ID);
    for path in [
        format!("/servicePrincipals/{id}"),
        format!("/servicePrincipals/{id}/appRoleAssignedTo"),
        format!("/servicePrincipals/{id}/synchronization/jobs"),
        "/users".into(),
        "/groups".into(),
    ] {
        let a = ctx.call_as(Some(&plan), Method::GET, &path, None).await;
        assert_eq!(a.status, 200, "{path}: {}", a.body);
    }
    let tpl = format!(
        "/applicationTemplates/{}/instantiate",
        entraprov::sim::directory::seed::KEEPER_TEMPLATE_ID
    );
    let writes = [
        (Method::POST, tpl, json!({"displayName": "x"})),
        (
            Method::PATCH,
            format!("/servicePrincipals/{id}"),
            json!({"tags": []}),
        ),
        (
            Method::POST,
            format!("/servicePrincipals/{id}/synchronization/jobs"),
            json!({"templateId": "keeperPasswordManagerDigitalVault"}),
        ),
        (
            Method::PUT,
            format!("/servicePrincipals/{id}/synchronization/secrets"),
            json!({"value": []}),
        ),
    ];
    for (m, path, body) in writes {
        let a = ctx.call_as(Some(&plan), m, &path, Some(body)).await;
        assert_eq!(a.status, 403, "{path}: {}", a.body);
        assert_eq!(graph_error(&a), "Authorization_RequestDenied");
    }
}

#[tokio::test]
async fn permission_table_is_enforced_per_operation() {
    let ctx = Ctx::new();
    let (sp, job) = ctx.keeper_job().await;
    // Synchronization.Read.All cannot list functions (documented as ReadWrite).
    let read = ctx.server.token_with_roles(&["Synchronization.Read.All"]);
    let a = ctx
        .call_as(
            Some(&read),
            Method::GET,
            &format!("/servicePrincipals/{sp}/synchronization/jobs/{job}/schema/functions"),
            None,
        )
        .await;
    assert_eq!(a.status, 403);
    let a = ctx
        .call_as(
            Some(&read),
            Method::GET,
            &format!("/servicePrincipals/{sp}/synchronization/jobs/{job}/schema/filterOperators"),
            None,
        )
        .await;
    assert_eq!(a.status, 200);
    // POST appRoleAssignedTo needs AppRoleAssignment.ReadWrite.All and an Application read permission.
    let only_assign = ctx
        .server
        .token_with_roles(&["AppRoleAssignment.ReadWrite.All"]);
    let alice = ctx.user_id("alice@contoso.example").await;
    let body = json!({"principalId": alice, "resourceId": sp, "appRoleId": "00000000-0000-0000-0000-000000000000"});
    let a = ctx
        .call_as(
            Some(&only_assign),
            Method::POST,
            &format!("/servicePrincipals/{sp}/appRoleAssignedTo"),
            Some(body),
        )
        .await;
    assert_eq!(a.status, 403);
    // No User.Read.All: users are denied; templates need no permission at all.
    let none = ctx.server.token_with_roles(&[]);
    assert_eq!(
        ctx.call_as(Some(&none), Method::GET, "/users", None)
            .await
            .status,
        403
    );
    assert_eq!(
        ctx.call_as(Some(&none), Method::GET, "/applicationTemplates", None)
            .await
            .status,
        200
    );
    // OwnedBy only covers service principals the caller created.
    let owned = ctx
        .server
        .token_with_roles(&["Application.ReadWrite.OwnedBy"]);
    let mine = ctx
        .call_as(
            Some(&owned),
            Method::GET,
            &format!("/servicePrincipals/{sp}/synchronization/jobs"),
            None,
        )
        .await;
    assert_eq!(mine.status, 200, "apply identity created it: {}", mine.body);
}

#[tokio::test]
async fn bodies_must_be_json_and_beta_answers_only_where_served() {
    let ctx = Ctx::new();
    let (sp, job) = ctx.keeper_job().await;
    let r = ctx
        .http
        .post(ctx.url(&format!("/servicePrincipals/{sp}/synchronization/jobs")))
        .bearer_auth(&ctx.token)
        .header("content-type", "text/plain")
        .body("{\"templateId\":\"x\"}")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 415);
    // Changed by #14: /beta answers only where the simulator serves the beta shape (the
    // schema's filter operators and functions, documented on beta pages); 404 elsewhere.
    let beta = ctx
        .get(&format!(
            "{}/beta/servicePrincipals/{sp}/synchronization/jobs/{job}",
            ctx.server.url()
        ))
        .await;
    assert_eq!(beta.status, 404, "{}", beta.body);
    let beta = ctx
        .get(&format!(
            "{}/beta/servicePrincipals/{sp}/synchronization/jobs/{job}/schema/filterOperators",
            ctx.server.url()
        ))
        .await;
    assert_eq!(beta.status, 200, "{}", beta.body);
    assert!(
        beta.body["@odata.context"]
            .as_str()
            .unwrap()
            .contains("/beta/$metadata#")
    );
}
