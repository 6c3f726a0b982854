//! The typed manifest (`apiVersion: entraprov/v1`, `kind: EnterpriseApp`).
//!
//! These types are the single source of truth for the manifest: serde reads them, schemars
//! turns their doc comments into the JSON Schema (`schemas/entraprov.schema.json`) and the
//! field reference (`docs/manifest.md`). Wherever the manifest says "exactly one of", the
//! public type is an enum; the YAML shape lives in a private `Raw*` struct that carries the
//! schema, and `TryFrom` converts. By the time a [`Manifest`] exists, the loader has already
//! reported every structural problem with a location, so the conversions never fail on a
//! manifest that came through [`crate::manifest::load_paths`].
//!
//! Semantics shared by every field: a field that is absent (`None`) is *not managed*: plan
//! and apply leave the live value alone. Declared lists are exact unless `prune: false`.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub use super::attributes::{AttributeDefinition, AttributeList, AttributeType};
pub use super::guid::Guid;
pub use super::named_map::NamedMap;
pub use super::provisioning::{
    AccidentalDeletions, Action, Apply, AttributeSource, Clause, ClauseValue, Credentials,
    DEFAULT_DELETE_THRESHOLD, Notifications, ObjectMapping, Operator, Provisioning,
    RawAccidentalDeletions, RawAttributeSource, Scope, ScopingFilter, SecretRef, SourceKind,
};
use crate::ids::{PrincipalId, TenantId};

/// The `apiVersion` this build understands.
pub const API_VERSION: &str = "entraprov/v1";

/// A whole manifest file: one enterprise app, end to end.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schemars(
    title = "entraprov manifest",
    extend("examples" = [{
        "apiVersion": "entraprov/v1",
        "kind": "EnterpriseApp",
        "name": "keeper-prod",
        "app": { "displayName": "Keeper (prod)", "gallery": "Keeper Password Manager & Digital Vault" }
    }])
)]
pub struct Manifest {
    /// Optional URL or path of this JSON Schema, for editors that read a `$schema` key.
    /// entraprov ignores it.
    #[serde(rename = "$schema", default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
    /// Manifest format version. Always `entraprov/v1`.
    pub api_version: ApiVersion,
    /// Kind of resource the manifest describes. Always `EnterpriseApp`.
    pub kind: Kind,
    /// Stable handle of the app: lower-case letters, digits and `-`, 1 to 63 characters. It is
    /// written on the service principal as the tag `entraprov:<name>` and is how entraprov finds
    /// the app again; renaming it makes entraprov treat the app as a new one. Must be unique
    /// across a directory of manifests.
    #[schemars(regex(pattern = r"^[a-z0-9-]{1,63}$"), example = &"keeper-prod")]
    pub name: String,
    /// Optional guard: the directory (tenant) id this manifest belongs to. entraprov refuses to
    /// write when the access token is for another tenant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenant_id: Option<Guid>,
    /// The enterprise app: where it comes from (gallery entry) and its display name.
    pub app: App,
    /// Who is assigned to the app, and with which app role. Absent: assignments are not managed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assignments: Option<Assignments>,
    /// Automatic user provisioning: SCIM target, scope, state, attribute mappings and scoping
    /// filters. Absent: provisioning is not managed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provisioning: Option<Provisioning>,
}

impl Manifest {
    /// The tenant guard as a typed id.
    pub fn tenant(&self) -> Option<TenantId> {
        self.tenant_id.as_ref().map(|g| TenantId::new(g.as_str()))
    }
}

/// Manifest format version.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum ApiVersion {
    /// Version 1 of the entraprov manifest format.
    #[serde(rename = "entraprov/v1")]
    V1,
}

/// Kind of resource a manifest describes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum Kind {
    /// An enterprise app (service principal) with its assignments and provisioning.
    EnterpriseApp,
}

/// The enterprise app and the gallery entry (application template) it is created from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schemars(transform = exactly_one_of_gallery_and_template_id)]
pub struct App {
    /// Display name of the enterprise app (and of its application object).
    #[schemars(length(min = 1, max = 256), example = &"Keeper (prod)")]
    pub display_name: String,
    /// Gallery entry (application template) by exact display name. Give exactly one of
    /// `gallery` and `templateId`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(example = &"Keeper Password Manager & Digital Vault")]
    pub gallery: Option<String>,
    /// Gallery entry (application template) by object id. Give exactly one of `gallery` and
    /// `templateId`. The non-gallery SCIM app is `8adf8e6e-67b2-4cf2-a259-e3dc5476c621`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template_id: Option<Guid>,
    /// Adopt an existing app by its application (client) id instead of finding it by the
    /// `entraprov:<name>` tag. entraprov tags it on the first apply.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_id: Option<Guid>,
    /// Connector whose lints and preflight checks apply. Optional: inferred from `gallery`
    /// (for example "Keeper Password Manager & Digital Vault" means `keeper`); otherwise `scim`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connector: Option<ConnectorName>,
}

fn exactly_one_of_gallery_and_template_id(schema: &mut schemars::Schema) {
    super::schema::exactly_one_of(
        schema,
        &["gallery", "templateId"],
        "`app` needs `gallery` or `templateId`",
        "`app` has both `gallery` and `templateId`: give exactly one",
    );
}

/// Where the app comes from: exactly one of a gallery display name or a template id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TemplateRef {
    /// Application template by exact display name.
    Gallery(String),
    /// Application template by object id.
    Id(Guid),
}

impl App {
    /// The application template to instantiate, or `None` when the manifest gives neither or
    /// both (the loader reports that as `E0111`).
    pub fn template(&self) -> Option<TemplateRef> {
        match (&self.gallery, &self.template_id) {
            (Some(g), None) => Some(TemplateRef::Gallery(g.clone())),
            (None, Some(id)) => Some(TemplateRef::Id(id.clone())),
            _ => None,
        }
    }
}

/// Connectors entraprov has specific knowledge of.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum ConnectorName {
    /// Keeper Password Manager & Digital Vault (SCIM): tenant URL pattern, same source for
    /// `userName` and the work email, Default Access refused, delete means lock.
    Keeper,
    /// Any SCIM 2.0 app (gallery or non-gallery) with no app-specific rules.
    Scim,
}

/// App role assignments: who is in scope of the app.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Assignments {
    /// Remove live assignments that are not listed. Default `true`.
    #[serde(default = "default_true")]
    pub prune: bool,
    /// The assigned users and groups, each with an app role.
    #[serde(default)]
    pub principals: Vec<Assignment>,
}

/// One app role assignment: a user or a group, and the app role.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(try_from = "RawAssignment", into = "RawAssignment")]
pub struct Assignment {
    /// The user or group.
    pub principal: PrincipalRef,
    /// App role by value or display name.
    pub role: String,
}

/// A user or a group, by name or by object id.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum PrincipalRef {
    /// A group, by exact display name or object id.
    Group(PrincipalSelector),
    /// A user, by user principal name or object id.
    User(PrincipalSelector),
}

impl PrincipalRef {
    /// `group` or `user`.
    pub fn kind(&self) -> &'static str {
        match self {
            PrincipalRef::Group(_) => "group",
            PrincipalRef::User(_) => "user",
        }
    }

    /// The name or id.
    pub fn selector(&self) -> &PrincipalSelector {
        match self {
            PrincipalRef::Group(s) | PrincipalRef::User(s) => s,
        }
    }
}

impl std::fmt::Display for PrincipalRef {
    /// `group:Keeper Users`, `user:alice@contoso.com`, `group:{id}` style.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.kind(), self.selector())
    }
}

/// A principal by name, or by `{ id: <object id> }`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum PrincipalSelector {
    /// Group display name (must match exactly one group) or user principal name.
    Name(#[schemars(length(min = 1))] String),
    /// Object id of the user or group.
    Id(ObjectIdRef),
}

impl PrincipalSelector {
    /// The object id when the manifest gives one.
    pub fn id(&self) -> Option<PrincipalId> {
        match self {
            PrincipalSelector::Id(r) => Some(PrincipalId::new(r.id.as_str())),
            PrincipalSelector::Name(_) => None,
        }
    }
}

impl std::fmt::Display for PrincipalSelector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PrincipalSelector::Name(n) => f.write_str(n),
            PrincipalSelector::Id(r) => write!(f, "{{id: {}}}", r.id),
        }
    }
}

/// `{ id: <object id> }`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ObjectIdRef {
    /// Object id (GUID) of the user or group.
    pub id: Guid,
}

/// One app role assignment as written in YAML: exactly one of `group` and `user`, and `role`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schemars(
    title = "assignment",
    extend("defaultSnippets" = [
        { "label": "group assignment", "description": "Assign a group with an app role",
          "body": { "group": "${1:Group display name}", "role": "${2:User}" } },
        { "label": "user assignment", "description": "Assign a user with an app role",
          "body": { "user": "${1:alice@contoso.com}", "role": "${2:User}" } }
    ])
)]
pub struct RawAssignment {
    /// A group: its exact display name (must match exactly one group) or `{ id: <guid> }`.
    /// Give exactly one of `group` and `user`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<PrincipalSelector>,
    /// A user: its user principal name or `{ id: <guid> }`. Give exactly one of `group` and
    /// `user`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<PrincipalSelector>,
    /// App role by value or display name, for example `User`. "Default Access"
    /// (`msiam_access`) is refused for Keeper, which excludes such users from provisioning.
    #[schemars(length(min = 1), example = &"User")]
    pub role: String,
}

impl TryFrom<RawAssignment> for Assignment {
    type Error = String;
    fn try_from(raw: RawAssignment) -> Result<Self, String> {
        let principal = match (raw.group, raw.user) {
            (Some(g), None) => PrincipalRef::Group(g),
            (None, Some(u)) => PrincipalRef::User(u),
            _ => return Err("give exactly one of `group` and `user`".into()),
        };
        Ok(Assignment {
            principal,
            role: raw.role,
        })
    }
}

impl From<Assignment> for RawAssignment {
    fn from(a: Assignment) -> Self {
        let (group, user) = match a.principal {
            PrincipalRef::Group(g) => (Some(g), None),
            PrincipalRef::User(u) => (None, Some(u)),
        };
        RawAssignment {
            group,
            user,
            role: a.role,
        }
    }
}

pub(super) fn default_true() -> bool {
    true
}
