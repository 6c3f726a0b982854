//! The Graph reads of `status` (through the client's typed methods only): the app by tag
//! (or `appId`), its job with `status.progress`, and the job's recent provisioning log
//! entries (all pages up to a limit).

use crate::graph::wire::{ProvisioningEntry, ServicePrincipal, SyncJob, SyncProgress};
use crate::graph::{Client, ErrorKind, GraphError, LogQuery, Operation};
use crate::ids::AppId;
use crate::manifest::LoadedManifest;
use crate::plan::fingerprint::name_tag;

/// How much of the logs to read.
#[derive(Clone, Debug)]
pub struct ReadOptions {
    /// Window of the logs, in seconds back from now.
    pub since_secs: u64,
    /// `$top` of each log page.
    pub page_size: u32,
    /// Most entries read (newest first).
    pub limit: usize,
    /// Whether to read the logs at all (a `--watch` refresh does not).
    pub logs: bool,
}

impl Default for ReadOptions {
    fn default() -> Self {
        Self {
            since_secs: 24 * 3600,
            page_size: 100,
            limit: 2000,
            logs: true,
        }
    }
}

/// What was read for one manifest.
#[derive(Debug, Default)]
pub struct Live {
    /// Service principals found (by tag, or the one of `appId`).
    pub apps: Vec<ServicePrincipal>,
    /// The job and its progress, when the app has one.
    pub job: Option<(SyncJob, Vec<SyncProgress>)>,
    /// Log entries (newest first), or why they could not be read.
    pub logs: Option<Result<Vec<ProvisioningEntry>, String>>,
    /// The window start sent as `activityDateTime gt …`.
    pub since: Option<String>,
    /// Whether the read stopped at the limit.
    pub truncated: bool,
}

/// Reads everything `status` needs for one manifest.
pub async fn read(
    client: &Client,
    m: &LoadedManifest,
    opts: &ReadOptions,
) -> Result<Live, GraphError> {
    let apps = match &m.manifest.app.app_id {
        Some(app_id) => client
            .find_service_principal_by_app_id(&AppId::new(app_id.as_str()))
            .await?
            .into_iter()
            .collect(),
        None => {
            client
                .find_service_principals_by_tag(&name_tag(&m.manifest.name))
                .await?
        }
    };
    let mut live = Live {
        apps,
        ..Live::default()
    };
    let [sp] = live.apps.as_slice() else {
        return Ok(live);
    };
    // The job plan and apply manage; templates are read only for several jobs, so a
    // healthy status stays at four requests.
    let (templates, jobs) = crate::observe::job::templates_and_jobs(client, &sp.id).await?;
    let connector = crate::connector::for_app(&m.manifest.app);
    let chosen = crate::observe::job::pick(connector, &templates, &jobs).map_err(|e| {
        let op = Operation::new(format!("choose the provisioning job of {}", sp.id), "none");
        GraphError::new(op, ErrorKind::Refused, format!("[E0530] {e}"))
    })?;
    let Some(job) = chosen else {
        return Ok(live);
    };
    live.job = Some(client.get_job_with_progress(&sp.id, &job.id).await?);
    if opts.logs {
        let since = super::time::format_iso(super::time::now() - opts.since_secs as i64);
        let query = LogQuery {
            job: Some(job.id.clone()),
            since: Some(since.clone()),
            page_size: opts.page_size,
            limit: opts.limit,
            ..LogQuery::default()
        };
        let logs = client.list_provisioning_logs(&query).await;
        live.truncated = logs.as_ref().is_ok_and(|l| l.len() >= opts.limit);
        live.logs = Some(logs.map_err(|e| log_error(&e)));
        live.since = Some(since);
    }
    Ok(live)
}

fn log_error(e: &GraphError) -> String {
    if e.status == Some(403) {
        format!(
            "{e} (the provisioning logs need {})",
            e.operation.permission
        )
    } else {
        e.to_string()
    }
}
