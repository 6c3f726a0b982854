//! The normalised model shared by desired and observed state.
//!
//! Both sides of a diff are expressed in these types, already normalised (see
//! reference/graph-api.md §8.7): flow types are a set, attribute mappings are keyed by
//! target attribute, scoping filters by name with sorted clauses, expressions in canonical
//! form, boolean strings case-folded, and `source: null` + `defaultValue` is the same
//! constant as a `Constant` source. Values that the server computes are not modelled.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::ids::{AppRoleId, PrincipalId};

mod definition;
mod mapping;

pub use definition::*;
pub use mapping::*;

/// Which kind of directory object a principal is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PrincipalKind {
    /// A user, named by user principal name.
    User,
    /// A group, named by display name.
    Group,
}

impl fmt::Display for PrincipalKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            PrincipalKind::User => "user",
            PrincipalKind::Group => "group",
        })
    }
}

/// How the manifest names a principal: by name (UPN / group display name) or by object id.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PrincipalKey {
    /// User principal name or group display name.
    Name(String),
    /// Object id.
    Id(PrincipalId),
}

/// A principal as the manifest references it, e.g. `group:Keeper Users`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct PrincipalRef {
    /// User or group.
    pub kind: PrincipalKind,
    /// Name or id.
    pub key: PrincipalKey,
}

impl PrincipalRef {
    /// A principal named by UPN or display name.
    pub fn named(kind: PrincipalKind, name: impl Into<String>) -> Self {
        Self {
            kind,
            key: PrincipalKey::Name(name.into()),
        }
    }

    /// A principal named by object id.
    pub fn by_id(kind: PrincipalKind, id: impl Into<PrincipalId>) -> Self {
        Self {
            kind,
            key: PrincipalKey::Id(id.into()),
        }
    }
}

impl fmt::Display for PrincipalRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.key {
            PrincipalKey::Name(n) => write!(f, "{}:{n}", self.kind),
            PrincipalKey::Id(id) => write!(f, "{}:{id}", self.kind),
        }
    }
}

/// The role id Graph uses for "Default Access" when an app declares no roles.
pub const DEFAULT_ACCESS_ROLE_ID: &str = "00000000-0000-0000-0000-000000000000";

/// An app role declared on the service principal.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct AppRole {
    /// Role id.
    pub id: AppRoleId,
    /// The role's `value` (e.g. `User`), if any (`msiam_access` has one, some roles do not).
    pub value: Option<String>,
    /// The role's display name.
    pub display_name: String,
}

/// Finds a role by `value` first, then by display name (both exact). The zero GUID
/// ("Default Access") is found by the name `Default Access` only when the app declares no
/// role of that name.
pub fn resolve_role<'a>(roles: &'a [AppRole], reference: &str) -> Option<&'a AppRole> {
    roles
        .iter()
        .find(|r| r.value.as_deref() == Some(reference))
        .or_else(|| roles.iter().find(|r| r.display_name == reference))
}

/// A human name for a role id: its value, else its display name, else the id.
pub fn role_label(roles: &[AppRole], id: &AppRoleId) -> String {
    if let Some(r) = roles.iter().find(|r| &r.id == id) {
        return r.value.clone().unwrap_or_else(|| r.display_name.clone());
    }
    if id.as_str() == DEFAULT_ACCESS_ROLE_ID {
        return "Default Access".to_owned();
    }
    id.to_string()
}

/// Provisioning status: On (job schedule `Active`) or Off (`Paused`, `Disabled`, none).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RunState {
    /// The job runs (schedule state `Active`).
    On,
    /// The job does not run.
    Off,
}

impl RunState {
    /// Maps a job's `schedule.state` (`Active|Disabled|Paused`) to on/off.
    pub fn from_schedule_state(state: &str) -> Self {
        if state.eq_ignore_ascii_case("Active") {
            RunState::On
        } else {
            RunState::Off
        }
    }
}

impl fmt::Display for RunState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            RunState::On => "On",
            RunState::Off => "Off",
        })
    }
}

/// Provisioning scope (secret key `SyncAll`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    /// Only assigned users and groups (`SyncAll` = `false`).
    Assigned,
    /// All users and groups (`SyncAll` = `true`).
    All,
}

impl Scope {
    /// Parses a `SyncAll` value; booleans are case-folded. `None` for anything else.
    pub fn from_sync_all(value: &str) -> Option<Self> {
        parse_bool(value).map(|all| if all { Scope::All } else { Scope::Assigned })
    }

    /// The `SyncAll` secret value for this scope.
    pub fn to_sync_all(self) -> &'static str {
        match self {
            Scope::Assigned => "false",
            Scope::All => "true",
        }
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Scope::Assigned => "assigned",
            Scope::All => "all",
        })
    }
}

/// Parses a boolean string case-insensitively (`True`, `true`, `FALSE`, …).
pub fn parse_bool(value: &str) -> Option<bool> {
    let v = value.trim();
    if v.eq_ignore_ascii_case("true") {
        Some(true)
    } else if v.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

/// Case-folds a string that is a boolean to Graph's `True`/`False`; other strings unchanged.
pub fn fold_bool_string(value: &str) -> String {
    match parse_bool(value) {
        Some(true) => "True".to_owned(),
        Some(false) => "False".to_owned(),
        None => value.to_owned(),
    }
}

/// What is known about the stored SCIM secret token.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "state")]
pub enum TokenState {
    /// A token is stored and the fingerprint tag says which (12 hex characters).
    Known {
        /// First 12 hex characters of SHA-256 over `<service principal id>:<token>`.
        fingerprint: String,
    },
    /// A token is stored (masked as `*`) but no fingerprint tag tells which.
    Unknown,
    /// No token is stored.
    Absent,
}

/// Provisioning settings: scope, notifications, accidental-deletion guard,
/// skip-out-of-scope. Every field is optional: in desired state `None` means "the manifest
/// does not mention it", in observed state "not set in the tenant".
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    /// Assigned only, or all users and groups.
    pub scope: Option<Scope>,
    /// Notification email (`SyncNotificationSettings.Recipients`).
    pub notification_email: Option<String>,
    /// Email on failure (`SyncNotificationSettings.Enabled`).
    pub on_failure: Option<bool>,
    /// Accidental-deletion prevention on (`DeleteThresholdEnabled`).
    pub deletion_threshold_enabled: Option<bool>,
    /// Accidental-deletion threshold (`DeleteThresholdValue`).
    pub deletion_threshold: Option<u32>,
    /// `SkipOutOfScopeDeletions`.
    pub skip_out_of_scope_deletions: Option<bool>,
}
