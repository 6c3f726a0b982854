//! The apply report: what was done, what failed (with Graph's error details) and what was
//! skipped because a dependency failed. Apply fills it; `render::report` shows it.

use serde::{Deserialize, Serialize};

use super::change::{Action, Address};

/// The outcome of applying one plan.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplyReport {
    /// Manifest `name`.
    pub name: String,
    /// One outcome per planned change, in plan order.
    pub outcomes: Vec<Outcome>,
    /// Apply stopped early (Ctrl-C) after the request in flight.
    pub interrupted: bool,
    /// Result of re-observing after apply, if it ran.
    pub convergence: Option<Convergence>,
}

/// What happened to one change.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outcome {
    /// The change's address.
    pub address: Address,
    /// The change's action.
    pub action: Action,
    /// Done, failed or skipped.
    pub status: OutcomeStatus,
}

/// Status of one change.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "status")]
pub enum OutcomeStatus {
    /// Applied.
    Done,
    /// Failed.
    Failed(Failure),
    /// Not attempted because a change it depends on failed (or apply was interrupted).
    Skipped {
        /// The failed change it depended on; `None` when apply was interrupted.
        because: Option<Address>,
    },
}

/// A failure, with Graph's error details when it came from Graph. Never holds a secret.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Failure {
    /// Human message.
    pub message: String,
    /// HTTP status, if any.
    pub http_status: Option<u16>,
    /// Graph error `code`.
    pub code: Option<String>,
    /// The unwrapped inner error (e.g. from an `UnknownError` message holding JSON).
    pub inner_error: Option<String>,
    /// `request-id` of the failed request.
    pub request_id: Option<String>,
}

/// Result of the post-apply check.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "result")]
pub enum Convergence {
    /// A fresh plan is empty.
    Converged,
    /// These differences remain (addresses with their action symbol, e.g. `~ state`).
    NotConverged {
        /// Leftover differences.
        leftover: Vec<String>,
    },
}

/// Counts of an apply report.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportSummary {
    /// Done.
    pub done: usize,
    /// Failed.
    pub failed: usize,
    /// Skipped.
    pub skipped: usize,
}

impl ApplyReport {
    /// Counts of done / failed / skipped.
    pub fn summary(&self) -> ReportSummary {
        let mut s = ReportSummary::default();
        for o in &self.outcomes {
            match o.status {
                OutcomeStatus::Done => s.done += 1,
                OutcomeStatus::Failed(_) => s.failed += 1,
                OutcomeStatus::Skipped { .. } => s.skipped += 1,
            }
        }
        s
    }

    /// Whether everything was applied and (if checked) converged.
    pub fn succeeded(&self) -> bool {
        let s = self.summary();
        s.failed == 0
            && s.skipped == 0
            && !self.interrupted
            && !matches!(self.convergence, Some(Convergence::NotConverged { .. }))
    }
}
