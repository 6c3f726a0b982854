//! Source files, byte spans, line/column lookup and the JSON pointer → span map.
//!
//! saphyr's `Marker::index()` counts *characters*; miette wants *byte* offsets. Everything
//! here is in bytes: markers are converted once, through their line and (character) column,
//! by [`LineIndex::byte_of`].

use std::collections::HashMap;
use std::ops::Range;
use std::path::PathBuf;

use miette::{MietteSpanContents, SourceCode, SourceSpan, SpanContents};

mod lines;
mod mask;

pub use lines::LineIndex;

/// A byte range in a source file.
pub type ByteSpan = Range<usize>;

/// Longest line (and labelled span), in bytes, that a source excerpt shows whole; longer
/// ones are shown as a window around the error (miette cannot format widths ≥ 65,536).
pub const MAX_EXCERPT_LINE: usize = 400;
/// Bytes of a long line shown before the start of the labelled span.
pub const WINDOW_BEFORE: usize = 60;
/// Bytes of a long line shown from the start of the labelled span.
pub const WINDOW_AFTER: usize = 200;

/// A manifest file's text with its name and line table.
#[derive(Debug)]
pub struct SourceFile {
    /// The path as given (or found under a given directory).
    pub path: PathBuf,
    /// The name shown in messages (the path, `/` separated).
    pub name: String,
    /// The text (valid UTF-8; empty when the file could not be decoded).
    pub text: String,
    /// The text shown in source excerpts: `text` with unsafe characters blanked and every
    /// masked value (literal secrets) replaced by a fixed `********`, whatever its length.
    /// Offsets in it are "shown" offsets ([`SourceFile::to_shown`]); lines are the same.
    shown: String,
    /// Masked ranges of `text`, one per line segment, sorted.
    masks: Vec<ByteSpan>,
    /// Line starts of `shown`.
    shown_lines: LineIndex,
    /// Line starts.
    pub lines: LineIndex,
    /// Lines before `text` in the real file, for an excerpt window of a longer file.
    line_base: usize,
    /// Characters of the real line before the window's first character (after its `…`).
    col_base: usize,
}

/// A window of a long line ([`SourceFile::window`]).
#[derive(Debug)]
pub struct Window {
    /// The window as a file of its own (one line, already masked).
    pub file: SourceFile,
    /// The span, moved into the window and clamped to it.
    pub span: ByteSpan,
    /// Shown offset of the window's first character in the original file.
    pub from: usize,
    /// Bytes of the `…` that starts the window, if any.
    pub lead: usize,
}

impl SourceFile {
    /// Wraps a file's text.
    pub fn new(path: PathBuf, text: String) -> Self {
        let name = path.to_string_lossy().replace('\\', "/");
        let lines = LineIndex::new(&text);
        let masks = mask::literal_secrets(&text);
        let shown = mask::shown(&crate::text::blank_unsafe(&text), &masks);
        SourceFile {
            path,
            name,
            text,
            shown_lines: LineIndex::new(&shown),
            shown,
            masks,
            lines,
            line_base: 0,
            col_base: 0,
        }
    }

    /// The offset in the shown text of the byte offset `offset` of `text`.
    pub fn to_shown(&self, offset: usize) -> usize {
        mask::to_shown(&self.masks, offset)
    }

    /// A window of one long line around `span` (at most [`WINDOW_BEFORE`] +
    /// [`WINDOW_AFTER`] bytes, cut at character boundaries and marked with `…`), for source
    /// excerpts. `None` when the line and the span are short enough to be shown whole.
    pub fn window(&self, span: &ByteSpan) -> Option<Window> {
        let start = span.start.min(self.text.len());
        let (line, _) = self.line_col(start);
        let range = self.lines.line_range(&self.text, line);
        if range.len() <= MAX_EXCERPT_LINE && span.len() <= MAX_EXCERPT_LINE {
            return None;
        }
        let (start, end) = (self.to_shown(start), self.to_shown(span.end));
        let range = self.to_shown(range.start)..self.to_shown(range.end);
        let floor = |mut i: usize| {
            while !self.shown.is_char_boundary(i) {
                i -= 1;
            }
            i
        };
        let from = floor(start.saturating_sub(WINDOW_BEFORE).max(range.start));
        let to = floor((start + WINDOW_AFTER).min(range.end).max(from));
        let lead = if from > range.start { "…" } else { "" };
        let tail = if to < range.end { "…" } else { "" };
        let text = format!("{lead}{}{tail}", &self.shown[from..to]);
        let s = lead.len() + start.clamp(from, to) - from;
        let e = lead.len() + end.clamp(from, to) - from;
        let file = SourceFile {
            path: self.path.clone(),
            name: self.name.clone(),
            lines: LineIndex::new(&text),
            shown_lines: LineIndex::new(&text),
            shown: text.clone(),
            text,
            masks: Vec::new(),
            line_base: self.line_base + line - 1,
            col_base: self.shown_lines.char_of_byte(&self.shown, from)
                - self.shown_lines.char_of_byte(&self.shown, range.start)
                - lead.chars().count(),
        };
        Some(Window {
            file,
            span: s..e.max(s),
            from,
            lead: lead.len(),
        })
    }

    /// A copy whose excerpts also mask `spans` (values that may be secrets).
    pub fn with_masked(&self, spans: &[ByteSpan]) -> SourceFile {
        let mut masks = self.masks.clone();
        for span in spans {
            masks.extend(mask::segments(&self.text, span));
        }
        let masks = mask::normalise(masks);
        let shown = mask::shown(&crate::text::blank_unsafe(&self.text), &masks);
        SourceFile {
            path: self.path.clone(),
            name: self.name.clone(),
            text: self.text.clone(),
            shown_lines: LineIndex::new(&shown),
            shown,
            masks,
            lines: self.lines.clone(),
            line_base: self.line_base,
            col_base: self.col_base,
        }
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        self.lines.line_col(&self.text, offset)
    }
}

impl SourceCode for SourceFile {
    /// Reads from the shown text: `span` is in shown offsets ([`SourceFile::to_shown`]).
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, miette::MietteError> {
        // miette's own `str` reader counts lines from the start of the text for every
        // excerpt (quadratic over a file's diagnostics): it reads only the lines around the
        // span here, found with the line table, and the answer is moved back into place.
        let text = &self.shown;
        let (offset, len) = (span.offset(), span.len());
        if offset + len > text.len() {
            return Err(miette::MietteError::OutOfBounds);
        }
        let first = self.shown_lines.index_of(offset);
        let last = self.shown_lines.index_of(offset + len);
        let from_line = first.saturating_sub(context_lines_before + 1);
        let base = self.shown_lines.start(from_line);
        let end = self
            .shown_lines
            .start(last + context_lines_after + 2)
            .min(text.len());
        let region = &text[base..end];
        let local = SourceSpan::new((offset - base).into(), len);
        let inner = region.read_span(&local, context_lines_before, context_lines_after)?;
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            SourceSpan::new((inner.span().offset() + base).into(), inner.span().len()),
            inner.line() + from_line + self.line_base,
            inner.column() + self.col_base,
            inner.line_count(),
        )))
    }
}

/// Where a node is: the span of its key (for mapping values) and of its value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeSpans {
    /// The key's span, for a value inside a mapping.
    pub key: Option<ByteSpan>,
    /// The value's span. For collections, from the first to the last character.
    pub value: ByteSpan,
}

/// Map from JSON pointer (RFC 6901, `""` is the document) to spans.
#[derive(Debug, Clone, Default)]
pub struct SpanMap {
    map: HashMap<String, NodeSpans>,
}

impl SpanMap {
    /// Records the spans of a pointer.
    pub fn insert(&mut self, pointer: String, spans: NodeSpans) {
        self.map.insert(pointer, spans);
    }

    /// The spans recorded for exactly this pointer.
    pub fn get(&self, pointer: &str) -> Option<&NodeSpans> {
        self.map.get(pointer)
    }

    /// The spans of the pointer, or of its nearest recorded ancestor (nodes expanded from an
    /// alias are recorded only at the alias).
    pub fn nearest(&self, pointer: &str) -> Option<&NodeSpans> {
        let mut p = pointer;
        loop {
            if let Some(s) = self.map.get(p) {
                return Some(s);
            }
            match p.rfind('/') {
                Some(i) => p = &p[..i],
                None => return None,
            }
        }
    }

    /// Every recorded pointer with its spans, in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &NodeSpans)> {
        self.map.iter().map(|(p, s)| (p.as_str(), s))
    }

    /// Number of recorded pointers.
    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// Whether nothing is recorded.
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }
}

/// Escapes one pointer segment (`~` → `~0`, `/` → `~1`).
pub fn escape_segment(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

/// Appends a segment to a pointer.
pub fn push_segment(pointer: &str, segment: &str) -> String {
    format!("{pointer}/{}", escape_segment(segment))
}

/// Unescapes one pointer segment.
pub fn unescape_segment(segment: &str) -> String {
    segment.replace("~1", "/").replace("~0", "~")
}

/// The last segment of a pointer, unescaped.
pub fn last_segment(pointer: &str) -> Option<String> {
    pointer
        .rfind('/')
        .map(|i| unescape_segment(&pointer[i + 1..]))
}

/// The parent of a pointer (`""` for top-level keys).
pub fn parent(pointer: &str) -> &str {
    pointer.rfind('/').map_or("", |i| &pointer[..i])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_of_counts_characters_not_bytes() {
        let text = "a: Zoë ünïcødé\nb: x\n";
        let idx = LineIndex::new(text);
        // col 7 on line 1 is the 'ü' (after "a: Zoë ").
        let b = idx.byte_of(text, 1, 7);
        assert_eq!(&text[b..b + 2], "ü");
        assert_eq!(idx.line_col(text, b), (1, 8));
        assert_eq!(idx.byte_of(text, 2, 3), text.find('x').unwrap());
    }

    /// The table agrees with a plain scan for every marker and offset, across checkpoints.
    #[test]
    fn constant_time_lookups_agree_with_scanning() {
        let line: String = (0..300)
            .map(|i| if i % 7 == 0 { 'é' } else { 'a' })
            .collect();
        for text in [
            format!("{line}\n{line}\r\nxé"),
            "ascii only\nline\n".to_owned(),
        ] {
            let idx = LineIndex::new(&text);
            let mut offset = 0;
            for (l, part) in text.split('\n').enumerate() {
                for (col, (i, _)) in part.char_indices().enumerate() {
                    assert_eq!(idx.byte_of(&text, l + 1, col), offset + i);
                    assert_eq!(idx.line_col(&text, offset + i), (l + 1, col + 1));
                }
                let n = part.chars().count();
                assert_eq!(idx.byte_of(&text, l + 1, n + 5), offset + part.len());
                offset += part.len() + 1;
            }
            assert_eq!(idx.byte_of(&text, 99, 0), text.len());
        }
    }
}
