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

/// Expression functions and their positional parameters. Parameter names are the API's
/// own, as the documented `schema/functions` response lists them (beta
/// `synchronization-synchronizationschema-functions.md`, full response in an HTML comment:
/// `Append`, `AppRoleAssignments`, `DefaultDomain`, `FormatDateTime`, `IsNothing`, `Join`,
/// `Prepend`, `Mid`, `Not`, `Replace`, `SingleAppRoleAssignment`, `Split`, `StripSpaces`,
/// `Switch`); the other functions and `FormatDateTime`'s optional `dateTimeStyles` come from
/// the functions reference of the provisioning docs, with its prose names (assumed).
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
    ("IsNothing", &[req("source")]),
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
    ("Prepend", &[req("prefix"), req("source")]),
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
            opt("Find"),
            opt("RegularExpression"),
            opt("RegularExpressionGroupName"),
            opt("Replacement"),
            opt("ReplacementPropertyName"),
            opt("Template"),
        ],
    ),
    ("SelectUniqueValue", &[many("uniqueValueRule")]),
    ("SingleAppRoleAssignment", &[req("source")]),
    ("Split", &[req("source"), opt("delimiter")]),
    ("StripSpaces", &[req("source")]),
    (
        "Switch",
        &[
            req("source"),
            opt("defaultValue"),
            ("switchValue", false, true),
        ],
    ),
    ("ToLower", &[req("source"), opt("culture")]),
    ("ToUpper", &[req("source"), opt("culture")]),
    (
        "Word",
        &[req("source"), req("wordNumber"), req("delimiters")],
    ),
];

/// A parameter's type as the documented functions response gives it (`String` unless it
/// says otherwise).
fn param_type(function: &str, param: &str) -> &'static str {
    match (function, param) {
        ("Mid", "start" | "length") => "Integer",
        ("IsNothing" | "Not", "source") => "Boolean",
        _ => "String",
    }
}

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
                    "name": p, "type": param_type(name, p), "required": req,
                    "allowMultipleOccurrences": multi,
                })).collect::<Vec<_>>(),
            })
        })
        .collect()
}

/// Types of the documented binary comparisons (the beta example: `Integer`, `String`).
const COMPARABLE: &[&str] = &["Integer", "String"];
/// Types of `IS NULL` / `IS NOT NULL` in the documented example.
const NULLABLE: &[&str] = &["Integer", "String", "Binary", "Boolean"];

/// Scoping-filter operators: `(name, arity, supported attribute types)`. The first eight
/// are the beta `filterOperators` example verbatim (spaced names, its order and types,
/// `api-reference/beta/api/synchronization-synchronizationschema-filteroperators.md`); the
/// rest are the portal's operators as `define-conditional-rules-for-provisioning-user-
/// accounts.md` names them (their types are assumed from the page's prose: integers for
/// the comparisons, strings for the others).
pub const OPERATORS: &[(&str, &str, &[&str])] = &[
    ("EQUALS", "Binary", COMPARABLE),
    ("IS FALSE", "Unary", &["Boolean"]),
    ("IS NOT NULL", "Unary", NULLABLE),
    ("IS NULL", "Unary", NULLABLE),
    ("IS TRUE", "Unary", &["Boolean"]),
    ("NOT EQUALS", "Binary", COMPARABLE),
    ("NOT REGEX MATCH", "Binary", COMPARABLE),
    ("REGEX MATCH", "Binary", COMPARABLE),
    ("&", "Binary", &["String"]),
    ("!&", "Binary", &["String"]),
    ("ENDS_WITH", "Binary", &["String"]),
    ("Greater_Than", "Binary", &["Integer"]),
    ("Greater_Than_OR_EQUALS", "Binary", &["Integer"]),
    ("Includes", "Binary", &["String"]),
];

/// The catalogue name and arity of an operator. Names are matched ignoring case, `_` and
/// spaces (`IS_TRUE`, `is true` and `IS TRUE` are one operator); a schema stores the
/// `operatorName` as it was sent.
pub fn operator(name: &str) -> Option<(&'static str, &'static str)> {
    let norm = |s: &str| s.to_ascii_uppercase().replace(['_', ' '], "");
    let wanted = norm(name);
    OPERATORS
        .iter()
        .find(|(n, _, _)| norm(n) == wanted)
        .map(|(n, a, _)| (*n, *a))
}

/// `GET …/schema/filterOperators` items.
pub fn operators_json(only: &[String]) -> Vec<Value> {
    OPERATORS
        .iter()
        .filter(|(name, _, _)| only.is_empty() || only.iter().any(|o| o == name))
        .map(|(name, arity, types)| {
            json!({
                "name": name, "arity": arity, "multivaluedComparisonType": "All",
                "supportedAttributeTypes": types,
            })
        })
        .collect()
}
