//! `entraprov test-connection PATH [--saved]`: is the SCIM target reachable with the
//! manifest's credentials, directly and through Entra?
//!
//! Checks, in order: (1) a direct SCIM probe of the tenant URL with the token
//! ([`crate::scim`], explained in the connector's terms); (2) when the app and its job
//! exist, Graph `validateCredentials` with the same credentials, exactly as the portal's
//! "Test Connection"; (3) with `--saved`, `validateCredentials` with
//! `useSavedCredentials: true`. A table of checks and results on stdout; exit 0 only when
//! no check failed.
//!
//! The app is found by its tag `entraprov:<name>` (or `app.appId`) with a minimal lookup
//! through the Graph client's typed methods ([`find_app`]).

use std::path::{Path, PathBuf};
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};

use super::{Exit, GlobalArgs};
use crate::connector::{self, Connector};
use crate::graph::wire::{ServicePrincipal, SyncJob, SyncSecret};
use crate::graph::{Client, ClientOptions, GraphError, auth::Env};
use crate::ids::AppId;
use crate::manifest::report::{HumanStyle, render_human};
use crate::manifest::{Credentials, LoadedManifest, Manifest, SecretRef, load_paths};
use crate::scim::{CheckStatus, ProbeCheck, ProbeOptions, ProbeTarget, render_table};

/// Arguments of `entraprov test-connection`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The manifest of the app.
    pub path: PathBuf,
    /// Also test the credentials saved in Entra (`useSavedCredentials: true`).
    #[arg(long)]
    pub saved: bool,
    /// Time limit of each direct SCIM request, in seconds.
    #[arg(long, default_value_t = 20.0)]
    pub timeout: f64,
}

/// Row names of the Graph checks.
const ROW_SIGN_IN: &str = "Graph: sign in";
const ROW_APP: &str = "Graph: app and job";
const ROW_VALIDATE: &str = "Graph validateCredentials (manifest)";
const ROW_SAVED: &str = "Graph validateCredentials (saved)";

/// Runs `entraprov test-connection`.
pub async fn run(args: Args, global: &GlobalArgs) -> miette::Result<Exit> {
    let loaded = match load_one(&args.path) {
        Ok(l) => l,
        Err(exit) => return Ok(exit),
    };
    let m = &loaded.manifest;
    let connector = connector::for_app(&m.app);
    let credentials = m.provisioning.as_ref().and_then(|p| p.credentials.as_ref());
    let mut rows = Vec::new();
    let token = match credentials {
        Some(c) => probe_rows(&loaded, connector, c, &args, &mut rows).await,
        None if args.saved => None,
        None => {
            eprintln!(
                "error[E0741]: {} has no provisioning.credentials to test; add them or use --saved",
                loaded.file.name
            );
            return Ok(Exit::Error);
        }
    };
    let manifest_creds = credentials.zip(token.as_ref());
    graph_rows(m, global, manifest_creds, args.saved, &mut rows).await;
    println!(
        "Testing the connection of {} ({}, connector {}):\n",
        crate::text::shown(&m.name),
        crate::text::shown(&m.app.display_name),
        connector.title
    );
    print!("{}", render_table(&rows));
    let failed = rows.iter().any(|r| r.status == CheckStatus::Fail);
    Ok(if failed { Exit::Error } else { Exit::Success })
}

/// The direct probe rows; returns the token when it could be read.
async fn probe_rows(
    loaded: &LoadedManifest,
    connector: &Connector,
    c: &Credentials,
    args: &Args,
    rows: &mut Vec<ProbeCheck>,
) -> Option<SecretString> {
    let dir = loaded.path().parent().unwrap_or(Path::new("."));
    let token = match read_secret(&c.secret_token, dir) {
        Ok(t) => t,
        Err(why) => {
            rows.push(ProbeCheck::new(
                "secret token",
                CheckStatus::Fail,
                why,
                None,
            ));
            return None;
        }
    };
    let target = ProbeTarget {
        tenant_url: c.tenant_url.clone(),
        token: token.clone(),
        token_source: Some(describe_secret(&c.secret_token)),
    };
    let timeout = Duration::from_secs_f64(args.timeout.clamp(0.05, 600.0));
    let options = ProbeOptions {
        timeout,
        ..ProbeOptions::from_env()
    };
    let report = connector.probe(&target, &options).await;
    rows.extend(report.checks);
    Some(token)
}

/// Graph rows: sign in, find app and job, validateCredentials (manifest and/or saved).
async fn graph_rows(
    m: &Manifest,
    global: &GlobalArgs,
    manifest_creds: Option<(&Credentials, &SecretString)>,
    saved: bool,
    rows: &mut Vec<ProbeCheck>,
) {
    let client = match graph_client(global) {
        Ok(c) => c,
        Err(why) => {
            rows.push(ProbeCheck::new(ROW_SIGN_IN, CheckStatus::Fail, why, None));
            return;
        }
    };
    if let Err(why) = tenant_guard(&client, m).await {
        rows.push(ProbeCheck::new(ROW_SIGN_IN, CheckStatus::Fail, why, None));
        return;
    }
    let (sp, job) = match find_app_and_job(&client, m).await {
        Ok(Some(found)) => found,
        Ok(None) => {
            let why = format!(
                "no app tagged entraprov:{} with a provisioning job yet (run entraprov apply); \
                 Entra's Test Connection skipped",
                m.name
            );
            rows.push(ProbeCheck::new(ROW_APP, CheckStatus::Skip, why, None));
            return;
        }
        Err(why) => {
            rows.push(ProbeCheck::new(ROW_APP, CheckStatus::Fail, why, None));
            return;
        }
    };
    let found = format!(
        "{} (service principal {}), job {}",
        sp.display_name, sp.id, job.id
    );
    rows.push(ProbeCheck::pass(ROW_APP, found));
    if let Some((c, token)) = manifest_creds {
        let secrets = [
            SyncSecret::new("BaseAddress", c.tenant_url.clone()),
            SyncSecret::new("SecretToken", token.expose_secret().to_owned()),
        ];
        let result = client
            .validate_credentials(&sp.id, &job.id, Some(&secrets))
            .await;
        rows.push(validate_row(ROW_VALIDATE, result));
    }
    if saved {
        let result = client.validate_credentials(&sp.id, &job.id, None).await;
        rows.push(validate_row(ROW_SAVED, result));
    }
}

fn validate_row(name: &str, result: Result<(), GraphError>) -> ProbeCheck {
    match result {
        Ok(()) => ProbeCheck::pass(name, "204: Entra reached the SCIM endpoint with them"),
        Err(e) => ProbeCheck::new(name, CheckStatus::Fail, graph_error_line(&e), None),
    }
}

/// One line for a Graph error: what failed, code, unwrapped inner error, request ids.
pub fn graph_error_line(e: &GraphError) -> String {
    e.to_string()
}

/// Loads exactly one manifest; prints its errors on stderr and returns the exit code
/// otherwise.
pub fn load_one(path: &Path) -> Result<LoadedManifest, Exit> {
    let mut outcome = load_paths(&[path.to_path_buf()]);
    if outcome.has_errors() || outcome.manifests.len() != 1 {
        for d in outcome.diagnostics.iter().filter(|d| d.is_error()) {
            eprint!("{}", render_human(d, HumanStyle::plain()));
        }
        if !outcome.has_errors() {
            eprintln!(
                "error[E0742]: {} holds {} manifests; give one manifest file",
                path.display(),
                outcome.manifests.len()
            );
        }
        return Err(Exit::Error);
    }
    Ok(outcome.manifests.remove(0))
}

/// Reads a secret by reference: `fromEnv` (as is) or `fromFile` (relative to the
/// manifest's directory, surrounding whitespace trimmed). The error names the variable
/// or file, never a value.
pub fn read_secret(r: &SecretRef, manifest_dir: &Path) -> Result<SecretString, String> {
    match r {
        SecretRef::FromEnv(var) => match std::env::var(var) {
            // Trimmed as plan and apply trim it, so that the token tested is the one written.
            Ok(v) => Ok(SecretString::from(v.trim().to_owned())),
            Err(std::env::VarError::NotPresent) => {
                Err(format!("environment variable {var} is not set"))
            }
            Err(std::env::VarError::NotUnicode(_)) => {
                Err(format!("environment variable {var} is not valid UTF-8"))
            }
        },
        SecretRef::FromFile(p) => {
            let path = manifest_dir.join(p);
            match crate::files::read_regular_string(&path) {
                Ok(text) => Ok(SecretString::from(text.trim().to_owned())),
                Err(e) => Err(format!("cannot read secret file {}: {e}", path.display())),
            }
        }
    }
}

/// "environment variable KEEPER_SCIM_TOKEN" / "file token.txt", for advice texts.
pub fn describe_secret(r: &SecretRef) -> String {
    match r {
        SecretRef::FromEnv(var) => format!("environment variable {var}"),
        SecretRef::FromFile(p) => format!("file {}", p.display()),
    }
}

/// The Graph client from the global options and the environment's credential chain.
pub fn graph_client(global: &GlobalArgs) -> Result<Client, String> {
    Client::connect(
        &global.connection(),
        &Env::from_process(),
        &ClientOptions::default(),
    )
    .map_err(|e| e.to_string())
}

/// Refuses a token for another tenant than the manifest's `tenantId` guard.
pub async fn tenant_guard(client: &Client, m: &Manifest) -> Result<(), String> {
    let Some(want) = m.tenant() else {
        return Ok(());
    };
    match client.credential().tenant_id().await {
        Ok(Some(got)) if !got.as_str().eq_ignore_ascii_case(want.as_str()) => Err(format!(
            "the Graph token is for tenant {got}, but the manifest's tenantId is {want}"
        )),
        Ok(_) => Ok(()),
        Err(e) => Err(e.to_string()),
    }
}

/// The app (by `app.appId`, else by the tag `entraprov:<name>`) and its provisioning job,
/// by the rule plan and apply use (the job made from the connector's template); `None` when
/// either does not exist yet; several matching jobs are an error (E0530).
pub async fn find_app_and_job(
    client: &Client,
    m: &Manifest,
) -> Result<Option<(ServicePrincipal, SyncJob)>, String> {
    let Some(sp) = find_app(client, m).await? else {
        return Ok(None);
    };
    let (templates, jobs) = crate::observe::job::templates_and_jobs(client, &sp.id)
        .await
        .map_err(|e| graph_error_line(&e))?;
    let job = crate::observe::job::pick(crate::connector::for_app(&m.app), &templates, &jobs)
        .map_err(|e| format!("[E0530] {e}"))?
        .cloned();
    Ok(job.map(|job| (sp, job)))
}

/// Minimal app lookup through the Graph client's typed methods.
pub async fn find_app(client: &Client, m: &Manifest) -> Result<Option<ServicePrincipal>, String> {
    if let Some(app_id) = &m.app.app_id {
        let found = client
            .find_service_principal_by_app_id(&AppId::new(app_id.as_str()))
            .await;
        return found.map_err(|e| graph_error_line(&e));
    }
    let tag = format!("entraprov:{}", m.name);
    let mut found = client
        .find_service_principals_by_tag(&tag)
        .await
        .map_err(|e| graph_error_line(&e))?;
    match found.len() {
        0 => Ok(None),
        1 => Ok(found.pop()),
        n => Err(format!(
            "{n} service principals carry the tag {tag}; remove it from all but one"
        )),
    }
}
