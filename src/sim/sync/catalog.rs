//! The synchronization catalogue: expression functions with their parameters
//! (`schema/functions`) and scoping-filter operators (`schema/filterOperators`).

use serde_json::{Value, json};

/// A function parameter: `(name, required, allowMultipleOccurrences)`.
pub type Param = (&'static str, bool, bool);

/// A required parameter that occurs once.
const fn req(name: &'static str) -> Param {
    (name, true, false)
}

/// An optional parameter.
const fn opt(name: &'static str) -> Param {
    (name, false, false)
}

/// A required parameter that may occur several times.
const fn many(name: &'static str) -> Param {
    (name, true, true)
}

/// Expression functions and their positional parameters.
pub const FUNCTIONS: &[(&str, &[Param])] = &[
    ("Append", &[req("source"), req("suffix")]),
    ("AppRoleAssignments", &[req("source")]),
    ("AppRoleAssignmentsComplex", &[req("source")]),
    ("BitAnd", &[req("value1"), req("value2")]),
    ("CBool", &[req("expression")]),
    ("CDate", &[req("expression")]),
    ("Coalesce", &[many("source")]),
    ("ConvertToBase64", &[req("source")]),
    ("ConvertToUTF8Hex", &[req("source")]),
    ("Count", &[req("attribute")]),
    ("CStr", &[req("value")]),
    ("DateAdd", &[req("interval"), req("value"), req("dateTime")]),
    ("DateDiff", &[req("interval"), req("date1"), req("date2")]),
    ("DateFromNum", &[req("value")]),
    ("DefaultDomain", &[]),
    (
        "FormatDateTime",
        &[
            req("source"),
            opt("dateTimeStyles"),
            req("inputFormat"),
            req("outputFormat"),
        ],
    ),
    ("Guid", &[]),
    ("IgnoreFlowIfNullOrEmpty", &[req("expression")]),
    (
        "IIF",
        &[req("condition"), req("valueIfTrue"), req("valueIfFalse")],
    ),
    (
        "InStr",
        &[
            req("value1"),
            req("value2"),
            opt("start"),
            opt("compareType"),
        ],
    ),
    ("IsNull", &[req("expression")]),
    ("IsNullOrEmpty", &[req("expression")]),
    ("IsPresent", &[req("expression")]),
    ("IsString", &[req("expression")]),
    ("Item", &[req("attribute"), req("index")]),
    ("Join", &[req("separator"), many("source")]),
    ("Left", &[req("source"), req("numChars")]),
    ("Mid", &[req("source"), req("start"), req("length")]),
    ("NormalizeDiacritics", &[req("source")]),
    ("Not", &[req("source")]),
    ("Now", &[]),
    ("NumFromDate", &[req("value")]),
    ("PCase", &[req("source"), opt("wordSeparators")]),
    (
        "RandomString",
        &[
            req("length"),
            req("minimumNumbers"),
            req("minimumSpecialCharacters"),
            req("minimumCapital"),
            req("minimumLowerCase"),
            opt("charactersToAvoid"),
        ],
    ),
    ("Redact", &[req("source")]),
    ("RemoveDuplicates", &[req("attribute")]),
    (
        "Replace",
        &[
            req("source"),
            opt("oldValue"),
            opt("regexPattern"),
            opt("regexGroupName"),
            opt("replacementValue"),
            opt("replacementAttributeName"),
            opt("template"),
        ],
    ),
    ("SelectUniqueValue", &[many("uniqueValueRule")]),
    ("SingleAppRoleAssignment", &[req("source")]),
    ("Split", &[req("source"), req("delimiter")]),
    ("StripSpaces", &[req("source")]),
    (
        "Switch",
        &[
            req("source"),
            opt("defaultValue"),
            many("key"),
            many("value"),
        ],
    ),
    ("ToLower", &[req("source"), opt("culture")]),
    ("ToUpper", &[req("source"), opt("culture")]),
    (
        "Word",
        &[req("source"), req("wordNumber"), req("delimiters")],
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

/// The attribute types an equality test supports.
const COMPARABLE: &[&str] = &["String", "Integer", "Reference", "Boolean"];
/// Every attribute type.
const ANY_TYPE: &[&str] = &[
    "String",
    "Integer",
    "Reference",
    "Boolean",
    "Binary",
    "DateTime",
];

/// Scoping-filter operators: `(name, arity, supported attribute types)`.
pub const OPERATORS: &[(&str, &str, &[&str])] = &[
    ("EQUALS", "Binary", COMPARABLE),
    ("NOT_EQUALS", "Binary", COMPARABLE),
    ("ENDS_WITH", "Binary", &["String"]),
    ("GREATER_THAN", "Binary", &["Integer"]),
    ("GREATER_THAN_OR_EQUALS", "Binary", &["Integer"]),
    ("Includes", "Binary", &["String"]),
    ("IS_TRUE", "Unary", &["Boolean"]),
    ("IS_FALSE", "Unary", &["Boolean"]),
    ("IS_NULL", "Unary", ANY_TYPE),
    ("IS_NOT_NULL", "Unary", ANY_TYPE),
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
