//! The synchronization catalogue: expression functions with their parameters
//! (`schema/functions`) and scoping-filter operators (`schema/filterOperators`).

use serde_json::{Value, json};

/// A function parameter: `(name, required, allowMultipleOccurrences)`.
pub type Param = (&'static str, bool, bool);

/// Expression functions and their positional parameters.
pub const FUNCTIONS: &[(&str, &[Param])] = &[
    (
        "Append",
        &[("source", true, false), ("suffix", true, false)],
    ),
    ("AppRoleAssignments", &[("source", true, false)]),
    ("AppRoleAssignmentsComplex", &[("source", true, false)]),
    (
        "BitAnd",
        &[("value1", true, false), ("value2", true, false)],
    ),
    ("CBool", &[("expression", true, false)]),
    ("CDate", &[("expression", true, false)]),
    ("Coalesce", &[("source", true, true)]),
    ("ConvertToBase64", &[("source", true, false)]),
    ("ConvertToUTF8Hex", &[("source", true, false)]),
    ("Count", &[("attribute", true, false)]),
    ("CStr", &[("value", true, false)]),
    (
        "DateAdd",
        &[
            ("interval", true, false),
            ("value", true, false),
            ("dateTime", true, false),
        ],
    ),
    (
        "DateDiff",
        &[
            ("interval", true, false),
            ("date1", true, false),
            ("date2", true, false),
        ],
    ),
    ("DateFromNum", &[("value", true, false)]),
    ("DefaultDomain", &[]),
    (
        "FormatDateTime",
        &[
            ("source", true, false),
            ("dateTimeStyles", false, false),
            ("inputFormat", true, false),
            ("outputFormat", true, false),
        ],
    ),
    ("Guid", &[]),
    ("IgnoreFlowIfNullOrEmpty", &[("expression", true, false)]),
    (
        "IIF",
        &[
            ("condition", true, false),
            ("valueIfTrue", true, false),
            ("valueIfFalse", true, false),
        ],
    ),
    (
        "InStr",
        &[
            ("value1", true, false),
            ("value2", true, false),
            ("start", false, false),
            ("compareType", false, false),
        ],
    ),
    ("IsNull", &[("expression", true, false)]),
    ("IsNullOrEmpty", &[("expression", true, false)]),
    ("IsPresent", &[("expression", true, false)]),
    ("IsString", &[("expression", true, false)]),
    (
        "Item",
        &[("attribute", true, false), ("index", true, false)],
    ),
    (
        "Join",
        &[("separator", true, false), ("source", true, true)],
    ),
    (
        "Left",
        &[("source", true, false), ("numChars", true, false)],
    ),
    (
        "Mid",
        &[
            ("source", true, false),
            ("start", true, false),
            ("length", true, false),
        ],
    ),
    ("NormalizeDiacritics", &[("source", true, false)]),
    ("Not", &[("source", true, false)]),
    ("Now", &[]),
    ("NumFromDate", &[("value", true, false)]),
    (
        "PCase",
        &[("source", true, false), ("wordSeparators", false, false)],
    ),
    (
        "RandomString",
        &[
            ("length", true, false),
            ("minimumNumbers", true, false),
            ("minimumSpecialCharacters", true, false),
            ("minimumCapital", true, false),
            ("minimumLowerCase", true, false),
            ("charactersToAvoid", false, false),
        ],
    ),
    ("Redact", &[("source", true, false)]),
    ("RemoveDuplicates", &[("attribute", true, false)]),
    (
        "Replace",
        &[
            ("source", true, false),
            ("oldValue", false, false),
            ("regexPattern", false, false),
            ("regexGroupName", false, false),
            ("replacementValue", false, false),
            ("replacementAttributeName", false, false),
            ("template", false, false),
        ],
    ),
    ("SelectUniqueValue", &[("uniqueValueRule", true, true)]),
    ("SingleAppRoleAssignment", &[("source", true, false)]),
    (
        "Split",
        &[("source", true, false), ("delimiter", true, false)],
    ),
    ("StripSpaces", &[("source", true, false)]),
    (
        "Switch",
        &[
            ("source", true, false),
            ("defaultValue", false, false),
            ("key", true, true),
            ("value", true, true),
        ],
    ),
    (
        "ToLower",
        &[("source", true, false), ("culture", false, false)],
    ),
    (
        "ToUpper",
        &[("source", true, false), ("culture", false, false)],
    ),
    (
        "Word",
        &[
            ("source", true, false),
            ("wordNumber", true, false),
            ("delimiters", true, false),
        ],
    ),
];

/// The parameters of a function (names are case-sensitive).
pub fn function(name: &str) -> Option<&'static [Param]> {
    FUNCTIONS.iter().find(|(n, _)| *n == name).map(|(_, p)| *p)
}

/// `GET …/schema/functions` items.
pub fn functions_json() -> Vec<Value> {
    FUNCTIONS
        .iter()
        .map(|(name, params)| {
            json!({
                "name": name,
                "parameters": params.iter().map(|(p, req, multi)| json!({
                    "name": p, "type": "String", "required": req, "allowMultipleOccurrences": multi,
                })).collect::<Vec<_>>(),
            })
        })
        .collect()
}

/// Scoping-filter operators: `(name, arity, supported attribute types)`.
pub const OPERATORS: &[(&str, &str, &[&str])] = &[
    (
        "EQUALS",
        "Binary",
        &["String", "Integer", "Reference", "Boolean"],
    ),
    (
        "NOT_EQUALS",
        "Binary",
        &["String", "Integer", "Reference", "Boolean"],
    ),
    ("ENDS_WITH", "Binary", &["String"]),
    ("GREATER_THAN", "Binary", &["Integer"]),
    ("GREATER_THAN_OR_EQUALS", "Binary", &["Integer"]),
    ("Includes", "Binary", &["String"]),
    ("IS_TRUE", "Unary", &["Boolean"]),
    ("IS_FALSE", "Unary", &["Boolean"]),
    (
        "IS_NULL",
        "Unary",
        &[
            "String",
            "Integer",
            "Reference",
            "Boolean",
            "Binary",
            "DateTime",
        ],
    ),
    (
        "IS_NOT_NULL",
        "Unary",
        &[
            "String",
            "Integer",
            "Reference",
            "Boolean",
            "Binary",
            "DateTime",
        ],
    ),
    ("REGEX_MATCH", "Binary", &["String"]),
    ("NOT_REGEX_MATCH", "Binary", &["String"]),
];

/// The canonical name and arity of an operator. Names are matched ignoring case, `_`
/// and spaces (the portal shows `IS TRUE` and `Greater_Than` for `IS_TRUE` and
/// `GREATER_THAN`); the schema stores the canonical name.
pub fn operator(name: &str) -> Option<(&'static str, &'static str)> {
    let norm = |s: &str| s.to_ascii_uppercase().replace(['_', ' '], "");
    let wanted = norm(name);
    OPERATORS
        .iter()
        .find(|(n, _, _)| norm(n) == wanted)
        .map(|(n, a, _)| (*n, *a))
}

/// `GET …/schema/filterOperators` items.
pub fn operators_json() -> Vec<Value> {
    OPERATORS
        .iter()
        .map(|(name, arity, types)| {
            json!({
                "name": name, "arity": arity, "multivaluedComparisonType": "All",
                "supportedAttributeTypes": types,
            })
        })
        .collect()
}
