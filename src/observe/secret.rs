//! The part of the desired state that needs I/O: the secret token, read from its reference
//! (`fromEnv` / `fromFile`). A missing variable or file is a located diagnostic naming it.
//! Everything else comes from the one pure builder, [`crate::plan::desired::build`].

use secrecy::SecretString;

use super::error::codes;
use super::pointer;
use crate::graph::auth::Env;
use crate::manifest::{Diagnostic, LoadedManifest, SecretRef};
use crate::plan::desired;
use crate::plan::state::DesiredState;

/// The desired state of a loaded manifest, with the secret token read from `env` or its
/// file. Diagnostics (missing secret variable or file) are returned beside the state; the
/// state is complete except for the secret.
pub fn desired_state(loaded: &LoadedManifest, env: &Env) -> (DesiredState, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let secret = loaded
        .manifest
        .provisioning
        .as_ref()
        .and_then(|p| p.credentials.as_ref())
        .and_then(|c| read_secret(loaded, &c.secret_token, env, &mut diags));
    (desired::build(&loaded.manifest, secret), diags)
}

/// What `test-connection` refuses as E0703 (a token that cannot travel in an HTTP header),
/// after the surrounding whitespace both trim.
fn malformed(token: &str) -> bool {
    crate::scim::check_token(&SecretString::from(token.to_owned())).is_err()
}

const MALFORMED_HELP: &str = "a SCIM secret token is one word: remove the spaces, tabs or line \
     breaks inside it (surrounding whitespace is trimmed)";

/// Reads a secret reference. `None` (with a diagnostic) when it cannot be read.
fn read_secret(
    loaded: &LoadedManifest,
    secret: &SecretRef,
    env: &Env,
    diags: &mut Vec<Diagnostic>,
) -> Option<SecretString> {
    match secret {
        SecretRef::FromEnv(var) => match env.get(var).map(str::trim) {
            Some(v) if !v.is_empty() && malformed(v) => {
                let d = loaded
                    .diagnostic(
                        codes::SECRET_ENV,
                        pointer::SECRET_FROM_ENV,
                        format!("environment variable {var} holds whitespace or control characters inside the token"),
                    )
                    .help(MALFORMED_HELP);
                diags.push(d);
                None
            }
            Some(v) if !v.is_empty() => Some(SecretString::from(v.to_owned())),
            found => {
                let what = if found.is_some() {
                    "is empty"
                } else {
                    "is not set"
                };
                let d = loaded
                    .diagnostic(
                        codes::SECRET_ENV,
                        pointer::SECRET_FROM_ENV,
                        format!(
                            "environment variable {var} {what}; it holds the SCIM secret token"
                        ),
                    )
                    .help(format!(
                        "export {var} with the app's secret token (in GitHub Actions, map a \
                         repository secret to it with `env: {var}: ${{{{ secrets.{var} }}}}`)"
                    ));
                diags.push(d);
                None
            }
        },
        SecretRef::FromFile(path) => {
            let base = loaded.path().parent().unwrap_or(std::path::Path::new(""));
            let full = base.join(path);
            let problem = match crate::files::read_regular_string(&full) {
                Ok(text) if malformed(text.trim()) && !text.trim().is_empty() => {
                    "holds whitespace or control characters inside the token".to_owned()
                }
                Ok(text) if !text.trim().is_empty() => {
                    return Some(SecretString::from(text.trim().to_owned()));
                }
                Ok(_) => "is empty".to_owned(),
                // The OS message names no secret content.
                Err(e) => format!("cannot be read: {e}"),
            };
            let d = loaded
                .diagnostic(
                    codes::SECRET_FILE,
                    pointer::SECRET_FROM_FILE,
                    format!("secret token file {} {problem}", full.display()),
                )
                .help("the path is relative to the manifest's directory; the file holds only the token");
            diags.push(d);
            None
        }
    }
}
