//! Typed methods: app role assignments (`appRoleAssignedTo`), single and batched.

use reqwest::Method;

use super::apps::sp_path;
use crate::graph::batch::BatchRequest;
use crate::graph::client::Client;
use crate::graph::error::{GraphError, Operation};
use crate::graph::odata::encode_segment;
use crate::graph::retry::Idempotency;
use crate::graph::wire::{AppRoleAssignment, NewAppRoleAssignment};
use crate::ids::{AppRoleId, AssignmentId, PrincipalId, ServicePrincipalId};

const READ: &str = "Application.Read.All";
const WRITE: &str = "AppRoleAssignment.ReadWrite.All and Application.Read.All";

fn assigned_to(sp: &ServicePrincipalId) -> String {
    format!("{}/appRoleAssignedTo", sp_path(sp))
}

impl Client {
    /// Every assignment to the app, all pages.
    pub async fn list_assignments(
        &self,
        sp: &ServicePrincipalId,
    ) -> Result<Vec<AppRoleAssignment>, GraphError> {
        let op = Operation::new(
            format!("list app role assignments of service principal {sp}"),
            READ,
        );
        self.get_all(&format!("{}?$top=999", assigned_to(sp)), &op)
            .await
    }

    /// Assigns `principal` to the app with `role`. Not idempotent (retried only when the
    /// request provably did not run).
    pub async fn create_assignment(
        &self,
        sp: &ServicePrincipalId,
        principal: &PrincipalId,
        role: &AppRoleId,
    ) -> Result<AppRoleAssignment, GraphError> {
        let op = Operation::new(
            format!("assign {principal} with role {role} to service principal {sp}"),
            WRITE,
        );
        let body = new_assignment(sp, principal, role);
        self.send_json(
            Method::POST,
            &assigned_to(sp),
            &body,
            &op,
            Idempotency::Create,
        )
        .await
    }

    /// Removes an assignment. A 404 means it is already gone and counts as success.
    pub async fn delete_assignment(
        &self,
        sp: &ServicePrincipalId,
        id: &AssignmentId,
    ) -> Result<(), GraphError> {
        let op = Operation::new(
            format!("remove app role assignment {id} from service principal {sp}"),
            WRITE,
        );
        let path = format!("{}/{}", assigned_to(sp), encode_segment(id.as_str()));
        match self
            .send_unit::<()>(Method::DELETE, &path, None, &op, Idempotency::Idempotent)
            .await
        {
            Err(e) if e.is_not_found() => Ok(()),
            other => other,
        }
    }

    /// Creates many assignments through `$batch` (20 per request, several in flight).
    /// One result per input, in order.
    pub async fn create_assignments(
        &self,
        sp: &ServicePrincipalId,
        items: &[(PrincipalId, AppRoleId)],
    ) -> Result<Vec<Result<AppRoleAssignment, GraphError>>, GraphError> {
        let op = Operation::new(
            format!(
                "assign {} principal(s) to service principal {sp}",
                items.len()
            ),
            WRITE,
        );
        let reqs = items
            .iter()
            .enumerate()
            .map(|(i, (p, r))| {
                let body = serde_json::to_value(new_assignment(sp, p, r)).unwrap_or_default();
                BatchRequest::post(i.to_string(), assigned_to(sp), body)
            })
            .collect();
        let resps = self.batch(reqs, &op).await?;
        Ok(resps
            .iter()
            .zip(items)
            .map(|(resp, (p, r))| {
                let item_op = Operation::new(
                    format!("assign {p} with role {r} to service principal {sp}"),
                    WRITE,
                );
                if resp.is_success() {
                    resp.json(&item_op)
                } else {
                    Err(resp.to_error(&item_op))
                }
            })
            .collect())
    }

    /// Removes many assignments through `$batch`; 404 counts as already removed.
    pub async fn delete_assignments(
        &self,
        sp: &ServicePrincipalId,
        ids: &[AssignmentId],
    ) -> Result<Vec<Result<(), GraphError>>, GraphError> {
        let op = Operation::new(
            format!(
                "remove {} assignment(s) from service principal {sp}",
                ids.len()
            ),
            WRITE,
        );
        let reqs = ids
            .iter()
            .enumerate()
            .map(|(i, id)| {
                let url = format!("{}/{}", assigned_to(sp), encode_segment(id.as_str()));
                BatchRequest::delete(i.to_string(), url)
            })
            .collect();
        let resps = self.batch(reqs, &op).await?;
        Ok(resps
            .iter()
            .zip(ids)
            .map(|(resp, id)| {
                if resp.is_success() || resp.status == 404 {
                    Ok(())
                } else {
                    let item_op = Operation::new(
                        format!("remove app role assignment {id} from service principal {sp}"),
                        WRITE,
                    );
                    Err(resp.to_error(&item_op))
                }
            })
            .collect())
    }
}

fn new_assignment(
    sp: &ServicePrincipalId,
    principal: &PrincipalId,
    role: &AppRoleId,
) -> NewAppRoleAssignment {
    NewAppRoleAssignment {
        principal_id: principal.clone(),
        resource_id: sp.clone(),
        app_role_id: role.clone(),
    }
}
