//! The Entra attribute-mapping expression language (reference/graph-api.md §5.4).
//!
//! VBA-like nested function calls; attributes in `[brackets]`; string constants in double
//! quotes with `\` escaping `\` and `"`; names are case-sensitive. Arguments may be empty
//! (`Switch([IsSoftDeleted], , "False", "True")`). `IIF` conditions may compare with `=`
//! (`IIF([country]="FR", …)`).
//!
//! [`parse`] builds an [`Expr`] tree. Trees compare with `PartialEq` and print in one
//! canonical form (`Display`), so two expressions that differ only in whitespace are equal:
//! plan uses this to compare the manifest with what Graph returns. [`check`] is the offline
//! lint: syntax plus known function names.

pub mod eval;
mod parse;
pub mod signatures;

use std::fmt;
use std::ops::Range;

pub use parse::{Call, parse_with_calls};

/// Function names known offline (entra-docs `functions-for-customizing-application-data.md`
/// plus `DefaultDomain`, `AppRoleAssignments`, `IsNothing` and `Prepend` from Graph's
/// documented `functions` response). The authoritative per-job list is
/// `GET …/schema/functions`.
pub const FUNCTIONS: &[&str] = &[
    "Append",
    "AppRoleAssignments",
    "AppRoleAssignmentsComplex",
    "BitAnd",
    "CBool",
    "CDate",
    "Coalesce",
    "ConvertToBase64",
    "ConvertToUTF8Hex",
    "Count",
    "CStr",
    "DateAdd",
    "DateDiff",
    "DateFromNum",
    "DefaultDomain",
    "FormatDateTime",
    "Guid",
    "IgnoreFlowIfNullOrEmpty",
    "IIF",
    "InStr",
    "IsNothing",
    "IsNull",
    "IsNullOrEmpty",
    "IsPresent",
    "IsString",
    "Item",
    "Join",
    "Left",
    "Mid",
    "NormalizeDiacritics",
    "Not",
    "Now",
    "NumFromDate",
    "PCase",
    "Prepend",
    "RandomString",
    "Redact",
    "RemoveDuplicates",
    "Replace",
    "SelectUniqueValue",
    "SingleAppRoleAssignment",
    "Split",
    "StripSpaces",
    "Switch",
    "ToLower",
    "ToUpper",
    "Word",
];

/// An expression tree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Expr {
    /// `Name(arg, , arg)`; `None` is an empty argument.
    Call {
        /// Function name (case-sensitive).
        name: String,
        /// Arguments in order.
        args: Vec<Option<Expr>>,
    },
    /// `[attributeName]`.
    Attribute(String),
    /// `"text"` (unescaped content).
    Str(String),
    /// An integer literal, as written.
    Number(String),
    /// `left = right` (inside `IIF` conditions).
    Equals(Box<Expr>, Box<Expr>),
    /// `left <> right`, `<`, `<=`, `>`, `>=` (inside `IIF` conditions).
    Compare(CmpOp, Box<Expr>, Box<Expr>),
    /// A bare enumeration constant (`vbTextCompare`, `vbBinaryCompare`).
    Name(String),
}

/// A comparison operator other than `=` (entra-docs: IIF's condition operators).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CmpOp {
    /// `<>`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
}

impl CmpOp {
    /// The operator as written.
    pub fn as_str(self) -> &'static str {
        match self {
            CmpOp::Ne => "<>",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
        }
    }
}

impl fmt::Display for Expr {
    /// Canonical form: `Name(a, , b)`, `[attr]`, `"te\"xt"`, `a = b`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expr::Call { name, args } => {
                write!(f, "{name}(")?;
                for (i, a) in args.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    if let Some(a) = a {
                        write!(f, "{a}")?;
                    }
                }
                f.write_str(")")
            }
            Expr::Attribute(a) => write!(f, "[{a}]"),
            Expr::Str(s) => {
                f.write_str("\"")?;
                for c in s.chars() {
                    if c == '"' || c == '\\' {
                        f.write_str("\\")?;
                    }
                    write!(f, "{c}")?;
                }
                f.write_str("\"")
            }
            Expr::Number(n) => f.write_str(n),
            Expr::Equals(l, r) => write!(f, "{l} = {r}"),
            Expr::Compare(op, l, r) => write!(f, "{l} {} {r}", op.as_str()),
            Expr::Name(n) => f.write_str(n),
        }
    }
}

/// A syntax error, at a byte range of the expression text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExprError {
    /// What is wrong.
    pub message: String,
    /// Where, in bytes of the expression string.
    pub at: Range<usize>,
    /// How to fix it.
    pub help: Option<String>,
}

impl fmt::Display for ExprError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ExprError {}

/// Every `[attribute]` of an expression tree, in order.
pub fn attributes_of(e: &Expr, out: &mut Vec<String>) {
    match e {
        Expr::Attribute(a) => out.push(a.clone()),
        Expr::Call { args, .. } => args.iter().flatten().for_each(|a| attributes_of(a, out)),
        Expr::Equals(l, r) | Expr::Compare(_, l, r) => {
            attributes_of(l, out);
            attributes_of(r, out);
        }
        Expr::Str(_) | Expr::Number(_) | Expr::Name(_) => {}
    }
}

/// Parses an expression.
pub fn parse(text: &str) -> Result<Expr, ExprError> {
    parse_with_calls(text).map(|(e, _)| e)
}

/// A problem found by [`check`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExprProblem {
    /// The expression does not parse.
    Syntax(ExprError),
    /// A function name that is not known.
    UnknownFunction {
        /// The name as written.
        name: String,
        /// Where, in bytes of the expression string.
        at: Range<usize>,
        /// The closest known name.
        suggestion: Option<&'static str>,
    },
    /// A known function called wrongly: argument count (E0902) or a `SelectUniqueValue`
    /// that is not at the top level (E0905).
    Call(eval::EvalError),
}

/// Checks an expression offline: syntax, every function name, then argument counts.
pub fn check(text: &str) -> Vec<ExprProblem> {
    match parse_with_calls(text) {
        Err(e) => vec![ExprProblem::Syntax(e)],
        Ok((_, calls)) if calls.iter().all(|(n, _)| FUNCTIONS.contains(&n.as_str())) => {
            eval::compile(text)
                .err()
                .map(ExprProblem::Call)
                .into_iter()
                .collect()
        }
        Ok((_, calls)) => calls
            .into_iter()
            .filter(|(name, _)| !FUNCTIONS.contains(&name.as_str()))
            .map(|(name, at)| ExprProblem::UnknownFunction {
                suggestion: super::suggest::did_you_mean(&name, FUNCTIONS.iter().copied()),
                name,
                at,
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests;
