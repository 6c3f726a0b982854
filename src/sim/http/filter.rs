//! The `$filter` language of the directory endpoints: eq, ne, in, startswith, contains,
//! endswith, `any` lambdas, and/or, parentheses and `''` quoting; what each resource
//! supports; evaluation on a resource's JSON.

use serde_json::{Map, Value};

use crate::sim::http::error::GraphError;

mod parse;

pub use parse::parse_filter;

/// A literal in a filter.
#[derive(Clone, Debug, PartialEq)]
pub enum Lit {
    /// `'text'` (with `''` unescaped).
    Str(String),
    /// `true` / `false`.
    Bool(bool),
    /// `null`.
    Null,
    /// A number.
    Num(f64),
}

/// A parsed filter expression.
#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    /// Both hold.
    And(Box<Expr>, Box<Expr>),
    /// Either holds.
    Or(Box<Expr>, Box<Expr>),
    /// `prop eq lit` (`ne` when `negate`).
    Cmp {
        /// Property path.
        prop: String,
        /// `ne`.
        negate: bool,
        /// Value.
        lit: Lit,
    },
    /// `prop in (lits)`.
    In {
        /// Property path.
        prop: String,
        /// Values.
        lits: Vec<Lit>,
    },
    /// `startswith|contains|endswith(prop, 'x')`.
    Func {
        /// Function name.
        name: String,
        /// Property path.
        prop: String,
        /// Argument.
        arg: String,
    },
    /// `coll/any(v: <expr over v>)`.
    Any {
        /// Collection property.
        prop: String,
        /// Range variable.
        var: String,
        /// Condition on the element.
        body: Box<Expr>,
    },
}

/// What a resource allows in `$filter`: `(property, operators)` where operators use
/// `eq`, `ne`, `in`, `startswith`, `contains`, `endswith`, `any`.
pub type Allowed = &'static [(&'static str, &'static [&'static str])];

fn leaves(e: &Expr) -> usize {
    match e {
        Expr::Or(a, b) => leaves(a) + leaves(b),
        Expr::And(a, b) => leaves(a).max(leaves(b)),
        Expr::In { lits, .. } => lits.len(),
        _ => 1,
    }
}

/// Checks a filter against what the resource supports; `in` and `or` chains are limited
/// to 15 values as in Graph.
pub fn check(e: &Expr, allowed: Allowed, resource: &str) -> Result<(), GraphError> {
    let n = leaves(e);
    if n > 15 {
        return Err(GraphError::unsupported_query(format!(
            "Too many child clauses specified in search filter expression containing 'OR' operators: {n}. Max allowed: 15."
        )));
    }
    let ok = |prop: &str, op: &str| {
        allowed
            .iter()
            .any(|(p, ops)| p.eq_ignore_ascii_case(prop) && ops.contains(&op))
    };
    let deny = |prop: &str| {
        GraphError::unsupported_query(format!(
            "Unsupported or invalid query filter clause specified for property '{prop}' of resource '{resource}'."
        ))
    };
    match e {
        Expr::And(a, b) | Expr::Or(a, b) => {
            check(a, allowed, resource)?;
            check(b, allowed, resource)
        }
        Expr::Cmp { prop, negate, .. } => ok(prop, if *negate { "ne" } else { "eq" })
            .then_some(())
            .ok_or_else(|| deny(prop)),
        Expr::In { prop, .. } => ok(prop, "in").then_some(()).ok_or_else(|| deny(prop)),
        Expr::Func { name, prop, .. } => ok(prop, name).then_some(()).ok_or_else(|| deny(prop)),
        Expr::Any { prop, var, body } => match &**body {
            Expr::Cmp {
                prop: p,
                negate: false,
                ..
            } if p == var && ok(prop, "any") => Ok(()),
            _ => Err(deny(prop)),
        },
    }
}

fn lookup<'a>(obj: &'a Value, path: &str) -> &'a Value {
    path.split('/')
        .fold(obj, |v, k| v.get(k).unwrap_or(&Value::Null))
}

fn lit_eq(v: &Value, lit: &Lit) -> bool {
    match (v, lit) {
        (Value::String(s), Lit::Str(l)) => s.eq_ignore_ascii_case(l),
        (Value::Bool(b), Lit::Bool(l)) => b == l,
        (Value::Null, Lit::Null) => true,
        (Value::Number(n), Lit::Num(l)) => n.as_f64() == Some(*l),
        _ => false,
    }
}

/// Evaluates a filter on a resource's JSON.
pub fn eval(e: &Expr, obj: &Value) -> bool {
    match e {
        Expr::And(a, b) => eval(a, obj) && eval(b, obj),
        Expr::Or(a, b) => eval(a, obj) || eval(b, obj),
        Expr::Cmp { prop, negate, lit } => lit_eq(lookup(obj, prop), lit) != *negate,
        Expr::In { prop, lits } => lits.iter().any(|l| lit_eq(lookup(obj, prop), l)),
        Expr::Func { name, prop, arg } => {
            let v = lookup(obj, prop)
                .as_str()
                .unwrap_or_default()
                .to_lowercase();
            let a = arg.to_lowercase();
            match name.as_str() {
                "startswith" => v.starts_with(&a),
                "endswith" => v.ends_with(&a),
                _ => v.contains(&a),
            }
        }
        Expr::Any { prop, var, body } => lookup(obj, prop).as_array().is_some_and(|items| {
            items.iter().any(|item| {
                let mut scope = Map::new();
                scope.insert(var.clone(), item.clone());
                eval(body, &Value::Object(scope))
            })
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_quoted_and_lambda_filters() {
        let e = parse_filter("displayName eq 'O''Brien & Co'").unwrap();
        assert_eq!(
            e,
            Expr::Cmp {
                prop: "displayName".into(),
                negate: false,
                lit: Lit::Str("O'Brien & Co".into())
            }
        );
        let e =
            parse_filter("tags/any(t:t eq 'entraprov:x') and startswith(displayName,'K')").unwrap();
        assert!(eval(
            &e,
            &serde_json::json!({"tags":["entraprov:x"],"displayName":"Keeper"})
        ));
        assert!(parse_filter("displayName eq 'open").is_err());
    }

    #[test]
    fn limits_in_to_15_values() {
        let vals: Vec<String> = (0..16).map(|i| format!("'u{i}'")).collect();
        let e = parse_filter(&format!("userPrincipalName in ({})", vals.join(","))).unwrap();
        let allowed: Allowed = &[("userPrincipalName", &["in"]), ("accountEnabled", &["eq"])];
        assert!(check(&e, allowed, "users").is_err());
        let nested = parse_filter(&format!(
            "accountEnabled eq true and userPrincipalName in ({})",
            vals.join(",")
        ))
        .unwrap();
        assert!(
            check(&nested, allowed, "users").is_err(),
            "the limit applies inside and"
        );
    }
}
