//! A fake GitHub Actions OIDC token endpoint (`ACTIONS_ID_TOKEN_REQUEST_URL`): checks the
//! request token, requires an `audience` parameter, and answers `{"value": "<jwt>"}` with a
//! fresh JWT carrying the `iss`/`sub`/`aud` GitHub would issue for the job. Counts requests
//! so tests can see that a fresh GitHub JWT is fetched for each Entra token.

use serde_json::json;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

pub const ISSUER: &str = "https://token.actions.githubusercontent.com";
pub const REQUEST_TOKEN: &str = "fake-actions-id-token-request-token";

#[derive(Clone)]
pub struct FakeOidc {
    subject: String,
    pub issued: Arc<AtomicUsize>,
}

impl FakeOidc {
    /// Starts an issuer for jobs whose token subject is `subject`
    /// (e.g. `repo:contoso/entra:pull_request`).
    pub async fn start(subject: &str) -> (MockServer, FakeOidc) {
        let server = MockServer::start().await;
        let fake = FakeOidc {
            subject: subject.to_owned(),
            issued: Arc::default(),
        };
        Mock::given(any())
            .respond_with(fake.clone())
            .mount(&server)
            .await;
        (server, fake)
    }

    /// The value the runner puts in `ACTIONS_ID_TOKEN_REQUEST_URL` (it carries a query).
    pub fn request_url(server: &MockServer) -> String {
        format!("{}/_apis/actions/idtoken?api-version=2.0", server.uri())
    }
}

impl Respond for FakeOidc {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        let auth = req
            .headers
            .get("authorization")
            .and_then(|v| v.to_str().ok());
        if auth != Some(&format!("Bearer {REQUEST_TOKEN}")) {
            return ResponseTemplate::new(401).set_body_json(json!({"message": "Unauthorized"}));
        }
        if req.url.path() != "/_apis/actions/idtoken" {
            return ResponseTemplate::new(404);
        }
        let q = |k: &str| {
            req.url
                .query_pairs()
                .find(|(n, _)| n == k)
                .map(|(_, v)| v.into_owned())
        };
        let (Some(audience), Some("2.0")) = (q("audience"), q("api-version").as_deref()) else {
            return ResponseTemplate::new(400)
                .set_body_json(json!({"message": "audience and api-version required"}));
        };
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or_default();
        let claims = json!({
            "jti": uuid::Uuid::new_v4().to_string(),
            "sub": self.subject,
            "aud": audience,
            "iss": ISSUER,
            "iat": now, "nbf": now, "exp": now + 300,
            "repository": "contoso/entra",
            "repository_owner": "contoso",
            "runner_environment": "github-hosted",
        });
        let key = match jsonwebtoken::EncodingKey::from_secret(b"fake-github-oidc-signing-key") {
            Ok(k) => k,
            Err(e) => return ResponseTemplate::new(500).set_body_string(e.to_string()),
        };
        let jwt = match jsonwebtoken::encode(
            &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
            &claims,
            &key,
        ) {
            Ok(t) => t,
            Err(e) => return ResponseTemplate::new(500).set_body_string(e.to_string()),
        };
        self.issued.fetch_add(1, Ordering::SeqCst);
        ResponseTemplate::new(200).set_body_json(json!({"count": 1, "value": jwt}))
    }
}
