//! The one escaping path for untrusted text shown to people.
//!
//! Every string that entraprov did not write itself — manifest values, names and values read
//! from Graph, SCIM server messages, error texts — reaches a terminal, a PR comment, a job
//! summary or a log line only through [`shown`] (or [`escape`] / [`cut`]). JSON output stays
//! exact and never goes through here.
//!
//! The rules follow git's quoting of odd path names (`core.quotePath`: C-style escapes for
//! control characters) and Terraform's string rendering (`\n`, `\t` … inside a value):
//!
//! - C0 controls, DEL and C1 controls are shown as escapes: `\n`, `\r`, `\t`, `\e` (ESC),
//!   `\0`, anything else as `\u{7f}`.
//! - Bidi controls (`\u{202e}` …), zero-width and other invisible format characters
//!   (Unicode category Cf), line/paragraph separators and invisible fillers are shown as
//!   `\u{…}`, so a value can neither forge a line, nor recolour or hide the rest of the
//!   output, nor reorder what a reviewer reads.
//! - Everything else, including backslashes, is shown as is: a value that holds the two
//!   characters `\n` reads like an escaped newline, which forges nothing.
//! - A value longer than [`MAX_SHOWN`] characters is cut, with a marker that gives its full
//!   length: `…[921600 characters in all]`.

use std::borrow::Cow;
use std::fmt::Write as _;

/// Longest value shown whole, in characters.
pub const MAX_SHOWN: usize = 1_000;

/// Whether `c` must not reach a terminal or markdown raw.
pub fn is_unsafe(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}'
        // Soft hyphen, combining grapheme joiner, Arabic letter mark, Hangul fillers.
        | '\u{ad}' | '\u{34f}' | '\u{61c}' | '\u{115f}' | '\u{1160}' | '\u{3164}' | '\u{ffa0}'
        // Other Cf: Arabic number signs, Syriac abbreviation mark, Mongolian vowel separator.
        | '\u{600}'..='\u{605}' | '\u{6dd}' | '\u{70f}' | '\u{890}'..='\u{891}' | '\u{8e2}'
        | '\u{180e}'
        // Zero-width space/joiners, LRM/RLM, line and paragraph separators, bidi embeddings
        // and overrides, word joiner and invisible operators, bidi isolates, deprecated
        // format characters.
        | '\u{200b}'..='\u{200f}' | '\u{2028}'..='\u{202e}' | '\u{2060}'..='\u{206f}'
        // Byte order mark / zero-width no-break space, interlinear annotations.
        | '\u{feff}' | '\u{fff9}'..='\u{fffb}'
        | '\u{110bd}' | '\u{110cd}' | '\u{13430}'..='\u{1343f}' | '\u{1bca0}'..='\u{1bca3}'
        | '\u{1d173}'..='\u{1d17a}'
        // Tag characters.
        | '\u{e0001}' | '\u{e0020}'..='\u{e007f}'
    )
}

/// `s` with every unsafe character escaped (see the module documentation).
pub fn escape(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_unsafe) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if !is_unsafe(c) {
            out.push(c);
            continue;
        }
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{1b}' => out.push_str("\\e"),
            '\0' => out.push_str("\\0"),
            c => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
        }
    }
    Cow::Owned(out)
}

/// `s` cut to `max` characters, with a marker giving its full length.
pub fn cut(s: &str, max: usize) -> Cow<'_, str> {
    match s.char_indices().nth(max) {
        None => Cow::Borrowed(s),
        Some((at, _)) => {
            let total = s.chars().count();
            Cow::Owned(format!("{}…[{total} characters in all]", &s[..at]))
        }
    }
}

/// `s` made safe to show: cut to [`MAX_SHOWN`] characters, then escaped.
pub fn shown(s: &str) -> Cow<'_, str> {
    match cut(s, MAX_SHOWN) {
        Cow::Borrowed(b) => escape(b),
        Cow::Owned(o) => Cow::Owned(escape(&o).into_owned()),
    }
}

/// Multi-line text that entraprov composed around untrusted parts (an error message with a
/// server's text, a help paragraph): each line made safe with [`shown`], the line breaks
/// kept.
pub fn shown_lines(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for (i, line) in s.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(&shown(line.strip_suffix('\r').unwrap_or(line)));
    }
    out
}

/// A copy of `s` of the same byte length in which every unsafe character except line
/// breaks (`\n`, `\r\n`) and tabs (which miette expands) is replaced by `?` (one per
/// byte), for source excerpts whose byte offsets must stay valid.
pub fn blank_unsafe(s: &str) -> Cow<'_, str> {
    let bad = |c: char, next: Option<char>| match c {
        '\n' | '\t' => false,
        '\r' => next != Some('\n'),
        c => is_unsafe(c),
    };
    let mut chars = s.chars().peekable();
    let mut any = false;
    while let Some(c) = chars.next() {
        any |= bad(c, chars.peek().copied());
    }
    if !any {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if bad(c, chars.peek().copied()) {
            out.extend(std::iter::repeat_n('?', c.len_utf8()));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// A miette diagnostic shown through this module: its message, causes, help, labels and
/// related diagnostics are made safe; code, severity and source excerpt are the inner
/// diagnostic's (excerpts of manifests are blanked by `SourceFile`).
pub struct SafeDiagnostic<'a> {
    inner: &'a dyn miette::Diagnostic,
    message: String,
    help: Option<String>,
    cause: Option<Box<SafeCause>>,
    related: Vec<SafeDiagnostic<'a>>,
}

/// One error of a cause chain, made safe.
#[derive(Debug)]
struct SafeCause {
    message: String,
    next: Option<Box<SafeCause>>,
}

impl std::fmt::Display for SafeCause {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for SafeCause {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.next.as_deref().map(|c| c as _)
    }
}

fn safe_cause(e: Option<&(dyn std::error::Error + 'static)>) -> Option<Box<SafeCause>> {
    let e = e?;
    Some(Box::new(SafeCause {
        message: shown_lines(&e.to_string()),
        next: safe_cause(e.source()),
    }))
}

impl<'a> SafeDiagnostic<'a> {
    /// Wraps `inner`.
    pub fn new(inner: &'a dyn miette::Diagnostic) -> Self {
        SafeDiagnostic {
            inner,
            message: shown_lines(&inner.to_string()),
            help: inner.help().map(|h| shown_lines(&h.to_string())),
            cause: safe_cause(inner.source()),
            related: inner
                .related()
                .map(|r| r.map(SafeDiagnostic::new).collect())
                .unwrap_or_default(),
        }
    }

    /// Renders with miette's graphical handler: on a colour terminal with styles and Unicode
    /// art, 100 columns; otherwise plain ASCII (as miette's default hook does).
    pub fn render(&self, color: bool) -> String {
        let (theme, width) = if color {
            (miette::GraphicalTheme::unicode(), 100)
        } else {
            (miette::GraphicalTheme::none(), 100)
        };
        let handler = miette::GraphicalReportHandler::new_themed(theme)
            .with_width(width)
            .with_links(false);
        let mut out = String::new();
        if handler.render_report(&mut out, self).is_err() {
            out = format!("Error: {}", self.message);
        }
        out
    }
}

impl std::fmt::Debug for SafeDiagnostic<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::fmt::Display for SafeDiagnostic<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for SafeDiagnostic<'_> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.cause.as_deref().map(|c| c as _)
    }
}

impl miette::Diagnostic for SafeDiagnostic<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn std::fmt::Display + 'b>> {
        self.inner.code()
    }

    fn severity(&self) -> Option<miette::Severity> {
        self.inner.severity()
    }

    fn help<'b>(&'b self) -> Option<Box<dyn std::fmt::Display + 'b>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn std::fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.inner.source_code()
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        let labels = self.inner.labels()?;
        Some(Box::new(labels.map(|l| {
            let text = l.label().map(|t| shown(t).into_owned());
            if l.primary() {
                miette::LabeledSpan::new_primary_with_span(text, *l.inner())
            } else {
                miette::LabeledSpan::new_with_span(text, *l.inner())
            }
        })))
    }

    fn related<'b>(&'b self) -> Option<Box<dyn Iterator<Item = &'b dyn miette::Diagnostic> + 'b>> {
        if self.related.is_empty() {
            return None;
        }
        Some(Box::new(
            self.related.iter().map(|r| r as &dyn miette::Diagnostic),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_controls_bidi_and_format_characters() {
        assert_eq!(
            escape("Keeper\n\nNo changes.\u{1b}[8m"),
            "Keeper\\n\\nNo changes.\\e[8m"
        );
        assert_eq!(
            escape("a\u{202e}b\u{200b}c\u{85}"),
            "a\\u{202e}b\\u{200b}c\\u{85}"
        );
        assert_eq!(escape("tab\there\r"), "tab\\there\\r");
        assert!(matches!(escape("Zoë \\n ok"), Cow::Borrowed(_)));
    }

    #[test]
    fn cuts_long_values_with_their_length() {
        let long = "x".repeat(MAX_SHOWN + 5);
        let s = shown(&long);
        assert!(s.ends_with(&format!("…[{} characters in all]", MAX_SHOWN + 5)));
        assert_eq!(s.chars().filter(|c| *c == 'x').count(), MAX_SHOWN);
        assert_eq!(cut("short", 10), "short");
    }

    #[test]
    fn blanking_keeps_byte_offsets() {
        let s = "a\u{1b}b\u{202e}c\r\nd\re";
        let b = blank_unsafe(s);
        assert_eq!(b.len(), s.len());
        assert_eq!(b, "a?b???c\r\nd?e");
    }
}
