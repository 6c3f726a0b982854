//! Scoping-filter operators and the one table that maps them to Graph's names.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A scoping-filter operator (camelCase in the manifest).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum Operator {
    /// Equal to `value` (case-sensitive).
    Equals,
    /// Not equal to `value` (case-sensitive).
    NotEquals,
    /// The attribute is true (unary).
    IsTrue,
    /// The attribute is false (unary).
    IsFalse,
    /// The attribute is null or empty (unary).
    IsNull,
    /// The attribute is not null (unary).
    IsNotNull,
    /// Matches the regular expression `value`.
    RegexMatch,
    /// Does not match the regular expression `value` (false on null).
    NotRegexMatch,
    /// Integer greater than `value` (an integer; the attribute must be an integer).
    GreaterThan,
    /// Integer greater than or equal to `value` (an integer).
    GreaterThanOrEquals,
    /// The attribute contains the string `value` (case-sensitive).
    Includes,
    /// The attribute ends with the string `value`.
    EndsWith,
    /// The attribute's value exists in the string `value` (Graph `&`: "returns true if the
    /// evaluated attribute exists in the input string value"; not a bitwise AND).
    ContainedIn,
    /// The attribute's value does not exist in the string `value` (Graph `!&`).
    NotContainedIn,
}

/// `(operator, manifest name, Graph operatorName, unary)`: the single mapping table.
/// Graph's names are the spaced names of the beta `filterOperators` example and, for the
/// others, the portal names of `define-conditional-rules-for-provisioning-user-accounts.md`;
/// the authoritative list per job comes from `GET …/schema/filterOperators`, checked at plan
/// time (and apply writes the job's own spelling).
const TABLE: [(Operator, &str, &str, bool); 14] = [
    (Operator::Equals, "equals", "EQUALS", false),
    (Operator::NotEquals, "notEquals", "NOT EQUALS", false),
    (Operator::IsTrue, "isTrue", "IS TRUE", true),
    (Operator::IsFalse, "isFalse", "IS FALSE", true),
    (Operator::IsNull, "isNull", "IS NULL", true),
    (Operator::IsNotNull, "isNotNull", "IS NOT NULL", true),
    (Operator::RegexMatch, "regexMatch", "REGEX MATCH", false),
    (
        Operator::NotRegexMatch,
        "notRegexMatch",
        "NOT REGEX MATCH",
        false,
    ),
    (Operator::GreaterThan, "greaterThan", "Greater_Than", false),
    (
        Operator::GreaterThanOrEquals,
        "greaterThanOrEquals",
        "Greater_Than_OR_EQUALS",
        false,
    ),
    (Operator::Includes, "includes", "Includes", false),
    (Operator::EndsWith, "endsWith", "ENDS_WITH", false),
    (Operator::ContainedIn, "containedIn", "&", false),
    (Operator::NotContainedIn, "notContainedIn", "!&", false),
];

impl Operator {
    /// Every operator, in table order.
    pub const ALL: [Operator; 14] = {
        let mut all = [Operator::Equals; 14];
        let mut i = 0;
        while i < 14 {
            all[i] = TABLE[i].0;
            i += 1;
        }
        all
    };

    fn row(self) -> &'static (Operator, &'static str, &'static str, bool) {
        // The table lists every variant exactly once (tested), in declaration order.
        &TABLE[self as usize]
    }

    /// The name used in manifests (`notEquals`).
    pub fn manifest_name(self) -> &'static str {
        self.row().1
    }

    /// Graph's `operatorName` (`NOT EQUALS`).
    pub fn graph_name(self) -> &'static str {
        self.row().2
    }

    /// The kind of `value` the documentation asks for: `Some("integer")` for the
    /// comparisons (`Greater_Than…`: "the value … must be an integer"), `Some("string")`
    /// for the string tests, `None` for the others and for unary operators.
    pub fn value_kind(self) -> Option<&'static str> {
        match self {
            Operator::GreaterThan | Operator::GreaterThanOrEquals => Some("integer"),
            Operator::Includes
            | Operator::EndsWith
            | Operator::ContainedIn
            | Operator::NotContainedIn => Some("string"),
            _ => None,
        }
    }

    /// Whether the operator takes no `value`.
    pub fn is_unary(self) -> bool {
        self.row().3
    }

    /// Parses a Graph `operatorName`, tolerating case and `_`/space differences
    /// (`NOT_EQUALS`, `not equals` and `NOT EQUALS` are the same operator).
    pub fn from_graph_name(name: &str) -> Option<Operator> {
        let norm = |s: &str| s.trim().to_ascii_uppercase().replace(['_', ' '], "");
        let wanted = norm(name);
        TABLE.iter().find(|r| norm(r.2) == wanted).map(|r| r.0)
    }

    /// Parses a manifest name (`notEquals`).
    pub fn from_manifest_name(name: &str) -> Option<Operator> {
        TABLE.iter().find(|r| r.1 == name).map(|r| r.0)
    }
}

impl std::fmt::Display for Operator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.manifest_name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_rows_are_in_declaration_order_and_round_trip() {
        for (i, row) in TABLE.iter().enumerate() {
            assert_eq!(row.0 as usize, i);
            assert_eq!(Operator::from_graph_name(row.2), Some(row.0));
            assert_eq!(Operator::from_manifest_name(row.1), Some(row.0));
            let json = serde_json::to_value(row.0).unwrap();
            assert_eq!(json, serde_json::Value::String(row.1.into()));
        }
        assert_eq!(
            Operator::from_graph_name("not_equals"),
            Some(Operator::NotEquals)
        );
        assert!(Operator::IsNull.is_unary() && !Operator::Equals.is_unary());
    }
}
