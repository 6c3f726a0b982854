//! [`Target`]: what apply needs for each change.

use serde::{Deserialize, Serialize};

use crate::ids::{
    AppRoleId, ApplicationTemplateId, AssignmentId, PrincipalId, ServicePrincipalId, SyncTemplateId,
};
use crate::plan::model::{
    AttributeMapping, FlowType, PrincipalKind, RunState, ScopingFilter, Settings,
};
use crate::plan::state::TemplateRef;

/// What apply needs for a change, with the ids observe resolved.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Target {
    /// Instantiate (create) or update the app.
    App {
        /// Desired display name.
        display_name: String,
        /// Template as declared.
        template: TemplateRef,
        /// Resolved template id, if known.
        template_id: Option<ApplicationTemplateId>,
        /// Existing service principal (update only).
        service_principal_id: Option<ServicePrincipalId>,
        /// Tags to add (e.g. `entraprov:<name>` when adopting by `appId`).
        add_tags: Vec<String>,
    },
    /// Create or delete an assignment.
    Assignment {
        /// User or group.
        principal_kind: PrincipalKind,
        /// Principal id (resolved by observe).
        principal_id: Option<PrincipalId>,
        /// Role reference (value or display name), resolved by apply when the app is new.
        role: String,
        /// Role id, when the app exists.
        role_id: Option<AppRoleId>,
        /// Live assignment id (delete only).
        assignment_id: Option<AssignmentId>,
    },
    /// Create the job.
    Job {
        /// Synchronization template id, when known (else the template with `default: true`).
        template_id: Option<SyncTemplateId>,
    },
    /// Write credentials.
    Credentials {
        /// Tenant URL to write, if declared.
        tenant_url: Option<String>,
        /// Whether to write the secret token (from the desired state) and its tag.
        set_token: bool,
        /// The token's fingerprint when the service principal is known.
        token_fingerprint: Option<String>,
        /// The data centre the desired tenant URL names (connector knowledge, computed
        /// with the desired state), shown as a note line; `None` for apps without regions.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        region: Option<String>,
    },
    /// Write settings: only the declared fields are `Some`.
    Settings {
        /// Desired settings (declared fields).
        desired: Settings,
    },
    /// Update an object mapping's `enabled` / `flowTypes`.
    Mapping {
        /// Source object name.
        source_object: String,
        /// Target object name.
        target_object: String,
        /// Desired enabled, if declared.
        enabled: Option<bool>,
        /// Desired flow types, if declared.
        flow_types: Option<Vec<FlowType>>,
    },
    /// Put (create/update) or remove an attribute definition of the mapping's source or
    /// target object (in the schema's `directories`).
    Definition {
        /// Source object name of the mapping.
        source_object: String,
        /// Target object name of the mapping.
        target_object: String,
        /// Which object of the mapping.
        side: crate::plan::model::Side,
        /// Desired definition; `None` removes it.
        desired: Option<crate::plan::model::AttributeDef>,
    },
    /// Put (create/update) or remove an attribute mapping.
    Attribute {
        /// Source object name of the mapping.
        source_object: String,
        /// Target object name of the mapping.
        target_object: String,
        /// The desired mapping (`None` for a delete).
        desired: Option<AttributeMapping>,
    },
    /// Put or remove a scoping filter.
    ScopingFilter {
        /// Source object name of the mapping.
        source_object: String,
        /// Target object name of the mapping.
        target_object: String,
        /// The desired filter (`None` for a delete).
        desired: Option<ScopingFilter>,
    },
    /// Change the job's run state.
    State {
        /// Desired state.
        desired: RunState,
        /// Call `start`.
        start: bool,
        /// Call `pause`.
        pause: bool,
        /// Call `restart` (scope narrowed from all to assigned).
        restart: bool,
    },
}
