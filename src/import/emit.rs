//! A small, tidy YAML 1.2 emitter for manifests: a JSON value (keys already in schema order)
//! plus comments keyed by JSON pointer → block-style YAML text.
//!
//! - Mappings and sequences whose members are all scalars are written in flow style
//!   (`{ source: mail, matchingPriority: 1 }`, `[create, update]`) when they fit on one line
//!   and carry no comments; everything else is block style.
//! - Strings are plain unless YAML needs quotes: they would read as another type under the
//!   YAML 1.2 core schema (or YAML 1.1's booleans, for older tools), start with an indicator,
//!   contain `: ` / ` #`, flow indicators inside flow collections, or control characters.
//!   Quoted strings use single quotes when they contain `"` or `\` (expressions), else double
//!   quotes with escapes.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::sync::OnceLock;

use serde_json::{Map, Value};

use crate::manifest::span::push_segment;

/// Widest line the emitter produces for flow collections.
const WIDTH: usize = 100;

/// Comments and layout hints for [`to_yaml`], keyed by JSON pointer (RFC 6901).
#[derive(Clone, Debug, Default)]
pub struct Layout {
    /// Full-line comments written before the node (each string is one line, without `# `).
    pub before: BTreeMap<String, Vec<String>>,
    /// A comment at the end of the node's line.
    pub trailing: BTreeMap<String, String>,
    /// Sequences whose mapping items are always written in block style.
    pub block_items: BTreeSet<String>,
    /// Keys preceded by an empty line.
    pub blank_before: BTreeSet<String>,
}

impl Layout {
    /// Adds a full-line comment before the node at `pointer`.
    pub fn comment_before(&mut self, pointer: &str, text: impl Into<String>) {
        self.before
            .entry(pointer.to_owned())
            .or_default()
            .push(text.into());
    }

    /// Sets the end-of-line comment of the node at `pointer`.
    pub fn comment_after(&mut self, pointer: &str, text: impl Into<String>) {
        self.trailing.insert(pointer.to_owned(), text.into());
    }

    fn has_comments_below(&self, pointer: &str) -> bool {
        let prefix = format!("{pointer}/");
        let below = |k: &String| k.starts_with(&prefix);
        self.before.keys().any(below) || self.trailing.keys().any(below)
    }
}

/// Renders `value` (an object) as a YAML document; `header` lines become leading comments.
pub fn to_yaml(value: &Value, header: &[String], layout: &Layout) -> String {
    let mut out = String::new();
    for line in header {
        push_comment(&mut out, 0, line);
    }
    if let Value::Object(map) = value {
        write_entries(&mut out, map, "", 0, layout);
    } else {
        let _ = writeln!(out, "{}", scalar(value, false));
    }
    out
}

/// Characters written escaped: control characters, byte order marks, and the Unicode line
/// and paragraph separators (line breaks for YAML 1.1 readers).
fn needs_escape(c: char) -> bool {
    c.is_control() || matches!(c, '\u{feff}' | '\u{2028}' | '\u{2029}')
}

/// Comment text on one line: characters YAML would read as a line break or refuse
/// (control characters, byte order marks) are shown escaped.
fn comment_line(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            c if needs_escape(c) => {
                format!("\\u{{{:04x}}}", u32::from(c))
            }
            c => c.to_string(),
        })
        .collect()
}

fn push_comment(out: &mut String, indent: usize, text: &str) {
    for line in text.split('\n') {
        let line = comment_line(line.trim_end());
        if line.is_empty() {
            let _ = writeln!(out, "{:indent$}#", "");
        } else {
            let _ = writeln!(out, "{:indent$}# {line}", "");
        }
    }
}

fn trailing(layout: &Layout, pointer: &str) -> String {
    layout
        .trailing
        .get(pointer)
        .map(|c| format!("  # {}", comment_line(c)))
        .unwrap_or_default()
}

fn write_entries(out: &mut String, map: &Map<String, Value>, ptr: &str, indent: usize, l: &Layout) {
    for (key, value) in map {
        let p = push_segment(ptr, key);
        if l.blank_before.contains(&p) && !out.is_empty() {
            out.push('\n');
        }
        for c in l.before.get(&p).into_iter().flatten() {
            push_comment(out, indent, c);
        }
        let k = string(key, false);
        let prefix = format!("{:indent$}{k}:", "");
        write_node(out, &prefix, value, &p, indent, l);
    }
}

/// Writes a node after `prefix` (`key:` or `-`), inline when it is a scalar or fits in flow
/// style, else on the following lines.
fn write_node(out: &mut String, prefix: &str, value: &Value, ptr: &str, indent: usize, l: &Layout) {
    let tail = trailing(l, ptr);
    if let Some(flow) = inline(value, ptr, l, prefix.len() + 1 + tail.len()) {
        let _ = writeln!(out, "{prefix} {flow}{tail}");
        return;
    }
    let _ = writeln!(out, "{prefix}{tail}");
    match value {
        Value::Object(map) => write_entries(out, map, ptr, indent + 2, l),
        Value::Array(items) => write_items(out, items, ptr, indent + 2, l),
        _ => {}
    }
}

fn write_items(out: &mut String, items: &[Value], ptr: &str, indent: usize, l: &Layout) {
    for (i, item) in items.iter().enumerate() {
        let p = push_segment(ptr, &i.to_string());
        for c in l.before.get(&p).into_iter().flatten() {
            push_comment(out, indent, c);
        }
        let block = l.block_items.contains(ptr);
        match item {
            Value::Object(map) if !map.is_empty() && (block || !fits_flow(item, &p, l, indent)) => {
                // The first entry goes on the dash line.
                let mut body = String::new();
                write_entries(&mut body, map, &p, indent + 2, l);
                let tail = trailing(l, &p);
                let mut lines = body.lines();
                if let Some(first) = lines.next() {
                    let _ = writeln!(out, "{:indent$}- {}{tail}", "", &first[indent + 2..]);
                }
                for line in lines {
                    let _ = writeln!(out, "{line}");
                }
            }
            _ => {
                let prefix = format!("{:indent$}-", "");
                write_node(out, &prefix, item, &p, indent, l);
            }
        }
    }
}

fn fits_flow(item: &Value, ptr: &str, l: &Layout, indent: usize) -> bool {
    inline(item, ptr, l, indent + 2 + trailing(l, ptr).len()).is_some()
}

/// The one-line form of a node: scalars always; collections of scalars in flow style when
/// they have no comments inside and `used + len` fits [`WIDTH`].
fn inline(value: &Value, ptr: &str, l: &Layout, used: usize) -> Option<String> {
    let text = match value {
        Value::Object(map) if map.is_empty() => "{}".to_owned(),
        Value::Array(items) if items.is_empty() => "[]".to_owned(),
        Value::Object(map) => {
            if map.values().any(is_collection) || l.has_comments_below(ptr) {
                return None;
            }
            let parts: Vec<String> = map
                .iter()
                .map(|(k, v)| format!("{}: {}", string(k, true), scalar(v, true)))
                .collect();
            format!("{{ {} }}", parts.join(", "))
        }
        Value::Array(items) => {
            if items.iter().any(is_collection) || l.has_comments_below(ptr) {
                return None;
            }
            let parts: Vec<String> = items.iter().map(|v| scalar(v, true)).collect();
            format!("[{}]", parts.join(", "))
        }
        scalar_value => return Some(scalar(scalar_value, false)),
    };
    (used + text.len() <= WIDTH).then_some(text)
}

fn is_collection(v: &Value) -> bool {
    matches!(v, Value::Object(_) | Value::Array(_))
}

/// A JSON scalar as YAML.
fn scalar(v: &Value, flow: bool) -> String {
    match v {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => string(s, flow),
        // Collections never reach here (callers check); keep the output valid anyway.
        other => other.to_string(),
    }
}

/// A string as a YAML scalar: plain when that reads back as the same string, else quoted.
pub fn string(s: &str, flow: bool) -> String {
    if plain_ok(s, flow) {
        return s.to_owned();
    }
    let printable = !s.chars().any(needs_escape);
    if printable && !s.contains('\'') && (s.contains('"') || s.contains('\\')) {
        return format!("'{s}'");
    }
    double_quoted(s)
}

fn double_quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if needs_escape(c) => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Whether `s` can be written as a plain scalar and read back as the same string.
fn plain_ok(s: &str, flow: bool) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    if s.trim() != s || reads_as_non_string(s) || s == "<<" {
        return false;
    }
    if "-?:,[]{}#&*!|>'\"%@`".contains(first) {
        return false;
    }
    if s.contains(": ") || s.contains(" #") || s.ends_with(':') {
        return false;
    }
    if flow && s.contains([',', '[', ']', '{', '}', ':', '#']) {
        return false;
    }
    !s.chars().any(needs_escape)
}

/// Null, booleans (YAML 1.2 core, and YAML 1.1's `yes`/`no`/`on`/`off` for older tools),
/// numbers in any YAML notation, and dates.
fn reads_as_non_string(s: &str) -> bool {
    static RE: OnceLock<Option<regex::Regex>> = OnceLock::new();
    const WORDS: &[&str] = &[
        "~", "null", "Null", "NULL", "true", "True", "TRUE", "false", "False", "FALSE", "y", "Y",
        "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "on", "On", "ON", "off", "Off", "OFF",
    ];
    if WORDS.contains(&s) {
        return true;
    }
    let re = RE.get_or_init(|| {
        regex::Regex::new(concat!(
            r"^(?:[-+]?(?:\d[\d_]*(?:\.[\d_]*)?|\.\d[\d_]*)(?:[eE][-+]?\d+)?",
            r"|0x[0-9a-fA-F_]+|0o[0-7_]+|0b[01_]+",
            r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)",
            r"|[-+]?\d[\d_]*(?::[0-5]?\d)+(?:\.[\d_]*)?",
            r"|\d{4}-\d{1,2}-\d{1,2}.*)$"
        ))
        .ok()
    });
    // Without the regex (it is a constant, so never), quote anything that starts like a
    // number.
    re.as_ref().map_or_else(
        || s.starts_with(|c: char| c.is_ascii_digit() || "+-.".contains(c)),
        |re| re.is_match(s),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn strings_are_quoted_only_when_yaml_needs_it() {
        for plain in [
            "Keeper Users",
            "alice@contoso.com",
            "https://keepersecurity.com/api/rest/scim/v2/1",
            "emails[type eq \"work\"].value",
            "no-reply",
            "1Password Users",
            "a-b",
        ] {
            assert_eq!(string(plain, false), plain, "{plain}");
        }
        for (s, quoted) in [
            ("-", "\"-\""),
            ("True", "\"True\""),
            ("no", "\"no\""),
            ("500", "\"500\""),
            ("1.5e3", "\"1.5e3\""),
            ("0x1F", "\"0x1F\""),
            ("2024-01-01", "\"2024-01-01\""),
            ("", "\"\""),
            (" lead", "\" lead\""),
            ("a: b", "\"a: b\""),
            ("a #b", "\"a #b\""),
            ("@x", "\"@x\""),
            ("line\nbreak", "\"line\\nbreak\""),
            ("'it's \"x\"", "\"'it's \\\"x\\\"\""),
        ] {
            assert_eq!(string(s, false), quoted, "{s}");
        }
        assert_eq!(string("Join(\" \", [a])", false), "Join(\" \", [a])");
        assert_eq!(string("Join(\" \", [a])", true), "'Join(\" \", [a])'");
        assert_eq!(string("a,b", true), "\"a,b\"");
        assert_eq!(string("a,b", false), "a,b");
        assert_eq!(string("https://x", true), "\"https://x\"");
    }

    #[test]
    fn collections_of_scalars_are_flow_style_when_they_fit() {
        let v = json!({
            "a": { "source": "mail", "matchingPriority": 1 },
            "b": ["create", "update"],
            "c": [{ "x": 1 }, { "w": { "z": 2 } }],
        });
        let mut l = Layout::default();
        l.comment_after("/a", "inferred");
        l.comment_before("/c/1", "second");
        let text = to_yaml(&v, &["head".into()], &l);
        assert_eq!(
            text,
            "# head\na: { source: mail, matchingPriority: 1 }  # inferred\nb: [create, update]\nc:\n  - { x: 1 }\n  # second\n  - w: { z: 2 }\n"
        );
    }
}
