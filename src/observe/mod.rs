//! Observe: read the live tenant for a loaded manifest and produce the normalised
//! [`DesiredState`] and [`ObservedState`] that [`crate::plan::diff()`] compares.
//!
//! # Using it (plan, apply, and apply's convergence check)
//! ```no_run
//! # async fn demo(settings: &entraprov::graph::ConnectionSettings,
//! #     loaded: &entraprov::manifest::LoadedManifest)
//! # -> Result<(), entraprov::observe::ObserveError> {
//! use entraprov::observe;
//! let client = observe::client(settings)?;                  // endpoints + credential chain
//! let (desired, observed, cx) = observe::observe(&client, loaded).await?;
//! let mut plan = entraprov::plan::diff(&desired, &observed);
//! plan.warnings.extend(cx.warnings.iter().cloned());        // notes observe made
//! // … apply the plan, then observe again with the same client and expect an empty diff:
//! let (desired, observed, _) = observe::observe(&client, loaded).await?;
//! assert!(entraprov::plan::diff(&desired, &observed).is_empty());
//! # Ok(()) }
//! ```
//!
//! [`observe`] is read-only and can be called any number of times. It:
//! 1. reads the secret token from its reference (`fromEnv` / `fromFile`; a missing
//!    variable is a located error) and hands it to the one pure desired-state builder,
//!    [`crate::plan::desired::build`];
//! 2. gets a token and refuses to go on when its `tid` differs from `tenantId`
//!    ([`ObserveError::TenantMismatch`]) — before any other request, so apply never writes
//!    to the wrong tenant;
//! 3. reads, concurrently where dependencies allow (see `read.rs`): the gallery template;
//!    the app by tag `entraprov:<name>` (or `appId`); untagged apps with the same display
//!    name and template (reported in the plan, never adopted); every assignment page; the
//!    secrets (the masked token is "unknown" unless the fingerprint tag says which); the
//!    job, its schema, filter operators and functions; and the manifest's users (by UPN)
//!    and groups (by display name, exactly one match) through `$batch`;
//! 4. checks the manifest against what it read — unknown users/groups, ambiguous group
//!    names, roles the app does not have, operators and functions the job does not support —
//!    and returns every located problem of the file at once ([`ObserveError::Manifest`]).
//!
//! Diagnostic codes are `E03xx` ([`codes`]); Graph failures keep the client's
//! [`crate::graph::GraphError`] (status, code, inner error, request-id, and for 401/403 the
//! permission the call needs).

mod build;
mod error;
pub mod impact;
pub mod job;
pub mod pointer;
mod read;
mod secret;
mod support;

use crate::graph::auth::Env;
use crate::graph::wire::SyncSchema;
use crate::graph::{Client, ClientOptions, ConnectionSettings, SetupError};
use crate::ids::TenantId;
use crate::manifest::LoadedManifest;
use crate::plan::secrets_json::NotificationSettings;
use crate::plan::state::{DesiredState, ObservedState};

pub use error::{ObserveError, codes};
pub use secret::desired_state;

/// What else an observation learned, beside the two states.
#[derive(Debug, Default)]
pub struct Context {
    /// The tenant of the access token (`tid`), when the token says.
    pub token_tenant: Option<TenantId>,
    /// Notes for the plan (e.g. functions that could not be checked).
    pub warnings: Vec<String>,
    /// The live notification settings (for a merge when writing secrets).
    pub notifications: NotificationSettings,
    /// The job's schema as read, when there is a job.
    pub schema: Option<SyncSchema>,
    /// Operator names the job supports (Graph's spelling), when there is a job.
    pub filter_operators: Vec<String>,
    /// Function names the job supports; `None` when unknown (no job, or not readable).
    pub functions: Option<Vec<String>>,
}

/// Client options for observe and apply: more `$batch` requests in flight than the
/// default when pacing is off (`ClientOptions::batch_concurrency`); with pacing on, the
/// shared pacer decides.
pub fn client_options() -> ClientOptions {
    ClientOptions {
        batch_concurrency: 8,
        ..ClientOptions::default()
    }
}

/// A Graph client for `settings` (cloud, Graph and authority URLs) with observe's
/// [`client_options`] and the credential chain of DESIGN.md §3, read from the process
/// environment.
pub fn client(settings: &ConnectionSettings) -> Result<Client, ObserveError> {
    Ok(Client::connect(
        settings,
        &Env::from_process(),
        &client_options(),
    )?)
}

/// [`client`], with a token already being fetched in the background
/// ([`Client::prefetch_token`]) while the caller does other work (loading manifests).
pub fn client_fetching_token(settings: &ConnectionSettings) -> Result<Client, ObserveError> {
    let c = client(settings)?;
    c.prefetch_token();
    Ok(c)
}

/// Observes the tenant for `loaded`, reading secrets from the process environment.
pub async fn observe(
    client: &Client,
    loaded: &LoadedManifest,
) -> Result<(DesiredState, ObservedState, Context), ObserveError> {
    observe_with_env(client, loaded, &Env::from_process()).await
}

/// [`observe`] with an explicit environment (for `fromEnv` secrets).
pub async fn observe_with_env(
    client: &Client,
    loaded: &LoadedManifest,
    env: &Env,
) -> Result<(DesiredState, ObservedState, Context), ObserveError> {
    let (mut desired, mut diagnostics) = desired_state(loaded, env);
    let mut cx = Context {
        token_tenant: check_tenant(client, loaded).await?,
        ..Context::default()
    };
    if desired.tenant_id.is_some() && cx.token_tenant.is_none() {
        cx.warnings.push(
            "the access token does not name its tenant; tenantId could not be checked".into(),
        );
    }
    let connector = crate::connector::for_app(&loaded.manifest.app);
    let live = read::read_all(client, &desired, connector).await?;
    if let Some(Err(e)) = live.app_data.as_ref().map(|d| &d.chosen) {
        return Err(ObserveError::AmbiguousJob(e.clone()));
    }
    let mut built = build::build(loaded, &desired, &live)?;
    diagnostics.extend(built.diagnostics);
    cx.warnings.extend(built.warnings);
    cx.notifications = built.notifications;
    if let Some(job) = live.app_data.as_ref().and_then(|d| d.job_data.as_ref()) {
        support::check(loaded, job, &mut diagnostics);
        support::check_attributes(loaded, job, &mut diagnostics);
        support::spell_operators(&mut desired, job);
        support::fold_boolean_operands(&mut desired, &mut built.observed, &job.schema.0);
        cx.filter_operators = job.operators.iter().map(|o| o.name.clone()).collect();
        cx.functions = job
            .functions
            .as_ref()
            .map(|fs| fs.iter().map(|f| f.name.clone()).collect());
        if job.functions.is_none() {
            cx.warnings.push(
                "expression functions were not checked against the job: reading them needs \
                 Synchronization.ReadWrite.All"
                    .into(),
            );
        }
        cx.schema = Some(job.schema.clone());
    }
    if !diagnostics.is_empty() {
        diagnostics.sort_by_key(|d| d.span.as_ref().map_or(0, |s| s.start));
        return Err(ObserveError::Manifest {
            file: loaded.file.name.clone(),
            diagnostics,
        });
    }
    Ok((desired, built.observed, cx))
}

/// Gets a token and compares its `tid` with the manifest's `tenantId`.
pub async fn check_tenant(
    client: &Client,
    loaded: &LoadedManifest,
) -> Result<Option<TenantId>, ObserveError> {
    let tid = client
        .credential()
        .tenant_id()
        .await
        .map_err(SetupError::from)?;
    if let (Some(want), Some(got)) = (loaded.manifest.tenant(), &tid)
        && !want.as_str().eq_ignore_ascii_case(got.as_str())
    {
        let d = loaded
            .diagnostic(
                codes::TENANT_MISMATCH,
                pointer::TENANT_ID,
                format!(
                    "the access token is for tenant {got}, but the manifest is for tenant {want}; \
                     stopped before reading or changing anything"
                ),
            )
            .help(format!(
                "sign in to tenant {want} (AZURE_TENANT_ID / az login --tenant {want}), or fix tenantId"
            ));
        return Err(ObserveError::TenantMismatch {
            file: loaded.file.name.clone(),
            diagnostics: vec![d],
        });
    }
    Ok(tid)
}
