//! Authentication: the `TokenProvider` trait, the credential chain of DESIGN.md §3 and a
//! token cache.
//!
//! The chain, first that applies:
//! 1. `ENTRAPROV_ACCESS_TOKEN` — a static bearer token;
//! 2. GitHub Actions OIDC — `ACTIONS_ID_TOKEN_REQUEST_URL`/`_TOKEN` + `AZURE_CLIENT_ID` +
//!    `AZURE_TENANT_ID`, a fresh GitHub JWT for every Entra token;
//! 3. `AZURE_FEDERATED_TOKEN_FILE` (+ client/tenant), re-read for every token;
//! 4. `AZURE_CLIENT_CERTIFICATE_PATH` (+ `AZURE_CLIENT_CERTIFICATE_PASSWORD`), PEM or PFX;
//!    RS256 with `x5t` by default, PS256 with `x5t#S256` when
//!    `ENTRAPROV_CLIENT_ASSERTION_ALG=PS256`; `AZURE_CLIENT_SEND_CERTIFICATE_CHAIN=true` adds `x5c`;
//! 5. `AZURE_CLIENT_SECRET` (+ client/tenant);
//! 6. the Azure CLI (`az account get-access-token --resource <graph>`).
//!
//! The environment is passed in as an [`Env`] value so tests can run flows in parallel.
//! Tokens are cached until 5 minutes before expiry; the client refreshes once on a 401.

mod azure_cli;
mod certificate;
mod env;
mod error;
mod flows;
mod token_endpoint;

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use futures::future::BoxFuture;
use secrecy::{ExposeSecret, SecretString};

pub use azure_cli::AzureCli;
pub use certificate::{AssertionAlgorithm, ClientCertificate};
pub use env::Env;
pub use error::{AuthError, aadsts_help};
pub use flows::{ClientSecret, FederatedTokenFile, GitHubOidc, StaticToken};
pub(crate) use token_endpoint::transport_reason;
pub use token_endpoint::{ASSERTION_TYPE, TokenEndpoint};

use crate::ids::TenantId;

use super::endpoints::Endpoints;
use super::retry::RetryPolicy;

/// How long before expiry a cached token is replaced.
pub const REFRESH_MARGIN: Duration = Duration::from_secs(5 * 60);

/// An access token and when it expires.
#[derive(Clone, Debug)]
pub struct AccessToken {
    /// The bearer token (redacted in `Debug`).
    pub token: SecretString,
    /// Expiry instant.
    pub expires_at: SystemTime,
}

/// A source of Graph access tokens.
pub trait TokenProvider: Send + Sync {
    /// Which credential this is, for `-v` logs and error help — never its content.
    fn describe(&self) -> String;
    /// Obtains a fresh token (no caching here).
    fn fetch(&self) -> BoxFuture<'_, Result<AccessToken, AuthError>>;
}

/// A token provider with a cache: hands out the cached token until 5 minutes before expiry.
#[derive(Clone)]
pub struct Credential {
    provider: Arc<dyn TokenProvider>,
    cache: Arc<tokio::sync::Mutex<Option<AccessToken>>>,
}

impl std::fmt::Debug for Credential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credential")
            .field("provider", &self.provider.describe())
            .finish_non_exhaustive()
    }
}

impl Credential {
    /// Wraps a provider with a cache.
    pub fn new(provider: impl TokenProvider + 'static) -> Self {
        Self::from_arc(Arc::new(provider))
    }

    /// Wraps a shared provider with a cache.
    pub fn from_arc(provider: Arc<dyn TokenProvider>) -> Self {
        Self {
            provider,
            cache: Arc::new(tokio::sync::Mutex::new(None)),
        }
    }

    /// Which credential this is.
    pub fn describe(&self) -> String {
        self.provider.describe()
    }

    /// A valid token: the cached one unless it expires within [`REFRESH_MARGIN`].
    pub async fn token(&self) -> Result<SecretString, AuthError> {
        let mut cache = self.cache.lock().await;
        if let Some(t) = cache.as_ref()
            && t.expires_at > SystemTime::now() + REFRESH_MARGIN
        {
            return Ok(t.token.clone());
        }
        let fresh = self.provider.fetch().await?;
        tracing::debug!("obtained a new access token from {}", self.describe());
        let token = fresh.token.clone();
        *cache = Some(fresh);
        Ok(token)
    }

    /// Drops the cached token if it is still `rejected` (after a 401), so the next
    /// [`Credential::token`] fetches a new one.
    pub async fn invalidate(&self, rejected: &SecretString) {
        let mut cache = self.cache.lock().await;
        if cache
            .as_ref()
            .is_some_and(|t| t.token.expose_secret() == rejected.expose_secret())
        {
            *cache = None;
        }
    }

    /// The tenant (`tid` claim) of the current token, for the manifest's `tenantId` guard.
    /// `None` when the token is not a JWT or has no `tid`.
    pub async fn tenant_id(&self) -> Result<Option<TenantId>, AuthError> {
        Ok(token_tenant_id(&self.token().await?))
    }
}

/// Reads the `tid` claim of a JWT access token without verifying it (the token came from
/// a trusted credential; this only guards against using the wrong tenant).
pub fn token_tenant_id(token: &SecretString) -> Option<TenantId> {
    claim_str(token, "tid").map(TenantId::new)
}

/// Reads the `exp` claim of a JWT as an instant.
pub fn token_expiry(token: &SecretString) -> Option<SystemTime> {
    let claims = jwt_claims(token)?;
    let exp = claims.get("exp")?.as_u64()?;
    Some(SystemTime::UNIX_EPOCH + Duration::from_secs(exp))
}

fn claim_str(token: &SecretString, name: &str) -> Option<String> {
    jwt_claims(token)?.get(name)?.as_str().map(str::to_owned)
}

fn jwt_claims(token: &SecretString) -> Option<serde_json::Map<String, serde_json::Value>> {
    use base64::Engine;
    let payload = token.expose_secret().split('.').nth(1)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// Everything a credential flow needs besides its own variables.
#[derive(Clone, Debug)]
pub struct AuthContext {
    /// The shared HTTP client.
    pub http: reqwest::Client,
    /// Cloud endpoints (authority, Graph scope, OIDC audience).
    pub endpoints: Endpoints,
    /// Retry policy for the token endpoint.
    pub policy: RetryPolicy,
}

/// Picks the first credential of the chain that applies to `env` (see module docs) and
/// logs at `info` which one it is.
pub fn credential_from_env(env: &Env, ctx: &AuthContext) -> Result<Credential, AuthError> {
    let provider = select_provider(env, ctx)?;
    tracing::info!("using credential: {}", provider.describe());
    Ok(Credential::from_arc(provider))
}

/// Variables of an app credential, which also need `AZURE_TENANT_ID` and `AZURE_CLIENT_ID`.
const APP_CREDENTIAL_VARS: &[&str] = &[
    "AZURE_CLIENT_SECRET",
    "AZURE_CLIENT_CERTIFICATE_PATH",
    "AZURE_FEDERATED_TOKEN_FILE",
];

fn select_provider(env: &Env, ctx: &AuthContext) -> Result<Arc<dyn TokenProvider>, AuthError> {
    if let Some(token) = env.get("ENTRAPROV_ACCESS_TOKEN") {
        return Ok(Arc::new(StaticToken::new(SecretString::from(token))));
    }
    let client_id = env.get("AZURE_CLIENT_ID");
    let tenant = env.get("AZURE_TENANT_ID");
    let mut hints = Vec::new();
    let app = match (client_id, tenant) {
        (Some(c), Some(t)) => Some(TokenEndpoint::new(ctx, t, c)?),
        (Some(_), None) => {
            hints.push("AZURE_CLIENT_ID is set but AZURE_TENANT_ID is not".to_owned());
            None
        }
        (None, Some(_)) => {
            hints.push("AZURE_TENANT_ID is set but AZURE_CLIENT_ID is not".to_owned());
            None
        }
        (None, None) => {
            // An app credential without the app: name what is missing, not only `az`.
            let given: Vec<&str> = APP_CREDENTIAL_VARS
                .iter()
                .copied()
                .filter(|v| env.get(v).is_some())
                .collect();
            if !given.is_empty() {
                hints.push(format!(
                    "{} {} set but AZURE_TENANT_ID and AZURE_CLIENT_ID are not",
                    given.join(" and "),
                    if given.len() == 1 { "is" } else { "are" }
                ));
            }
            None
        }
    };
    let oidc_url = env.get("ACTIONS_ID_TOKEN_REQUEST_URL");
    let oidc_token = env.get("ACTIONS_ID_TOKEN_REQUEST_TOKEN");
    if let Some(app) = &app {
        if let (Some(url), Some(tok)) = (oidc_url, oidc_token) {
            return Ok(Arc::new(GitHubOidc::new(app.clone(), url, tok.into())));
        }
        if let Some(path) = env.get("AZURE_FEDERATED_TOKEN_FILE") {
            return Ok(Arc::new(FederatedTokenFile::new(app.clone(), path.into())));
        }
        if let Some(path) = env.get("AZURE_CLIENT_CERTIFICATE_PATH") {
            let cert = certificate_from_env(env, app, path)?;
            return Ok(Arc::new(cert));
        }
        if let Some(secret) = env.get("AZURE_CLIENT_SECRET") {
            return Ok(Arc::new(ClientSecret::new(app.clone(), secret.into())));
        }
        hints.push(
            "AZURE_CLIENT_ID and AZURE_TENANT_ID are set but none of AZURE_CLIENT_SECRET, \
             AZURE_CLIENT_CERTIFICATE_PATH, AZURE_FEDERATED_TOKEN_FILE or GitHub OIDC"
                .to_owned(),
        );
    } else if oidc_url.is_some() {
        hints.push(
            "GitHub OIDC is available but AZURE_CLIENT_ID/AZURE_TENANT_ID are missing".to_owned(),
        );
    }
    if let Some(cli) = AzureCli::discover(env, ctx) {
        return Ok(Arc::new(cli));
    }
    hints.push("`az` is not on PATH".to_owned());
    Err(AuthError::NoCredential { hints })
}

fn certificate_from_env(
    env: &Env,
    app: &TokenEndpoint,
    path: &str,
) -> Result<ClientCertificate, AuthError> {
    let password = env
        .get("AZURE_CLIENT_CERTIFICATE_PASSWORD")
        .map(SecretString::from);
    let alg = match env.get("ENTRAPROV_CLIENT_ASSERTION_ALG") {
        None => AssertionAlgorithm::Rs256,
        Some(v) if v.eq_ignore_ascii_case("RS256") => AssertionAlgorithm::Rs256,
        Some(v) if v.eq_ignore_ascii_case("PS256") => AssertionAlgorithm::Ps256,
        Some(_) => {
            return Err(AuthError::BadVariable {
                var: "ENTRAPROV_CLIENT_ASSERTION_ALG",
                reason: "expected RS256 or PS256".to_owned(),
            });
        }
    };
    let chain = env
        .get("AZURE_CLIENT_SEND_CERTIFICATE_CHAIN")
        .is_some_and(|v| v == "1" || v.eq_ignore_ascii_case("true"));
    let bytes = crate::files::read_regular(std::path::Path::new(path)).map_err(|e| {
        AuthError::Certificate {
            path: path.to_owned(),
            reason: e.to_string(),
        }
    })?;
    ClientCertificate::from_bytes(app.clone(), path, &bytes, password.as_ref(), alg, chain)
}
