//! `preview`: for the manifest as written (before apply), whether a user is in scope and
//! what the app would receive. Pure: the caller reads the users (Graph or a file) and the
//! direct members of the manifest's assigned groups, then calls [`preview`].
//!
//! Scope (entra-docs `how-provisioning-works.md`, "Scoping"): with `scope: assigned`
//! a user is in scope when assigned directly or as an *immediate* member of an assigned
//! group (nested groups are not read); with `scope: all` everyone is; then the mapping's
//! scoping filters decide (see [`crate::manifest::expr::eval::scoping`]).

mod build;

use crate::manifest::expr::eval::scoping::ScopeResult;
use crate::manifest::expr::eval::{EvalError, Note, Value};

pub use build::{attributes_used, preview, user_mappings};

/// How a user stands with respect to the assignments.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Assignment {
    /// `scope: all`: every user is considered.
    ScopeAll,
    /// Assigned directly, with this role.
    Direct {
        /// App role.
        role: String,
    },
    /// An immediate member of an assigned group.
    ViaGroup {
        /// The group as the manifest names it.
        group: String,
        /// App role.
        role: String,
    },
    /// Not assigned (nested groups do not count).
    NotAssigned,
    /// Group membership is not known (offline, without `memberOf` in the user file).
    Unknown {
        /// The assigned groups that might contain the user.
        groups: Vec<String>,
    },
}

impl Assignment {
    /// `Some(true)` in scope by assignment, `Some(false)` not, `None` unknown.
    pub fn passes(&self) -> Option<bool> {
        match self {
            Assignment::ScopeAll | Assignment::Direct { .. } | Assignment::ViaGroup { .. } => {
                Some(true)
            }
            Assignment::NotAssigned => Some(false),
            Assignment::Unknown { .. } => None,
        }
    }
}

/// What one target attribute would receive.
#[derive(Clone, Debug, PartialEq)]
pub enum Received {
    /// A value (NULL: nothing is sent), with the evaluator's notes.
    Value(Value, Vec<Note>),
    /// The mapping's `default`, because the source or expression was NULL.
    Default(String),
    /// `IgnoreFlowIfNullOrEmpty`: the attribute is not sent.
    Skipped,
    /// The expression fails for this user.
    Error(EvalError),
}

/// One attribute mapping's result.
#[derive(Clone, Debug, PartialEq)]
pub struct AttributePreview {
    /// Target attribute.
    pub target: String,
    /// The source as written: `source: x`, `constant: x` or the expression.
    pub source: String,
    /// `matchingPriority`, when this is a matching attribute.
    pub matching: Option<u32>,
    /// `apply: onCreate` (only sent when the account is created).
    pub on_create: bool,
    /// The outcome.
    pub received: Received,
}

/// One object mapping for one user.
#[derive(Clone, Debug, PartialEq)]
pub struct MappingPreview {
    /// The label (`users`).
    pub label: String,
    /// Target object (`User`, a SCIM URN…).
    pub target_object: String,
    /// `enabled: false` in the manifest.
    pub disabled: bool,
    /// The scoping filters' decision.
    pub filters: ScopeResult,
    /// The attributes, in manifest order.
    pub attributes: Vec<AttributePreview>,
}

impl MappingPreview {
    /// In scope: assigned (or unknown), filters pass, mapping enabled.
    pub fn in_scope(&self, a: &Assignment) -> Option<bool> {
        if self.disabled || !self.filters.in_scope {
            return Some(false);
        }
        a.passes()
    }
}

/// One user's preview.
#[derive(Clone, Debug, PartialEq)]
pub struct UserPreview {
    /// The user as given (UPN, or the file entry's userPrincipalName).
    pub user: String,
    /// `false` when Graph has no such user.
    pub found: bool,
    /// Assignment status.
    pub assignment: Assignment,
    /// Each user mapping of the manifest.
    pub mappings: Vec<MappingPreview>,
}

/// A user to preview.
#[derive(Clone, Debug, Default)]
pub struct UserInput {
    /// How the user was named (UPN).
    pub key: String,
    /// The user's attributes; `None` when the user does not exist.
    pub attributes: Option<crate::manifest::expr::eval::Attributes>,
    /// Object id, when known.
    pub id: Option<String>,
    /// The groups the user is an immediate member of (ids and display names), among those
    /// the manifest assigns; `None` when unknown.
    pub member_of: Option<Vec<String>>,
}
