//! Source files, byte spans, line/column lookup and the JSON pointer → span map.
//!
//! saphyr's `Marker::index()` counts *characters*; miette wants *byte* offsets. Everything
//! here is in bytes: markers are converted once, through their line and (character) column,
//! by [`LineIndex::byte_of`].

use std::collections::HashMap;
use std::ops::Range;
use std::path::PathBuf;

use miette::{MietteSpanContents, SourceCode, SourceSpan, SpanContents};

mod mask;

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
            shown: text.clone(),
            text,
            masks: Vec::new(),
            line_base: self.line_base + line - 1,
            col_base: self.shown[range.start..from].chars().count() - lead.chars().count(),
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
        SourceFile {
            path: self.path.clone(),
            name: self.name.clone(),
            text: self.text.clone(),
            shown: mask::shown(&crate::text::blank_unsafe(&self.text), &masks),
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
        let inner = self
            .shown
            .read_span(span, context_lines_before, context_lines_after)?;
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            *inner.span(),
            inner.line() + self.line_base,
            inner.column() + self.col_base,
            inner.line_count(),
        )))
    }
}

/// Characters between two checkpoints of [`LineIndex`]'s character table.
const CHARS_PER_CHECKPOINT: usize = 64;

/// Byte offsets of line starts, and a character ↔ byte table, so that converting a saphyr
/// marker (line, character column) or a byte offset takes constant time whatever the length
/// of the line (a one-line flow mapping of 1 MiB was quadratic).
#[derive(Debug, Clone, Default)]
pub struct LineIndex {
    /// Byte offset of each line start.
    starts: Vec<usize>,
    /// Character index of each line start.
    char_starts: Vec<usize>,
    /// Byte offset of every [`CHARS_PER_CHECKPOINT`]th character; empty for ASCII text
    /// (where characters are bytes).
    checkpoints: Vec<usize>,
}

impl LineIndex {
    /// Indexes `text`.
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        let mut char_starts = vec![0];
        let mut checkpoints = Vec::new();
        let ascii = text.is_ascii();
        for (n, (i, c)) in text.char_indices().enumerate() {
            if !ascii && n % CHARS_PER_CHECKPOINT == 0 {
                checkpoints.push(i);
            }
            if c == '\n' {
                starts.push(i + 1);
                char_starts.push(n + 1);
            }
        }
        LineIndex {
            starts,
            char_starts,
            checkpoints,
        }
    }

    /// Byte offset of the character with index `n` (at most `text.len()`).
    fn byte_of_char(&self, text: &str, n: usize) -> usize {
        if self.checkpoints.is_empty() {
            return n.min(text.len());
        }
        let k = (n / CHARS_PER_CHECKPOINT).min(self.checkpoints.len() - 1);
        let from = self.checkpoints[k];
        let skip = n - k * CHARS_PER_CHECKPOINT;
        text[from..]
            .char_indices()
            .nth(skip)
            .map_or(text.len(), |(i, _)| from + i)
    }

    /// Character index of the byte offset `b` (a character boundary).
    fn char_of_byte(&self, text: &str, b: usize) -> usize {
        if self.checkpoints.is_empty() {
            return b;
        }
        let k = self.checkpoints.partition_point(|&c| c <= b).max(1) - 1;
        let from = self.checkpoints[k];
        k * CHARS_PER_CHECKPOINT + text[from..b].chars().count()
    }

    /// Byte offset of a 1-based `line` and 0-based character `col` (a saphyr marker),
    /// clamped to the line (without its `\n`) and the text.
    pub fn byte_of(&self, text: &str, line: usize, col: usize) -> usize {
        let i = line.saturating_sub(1);
        if i >= self.starts.len() {
            return text.len();
        }
        // The line ends at its `\n` (excluded), or at the end of the text.
        let (end, end_char) = match (self.starts.get(i + 1), self.char_starts.get(i + 1)) {
            (Some(&next), Some(&next_char)) => (next - 1, next_char - 1),
            _ => (text.len(), usize::MAX),
        };
        let target = self.char_starts[i].saturating_add(col);
        if target >= end_char {
            return end;
        }
        self.byte_of_char(text, target).min(end)
    }

    /// 1-based line and 1-based character column of a byte offset.
    pub fn line_col(&self, text: &str, offset: usize) -> (usize, usize) {
        let offset = offset.min(text.len());
        let line = self.starts.partition_point(|&s| s <= offset).max(1);
        if !text.is_char_boundary(offset) {
            return (line, 1);
        }
        let col = self.char_of_byte(text, offset) - self.char_starts[line - 1];
        (line, col + 1)
    }

    /// Byte range of the 1-based line, without its line break.
    pub fn line_range(&self, text: &str, line: usize) -> ByteSpan {
        let i = line.saturating_sub(1);
        let Some(&start) = self.starts.get(i) else {
            return text.len()..text.len();
        };
        let end = self.starts.get(i + 1).map_or(text.len(), |next| next - 1);
        let end = if text[..end].ends_with('\r') {
            end - 1
        } else {
            end
        };
        start..end
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
