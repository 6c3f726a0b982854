//! Saved plans (`plan --out FILE`, `apply --plan FILE`), DESIGN.md §4.
//!
//! A saved plan holds, per manifest, the manifest digest, a fingerprint of the observed
//! state and the changes (secrets as fingerprints only: a [`Plan`] never holds a secret).
//! This module only serialises, parses and checks staleness; writing the file (mode 0600)
//! is the CLI's job.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::change::Plan;
use super::state::ObservedState;

/// Version of the saved-plan format.
pub const FORMAT_VERSION: &str = "1";

/// A saved plan: one entry per manifest.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedPlan {
    /// Always [`FORMAT_VERSION`].
    pub format_version: String,
    /// Version of entraprov that wrote it.
    pub entraprov_version: String,
    /// One entry per manifest, in manifest order.
    pub entries: Vec<SavedEntry>,
}

/// The plan of one manifest, with what it was computed from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedEntry {
    /// The manifest path as given on the command line.
    pub manifest: String,
    /// [`manifest_digest`] of the manifest file.
    pub manifest_digest: String,
    /// [`observed_fingerprint`] of the observed state the plan was computed against.
    pub observed_fingerprint: String,
    /// The changes.
    pub plan: Plan,
}

/// `sha256:<hex>` of the manifest bytes.
pub fn manifest_digest(bytes: &[u8]) -> String {
    format!("sha256:{}", hex::encode(Sha256::digest(bytes)))
}

/// `sha256:<hex>` of the observed state in canonical form: lists whose order Graph does not
/// guarantee (assignments, principals, roles, mappings, candidates) are sorted first, so two
/// observations of an unchanged tenant give the same fingerprint.
pub fn observed_fingerprint(observed: &ObservedState) -> String {
    let mut o = observed.clone();
    o.assignments.sort();
    o.principals.sort_by(|a, b| a.reference.cmp(&b.reference));
    o.untagged_candidates
        .sort_by(|a, b| a.service_principal_id.cmp(&b.service_principal_id));
    o.mappings.sort_by(|a, b| {
        (&a.source_object, &a.target_object).cmp(&(&b.source_object, &b.target_object))
    });
    if let Some(app) = &mut o.app {
        app.roles.sort();
    }
    // Serialising plain data with string keys cannot fail; fall back to Debug regardless.
    let bytes = serde_json::to_vec(&o).unwrap_or_else(|_| format!("{o:?}").into_bytes());
    format!("sha256:{}", hex::encode(Sha256::digest(&bytes)))
}

/// A saved plan file could not be read.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum SavedPlanError {
    /// Not valid JSON or not a saved plan.
    #[error("{path} is not an entraprov plan file: {message}")]
    #[diagnostic(code(E0341), help("write one with `entraprov plan --out FILE`"))]
    Invalid {
        /// File path (for the message).
        path: String,
        /// Parser message.
        message: String,
    },
    /// Written by an incompatible version.
    #[error(
        "{path} has plan format version {found}; this entraprov reads version {FORMAT_VERSION}"
    )]
    #[diagnostic(
        code(E0342),
        help("run `entraprov plan --out FILE` again with this version")
    )]
    UnsupportedVersion {
        /// File path.
        path: String,
        /// The version found.
        found: String,
    },
}

/// Why a saved plan no longer applies.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, miette::Diagnostic)]
#[error("plan is stale: {reason}")]
#[diagnostic(
    code(E0340),
    help("nothing was changed; run `entraprov plan --out FILE` again and review the new plan")
)]
pub struct StalePlan {
    /// Which manifest.
    pub manifest: String,
    /// What changed.
    pub reason: String,
}

impl SavedPlan {
    /// A saved plan of the given entries.
    pub fn new(entries: Vec<SavedEntry>) -> Self {
        Self {
            format_version: FORMAT_VERSION.to_owned(),
            entraprov_version: env!("CARGO_PKG_VERSION").to_owned(),
            entries,
        }
    }

    /// Pretty JSON text of the file.
    pub fn to_json(&self) -> String {
        // Plain data with string keys: serialisation cannot fail.
        serde_json::to_string_pretty(self).unwrap_or_default() + "\n"
    }

    /// Parses a file's text; `path` is only used in messages.
    pub fn from_json(text: &str, path: &str) -> Result<Self, SavedPlanError> {
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| SavedPlanError::Invalid {
                path: path.to_owned(),
                message: e.to_string(),
            })?;
        let found = value
            .get("format_version")
            .and_then(|v| v.as_str())
            .unwrap_or("(none)");
        if found != FORMAT_VERSION {
            return Err(SavedPlanError::UnsupportedVersion {
                path: path.to_owned(),
                found: found.to_owned(),
            });
        }
        serde_json::from_value(value).map_err(|e| SavedPlanError::Invalid {
            path: path.to_owned(),
            message: e.to_string(),
        })
    }
}

impl SavedEntry {
    /// Refuses the entry unless the manifest and the tenant are as they were at plan time.
    pub fn check_fresh(
        &self,
        manifest_digest: &str,
        observed_fingerprint: &str,
    ) -> Result<(), StalePlan> {
        let reason = if self.manifest_digest != manifest_digest {
            format!("{} changed since the plan was made", self.manifest)
        } else if self.observed_fingerprint != observed_fingerprint {
            format!(
                "the live configuration of {} changed since the plan was made",
                self.plan.name
            )
        } else {
            return Ok(());
        };
        Err(StalePlan {
            manifest: self.manifest.clone(),
            reason,
        })
    }
}
