//! Typed methods for health: the job with its `status.progress`, and the provisioning logs
//! (`GET /auditLogs/provisioning`, graph-api.md §6.5).

use futures::{StreamExt, TryStreamExt};
use serde::Deserialize;
use serde_json::Value;

use super::sync::{SYNC_READ, job_path};
use crate::graph::client::Client;
use crate::graph::error::{ErrorKind, GraphError, Operation};
use crate::graph::odata::{Query, eq};
use crate::graph::wire::{ProvisioningEntry, SyncJob, SyncProgress};
use crate::ids::{JobId, ServicePrincipalId};

/// Permission the provisioning logs need.
pub(crate) const AUDIT_READ: &str = "AuditLog.Read.All";

/// Which provisioning log entries to read.
#[derive(Debug, Clone)]
pub struct LogQuery {
    /// Entries of this job (`jobId eq '…'`).
    pub job: Option<JobId>,
    /// Entries of this app (`servicePrincipal/id eq '…'`).
    pub service_principal: Option<ServicePrincipalId>,
    /// Entries after this ISO 8601 UTC time (`activityDateTime gt …`: the documented
    /// operators are `eq`, `contains`, `gt`, `lt`).
    pub since: Option<String>,
    /// Only entries with this `provisioningStatusInfo/status` (`failure`, `skipped`).
    pub status: Option<String>,
    /// Page size (`$top`).
    pub page_size: u32,
    /// Stop after this many entries (newest first).
    pub limit: usize,
}

impl Default for LogQuery {
    fn default() -> Self {
        Self {
            job: None,
            service_principal: None,
            since: None,
            status: None,
            page_size: 100,
            limit: 1000,
        }
    }
}

impl LogQuery {
    /// The `$filter` expression.
    pub fn filter(&self) -> Option<String> {
        let mut clauses = Vec::new();
        if let Some(j) = &self.job {
            clauses.push(eq("jobId", j.as_str()));
        }
        if let Some(sp) = &self.service_principal {
            clauses.push(eq("servicePrincipal/id", sp.as_str()));
        }
        if let Some(s) = &self.status {
            clauses.push(eq("provisioningStatusInfo/status", s));
        }
        if let Some(t) = &self.since {
            clauses.push(format!("activityDateTime gt {t}"));
        }
        (!clauses.is_empty()).then(|| clauses.join(" and "))
    }
}

impl Client {
    /// One job and its `status.progress` (how far the running cycle is).
    pub async fn get_job_with_progress(
        &self,
        sp: &ServicePrincipalId,
        job: &JobId,
    ) -> Result<(SyncJob, Vec<SyncProgress>), GraphError> {
        let op = Operation::new(format!("read synchronization job {job}"), SYNC_READ);
        let v: Value = self.get_json(&job_path(sp, job), &op).await?;
        let decode = |e: serde_json::Error| {
            GraphError::new(
                op.clone(),
                ErrorKind::Decode,
                format!("unexpected job payload: {e}"),
            )
        };
        let parsed = SyncJob::deserialize(&v).map_err(decode)?;
        let progress = match v.pointer("/status/progress") {
            Some(p) if !p.is_null() => Vec::<SyncProgress>::deserialize(p).map_err(decode)?,
            _ => Vec::new(),
        };
        Ok((parsed, progress))
    }

    /// Provisioning log entries (newest first), every page up to `query.limit`.
    pub async fn list_provisioning_logs(
        &self,
        query: &LogQuery,
    ) -> Result<Vec<ProvisioningEntry>, GraphError> {
        let what = match (&query.job, &query.service_principal) {
            (Some(j), _) => format!("job {j}"),
            (None, Some(sp)) => format!("service principal {sp}"),
            _ => "the tenant".to_owned(),
        };
        let op = Operation::new(format!("read provisioning logs of {what}"), AUDIT_READ);
        let mut q = Query::new();
        if let Some(f) = query.filter() {
            q = q.filter(&f);
        }
        // The default order is not documented: ask for newest first.
        let path = q
            .orderby("activityDateTime desc")
            .top(query.page_size)
            .to_path("/auditLogs/provisioning");
        self.stream_all(path, op)
            .take(query.limit)
            .try_collect()
            .await
    }
}
