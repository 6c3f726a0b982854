//! Graph payload types (our own; `src/sim` has separate ones). Field names follow Graph's
//! camelCase; unknown fields are ignored when reading.

mod directory;
pub mod lenient;
mod logs;
mod sync;

pub use directory::{
    AppRole, AppRoleAssignment, Application, ApplicationServicePrincipal, ApplicationTemplate,
    Group, NewAppRoleAssignment, ServicePrincipal, User,
};
pub use logs::{
    ErrorInformation, Identity, LogServicePrincipal, ProvisioningEntry, StatusInfo, SyncProgress,
};
pub(crate) use sync::StringPair;
pub use sync::{
    FilterOperator, FunctionParameter, FunctionSchema, JobSetting, KeyCount, KeyValue,
    OnDemandResult, ParseExpressionResponse, Quarantine, SyncError, SyncJob, SyncSchedule,
    SyncSchema, SyncSecret, SyncStatus, SyncTemplate, TaskExecution,
};
