//! Word-level inline diff of two long values (expressions), with `similar`.
//!
//! Removed words are shown as `[-old-]` and added ones as `{+new+}` (git's word-diff
//! notation), coloured red/green when colour is on, so the change is visible with and
//! without colour and in markdown.

use similar::{ChangeTag, TextDiff};

use super::{GREEN, Painter, RED};
use crate::text::escape;

/// Values at least this long (or expressions) are diffed word by word.
pub(crate) const LONG_VALUE: usize = 40;

/// Splits text into words, runs of whitespace, string literals and single punctuation
/// characters, so that `"True")` diffs as `"True"` and `)`.
fn tokens(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        let len = if c == '"' {
            literal_len(rest)
        } else if c.is_alphanumeric() || c == '_' || c == '.' {
            rest.find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.'))
                .unwrap_or(rest.len())
        } else if c.is_whitespace() {
            rest.find(|c: char| !c.is_whitespace())
                .unwrap_or(rest.len())
        } else {
            c.len_utf8()
        };
        out.push(&rest[..len]);
        rest = &rest[len..];
    }
    out
}

/// Length of the string literal at the start of `text` (to its closing quote, `\` escapes).
fn literal_len(text: &str) -> usize {
    let mut escaped = false;
    for (i, c) in text.char_indices().skip(1) {
        if escaped {
            escaped = false;
        } else if c == '\\' {
            escaped = true;
        } else if c == '"' {
            return i + 1;
        }
    }
    text.len()
}

/// One line showing `before` and `after` merged, changed words marked.
pub(crate) fn inline(before: &str, after: &str, painter: Painter) -> String {
    let old = tokens(before);
    let new = tokens(after);
    let diff = TextDiff::from_slices(&old, &new);
    let mut out = String::new();
    let mut pending: Option<(ChangeTag, String)> = None;
    let flush = |out: &mut String, pending: &mut Option<(ChangeTag, String)>| {
        if let Some((tag, text)) = pending.take() {
            out.push_str(&mark(tag, &text, painter));
        }
    };
    for change in diff.iter_all_changes() {
        let tag = change.tag();
        let text = change.value();
        match &mut pending {
            Some((t, buf)) if *t == tag => buf.push_str(text),
            _ => {
                flush(&mut out, &mut pending);
                pending = Some((tag, text.to_owned()));
            }
        }
    }
    flush(&mut out, &mut pending);
    out
}

/// Marks a run of words; whitespace at the edges of a changed run stays outside the marks.
fn mark(tag: ChangeTag, text: &str, painter: Painter) -> String {
    if tag == ChangeTag::Equal {
        return escape(text).into_owned();
    }
    let core = text.trim();
    if core.is_empty() {
        return escape(text).into_owned();
    }
    let lead = &text[..text.len() - text.trim_start().len()];
    let trail = &text[text.trim_end().len()..];
    let core = escape(core);
    let marked = match tag {
        ChangeTag::Delete => painter.paint(RED, &format!("[-{core}-]")),
        _ => painter.paint(GREEN, &format!("{{+{core}+}}")),
    };
    format!("{}{marked}{}", escape(lead), escape(trail))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::HumanOptions;

    #[test]
    fn marks_only_changed_words() {
        let p = Painter::new(HumanOptions::default());
        assert_eq!(
            inline(
                "Switch([a], , \"x\", \"y\")",
                "Switch([a], , \"x\", \"z\")",
                p
            ),
            "Switch([a], , \"x\", [-\"y\"-]{+\"z\"+})"
        );
    }

    #[test]
    fn string_literals_are_one_token() {
        assert_eq!(
            tokens("Join(\" \\\" x\", [a])"),
            ["Join", "(", "\" \\\" x\"", ",", " ", "[", "a", "]", ")"]
        );
    }

    #[test]
    fn identical_values_have_no_marks() {
        let p = Painter::new(HumanOptions::default());
        assert_eq!(inline("a b c", "a b c", p), "a b c");
    }
}
