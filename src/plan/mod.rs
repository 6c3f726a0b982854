//! Planning: the normalised model, the pure diff `(desired, observed) -> Plan`, token
//! fingerprints, saved plans and the apply report. No I/O, no clock, no randomness.
//!
//! - [`model`]: normalised values shared by desired and observed state.
//! - [`state`]: [`DesiredState`] (from the manifest) and [`ObservedState`] (from `observe`).
//! - [`diff()`]: the diff, producing a [`Plan`] of addressed [`Change`]s in apply order.
//! - [`graph_json`], [`graph_objects`], [`secrets_json`]: pure conversions from Graph's JSON
//!   shapes (schema, directory objects, secrets) into the model.
//! - [`fingerprint`]: the secret-token fingerprint rule and identity tags.
//! - [`saved`]: saved plans and staleness checks; [`report`]: the apply report.

pub mod change;
mod diff;
pub mod expr;
pub mod fingerprint;
pub mod graph_json;
pub mod graph_objects;
pub mod model;
pub mod report;
pub mod saved;
pub mod secrets_json;
pub mod state;

pub use change::{
    Action, Address, Change, FieldChange, Plan, Sensitive, Step, Summary, Target, Value,
};
pub use diff::diff;
pub use report::{ApplyReport, Convergence, Failure, Outcome, OutcomeStatus};
pub use state::{DesiredState, ObservedState};
