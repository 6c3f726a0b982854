//! The token-endpoint flows: static token, client secret, federated token file and GitHub
//! Actions OIDC, sharing one `client_credentials` exchange.

use std::time::{Duration, SystemTime};

use futures::FutureExt;
use futures::future::BoxFuture;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

use super::{AccessToken, AuthContext, AuthError, TokenProvider, token_expiry};
use crate::graph::odata::encode_value;
use crate::graph::retry::{self, Attempt, Idempotency, Outcome, RetryPolicy, Verdict};

/// The JWT-bearer client assertion type.
pub const ASSERTION_TYPE: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/// One app registration in one tenant: where and how to exchange a credential for a token.
#[derive(Clone, Debug)]
pub struct TokenEndpoint {
    http: reqwest::Client,
    policy: RetryPolicy,
    /// `{authority}/{tenant}/oauth2/v2.0/token`.
    pub token_url: String,
    /// The app (client) id.
    pub client_id: String,
    /// `{graph}/.default`.
    pub scope: String,
    /// Audience for a GitHub OIDC token in this cloud.
    pub oidc_audience: &'static str,
}

#[derive(Deserialize)]
struct TokenResponse {
    access_token: Option<String>,
    expires_in: Option<serde_json::Value>,
}

#[derive(Deserialize)]
struct TokenErrorBody {
    error: Option<String>,
    error_description: Option<String>,
}

impl TokenEndpoint {
    /// Validates the tenant (a GUID or domain name) and builds the endpoint.
    pub fn new(ctx: &AuthContext, tenant: &str, client_id: &str) -> Result<Self, AuthError> {
        let ok = |s: &str| {
            !s.is_empty()
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.')
        };
        if !ok(tenant) {
            return Err(AuthError::BadVariable {
                var: "AZURE_TENANT_ID",
                reason: "expected a tenant GUID or domain name".to_owned(),
            });
        }
        if !ok(client_id) {
            return Err(AuthError::BadVariable {
                var: "AZURE_CLIENT_ID",
                reason: "expected an application (client) id GUID".to_owned(),
            });
        }
        Ok(Self {
            http: ctx.http.clone(),
            policy: ctx.policy.clone(),
            token_url: ctx.endpoints.token_url(tenant),
            client_id: client_id.to_owned(),
            scope: ctx.endpoints.graph_scope(),
            oidc_audience: ctx.endpoints.cloud().token_exchange_audience(),
        })
    }

    /// The shared HTTP client.
    pub fn http(&self) -> &reqwest::Client {
        &self.http
    }

    /// `client_credentials` grant with a client assertion (JWT).
    pub async fn exchange_assertion(
        &self,
        credential: &str,
        assertion: &SecretString,
    ) -> Result<AccessToken, AuthError> {
        let extra = [
            ("client_assertion_type", ASSERTION_TYPE),
            ("client_assertion", assertion.expose_secret()),
        ];
        self.exchange(credential, &extra).await
    }

    /// `client_credentials` grant with a client secret.
    pub async fn exchange_secret(
        &self,
        credential: &str,
        secret: &SecretString,
    ) -> Result<AccessToken, AuthError> {
        self.exchange(credential, &[("client_secret", secret.expose_secret())])
            .await
    }

    async fn exchange(
        &self,
        credential: &str,
        extra: &[(&str, &str)],
    ) -> Result<AccessToken, AuthError> {
        let mut fields = vec![
            ("client_id", self.client_id.as_str()),
            ("scope", self.scope.as_str()),
            ("grant_type", "client_credentials"),
        ];
        fields.extend_from_slice(extra);
        let body = SecretString::from(
            fields
                .iter()
                .map(|(k, v)| format!("{k}={}", encode_value(v)))
                .collect::<Vec<_>>()
                .join("&"),
        );
        let label = format!("{credential}: token request");
        retry::run(&self.policy, &label, |_| self.post_form(credential, &body)).await
    }

    async fn post_form(
        &self,
        credential: &str,
        body: &SecretString,
    ) -> Attempt<AccessToken, AuthError> {
        let sent = self
            .http
            .post(&self.token_url)
            .header("content-type", "application/x-www-form-urlencoded")
            .header("client-request-id", uuid::Uuid::new_v4().to_string())
            .body(body.expose_secret().to_owned())
            .send()
            .await;
        let resp = match sent {
            Ok(r) => r,
            Err(e) => {
                let err = AuthError::Transport {
                    credential: credential.to_owned(),
                    what: "the token endpoint",
                    reason: transport_reason(&e),
                };
                let outcome = Outcome::Transport {
                    connect: e.is_connect(),
                };
                return verdict(outcome, err);
            }
        };
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let bytes = resp.bytes().await.unwrap_or_default();
        if (200..300).contains(&status) {
            return Attempt::Done(parse_token(credential, &bytes));
        }
        let err = token_error(credential, status, &bytes);
        verdict(Outcome::Status(status, &headers), err)
    }
}

fn verdict<T>(outcome: Outcome<'_>, err: AuthError) -> Attempt<T, AuthError> {
    match retry::classify(outcome, Idempotency::Idempotent, false) {
        Verdict::Retry(d) => Attempt::Retry(err, d),
        Verdict::Fail => Attempt::Done(Err(err)),
    }
}

/// A transport error as text, without the URL's query (which never holds secrets here,
/// but keep messages short).
pub(crate) fn transport_reason(e: &reqwest::Error) -> String {
    let kind = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "connection failed"
    } else {
        "request failed"
    };
    let mut source = std::error::Error::source(e);
    let mut detail = String::new();
    while let Some(s) = source {
        detail = s.to_string();
        source = s.source();
    }
    if detail.is_empty() {
        kind.to_owned()
    } else {
        format!("{kind}: {detail}")
    }
}

fn parse_token(credential: &str, bytes: &[u8]) -> Result<AccessToken, AuthError> {
    let invalid = |reason: &str| AuthError::InvalidResponse {
        credential: credential.to_owned(),
        what: "the token endpoint",
        reason: reason.to_owned(),
    };
    let parsed: TokenResponse =
        serde_json::from_slice(bytes).map_err(|_| invalid("not a JSON token response"))?;
    let token = SecretString::from(
        parsed
            .access_token
            .ok_or_else(|| invalid("no access_token"))?,
    );
    let secs = match parsed.expires_in {
        Some(serde_json::Value::Number(n)) => n.as_u64(),
        Some(serde_json::Value::String(s)) => s.parse().ok(),
        _ => None,
    };
    let expires_at = secs
        .map(|s| SystemTime::now() + Duration::from_secs(s))
        .or_else(|| token_expiry(&token))
        .unwrap_or_else(|| SystemTime::now() + Duration::from_secs(3600));
    Ok(AccessToken { token, expires_at })
}

fn token_error(credential: &str, status: u16, bytes: &[u8]) -> AuthError {
    let body: Option<TokenErrorBody> = serde_json::from_slice(bytes).ok();
    let (error, description) = match body {
        Some(b) => (
            b.error.unwrap_or_else(|| "error".to_owned()),
            b.error_description,
        ),
        None => ("error".to_owned(), None),
    };
    let first_line = description
        .as_deref()
        .and_then(|d| d.lines().next())
        .map(str::to_owned);
    let aadsts = first_line.as_deref().and_then(|d| {
        let start = d.find("AADSTS")?;
        let code: String = d[start..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        Some(code)
    });
    AuthError::TokenEndpoint {
        credential: credential.to_owned(),
        status,
        error,
        aadsts,
        description: first_line,
    }
}

/// `ENTRAPROV_ACCESS_TOKEN`: a ready bearer token (scripts, tests, the simulator).
#[derive(Debug)]
pub struct StaticToken {
    token: SecretString,
}

impl StaticToken {
    /// Wraps a token.
    pub fn new(token: SecretString) -> Self {
        Self { token }
    }
}

impl TokenProvider for StaticToken {
    fn describe(&self) -> String {
        "static access token (ENTRAPROV_ACCESS_TOKEN)".to_owned()
    }

    fn fetch(&self) -> BoxFuture<'_, Result<AccessToken, AuthError>> {
        let expires_at = token_expiry(&self.token)
            .unwrap_or_else(|| SystemTime::now() + Duration::from_secs(24 * 3600));
        let token = self.token.clone();
        async move { Ok(AccessToken { token, expires_at }) }.boxed()
    }
}

/// `AZURE_CLIENT_SECRET`.
#[derive(Debug)]
pub struct ClientSecret {
    app: TokenEndpoint,
    secret: SecretString,
}

impl ClientSecret {
    /// A client-secret credential for `app`.
    pub fn new(app: TokenEndpoint, secret: SecretString) -> Self {
        Self { app, secret }
    }
}

impl TokenProvider for ClientSecret {
    fn describe(&self) -> String {
        format!(
            "client secret (AZURE_CLIENT_SECRET) of app {}",
            self.app.client_id
        )
    }

    fn fetch(&self) -> BoxFuture<'_, Result<AccessToken, AuthError>> {
        async move {
            self.app
                .exchange_secret(&self.describe(), &self.secret)
                .await
        }
        .boxed()
    }
}

/// `AZURE_FEDERATED_TOKEN_FILE`: the assertion is re-read from the file for every token.
#[derive(Debug)]
pub struct FederatedTokenFile {
    app: TokenEndpoint,
    path: String,
}

impl FederatedTokenFile {
    /// A federated-file credential for `app`.
    pub fn new(app: TokenEndpoint, path: String) -> Self {
        Self { app, path }
    }
}

impl TokenProvider for FederatedTokenFile {
    fn describe(&self) -> String {
        format!(
            "federated token file (AZURE_FEDERATED_TOKEN_FILE={}) of app {}",
            self.path, self.app.client_id
        )
    }

    fn fetch(&self) -> BoxFuture<'_, Result<AccessToken, AuthError>> {
        async move {
            let raw = tokio::fs::read_to_string(&self.path).await.map_err(|e| {
                AuthError::FederatedTokenFile {
                    path: self.path.clone(),
                    reason: e.to_string(),
                }
            })?;
            let assertion = SecretString::from(raw.trim().to_owned());
            if assertion.expose_secret().is_empty() {
                return Err(AuthError::FederatedTokenFile {
                    path: self.path.clone(),
                    reason: "the file is empty".to_owned(),
                });
            }
            self.app
                .exchange_assertion(&self.describe(), &assertion)
                .await
        }
        .boxed()
    }
}

/// GitHub Actions OIDC: a fresh GitHub ID token per Entra token, exchanged as an assertion.
#[derive(Debug)]
pub struct GitHubOidc {
    app: TokenEndpoint,
    request_url: String,
    request_token: SecretString,
}

#[derive(Deserialize)]
struct GitHubTokenResponse {
    value: Option<String>,
}

impl GitHubOidc {
    /// A GitHub OIDC credential for `app`.
    pub fn new(app: TokenEndpoint, request_url: &str, request_token: SecretString) -> Self {
        Self {
            app,
            request_url: request_url.to_owned(),
            request_token,
        }
    }

    async fn github_jwt(&self) -> Result<SecretString, AuthError> {
        let sep = if self.request_url.contains('?') {
            '&'
        } else {
            '?'
        };
        let url = format!(
            "{}{sep}audience={}",
            self.request_url,
            encode_value(self.app.oidc_audience)
        );
        let label = "GitHub OIDC: ID token request";
        retry::run(&self.app.policy, label, |_| self.github_attempt(&url)).await
    }

    async fn github_attempt(&self, url: &str) -> Attempt<SecretString, AuthError> {
        let sent = self
            .app
            .http
            .get(url)
            .bearer_auth(self.request_token.expose_secret())
            .header("accept", "application/json")
            .send()
            .await;
        let resp = match sent {
            Ok(r) => r,
            Err(e) => {
                let err = AuthError::Transport {
                    credential: self.describe(),
                    what: "the GitHub OIDC endpoint",
                    reason: transport_reason(&e),
                };
                return verdict(
                    Outcome::Transport {
                        connect: e.is_connect(),
                    },
                    err,
                );
            }
        };
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let bytes = resp.bytes().await.unwrap_or_default();
        if !(200..300).contains(&status) {
            let err = AuthError::GitHubOidc {
                status,
                message: None,
            };
            return verdict(Outcome::Status(status, &headers), err);
        }
        let parsed: Option<GitHubTokenResponse> = serde_json::from_slice(&bytes).ok();
        Attempt::Done(match parsed.and_then(|p| p.value) {
            Some(v) if !v.is_empty() => Ok(SecretString::from(v)),
            _ => Err(AuthError::GitHubOidc {
                status,
                message: Some("the response has no `value`".to_owned()),
            }),
        })
    }
}

impl TokenProvider for GitHubOidc {
    fn describe(&self) -> String {
        format!(
            "GitHub Actions OIDC (audience {}) for app {}",
            self.app.oidc_audience, self.app.client_id
        )
    }

    fn fetch(&self) -> BoxFuture<'_, Result<AccessToken, AuthError>> {
        async move {
            let jwt = self.github_jwt().await?;
            self.app.exchange_assertion(&self.describe(), &jwt).await
        }
        .boxed()
    }
}
