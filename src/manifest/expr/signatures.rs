//! Signature and one-line meaning of every function in [`super::FUNCTIONS`], for editors
//! (hover, completion). Written from Entra's expression reference
//! (entra-docs `functions-for-customizing-application-data.md`); a test checks that every
//! known function has exactly one entry here.

/// One function: its name, its signature as the reference writes it, what it returns, and
/// the argument names for a completion snippet (`Join(${1:separator}, ${2:source1})`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Signature {
    /// Function name (case-sensitive).
    pub name: &'static str,
    /// `Append(source, suffix)`.
    pub signature: &'static str,
    /// What it does.
    pub meaning: &'static str,
    /// Argument names for a snippet (optional ones included; repeating ones once).
    pub args: &'static [&'static str],
}

const fn sig(
    name: &'static str,
    signature: &'static str,
    meaning: &'static str,
    args: &'static [&'static str],
) -> Signature {
    Signature {
        name,
        signature,
        meaning,
        args,
    }
}

/// Every function of [`super::FUNCTIONS`], in the same order.
pub const SIGNATURES: &[Signature] = &[
    sig(
        "Append",
        "Append(source, suffix)",
        "Appends `suffix` to the end of the string `source`.",
        &["source", "suffix"],
    ),
    sig(
        "AppRoleAssignments",
        "AppRoleAssignments([appRoleAssignments])",
        "The app roles assigned to the user, as a multi-valued attribute (listed by Graph's `functions` example).",
        &["[appRoleAssignments]"],
    ),
    sig(
        "AppRoleAssignmentsComplex",
        "AppRoleAssignmentsComplex([appRoleAssignments])",
        "Provisions every app role assigned to the user (multiple roles, SCIM `roles`).",
        &["[appRoleAssignments]"],
    ),
    sig(
        "BitAnd",
        "BitAnd(value1, value2)",
        "Bitwise AND of two numbers.",
        &["value1", "value2"],
    ),
    sig(
        "CBool",
        "CBool(expression)",
        "True when the expression evaluates to a non-zero value, else False.",
        &["expression"],
    ),
    sig(
        "CDate",
        "CDate(expression)",
        "Parses a date/time string into a UTC DateTime (for FormatDateTime, DateAdd, DateDiff).",
        &["expression"],
    ),
    sig(
        "Coalesce",
        "Coalesce(source1, source2, ..., defaultValue)",
        "The first argument that is not NULL; else `defaultValue` when given, else NULL.",
        &["source1", "source2"],
    ),
    sig(
        "ConvertToBase64",
        "ConvertToBase64(source)",
        "Converts a string to a Unicode (UTF-16) base64 string.",
        &["source"],
    ),
    sig(
        "ConvertToUTF8Hex",
        "ConvertToUTF8Hex(source)",
        "Converts a string to its UTF-8 bytes in hexadecimal.",
        &["source"],
    ),
    sig(
        "Count",
        "Count(attribute)",
        "The number of values of a multi-valued attribute.",
        &["attribute"],
    ),
    sig(
        "CStr",
        "CStr(value)",
        "Converts a number, reference or boolean to a string.",
        &["value"],
    ),
    sig(
        "DateAdd",
        "DateAdd(interval, value, dateTime)",
        "Adds `value` intervals (`yyyy`, `m`, `d`, `ww`, `h`, `n`, `s`) to a DateTime.",
        &["interval", "value", "dateTime"],
    ),
    sig(
        "DateDiff",
        "DateDiff(interval, date1, date2)",
        "The number of intervals from `date1` to `date2` (positive when `date2` is later).",
        &["interval", "date1", "date2"],
    ),
    sig(
        "DateFromNum",
        "DateFromNum(value)",
        "Converts an Active Directory date number (100-ns ticks since 1601) to a DateTime.",
        &["value"],
    ),
    sig(
        "DefaultDomain",
        "DefaultDomain()",
        "The tenant's default verified domain (listed by Graph's `functions` example).",
        &[],
    ),
    sig(
        "FormatDateTime",
        "FormatDateTime(source, dateTimeStyles, inputFormat, outputFormat)",
        "Parses `source` with `inputFormat` and writes it with `outputFormat` (.NET format strings).",
        &["source", "dateTimeStyles", "inputFormat", "outputFormat"],
    ),
    sig(
        "Guid",
        "Guid()",
        "A new random GUID (a different value every time).",
        &[],
    ),
    sig(
        "IgnoreFlowIfNullOrEmpty",
        "IgnoreFlowIfNullOrEmpty(expression)",
        "Leaves the target attribute out of the request when the expression is NULL or empty.",
        &["expression"],
    ),
    sig(
        "IIF",
        "IIF(condition, valueIfTrue, valueIfFalse)",
        "`valueIfTrue` when the condition holds, else `valueIfFalse`; the condition may compare with `=`.",
        &["condition", "valueIfTrue", "valueIfFalse"],
    ),
    sig(
        "InStr",
        "InStr(value1, value2, start, compareType)",
        "The 1-based position of `value2` in `value1` (0 when absent); `compareType` is `vbTextCompare` or `vbBinaryCompare`.",
        &["value1", "value2", "start", "compareType"],
    ),
    sig(
        "IsNothing",
        "IsNothing(source)",
        "True when the source is NULL or empty. Listed by Graph's schema/functions, not on the functions page (the simulator and the evaluator assume IsNullOrEmpty's meaning).",
        &["source"],
    ),
    sig(
        "IsNull",
        "IsNull(expression)",
        "True when the expression is NULL (an absent attribute).",
        &["expression"],
    ),
    sig(
        "IsNullOrEmpty",
        "IsNullOrEmpty(expression)",
        "True when the expression is NULL or an empty string.",
        &["expression"],
    ),
    sig(
        "IsPresent",
        "IsPresent(expression)",
        "True when the expression is neither NULL nor empty (the opposite of IsNullOrEmpty).",
        &["expression"],
    ),
    sig(
        "IsString",
        "IsString(expression)",
        "True when the expression evaluates to a string.",
        &["expression"],
    ),
    sig(
        "Item",
        "Item(attribute, index)",
        "The value at `index` of a multi-valued attribute.",
        &["attribute", "index"],
    ),
    sig(
        "Join",
        "Join(separator, source1, source2, ...)",
        "Joins the values (each value of multi-valued attributes) with `separator`.",
        &["separator", "source1", "source2"],
    ),
    sig(
        "Left",
        "Left(string, numChars)",
        "The first `numChars` characters of the string.",
        &["string", "numChars"],
    ),
    sig(
        "Mid",
        "Mid(source, start, length)",
        "The `length` characters of `source` from the 1-based position `start`.",
        &["source", "start", "length"],
    ),
    sig(
        "NormalizeDiacritics",
        "NormalizeDiacritics(source)",
        "Replaces accented characters by their unaccented equivalents (`Zoë` → `Zoe`).",
        &["source"],
    ),
    sig(
        "Not",
        "Not(source)",
        "Negates a boolean (`\"True\"` ↔ `\"False\"`).",
        &["source"],
    ),
    sig(
        "Now",
        "Now()",
        "The current UTC date and time (a different value every run).",
        &[],
    ),
    sig(
        "NumFromDate",
        "NumFromDate(value)",
        "Converts a DateTime to an Active Directory date number.",
        &["value"],
    ),
    sig(
        "PCase",
        "PCase(source, wordSeparators)",
        "Capitalises the first letter of each word and lower-cases the rest.",
        &["source", "wordSeparators"],
    ),
    sig(
        "Prepend",
        "Prepend(prefix, source)",
        "The prefix followed by the source. Listed by Graph's schema/functions, not on the functions page (parameters in the listed order).",
        &["prefix", "source"],
    ),
    sig(
        "RandomString",
        "RandomString(length, minimumNumbers, minimumSpecialCharacters, minimumCapital, minimumLowerCase, charactersToAvoid)",
        "A random string with the given composition (a different value every time).",
        &[
            "length",
            "minimumNumbers",
            "minimumSpecialCharacters",
            "minimumCapital",
            "minimumLowerCase",
            "charactersToAvoid",
        ],
    ),
    sig(
        "Redact",
        "Redact()",
        "Replaces the value by a placeholder in provisioning logs (the target still receives it).",
        &[],
    ),
    sig(
        "RemoveDuplicates",
        "RemoveDuplicates(attribute)",
        "The values of a multi-valued attribute without repeats.",
        &["attribute"],
    ),
    sig(
        "Replace",
        "Replace(source, oldValue, regexPattern, regexGroupName, replacementValue, replacementAttributeName, template)",
        "Replaces text in `source`: `oldValue` or a regular expression by a value or an attribute.",
        &[
            "source",
            "oldValue",
            "regexPattern",
            "regexGroupName",
            "replacementValue",
            "replacementAttributeName",
            "template",
        ],
    ),
    sig(
        "SelectUniqueValue",
        "SelectUniqueValue(uniqueValueRule1, uniqueValueRule2, ...)",
        "The first rule's value that is unique in the target directory (Active Directory and Entra targets only).",
        &["uniqueValueRule1", "uniqueValueRule2"],
    ),
    sig(
        "SingleAppRoleAssignment",
        "SingleAppRoleAssignment([appRoleAssignments])",
        "The one app role assigned to the user (for apps that take a single role).",
        &["[appRoleAssignments]"],
    ),
    sig(
        "Split",
        "Split(source, delimiter)",
        "Splits a string into a multi-valued attribute at each `delimiter`.",
        &["source", "delimiter"],
    ),
    sig(
        "StripSpaces",
        "StripSpaces(source)",
        "Removes every space character from the string.",
        &["source"],
    ),
    sig(
        "Switch",
        "Switch(source, defaultValue, key1, value1, key2, value2, ...)",
        "The value paired with the first key equal to `source`, else `defaultValue`.",
        &["source", "defaultValue", "key1", "value1"],
    ),
    sig(
        "ToLower",
        "ToLower(source, culture)",
        "Lower-cases the string (with an optional culture name such as `tr-TR`).",
        &["source", "culture"],
    ),
    sig(
        "ToUpper",
        "ToUpper(source, culture)",
        "Upper-cases the string (with an optional culture name such as `tr-TR`).",
        &["source", "culture"],
    ),
    sig(
        "Word",
        "Word(string, wordNumber, delimiters)",
        "The `wordNumber`-th word of the string, words being separated by any of `delimiters`.",
        &["string", "wordNumber", "delimiters"],
    ),
];

/// The signature of a known function.
pub fn signature(name: &str) -> Option<&'static Signature> {
    SIGNATURES.iter().find(|s| s.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_known_function_has_one_signature_in_the_same_order() {
        let names: Vec<&str> = SIGNATURES.iter().map(|s| s.name).collect();
        assert_eq!(names, super::super::FUNCTIONS);
        for s in SIGNATURES {
            assert!(s.signature.starts_with(&format!("{}(", s.name)), "{s:?}");
        }
    }
}
