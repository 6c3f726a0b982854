//! The flows built on the token endpoint: static token, client secret, federated token
//! file and GitHub Actions OIDC.

use std::time::{Duration, SystemTime};

use futures::FutureExt;
use futures::future::BoxFuture;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

use super::token_endpoint::{TokenEndpoint, transport_failure, verdict};
use super::{AccessToken, AuthError, TokenProvider, token_expiry};
use crate::graph::odata::encode_value;
use crate::graph::retry::{self, Attempt, Outcome};

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
            let raw = crate::files::read_regular_string(std::path::Path::new(&self.path)).map_err(
                |e| AuthError::FederatedTokenFile {
                    path: self.path.clone(),
                    reason: e.to_string(),
                },
            )?;
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
            Err(e) => return transport_failure(self.describe(), "the GitHub OIDC endpoint", &e),
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
