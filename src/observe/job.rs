//! Which provisioning job is the app's: the one rule plan, apply and status share
//! ([`crate::connector::choose_job`]: the only job, or among several the one made from the
//! connector's template).

use crate::connector::{AmbiguousJob, Connector, JobChoice, SyncTemplateChoice, choose_job};
use crate::graph::wire::{SyncJob, SyncTemplate};
use crate::graph::{Client, GraphError};
use crate::ids::ServicePrincipalId;

/// The app's job among `jobs`, by the connector's template among `templates`.
pub fn pick<'a>(
    connector: &Connector,
    templates: &[SyncTemplate],
    jobs: &'a [SyncJob],
) -> Result<Option<&'a SyncJob>, AmbiguousJob> {
    let t: Vec<SyncTemplateChoice<'_>> = templates
        .iter()
        .map(|t| SyncTemplateChoice {
            id: t.id.as_str(),
            factory_tag: t.factory_tag.as_deref(),
            is_default: t.default,
        })
        .collect();
    let j: Vec<JobChoice<'_>> = jobs
        .iter()
        .map(|j| JobChoice {
            id: j.id.as_str(),
            template_id: j.template_id.as_str(),
        })
        .collect();
    Ok(choose_job(connector, &t, &j)?.map(|i| &jobs[i]))
}

/// The app's jobs and, when there are several, its synchronization templates (a 404
/// reads as none), for [`pick`]. One or no job needs no template read.
pub async fn templates_and_jobs(
    client: &Client,
    sp: &ServicePrincipalId,
) -> Result<(Vec<SyncTemplate>, Vec<SyncJob>), GraphError> {
    let jobs = none_on_404(client.list_jobs(sp).await)?;
    let templates = if jobs.len() > 1 {
        none_on_404(client.list_sync_templates(sp).await)?
    } else {
        Vec::new()
    };
    Ok((templates, jobs))
}

fn none_on_404<T>(r: Result<Vec<T>, GraphError>) -> Result<Vec<T>, GraphError> {
    match r {
        Err(e) if e.is_not_found() => Ok(Vec::new()),
        other => other,
    }
}
