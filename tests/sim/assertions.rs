//! Token requests with client assertions: certificate (RS256, verified against the
//! registered certificate) and federated (issuer, subject and audience must match).

use entraprov::sim::config::{DEFAULT_APPLY_CLIENT_ID, DEFAULT_PLAN_CLIENT_ID};
use serde_json::{Value, json};

use crate::auth::{claims, token_request};
use crate::common::Ctx;

fn assertion_ctx() -> Ctx {
    let mut cfg = entraprov::sim::SimConfig::default();
    cfg.clients[0].certificate_pem =
        Some(include_str!("../fixtures/sim/assertion-cert.pem").to_owned());
    cfg.clients[1].federated = Some((
        "https://token.actions.githubusercontent.com".into(),
        "repo:contoso/infra:ref:refs/heads/main".into(),
    ));
    Ctx::with(cfg)
}

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

async fn assertion_token(ctx: &Ctx, client: &str, assertion: &str) -> (u16, Value) {
    token_request(
        ctx,
        &ctx.server.tenant_id().to_string(),
        &[
            ("grant_type", "client_credentials"),
            ("client_id", client),
            (
                "client_assertion_type",
                "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            ),
            ("client_assertion", assertion),
            ("scope", "https://graph.microsoft.com/.default"),
        ],
    )
    .await
}

#[tokio::test]
async fn certificate_assertions_are_verified_against_the_registered_certificate() {
    use jsonwebtoken::{Algorithm, EncodingKey, Header};
    let ctx = assertion_ctx();
    let key =
        EncodingKey::from_rsa_pem(include_bytes!("../fixtures/sim/assertion-key.pem")).unwrap();
    let claims = |aud: &str, exp: u64| json!({"aud": aud, "iss": DEFAULT_APPLY_CLIENT_ID, "sub": DEFAULT_APPLY_CLIENT_ID, "jti": "1", "nbf": now() - 5, "exp": exp});
    let good = jsonwebtoken::encode(
        &Header::new(Algorithm::RS256),
        &claims(&ctx.server.token_url(), now() + 600),
        &key,
    )
    .unwrap();
    let (s, b) = assertion_token(&ctx, DEFAULT_APPLY_CLIENT_ID, &good).await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(claims_of(&b)["appid"], DEFAULT_APPLY_CLIENT_ID);
    let expired = jsonwebtoken::encode(
        &Header::new(Algorithm::RS256),
        &claims(&ctx.server.token_url(), now() - 60),
        &key,
    )
    .unwrap();
    assert_eq!(
        assertion_token(&ctx, DEFAULT_APPLY_CLIENT_ID, &expired)
            .await
            .0,
        401
    );
    let wrong_aud = jsonwebtoken::encode(
        &Header::new(Algorithm::RS256),
        &claims("https://elsewhere.example/token", now() + 600),
        &key,
    )
    .unwrap();
    assert_eq!(
        assertion_token(&ctx, DEFAULT_APPLY_CLIENT_ID, &wrong_aud)
            .await
            .0,
        401
    );
    let mut forged = good.clone();
    forged.pop();
    forged.push(if good.ends_with('A') { 'B' } else { 'A' });
    assert_eq!(
        assertion_token(&ctx, DEFAULT_APPLY_CLIENT_ID, &forged)
            .await
            .0,
        401
    );
}

fn claims_of(token_answer: &Value) -> Value {
    claims(token_answer["access_token"].as_str().unwrap())
}

#[tokio::test]
async fn federated_assertions_must_match_issuer_subject_and_audience() {
    use jsonwebtoken::{EncodingKey, Header};
    let ctx = assertion_ctx();
    let github = |sub: &str, aud: &str| {
        let c = json!({"iss": "https://token.actions.githubusercontent.com", "sub": sub, "aud": aud, "exp": now() + 300});
        jsonwebtoken::encode(
            &Header::default(),
            &c,
            &EncodingKey::from_secret(b"github-key").unwrap(),
        )
        .unwrap()
    };
    let ok = github(
        "repo:contoso/infra:ref:refs/heads/main",
        "api://AzureADTokenExchange",
    );
    let (s, b) = assertion_token(&ctx, DEFAULT_PLAN_CLIENT_ID, &ok).await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(claims_of(&b)["appid"], DEFAULT_PLAN_CLIENT_ID);
    let other_branch = github(
        "repo:contoso/infra:ref:refs/heads/feature",
        "api://AzureADTokenExchange",
    );
    let (s, b) = assertion_token(&ctx, DEFAULT_PLAN_CLIENT_ID, &other_branch).await;
    assert_eq!((s, b["error_codes"][0].as_u64()), (401, Some(70021)));
    let wrong_aud = github(
        "repo:contoso/infra:ref:refs/heads/main",
        "https://graph.microsoft.com",
    );
    assert_eq!(
        assertion_token(&ctx, DEFAULT_PLAN_CLIENT_ID, &wrong_aud)
            .await
            .0,
        401
    );
}
