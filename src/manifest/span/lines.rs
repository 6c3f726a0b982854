//! [`LineIndex`]: line starts and a character ↔ byte table over a text.

use super::ByteSpan;

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
    pub fn char_of_byte(&self, text: &str, b: usize) -> usize {
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

    /// 0-based index of the line holding byte `offset`.
    pub fn index_of(&self, offset: usize) -> usize {
        self.line_of(offset) - 1
    }

    /// The 1-based line that holds a byte offset.
    pub fn line_of(&self, offset: usize) -> usize {
        self.starts.partition_point(|&s| s <= offset).max(1)
    }

    /// Byte offset where the 1-based `line` starts, if the text has that line.
    pub fn line_start(&self, line: usize) -> Option<usize> {
        self.starts.get(line.checked_sub(1)?).copied()
    }

    /// Number of lines (a text ending with a line break has an empty last line).
    pub fn line_count(&self) -> usize {
        self.starts.len()
    }

    /// Byte offset of the start of the 0-based line `i` (`usize::MAX` past the end).
    pub fn start(&self, i: usize) -> usize {
        self.starts.get(i).copied().unwrap_or(usize::MAX)
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
