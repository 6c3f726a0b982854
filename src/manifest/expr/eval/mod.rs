//! The client's expression evaluator: every function of entra-docs
//! `functions-for-customizing-application-data.md`, with the documented semantics, against
//! one user's source attributes. It shares no code with the simulator's evaluator
//! (`src/sim`), so a mistake in one shows up as a disagreement with the other (see the
//! differential test).
//!
//! [`evaluate`] returns the value the target would receive, whether the flow is skipped
//! (`IgnoreFlowIfNullOrEmpty`), and notes: non-deterministic functions (`Guid`,
//! `RandomString`, `Now`), functions that need the directory (`SelectUniqueValue`, app role
//! assignments: approximated offline), `Redact`. Errors carry a code (E09xx) and the byte
//! range of the call in the expression text.

mod date;
mod datefmt;
mod diacritics;
mod funcs;
mod input;
mod logic;
mod replace;
pub mod scoping;
pub mod sig;
mod special;

use std::cell::RefCell;
use std::collections::HashMap;
use std::ops::Range;

use rand::SeedableRng;
use rand::rngs::StdRng;

pub use date::DateTime;
pub use input::{Attributes, DIRECTORY_ONLY, graph_select, json_value};

use super::Expr;

/// A value during evaluation.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// NULL: an absent attribute, or a function without a result.
    Null,
    /// A string (also numbers and booleans, as .NET prints them: `True`/`False`).
    Str(String),
    /// A multi-valued attribute or `Split`'s result.
    Multi(Vec<String>),
    /// A DateTime (CDate, DateAdd, Now, DateFromNum); as a string `M/d/yyyy h:mm:ss tt`.
    Date(DateTime),
}

impl Value {
    /// NULL, an empty string or an empty list.
    pub fn is_null_or_empty(&self) -> bool {
        match self {
            Value::Null => true,
            Value::Str(s) => s.is_empty(),
            Value::Multi(v) => v.iter().all(String::is_empty),
            Value::Date(_) => false,
        }
    }

    /// As one string: NULL is empty, a list gives its first value.
    pub fn text(&self) -> String {
        match self {
            Value::Null => String::new(),
            Value::Str(s) => s.clone(),
            Value::Multi(v) => v.first().cloned().unwrap_or_default(),
            Value::Date(d) => d.general(),
        }
    }

    /// Every value: NULL none, a list all of its values.
    pub fn all(&self) -> Vec<String> {
        match self {
            Value::Null => Vec::new(),
            Value::Multi(v) => v.clone(),
            other => vec![other.text()],
        }
    }

    /// As JSON: `null`, a string, or an array of strings.
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            Value::Null => serde_json::Value::Null,
            Value::Multi(v) => v.clone().into(),
            other => other.text().into(),
        }
    }

    fn bool(b: bool) -> Value {
        Value::Str(if b { "True" } else { "False" }.into())
    }
}

/// Something the user should know about a value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Note {
    /// `I0901` (non-deterministic), `W0901` (needs the directory), `I0902` (redacted).
    pub code: &'static str,
    /// The function concerned.
    pub function: String,
    /// What it means.
    pub message: String,
}

/// The result of one evaluation.
#[derive(Clone, Debug, PartialEq)]
pub struct Outcome {
    /// What the target would receive (`Null` when nothing).
    pub value: Value,
    /// `IgnoreFlowIfNullOrEmpty` dropped the attribute from the flow.
    pub skipped: bool,
    /// Notes, in evaluation order, one per function name and code.
    pub notes: Vec<Note>,
}

/// An evaluation error, located in the expression text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EvalError {
    /// `E0900` syntax, `E0901` unknown function, `E0902` arity, `E0903` invalid argument,
    /// `E0904` IIF on an empty attribute, `E0905` SelectUniqueValue nested.
    pub code: &'static str,
    /// What is wrong.
    pub message: String,
    /// Byte range in the expression.
    pub at: Range<usize>,
    /// How to fix it.
    pub help: Option<String>,
}

impl std::fmt::Display for EvalError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for EvalError {}

/// What the evaluation may use besides the user.
#[derive(Clone, Copy, Debug)]
pub struct Context {
    /// The current UTC time (`Now()`).
    pub now: DateTime,
    /// Seed for `Guid` and `RandomString` (fixed in tests; random otherwise).
    pub seed: u64,
}

impl Context {
    /// The system clock and a random seed.
    pub fn system() -> Context {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64);
        Context {
            now: DateTime::from_unix(secs),
            seed: rand::random(),
        }
    }
}

/// A parsed and checked expression.
#[derive(Debug)]
pub struct Compiled {
    // Boxed so that node addresses (the keys of `spans`) stay put when this moves.
    tree: Box<Expr>,
    spans: Spans,
}

/// Parses and checks `text` (syntax, function names, argument counts).
pub fn compile(text: &str) -> Result<Compiled, EvalError> {
    let (tree, calls) = super::parse_with_calls(text).map_err(|e| EvalError {
        code: "E0900",
        message: format!("expression syntax error: {}", e.message),
        at: e.at,
        help: e.help,
    })?;
    let tree = Box::new(tree);
    let mut spans = Spans::default();
    let mut queue = calls.into_iter();
    spans.collect(&tree, &mut queue);
    check_calls(&tree, &spans, true)?;
    Ok(Compiled { tree, spans })
}

impl Compiled {
    /// The tree.
    pub fn tree(&self) -> &Expr {
        &self.tree
    }

    /// Every attribute the expression reads, once each, in order of appearance.
    pub fn attributes(&self) -> Vec<String> {
        fn walk(e: &Expr, out: &mut Vec<String>) {
            match e {
                Expr::Attribute(a) if !out.contains(a) => out.push(a.clone()),
                Expr::Call { args, .. } => args.iter().flatten().for_each(|a| walk(a, out)),
                Expr::Equals(l, r) | Expr::Compare(_, l, r) => {
                    walk(l, out);
                    walk(r, out);
                }
                _ => {}
            }
        }
        let mut out = Vec::new();
        walk(&self.tree, &mut out);
        out
    }

    /// Evaluates the expression for `user`.
    pub fn evaluate(&self, user: &Attributes, cx: Context) -> Result<Outcome, EvalError> {
        evaluate_tree(&self.tree, &self.spans, user, cx)
    }
}

/// The byte range of every call node, by node address (calls are recorded in pre-order).
#[derive(Debug, Default)]
struct Spans(HashMap<usize, Range<usize>>);

impl Spans {
    fn collect(&mut self, e: &Expr, queue: &mut impl Iterator<Item = super::Call>) {
        match e {
            Expr::Call { args, .. } => {
                if let Some((_, at)) = queue.next() {
                    self.0.insert(e as *const Expr as usize, at);
                }
                for a in args.iter().flatten() {
                    self.collect(a, queue);
                }
            }
            Expr::Equals(l, r) | Expr::Compare(_, l, r) => {
                self.collect(l, queue);
                self.collect(r, queue);
            }
            _ => {}
        }
    }

    fn of(&self, e: &Expr) -> Range<usize> {
        self.0
            .get(&(e as *const Expr as usize))
            .cloned()
            .unwrap_or(0..0)
    }
}

fn check_calls(e: &Expr, spans: &Spans, top: bool) -> Result<(), EvalError> {
    match e {
        Expr::Call { name, args } => {
            let at = spans.of(e);
            if sig::signature(name).is_none() {
                let did =
                    crate::manifest::suggest::did_you_mean(name, super::FUNCTIONS.iter().copied());
                return Err(EvalError {
                    code: "E0901",
                    message: format!("unknown function `{name}`"),
                    at,
                    help: Some(match did {
                        Some(s) => {
                            format!("did you mean `{s}`? (function names are case-sensitive)")
                        }
                        None => "see Entra's expression reference for the list of functions".into(),
                    }),
                });
            }
            if let Some(msg) = sig::arity_problem(name, args.len()) {
                return Err(EvalError {
                    code: "E0902",
                    message: msg,
                    at,
                    help: None,
                });
            }
            if name == "SelectUniqueValue" && !top {
                return Err(EvalError {
                    code: "E0905",
                    message: "`SelectUniqueValue` must be at the top level of the expression"
                        .into(),
                    at,
                    help: Some(
                        "Entra does not allow it nested; put the other functions inside its rules"
                            .into(),
                    ),
                });
            }
            for a in args.iter().flatten() {
                check_calls(a, spans, false)?;
            }
            Ok(())
        }
        Expr::Equals(l, r) | Expr::Compare(_, l, r) => {
            check_calls(l, spans, false)?;
            check_calls(r, spans, false)
        }
        _ => Ok(()),
    }
}

/// Evaluates `text` for `user`.
pub fn evaluate(text: &str, user: &Attributes, cx: Context) -> Result<Outcome, EvalError> {
    compile(text)?.evaluate(user, cx)
}

fn evaluate_tree(
    tree: &Expr,
    spans: &Spans,
    user: &Attributes,
    cx: Context,
) -> Result<Outcome, EvalError> {
    let ev = Ev {
        user,
        spans,
        cx,
        rng: RefCell::new(StdRng::seed_from_u64(cx.seed)),
        notes: RefCell::new(Vec::new()),
    };
    let (value, skipped) = match ev.eval(tree) {
        Ok(v) => (v, false),
        Err(Stop::Skip) => (Value::Null, true),
        Err(Stop::Error(e)) => return Err(e),
    };
    Ok(Outcome {
        value,
        skipped,
        notes: ev.notes.into_inner(),
    })
}

/// Why evaluation stopped early.
enum Stop {
    /// `IgnoreFlowIfNullOrEmpty` on an empty value.
    Skip,
    Error(EvalError),
}

type R<T = Value> = Result<T, Stop>;

/// The evaluator's state.
struct Ev<'a> {
    user: &'a Attributes,
    spans: &'a Spans,
    cx: Context,
    rng: RefCell<StdRng>,
    notes: RefCell<Vec<Note>>,
}

/// One call being evaluated: its node, name and arguments.
struct Call<'a> {
    node: &'a Expr,
    name: &'a str,
    args: &'a [Option<Expr>],
}

impl Ev<'_> {
    fn eval(&self, e: &Expr) -> R {
        match e {
            Expr::Attribute(a) => Ok(self.user.get(a)),
            Expr::Str(s) => Ok(Value::Str(s.clone())),
            Expr::Number(n) => Ok(Value::Str(n.clone())),
            Expr::Name(n) => Ok(Value::Str(n.clone())),
            Expr::Equals(l, r) => logic::compare(self, e, None, l, r),
            Expr::Compare(op, l, r) => logic::compare(self, e, Some(*op), l, r),
            Expr::Call { name, args } => {
                let c = Call {
                    node: e,
                    name,
                    args,
                };
                if let Some(v) = logic::call(self, &c)? {
                    return Ok(v);
                }
                if let Some(v) = funcs::call(self, &c)? {
                    return Ok(v);
                }
                Err(self.error(&c, "E0901", format!("unknown function `{name}`"), None))
            }
        }
    }

    /// Argument `i` evaluated; an empty or absent argument is NULL.
    fn arg(&self, c: &Call, i: usize) -> R {
        match c.args.get(i) {
            Some(Some(a)) => self.eval(a),
            _ => Ok(Value::Null),
        }
    }

    /// Whether argument `i` is written (even as `""`).
    fn given(&self, c: &Call, i: usize) -> bool {
        matches!(c.args.get(i), Some(Some(_)))
    }

    /// Argument `i` as one string.
    fn text(&self, c: &Call, i: usize) -> R<String> {
        Ok(self.arg(c, i)?.text())
    }

    /// Argument `i` as an integer (decimal, or VBA hex `&HFF`).
    fn int(&self, c: &Call, i: usize, what: &str) -> R<i64> {
        let t = self.text(c, i)?;
        parse_int(&t).ok_or_else(|| {
            self.error(
                c,
                "E0903",
                format!("`{}`: {what} must be an integer, not {t:?}", c.name),
                None,
            )
        })
    }

    /// Argument `i` as a date.
    fn date(&self, c: &Call, i: usize, what: &str) -> R<DateTime> {
        match self.arg(c, i)? {
            Value::Date(d) => Ok(d),
            v => date::parse(&v.text()).ok_or_else(|| {
                self.error(
                    c,
                    "E0903",
                    format!("`{}`: {what} {:?} is not a date", c.name, v.text()),
                    Some("wrap date strings in CDate(); accepted: ISO 8601 (2021-08-31T10:00:00+08:00) and M/d/yyyy h:mm:ss tt"),
                )
            }),
        }
    }

    fn error(&self, c: &Call, code: &'static str, message: String, help: Option<&str>) -> Stop {
        Stop::Error(EvalError {
            code,
            message,
            at: self.spans.of(c.node),
            help: help.map(String::from),
        })
    }

    fn note(&self, code: &'static str, function: &str, message: &str) {
        let mut notes = self.notes.borrow_mut();
        if !notes
            .iter()
            .any(|n| n.code == code && n.function == function)
        {
            notes.push(Note {
                code,
                function: function.to_owned(),
                message: message.to_owned(),
            });
        }
    }
}

/// An integer as the functions accept it: decimal (`-10`, `7`) or VBA hex (`&HF7`).
pub fn parse_int(t: &str) -> Option<i64> {
    let t = t.trim();
    match t.strip_prefix("&H").or_else(|| t.strip_prefix("&h")) {
        Some(hex) => i64::from_str_radix(hex, 16).ok(),
        None => t.parse().ok(),
    }
}

#[cfg(test)]
mod tests;
