//! The Entra token endpoint: one `client_credentials` exchange (client secret or client
//! assertion) shared by every flow, with the retry policy and AADSTS error parsing.

use std::time::{Duration, SystemTime};

use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

use super::{AccessToken, AuthContext, AuthError, token_expiry};
use crate::graph::odata::encode_value;
use crate::graph::retry::{self, Attempt, Idempotency, Outcome, RetryPolicy, Verdict};
/// The JWT-bearer client assertion type.
pub const ASSERTION_TYPE: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/// One app registration in one tenant: where and how to exchange a credential for a token.
#[derive(Clone, Debug)]
pub struct TokenEndpoint {
    pub(super) http: reqwest::Client,
    pub(super) policy: RetryPolicy,
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
            Err(e) => return transport_failure(credential.to_owned(), "the token endpoint", &e),
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

pub(super) fn verdict<T>(outcome: Outcome<'_>, err: AuthError) -> Attempt<T, AuthError> {
    match retry::classify(outcome, Idempotency::Idempotent, false) {
        Verdict::Retry(d) => Attempt::Retry(err, d),
        Verdict::Fail => Attempt::Done(Err(err)),
    }
}

/// The outcome of a request to `what` that got no answer: retried when it may
/// succeed next time (see [`verdict`]).
pub(super) fn transport_failure<T>(
    credential: String,
    what: &'static str,
    e: &reqwest::Error,
) -> Attempt<T, AuthError> {
    let err = AuthError::Transport {
        credential,
        what,
        reason: transport_reason(e),
    };
    verdict(
        Outcome::Transport {
            connect: e.is_connect(),
        },
        err,
    )
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
