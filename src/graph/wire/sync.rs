//! Synchronization payloads: templates, jobs and their status, secrets, schema helpers,
//! expressions and on-demand provisioning. The schema itself stays a raw JSON value
//! ([`SyncSchema`]) so fields this tool does not manage survive a GET → PUT untouched.

use secrecy::{ExposeSecret, SecretString};
use serde::ser::SerializeStruct;
use serde::{Deserialize, Serialize, Serializer};
use serde_json::Value;

use crate::ids::{JobId, SyncTemplateId};

/// A `{key, value}` string pair (metadata, job settings).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct KeyValue {
    /// Key.
    pub key: String,
    /// Value (Graph sometimes sends null).
    #[serde(default)]
    pub value: Option<String>,
}

/// A `{name, value}` job setting.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct JobSetting {
    /// Setting name, e.g. `QuarantineTooManyDeletesThreshold`.
    pub name: String,
    /// Value (a string on the wire).
    #[serde(default)]
    pub value: Option<String>,
}

/// A synchronization template of a service principal.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SyncTemplate {
    /// Template id (`templateId` of a job).
    pub id: SyncTemplateId,
    /// Engine tag.
    #[serde(default)]
    pub factory_tag: Option<String>,
    /// Application id.
    #[serde(default)]
    pub application_id: Option<String>,
    /// Whether this is the default template.
    #[serde(default)]
    pub default: bool,
    /// Whether it is discoverable (Boolean or string, see [`super::lenient`]).
    #[serde(default, deserialize_with = "super::lenient::bool_or_string")]
    pub discoverable: bool,
    /// Description.
    #[serde(default)]
    pub description: Option<String>,
    /// Metadata.
    #[serde(default)]
    pub metadata: Vec<KeyValue>,
}

/// A synchronization job.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SyncJob {
    /// Opaque job id.
    pub id: JobId,
    /// The template it was created from.
    pub template_id: SyncTemplateId,
    /// Schedule (state Active/Disabled/Paused).
    #[serde(default)]
    pub schedule: Option<SyncSchedule>,
    /// Status.
    #[serde(default)]
    pub status: Option<SyncStatus>,
    /// Settings such as `QuarantineTooManyDeletesThreshold`.
    #[serde(default)]
    pub synchronization_job_settings: Vec<JobSetting>,
}

impl SyncJob {
    /// `schedule.state`, e.g. `Active`.
    pub fn schedule_state(&self) -> Option<&str> {
        self.schedule.as_ref()?.state.as_deref()
    }

    /// `status.code`, e.g. `Quarantine`.
    pub fn status_code(&self) -> Option<&str> {
        self.status.as_ref()?.code.as_deref()
    }
}

/// A job's schedule.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SyncSchedule {
    /// Expiry.
    #[serde(default)]
    pub expiration: Option<String>,
    /// ISO 8601 interval (read-only in practice).
    #[serde(default)]
    pub interval: Option<String>,
    /// `Active`, `Disabled` or `Paused`.
    #[serde(default)]
    pub state: Option<String>,
}

/// A job's status.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SyncStatus {
    /// `NotConfigured`, `NotRun`, `Active`, `Paused`, `Quarantine`.
    #[serde(default)]
    pub code: Option<String>,
    /// Failed cycles in a row.
    #[serde(default)]
    pub count_successive_complete_failures: Option<i64>,
    /// Whether escrows were pruned.
    #[serde(default)]
    pub escrows_pruned: Option<bool>,
    /// Last cycle.
    #[serde(default)]
    pub last_execution: Option<TaskExecution>,
    /// Last successful cycle.
    #[serde(default)]
    pub last_successful_execution: Option<TaskExecution>,
    /// Last successful cycle that exported something.
    #[serde(default)]
    pub last_successful_execution_with_exports: Option<TaskExecution>,
    /// Quarantine details.
    #[serde(default)]
    pub quarantine: Option<Quarantine>,
    /// First steady state.
    #[serde(default)]
    pub steady_state_first_achieved_time: Option<String>,
    /// Last steady state.
    #[serde(default)]
    pub steady_state_last_achieved_time: Option<String>,
    /// Entries per type, e.g. `User to User` → 12.
    #[serde(default)]
    pub synchronized_entry_count_by_type: Vec<KeyCount>,
    /// Troubleshooting link.
    #[serde(default)]
    pub troubleshooting_url: Option<String>,
}

/// `{key, value}` with a number.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct KeyCount {
    /// Key.
    pub key: String,
    /// Count.
    #[serde(default)]
    pub value: i64,
}

/// One provisioning cycle.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TaskExecution {
    /// Cycle id.
    #[serde(default)]
    pub activity_identifier: Option<String>,
    /// Objects in scope.
    #[serde(default)]
    pub count_entitled: Option<i64>,
    /// Objects exported.
    #[serde(default)]
    pub count_exported: Option<i64>,
    /// Objects escrowed (failed, to retry).
    #[serde(default)]
    pub count_escrowed: Option<i64>,
    /// Objects imported.
    #[serde(default)]
    pub count_imported: Option<i64>,
    /// Error of a failed cycle.
    #[serde(default)]
    pub error: Option<SyncError>,
    /// `Succeeded`, `Failed`, `EntryLevelErrors`.
    #[serde(default)]
    pub state: Option<String>,
    /// Start.
    #[serde(default)]
    pub time_began: Option<String>,
    /// End.
    #[serde(default)]
    pub time_ended: Option<String>,
}

/// An error of the sync engine.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SyncError {
    /// Code.
    #[serde(default)]
    pub code: Option<String>,
    /// Message.
    #[serde(default)]
    pub message: Option<String>,
    /// Whether the tenant can fix it.
    #[serde(default)]
    pub tenant_actionable: Option<bool>,
}

/// Quarantine details.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Quarantine {
    /// Start of the current quarantine.
    #[serde(default)]
    pub current_began: Option<String>,
    /// Next attempt.
    #[serde(default)]
    pub next_attempt: Option<String>,
    /// Reason, e.g. `TooManyDeletes`.
    #[serde(default)]
    pub reason: Option<String>,
    /// Start of the series.
    #[serde(default)]
    pub series_began: Option<String>,
    /// Quarantines in the series.
    #[serde(default)]
    pub series_count: Option<i64>,
    /// The error.
    #[serde(default)]
    pub error: Option<SyncError>,
}

/// One synchronization secret (`BaseAddress`, `SecretToken`, `SyncAll`, …). The value is a
/// [`SecretString`]: `Debug` redacts it; it is only exposed when serialised for Graph.
#[derive(Debug, Clone, Deserialize)]
pub struct SyncSecret {
    /// Key (synchronizationSecret enum name).
    pub key: String,
    /// Value; GET returns `*` for sensitive keys (null reads as empty).
    #[serde(default = "empty_secret", deserialize_with = "nullable_secret")]
    pub value: SecretString,
}

fn empty_secret() -> SecretString {
    SecretString::from("")
}

fn nullable_secret<'de, D: serde::Deserializer<'de>>(d: D) -> Result<SecretString, D::Error> {
    let v: Option<String> = Option::deserialize(d)?;
    Ok(SecretString::from(v.unwrap_or_default()))
}

impl SyncSecret {
    /// A secret pair.
    pub fn new(key: impl Into<String>, value: impl Into<String>) -> Self {
        Self {
            key: key.into(),
            value: SecretString::from(value.into()),
        }
    }

    /// Whether Graph masked this value (`*`): it must never be sent back.
    pub fn is_masked(&self) -> bool {
        self.value.expose_secret() == "*"
    }
}

impl Serialize for SyncSecret {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("SyncSecret", 2)?;
        st.serialize_field("key", &self.key)?;
        st.serialize_field("value", self.value.expose_secret())?;
        st.end()
    }
}

/// The whole synchronization schema, raw: read, change the owned parts, PUT back.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(transparent)]
pub struct SyncSchema(pub Value);

/// A scoping-filter operator the job supports.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FilterOperator {
    /// API name, e.g. `EQUALS`.
    pub name: String,
    /// `Binary` or `Unary`.
    #[serde(default)]
    pub arity: Option<String>,
    /// `All` or `Any`.
    #[serde(default)]
    pub multivalued_comparison_type: Option<String>,
    /// Attribute types it applies to.
    #[serde(default)]
    pub supported_attribute_types: Vec<String>,
}

/// A mapping function the job supports.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FunctionSchema {
    /// Function name, e.g. `Switch`.
    pub name: String,
    /// Parameters.
    #[serde(default)]
    pub parameters: Vec<FunctionParameter>,
}

/// A function parameter.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FunctionParameter {
    /// Name.
    pub name: String,
    /// Type.
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
    /// Required.
    #[serde(default)]
    pub required: Option<bool>,
    /// Whether it may repeat.
    #[serde(default)]
    pub allow_multiple_occurrences: Option<bool>,
}

/// Result of `parseExpression`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ParseExpressionResponse {
    /// Whether the expression parsed.
    #[serde(default)]
    pub parsing_succeeded: bool,
    /// The `attributeMappingSource` tree.
    #[serde(default)]
    pub parsed_expression: Option<Value>,
    /// Whether evaluation against the test object succeeded.
    #[serde(default)]
    pub evaluation_succeeded: Option<bool>,
    /// Evaluation result.
    #[serde(default)]
    pub evaluation_result: Option<Value>,
    /// Error, if any.
    #[serde(default)]
    pub error: Option<Value>,
}

/// Decoded result of `provisionOnDemand` (both halves arrive as JSON inside strings).
#[derive(Debug, Clone, PartialEq)]
pub struct OnDemandResult {
    /// Decoded `key`: `{result, details:{errorCode, errorMessage}}`.
    pub summary: Value,
    /// Decoded `value`: action, steps, modified properties, identities.
    pub details: Value,
}

impl OnDemandResult {
    /// `summary.result`, e.g. `Success`, `Skipped`, `Failure`.
    pub fn result(&self) -> Option<&str> {
        self.summary.get("result")?.as_str()
    }
}

/// The raw pair `provisionOnDemand` returns.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct StringPair {
    #[serde(default)]
    pub key: Option<String>,
    #[serde(default)]
    pub value: Option<String>,
}
