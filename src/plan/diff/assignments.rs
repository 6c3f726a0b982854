//! `assignment[<principal> → <role>]`: create missing, delete pruned.

use std::collections::{BTreeSet, HashMap, HashSet};

use crate::ids::{AppRoleId, PrincipalId};
use crate::plan::change::{Action, Address, Change, Target};
use crate::plan::model::{PrincipalRef, resolve_role, role_label};
use crate::plan::state::{DesiredAssignments, ObservedAssignment, ObservedState};

/// Warning carried by every assignment removal.
const REMOVAL_WARNING: &str = "removes access: the principal leaves the provisioning scope \
    and is deprovisioned (disabled) at the next cycle unless another assignment keeps it in scope";

/// Note of the removal of a declared principal's old role.
const ROLE_CHANGED: &str = "role changed";

/// Assignments are keyed by (principal id, role id). A declared principal whose live role
/// differs gets the new one added and the old one removed — also with `prune: false`,
/// because the manifest declares that principal's roles.
pub(super) fn diff_assignments(
    declared: &DesiredAssignments,
    observed: &ObservedState,
    changes: &mut Vec<Change>,
) {
    let roles = observed.app.as_ref().map_or(&[][..], |a| &a.roles[..]);
    // Indexed once: plans of thousands of principals stay linear.
    let live: HashSet<(&PrincipalId, &AppRoleId)> = observed
        .assignments
        .iter()
        .map(|a| (&a.principal_id, &a.role_id))
        .collect();
    let resolved: HashMap<&PrincipalRef, &PrincipalId> = observed
        .principals
        .iter()
        .map(|p| (&p.reference, &p.id))
        .collect();
    let mut matched: BTreeSet<(PrincipalId, AppRoleId)> = BTreeSet::new();
    let mut declared_principals: BTreeSet<PrincipalId> = BTreeSet::new();
    let mut seen = BTreeSet::new();
    for item in &declared.items {
        if !seen.insert((item.principal.clone(), item.role.clone())) {
            continue;
        }
        let principal_id = resolved.get(&item.principal).map(|id| (*id).clone());
        let role_id = resolve_role(roles, &item.role).map(|r| r.id.clone());
        if let Some(pid) = &principal_id {
            declared_principals.insert(pid.clone());
        }
        if let (Some(pid), Some(rid)) = (&principal_id, &role_id)
            && live.contains(&(pid, rid))
        {
            matched.insert((pid.clone(), rid.clone()));
            continue;
        }
        changes.push(Change {
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
                principal_id,
                role: item.role.clone(),
                role_id,
                assignment_id: None,
            },
        });
    }
    for live in &observed.assignments {
        let key = (live.principal_id.clone(), live.role_id.clone());
        if matched.contains(&key) {
            continue;
        }
        let note = if declared_principals.contains(&live.principal_id) {
            ROLE_CHANGED
        } else if declared.prune {
            "not in manifest; prune"
        } else {
            continue;
        };
        changes.push(removal(live, &role_label(roles, &live.role_id), note));
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
