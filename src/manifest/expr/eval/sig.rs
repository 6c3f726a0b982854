//! How many arguments each documented function takes, and which ones are special.
//!
//! Counts are positional, as written: `Replace([mail], "@contoso.com", , , "", , )` passes
//! seven arguments (empty ones included). The client's own table: it shares nothing with the
//! simulator's catalogue.

/// What is special about a function for an offline evaluation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Computed from the arguments alone.
    Pure,
    /// A different value on every evaluation (`Guid`, `RandomString`, `Now`).
    NonDeterministic,
    /// Needs data only the directory or the target has (`SelectUniqueValue`, app roles).
    Directory,
}

/// `(name, minimum arguments, maximum arguments (None: no limit), kind)`.
pub const SIGNATURES: &[(&str, usize, Option<usize>, Kind)] = &[
    ("Append", 2, Some(2), Kind::Pure),
    ("AppRoleAssignments", 1, Some(1), Kind::Directory),
    ("AppRoleAssignmentsComplex", 1, Some(1), Kind::Directory),
    ("BitAnd", 2, Some(2), Kind::Pure),
    ("CBool", 1, Some(1), Kind::Pure),
    ("CDate", 1, Some(1), Kind::Pure),
    ("Coalesce", 1, None, Kind::Pure),
    ("ConvertToBase64", 1, Some(1), Kind::Pure),
    ("ConvertToUTF8Hex", 1, Some(1), Kind::Pure),
    ("Count", 1, Some(1), Kind::Pure),
    ("CStr", 1, Some(1), Kind::Pure),
    ("DateAdd", 3, Some(3), Kind::Pure),
    ("DateDiff", 3, Some(3), Kind::Pure),
    ("DateFromNum", 1, Some(1), Kind::Pure),
    ("DefaultDomain", 0, Some(0), Kind::Directory),
    ("FormatDateTime", 4, Some(4), Kind::Pure),
    ("Guid", 0, Some(0), Kind::NonDeterministic),
    ("IgnoreFlowIfNullOrEmpty", 1, Some(1), Kind::Pure),
    ("IIF", 3, Some(3), Kind::Pure),
    ("InStr", 2, Some(4), Kind::Pure),
    ("IsNothing", 1, Some(1), Kind::Pure),
    ("IsNull", 1, Some(1), Kind::Pure),
    ("IsNullOrEmpty", 1, Some(1), Kind::Pure),
    ("IsPresent", 1, Some(1), Kind::Pure),
    ("IsString", 1, Some(1), Kind::Pure),
    ("Item", 2, Some(2), Kind::Pure),
    ("Join", 2, None, Kind::Pure),
    ("Left", 2, Some(2), Kind::Pure),
    ("Mid", 3, Some(3), Kind::Pure),
    ("NormalizeDiacritics", 1, Some(1), Kind::Pure),
    ("Not", 1, Some(1), Kind::Pure),
    ("Now", 0, Some(0), Kind::NonDeterministic),
    ("NumFromDate", 1, Some(1), Kind::Pure),
    ("PCase", 1, Some(2), Kind::Pure),
    ("Prepend", 2, Some(2), Kind::Pure),
    ("RandomString", 5, Some(6), Kind::NonDeterministic),
    ("Redact", 1, Some(1), Kind::Pure),
    ("RemoveDuplicates", 1, Some(1), Kind::Pure),
    ("Replace", 1, Some(7), Kind::Pure),
    ("SelectUniqueValue", 2, None, Kind::Directory),
    ("SingleAppRoleAssignment", 1, Some(1), Kind::Directory),
    ("Split", 2, Some(2), Kind::Pure),
    ("StripSpaces", 1, Some(1), Kind::Pure),
    ("Switch", 4, None, Kind::Pure),
    ("ToLower", 1, Some(2), Kind::Pure),
    ("ToUpper", 1, Some(2), Kind::Pure),
    ("Word", 3, Some(3), Kind::Pure),
];

/// The signature of `name` (case-sensitive).
pub fn signature(name: &str) -> Option<(usize, Option<usize>, Kind)> {
    SIGNATURES
        .iter()
        .find(|(n, ..)| *n == name)
        .map(|(_, min, max, kind)| (*min, *max, *kind))
}

/// Why `n` arguments are wrong for `name`, or `None` when they are right (or the name is
/// unknown).
pub fn arity_problem(name: &str, n: usize) -> Option<String> {
    let (min, max, _) = signature(name)?;
    let takes = match max {
        Some(max) if max == min => format!("exactly {min}"),
        Some(max) => format!("{min} to {max}"),
        None => format!("at least {min}"),
    };
    if n < min || max.is_some_and(|m| n > m) {
        return Some(format!("`{name}` takes {takes} argument(s), not {n}"));
    }
    if name == "Switch" && n % 2 == 1 {
        return Some(format!(
            "`Switch` takes source, defaultValue and key/value pairs (an even count), not {n} arguments"
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_known_function_has_a_signature_and_back() {
        for f in super::super::super::FUNCTIONS {
            assert!(super::signature(f).is_some(), "{f}");
        }
        assert_eq!(
            super::SIGNATURES.len(),
            super::super::super::FUNCTIONS.len()
        );
    }
}
