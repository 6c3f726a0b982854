//! Scoping filters with the semantics of entra-docs
//! `define-conditional-rules-for-provisioning-user-accounts.md`: clauses of a filter are
//! ANDed, filters are ORed, no filter means everyone is in scope. Every operator except
//! `isNull`/`isNotNull` is false on a null or empty value ("Scoping filters will return
//! false if the value is null / empty"), and on a multi-valued attribute ("Filtering is not
//! supported for multi-valued attributes").

use regex::Regex;

use super::{Attributes, Value, parse_int};
use crate::manifest::provisioning::{Clause, Operator, ScopingFilter};

/// One clause's result.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClauseResult {
    /// The attribute tested.
    pub attribute: String,
    /// The operator.
    pub operator: Operator,
    /// The value compared with, as Graph receives it.
    pub value: Option<String>,
    /// The user's value (first value of a list), `None` when absent.
    pub actual: Option<String>,
    /// Whether the clause holds.
    pub matched: bool,
    /// Why, when it is not the plain comparison (null value, multi-valued, bad regex…).
    pub note: Option<String>,
}

/// One filter's result.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FilterResult {
    /// The filter's title.
    pub name: String,
    /// Each clause.
    pub clauses: Vec<ClauseResult>,
    /// All clauses hold.
    pub matched: bool,
}

/// The scope decision of the scoping filters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScopeResult {
    /// Each filter.
    pub filters: Vec<FilterResult>,
    /// Any filter holds, or there is none.
    pub in_scope: bool,
}

/// Evaluates `filters` for `user`.
pub fn evaluate(filters: &[ScopingFilter], user: &Attributes) -> ScopeResult {
    let filters: Vec<FilterResult> = filters
        .iter()
        .map(|f| {
            let clauses: Vec<ClauseResult> = f.clauses.iter().map(|c| clause(c, user)).collect();
            FilterResult {
                name: f.name.clone(),
                matched: clauses.iter().all(|c| c.matched),
                clauses,
            }
        })
        .collect();
    ScopeResult {
        in_scope: filters.is_empty() || filters.iter().any(|f| f.matched),
        filters,
    }
}

/// Whether `user` is in scope of `filters` (no filter: yes).
pub fn in_scope(filters: &[ScopingFilter], user: &Attributes) -> bool {
    filters.is_empty()
        || filters
            .iter()
            .any(|f| f.clauses.iter().all(|c| clause(c, user).matched))
}

/// Evaluates one clause.
pub fn clause(c: &Clause, user: &Attributes) -> ClauseResult {
    let value = c.value.as_ref().map(ToString::to_string);
    let got = user.get(&c.attribute);
    let actual = match &got {
        Value::Null => None,
        v => Some(v.text()),
    };
    let (matched, note) = decide(c.operator, &got, value.as_deref().unwrap_or_default());
    ClauseResult {
        attribute: c.attribute.clone(),
        operator: c.operator,
        value,
        actual,
        matched,
        note,
    }
}

fn decide(op: Operator, got: &Value, want: &str) -> (bool, Option<String>) {
    let empty = got.is_null_or_empty();
    match op {
        Operator::IsNull => return (empty, None),
        Operator::IsNotNull => return (!empty, None),
        _ if empty => {
            return (
                false,
                Some("the value is null or empty: the clause is false".into()),
            );
        }
        _ => {}
    }
    if let Value::Multi(xs) = got
        && xs.len() > 1
    {
        return (
            false,
            Some("filtering is not supported for multi-valued attributes".into()),
        );
    }
    let s = got.text();
    let ints = || Some((parse_int(&s)?, parse_int(want)?));
    let need_ints = || Some("both the attribute and the value must be integers".to_string());
    match op {
        Operator::Equals => (s == want, None),
        Operator::NotEquals => (s != want, None),
        Operator::Includes => (s.contains(want), None),
        Operator::EndsWith => (s.ends_with(want), None),
        Operator::IsTrue => (s.trim().eq_ignore_ascii_case("true"), None),
        Operator::IsFalse => (s.trim().eq_ignore_ascii_case("false"), None),
        Operator::GreaterThan => ints().map_or((false, need_ints()), |(a, b)| (a > b, None)),
        Operator::GreaterThanOrEquals => {
            ints().map_or((false, need_ints()), |(a, b)| (a >= b, None))
        }
        // Graph `&` / `!&` (entra-docs, conditional rules): true if the evaluated
        // attribute exists in the input string value; not a bitwise AND.
        Operator::ContainedIn => (want.contains(s.as_str()), None),
        Operator::NotContainedIn => (!want.contains(s.as_str()), None),
        Operator::RegexMatch | Operator::NotRegexMatch => match Regex::new(want) {
            Ok(re) => (re.is_match(&s) == (op == Operator::RegexMatch), None),
            Err(_) => (
                false,
                Some(format!(
                    "the pattern {want:?} is not supported by this evaluator"
                )),
            ),
        },
        // Not empty here.
        Operator::IsNull => (false, None),
        Operator::IsNotNull => (true, None),
    }
}
