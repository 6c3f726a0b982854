//! Typed methods: gallery templates, instantiate, service principals, tags, app roles.

use reqwest::Method;
use serde::Deserialize;
use serde_json::json;

use crate::graph::client::Client;
use crate::graph::error::{GraphError, Operation};
use crate::graph::odata::{Query, encode_segment, eq};
use crate::graph::retry::Idempotency;
use crate::graph::wire::{
    AppRole, Application, ApplicationServicePrincipal, ApplicationTemplate, ServicePrincipal,
};
use crate::ids::{AppId, ApplicationTemplateId, ServicePrincipalId};

/// Properties read for a service principal.
const SP_SELECT: &[&str] = &[
    "id",
    "appId",
    "displayName",
    "applicationTemplateId",
    "appRoles",
    "tags",
    "appRoleAssignmentRequired",
    "servicePrincipalType",
];

const READ_APPS: &str = "Application.Read.All";
const WRITE_APPS: &str = "Application.ReadWrite.OwnedBy (or Application.ReadWrite.All)";

/// `/servicePrincipals/{id}`.
pub(crate) fn sp_path(sp: &ServicePrincipalId) -> String {
    format!("/servicePrincipals/{}", encode_segment(sp.as_str()))
}

impl Client {
    /// Gallery templates whose display name equals `display_name` (exact; Graph compares
    /// case-insensitively).
    pub async fn find_templates_by_name(
        &self,
        display_name: &str,
    ) -> Result<Vec<ApplicationTemplate>, GraphError> {
        let op = Operation::new(
            format!("find gallery template \"{display_name}\""),
            "none beyond a valid Graph token",
        );
        let path = Query::new()
            .filter(&eq("displayName", display_name))
            .to_path("/applicationTemplates");
        self.get_all(&path, &op).await
    }

    /// One gallery template by id.
    pub async fn get_template(
        &self,
        id: &ApplicationTemplateId,
    ) -> Result<ApplicationTemplate, GraphError> {
        let op = Operation::new(
            format!("read gallery template {id}"),
            "none beyond a valid Graph token",
        );
        let path = format!("/applicationTemplates/{}", encode_segment(id.as_str()));
        self.get_json(&path, &op).await
    }

    /// Creates the app and its service principal from a gallery template. Not idempotent:
    /// retried only when the request provably did not run (see [`GraphError::outcome_unknown`]).
    pub async fn instantiate_template(
        &self,
        id: &ApplicationTemplateId,
        display_name: &str,
    ) -> Result<ApplicationServicePrincipal, GraphError> {
        let op = Operation::new(
            format!("instantiate gallery template {id} as \"{display_name}\""),
            WRITE_APPS,
        );
        let path = format!(
            "/applicationTemplates/{}/instantiate",
            encode_segment(id.as_str())
        );
        let body = json!({ "displayName": display_name });
        self.send_json(Method::POST, &path, &body, &op, Idempotency::Create)
            .await
    }

    /// One service principal by object id.
    pub async fn get_service_principal(
        &self,
        id: &ServicePrincipalId,
    ) -> Result<ServicePrincipal, GraphError> {
        let op = Operation::new(format!("read service principal {id}"), READ_APPS);
        let path = Query::new().select(SP_SELECT).to_path(&sp_path(id));
        self.get_json(&path, &op).await
    }

    /// The service principal of an application (client) id, or `None` when there is none.
    pub async fn find_service_principal_by_app_id(
        &self,
        app_id: &AppId,
    ) -> Result<Option<ServicePrincipal>, GraphError> {
        let what = format!("find service principal of appId {app_id}");
        let mut all = self
            .find_service_principals(&eq("appId", app_id.as_str()), what)
            .await?;
        Ok(if all.is_empty() {
            None
        } else {
            Some(all.remove(0))
        })
    }

    /// Service principals carrying `tag` (e.g. `entraprov:keeper-prod`).
    pub async fn find_service_principals_by_tag(
        &self,
        tag: &str,
    ) -> Result<Vec<ServicePrincipal>, GraphError> {
        let filter = format!("tags/any(t:{})", eq("t", tag));
        let what = format!("find service principals tagged {tag}");
        self.find_service_principals(&filter, what).await
    }

    /// Service principals whose display name equals `display_name` (not unique).
    pub async fn find_service_principals_by_name(
        &self,
        display_name: &str,
    ) -> Result<Vec<ServicePrincipal>, GraphError> {
        let what = format!("find service principals named \"{display_name}\"");
        self.find_service_principals(&eq("displayName", display_name), what)
            .await
    }

    /// All service principals matching an OData `filter`; `what` names the operation.
    async fn find_service_principals(
        &self,
        filter: &str,
        what: String,
    ) -> Result<Vec<ServicePrincipal>, GraphError> {
        let op = Operation::new(what, READ_APPS);
        let path = Query::new()
            .filter(filter)
            .select(SP_SELECT)
            .to_path("/servicePrincipals");
        self.get_all(&path, &op).await
    }

    /// Replaces the tags of a service principal (the whole collection).
    pub async fn set_service_principal_tags(
        &self,
        id: &ServicePrincipalId,
        tags: &[String],
    ) -> Result<(), GraphError> {
        let op = Operation::new(format!("update tags of service principal {id}"), WRITE_APPS);
        let body = json!({ "tags": tags });
        self.send_unit(
            Method::PATCH,
            &sp_path(id),
            Some(&body),
            &op,
            Idempotency::Idempotent,
        )
        .await
    }

    /// Renames a service principal (`PATCH displayName`).
    pub async fn set_service_principal_display_name(
        &self,
        id: &ServicePrincipalId,
        display_name: &str,
    ) -> Result<(), GraphError> {
        let op = Operation::new(format!("rename service principal {id}"), WRITE_APPS);
        let body = json!({ "displayName": display_name });
        self.send_unit(
            Method::PATCH,
            &sp_path(id),
            Some(&body),
            &op,
            Idempotency::Idempotent,
        )
        .await
    }

    /// The app roles of a service principal.
    pub async fn app_roles(&self, id: &ServicePrincipalId) -> Result<Vec<AppRole>, GraphError> {
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Roles {
            #[serde(default)]
            app_roles: Vec<AppRole>,
        }
        let op = Operation::new(
            format!("read app roles of service principal {id}"),
            READ_APPS,
        );
        let path = Query::new()
            .select(&["id", "appRoles"])
            .to_path(&sp_path(id));
        let roles: Roles = self.get_json(&path, &op).await?;
        Ok(roles.app_roles)
    }

    /// The application of an application (client) id: object id and `createdDateTime`.
    pub async fn get_application_by_app_id(
        &self,
        app_id: &AppId,
    ) -> Result<Application, GraphError> {
        let op = Operation::new(format!("read application of appId {app_id}"), READ_APPS);
        let base = format!(
            "/applications(appId='{}')",
            encode_segment(&app_id.as_str().replace('\'', "''"))
        );
        let path = Query::new()
            .select(&["id", "appId", "displayName", "createdDateTime"])
            .to_path(&base);
        self.get_json(&path, &op).await
    }

    /// Deletes a service principal (the enterprise app, with its assignments and jobs);
    /// already gone counts as done.
    pub async fn delete_service_principal(
        &self,
        sp: &ServicePrincipalId,
    ) -> Result<(), GraphError> {
        let op = Operation::new(format!("delete service principal {sp}"), WRITE_APPS);
        match self
            .send_unit::<()>(
                Method::DELETE,
                &sp_path(sp),
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

    /// Deletes an application object (the app registration); already gone counts as done.
    pub async fn delete_application(&self, app_id: &AppId) -> Result<(), GraphError> {
        let op = Operation::new(format!("delete application of appId {app_id}"), WRITE_APPS);
        let path = format!(
            "/applications(appId='{}')",
            encode_segment(&app_id.as_str().replace('\'', "''"))
        );
        match self
            .send_unit::<()>(Method::DELETE, &path, None, &op, Idempotency::Idempotent)
            .await
        {
            Err(e) if e.is_not_found() => Ok(()),
            other => other,
        }
    }
}
