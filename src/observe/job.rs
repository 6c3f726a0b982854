//! Which provisioning job is the app's: the one rule plan and apply share
//! ([`crate::connector::choose_job`]: the job made from the connector's template).

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

/// The app's synchronization templates and jobs (a 404 reads as none), for [`pick`].
pub async fn templates_and_jobs(
    client: &Client,
    sp: &ServicePrincipalId,
) -> Result<(Vec<SyncTemplate>, Vec<SyncJob>), GraphError> {
    let (templates, jobs) = futures::join!(client.list_sync_templates(sp), client.list_jobs(sp));
    Ok((none_on_404(templates)?, none_on_404(jobs)?))
}

fn none_on_404<T>(r: Result<Vec<T>, GraphError>) -> Result<Vec<T>, GraphError> {
    match r {
        Err(e) if e.is_not_found() => Ok(Vec::new()),
        other => other,
    }
}
