//! Typed methods: synchronization templates and jobs (list, get, create, delete, start,
//! pause, restart).

use reqwest::Method;
use serde_json::json;

use super::apps::sp_path;
use crate::graph::client::Client;
use crate::graph::error::{GraphError, Operation};
use crate::graph::odata::encode_segment;
use crate::graph::retry::Idempotency;
use crate::graph::wire::{SyncJob, SyncSchema, SyncTemplate};
use crate::ids::{JobId, ServicePrincipalId, SyncTemplateId};

pub(crate) const SYNC_READ: &str = "Synchronization.Read.All (or Application.ReadWrite.OwnedBy)";
pub(crate) const SYNC_WRITE: &str =
    "Synchronization.ReadWrite.All (or Application.ReadWrite.OwnedBy)";

/// `/servicePrincipals/{sp}/synchronization`.
pub(crate) fn sync_path(sp: &ServicePrincipalId) -> String {
    format!("{}/synchronization", sp_path(sp))
}

/// `/servicePrincipals/{sp}/synchronization/jobs/{job}`.
pub(crate) fn job_path(sp: &ServicePrincipalId, job: &JobId) -> String {
    format!("{}/jobs/{}", sync_path(sp), encode_segment(job.as_str()))
}

impl Client {
    /// The synchronization templates of the app (pick `default: true`).
    pub async fn list_sync_templates(
        &self,
        sp: &ServicePrincipalId,
    ) -> Result<Vec<SyncTemplate>, GraphError> {
        let op = Operation::new(format!("list synchronization templates of {sp}"), SYNC_READ);
        self.get_all(&format!("{}/templates", sync_path(sp)), &op)
            .await
    }

    /// The default schema of a synchronization template.
    pub async fn get_template_schema(
        &self,
        sp: &ServicePrincipalId,
        template: &SyncTemplateId,
    ) -> Result<SyncSchema, GraphError> {
        let op = Operation::new(
            format!("read schema of synchronization template {template}"),
            SYNC_READ,
        );
        let path = format!(
            "{}/templates/{}/schema",
            sync_path(sp),
            encode_segment(template.as_str())
        );
        self.get_json(&path, &op).await
    }

    /// The synchronization jobs of the app.
    pub async fn list_jobs(&self, sp: &ServicePrincipalId) -> Result<Vec<SyncJob>, GraphError> {
        let op = Operation::new(format!("list synchronization jobs of {sp}"), SYNC_READ);
        self.get_all(&format!("{}/jobs", sync_path(sp)), &op).await
    }

    /// One job.
    pub async fn get_job(
        &self,
        sp: &ServicePrincipalId,
        job: &JobId,
    ) -> Result<SyncJob, GraphError> {
        let op = Operation::new(format!("read synchronization job {job}"), SYNC_READ);
        self.get_json(&job_path(sp, job), &op).await
    }

    /// Creates a job from a template. Not idempotent (retried only when provably not run).
    pub async fn create_job(
        &self,
        sp: &ServicePrincipalId,
        template: &SyncTemplateId,
    ) -> Result<SyncJob, GraphError> {
        let op = Operation::new(
            format!("create synchronization job from template {template} on {sp}"),
            SYNC_WRITE,
        );
        let body = json!({ "templateId": template });
        self.send_json(
            Method::POST,
            &format!("{}/jobs", sync_path(sp)),
            &body,
            &op,
            Idempotency::Create,
        )
        .await
    }

    /// Deletes a job (stops provisioning and drops all its state). 404 counts as done.
    pub async fn delete_job(&self, sp: &ServicePrincipalId, job: &JobId) -> Result<(), GraphError> {
        let op = Operation::new(format!("delete synchronization job {job}"), SYNC_WRITE);
        match self
            .send_unit::<()>(
                Method::DELETE,
                &job_path(sp, job),
                None,
                &op,
                Idempotency::Idempotent,
            )
            .await
        {
            Err(e) if e.is_not_found() => Ok(()),
            other => other,
        }
    }

    /// Starts (or resumes) a job. Call only when it is not Active: repeated starts are
    /// harmful, so this is retried only when the request provably did not run.
    pub async fn start_job(&self, sp: &ServicePrincipalId, job: &JobId) -> Result<(), GraphError> {
        let op = Operation::new(format!("start synchronization job {job}"), SYNC_WRITE);
        let path = format!("{}/start", job_path(sp, job));
        self.send_unit::<()>(Method::POST, &path, None, &op, Idempotency::Create)
            .await
    }

    /// Pauses a job (the running cycle finishes).
    pub async fn pause_job(&self, sp: &ServicePrincipalId, job: &JobId) -> Result<(), GraphError> {
        let op = Operation::new(format!("pause synchronization job {job}"), SYNC_WRITE);
        let path = format!("{}/pause", job_path(sp, job));
        self.send_unit::<()>(Method::POST, &path, None, &op, Idempotency::Idempotent)
            .await
    }

    /// Restarts a job with `resetScope` (e.g. `"Watermark, Escrows, QuarantineState"`,
    /// `"ForceDeletes"`); `None` sends no criteria (the portal's "Restart provisioning").
    pub async fn restart_job(
        &self,
        sp: &ServicePrincipalId,
        job: &JobId,
        reset_scope: Option<&str>,
    ) -> Result<(), GraphError> {
        let op = Operation::new(format!("restart synchronization job {job}"), SYNC_WRITE);
        let path = format!("{}/restart", job_path(sp, job));
        let body = match reset_scope {
            Some(scope) => json!({ "criteria": { "resetScope": scope } }),
            None => json!({ "criteria": {} }),
        };
        self.send_unit(Method::POST, &path, Some(&body), &op, Idempotency::Create)
            .await
    }
}
