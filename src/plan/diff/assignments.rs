//! `assignment[<principal> → <role>]`: create missing, delete pruned.

use std::collections::{HashMap, HashSet};

use crate::ids::{AppRoleId, PrincipalId};
use crate::plan::change::{Action, Address, Change, Target};
use crate::plan::model::{PrincipalRef, resolve_role, role_label};
use crate::plan::state::{
    DesiredAssignment, DesiredAssignments, ObservedAssignment, ObservedState,
};

/// Warning carried by every assignment removal.
const REMOVAL_WARNING: &str = "removes access: the principal leaves the provisioning scope \
    and is deprovisioned (disabled) at the next cycle unless another assignment keeps it in scope";

/// Note of the removal of a declared principal's old role.
const ROLE_CHANGED: &str = "role changed";

/// Assignments are keyed by (principal id, role id). A declared principal whose live role
/// differs gets the new one added and the old one removed — also with `prune: false`,
/// because the manifest declares that principal's roles. Lookups are hashed: the diff of
/// N assignments is O(N).
pub(super) fn diff_assignments(
    declared: &DesiredAssignments,
    observed: &ObservedState,
    changes: &mut Vec<Change>,
) {
    let roles = observed.app.as_ref().map_or(&[][..], |a| &a.roles[..]);
    let resolved: HashMap<&PrincipalRef, &PrincipalId> = observed
        .principals
        .iter()
        .map(|p| (&p.reference, &p.id))
        .collect();
    let live: HashSet<(&PrincipalId, &AppRoleId)> = observed
        .assignments
        .iter()
        .map(|a| (&a.principal_id, &a.role_id))
        .collect();
    let mut matched: HashSet<(&PrincipalId, &AppRoleId)> = HashSet::new();
    let mut declared_principals: HashSet<&PrincipalId> = HashSet::new();
    let mut seen = HashSet::new();
    for item in &declared.items {
        if !seen.insert((&item.principal, &item.role)) {
            continue;
        }
        let principal_id = resolved.get(&item.principal).copied();
        let role_id = resolve_role(roles, &item.role).map(|r| &r.id);
        if let Some(pid) = principal_id {
            declared_principals.insert(pid);
        }
        if let (Some(pid), Some(rid)) = (principal_id, role_id)
            && live.contains(&(pid, rid))
        {
            matched.insert((pid, rid));
            continue;
        }
        changes.push(creation(item, principal_id, role_id));
    }
    for a in &observed.assignments {
        if matched.contains(&(&a.principal_id, &a.role_id)) {
            continue;
        }
        let note = if declared_principals.contains(&a.principal_id) {
            ROLE_CHANGED
        } else if declared.prune {
            "not in manifest; prune"
        } else {
            continue;
        };
        changes.push(removal(a, &role_label(roles, &a.role_id), note));
    }
}

fn creation(
    item: &DesiredAssignment,
    principal_id: Option<&PrincipalId>,
    role_id: Option<&AppRoleId>,
) -> Change {
    Change {
        address: Address::Assignment {
            principal: item.principal.to_string(),
            role: item.role.clone(),
        },
        action: Action::Create,
        fields: Vec::new(),
        note: None,
        warnings: Vec::new(),
        target: Target::Assignment {
            principal_kind: item.principal.kind,
            principal_id: principal_id.cloned(),
            role: item.role.clone(),
            role_id: role_id.cloned(),
            assignment_id: None,
        },
    }
}

fn removal(live: &ObservedAssignment, role: &str, note: &str) -> Change {
    Change {
        address: Address::Assignment {
            principal: format!("{}:{}", live.principal_kind, live.principal_name),
            role: role.to_owned(),
        },
        action: Action::Delete,
        fields: Vec::new(),
        note: Some(note.to_owned()),
        // A role change keeps the principal assigned (with its new role).
        warnings: if note == ROLE_CHANGED {
            Vec::new()
        } else {
            vec![REMOVAL_WARNING.to_owned()]
        },
        target: Target::Assignment {
            principal_kind: live.principal_kind,
            principal_id: Some(live.principal_id.clone()),
            role: role.to_owned(),
            role_id: Some(live.role_id.clone()),
            assignment_id: Some(live.id.clone()),
        },
    }
}
