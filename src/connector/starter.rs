//! Starter manifests (`entraprov init`): what each connector proposes as a first manifest.
//! The data lives with each connector ([`super::Connector::starter`]); `cli/init.rs`
//! renders it.

/// Schema URL used in the modeline by default.
pub const SCHEMA_URL: &str =
    "https://github.com/entraprov/entraprov/raw/main/schemas/entraprov.schema.json";

/// What `init` needs to know about a connector.
#[derive(Debug)]
pub struct Starter {
    /// Product name for the header comment.
    pub product: &'static str,
    /// Default `--name`.
    pub default_name: &'static str,
    /// `app.displayName` from the manifest name.
    pub display_name: fn(&str) -> String,
    /// Lines under `app:` after `displayName` (gallery/templateId, connector).
    pub app_lines: &'static [&'static str],
    /// Example group for the assignment; `None` writes the assignments section commented
    /// out (not managed until the user names a group).
    pub example_group: Option<&'static str>,
    /// App role to suggest.
    pub suggested_role: &'static str,
    /// Comment on the role line.
    pub role_note: &'static str,
    /// Example tenant URL when `--tenant-url` is not given.
    pub example_tenant_url: &'static str,
    /// How to find the real tenant URL.
    pub tenant_url_hint: &'static str,
    /// Environment variable for the token.
    pub token_env: &'static str,
    /// Default object mappings.
    pub mappings: &'static [Mapping],
}

/// One object mapping of a starter.
#[derive(Debug)]
pub struct Mapping {
    /// Label (`users`, `groups`).
    pub label: &'static str,
    /// Comment lines above the mapping.
    pub notes: &'static [&'static str],
    /// Flow list as written, e.g. `create, update, delete`.
    pub actions: &'static str,
    /// Comment on the actions line.
    pub actions_note: Option<&'static str>,
    /// Attribute mappings.
    pub attributes: &'static [Attribute],
}

/// One default attribute mapping.
#[derive(Debug)]
pub struct Attribute {
    /// Target attribute.
    pub target: &'static str,
    /// Where the value comes from.
    pub source: StarterSource,
    /// Matching priority, for matching attributes.
    pub matching_priority: Option<u32>,
    /// Trailing comment.
    pub note: Option<&'static str>,
}

/// Source of a default attribute mapping.
#[derive(Debug)]
pub enum StarterSource {
    /// A source attribute.
    Attribute(&'static str),
    /// An expression.
    Expression(&'static str),
}

pub const fn attr(target: &'static str, source: &'static str) -> Attribute {
    Attribute {
        target,
        source: StarterSource::Attribute(source),
        matching_priority: None,
        note: None,
    }
}

pub const ACTIVE: Attribute = Attribute {
    target: "active",
    source: StarterSource::Expression(
        r#"Switch([IsSoftDeleted], , "False", "True", "True", "False")"#,
    ),
    matching_priority: None,
    note: Some("soft-deleted in Entra → inactive (locked) in the app"),
};

pub const GROUPS: Mapping = Mapping {
    label: "groups",
    notes: &[],
    actions: "create, update, delete",
    actions_note: None,
    attributes: &[
        Attribute {
            matching_priority: Some(1),
            ..attr("displayName", "displayName")
        },
        attr("externalId", "objectId"),
        attr("members", "members"),
    ],
};
