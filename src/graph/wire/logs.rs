//! Provisioning logs (`provisioningObjectSummary`) and the job's `status.progress`.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::ids::{JobId, ServicePrincipalId};

/// One entry of `GET /auditLogs/provisioning`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProvisioningEntry {
    /// Entry id.
    pub id: String,
    /// When it happened (ISO 8601).
    #[serde(default)]
    pub activity_date_time: Option<String>,
    /// The job that wrote it.
    #[serde(default)]
    pub job_id: Option<JobId>,
    /// The cycle it belongs to.
    #[serde(default)]
    pub cycle_id: Option<String>,
    /// `create`, `update`, `delete`, `disable`, `stagedDelete`, `other`, ….
    #[serde(default)]
    pub provisioning_action: Option<String>,
    /// Outcome.
    #[serde(default)]
    pub provisioning_status_info: Option<StatusInfo>,
    /// The app (an object, or a one-element collection as the resource table says).
    #[serde(default, deserialize_with = "super::lenient::one_or_first")]
    pub service_principal: Option<LogServicePrincipal>,
    /// The tenant.
    #[serde(default)]
    pub tenant_id: Option<String>,
    /// The object in the source (the Entra user or group).
    #[serde(default)]
    pub source_identity: Option<Identity>,
    /// The object in the target.
    #[serde(default)]
    pub target_identity: Option<Identity>,
}

impl ProvisioningEntry {
    /// `provisioningStatusInfo.status` (`success`, `failure`, `skipped`, …).
    pub fn status(&self) -> Option<&str> {
        self.provisioning_status_info.as_ref()?.status.as_deref()
    }

    /// `provisioningStatusInfo.errorInformation`.
    pub fn error(&self) -> Option<&ErrorInformation> {
        self.provisioning_status_info
            .as_ref()?
            .error_information
            .as_ref()
    }
}

/// `provisioningStatusInfo`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StatusInfo {
    /// `success`, `failure`, `skipped`, `warning`.
    #[serde(default)]
    pub status: Option<String>,
    /// Why, when it did not succeed: `errorInformation` in the list examples, `errorInfo`
    /// in the resource page; both are read.
    #[serde(default, alias = "errorInfo")]
    pub error_information: Option<ErrorInformation>,
}

/// `provisioningErrorInfo`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ErrorInformation {
    /// Error code.
    #[serde(default)]
    pub error_code: Option<String>,
    /// Reason.
    #[serde(default)]
    pub reason: Option<String>,
    /// Category.
    #[serde(default)]
    pub error_category: Option<String>,
    /// What Microsoft recommends (often null).
    #[serde(default)]
    pub recommended_action: Option<String>,
    /// More details.
    #[serde(default)]
    pub additional_details: Option<String>,
}

/// `provisioningServicePrincipal`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LogServicePrincipal {
    /// Object id.
    #[serde(default)]
    pub id: Option<ServicePrincipalId>,
    /// Display name.
    #[serde(default)]
    pub display_name: Option<String>,
}

/// `provisionedIdentity`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Identity {
    /// Id in its system.
    #[serde(default)]
    pub id: Option<String>,
    /// Display name.
    #[serde(default)]
    pub display_name: Option<String>,
    /// Type, e.g. `User`.
    #[serde(default)]
    pub identity_type: Option<String>,
    /// Open details (e.g. `UserPrincipalName`).
    #[serde(default)]
    pub details: Option<Value>,
}

impl Identity {
    /// The user principal name from `details`, when present.
    pub fn upn(&self) -> Option<&str> {
        let d = self.details.as_ref()?.as_object()?;
        d.iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("userPrincipalName"))
            .and_then(|(_, v)| v.as_str())
    }
}

/// `synchronizationProgress`: how far the running cycle is.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SyncProgress {
    /// Units done.
    #[serde(default)]
    pub completed_units: i64,
    /// Units in total.
    #[serde(default)]
    pub total_units: i64,
    /// What a unit is.
    #[serde(default)]
    pub units: Option<String>,
    /// When this was observed.
    #[serde(default)]
    pub progress_observation_date_time: Option<String>,
}
