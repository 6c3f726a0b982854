//! Open documents: their text, version and line table, edits from the client, and the
//! conversion between byte offsets (what the manifest pipeline uses) and LSP positions
//! (line and UTF-16 code unit, the protocol's default encoding).

use lsp_types::{Position, Range, TextDocumentContentChangeEvent, Uri};

use crate::manifest::span::{ByteSpan, LineIndex};

/// An open document.
#[derive(Debug)]
pub struct Document {
    /// The client's URI.
    pub uri: Uri,
    /// The version the client gave with the last change.
    pub version: i32,
    /// The whole text.
    pub text: String,
    /// Line starts of `text`.
    pub lines: LineIndex,
}

impl Document {
    /// A document as opened.
    pub fn new(uri: Uri, version: i32, text: String) -> Self {
        let lines = LineIndex::new(&text);
        Document {
            uri,
            version,
            text,
            lines,
        }
    }

    /// Applies the client's changes in order (ranged edits, or whole-text replacements).
    pub fn apply(&mut self, version: i32, changes: Vec<TextDocumentContentChangeEvent>) {
        for change in changes {
            match change.range {
                Some(range) => {
                    let span = self.span(range);
                    self.text.replace_range(span, &change.text);
                }
                None => self.text = change.text,
            }
            self.lines = LineIndex::new(&self.text);
        }
        self.version = version;
    }

    /// The LSP position of a byte offset.
    pub fn position(&self, offset: usize) -> Position {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.lines.line_of(offset);
        let start = self.lines.line_start(line).unwrap_or(0);
        let character = self.text[start..offset].encode_utf16().count();
        Position::new(to_u32(line - 1), to_u32(character))
    }

    /// The LSP range of a byte span.
    pub fn range(&self, span: &ByteSpan) -> Range {
        Range::new(self.position(span.start), self.position(span.end))
    }

    /// The byte offset of an LSP position (clamped to the line and the text).
    pub fn offset(&self, pos: Position) -> usize {
        let Some(start) = self.lines.line_start(pos.line as usize + 1) else {
            return self.text.len();
        };
        let line = self.text[start..].split('\n').next().unwrap_or("");
        let mut units = 0;
        for (i, c) in line.char_indices() {
            if units >= pos.character as usize {
                return start + i;
            }
            units += c.len_utf16();
        }
        start + line.len()
    }

    /// The byte span of an LSP range.
    pub fn span(&self, range: Range) -> ByteSpan {
        let start = self.offset(range.start);
        start..self.offset(range.end).max(start)
    }

    /// The 0-based line of a byte offset and that line's text (without its line break).
    pub fn line_at(&self, offset: usize) -> (usize, &str) {
        let line = self.lines.line_of(offset.min(self.text.len()));
        (
            line - 1,
            &self.text[self.lines.line_range(&self.text, line)],
        )
    }

    /// The text of the 0-based line (empty past the end).
    pub fn line(&self, line: usize) -> &str {
        if line >= self.lines.line_count() {
            return "";
        }
        &self.text[self.lines.line_range(&self.text, line + 1)]
    }
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn doc(text: &str) -> Document {
        Document::new(Uri::from_str("file:///m.yaml").unwrap(), 1, text.into())
    }

    #[test]
    fn positions_count_utf16_code_units_and_round_trip() {
        let d = doc("a: Zoë\nb: 😀x\n");
        let x = d.text.find('x').unwrap();
        // The emoji is 4 bytes and 2 UTF-16 code units.
        assert_eq!(d.position(x), Position::new(1, 5));
        assert_eq!(d.offset(Position::new(1, 5)), x);
        let e = d.text.find('ë').unwrap();
        assert_eq!(d.position(e + 2), Position::new(0, 6));
        assert_eq!(d.offset(Position::new(0, 99)), d.text.find('\n').unwrap());
        assert_eq!(d.offset(Position::new(9, 0)), d.text.len());
    }

    #[test]
    fn ranged_and_full_changes_apply_in_order() {
        let mut d = doc("name: a\nkind: b\n");
        let edit = |l, c1, c2, t: &str| TextDocumentContentChangeEvent {
            range: Some(Range::new(Position::new(l, c1), Position::new(l, c2))),
            range_length: None,
            text: t.into(),
        };
        d.apply(2, vec![edit(1, 6, 7, "EnterpriseApp"), edit(0, 6, 7, "x")]);
        assert_eq!(d.text, "name: x\nkind: EnterpriseApp\n");
        assert_eq!(d.line(1), "kind: EnterpriseApp");
        assert_eq!(d.version, 2);
    }
}
