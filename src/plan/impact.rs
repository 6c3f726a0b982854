//! `plan --impact`: who leaves the provisioning scope because of each change that can
//! deprovision — an assignment removed, a scoping filter added, changed or removed, scope
//! `all → assigned`, a user mapping disabled — evaluated before and after that change alone.
//! Pure: observe reads the [`Population`] that [`needs`] asks for.
//!
//! Scope follows entra-docs `how-provisioning-works.md` ("Scoping"): with `assigned` a
//! user is in scope when assigned directly or as an *immediate* member of an assigned
//! group (nested groups are not read or provisioned); with `all`, every user; then a user
//! mapping's scoping filters decide (AND within a filter, OR across, see
//! [`crate::manifest::expr::eval::scoping`]).

use std::collections::{BTreeMap, BTreeSet, HashSet};

use serde::{Deserialize, Serialize};

use super::change::{Action, Address, Plan, Target};
use super::model::{FlowType, PrincipalKind, Scope, ScopingFilter};
use super::state::{DesiredState, ObservedState};
use crate::manifest::expr::eval::Attributes;
use crate::manifest::expr::eval::scoping;
use crate::manifest::{Clause, ClauseValue, Operator, ScopingFilter as ManifestFilter};

/// The users one change takes out of scope.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Impact {
    /// The change.
    pub address: Address,
    /// Their user principal names, sorted.
    pub users: Vec<String>,
    /// What happens to them in the app (the connector's meaning of `delete`, or that they
    /// are kept because deletes are off).
    pub effect: String,
}

/// What observe must read for [`evaluate`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Needs {
    /// Every user of the tenant (scope `all` before or after).
    pub all_users: bool,
    /// Groups whose direct members count (assigned before or after).
    pub groups: Vec<String>,
    /// Directly assigned users (object ids).
    pub users: Vec<String>,
    /// Source attributes the scoping filters read (Entra names).
    pub attributes: Vec<String>,
}

/// The users and memberships observe read.
#[derive(Clone, Debug, Default)]
pub struct Population {
    /// Users by object id: UPN and attributes.
    pub users: BTreeMap<String, (String, Attributes)>,
    /// Direct user members (ids) of each group id.
    pub members: BTreeMap<String, BTreeSet<String>>,
}

/// Who is in scope in one state of the app.
#[derive(Clone, Debug)]
struct World {
    scope_all: bool,
    /// (kind, principal id, assignment id).
    assignments: Vec<(PrincipalKind, String, String)>,
    /// User mappings by label: enabled and scoping filters.
    mappings: BTreeMap<String, (bool, Vec<ScopingFilter>)>,
}

fn is_user_mapping(source: &str) -> bool {
    source.eq_ignore_ascii_case("User")
}

fn before(desired: &DesiredState, observed: &ObservedState) -> World {
    let mut mappings = BTreeMap::new();
    for (label, want) in desired.provisioning.iter().flat_map(|p| p.mappings.iter()) {
        if !is_user_mapping(&want.source_object) {
            continue;
        }
        if let Some(live) = observed
            .mappings
            .iter()
            .find(|m| m.maps(&want.source_object, &want.target_object))
        {
            mappings.insert(
                label.clone(),
                (
                    live.enabled,
                    live.scoping_filters.values().cloned().collect(),
                ),
            );
        }
    }
    World {
        scope_all: observed.settings.scope == Some(Scope::All),
        assignments: observed
            .assignments
            .iter()
            .map(|a| {
                (
                    a.principal_kind,
                    a.principal_id.as_str().to_owned(),
                    a.id.as_str().to_owned(),
                )
            })
            .collect(),
        mappings,
    }
}

/// The world with only `change` applied; `None` when the change cannot deprovision.
fn after(world: &World, c: &super::change::Change, desired: &DesiredState) -> Option<World> {
    let mut w = world.clone();
    match (&c.address, &c.target) {
        (
            Address::Assignment { .. },
            Target::Assignment {
                assignment_id: Some(id),
                ..
            },
        ) if c.action == Action::Delete => {
            w.assignments.retain(|(_, _, a)| a != id.as_str());
        }
        (Address::Settings, Target::Settings { desired })
            if desired.scope == Some(Scope::Assigned) && world.scope_all =>
        {
            w.scope_all = false;
        }
        (Address::ScopingFilter { label, name }, Target::ScopingFilter { desired, .. }) => {
            let (_, filters) = w.mappings.get_mut(label)?;
            filters.retain(|f| &f.name != name);
            if c.action != Action::Delete {
                filters.push(desired.clone()?);
            }
        }
        (
            Address::Mapping { label },
            Target::Mapping {
                enabled: Some(false),
                ..
            },
        ) => {
            w.mappings.get_mut(label)?.0 = false;
        }
        _ => return None,
    }
    let _ = desired;
    Some(w)
}

/// A model clause as a manifest clause (Graph operator names → the manifest's).
fn clause(c: &super::model::FilterClause) -> Option<Clause> {
    Some(Clause {
        attribute: c.attribute.clone(),
        operator: Operator::from_graph_name(&c.operator)?,
        value: c.values.first().map(|v| ClauseValue::String(v.clone())),
    })
}

fn manifest_filters(filters: &[ScopingFilter]) -> Vec<ManifestFilter> {
    filters
        .iter()
        .map(|f| ManifestFilter {
            name: f.name.clone(),
            // An operator this tool does not know never matches (the clause is kept as
            // an always-false one so the filter stays restrictive, not permissive).
            clauses: f
                .clauses
                .iter()
                .map(|c| {
                    clause(c).unwrap_or(Clause {
                        attribute: c.attribute.clone(),
                        operator: Operator::IsNull,
                        value: None,
                    })
                })
                .collect(),
        })
        .collect()
}

/// A world ready for per-user checks: who is assigned, and each enabled mapping's filters.
struct Prepared {
    scope_all: bool,
    assigned: HashSet<String>,
    mappings: Vec<Vec<ManifestFilter>>,
}

impl Prepared {
    fn in_scope(&self, id: &str, user: &Attributes) -> bool {
        (self.scope_all || self.assigned.contains(id))
            && self.mappings.iter().any(|f| scoping::in_scope(f, user))
    }
}

impl World {
    fn prepare(&self, pop: &Population) -> Prepared {
        let mut assigned = HashSet::new();
        for (kind, p, _) in &self.assignments {
            match kind {
                PrincipalKind::User => {
                    assigned.insert(p.clone());
                }
                PrincipalKind::Group => {
                    assigned.extend(pop.members.get(p).into_iter().flatten().cloned());
                }
            }
        }
        Prepared {
            scope_all: self.scope_all,
            assigned,
            mappings: self
                .mappings
                .values()
                .filter(|(enabled, _)| *enabled)
                .map(|(_, f)| manifest_filters(f))
                .collect(),
        }
    }

    fn groups(&self) -> impl Iterator<Item = &str> {
        self.assignments
            .iter()
            .filter(|(k, ..)| *k == PrincipalKind::Group)
            .map(|(_, p, _)| p.as_str())
    }
}

/// The changes of `plan` that can deprovision, with the world after each.
fn candidates<'a>(
    desired: &DesiredState,
    observed: &ObservedState,
    plan: &'a Plan,
) -> (World, Vec<(&'a super::change::Change, World)>) {
    let w = before(desired, observed);
    let list = if observed.job.is_none() {
        Vec::new()
    } else {
        plan.changes
            .iter()
            .filter_map(|c| Some((c, after(&w, c, desired)?)))
            .collect()
    };
    (w, list)
}

/// What to read, or `None` when no change can deprovision anyone.
pub fn needs(desired: &DesiredState, observed: &ObservedState, plan: &Plan) -> Option<Needs> {
    let (w, list) = candidates(desired, observed, plan);
    if list.is_empty() {
        return None;
    }
    let mut n = Needs {
        all_users: w.scope_all,
        ..Needs::default()
    };
    let mut groups = BTreeSet::new();
    let mut users = BTreeSet::new();
    let mut attributes = BTreeSet::new();
    for world in std::iter::once(&w).chain(list.iter().map(|(_, w)| w)) {
        n.all_users |= world.scope_all;
        groups.extend(world.groups().map(str::to_owned));
        users.extend(
            world
                .assignments
                .iter()
                .filter(|(k, ..)| *k == PrincipalKind::User)
                .map(|(_, p, _)| p.clone()),
        );
        for (_, filters) in world.mappings.values() {
            attributes.extend(
                filters
                    .iter()
                    .flat_map(|f| f.clauses.iter().map(|c| c.attribute.clone())),
            );
        }
    }
    n.groups = groups.into_iter().collect();
    n.users = users.into_iter().collect();
    n.attributes = attributes.into_iter().collect();
    Some(n)
}

/// The impact of every deprovisioning change. `delete_means` is the connector's wording.
pub fn evaluate(
    desired: &DesiredState,
    observed: &ObservedState,
    plan: &Plan,
    pop: &Population,
    delete_means: &str,
) -> Vec<Impact> {
    let (w, list) = candidates(desired, observed, plan);
    let effect = effect(desired, observed, delete_means);
    let before = w.prepare(pop);
    let in_before: Vec<(&String, &String, &Attributes)> = pop
        .users
        .iter()
        .filter(|(id, (_, attrs))| before.in_scope(id, attrs))
        .map(|(id, (upn, attrs))| (id, upn, attrs))
        .collect();
    list.into_iter()
        .map(|(c, after)| {
            let after = after.prepare(pop);
            let mut users: Vec<String> = in_before
                .iter()
                .filter(|(id, _, attrs)| !after.in_scope(id, attrs))
                .map(|(_, upn, _)| (*upn).clone())
                .collect();
            users.sort_by_key(|u| u.to_lowercase());
            Impact {
                address: c.address.clone(),
                users,
                effect: effect.clone(),
            }
        })
        .collect()
}

/// What leaving the scope does: deprovision (the connector's `delete`), unless deletes are
/// off (`Delete` not among the flow types after the plan, or skipOutOfScopeDeletions).
fn effect(desired: &DesiredState, observed: &ObservedState, delete_means: &str) -> String {
    let prov = desired.provisioning.as_ref();
    let skip = prov
        .and_then(|p| p.settings.skip_out_of_scope_deletions)
        .or(observed.settings.skip_out_of_scope_deletions)
        .unwrap_or(false);
    let no_delete = prov.into_iter().flat_map(|p| p.mappings.values()).any(|m| {
        is_user_mapping(&m.source_object)
            && m.flow_types
                .as_ref()
                .is_some_and(|f| !f.contains(&FlowType::Delete))
    });
    if skip {
        "leave the scope; kept in the app (skipOutOfScopeDeletions)".into()
    } else if no_delete {
        "leave the scope; kept in the app (the delete action is off)".into()
    } else {
        delete_means.to_owned()
    }
}
