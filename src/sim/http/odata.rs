//! OData query options: `$filter` (see [`crate::sim::http::filter`]), `$select` projection, and
//! `$top`/`$skiptoken` paging with `@odata.nextLink`.

use base64::Engine;
use serde_json::{Map, Value};

use crate::sim::core::Req;
use crate::sim::http::error::GraphError;
pub use crate::sim::http::filter::{Allowed, Expr, Lit, check, eval, parse_filter};

/// Parses and checks `$filter` if present.
pub fn filter(req: &Req, allowed: Allowed, resource: &str) -> Result<Option<Expr>, GraphError> {
    match req.q("$filter") {
        None => Ok(None),
        Some(f) => {
            let e = parse_filter(f)?;
            check(&e, allowed, resource)?;
            Ok(Some(e))
        }
    }
}

/// The `$select` list, checked against the resource's properties.
pub fn select(
    req: &Req,
    props: &[&str],
    type_name: &str,
) -> Result<Option<Vec<String>>, GraphError> {
    let Some(sel) = req.q("$select") else {
        return Ok(None);
    };
    let mut out = Vec::new();
    for p in sel.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let Some(known) = props.iter().find(|k| k.eq_ignore_ascii_case(p)) else {
            return Err(GraphError::bad_request(format!(
                "Could not find a property named '{p}' on type 'microsoft.graph.{type_name}'."
            )));
        };
        out.push((*known).to_owned());
    }
    Ok(Some(out))
}

/// `$orderby=prop [asc|desc]` when `prop` is one of `allowed`: `(property, descending)`.
pub fn order_by(
    req: &Req,
    allowed: &[&str],
    resource: &str,
) -> Result<Option<(String, bool)>, GraphError> {
    let Some(o) = req.q("$orderby") else {
        return Ok(None);
    };
    let mut parts = o.split_whitespace();
    let prop = parts.next().unwrap_or_default();
    let desc = match parts.next() {
        None | Some("asc") => false,
        Some("desc") => true,
        Some(other) => {
            return Err(GraphError::bad_request(format!(
                "Invalid $orderby direction '{other}'."
            )));
        }
    };
    match allowed.iter().find(|a| a.eq_ignore_ascii_case(prop)) {
        Some(p) if parts.next().is_none() => Ok(Some(((*p).to_owned(), desc))),
        _ => Err(GraphError::unsupported_query(format!(
            "Sorting on property '{prop}' of resource '{resource}' is not supported."
        ))),
    }
}

/// Sorts resources by a string property (case-insensitive), as `$orderby` asks.
pub fn sort(items: &mut [Value], order: Option<&(String, bool)>) {
    if let Some((prop, desc)) = order {
        let key = |v: &Value| v[prop.as_str()].as_str().unwrap_or_default().to_lowercase();
        items.sort_by(|a, b| {
            if *desc {
                key(b).cmp(&key(a))
            } else {
                key(a).cmp(&key(b))
            }
        });
    }
}

/// Keeps only the selected properties.
pub fn project(v: Value, sel: Option<&[String]>) -> Value {
    match (sel, v) {
        (Some(sel), Value::Object(m)) => Value::Object(
            m.into_iter()
                .filter(|(k, _)| sel.iter().any(|s| s == k))
                .collect(),
        ),
        (_, v) => v,
    }
}

/// `entitySet` or `entitySet(a,b)` for `@odata.context`.
pub fn context_set(set: &str, sel: Option<&[String]>) -> String {
    match sel {
        Some(s) => format!("{set}({})", s.join(",")),
        None => set.to_owned(),
    }
}

fn enc(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z'
            | b'a'..=b'z'
            | b'0'..=b'9'
            | b'-'
            | b'_'
            | b'.'
            | b'~'
            | b'$'
            | b'\''
            | b'('
            | b')'
            | b','
            | b':'
            | b'/'
            | b'@' => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// Evaluates `prop in (…)` and `prop eq/ne '…'` on a string property without building the
/// resource's JSON (`field` gives the property's value, `None` when it cannot). `None` when
/// the filter has another shape: the caller falls back to [`eval`]. Same semantics as
/// [`eval`] (case-insensitive string equality).
pub fn quick_eval<'a>(e: &Expr, field: impl Fn(&str) -> Option<&'a str>) -> Option<bool> {
    let same = |v: &str, l: &Lit| matches!(l, Lit::Str(s) if v.eq_ignore_ascii_case(s));
    match e {
        Expr::In { prop, lits } => {
            let v = field(prop)?;
            Some(lits.iter().any(|l| same(v, l)))
        }
        Expr::Cmp { prop, negate, lit } if matches!(lit, Lit::Str(_)) => {
            Some(same(field(prop)?, lit) != *negate)
        }
        _ => None,
    }
}

/// The page window `(offset, size)` from `$skiptoken` and `$top` (default `default`, at
/// most `max`).
pub fn window(req: &Req, default: usize, max: usize) -> Result<(usize, usize), GraphError> {
    let top = match req.q("$top") {
        None => default,
        Some(t) => match t.parse::<usize>() {
            Ok(n) if (1..=max).contains(&n) => n,
            _ => {
                return Err(GraphError::bad_request(format!(
                    "Invalid page size specified: '{t}'. Must be between 1 and {max} inclusive."
                )));
            }
        },
    };
    let offset = match req.q("$skiptoken") {
        None => 0,
        Some(tok) => decode_token(tok).ok_or_else(|| {
            GraphError::new(
                400,
                "Directory_ExpiredPageToken",
                "The specified page token value has expired and can no longer be included in your request.",
            )
        })?,
    };
    Ok((offset, top))
}

/// The `@odata.nextLink` after the window `(offset, top)` of `total` items, if any.
pub fn next_link(req: &Req, (offset, top): (usize, usize), total: usize) -> Option<String> {
    (offset + top < total).then(|| {
        let mut q: Vec<String> = req
            .query
            .iter()
            .filter(|(k, _)| !k.eq_ignore_ascii_case("$skiptoken"))
            .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
            .collect();
        q.push(format!("$skiptoken={}", encode_token(offset + top)));
        format!("{}/{}{}?{}", req.base, req.version, req.path, q.join("&"))
    })
}

/// One page of `items` per `$top` (default `default`, at most `max`) and `$skiptoken`;
/// returns the page and the `@odata.nextLink`, if more remain.
pub fn page(
    req: &Req,
    items: Vec<Value>,
    default: usize,
    max: usize,
) -> Result<(Vec<Value>, Option<String>), GraphError> {
    let w = window(req, default, max)?;
    let total = items.len();
    let page: Vec<Value> = items.into_iter().skip(w.0).take(w.1).collect();
    Ok((page, next_link(req, w, total)))
}

fn encode_token(offset: usize) -> String {
    let raw = format!("RFNwdAIAAQAAAB{offset:08}");
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(raw)
}

fn decode_token(tok: &str) -> Option<usize> {
    let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(tok)
        .ok()?;
    let s = String::from_utf8(raw).ok()?;
    s.strip_prefix("RFNwdAIAAQAAAB")?.parse().ok()
}

/// A collection answer: `@odata.context`, optional `@odata.nextLink`, `value`.
pub fn collection(context: String, value: Vec<Value>, next: Option<String>) -> Value {
    let mut m = Map::new();
    m.insert("@odata.context".into(), Value::String(context));
    if let Some(n) = next {
        m.insert("@odata.nextLink".into(), Value::String(n));
    }
    m.insert("value".into(), Value::Array(value));
    Value::Object(m)
}
