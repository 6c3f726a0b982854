//! Azure CLI credential: `az account get-access-token --resource <graph> --output json`.
//! `az` is looked up on the `PATH` of the [`Env`] seam and run with that environment.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use futures::FutureExt;
use futures::future::BoxFuture;
use secrecy::SecretString;
use serde::Deserialize;

use super::{AccessToken, AuthContext, AuthError, Env, TokenProvider, token_expiry};

/// How long `az` may take.
const AZ_TIMEOUT: Duration = Duration::from_secs(60);

/// The Azure CLI credential.
#[derive(Debug)]
pub struct AzureCli {
    program: PathBuf,
    resource: String,
    tenant: Option<String>,
    env: Env,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CliToken {
    access_token: Option<String>,
    #[serde(rename = "expires_on")]
    expires_on_epoch: Option<serde_json::Value>,
}

impl AzureCli {
    /// Finds `az` on the environment's `PATH`; `None` when it is not installed.
    pub fn discover(env: &Env, ctx: &AuthContext) -> Option<Self> {
        let program = find_on_path(env, "az")?;
        Some(Self {
            program,
            resource: ctx.endpoints.graph_resource(),
            tenant: env.get("AZURE_TENANT_ID").map(str::to_owned),
            env: env.clone(),
        })
    }

    async fn run(&self) -> Result<AccessToken, AuthError> {
        let mut cmd = tokio::process::Command::new(&self.program);
        cmd.args(["account", "get-access-token", "--resource", &self.resource]);
        if let Some(t) = &self.tenant {
            cmd.args(["--tenant", t]);
        }
        cmd.args(["--output", "json"])
            .env_clear()
            .envs(self.env.iter())
            .stdin(std::process::Stdio::null())
            .kill_on_drop(true);
        let out = tokio::time::timeout(AZ_TIMEOUT, cmd.output())
            .await
            .map_err(|_| cli_err("`az` did not answer within 60 s"))?
            .map_err(|e| cli_err(&format!("cannot run {}: {e}", self.program.display())))?;
        if !out.status.success() {
            let stderr = String::from_utf8_lossy(&out.stderr);
            let first = stderr
                .lines()
                .map(str::trim)
                .find(|l| !l.is_empty())
                .unwrap_or("no error output");
            return Err(cli_err(&format!(
                "`az account get-access-token` failed ({}): {first}",
                out.status
            )));
        }
        parse_cli_token(&out.stdout)
    }
}

fn cli_err(reason: &str) -> AuthError {
    AuthError::AzureCli {
        reason: reason.to_owned(),
    }
}

fn parse_cli_token(stdout: &[u8]) -> Result<AccessToken, AuthError> {
    let parsed: CliToken = serde_json::from_slice(stdout)
        .map_err(|_| cli_err("`az` printed something that is not the expected JSON"))?;
    let token = SecretString::from(
        parsed
            .access_token
            .ok_or_else(|| cli_err("`az` output has no accessToken"))?,
    );
    let epoch = match parsed.expires_on_epoch {
        Some(serde_json::Value::Number(n)) => n.as_u64(),
        Some(serde_json::Value::String(s)) => s.parse().ok(),
        _ => None,
    };
    // `expiresOn` is local time without an offset; prefer the epoch field or the JWT's `exp`,
    // and otherwise assume a short life so the token is fetched again soon.
    let expires_at = epoch
        .map(|s| SystemTime::UNIX_EPOCH + Duration::from_secs(s))
        .or_else(|| token_expiry(&token))
        .unwrap_or_else(|| SystemTime::now() + Duration::from_secs(10 * 60));
    Ok(AccessToken { token, expires_at })
}

/// Finds an executable named `name` in the `PATH` of `env`.
pub fn find_on_path(env: &Env, name: &str) -> Option<PathBuf> {
    let path = env.get("PATH")?;
    std::env::split_paths(path)
        .map(|dir| dir.join(name))
        .find(|p| is_executable(p))
}

fn is_executable(p: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
    }
    #[cfg(not(unix))]
    {
        p.is_file()
    }
}

impl TokenProvider for AzureCli {
    fn describe(&self) -> String {
        format!("Azure CLI ({})", self.program.display())
    }

    fn fetch(&self) -> BoxFuture<'_, Result<AccessToken, AuthError>> {
        self.run().boxed()
    }
}
