//! Attribute lists of an object mapping: target attributes to add to the app's object
//! ("Edit attribute list for <app>") and source attributes to make mappable (directory
//! extensions). Each entry is an `attributeDefinition` of the job schema's directories.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::named_map::NamedMap;

/// Attributes added to one object of a directory, by name, with their prune policy.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schemars(extend("defaultSnippets" = [
    { "label": "attribute list", "description": "Add an attribute to the object's attribute list",
      "body": { "definitions": { "${1:name}": { "type": "${2|String,Integer,Boolean,DateTime,Binary,Reference|}" } } } }
]))]
pub struct AttributeList {
    /// Remove added attributes (those the synchronization template does not define) that are
    /// not listed here. Default `false`. An attribute a mapping still uses is never removed.
    #[serde(default, skip_serializing_if = "is_false")]
    pub prune: bool,
    /// Attribute definitions by name (case-sensitive, as the directory defines them).
    #[schemars(extend("defaultSnippets" = [
        { "label": "SCIM extension attribute", "body": {
            "urn:ietf:params:scim:schemas:extension:${1:CustomExtensionName}:2.0:User:${2:CustomAttribute}": { "type": "String" } } },
        { "label": "directory extension", "body": {
            "extension_${1:appIdWithoutDashes}_${2:name}": { "type": "String" } } }
    ]))]
    pub definitions: NamedMap<AttributeDefinition>,
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// One attribute definition (Graph `attributeDefinition`), with the fields the portal's
/// attribute-list editor offers.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schemars(title = "attribute definition")]
pub struct AttributeDefinition {
    /// Data type. Default `String`.
    #[serde(default, rename = "type")]
    #[schemars(extend("default" = "String"))]
    pub kind: AttributeType,
    /// Whether the attribute holds several values. Default `false`. Microsoft: multi-valued
    /// directory extensions cannot be provisioned, and custom SCIM attributes of non-gallery
    /// apps cannot be multi-valued.
    #[serde(default, skip_serializing_if = "is_false")]
    pub multivalued: bool,
    /// Whether the target requires a value (objects without one cannot be created).
    #[serde(default, skip_serializing_if = "is_false")]
    pub required: bool,
    /// Whether values compare case-sensitively ("Exact case?").
    #[serde(default, skip_serializing_if = "is_false")]
    pub case_exact: bool,
    /// For `type: Reference`: the objects of the same directory it references (e.g. `User`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub referenced_objects: Vec<String>,
    /// "API Expression": only when the connector's documentation asks for one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1))]
    pub api_expression: Option<String>,
}

/// `attributeDefinition.type`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum AttributeType {
    /// Text.
    #[default]
    String,
    /// An integer.
    Integer,
    /// `True` / `False`.
    Boolean,
    /// A date string.
    DateTime,
    /// Binary data.
    Binary,
    /// An id of another object (see `referencedObjects`).
    Reference,
}

impl AttributeType {
    /// Graph's name of the type.
    pub fn graph_name(self) -> &'static str {
        match self {
            AttributeType::String => "String",
            AttributeType::Integer => "Integer",
            AttributeType::Boolean => "Boolean",
            AttributeType::DateTime => "DateTime",
            AttributeType::Binary => "Binary",
            AttributeType::Reference => "Reference",
        }
    }

    /// The type of a Graph name (case-insensitive); `None` for one this tool does not know.
    pub fn from_graph(name: &str) -> Option<Self> {
        [
            AttributeType::String,
            AttributeType::Integer,
            AttributeType::Boolean,
            AttributeType::DateTime,
            AttributeType::Binary,
            AttributeType::Reference,
        ]
        .into_iter()
        .find(|t| t.graph_name().eq_ignore_ascii_case(name))
    }
}
