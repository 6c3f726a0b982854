//! Directory payloads: gallery templates, applications, service principals, app roles,
//! app role assignments, users and groups. Unknown fields are ignored.

use serde::{Deserialize, Serialize};

use crate::ids::{
    AppId, AppRoleId, ApplicationObjectId, ApplicationTemplateId, AssignmentId, GroupId,
    PrincipalId, ServicePrincipalId, UserId,
};

/// A gallery entry (`applicationTemplate`).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ApplicationTemplate {
    /// Template id.
    pub id: ApplicationTemplateId,
    /// Gallery display name.
    pub display_name: String,
    /// Publisher.
    #[serde(default)]
    pub publisher: Option<String>,
    /// Description.
    #[serde(default)]
    pub description: Option<String>,
    /// Categories.
    #[serde(default)]
    pub categories: Vec<String>,
    /// Contains `sync` when the app has a provisioning connector.
    #[serde(default)]
    pub supported_provisioning_types: Vec<String>,
    /// SSO modes.
    #[serde(default)]
    pub supported_single_sign_on_modes: Vec<String>,
}

impl ApplicationTemplate {
    /// Whether the gallery app supports automatic provisioning.
    pub fn supports_provisioning(&self) -> bool {
        self.supported_provisioning_types
            .iter()
            .any(|t| t.eq_ignore_ascii_case("sync"))
    }
}

/// An app role of a service principal or application.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AppRole {
    /// Role id.
    pub id: AppRoleId,
    /// Display name (`msiam_access` is the portal's "Default Access").
    #[serde(default)]
    pub display_name: Option<String>,
    /// Description.
    #[serde(default)]
    pub description: Option<String>,
    /// Claim value (often null for gallery roles).
    #[serde(default)]
    pub value: Option<String>,
    /// Whether the role can be assigned.
    #[serde(default = "yes")]
    pub is_enabled: bool,
    /// `User` and/or `Application`.
    #[serde(default)]
    pub allowed_member_types: Vec<String>,
    /// Read-only origin.
    #[serde(default, skip_serializing)]
    pub origin: Option<String>,
}

fn yes() -> bool {
    true
}

/// A service principal (the enterprise app).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ServicePrincipal {
    /// Object id — the key of every synchronization call.
    pub id: ServicePrincipalId,
    /// Application (client) id.
    pub app_id: AppId,
    /// Display name (not unique).
    #[serde(default)]
    pub display_name: String,
    /// Gallery template it came from.
    #[serde(default)]
    pub application_template_id: Option<ApplicationTemplateId>,
    /// App roles.
    #[serde(default)]
    pub app_roles: Vec<AppRole>,
    /// Tags (entraprov keeps its identity and token fingerprint here).
    #[serde(default)]
    pub tags: Vec<String>,
    /// Whether users must be assigned to use the app.
    #[serde(default)]
    pub app_role_assignment_required: Option<bool>,
    /// `Application`, `ManagedIdentity`, …
    #[serde(default)]
    pub service_principal_type: Option<String>,
}

/// An application object (returned by instantiate).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Application {
    /// Object id.
    pub id: ApplicationObjectId,
    /// Application (client) id.
    pub app_id: AppId,
    /// Display name.
    #[serde(default)]
    pub display_name: String,
    /// Gallery template it came from.
    #[serde(default)]
    pub application_template_id: Option<ApplicationTemplateId>,
    /// When the application was registered (ISO 8601; documented on `application`, not on
    /// `servicePrincipal`).
    #[serde(default)]
    pub created_date_time: Option<String>,
}

/// The result of instantiating a gallery template.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApplicationServicePrincipal {
    /// The new application.
    pub application: Application,
    /// The new service principal.
    pub service_principal: ServicePrincipal,
}

/// An app role assignment of a user/group to the app.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AppRoleAssignment {
    /// Opaque assignment id.
    pub id: AssignmentId,
    /// Role assigned.
    pub app_role_id: AppRoleId,
    /// User, group or service principal assigned.
    pub principal_id: PrincipalId,
    /// `User`, `Group` or `ServicePrincipal`.
    #[serde(default)]
    pub principal_type: Option<String>,
    /// Display name of the principal.
    #[serde(default)]
    pub principal_display_name: Option<String>,
    /// The service principal.
    pub resource_id: ServicePrincipalId,
    /// Display name of the service principal.
    #[serde(default)]
    pub resource_display_name: Option<String>,
    /// Creation time.
    #[serde(default)]
    pub created_date_time: Option<String>,
}

/// Body of `POST …/appRoleAssignedTo`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NewAppRoleAssignment {
    /// User or group object id.
    pub principal_id: PrincipalId,
    /// The service principal.
    pub resource_id: ServicePrincipalId,
    /// Role to assign.
    pub app_role_id: AppRoleId,
}

/// A user, as resolved from a UPN or id.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct User {
    /// Object id.
    pub id: UserId,
    /// UPN.
    #[serde(default)]
    pub user_principal_name: String,
    /// Display name.
    #[serde(default)]
    pub display_name: Option<String>,
}

/// A group, as resolved from a display name or id.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Group {
    /// Object id.
    pub id: GroupId,
    /// Display name (not unique).
    #[serde(default)]
    pub display_name: String,
}
