//! Object mappings, attribute mappings and scoping filters, normalised.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::{Deserialize, Serialize};

use super::fold_bool_string;
use crate::plan::expr;

/// One of an object mapping's flow types (`flowTypes` = `"Add, Update, Delete"`).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum FlowType {
    /// Create objects (manifest action `create`).
    Add,
    /// Update objects (`update`).
    Update,
    /// Deprovision objects (`delete`).
    Delete,
    /// A value this tool does not know, kept verbatim.
    Other(String),
}

impl FlowType {
    /// The manifest's action name (`create`, `update`, `delete`).
    pub fn action_name(&self) -> &str {
        match self {
            FlowType::Add => "create",
            FlowType::Update => "update",
            FlowType::Delete => "delete",
            FlowType::Other(s) => s,
        }
    }

    /// Graph's name (`Add`, `Update`, `Delete`).
    pub fn graph_name(&self) -> &str {
        match self {
            FlowType::Add => "Add",
            FlowType::Update => "Update",
            FlowType::Delete => "Delete",
            FlowType::Other(s) => s,
        }
    }
}

/// Splits Graph's `flowTypes` string on commas, trims, drops empties (case-insensitive).
pub fn parse_flow_types(value: &str) -> BTreeSet<FlowType> {
    value
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| match s.to_ascii_lowercase().as_str() {
            "add" => FlowType::Add,
            "update" => FlowType::Update,
            "delete" => FlowType::Delete,
            _ => FlowType::Other(s.to_owned()),
        })
        .collect()
}

/// Graph's `flowTypes` string for a set, e.g. `"Add, Update, Delete"`.
pub fn flow_types_to_graph(types: &BTreeSet<FlowType>) -> String {
    types
        .iter()
        .map(FlowType::graph_name)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Where an attribute mapping's value comes from.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MappingValue {
    /// A source attribute (`[name]`).
    Attribute(String),
    /// A constant string (booleans case-folded to `True`/`False`).
    Constant(String),
    /// An expression, in canonical form (see [`expr::canonical`]).
    Expression(String),
}

impl MappingValue {
    /// Builds the normalised value of a manifest expression: an expression that is just an
    /// attribute or just a string literal is that attribute / constant.
    pub fn from_expression(text: &str) -> Self {
        match expr::classify(text) {
            expr::Simple::Attribute(a) => MappingValue::Attribute(a),
            expr::Simple::Literal(s) => MappingValue::constant(&s),
            expr::Simple::Other(canonical) => MappingValue::Expression(canonical),
        }
    }

    /// A constant, booleans case-folded.
    pub fn constant(value: &str) -> Self {
        MappingValue::Constant(fold_bool_string(value))
    }

    /// The manifest key for this kind of value: `source`, `constant` or `expression`.
    pub fn kind_name(&self) -> &'static str {
        match self {
            MappingValue::Attribute(_) => "source",
            MappingValue::Constant(_) => "constant",
            MappingValue::Expression(_) => "expression",
        }
    }

    /// The value text (attribute name, constant, or expression).
    pub fn text(&self) -> &str {
        match self {
            MappingValue::Attribute(s)
            | MappingValue::Constant(s)
            | MappingValue::Expression(s) => s,
        }
    }
}

/// When an attribute mapping applies (Graph `flowType`).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApplyMode {
    /// `Always` (manifest `apply: always`, the default).
    Always,
    /// `ObjectAddOnly` (manifest `apply: onCreate`).
    ObjectAddOnly,
    /// Another Graph value (multi-valued modes), kept verbatim.
    Other(String),
}

impl ApplyMode {
    /// Parses Graph's `flowType`; a missing value is `Always`.
    pub fn from_graph(flow_type: Option<&str>) -> Self {
        match flow_type {
            None => ApplyMode::Always,
            Some(s) if s.eq_ignore_ascii_case("Always") => ApplyMode::Always,
            Some(s) if s.eq_ignore_ascii_case("ObjectAddOnly") => ApplyMode::ObjectAddOnly,
            Some(s) => ApplyMode::Other(s.to_owned()),
        }
    }

    /// Graph's `flowType` value.
    pub fn graph_name(&self) -> &str {
        match self {
            ApplyMode::Always => "Always",
            ApplyMode::ObjectAddOnly => "ObjectAddOnly",
            ApplyMode::Other(s) => s,
        }
    }

    /// The manifest's name (`always`, `onCreate`).
    pub fn manifest_name(&self) -> &str {
        match self {
            ApplyMode::Always => "always",
            ApplyMode::ObjectAddOnly => "onCreate",
            ApplyMode::Other(s) => s,
        }
    }
}

/// One attribute mapping, keyed by its target attribute.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct AttributeMapping {
    /// Target attribute name, e.g. `emails[type eq "work"].value`.
    pub target: String,
    /// Source attribute, constant or expression.
    pub value: MappingValue,
    /// Default value used when the source evaluates to null.
    pub default: Option<String>,
    /// Matching priority; 0 means "not a matching attribute".
    pub matching_priority: u32,
    /// Always, or only when the object is created.
    pub apply: ApplyMode,
}

/// One clause of a scoping filter (AND across clauses).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct FilterClause {
    /// Source attribute (`sourceOperandName`).
    pub attribute: String,
    /// Operator in Graph's names (`operatorName`, e.g. `EQUALS`).
    pub operator: String,
    /// Operand values (`targetOperand.values`), as given; empty for unary operators.
    /// Only operands of Boolean attributes are case-folded ([`ScopingFilter::fold_booleans`]):
    /// `EQUALS` on a string is case-sensitive (define-conditional-rules page, item d).
    pub values: Vec<String>,
}

impl FilterClause {
    /// A clause with its operands verbatim.
    pub fn new(attribute: &str, operator: &str, values: &[String]) -> Self {
        Self {
            attribute: attribute.to_owned(),
            operator: operator.to_owned(),
            values: values.to_vec(),
        }
    }

    /// Key used to compare operators: case-insensitive, spaces and underscores ignored
    /// (`NOT_EQUALS`, `not equals` and `NOT EQUALS` are the same operator).
    pub fn operator_key(&self) -> String {
        self.operator
            .trim()
            .to_ascii_uppercase()
            .replace(['_', ' '], "")
    }

    fn compare_key(&self) -> (String, String, Vec<String>) {
        (
            self.attribute.clone(),
            self.operator_key(),
            self.values.clone(),
        )
    }
}

impl fmt::Display for FilterClause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.attribute, self.operator)?;
        for v in &self.values {
            write!(f, " \"{v}\"")?;
        }
        Ok(())
    }
}

/// A scoping filter (Graph `filterGroup`): OR across filters, AND across clauses.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ScopingFilter {
    /// Filter name (the key).
    pub name: String,
    /// Clauses, sorted (their order has no meaning).
    pub clauses: Vec<FilterClause>,
}

impl ScopingFilter {
    /// Case-folds the operands (`true` → `True`) of the clauses whose attribute is Boolean,
    /// as `is_boolean` (the schema's attribute types) says; other operands stay verbatim.
    pub fn fold_booleans(&mut self, is_boolean: impl Fn(&str) -> bool) {
        let clauses = std::mem::take(&mut self.clauses)
            .into_iter()
            .map(|mut c| {
                if is_boolean(&c.attribute) {
                    c.values = c.values.iter().map(|v| fold_bool_string(v)).collect();
                }
                c
            })
            .collect();
        *self = ScopingFilter::new(std::mem::take(&mut self.name), clauses);
    }

    /// A normalised filter: clauses sorted.
    pub fn new(name: impl Into<String>, mut clauses: Vec<FilterClause>) -> Self {
        clauses.sort_by_key(FilterClause::compare_key);
        Self {
            name: name.into(),
            clauses,
        }
    }

    /// Whether two filters select the same objects (clause sets equal, operators compared
    /// case-insensitively).
    pub fn same_clauses(&self, other: &ScopingFilter) -> bool {
        let a: BTreeSet<_> = self.clauses.iter().map(FilterClause::compare_key).collect();
        let b: BTreeSet<_> = other
            .clauses
            .iter()
            .map(FilterClause::compare_key)
            .collect();
        a == b
    }

    /// The clauses as a comparable set (operators case-folded).
    pub fn clause_keys(&self) -> BTreeSet<(String, String, Vec<String>)> {
        self.clauses.iter().map(FilterClause::compare_key).collect()
    }

    /// One-line description, e.g. `department EQUALS "Engineering" and accountEnabled IS TRUE`.
    pub fn describe(&self) -> String {
        self.clauses
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(" and ")
    }
}

/// One object mapping of the job schema (e.g. users → User), normalised.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObjectMapping {
    /// Source object (`sourceObjectName`, e.g. `User`).
    pub source_object: String,
    /// Target object (`targetObjectName`, e.g. `User` or `urn:…:User`).
    pub target_object: String,
    /// Whether the mapping is enabled.
    pub enabled: bool,
    /// Flow types as a set.
    pub flow_types: BTreeSet<FlowType>,
    /// Attribute mappings keyed by target attribute.
    pub attributes: BTreeMap<String, AttributeMapping>,
    /// Scoping filters keyed by name.
    pub scoping_filters: BTreeMap<String, ScopingFilter>,
}

impl ObjectMapping {
    /// Whether this mapping maps `source` to `target`. Names compare case-insensitively and
    /// a target given as `User` matches `urn:…:User`.
    pub fn maps(&self, source: &str, target: &str) -> bool {
        object_names_match(&self.source_object, &self.target_object, source, target)
    }
}

/// Whether a live object mapping (`sourceObjectName`, `targetObjectName`) is the one a
/// manifest mapping names. Case-insensitive; a wanted `User` matches `urn:…:User`.
pub fn object_names_match(
    live_source: &str,
    live_target: &str,
    source: &str,
    target: &str,
) -> bool {
    fn same(live: &str, wanted: &str) -> bool {
        let live = live.to_ascii_lowercase();
        let wanted = wanted.to_ascii_lowercase();
        live == wanted || live.rsplit(':').next() == Some(wanted.as_str())
    }
    same(live_source, source) && same(live_target, target)
}
