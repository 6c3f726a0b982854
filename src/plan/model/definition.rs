//! Attribute definitions of the job schema's directories (what an object mapping can map
//! from and to), normalised.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::{Deserialize, Serialize};

/// Which side of an object mapping an attribute list belongs to.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    /// The source object (Entra ID: `User`, `Group`).
    Source,
    /// The target object (the app's `User`, `Group`).
    #[default]
    Target,
}

impl Side {
    /// The manifest key of the list (`sourceAttributes`, `targetAttributes`).
    pub fn manifest_key(self) -> &'static str {
        match self {
            Side::Source => "sourceAttributes",
            Side::Target => "targetAttributes",
        }
    }

    /// The address segment (`sourceAttribute`, `targetAttribute`).
    pub fn segment(self) -> &'static str {
        match self {
            Side::Source => "sourceAttribute",
            Side::Target => "targetAttribute",
        }
    }
}

impl fmt::Display for Side {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Side::Source => "source",
            Side::Target => "target",
        })
    }
}

/// One attribute definition, the fields the manifest owns.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct AttributeDef {
    /// Name (case-sensitive).
    pub name: String,
    /// Graph type name (`String`, `Integer`, …), kept verbatim when unknown.
    pub kind: String,
    /// Multi-valued.
    pub multivalued: bool,
    /// Required.
    pub required: bool,
    /// Case-sensitive values.
    pub case_exact: bool,
    /// Referenced object names, sorted.
    pub referenced_objects: Vec<String>,
    /// API expression, if any.
    pub api_expression: Option<String>,
}

/// The attribute list of one side of one live object mapping.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObservedAttributeList {
    /// Source object of the object mapping.
    pub source_object: String,
    /// Target object of the object mapping.
    pub target_object: String,
    /// Which side.
    pub side: Side,
    /// Directory name (`Azure Active Directory`, `customappsso`).
    pub directory: String,
    /// Object name in that directory.
    pub object: String,
    /// Every attribute of the object, by name.
    pub attributes: BTreeMap<String, AttributeDef>,
    /// Names the synchronization template does not define (added by hand or by a manifest);
    /// `None` when the template's schema could not be read.
    pub added: Option<BTreeSet<String>>,
}
