//! Desired and observed state of one managed app, in the normalised model.
//!
//! Desired state comes from the manifest ([`super::desired::from_manifest`]) and carries
//! *references* (a group's display name, a role's value). Observed state comes from
//! `observe` and carries the live objects plus the *resolutions* of those references, so the
//! diff can match one against the other without any I/O.

use std::collections::{BTreeMap, BTreeSet};

use secrecy::SecretString;
use serde::{Deserialize, Serialize};

use crate::ids::{
    AppId, ApplicationTemplateId, AssignmentId, JobId, PrincipalId, ServicePrincipalId,
    SyncTemplateId, TenantId,
};

use super::model::{
    AppRole, AttributeDef, AttributeMapping, FlowType, ObjectMapping, ObservedAttributeList,
    PrincipalKind, PrincipalRef, RunState, ScopingFilter, Settings, TokenState,
};

/// The gallery template an app comes from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TemplateRef {
    /// By gallery display name.
    Gallery(String),
    /// By application template id.
    Id(ApplicationTemplateId),
}

/// Everything the manifest declares about one app. `None` / absent means "not mentioned":
/// the diff never touches it.
#[derive(Debug)]
pub struct DesiredState {
    /// The manifest's `name` (the `entraprov:<name>` tag).
    pub name: String,
    /// Optional tenant guard.
    pub tenant_id: Option<TenantId>,
    /// The app.
    pub app: DesiredApp,
    /// Assignments, if the manifest has an `assignments` section.
    pub assignments: Option<DesiredAssignments>,
    /// Provisioning, if the manifest has a `provisioning` section.
    pub provisioning: Option<DesiredProvisioning>,
}

/// The app as declared.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DesiredApp {
    /// Display name.
    pub display_name: String,
    /// Gallery template.
    pub template: TemplateRef,
    /// Adopt this existing app instead of finding it by tag.
    pub app_id: Option<AppId>,
}

/// The declared assignments list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DesiredAssignments {
    /// Remove live assignments that are not declared.
    pub prune: bool,
    /// Declared principals with their role references.
    pub items: Vec<DesiredAssignment>,
}

/// One declared assignment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DesiredAssignment {
    /// Who.
    pub principal: PrincipalRef,
    /// App role by value or display name.
    pub role: String,
}

/// The declared provisioning section.
#[derive(Debug, Default)]
pub struct DesiredProvisioning {
    /// On/off, if declared.
    pub enabled: Option<bool>,
    /// SCIM credentials, if declared.
    pub credentials: Option<DesiredCredentials>,
    /// Settings; each `None` field is not mentioned.
    pub settings: Settings,
    /// Object mappings by label (`users`, `groups`, …).
    pub mappings: BTreeMap<String, DesiredMapping>,
}

/// Declared SCIM credentials. The token is resolved from its reference by the caller.
#[derive(Debug)]
pub struct DesiredCredentials {
    /// Tenant URL (`BaseAddress`).
    pub tenant_url: Option<String>,
    /// Secret token (`SecretToken`), already read from its env var / file.
    pub secret_token: Option<SecretString>,
    /// The data centre the tenant URL names, from the app's connector
    /// ([`desired::tenant_region`](super::desired::tenant_region)), for plan output:
    /// `Keeper EU (keepersecurity.eu), node 345074852429829`. `None` for apps without regions.
    pub region: Option<String>,
}

/// A declared list keyed by name, with its prune policy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DesiredList<T> {
    /// Remove live entries that are not declared.
    pub prune: bool,
    /// Entries by key.
    pub items: BTreeMap<String, T>,
}

impl<T> Default for DesiredList<T> {
    fn default() -> Self {
        Self {
            prune: true,
            items: BTreeMap::new(),
        }
    }
}

/// A declared object mapping.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DesiredMapping {
    /// Source object name (`User`).
    pub source_object: String,
    /// Target object name (`User`).
    pub target_object: String,
    /// Enabled, if declared.
    pub enabled: Option<bool>,
    /// Flow types, if declared (`actions`).
    pub flow_types: Option<BTreeSet<FlowType>>,
    /// Attribute mappings by target attribute, if declared.
    pub attributes: Option<DesiredList<AttributeMapping>>,
    /// Scoping filters by name, if declared.
    pub scoping_filters: Option<DesiredList<ScopingFilter>>,
    /// Attributes to add to the target object's attribute list, if declared.
    pub target_attributes: Option<DesiredList<AttributeDef>>,
    /// Source attributes (directory extensions) to add, if declared.
    pub source_attributes: Option<DesiredList<AttributeDef>>,
}

/// What the live tenant holds for one manifest, already normalised. Plain data: it can be
/// saved as JSON, and its [`fingerprint`](super::saved::observed_fingerprint) detects
/// stale plans. It never contains a secret value.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObservedState {
    /// The gallery template the manifest names, if found.
    pub template: Option<ResolvedTemplate>,
    /// The managed app, if found (by tag or `appId`).
    pub app: Option<ObservedApp>,
    /// Untagged apps with the same display name and template (reported, never adopted).
    pub untagged_candidates: Vec<AppCandidate>,
    /// Resolutions of the manifest's principal references.
    pub principals: Vec<ResolvedPrincipal>,
    /// Live app role assignments of the service principal.
    pub assignments: Vec<ObservedAssignment>,
    /// The provisioning job, if any.
    pub job: Option<ObservedJob>,
    /// SCIM credentials as far as they can be read.
    pub credentials: ObservedCredentials,
    /// Settings read from the secrets.
    pub settings: Settings,
    /// Object mappings of the job schema.
    pub mappings: Vec<ObjectMapping>,
    /// The attribute lists (directory definitions) each object mapping maps from and to.
    #[serde(default)]
    pub attribute_lists: Vec<ObservedAttributeList>,
}

impl ObservedState {
    /// The resolved id of a principal reference, if observe found it.
    pub fn resolve_principal(&self, reference: &PrincipalRef) -> Option<&ResolvedPrincipal> {
        self.principals.iter().find(|p| &p.reference == reference)
    }
}

/// A gallery template found by name or id.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResolvedTemplate {
    /// Template id.
    pub id: ApplicationTemplateId,
    /// Template display name.
    pub display_name: String,
}

/// The managed app as observed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObservedApp {
    /// Service principal object id.
    pub service_principal_id: ServicePrincipalId,
    /// Application (client) id.
    pub app_id: AppId,
    /// Display name of the service principal.
    pub display_name: String,
    /// Template it was instantiated from, if known.
    pub template_id: Option<ApplicationTemplateId>,
    /// Service principal tags.
    pub tags: BTreeSet<String>,
    /// App roles declared on the service principal.
    pub roles: Vec<AppRole>,
}

/// An app that looks like the managed one but carries no `entraprov:<name>` tag.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppCandidate {
    /// Service principal object id.
    pub service_principal_id: ServicePrincipalId,
    /// Application (client) id.
    pub app_id: AppId,
    /// Display name.
    pub display_name: String,
}

/// A manifest principal reference and the object it resolved to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResolvedPrincipal {
    /// The reference as written in the manifest.
    pub reference: PrincipalRef,
    /// Object id.
    pub id: PrincipalId,
    /// Display name (for users, their UPN reads better).
    pub display: String,
}

/// A live app role assignment.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ObservedAssignment {
    /// Assignment id (for deletion).
    pub id: AssignmentId,
    /// User or group.
    pub principal_kind: PrincipalKind,
    /// Principal object id.
    pub principal_id: PrincipalId,
    /// How to show the principal (UPN when known, else display name).
    pub principal_name: String,
    /// Role id.
    pub role_id: crate::ids::AppRoleId,
}

/// The provisioning job as observed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObservedJob {
    /// Job id (opaque).
    pub id: JobId,
    /// Synchronization template id.
    pub template_id: SyncTemplateId,
    /// On/off from `schedule.state`.
    pub state: RunState,
}

/// SCIM credentials as observed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObservedCredentials {
    /// `BaseAddress`, if set.
    pub tenant_url: Option<String>,
    /// What is known of `SecretToken`.
    pub token: TokenState,
}

impl Default for ObservedCredentials {
    fn default() -> Self {
        Self {
            tenant_url: None,
            token: TokenState::Absent,
        }
    }
}
