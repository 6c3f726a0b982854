//! [`Guid`]: an object id as written in a manifest.

use std::borrow::Cow;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Serialize};

/// The pattern every GUID in a manifest must match (any case, no braces).
pub const GUID_PATTERN: &str =
    "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$";

/// A GUID (object id, tenant id, template id, app id) as written in a manifest. The JSON
/// Schema checks the shape; comparisons are case-insensitive, as in Entra.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Guid(String);

impl Guid {
    /// Wraps a GUID string (not checked here; the schema checks manifests).
    pub fn new(raw: impl Into<String>) -> Self {
        Self(raw.into())
    }

    /// The GUID as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Lower-case form, for comparing with ids Graph returns.
    pub fn normalized(&self) -> String {
        self.0.to_ascii_lowercase()
    }
}

impl PartialEq for Guid {
    fn eq(&self, other: &Self) -> bool {
        self.0.eq_ignore_ascii_case(&other.0)
    }
}

impl Eq for Guid {}

impl std::hash::Hash for Guid {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.normalized().hash(state);
    }
}

impl std::fmt::Display for Guid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl JsonSchema for Guid {
    fn schema_name() -> Cow<'static, str> {
        "Guid".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "description": "A GUID such as 72f988bf-86f1-41af-91ab-2d7cd011db47.",
            "pattern": GUID_PATTERN,
            "examples": ["72f988bf-86f1-41af-91ab-2d7cd011db47"]
        })
    }
}
