//! `entraprov status`: is provisioning healthy? (issue 10)
//!
//! Data flows one way: [`read`] gets the job (with `status.progress`) and the recent
//! provisioning log entries through the Graph client; [`evaluate`] turns them into an
//! [`AppStatus`] (pure); [`human`], [`markdown`] and [`json`] render it (pure).
//! [`Health::exit`] maps the verdict to the exit code: 0 healthy, 3 quarantined or last cycle
//! failed (errors are 1, decided by the CLI).
//!
//! ```no_run
//! # async fn demo(client: &entraprov::graph::Client, m: &entraprov::manifest::LoadedManifest)
//! # -> Result<(), entraprov::graph::GraphError> {
//! use entraprov::status::{self, read::ReadOptions};
//! let opts = ReadOptions::default();
//! let live = status::read::read(client, m, &opts).await?;
//! let report = status::evaluate::evaluate(m, &live, "https://graph.microsoft.com/v1.0");
//! print!("{}", status::human::render(&[report], false));
//! # Ok(()) }
//! ```

pub mod advice;
pub mod evaluate;
pub mod human;
pub mod json;
pub mod markdown;
pub mod read;
pub mod time;
pub mod watch;

#[cfg(test)]
mod tests;

use serde::Serialize;

/// Version of the JSON output.
pub const FORMAT_VERSION: u32 = 1;

/// The health verdict of one app.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Health {
    /// Steady state, last cycle succeeded.
    Healthy,
    /// Steady state, but the last cycle had entry-level errors.
    Degraded,
    /// The initial cycle is running.
    InProgress,
    /// Provisioning is paused.
    Paused,
    /// Provisioning was never started (job disabled).
    Disabled,
    /// The job is in quarantine.
    Quarantined,
    /// The last cycle failed.
    Failed,
    /// The app or its job could not be found (nothing to evaluate).
    NotFound,
}

impl Health {
    /// Whether CI may go on: not quarantined, the last cycle did not fail, and there was
    /// something to evaluate (`cli` maps the rest to exit codes 3 and 1).
    pub fn is_ok(self) -> bool {
        !matches!(
            self,
            Health::Quarantined | Health::Failed | Health::NotFound
        )
    }

    /// Short label.
    pub fn label(self) -> &'static str {
        match self {
            Health::Healthy => "healthy",
            Health::Degraded => "healthy, with entry-level errors",
            Health::InProgress => "initial cycle in progress",
            Health::Paused => "paused",
            Health::Disabled => "not started",
            Health::Quarantined => "QUARANTINED",
            Health::Failed => "LAST CYCLE FAILED",
            Health::NotFound => "not found",
        }
    }
}

/// The status of one manifest's app.
#[derive(Clone, Debug, Serialize)]
pub struct AppStatus {
    /// Manifest file.
    pub manifest: String,
    /// Manifest `name`.
    pub name: String,
    /// App display name (from the manifest).
    pub display_name: String,
    /// Verdict.
    pub health: Health,
    /// Service principal object id.
    pub service_principal_id: Option<String>,
    /// The job, when there is one.
    pub job: Option<JobView>,
    /// Quarantine details.
    pub quarantine: Option<QuarantineView>,
    /// Recent failed and skipped provisioning log entries.
    pub problems: Problems,
    /// Other remarks (what to do when not found, paused, drift…).
    pub notes: Vec<String>,
}

/// The synchronization job.
#[derive(Clone, Debug, Serialize)]
pub struct JobView {
    /// Job id.
    pub id: String,
    /// `Active`, `Paused`, `Disabled` or `Quarantine`.
    pub state: String,
    /// `schedule.state`.
    pub schedule_state: Option<String>,
    /// `status.code`.
    pub status_code: Option<String>,
    /// `schedule.interval` as Graph sends it.
    pub interval: Option<String>,
    /// The interval for people.
    pub interval_text: Option<String>,
    /// Last cycle.
    pub last_execution: Option<ExecutionView>,
    /// Last successful cycle.
    pub last_successful_execution: Option<ExecutionView>,
    /// Whether the job has reached steady state (initial cycle done).
    pub steady_state: bool,
    /// First steady state.
    pub steady_state_first_achieved: Option<String>,
    /// Latest steady state.
    pub steady_state_last_achieved: Option<String>,
    /// Cycles failed in a row.
    pub successive_failures: i64,
    /// Running cycle's progress.
    pub progress: Option<ProgressView>,
    /// Synchronized objects by type, e.g. `User to User`.
    pub counts: Vec<TypeCount>,
}

/// One cycle (`synchronizationTaskExecution`).
#[derive(Clone, Debug, Serialize)]
pub struct ExecutionView {
    /// `Succeeded`, `Failed`, `EntryLevelErrors`.
    pub state: Option<String>,
    /// Began.
    pub began: Option<String>,
    /// Ended.
    pub ended: Option<String>,
    /// Duration in seconds.
    pub duration_seconds: Option<i64>,
    /// Objects imported.
    pub imported: Option<i64>,
    /// Objects exported.
    pub exported: Option<i64>,
    /// Objects escrowed (failed, retried later).
    pub escrowed: Option<i64>,
    /// Error of a failed cycle: `(code, message)`.
    pub error: Option<CodeMessage>,
}

/// An error code and message.
#[derive(Clone, Debug, Serialize)]
pub struct CodeMessage {
    /// Code.
    pub code: Option<String>,
    /// Message.
    pub message: Option<String>,
}

/// Progress of the running cycle.
#[derive(Clone, Debug, Serialize)]
pub struct ProgressView {
    /// Units done.
    pub completed: i64,
    /// Units in total.
    pub total: i64,
    /// Unit name.
    pub units: Option<String>,
}

/// `synchronizedEntryCountByType` entry.
#[derive(Clone, Debug, Serialize)]
pub struct TypeCount {
    /// E.g. `User to User`.
    pub object_type: String,
    /// Count.
    pub count: i64,
}

/// The quarantine and what to do about it.
#[derive(Clone, Debug, Serialize)]
pub struct QuarantineView {
    /// Documented reason, e.g. `TooManyDeletes`.
    pub reason: Option<String>,
    /// Start of the series of quarantines.
    pub series_began: Option<String>,
    /// Start of the current one.
    pub current_began: Option<String>,
    /// Next attempt.
    pub next_attempt: Option<String>,
    /// Quarantines in the series.
    pub series_count: Option<i64>,
    /// The error.
    pub error: Option<CodeMessage>,
    /// What to do, in order.
    pub what_to_do: Vec<String>,
}

/// Recent provisioning log problems.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Problems {
    /// Window start (ISO 8601).
    pub since: Option<String>,
    /// Entries read (all statuses).
    pub entries_read: usize,
    /// Whether the read stopped at its limit.
    pub truncated: bool,
    /// Deletions held back by the accidental-deletion threshold (`stagedDelete`).
    pub held_deletions: usize,
    /// Failed and skipped entries grouped by error code, most frequent first.
    pub groups: Vec<ProblemGroup>,
    /// Why the logs could not be read (the rest of the status is still shown).
    pub unavailable: Option<String>,
}

/// Entries that share an error code.
#[derive(Clone, Debug, Serialize)]
pub struct ProblemGroup {
    /// Error code (or `(none)`).
    pub error_code: String,
    /// `failure` or `skipped`.
    pub status: String,
    /// Number of entries.
    pub count: usize,
    /// Number of distinct users among them.
    pub users: usize,
    /// Recommended action (Graph's when it gives one, else entraprov's).
    pub recommended_action: String,
    /// The newest entry of each user (at most [`evaluate::SHOWN_PER_GROUP`]).
    pub entries: Vec<ProblemEntry>,
}

/// One failed or skipped entry.
#[derive(Clone, Debug, Serialize)]
pub struct ProblemEntry {
    /// User (UPN or display name).
    pub user: String,
    /// Provisioning action.
    pub action: String,
    /// When.
    pub time: Option<String>,
    /// Reason.
    pub reason: Option<String>,
}
