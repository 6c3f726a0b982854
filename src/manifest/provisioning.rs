//! The `provisioning` section: SCIM target, settings, attribute mappings and scoping filters.

use std::path::PathBuf;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::attributes::AttributeList;
use super::named_map::NamedMap;
use super::types::default_true;

/// Automatic user provisioning of the app (the synchronization job and its settings).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Provisioning {
    /// Provisioning status: `true` is On (job started), `false` is Off (job paused).
    /// Absent: the state is left as it is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    /// Who is provisioned: only assigned users and groups, or all users and groups.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<Scope>,
    /// Admin credentials of the SCIM target: tenant URL and secret token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credentials: Option<Credentials>,
    /// Notification email for provisioning failures.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notifications: Option<Notifications>,
    /// Accidental deletions prevention: quarantine the job when one cycle would delete more
    /// than `threshold` accounts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accidental_deletions: Option<AccidentalDeletions>,
    /// Keep accounts in the target that go out of scope instead of disabling them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skip_out_of_scope_deletions: Option<bool>,
    /// Object mappings by label. `users` defaults to User → User and `groups` to Group →
    /// Group; other labels need `sourceObject` and `targetObject`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mappings: Option<NamedMap<ObjectMapping>>,
}

/// Provisioning scope (the `SyncAll` secret).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum Scope {
    /// Sync only assigned users and groups (`SyncAll` false).
    Assigned,
    /// Sync all users and groups (`SyncAll` true).
    All,
}

/// Admin credentials of the SCIM target.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Credentials {
    /// SCIM base URL ("Tenant URL", the `BaseAddress` secret). Keeper:
    /// `https://keepersecurity.com/api/rest/scim/v2/<node id>` (or the region's host).
    #[schemars(example = &"https://keepersecurity.com/api/rest/scim/v2/1234567890")]
    pub tenant_url: String,
    /// Secret token (the `SecretToken` secret), by reference only: `{ fromEnv: VAR }` or
    /// `{ fromFile: path }`. A literal token is refused. Read at plan/apply time only.
    pub secret_token: SecretRef,
}

/// A secret by reference. The value is read at plan/apply time, never by `validate`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub enum SecretRef {
    /// Name of an environment variable holding the secret.
    FromEnv(#[schemars(regex(pattern = r"^[A-Za-z_][A-Za-z0-9_]*$"))] String),
    /// Path of a file holding the secret (relative to the manifest's directory); surrounding
    /// whitespace is trimmed.
    FromFile(PathBuf),
}

/// Notification settings (the `SyncNotificationSettings` secret).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Notifications {
    /// Notification email address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(email, example = &"it-alerts@contoso.com")]
    pub email: Option<String>,
    /// "Send an email notification when a failure occurs."
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_failure: Option<bool>,
}

/// Accidental deletions prevention.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(try_from = "RawAccidentalDeletions", into = "RawAccidentalDeletions")]
pub enum AccidentalDeletions {
    /// Prevention off.
    Disabled,
    /// Quarantine when a cycle would delete more than this many accounts.
    Threshold(u32),
}

/// Default accidental-deletion threshold of the portal.
pub const DEFAULT_DELETE_THRESHOLD: u32 = 500;

/// `{ threshold: 500 }` or `{ enabled: false }`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schemars(title = "accidental deletions")]
pub struct RawAccidentalDeletions {
    /// Whether prevention is on. Default `true`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    /// Maximum number of deletions in one cycle before the job is quarantined. Default 500.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1), example = 500)]
    pub threshold: Option<u32>,
}

impl TryFrom<RawAccidentalDeletions> for AccidentalDeletions {
    type Error = String;
    fn try_from(raw: RawAccidentalDeletions) -> Result<Self, String> {
        match (raw.enabled, raw.threshold) {
            (Some(false), None) => Ok(AccidentalDeletions::Disabled),
            (Some(false), Some(_)) => Err("`threshold` with `enabled: false`".into()),
            (_, t) => Ok(AccidentalDeletions::Threshold(
                t.unwrap_or(DEFAULT_DELETE_THRESHOLD),
            )),
        }
    }
}

impl From<AccidentalDeletions> for RawAccidentalDeletions {
    fn from(a: AccidentalDeletions) -> Self {
        match a {
            AccidentalDeletions::Disabled => RawAccidentalDeletions {
                enabled: Some(false),
                threshold: None,
            },
            AccidentalDeletions::Threshold(t) => RawAccidentalDeletions {
                enabled: None,
                threshold: Some(t),
            },
        }
    }
}

/// One object mapping (for example users or groups) of the synchronization schema.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ObjectMapping {
    /// Whether the object mapping is enabled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    /// Source object in Entra ID (`User`, `Group`). Default from the label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_object: Option<String>,
    /// Target object in the app (`User`, `Group`, or a SCIM URN). Default from the label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_object: Option<String>,
    /// Target actions (flow types). For Keeper, `delete` disables (locks) the Keeper user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("uniqueItems" = true))]
    pub actions: Option<Vec<Action>>,
    /// Remove live attribute mappings and scoping filters that are not listed. Default `true`.
    #[serde(default = "default_true")]
    pub prune: bool,
    /// Attribute mappings keyed by target attribute (unique by construction).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("defaultSnippets" = [
        { "label": "attribute mapping", "description": "Map a source attribute to a target attribute",
          "body": { "${1:targetAttribute}": { "source": "${2:sourceAttribute}" } } },
        { "label": "expression mapping", "description": "Map an expression to a target attribute",
          "body": { "${1:targetAttribute}": { "expression": "${2:Join(\" \", [givenName], [surname])}" } } }
    ]))]
    pub attributes: Option<NamedMap<AttributeSource>>,
    /// Scoping filters: an object is in scope when it matches any filter (OR); a filter
    /// matches when all its clauses do (AND).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scoping_filters: Option<Vec<ScopingFilter>>,
    /// Attributes to add to the target object's attribute list (SCIM extension or custom
    /// attributes the template does not define), as the portal's "Edit attribute list".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_attributes: Option<AttributeList>,
    /// Source attributes to make mappable: directory extensions (`extension_<appId>_<name>`,
    /// case-sensitive) the Entra directory definition does not list yet.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_attributes: Option<AttributeList>,
}

impl ObjectMapping {
    /// The source and target objects: as declared, else from the label (`users` → User,
    /// `groups` → Group, any other label names itself).
    pub fn objects(&self, label: &str) -> (String, String) {
        let default = match label {
            "users" => "User",
            "groups" => "Group",
            other => other,
        };
        (
            self.source_object
                .clone()
                .unwrap_or_else(|| default.to_owned()),
            self.target_object
                .clone()
                .unwrap_or_else(|| default.to_owned()),
        )
    }
}

/// A target action of an object mapping.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum Action {
    /// Create objects in the target (flow type `Add`).
    Create,
    /// Update objects in the target (flow type `Update`).
    Update,
    /// Delete (deprovision) objects in the target (flow type `Delete`).
    Delete,
}

impl Action {
    /// Graph's flow type name (`Add`, `Update`, `Delete`).
    pub fn graph_name(self) -> &'static str {
        match self {
            Action::Create => "Add",
            Action::Update => "Update",
            Action::Delete => "Delete",
        }
    }
}

/// The value of one target attribute: exactly one of `source`, `constant`, `expression`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(try_from = "RawAttributeSource", into = "RawAttributeSource")]
pub struct AttributeSource {
    /// Where the value comes from.
    pub kind: SourceKind,
    /// Value used when the source evaluates to null (only with a source or an expression).
    pub default: Option<String>,
    /// Matching precedence (≥ 1; lowest first) when this is a matching attribute.
    pub matching_priority: Option<u32>,
    /// When the mapping applies.
    pub apply: Apply,
}

/// Where an attribute value comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SourceKind {
    /// A source attribute of the Entra object, e.g. `userPrincipalName`.
    Attribute(String),
    /// A constant string.
    Constant(String),
    /// An expression (see [`crate::manifest::expr`]).
    Expression(String),
}

/// When an attribute mapping applies.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum Apply {
    /// On create and on every update (flow type `Always`).
    #[default]
    Always,
    /// Only when the object is created (flow type `ObjectAddOnly`).
    OnCreate,
}

impl Apply {
    /// Graph's `flowType` name.
    pub fn graph_name(self) -> &'static str {
        match self {
            Apply::Always => "Always",
            Apply::OnCreate => "ObjectAddOnly",
        }
    }

    fn is_always(&self) -> bool {
        *self == Apply::Always
    }
}

/// One attribute mapping as written in YAML.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schemars(
    title = "attribute mapping",
    extend("defaultSnippets" = [
        { "label": "source", "body": { "source": "${1:userPrincipalName}" } },
        { "label": "expression", "body": { "expression": "${1:ToLower([mail], )}" } },
        { "label": "constant", "body": { "constant": "${1:value}" } }
    ]),
    transform = exactly_one_source
)]
pub struct RawAttributeSource {
    /// Source attribute of the Entra object, e.g. `userPrincipalName`. Exactly one of
    /// `source`, `constant`, `expression`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1), example = &"userPrincipalName")]
    pub source: Option<String>,
    /// A constant value. Exactly one of `source`, `constant`, `expression`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub constant: Option<String>,
    /// An attribute-mapping expression, e.g. `Switch([IsSoftDeleted], , "False", "True",
    /// "True", "False")`. Exactly one of `source`, `constant`, `expression`. Function names
    /// are case-sensitive; attributes go in `[brackets]`, strings in double quotes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1, max = 10000))]
    pub expression: Option<String>,
    /// Value used when the source or expression is null. Not allowed with `constant`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
    /// Makes this a matching attribute: ≥ 1, lowest tried first, unique within a mapping.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1), example = 1)]
    pub matching_priority: Option<u32>,
    /// When the mapping applies: `always` (default) or `onCreate`.
    #[serde(default, skip_serializing_if = "Apply::is_always")]
    #[schemars(extend("default" = "always"))]
    pub apply: Apply,
}

fn exactly_one_source(schema: &mut schemars::Schema) {
    super::schema::exactly_one_of(
        schema,
        &["source", "constant", "expression"],
        "an attribute mapping needs one of `source`, `constant` or `expression`",
        "an attribute mapping has more than one of `source`, `constant` and `expression`: give exactly one",
    );
}

impl TryFrom<RawAttributeSource> for AttributeSource {
    type Error = String;
    fn try_from(raw: RawAttributeSource) -> Result<Self, String> {
        let kind = match (raw.source, raw.constant, raw.expression) {
            (Some(s), None, None) => SourceKind::Attribute(s),
            (None, Some(c), None) => SourceKind::Constant(c),
            (None, None, Some(e)) => SourceKind::Expression(e),
            _ => return Err("give exactly one of `source`, `constant`, `expression`".into()),
        };
        Ok(AttributeSource {
            kind,
            default: raw.default,
            matching_priority: raw.matching_priority,
            apply: raw.apply,
        })
    }
}

impl From<AttributeSource> for RawAttributeSource {
    fn from(a: AttributeSource) -> Self {
        let (mut source, mut constant, mut expression) = (None, None, None);
        match a.kind {
            SourceKind::Attribute(s) => source = Some(s),
            SourceKind::Constant(c) => constant = Some(c),
            SourceKind::Expression(e) => expression = Some(e),
        }
        RawAttributeSource {
            source,
            constant,
            expression,
            default: a.default,
            matching_priority: a.matching_priority,
            apply: a.apply,
        }
    }
}

/// A scoping filter: all its clauses must match (AND).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schemars(
    title = "scoping filter",
    extend("defaultSnippets" = [{
        "label": "scoping filter",
        "description": "A scoping filter with one clause",
        "body": { "name": "${1:Engineering only}",
                  "clauses": [ { "attribute": "${2:department}", "operator": "equals", "value": "${3:Engineering}" } ] }
    }])
)]
pub struct ScopingFilter {
    /// Title of the filter, unique within the mapping.
    #[schemars(length(min = 1), example = &"Engineering only")]
    pub name: String,
    /// Clauses, all of which must match.
    #[schemars(length(min = 1))]
    pub clauses: Vec<Clause>,
}

/// One scoping-filter clause.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Clause {
    /// Source attribute to test, e.g. `department`.
    #[schemars(length(min = 1), example = &"department")]
    pub attribute: String,
    /// Comparison operator.
    pub operator: Operator,
    /// Value to compare with: required by binary operators, refused by unary ones
    /// (`isTrue`, `isFalse`, `isNull`, `isNotNull`). Numbers and booleans are sent as strings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<ClauseValue>,
}

/// A clause value as written: a string, an integer or a boolean.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum ClauseValue {
    /// A string value.
    String(String),
    /// An integer value (for `greaterThan`, `greaterThanOrEquals`).
    Integer(i64),
    /// A boolean value.
    Boolean(bool),
}

impl std::fmt::Display for ClauseValue {
    /// The string Graph expects in `targetOperand.values` (booleans as `True`/`False`).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ClauseValue::String(s) => f.write_str(s),
            ClauseValue::Integer(i) => write!(f, "{i}"),
            ClauseValue::Boolean(true) => f.write_str("True"),
            ClauseValue::Boolean(false) => f.write_str("False"),
        }
    }
}

pub use super::operator::Operator;
