//! Step 2: app role assignments. Missing ones are created in `$batch`es, then pruned ones
//! are deleted; chunks of `assignment_chunk` are pipelined (several in flight, the shared
//! pacer deciding how many `$batch`es go out), so a large apply never waits for one chunk
//! to finish before the next starts. A create whose outcome is unknown (dropped
//! connection, 5xx) is never simply repeated: the live list is read again first, and a
//! 409 "already exists" counts as done.

use std::collections::BTreeSet;

use futures::stream::{self, StreamExt};

use crate::graph::GraphError;
use crate::graph::MAX_PER_BATCH;
use crate::graph::wire::AppRole as WireRole;
use crate::ids::{AppRoleId, PrincipalId, ServicePrincipalId};
use crate::plan::Step;
use crate::plan::change::Target;
use crate::plan::model::{AppRole, resolve_role};

use super::ctx::{Run, failure, failure_from};

/// Rounds of create → re-list for creates with an unknown outcome.
const CREATE_ROUNDS: usize = 4;

/// Runs step 2 (creates, then deletes).
pub(super) async fn run(run: &mut Run<'_>) {
    create_all(run).await;
    delete_all(run).await;
}

struct Item {
    index: usize,
    principal: PrincipalId,
    role: AppRoleId,
}

async fn create_all(run: &mut Run<'_>) {
    let todo = run.begin(Step::AssignmentsCreate, "assignments to add");
    if todo.is_empty() {
        return;
    }
    let Some(sp) = run.require_sp(&todo) else {
        return;
    };
    let mut items = resolve(run, &sp, &todo).await;
    let mut last_err: Option<GraphError> = None;
    for round in 0..CREATE_ROUNDS {
        let unknown = create_round(run, &sp, std::mem::take(&mut items), &mut last_err).await;
        if run.stopped() {
            return;
        }
        if unknown.is_empty() {
            break;
        }
        items = match relist(run, &sp, unknown, round + 1 == CREATE_ROUNDS).await {
            Ok(left) => left,
            Err(e) => {
                last_err = Some(e);
                Vec::new()
            }
        };
    }
    if let Some(e) = last_err {
        let left = run.pending(Step::AssignmentsCreate);
        run.fail_group(&left, failure_from(&e));
    }
    run.progress.finish_step();
}

/// Chunks in flight at once: enough queued behind the pacer that its batch slots never
/// wait for a chunk to finish (one chunk at a time when pacing is off, so
/// `batch_concurrency` alone bounds the requests).
fn chunks_in_flight(run: &Run<'_>) -> usize {
    let chunk = run.opts.assignment_chunk.max(1);
    if run.client.pacer().enabled() {
        (run.client.batch_concurrency() * MAX_PER_BATCH).div_ceil(chunk) + 1
    } else {
        1
    }
}

/// Sends every create of one round, several chunks in flight (the shared pacer decides how
/// many `$batch`es go out); returns the indices whose outcome is unknown.
async fn create_round(
    run: &mut Run<'_>,
    sp: &ServicePrincipalId,
    items: Vec<Item>,
    last_err: &mut Option<GraphError>,
) -> Vec<usize> {
    let (client, stop) = (run.client, run.stop_flag());
    let mut sent = stream::iter(items.chunks(run.opts.assignment_chunk.max(1)))
        .map(|chunk| async move {
            if stop.is_set() {
                return (chunk, None);
            }
            let pairs: Vec<_> = chunk
                .iter()
                .map(|it| (it.principal.clone(), it.role.clone()))
                .collect();
            (chunk, Some(client.create_assignments(sp, &pairs).await))
        })
        .buffer_unordered(chunks_in_flight(run));
    let mut unknown = Vec::new();
    while let Some((chunk, result)) = sent.next().await {
        let Some(result) = result else {
            continue;
        };
        match result {
            Ok(results) => {
                for (it, r) in chunk.iter().zip(results) {
                    match r {
                        Ok(_) => run.done(it.index),
                        Err(e) if e.status == Some(409) => run.done(it.index),
                        Err(e) if unknown_outcome(&e) => {
                            unknown.push(it.index);
                            *last_err = Some(e);
                        }
                        Err(e) => run.fail(it.index, failure_from(&e)),
                    }
                }
            }
            Err(e) if unknown_outcome(&e) => {
                unknown.extend(chunk.iter().map(|it| it.index));
                *last_err = Some(e);
            }
            Err(e) => {
                let idx: Vec<usize> = chunk.iter().map(|it| it.index).collect();
                run.fail_group(&idx, failure_from(&e));
            }
        }
        run.progress.advance(chunk.len());
    }
    unknown
}

/// Whether a create may have happened although it failed (a 5xx, inside a `$batch` too,
/// or a lost answer).
fn unknown_outcome(e: &GraphError) -> bool {
    e.outcome_unknown() || matches!(e.status, Some(500 | 502 | 503 | 504))
}

/// Reads the live assignments: the unknown creates found there are done; the others are
/// returned to be created again (unless this was the last round).
async fn relist(
    run: &mut Run<'_>,
    sp: &ServicePrincipalId,
    unknown: Vec<usize>,
    last: bool,
) -> Result<Vec<Item>, GraphError> {
    let live: BTreeSet<(PrincipalId, AppRoleId)> = run
        .client
        .list_assignments(sp)
        .await?
        .into_iter()
        .map(|a| (a.principal_id, a.app_role_id))
        .collect();
    let mut again = Vec::new();
    for index in unknown {
        let Some((principal, role)) = ids_of(run, index) else {
            continue;
        };
        if live.contains(&(principal.clone(), role.clone())) {
            run.done(index);
        } else if !last {
            again.push(Item {
                index,
                principal,
                role,
            });
        }
    }
    Ok(again)
}

fn ids_of(run: &Run<'_>, index: usize) -> Option<(PrincipalId, AppRoleId)> {
    match &run.plan.changes[index].target {
        Target::Assignment {
            principal_id: Some(p),
            role_id,
            ..
        } => Some((p.clone(), run.role_for(index).or(role_id.clone())?)),
        _ => None,
    }
}

/// Resolves principal and role ids; a change that cannot be resolved fails.
async fn resolve(run: &mut Run<'_>, sp: &ServicePrincipalId, todo: &[usize]) -> Vec<Item> {
    let plan = run.plan;
    let need_roles = todo.iter().any(|&i| {
        matches!(
            &plan.changes[i].target,
            Target::Assignment { role_id: None, .. }
        )
    });
    let roles: Vec<AppRole> = if need_roles {
        match run.fresh_client().app_roles(sp).await {
            Ok(r) => r.into_iter().map(model_role).collect(),
            Err(e) => {
                run.fail_group(todo, failure_from(&e));
                return Vec::new();
            }
        }
    } else {
        Vec::new()
    };
    let mut items = Vec::new();
    for &i in todo {
        let change = &plan.changes[i];
        let Target::Assignment {
            principal_id,
            role,
            role_id,
            ..
        } = &change.target
        else {
            run.fail(i, failure("internal: assignment change without its target"));
            continue;
        };
        let Some(principal) = principal_id.clone() else {
            let who = match &change.address {
                crate::plan::Address::Assignment { principal, .. } => principal.clone(),
                other => other.to_string(),
            };
            run.fail(i, failure(format!("{who} was not found in the directory")));
            continue;
        };
        let role_id = match role_id {
            Some(r) => r.clone(),
            None => match resolve_role(&roles, role) {
                Some(r) => r.id.clone(),
                None => {
                    run.fail(i, failure(missing_role(role, &roles)));
                    continue;
                }
            },
        };
        run.set_role(i, role_id.clone());
        items.push(Item {
            index: i,
            principal,
            role: role_id,
        });
    }
    items
}

fn model_role(r: WireRole) -> AppRole {
    AppRole {
        display_name: r.display_name.unwrap_or_default(),
        id: r.id,
        value: r.value,
    }
}

fn missing_role(role: &str, roles: &[AppRole]) -> String {
    let names: Vec<String> = roles
        .iter()
        .map(|r| r.value.clone().unwrap_or_else(|| r.display_name.clone()))
        .collect();
    format!(
        "the app has no role \"{role}\" (its roles: {}); fix the assignment's role",
        if names.is_empty() {
            "none".to_owned()
        } else {
            names.join(", ")
        }
    )
}

async fn delete_all(run: &mut Run<'_>) {
    let todo = run.begin(Step::AssignmentsDelete, "assignments to remove");
    if todo.is_empty() {
        return;
    }
    let Some(sp) = run.require_sp(&todo) else {
        return;
    };
    let plan = run.plan;
    let mut items = Vec::new();
    for i in todo {
        let Target::Assignment {
            principal_id,
            assignment_id,
            ..
        } = &plan.changes[i].target
        else {
            run.fail(i, failure("internal: assignment change without its target"));
            continue;
        };
        if let Some(because) = principal_id.as_ref().and_then(|p| run.failed_create_of(p)) {
            // A role change adds the new role first; keep the old one if that failed.
            run.skip(i, because);
            continue;
        }
        match assignment_id {
            Some(id) => items.push((i, id.clone())),
            None => run.fail(i, failure("the assignment to remove has no id")),
        }
    }
    let (client, stop, sp) = (run.client, run.stop_flag(), &sp);
    let mut sent = stream::iter(items.chunks(run.opts.assignment_chunk.max(1)))
        .map(|chunk| async move {
            if stop.is_set() {
                return (chunk, None);
            }
            let ids: Vec<_> = chunk.iter().map(|(_, id)| id.clone()).collect();
            (chunk, Some(client.delete_assignments(sp, &ids).await))
        })
        .buffer_unordered(chunks_in_flight(run));
    while let Some((chunk, result)) = sent.next().await {
        let Some(result) = result else {
            continue;
        };
        match result {
            Ok(results) => {
                for ((i, _), r) in chunk.iter().zip(results) {
                    match r {
                        Ok(()) => run.done(*i),
                        Err(e) => run.fail(*i, failure_from(&e)),
                    }
                }
            }
            Err(e) => {
                let idx: Vec<usize> = chunk.iter().map(|(i, _)| *i).collect();
                run.fail_group(&idx, failure_from(&e));
            }
        }
        run.progress.advance(chunk.len());
    }
    drop(sent);
    if run.stopped() {
        return;
    }
    run.progress.finish_step();
}
