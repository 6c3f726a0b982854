//! The executor: runs a [`Plan`] against Graph in dependency order (DESIGN.md §5) and
//! returns an [`ApplyReport`]. It never decides anything new: every write comes from a
//! planned [`Change`](crate::plan::Change); the only lookups it makes are the ones a safe
//! write needs (find the app again before a create, read secrets/schema to merge, resolve
//! a role on a new app, check a job's state before `start`).
//!
//! # Steps
//! 1. [`app`]: find by tag (or adopt the blank instance an interrupted apply left), else
//!    instantiate the template; wait until the service principal is readable; write tags.
//! 2. [`assign`]: create missing assignments in `$batch`es (several in flight), then
//!    delete pruned ones. Unknown outcomes are re-listed before any retry.
//! 3. [`job`]: create the job from the default synchronization template (looked up again
//!    before any retry), wait until it is readable.
//! 4. [`secrets`]: `validateCredentials` with the desired credentials, then GET, merge and
//!    PUT the complete secret set (never a masked `*`), then the token fingerprint tag.
//! 5. [`schema`]: GET the schema, change only what the manifest owns (expressions through
//!    `parseExpression`), PUT it back whole.
//! 6. [`job`]: start / pause / restart.
//! 7. Re-observe and check that a fresh plan is empty ([`flow::apply_and_check`],
//!    [`convergence`]).
//!
//! A failed change makes the changes that depend on it [`OutcomeStatus::Skipped`];
//! independent ones still run. A [`StopFlag`] (Ctrl-C) lets the request in flight finish and
//! skips everything after it.
//!
//! ```no_run
//! # async fn demo(client: &entraprov::graph::Client, plan: &entraprov::plan::Plan) {
//! use entraprov::apply::{self, ApplyOptions, Inputs, NoProgress, StopFlag};
//! let report = apply::execute(client, plan, &Inputs::default(), &ApplyOptions::default(),
//!     &NoProgress, &StopFlag::new()).await;
//! # let _ = report; }
//! ```

mod app;
mod assign;
mod ctx;
pub mod flow;
mod job;
pub mod race;
mod schema;
mod schema_defs;
mod secrets;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use secrecy::SecretString;

use crate::graph::Client;
use crate::plan::state::DesiredMapping;
use crate::plan::{ApplyReport, Convergence, OutcomeStatus, Plan};

pub use ctx::failure_from;

/// What apply needs beside the plan: the secret (a plan never holds one) and the declared
/// mappings, whose lists are exact from the start when a mapping is created with its job
/// (the plan could not list the template's defaults that `prune` removes).
#[derive(Debug, Default)]
pub struct Inputs {
    /// The SCIM secret token from the manifest's reference (`fromEnv` / `fromFile`).
    pub secret_token: Option<SecretString>,
    /// Declared object mappings by label.
    pub mappings: BTreeMap<String, DesiredMapping>,
    /// The app's connector, to explain a refused Test Connection in its terms.
    pub connector: Option<&'static crate::connector::Connector>,
    /// The manifest file (display name, text), so that apply can check its attribute names
    /// against the schema of a job it has just created, before writing the schema.
    pub manifest_source: Option<(String, String)>,
}

/// Tunables of an apply.
#[derive(Debug, Clone)]
pub struct ApplyOptions {
    /// How long to wait for a new service principal or job to become readable.
    pub create_wait: Duration,
    /// First pause between looks for an object whose create had an unknown outcome
    /// (doubled each time, at most 10 s).
    pub recheck_delay: Duration,
    /// How many times to look for such an object before creating it again.
    pub recheck_polls: u32,
    /// Assignments per executor round (several `$batch`es run concurrently inside one).
    pub assignment_chunk: usize,
    /// After a refused Test Connection, probe the SCIM endpoint directly to explain why
    /// (off in tests whose tenant URL only the simulator can reach).
    pub explain_refused_credentials: bool,
}

impl Default for ApplyOptions {
    fn default() -> Self {
        Self {
            create_wait: Duration::from_secs(120),
            recheck_delay: Duration::from_secs(2),
            recheck_polls: 6,
            assignment_chunk: 400,
            explain_refused_credentials: true,
        }
    }
}

/// Set by a Ctrl-C handler: apply finishes the request in flight and stops.
#[derive(Debug, Clone, Default)]
pub struct StopFlag(Arc<AtomicBool>);

impl StopFlag {
    /// A flag that is not set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Asks apply to stop after the request in flight.
    pub fn stop(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    /// Whether a stop was asked for.
    pub fn is_set(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

/// Receives progress events (the CLI draws them with indicatif on a TTY).
pub trait Progress: Sync {
    /// A step starts; `total` is the number of planned changes in it.
    fn step(&self, label: &str, total: usize);
    /// `n` more changes of the current step were handled.
    fn advance(&self, n: usize);
    /// A note worth showing (e.g. "waiting for the service principal to replicate").
    fn note(&self, text: &str);
    /// The current step ended.
    fn finish_step(&self);
}

/// Progress that goes nowhere.
#[derive(Debug, Default, Clone, Copy)]
pub struct NoProgress;

impl Progress for NoProgress {
    fn step(&self, _: &str, _: usize) {}
    fn advance(&self, _: usize) {}
    fn note(&self, _: &str) {}
    fn finish_step(&self) {}
}

/// Executes `plan` and reports what was done, failed and skipped. Never panics on Graph
/// errors: each one becomes a failed outcome with Graph's code, inner error and request-id.
pub async fn execute(
    client: &Client,
    plan: &Plan,
    inputs: &Inputs,
    opts: &ApplyOptions,
    progress: &dyn Progress,
    stop: &StopFlag,
) -> ApplyReport {
    execute_tracked(client, plan, inputs, opts, progress, stop)
        .await
        .0
}

/// [`execute`], also returning the service principal this apply created and kept (for the
/// race check after apply, [`race`]).
pub(crate) async fn execute_tracked(
    client: &Client,
    plan: &Plan,
    inputs: &Inputs,
    opts: &ApplyOptions,
    progress: &dyn Progress,
    stop: &StopFlag,
) -> (ApplyReport, Option<crate::ids::ServicePrincipalId>) {
    let mut run = ctx::Run::new(client, plan, inputs, opts, progress, stop);
    app::run(&mut run).await;
    assign::run(&mut run).await;
    job::create(&mut run).await;
    secrets::run(&mut run).await;
    schema::run(&mut run).await;
    job::state(&mut run).await;
    let created = run.created.clone();
    (run.finish(), created)
}

/// The convergence verdict of a plan made right after apply: empty means converged,
/// otherwise each leftover change as `<symbol> <address>`.
pub fn convergence(after: &Plan) -> Convergence {
    if after.is_empty() {
        Convergence::Converged
    } else {
        Convergence::NotConverged {
            leftover: after
                .changes
                .iter()
                .map(|c| format!("{} {}", c.action.symbol(), c.address))
                .collect(),
        }
    }
}

/// Whether every outcome of a report is done (ignores convergence).
pub fn all_done(report: &ApplyReport) -> bool {
    report
        .outcomes
        .iter()
        .all(|o| o.status == OutcomeStatus::Done)
}
