//! The diff: `(desired, observed) -> Plan`, a pure function.
//!
//! Only what the manifest declares is compared; declared lists are exact unless their
//! `prune` is false. Changes come out in apply order (DESIGN.md §5) and, within a step, in a
//! fixed order by address, so the same inputs always give the same plan.

mod app;
mod assignments;
mod definitions;
mod mapping;
mod secrets;

use super::change::{Address, Change, Plan, Step};
use super::state::{DesiredState, ObservedState};

/// Compares desired with observed state and returns the changes apply would make.
pub fn diff(desired: &DesiredState, observed: &ObservedState) -> Plan {
    let mut changes = Vec::new();
    let mut warnings = Vec::new();
    app::diff_app(desired, observed, &mut changes, &mut warnings);
    if let Some(declared) = &desired.assignments {
        assignments::diff_assignments(declared, observed, &mut changes);
    }
    if let Some(prov) = &desired.provisioning {
        app::diff_job(observed, &mut changes);
        secrets::diff_credentials(prov, observed, &mut changes);
        secrets::diff_settings(prov, observed, &mut changes);
        for (label, mapping) in &prov.mappings {
            mapping::diff_mapping(label, mapping, observed, &mut changes, &mut warnings);
            definitions::diff_definitions(label, mapping, observed, &mut changes, &mut warnings);
        }
        secrets::diff_state(prov, observed, &mut changes);
        definitions::waiting_checks(desired, &mut changes);
    }
    if observed.job.is_none() {
        // Nothing has been provisioned yet, so no change can deprovision anyone.
        for c in &mut changes {
            c.warnings.clear();
        }
    }
    changes.sort_by_cached_key(sort_key);
    Plan {
        name: desired.name.clone(),
        display_name: desired.app.display_name.clone(),
        tenant_id: desired.tenant_id.clone(),
        service_principal_id: observed
            .app
            .as_ref()
            .map(|a| a.service_principal_id.clone()),
        job_id: observed.job.as_ref().map(|j| j.id.clone()),
        changes,
        warnings,
        impacts: Vec::new(),
    }
}

/// Apply step, then mapping label, then mapping < attributes < scoping filters, then name.
fn sort_key(c: &Change) -> (Step, String, u8, String) {
    let (label, rank, name) = match &c.address {
        Address::Mapping { label } => (label.clone(), 0, String::new()),
        Address::Definition { label, side, name } => (label.clone(), 1, format!("{side}:{name}")),
        Address::Attribute { label, target } => (label.clone(), 2, target.clone()),
        Address::ScopingFilter { label, name } => (label.clone(), 3, name.clone()),
        other => (String::new(), 0, other.to_string()),
    };
    (c.step(), label, rank, name)
}
