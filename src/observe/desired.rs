//! The desired state of a manifest, in the normalised model of [`crate::plan`], with the
//! secret token read from its reference (`fromEnv` / `fromFile`). Reading the reference is
//! the only I/O here; a missing variable or file is a located diagnostic naming it.

use secrecy::SecretString;

use super::error::codes;
use super::pointer;
use crate::graph::auth::Env;
use crate::manifest::{
    self, AccidentalDeletions, Diagnostic, LoadedManifest, Manifest, PrincipalSelector, SecretRef,
};
use crate::plan::desired as plan_desired;
use crate::plan::model::{PrincipalKind, PrincipalRef, Scope, Settings};
use crate::plan::state::{
    DesiredApp, DesiredAssignment, DesiredAssignments, DesiredCredentials, DesiredProvisioning,
    DesiredState, TemplateRef,
};

/// Builds the desired state of a loaded manifest. Diagnostics (missing secret variable or
/// file) are returned beside the state; the state is complete except for the secret.
pub fn desired_state(loaded: &LoadedManifest, env: &Env) -> (DesiredState, Vec<Diagnostic>) {
    let m = &loaded.manifest;
    let mut diags = Vec::new();
    let provisioning = m
        .provisioning
        .as_ref()
        .map(|p| provisioning(loaded, p, env, &mut diags));
    let state = DesiredState {
        name: m.name.clone(),
        tenant_id: m.tenant(),
        app: app(m),
        assignments: m.assignments.as_ref().map(|a| DesiredAssignments {
            prune: a.prune,
            items: a
                .principals
                .iter()
                .map(|p| DesiredAssignment {
                    principal: principal_ref(&p.principal),
                    role: p.role.clone(),
                })
                .collect(),
        }),
        provisioning,
    };
    (state, diags)
}

fn app(m: &Manifest) -> DesiredApp {
    let template = match m.app.template() {
        Some(manifest::TemplateRef::Id(id)) => TemplateRef::Id(id.as_str().into()),
        Some(manifest::TemplateRef::Gallery(g)) => TemplateRef::Gallery(g),
        // The loader refuses a manifest with neither or both (E0111).
        None => TemplateRef::Gallery(m.app.gallery.clone().unwrap_or_default()),
    };
    DesiredApp {
        display_name: m.app.display_name.clone(),
        template,
        app_id: m.app.app_id.as_ref().map(|g| g.as_str().into()),
    }
}

/// The plan model's reference for a manifest principal.
pub fn principal_ref(p: &manifest::PrincipalRef) -> PrincipalRef {
    let kind = match p {
        manifest::PrincipalRef::Group(_) => PrincipalKind::Group,
        manifest::PrincipalRef::User(_) => PrincipalKind::User,
    };
    match p.selector() {
        PrincipalSelector::Name(n) => PrincipalRef::named(kind, n.clone()),
        PrincipalSelector::Id(r) => PrincipalRef::by_id(kind, r.id.as_str()),
    }
}

fn provisioning(
    loaded: &LoadedManifest,
    p: &manifest::Provisioning,
    env: &Env,
    diags: &mut Vec<Diagnostic>,
) -> DesiredProvisioning {
    let credentials = p.credentials.as_ref().map(|c| DesiredCredentials {
        tenant_url: Some(c.tenant_url.trim().to_owned()),
        secret_token: read_secret(loaded, &c.secret_token, env, diags),
        region: crate::plan::desired::tenant_region(&loaded.manifest.app, &c.tenant_url),
    });
    let (threshold_enabled, threshold) = match p.accidental_deletions {
        Some(AccidentalDeletions::Threshold(t)) => (Some(true), Some(t)),
        Some(AccidentalDeletions::Disabled) => (Some(false), None),
        None => (None, None),
    };
    let settings = Settings {
        scope: p.scope.map(|s| match s {
            manifest::Scope::Assigned => Scope::Assigned,
            manifest::Scope::All => Scope::All,
        }),
        notification_email: p.notifications.as_ref().and_then(|n| n.email.clone()),
        on_failure: p.notifications.as_ref().and_then(|n| n.on_failure),
        deletion_threshold_enabled: threshold_enabled,
        deletion_threshold: threshold,
        skip_out_of_scope_deletions: p.skip_out_of_scope_deletions,
    };
    let mappings = p
        .mappings
        .as_ref()
        .map(|ms| {
            ms.iter()
                .map(|(label, om)| (label.to_owned(), plan_desired::mapping(label, om)))
                .collect()
        })
        .unwrap_or_default();
    DesiredProvisioning {
        enabled: p.enabled,
        credentials,
        settings,
        mappings,
    }
}

/// Reads a secret reference. `None` (with a diagnostic) when it cannot be read.
fn read_secret(
    loaded: &LoadedManifest,
    secret: &SecretRef,
    env: &Env,
    diags: &mut Vec<Diagnostic>,
) -> Option<SecretString> {
    match secret {
        SecretRef::FromEnv(var) => match env.get(var).map(str::trim) {
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
