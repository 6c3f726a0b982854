//! The permission table of graph-api.md §0 (application permissions).
//!
//! `Application.ReadWrite.OwnedBy` only counts on service principals the calling app
//! created (instantiated) itself.

use crate::sim::core::Caller;
use crate::sim::http::error::GraphError;
use crate::sim::state::Sp;

/// An operation class with its accepted permissions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    /// List/get applicationTemplates: any valid token.
    TemplatesRead,
    /// Instantiate a template.
    Instantiate,
    /// Read service principals.
    SpRead,
    /// PATCH a service principal.
    SpWrite,
    /// List app role assignments.
    AssignmentsRead,
    /// Create an app role assignment.
    AssignmentCreate,
    /// Delete an app role assignment.
    AssignmentDelete,
    /// Read users.
    UsersRead,
    /// Read groups.
    GroupsRead,
    /// Read synchronization templates, jobs, schema, filterOperators, secrets.
    SyncRead,
    /// Any synchronization write (jobs, secrets, schema, validate, provisionOnDemand,
    /// parseExpression) and `schema/functions` (documented as ReadWrite even for GET).
    SyncWrite,
}

const OWNED: &str = "Application.ReadWrite.OwnedBy";

fn accepted(op: Op) -> &'static [&'static str] {
    match op {
        Op::TemplatesRead => &[],
        Op::Instantiate => &[
            OWNED,
            "Application.ReadWrite.All",
            "Directory.ReadWrite.All",
        ],
        Op::SpRead | Op::AssignmentsRead => &[
            "Application.Read.All",
            OWNED,
            "Application.ReadWrite.All",
            "Directory.Read.All",
            "Directory.ReadWrite.All",
        ],
        Op::SpWrite => &[
            OWNED,
            "Application.ReadWrite.All",
            "Directory.ReadWrite.All",
        ],
        Op::AssignmentCreate | Op::AssignmentDelete => &["AppRoleAssignment.ReadWrite.All"],
        Op::UsersRead => &[
            "User.Read.All",
            "User.ReadWrite.All",
            "Directory.Read.All",
            "Directory.ReadWrite.All",
        ],
        Op::GroupsRead => &[
            "Group.Read.All",
            "GroupMember.Read.All",
            "Group.ReadWrite.All",
            "Directory.Read.All",
            "Directory.ReadWrite.All",
        ],
        Op::SyncRead => &[
            OWNED,
            "Synchronization.Read.All",
            "Synchronization.ReadWrite.All",
        ],
        Op::SyncWrite => &[OWNED, "Synchronization.ReadWrite.All"],
    }
}

fn has_any(caller: &Caller, roles: &[&str], sp: Option<&Sp>) -> bool {
    roles.iter().any(|r| {
        caller.roles.iter().any(|c| c == r)
            && (*r != OWNED
                || sp.is_none_or(|s| s.owner_client.as_deref() == Some(caller.client_id.as_str())))
    })
}

/// Checks that the caller may perform `op` (on `sp` when the operation targets one).
pub fn require(caller: &Caller, op: Op, sp: Option<&Sp>) -> Result<(), GraphError> {
    let roles = accepted(op);
    if roles.is_empty() || has_any(caller, roles, sp) {
        // POST appRoleAssignedTo also needs read access to the resource application.
        if op == Op::AssignmentCreate {
            let read = [
                "Application.Read.All",
                "Directory.Read.All",
                "Application.ReadWrite.All",
                "Directory.ReadWrite.All",
            ];
            if !has_any(caller, &read, sp) {
                return Err(GraphError::denied());
            }
        }
        return Ok(());
    }
    Err(GraphError::denied())
}
