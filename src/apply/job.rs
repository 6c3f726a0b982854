//! Step 3 (create the job) and step 6 (start / pause / restart).

use crate::graph::{Client, GraphError, create_with_recheck};
use crate::ids::{JobId, ServicePrincipalId, SyncTemplateId};
use crate::plan::change::Target;
use crate::plan::{Failure, Step};

use super::ctx::{Run, failure, failure_from};

/// Step 3: create the job from the default synchronization template, unless one made by
/// an earlier (interrupted) apply is there; wait until it is readable.
pub(super) async fn create(run: &mut Run<'_>) {
    for i in run.begin(Step::Job, "provisioning job") {
        match create_one(run, i).await {
            Ok(job) => {
                run.job = Some(job);
                run.done(i);
            }
            Err(f) => run.fail(i, f),
        }
        run.progress.advance(1);
        run.progress.finish_step();
    }
}

async fn create_one(run: &mut Run<'_>, i: usize) -> Result<JobId, Failure> {
    let Some(sp) = run.sp.clone() else {
        return Err(failure("the app does not exist (no service principal)"));
    };
    let planned = match &run.plan.changes[i].target {
        Target::Job { template_id } => template_id.clone(),
        _ => return Err(failure("internal: job change without a job target")),
    };
    let fresh = run.fresh_client();
    let tpl = match planned {
        Some(t) => t,
        None => default_template(run, &fresh, &sp).await?,
    };
    if let Some(job) = find_job(&fresh, &sp, &tpl)
        .await
        .map_err(|e| failure_from(&e))?
    {
        return Ok(job);
    }
    run.check_stop()?;
    let client = run.client;
    let run_ref: &Run<'_> = run;
    let job = create_with_recheck(
        3,
        || async {
            match client.create_job(&sp, &tpl).await {
                Ok(job) => Ok(job.id),
                // Made by a create whose answer was lost: find it.
                Err(e) if e.status == Some(409) => match recheck(run_ref, &sp, &tpl).await? {
                    Some(job) => Ok(job),
                    None => Err(e),
                },
                Err(e) => Err(e),
            }
        },
        || recheck(run_ref, &sp, &tpl),
    )
    .await
    .map_err(|e| failure_from(&e))?;
    run.check_stop()?;
    if let Err(e) = fresh.get_job(&sp, &job).await {
        let mut f = failure_from(&e);
        f.message = format!(
            "timed out after {} waiting for the new provisioning job {job} to become \
             readable: {e}",
            super::ctx::human_duration(run.opts.create_wait)
        );
        return Err(f);
    }
    settle_job(run, &fresh, &sp, &tpl, job)
        .await
        .map_err(|e| failure_from(&e))
}

/// Two applies on one app may each create a job from the template (docs/concurrency.md):
/// looks at the jobs until the list is stable; with several, the smallest id wins and the
/// job this apply created is deleted when it lost.
async fn settle_job(
    run: &Run<'_>,
    client: &Client,
    sp: &ServicePrincipalId,
    tpl: &SyncTemplateId,
    mine: JobId,
) -> Result<JobId, GraphError> {
    let mut delay = run.opts.recheck_delay;
    let mut last: Option<Vec<JobId>> = None;
    let mut same = 0;
    let mut ids = Vec::new();
    let looks = run.opts.recheck_polls.max(4);
    for n in 0..looks {
        ids = client
            .list_jobs(sp)
            .await?
            .into_iter()
            .filter(|j| &j.template_id == tpl)
            .map(|j| j.id)
            .collect::<Vec<_>>();
        ids.sort();
        same = if last.as_ref() == Some(&ids) {
            same + 1
        } else {
            1
        };
        // Three identical looks: a job listed late (replication) has had time to show.
        if ids.len() > 1 || (same >= 3 && ids.contains(&mine)) {
            break;
        }
        last = Some(ids.clone());
        if n + 1 < looks {
            run.pause(delay).await;
            delay = (delay * 2).min(std::time::Duration::from_secs(10));
        }
    }
    match ids.first() {
        Some(winner) if ids.len() > 1 && winner != &mine => {
            run.progress.note(&format!(
                "another apply created job {winner} at the same time; deleting {mine}"
            ));
            client.delete_job(sp, &mine).await?;
            Ok(winner.clone())
        }
        _ => Ok(mine),
    }
}

/// The connector's synchronization template (usually `default: true`, else the only one):
/// the same rule plan uses to recognise the app's job ([`crate::observe::job::pick`]).
/// Lists the templates until the new app's templates have replicated.
async fn default_template(
    run: &Run<'_>,
    client: &Client,
    sp: &ServicePrincipalId,
) -> Result<SyncTemplateId, Failure> {
    let templates = client
        .list_sync_templates(sp)
        .await
        .map_err(|e| failure_from(&e))?;
    let choices: Vec<crate::connector::SyncTemplateChoice<'_>> = templates
        .iter()
        .map(|t| crate::connector::SyncTemplateChoice {
            id: t.id.as_str(),
            factory_tag: t.factory_tag.as_deref(),
            is_default: t.default,
        })
        .collect();
    let pick = run
        .inputs
        .connector
        .map_or(crate::connector::default_sync_template as fn(_) -> _, |c| {
            c.sync_template
        });
    match pick(&choices) {
        Ok(i) => Ok(templates[i].id.clone()),
        Err(why) => Err(failure(format!("app {sp}: {why}"))),
    }
}

async fn find_job(
    client: &Client,
    sp: &ServicePrincipalId,
    tpl: &SyncTemplateId,
) -> Result<Option<JobId>, GraphError> {
    Ok(client
        .list_jobs(sp)
        .await?
        .into_iter()
        .find(|j| &j.template_id == tpl)
        .map(|j| j.id))
}

/// Looks for the job again a few times (job lists lag behind creates).
async fn recheck(
    run: &Run<'_>,
    sp: &ServicePrincipalId,
    tpl: &SyncTemplateId,
) -> Result<Option<JobId>, GraphError> {
    let mut delay = run.opts.recheck_delay;
    for n in 0..run.opts.recheck_polls.max(1) {
        if let Some(job) = find_job(run.client, sp, tpl).await? {
            return Ok(Some(job));
        }
        if n + 1 < run.opts.recheck_polls {
            run.pause(delay).await;
            delay = (delay * 2).min(std::time::Duration::from_secs(10));
        }
    }
    Ok(None)
}

/// Step 6: start (never on an Active job), pause, restart.
pub(super) async fn state(run: &mut Run<'_>) {
    let plan = run.plan;
    for i in run.begin(Step::State, "provisioning state") {
        let result = match (&plan.changes[i].target, run.sp.clone(), run.job.clone()) {
            (
                Target::State {
                    start,
                    pause,
                    restart,
                    ..
                },
                Some(sp),
                Some(job),
            ) => {
                let fresh = run.fresh_client();
                set_state(&fresh, &sp, &job, *start, *pause, *restart).await
            }
            (Target::State { .. }, _, _) => Err(failure("there is no provisioning job")),
            _ => Err(failure("internal: state change without a state target")),
        };
        match result {
            Ok(()) => run.done(i),
            Err(f) => run.fail(i, f),
        }
        run.progress.advance(1);
        run.progress.finish_step();
    }
}

async fn set_state(
    client: &Client,
    sp: &ServicePrincipalId,
    job: &JobId,
    start: bool,
    pause: bool,
    restart: bool,
) -> Result<(), Failure> {
    let err = |e: GraphError| failure_from(&e);
    if pause {
        client.pause_job(sp, job).await.map_err(err)?;
    }
    if start {
        start_once(client, sp, job).await.map_err(err)?;
    } else if restart {
        client.restart_job(sp, job, None).await.map_err(err)?;
    }
    Ok(())
}

/// Starts the job unless it already runs; after an unknown outcome, looks before retrying
/// (repeated starts are harmful).
async fn start_once(
    client: &Client,
    sp: &ServicePrincipalId,
    job: &JobId,
) -> Result<(), GraphError> {
    create_with_recheck(
        3,
        || async {
            if is_running(client, sp, job).await? {
                return Ok(());
            }
            match client.start_job(sp, job).await {
                // Another apply started it between our look and our start: it runs.
                Err(e) if already_active(&e) => Ok(()),
                other => other,
            }
        },
        || async { Ok(is_running(client, sp, job).await?.then_some(())) },
    )
    .await
}

/// `SyncJobAlreadyActive` (the inner code of Graph's `UnknownError`, or the code itself).
fn already_active(e: &GraphError) -> bool {
    let is = |c: Option<&String>| c.is_some_and(|c| c == "SyncJobAlreadyActive");
    is(e.code.as_ref()) || is(e.inner.as_ref().and_then(|i| i.code.as_ref()))
}

async fn is_running(
    client: &Client,
    sp: &ServicePrincipalId,
    job: &JobId,
) -> Result<bool, GraphError> {
    let j = client.get_job(sp, job).await?;
    let active = j
        .schedule_state()
        .is_some_and(|s| s.eq_ignore_ascii_case("Active"));
    let quarantined = j
        .status_code()
        .is_some_and(|c| c.eq_ignore_ascii_case("Quarantine"));
    Ok(active && !quarantined)
}
