//! Lenient readers for fields whose shape Microsoft's pages leave open or contradict
//! (see `docs/graph-fidelity.md`): the client reads every documented variant.

use serde::{Deserialize, Deserializer};
use serde_json::Value;

/// A Boolean sent as `true`/`false`, `"true"`/`"True"`/`"False"`, `0`/`1` or `"0"`/`"1"`;
/// `null`, missing and anything else read as `false`.
/// (`synchronizationTemplate.discoverable` is `true` in the JSON representation but typed
/// `String` in the property table.)
pub fn bool_or_string<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    Ok(flag(&Value::deserialize(d)?).unwrap_or(false))
}

/// A flag value as text or JSON: `true`/`false` in any case, `0`/`1`.
pub fn flag(v: &Value) -> Option<bool> {
    match v {
        Value::Bool(b) => Some(*b),
        Value::Number(n) => n.as_i64().and_then(int_flag),
        Value::String(s) => flag_text(s),
        _ => None,
    }
}

/// A flag in text: `True`/`False` (any case) or `0`/`1`.
pub fn flag_text(s: &str) -> Option<bool> {
    let t = s.trim();
    if t.eq_ignore_ascii_case("true") {
        Some(true)
    } else if t.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        t.parse::<i64>().ok().and_then(int_flag)
    }
}

fn int_flag(n: i64) -> Option<bool> {
    match n {
        0 => Some(false),
        1 => Some(true),
        _ => None,
    }
}

/// One object, or the first of a collection (`provisioningObjectSummary.servicePrincipal`
/// is an object in the examples and a collection in the resource table).
pub fn one_or_first<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: serde::de::DeserializeOwned,
{
    let v = Value::deserialize(d)?;
    let one = match v {
        Value::Array(mut items) if !items.is_empty() => items.swap_remove(0),
        Value::Array(_) | Value::Null => return Ok(None),
        other => other,
    };
    T::deserialize(one)
        .map(Some)
        .map_err(serde::de::Error::custom)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn flags_in_every_documented_spelling() {
        for (v, want) in [
            (json!(true), Some(true)),
            (json!("True"), Some(true)),
            (json!("true"), Some(true)),
            (json!("1"), Some(true)),
            (json!(1), Some(true)),
            (json!("False"), Some(false)),
            (json!(false), Some(false)),
            (json!("0"), Some(false)),
            (json!("yes"), None),
            (json!(null), None),
        ] {
            assert_eq!(flag(&v), want, "{v}");
        }
    }
}
