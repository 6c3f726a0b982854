//! Step 1: the app. Find it by tag, adopt the blank instance an interrupted apply left, or
//! instantiate the gallery template; wait until the service principal is readable; tags.

use crate::graph::{Client, GraphError, create_with_recheck};
use crate::ids::{ApplicationTemplateId, ServicePrincipalId};
use crate::plan::change::{Action, Target};
use crate::plan::fingerprint::{NAME_TAG_PREFIX, TOKEN_TAG_PREFIX, name_tag};
use crate::plan::state::TemplateRef;
use crate::plan::{Failure, Step};

use super::ctx::{Run, failure, failure_from};
use super::race;

/// Runs step 1.
pub(super) async fn run(run: &mut Run<'_>) {
    let plan = run.plan;
    for i in run.begin(Step::App, "app") {
        let change = &plan.changes[i];
        let result = match (&change.target, change.action) {
            (Target::App { .. }, Action::Create) => create(run, i).await,
            (Target::App { .. }, _) => update(run, i).await,
            _ => Err(failure("internal: app change without an app target")),
        };
        match result {
            Ok(()) => run.done(i),
            Err(f) => run.fail(i, f),
        }
        run.progress.advance(1);
    }
    run.progress.finish_step();
}

async fn create(run: &mut Run<'_>, i: usize) -> Result<(), Failure> {
    let plan = run.plan;
    let Target::App {
        display_name,
        template,
        template_id,
        add_tags,
        ..
    } = &plan.changes[i].target
    else {
        return Err(failure("internal: not an app target"));
    };
    let tpl = match template_id {
        Some(id) => id.clone(),
        None => resolve_template(run.client, template).await?,
    };
    run.check_stop()?;
    let (sp, created) = match find_existing(run, display_name, &tpl).await {
        Ok(Some(sp)) => {
            run.progress.note(&format!(
                "found app {sp} from an earlier, interrupted apply; adopting it"
            ));
            (sp, false)
        }
        Ok(None) => {
            run.check_stop()?;
            (instantiate(run, display_name, &tpl).await?, true)
        }
        Err(e) => return Err(failure_from(&e)),
    };
    run.sp = Some(sp.clone());
    run.check_stop()?;
    run.progress.note(&format!(
        "waiting for service principal {sp} to be readable"
    ));
    let fresh = run.fresh_client();
    if let Err(e) = fresh.get_service_principal(&sp).await {
        let mut f = failure_from(&e);
        f.message = format!(
            "timed out after {} waiting for the new service principal {sp} (\"{display_name}\") \
             to become readable: {e}",
            super::ctx::human_duration(run.opts.create_wait)
        );
        return Err(f);
    }
    run.check_stop()?;
    if !created {
        return write_tags(&fresh, &sp, add_tags, None)
            .await
            .map_err(|e| failure_from(&e));
    }
    claim(run, &fresh, &sp, add_tags).await
}

/// Tags the app this apply created, unless another apply claimed the name first; then
/// settles a race (docs/concurrency.md): the app that loses is deleted by the apply that
/// created it, which continues on the winner.
async fn claim(
    run: &mut Run<'_>,
    fresh: &Client,
    sp: &ServicePrincipalId,
    add_tags: &[String],
) -> Result<(), Failure> {
    let err = |e: GraphError| failure_from(&e);
    let winner = match race::claimed_by_other(run, sp).await.map_err(err)? {
        Some(other) => other,
        None => {
            write_tags(fresh, sp, add_tags, None).await.map_err(err)?;
            race::settle(run, sp).await.map_err(err)?
        }
    };
    if &winner == sp {
        run.created = Some(sp.clone());
        return Ok(());
    }
    run.progress.note(&format!(
        "another apply created app {winner} at the same time; deleting {sp} (made by this \
         apply) and continuing on {winner}"
    ));
    race::discard(run.client, sp).await.map_err(err)?;
    run.sp = Some(winner);
    Ok(())
}

async fn instantiate(
    run: &Run<'_>,
    display_name: &str,
    tpl: &ApplicationTemplateId,
) -> Result<ServicePrincipalId, Failure> {
    let client = run.client;
    create_with_recheck(
        3,
        || async {
            let made = client.instantiate_template(tpl, display_name).await?;
            Ok(made.service_principal.id)
        },
        || recheck(run, display_name, tpl),
    )
    .await
    .map_err(|e| failure_from(&e))
}

/// Looks for the app again, a few times with growing pauses (lists lag behind creates).
async fn recheck(
    run: &Run<'_>,
    display_name: &str,
    tpl: &ApplicationTemplateId,
) -> Result<Option<ServicePrincipalId>, GraphError> {
    let mut delay = run.opts.recheck_delay;
    for n in 0..run.opts.recheck_polls.max(1) {
        if let Some(sp) = find_existing(run, display_name, tpl).await? {
            return Ok(Some(sp));
        }
        if n + 1 < run.opts.recheck_polls {
            run.pause(delay).await;
            delay = (delay * 2).min(std::time::Duration::from_secs(10));
        }
    }
    Ok(None)
}

/// The app carrying our tag, else an untagged, blank app (no assignments, no job) with the
/// same display name and template — what an apply interrupted between instantiate and
/// tagging leaves behind. An app someone configured is never taken over.
async fn find_existing(
    run: &Run<'_>,
    display_name: &str,
    tpl: &ApplicationTemplateId,
) -> Result<Option<ServicePrincipalId>, GraphError> {
    let client = run.client;
    let tagged = client
        .find_service_principals_by_tag(&name_tag(&run.plan.name))
        .await?;
    if let Some(sp) = tagged.into_iter().next() {
        return Ok(Some(sp.id));
    }
    let named = client.find_service_principals_by_name(display_name).await?;
    let candidates = named.into_iter().filter(|sp| {
        sp.application_template_id.as_ref() == Some(tpl) && !sp.tags.iter().any(|t| is_name_tag(t))
    });
    let mut blank = Vec::new();
    for sp in candidates {
        let fresh = run.fresh_client();
        if client.list_assignments(&sp.id).await?.is_empty()
            && fresh.list_jobs(&sp.id).await?.is_empty()
        {
            blank.push(sp.id);
        }
    }
    Ok(if blank.len() == 1 { blank.pop() } else { None })
}

fn is_name_tag(tag: &str) -> bool {
    tag.starts_with(NAME_TAG_PREFIX) && !tag.starts_with(TOKEN_TAG_PREFIX)
}

async fn resolve_template(
    client: &Client,
    template: &TemplateRef,
) -> Result<ApplicationTemplateId, Failure> {
    let name = match template {
        TemplateRef::Id(id) => return Ok(id.clone()),
        TemplateRef::Gallery(name) => name,
    };
    let found = client
        .find_templates_by_name(name)
        .await
        .map_err(|e| failure_from(&e))?;
    match found.as_slice() {
        [one] => Ok(one.id.clone()),
        [] => Err(failure(format!(
            "no gallery template is named \"{name}\"; check app.gallery"
        ))),
        _ => Err(failure(format!(
            "{} gallery templates are named \"{name}\"; use app.templateId",
            found.len()
        ))),
    }
}

async fn update(run: &mut Run<'_>, i: usize) -> Result<(), Failure> {
    let plan = run.plan;
    let change = &plan.changes[i];
    let Target::App {
        display_name,
        service_principal_id,
        add_tags,
        ..
    } = &change.target
    else {
        return Err(failure("internal: not an app target"));
    };
    let Some(sp) = service_principal_id.clone().or_else(|| run.sp.clone()) else {
        return Err(failure("the app to update has no service principal id"));
    };
    run.sp = Some(sp.clone());
    if change.fields.iter().any(|f| f.name == "displayName") {
        run.client
            .set_service_principal_display_name(&sp, display_name)
            .await
            .map_err(|e| failure_from(&e))?;
    }
    write_tags(run.client, &sp, add_tags, None)
        .await
        .map_err(|e| failure_from(&e))
}

/// Adds `add` to the service principal's tags, first removing tags that start with
/// `drop_prefix`; no request when nothing changes.
pub(super) async fn write_tags(
    client: &Client,
    sp: &ServicePrincipalId,
    add: &[String],
    drop_prefix: Option<&str>,
) -> Result<(), GraphError> {
    let live = client.get_service_principal(sp).await?.tags;
    let mut tags: Vec<String> = live
        .iter()
        .filter(|t| drop_prefix.is_none_or(|p| !t.starts_with(p)) || add.contains(t))
        .cloned()
        .collect();
    for t in add {
        if !tags.contains(t) {
            tags.push(t.clone());
        }
    }
    if tags == live {
        return Ok(());
    }
    client.set_service_principal_tags(sp, &tags).await
}
