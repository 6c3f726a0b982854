//! Conditions and choices: IIF (with `= <> < <= > >=`), Switch, Coalesce, IsNull,
//! IsNullOrEmpty, IsPresent, IsString, Not, CBool, BitAnd, IgnoreFlowIfNullOrEmpty.

use std::cmp::Ordering;

use super::{Call, Ev, R, Stop, Value};
use crate::manifest::expr::{CmpOp, Expr};

/// The function `c` if it is one of this module's; `None` otherwise.
pub(super) fn call(ev: &Ev, c: &Call) -> R<Option<Value>> {
    Ok(Some(match c.name {
        "IIF" => return iif(ev, c).map(Some),
        "Switch" => return switch(ev, c).map(Some),
        "Coalesce" => {
            for i in 0..c.args.len() {
                let v = ev.arg(c, i)?;
                if !is_null(&v) {
                    return Ok(Some(v));
                }
            }
            Value::Null
        }
        "IsNull" => Value::bool(is_null(&ev.arg(c, 0)?)),
        // IsNothing: listed by Graph's schema/functions only; read as IsNullOrEmpty
        // (docs/expressions.md, assumptions).
        "IsNullOrEmpty" | "IsNothing" => Value::bool(ev.arg(c, 0)?.is_null_or_empty()),
        "IsPresent" => Value::bool(!ev.arg(c, 0)?.is_null_or_empty()),
        "IsString" => Value::bool(matches!(ev.arg(c, 0)?, Value::Str(_) | Value::Date(_))),
        "Not" => Value::bool(!ev.text(c, 0)?.trim().eq_ignore_ascii_case("true")),
        "CBool" => {
            let t = ev.text(c, 0)?;
            Value::bool(truth(&t).ok_or_else(|| {
                ev.error(
                    c,
                    "E0903",
                    format!("`CBool`: {t:?} is neither a boolean nor a number"),
                    None,
                )
            })?)
        }
        "BitAnd" => {
            let a = ev.int(c, 0, "value1")?;
            let b = ev.int(c, 1, "value2")?;
            Value::Str((a & b).to_string())
        }
        "IgnoreFlowIfNullOrEmpty" => {
            let v = ev.arg(c, 0)?;
            if v.is_null_or_empty() {
                return Err(Stop::Skip);
            }
            v
        }
        _ => return Ok(None),
    }))
}

/// NULL in Coalesce's and IsNull's sense: an absent attribute (entra-docs: "For an
/// attribute, a Null is expressed by the absence of the attribute"), not an empty string.
fn is_null(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::Multi(xs) => xs.is_empty(),
        _ => false,
    }
}

/// `True`/`False` (any case), or a number (non-zero is true).
fn truth(t: &str) -> Option<bool> {
    let t = t.trim();
    if t.eq_ignore_ascii_case("true") {
        return Some(true);
    }
    if t.eq_ignore_ascii_case("false") {
        return Some(false);
    }
    t.parse::<f64>().ok().map(|n| n != 0.0)
}

/// IIF: documented limitation — when an attribute used in the condition is null or empty,
/// "the condition check fails": reported as E0904 (use Switch instead).
fn iif(ev: &Ev, c: &Call) -> R {
    if let Some(Some(cond)) = c.args.first() {
        for a in attributes(cond) {
            if ev.user.get(&a).is_null_or_empty() {
                return Err(ev.error(
                    c,
                    "E0904",
                    format!("IIF: the condition uses [{a}], which is empty or missing, so Entra's condition check fails"),
                    Some("IIF does not support null or empty attributes in its condition; use Switch([attr], [attr], \"\", \"value if empty\")"),
                ));
            }
        }
    }
    let cond = ev.text(c, 0)?;
    let yes = truth(&cond).ok_or_else(|| {
        ev.error(
            c,
            "E0903",
            format!("IIF: the condition gave {cond:?}, not True or False"),
            None,
        )
    })?;
    ev.arg(c, if yes { 1 } else { 2 })
}

fn attributes(e: &Expr) -> Vec<String> {
    match e {
        Expr::Attribute(a) => vec![a.clone()],
        Expr::Call { args, .. } => args.iter().flatten().flat_map(attributes).collect(),
        Expr::Equals(l, r) | Expr::Compare(_, l, r) => {
            let mut v = attributes(l);
            v.extend(attributes(r));
            v
        }
        _ => Vec::new(),
    }
}

/// Switch: case-sensitive comparison of source and keys (documented); a missing source
/// matches the key `""` (the documented way to test for empty values).
fn switch(ev: &Ev, c: &Call) -> R {
    let source = ev.text(c, 0)?;
    let mut i = 2;
    while i + 1 < c.args.len() {
        if ev.text(c, i)? == source {
            return ev.arg(c, i + 1);
        }
        i += 2;
    }
    ev.arg(c, 1)
}

/// `=` (op `None`) and the other IIF comparison operators. Equality is case-sensitive
/// (like Switch and the EQUALS scoping operator); ordering is numeric when both sides are
/// numbers, ordinal otherwise.
pub(super) fn compare(ev: &Ev, _e: &Expr, op: Option<CmpOp>, l: &Expr, r: &Expr) -> R {
    let a = ev.eval(l)?.text();
    let b = ev.eval(r)?.text();
    let ord = match (a.trim().parse::<f64>(), b.trim().parse::<f64>()) {
        (Ok(x), Ok(y)) => x.partial_cmp(&y).unwrap_or(Ordering::Equal),
        _ => a.cmp(&b),
    };
    Ok(Value::bool(match op {
        None => a == b,
        Some(CmpOp::Ne) => a != b,
        Some(CmpOp::Lt) => ord == Ordering::Less,
        Some(CmpOp::Le) => ord != Ordering::Greater,
        Some(CmpOp::Gt) => ord == Ordering::Greater,
        Some(CmpOp::Ge) => ord != Ordering::Less,
    }))
}
