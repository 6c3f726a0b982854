//! Why no token could be obtained. Messages name the credential and the variables involved,
//! never a secret value.

use std::fmt;

/// A failure to obtain an access token.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    /// No credential source is configured.
    #[error("no credential found for Microsoft Graph{}", hints_suffix(.hints))]
    NoCredential {
        /// Partial configurations that were found (e.g. a client id without a tenant id).
        hints: Vec<String>,
    },
    /// A variable has a value that cannot be used (e.g. a tenant id with `/`).
    #[error("{var} is not usable: {reason}")]
    BadVariable {
        /// The environment variable.
        var: &'static str,
        /// What is wrong with it (never its value if it is a secret).
        reason: String,
    },
    /// The token endpoint refused the request.
    #[error("{credential}: the token endpoint answered HTTP {status} {error}{}",
        .description.as_ref().map(|d| format!(": {d}")).unwrap_or_default())]
    TokenEndpoint {
        /// Which credential was used.
        credential: String,
        /// HTTP status.
        status: u16,
        /// OAuth `error` (e.g. `invalid_client`).
        error: String,
        /// The `AADSTS…` code from the description, when present.
        aadsts: Option<String>,
        /// First line of `error_description`.
        description: Option<String>,
    },
    /// The token endpoint or the GitHub OIDC endpoint could not be reached.
    #[error("{credential}: could not reach {what}: {reason}")]
    Transport {
        /// Which credential was used.
        credential: String,
        /// The endpoint (`the token endpoint`, `the GitHub OIDC endpoint`).
        what: &'static str,
        /// The transport error.
        reason: String,
    },
    /// The GitHub Actions OIDC endpoint refused or answered oddly.
    #[error("GitHub Actions OIDC: the ID token request failed: HTTP {status}{}", .message.as_ref().map(|m| format!(": {m}")).unwrap_or_default())]
    GitHubOidc {
        /// HTTP status.
        status: u16,
        /// Short reason.
        message: Option<String>,
    },
    /// The federated token file could not be read.
    #[error("AZURE_FEDERATED_TOKEN_FILE {path}: {reason}")]
    FederatedTokenFile {
        /// The file path.
        path: String,
        /// Why.
        reason: String,
    },
    /// The client certificate could not be loaded or used.
    #[error("AZURE_CLIENT_CERTIFICATE_PATH {path}: {reason}")]
    Certificate {
        /// The file path.
        path: String,
        /// Why.
        reason: String,
    },
    /// The Azure CLI failed.
    #[error("Azure CLI: {reason}")]
    AzureCli {
        /// Why (exit status and the first line of az's stderr).
        reason: String,
    },
    /// A response did not have the expected shape.
    #[error("{credential}: unexpected response from {what}: {reason}")]
    InvalidResponse {
        /// Which credential was used.
        credential: String,
        /// The endpoint.
        what: &'static str,
        /// What was missing.
        reason: String,
    },
}

fn hints_suffix(hints: &[String]) -> String {
    if hints.is_empty() {
        String::new()
    } else {
        format!(" ({})", hints.join("; "))
    }
}

impl AuthError {
    /// The actionable help line for this failure.
    pub fn help_text(&self) -> Option<String> {
        let text = match self {
            AuthError::NoCredential { .. } => "set ENTRAPROV_ACCESS_TOKEN, or AZURE_TENANT_ID + AZURE_CLIENT_ID \
                 with one of AZURE_CLIENT_SECRET / AZURE_CLIENT_CERTIFICATE_PATH / \
                 AZURE_FEDERATED_TOKEN_FILE, or use GitHub Actions OIDC (permissions: id-token: write), \
                 or sign in with `az login`"
                .to_owned(),
            AuthError::TokenEndpoint { aadsts, .. } => {
                return aadsts.as_deref().and_then(aadsts_help).map(str::to_owned);
            }
            AuthError::GitHubOidc { .. } => "the workflow job needs `permissions: id-token: write`; fork pull \
                 requests never get an ID token"
                .to_owned(),
            AuthError::Certificate { .. } => "give a PEM file with the certificate and its unencrypted private \
                 key, or a PFX/PKCS#12 file (password in AZURE_CLIENT_CERTIFICATE_PASSWORD)"
                .to_owned(),
            AuthError::AzureCli { .. } => "run `az login` (for a tenant without subscriptions: \
                 `az login --allow-no-subscriptions`), or configure another credential"
                .to_owned(),
            AuthError::FederatedTokenFile { .. } => {
                "the file must contain the federated JWT (it is re-read for every token)".to_owned()
            }
            _ => return None,
        };
        Some(text)
    }

    fn diag_code(&self) -> &'static str {
        match self {
            AuthError::NoCredential { .. } => "E0520",
            AuthError::BadVariable { .. } => "E0521",
            AuthError::TokenEndpoint { .. } => "E0522",
            AuthError::Transport { .. } => "E0523",
            AuthError::GitHubOidc { .. } => "E0524",
            AuthError::FederatedTokenFile { .. } => "E0525",
            AuthError::Certificate { .. } => "E0526",
            AuthError::AzureCli { .. } => "E0527",
            AuthError::InvalidResponse { .. } => "E0528",
        }
    }

    /// Whether retrying could help (network trouble rather than a refusal).
    pub fn is_transient(&self) -> bool {
        matches!(self, AuthError::Transport { .. })
            || matches!(self, AuthError::TokenEndpoint { status, .. } if *status == 429 || *status >= 500)
    }
}

impl miette::Diagnostic for AuthError {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(self.diag_code()))
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help_text()
            .map(|h| Box::new(h) as Box<dyn fmt::Display + 'a>)
    }
}

/// Help for the Entra (`AADSTS…`) codes people actually hit.
pub fn aadsts_help(code: &str) -> Option<&'static str> {
    Some(match code {
        "AADSTS7000215" => "the client secret is wrong: use the secret's *value*, not its id",
        "AADSTS7000222" => {
            "the client secret has expired: create a new one in the app registration"
        }
        "AADSTS700016" => {
            "no app with this AZURE_CLIENT_ID exists in the tenant (wrong tenant or cloud?)"
        }
        "AADSTS90002" => "the tenant in AZURE_TENANT_ID does not exist in this cloud",
        "AADSTS700213" | "AADSTS70021" => {
            "no federated credential matches the token's subject: add one whose \
             subject is repo:ORG/REPO:environment:NAME (or :pull_request, :ref:refs/heads/BRANCH)"
        }
        "AADSTS700024" => {
            "the client assertion is outside its valid time range (expired GitHub token or clock skew)"
        }
        "AADSTS700027" => {
            "the certificate is not registered on the app, or the assertion signature is invalid"
        }
        "AADSTS70011" => "the scope is invalid for this cloud: check --cloud / --graph-url",
        "AADSTS7000112" => "the application is disabled",
        "AADSTS500011" => "the Graph resource is not available in this tenant/cloud: check --cloud",
        _ => return None,
    })
}
