//! How field values read in human and markdown output.

use crate::plan::change::{Action, FieldChange, Sensitive, Value};
use crate::plan::fingerprint::short;

use super::Painter;
use super::words::{LONG_VALUE, inline};
use crate::text::{MAX_SHOWN, shown};

/// A value on its own: text as is, `(not set)`, lists as `[a, b]`.
pub(crate) fn show(v: &Value) -> String {
    match v {
        Value::Unset => "(not set)".to_owned(),
        Value::Text(s) | Value::Expression(s) if s.is_empty() => "\"\"".to_owned(),
        Value::Text(s) | Value::Expression(s) => shown(s).into_owned(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::List(items) => {
            let items: Vec<_> = items.iter().map(|i| shown(i)).collect();
            format!("[{}]", items.join(", "))
        }
        Value::Sensitive(Sensitive::Fingerprint { fingerprint }) => {
            format!("(sensitive, fingerprint {})", short(fingerprint))
        }
        Value::Sensitive(Sensitive::Unknown) => "(sensitive)".to_owned(),
        Value::Sensitive(Sensitive::WillBeSet) => "(sensitive, will be set)".to_owned(),
    }
}

/// The right-hand side of a field line for a change with `action`.
pub(crate) fn field_text(action: Action, f: &FieldChange, painter: Painter) -> String {
    if let (Value::Sensitive(_), _) | (_, Value::Sensitive(_)) = (&f.before, &f.after) {
        return sensitive(&f.before, &f.after, action);
    }
    match action {
        Action::Create => show(&f.after),
        Action::Delete => show(&f.before),
        Action::Update => update(&f.before, &f.after, painter),
    }
}

fn sensitive(before: &Value, after: &Value, action: Action) -> String {
    match (before, after) {
        (
            Value::Sensitive(Sensitive::Fingerprint { fingerprint: a }),
            Value::Sensitive(Sensitive::Fingerprint { fingerprint: b }),
        ) => format!("(sensitive, fingerprint {} → {})", short(a), short(b)),
        (v, _) if action == Action::Delete => show(v),
        _ => "(sensitive, will be set)".to_owned(),
    }
}

fn update(before: &Value, after: &Value, painter: Painter) -> String {
    if before == after {
        return show(after);
    }
    let long = |a: &str, b: &str| a.len().max(b.len()) > MAX_SHOWN;
    match (before, after) {
        (Value::Text(a) | Value::Expression(a), Value::Text(b) | Value::Expression(b))
            if long(a, b) =>
        {
            format!("{} → {}", show(before), show(after))
        }
        (Value::Expression(a), Value::Expression(b)) => inline(a, b, painter),
        (Value::Text(a), Value::Text(b)) if a.len().max(b.len()) >= LONG_VALUE * 2 => {
            inline(a, b, painter)
        }
        (Value::Text(a), Value::Text(b)) => {
            format!("{} → {}", shown(a), shown(&abbreviate(a, b)))
        }
        (a, b) => format!("{} → {}", show(a), show(b)),
    }
}

/// Shortens `after` when it shares a long path-like prefix with `before`:
/// `https://h/api/rest/scim/v2/111 → …/222`.
fn abbreviate(before: &str, after: &str) -> String {
    let common = before
        .char_indices()
        .zip(after.chars())
        .take_while(|((_, a), b)| a == b)
        .map(|((i, a), _)| i + a.len_utf8())
        .last()
        .unwrap_or(0);
    match after[..common].rfind('/') {
        Some(cut) if cut >= 20 => format!("…{}", &after[cut..]),
        _ => after.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_change_is_abbreviated_after_the_common_path() {
        assert_eq!(
            abbreviate(
                "https://keepersecurity.com/api/rest/scim/v2/111",
                "https://keepersecurity.com/api/rest/scim/v2/222"
            ),
            "…/222"
        );
        assert_eq!(abbreviate("mail", "userPrincipalName"), "userPrincipalName");
    }
}
