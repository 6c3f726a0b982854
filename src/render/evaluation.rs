//! `expr eval` output: the value the target would receive (or "flow skipped"), and notes.
//! Human and JSON (`{"value": …, "skipped": bool, "notes": […]}`).

use serde_json::json;

use super::untrusted::shown;
use crate::manifest::expr::eval::{Note, Outcome, Value};

/// One value for humans: `"text"` quoted, lists as `["a", "b"]`, NULL as `null`.
pub fn value_text(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Multi(xs) => {
            let items: Vec<String> = xs.iter().map(|x| format!("\"{}\"", shown(x))).collect();
            format!("[{}]", items.join(", "))
        }
        other => format!("\"{}\"", shown(&other.text())),
    }
}

/// A note line: `note[I0901] Guid: …`.
pub fn note_line(n: &Note) -> String {
    format!("note[{}] {}: {}", n.code, n.function, n.message)
}

/// Human output of one evaluation.
pub fn human(o: &Outcome) -> String {
    let mut out = if o.skipped {
        "flow skipped: IgnoreFlowIfNullOrEmpty drops the attribute (the value is null or empty)\n"
            .to_string()
    } else if o.value == Value::Null {
        "null (the target receives no value)\n".to_string()
    } else {
        format!("{}\n", value_text(&o.value))
    };
    for n in &o.notes {
        out.push_str(&note_line(n));
        out.push('\n');
    }
    out
}

/// JSON output of one evaluation.
pub fn json(o: &Outcome) -> String {
    let notes: Vec<_> = o
        .notes
        .iter()
        .map(|n| json!({"code": n.code, "function": n.function, "message": n.message}))
        .collect();
    let v = json!({
        "value": if o.skipped { serde_json::Value::Null } else { o.value.to_json() },
        "skipped": o.skipped,
        "notes": notes,
    });
    format!("{}\n", serde_json::to_string_pretty(&v).unwrap_or_default())
}
