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
//! - [`desired`]: the one desired-state builder (typed manifest → [`DesiredState`],
//!   [`desired::build`] / [`desired::from_manifest`]; `observe` only reads the secret it
//!   hands in), and change → manifest pointer.
//!
//! # Building the observed state (`observe`)
//!
//! Fill an [`ObservedState`]: `template` (the gallery entry the manifest names); `app`
//! (found by tag [`fingerprint::name_tag`] or `appId`; tags with
//! [`graph_objects::tags_from_graph`], roles with [`graph_objects::app_roles_from_graph`]);
//! `untagged_candidates`; `principals`, one [`state::ResolvedPrincipal`] per manifest
//! reference, keyed by [`desired::principal_ref`]; `assignments` with
//! [`graph_objects::assignment_from_graph`]; `job` with [`graph_objects::job_from_graph`];
//! `credentials` and `settings` with [`secrets_json::read_secrets`] and
//! [`fingerprint::token_state`]; `mappings` with [`graph_json::object_mappings_from_schema`].
//!
//! # Executing a plan (`apply`)
//!
//! `plan.changes` are already in DESIGN.md §5 order ([`Change::step`]); each carries a
//! [`Target`] with the ids observe resolved. The secret token is not in the plan: take it
//! from the [`DesiredState`] and tag it with [`fingerprint::token_fingerprint`] /
//! [`fingerprint::token_tag`]. Secrets are merged with [`secrets_json::settings_to_secrets`];
//! schema entries are written with [`graph_json::attribute_mapping_to_graph`] (source tree
//! from [`graph_json::value_to_source`] or `parseExpression`) and
//! [`graph_json::scoping_filter_to_graph`]; live object mappings are matched with
//! [`model::object_names_match`]. Fill a [`report::ApplyReport`] for `render::report`.

pub mod change;
pub mod desired;
mod diff;
pub mod expr;
pub mod fingerprint;
pub mod graph_defs;
pub mod graph_json;
pub mod graph_objects;
pub mod impact;
pub mod model;
pub mod report;
pub mod saved;
pub mod schema_check;
pub mod secrets_json;
pub mod state;

pub use change::{
    Action, Address, Change, FieldChange, Plan, Sensitive, Step, Summary, Target, Value,
};
pub use diff::diff;
pub use report::{ApplyReport, Convergence, Failure, Outcome, OutcomeStatus};
pub use state::{DesiredState, ObservedState};
