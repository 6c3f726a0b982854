//! The plan: addressed changes with before/after values, in apply order.
//!
//! A [`Plan`] is a value: it contains everything apply needs (typed [`Target`]s with the
//! resolved ids) and nothing secret (the token appears only as a fingerprint).

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::ids::{JobId, ServicePrincipalId, TenantId};

mod target;

pub use target::Target;

/// The identity of a resource, shown in plans: `app`, `assignment[group:X → User]`, …
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Address {
    /// The enterprise app (service principal).
    App,
    /// An app role assignment.
    Assignment {
        /// `group:Keeper Users`, `user:alice@contoso.com`, …
        principal: String,
        /// Role value or name.
        role: String,
    },
    /// The provisioning job.
    Job,
    /// Tenant URL and secret token.
    Credentials,
    /// Scope, notifications, deletion threshold, skip-out-of-scope.
    Settings,
    /// An object mapping.
    Mapping {
        /// Manifest label.
        label: String,
    },
    /// An attribute mapping inside an object mapping.
    Attribute {
        /// Mapping label.
        label: String,
        /// Target attribute.
        target: String,
    },
    /// An attribute definition added to the source or target object of an object mapping
    /// (`mapping[users].targetAttribute[nickName]`).
    Definition {
        /// Mapping label.
        label: String,
        /// Source (directory extension) or target (the app's attribute list).
        side: crate::plan::model::Side,
        /// Attribute name.
        name: String,
    },
    /// A scoping filter inside an object mapping.
    ScopingFilter {
        /// Mapping label.
        label: String,
        /// Filter name.
        name: String,
    },
    /// Provisioning on/off.
    State,
}

impl Address {
    /// The resource kind, e.g. `assignment`, `attribute`.
    pub fn kind(&self) -> &'static str {
        match self {
            Address::App => "app",
            Address::Assignment { .. } => "assignment",
            Address::Job => "job",
            Address::Credentials => "credentials",
            Address::Settings => "settings",
            Address::Mapping { .. } => "mapping",
            Address::Attribute { .. } => "attribute",
            Address::Definition { .. } => "attribute_definition",
            Address::ScopingFilter { .. } => "scoping_filter",
            Address::State => "state",
        }
    }
}

impl fmt::Display for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Address::App => f.write_str("app"),
            Address::Assignment { principal, role } => {
                write!(f, "assignment[{principal} → {role}]")
            }
            Address::Job => f.write_str("job"),
            Address::Credentials => f.write_str("credentials"),
            Address::Settings => f.write_str("settings"),
            Address::Mapping { label } => write!(f, "mapping[{label}]"),
            Address::Attribute { label, target } => {
                write!(f, "mapping[{label}].attribute[{target}]")
            }
            Address::Definition { label, side, name } => {
                write!(f, "mapping[{label}].{}[{name}]", side.segment())
            }
            Address::ScopingFilter { label, name } => {
                write!(f, "mapping[{label}].scopingFilter[{name}]")
            }
            Address::State => f.write_str("state"),
        }
    }
}

/// What happens to a resource.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Created (`+`).
    Create,
    /// Changed in place (`~`).
    Update,
    /// Removed (`-`).
    Delete,
}

impl Action {
    /// The plan symbol: `+`, `~`, `-`.
    pub fn symbol(self) -> char {
        match self {
            Action::Create => '+',
            Action::Update => '~',
            Action::Delete => '-',
        }
    }
}

/// A sensitive value: only ever a fingerprint.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "state")]
pub enum Sensitive {
    /// Known by fingerprint (12 hex characters).
    Fingerprint {
        /// The fingerprint.
        fingerprint: String,
    },
    /// Stored, but which value is unknown (no fingerprint tag).
    Unknown,
    /// Will be written; its fingerprint is computed once the service principal exists.
    WillBeSet,
}

/// A field value before or after a change.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "type", content = "value")]
pub enum Value {
    /// Not set.
    Unset,
    /// Plain text.
    Text(String),
    /// A boolean.
    Bool(bool),
    /// A number.
    Number(u64),
    /// An expression (diffed word by word when both sides are expressions).
    Expression(String),
    /// A set of names.
    List(Vec<String>),
    /// A secret, as a fingerprint.
    Sensitive(Sensitive),
}

impl Value {
    /// Text or unset.
    pub fn opt_text(v: Option<&str>) -> Self {
        v.map_or(Value::Unset, |s| Value::Text(s.to_owned()))
    }

    /// Bool or unset.
    pub fn opt_bool(v: Option<bool>) -> Self {
        v.map_or(Value::Unset, Value::Bool)
    }
}

/// One field of a change.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldChange {
    /// Field name as in the manifest (`tenantUrl`, `source`, `notifications.email`, …).
    pub name: String,
    /// Live value.
    pub before: Value,
    /// Desired value.
    pub after: Value,
}

impl FieldChange {
    /// A field change.
    pub fn new(name: &str, before: Value, after: Value) -> Self {
        Self {
            name: name.to_owned(),
            before,
            after,
        }
    }
}

/// One addressed change.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    /// Which resource.
    pub address: Address,
    /// Create, update or delete.
    pub action: Action,
    /// Changed fields (for a create: the new values; for a delete: the old ones).
    pub fields: Vec<FieldChange>,
    /// A short note shown beside the address (e.g. `not in manifest; prune`).
    pub note: Option<String>,
    /// Warnings about this change (changes that deprovision or reduce safety).
    pub warnings: Vec<String>,
    /// What apply needs to execute it.
    pub target: Target,
}

/// Apply step (DESIGN.md §5) a change belongs to; plans are ordered by step.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    /// 1. Find or instantiate the app, write tags.
    App,
    /// 2a. Create assignments.
    AssignmentsCreate,
    /// 2b. Delete assignments (after creates: a role change adds first).
    AssignmentsDelete,
    /// 3. Create the job.
    Job,
    /// 4. Credentials and settings (secrets PUT, token tag).
    Secrets,
    /// 5. Schema (mappings, attributes, scoping filters).
    Schema,
    /// 6. Start / pause / restart.
    State,
}

impl Change {
    /// The region note of a credentials change (`Keeper US (keepersecurity.com), node 1`),
    /// for renderers.
    pub fn region(&self) -> Option<&str> {
        match &self.target {
            Target::Credentials { region, .. } => region.as_deref(),
            _ => None,
        }
    }

    /// The apply step of this change.
    pub fn step(&self) -> Step {
        match (&self.address, self.action) {
            (Address::App, _) => Step::App,
            (Address::Assignment { .. }, Action::Delete) => Step::AssignmentsDelete,
            (Address::Assignment { .. }, _) => Step::AssignmentsCreate,
            (Address::Job, _) => Step::Job,
            (Address::Credentials | Address::Settings, _) => Step::Secrets,
            (Address::Mapping { .. } | Address::Attribute { .. }, _) => Step::Schema,
            (Address::ScopingFilter { .. } | Address::Definition { .. }, _) => Step::Schema,
            (Address::State, _) => Step::State,
        }
    }
}

/// Counts for the summary line.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    /// Creates.
    pub add: usize,
    /// Updates.
    pub change: usize,
    /// Deletes.
    pub remove: usize,
}

/// The result of a diff: what apply would change, in apply order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plan {
    /// Manifest `name`.
    pub name: String,
    /// App display name (desired).
    pub display_name: String,
    /// Tenant guard from the manifest.
    pub tenant_id: Option<TenantId>,
    /// Service principal of the managed app, if it exists.
    pub service_principal_id: Option<ServicePrincipalId>,
    /// Provisioning job, if it exists.
    pub job_id: Option<JobId>,
    /// Changes in apply (dependency) order; deterministic.
    pub changes: Vec<Change>,
    /// Warnings not tied to one change.
    pub warnings: Vec<String>,
    /// `plan --impact`: who each deprovisioning change takes out of scope.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub impacts: Vec<super::impact::Impact>,
}

impl Plan {
    /// Whether apply would do nothing.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    /// Counts of creates, updates and deletes.
    pub fn summary(&self) -> Summary {
        let mut s = Summary::default();
        for c in &self.changes {
            match c.action {
                Action::Create => s.add += 1,
                Action::Update => s.change += 1,
                Action::Delete => s.remove += 1,
            }
        }
        s
    }

    /// Every warning: the plan's and each change's (prefixed with its address).
    pub fn all_warnings(&self) -> Vec<String> {
        let mut all = self.warnings.clone();
        for c in &self.changes {
            all.extend(c.warnings.iter().map(|w| format!("{}: {w}", c.address)));
        }
        all
    }
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Plan: {} to add, {} to change, {} to remove.",
            self.add, self.change, self.remove
        )
    }
}
