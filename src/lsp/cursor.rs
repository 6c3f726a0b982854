//! Where the cursor is, from the text alone (it works while the YAML is half typed): the keys
//! from the root to the mapping it is in, and whether it is on a key or in a key's value.
//! Block mappings and lists by indentation; flow mappings and lists on the cursor's line.

use super::text::Document;
use crate::manifest::span::ByteSpan;

/// The cursor's place in the document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cursor {
    /// Keys from the root to the enclosing mapping; `#` for a list item.
    pub path: Vec<String>,
    /// What the cursor is on.
    pub slot: Slot,
}

/// Key or value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Slot {
    /// On a key (or where one goes): the text typed so far and its span.
    Key {
        /// The key's text before the cursor.
        typed: String,
        /// Span of that text.
        span: ByteSpan,
    },
    /// In the value of `key`; `item` when in a flow list (`actions: [create, |]`).
    Value {
        /// The key whose value this is.
        key: String,
        /// Whether the cursor is in a list item of that value.
        item: bool,
        /// The value's text before the cursor.
        typed: String,
        /// Where the value starts.
        start: usize,
    },
}

/// The cursor at byte `offset` of `doc`.
pub fn at(doc: &Document, offset: usize) -> Cursor {
    let (line_no, line) = doc.line_at(offset);
    let line_start = line_start_of(doc, offset);
    let col = (offset.min(doc.text.len()) - line_start).min(line.len());
    let (mut segs, slot, want, in_item) = scan_line(line, col, line_start);
    let mut path = parents(doc, line_no, want, in_item);
    path.append(&mut segs);
    Cursor { path, slot }
}

fn line_start_of(doc: &Document, offset: usize) -> usize {
    let line = doc.lines.line_of(offset.min(doc.text.len()));
    doc.lines.line_start(line).unwrap_or(0)
}

/// Indentation, `- ` markers and the key of one line.
struct Line {
    /// Column of the first `-` of a list item, when the line starts one.
    dash: Option<usize>,
    /// Column of the content after the indentation and `- ` markers.
    col: usize,
    /// The key, when the content is `key:` or `key: value`.
    key: Option<String>,
}

fn parse(line: &str) -> Option<Line> {
    let indent = line.len() - line.trim_start_matches(' ').len();
    let mut col = indent;
    let mut dash = None;
    while line[col..].starts_with("- ") || &line[col..] == "-" {
        dash.get_or_insert(col);
        col = (col + 2).min(line.len());
        col += line[col..].len() - line[col..].trim_start_matches(' ').len();
    }
    let content = &line[col..];
    if content.is_empty() && dash.is_none() || content.starts_with('#') {
        return None;
    }
    Some(Line {
        dash,
        col,
        key: key_of(content),
    })
}

/// `key` of `key: …` / `'quoted key': …`.
fn key_of(content: &str) -> Option<String> {
    let (raw, rest) = if let Some(q @ ('"' | '\'')) = content.chars().next() {
        let end = content[1..].find(q)? + 1;
        (&content[1..end], &content[end + 1..])
    } else {
        let i = content
            .find(": ")
            .or_else(|| content.strip_suffix(':').map(str::len))?;
        (&content[..i], &content[i..])
    };
    let rest = rest.trim_start();
    (rest.starts_with(':') && !raw.contains(['{', '[', ','])).then(|| raw.trim().to_owned())
}

/// Keys of the block mappings above `line_no` that enclose a key at column `want`.
fn parents(doc: &Document, line_no: usize, mut want: usize, mut in_item: bool) -> Vec<String> {
    let mut path = Vec::new();
    for j in (0..line_no).rev() {
        if want == 0 && !in_item {
            break;
        }
        let Some(l) = parse(doc.line(j)) else {
            continue;
        };
        match l.dash {
            Some(d) if in_item && d < want => {
                path.push("#".to_owned());
                want = d;
            }
            Some(_) if in_item => {}
            Some(d) if l.col <= want && d < want => {
                if l.col < want
                    && let Some(k) = l.key
                {
                    path.push(k);
                }
                path.push("#".to_owned());
                want = d;
                in_item = true;
            }
            None if l.col < want || (in_item && l.col <= want) => {
                if let Some(k) = l.key {
                    path.push(k);
                }
                want = l.col;
                in_item = false;
            }
            _ => {}
        }
    }
    path.reverse();
    path
}

/// The cursor's own line up to column `col`: path segments opened on this line (list
/// markers, flow collections), the slot, the column of the line's first key and whether the
/// line starts a list item.
fn scan_line(line: &str, col: usize, base: usize) -> (Vec<String>, Slot, usize, bool) {
    let col = col.min(line.len());
    let indent = line.len() - line.trim_start_matches(' ').len();
    let mut start = indent.min(col);
    let mut segs = Vec::new();
    let mut first_dash = None;
    while line[start..col].starts_with("- ") {
        first_dash.get_or_insert(start);
        segs.push("#".to_owned());
        start += 2;
        start += line[start..col].len() - line[start..col].trim_start_matches(' ').len();
    }
    let want = first_dash.unwrap_or(start);
    let mut scan = Flow {
        text: &line[..col],
        segs,
        stack: Vec::new(),
        token: start,
        key: None,
        quote: None,
    };
    for (i, c) in line[..col].char_indices().filter(|(i, _)| *i >= start) {
        scan.step(i, c);
    }
    let (segs, slot) = scan.finish(base);
    (segs, slot, want, first_dash.is_some())
}

/// Flow style on one line: `{ key: value, … }` and `[a, b]`, quotes skipped.
struct Flow<'a> {
    /// The line up to the cursor.
    text: &'a str,
    /// Path segments so far.
    segs: Vec<String>,
    /// Open flow collections: (segments each pushed, whether it is a list).
    stack: Vec<(usize, bool)>,
    /// Where the current key or item starts.
    token: usize,
    /// The current key and where its value starts, once its `:` is seen.
    key: Option<(String, usize)>,
    /// The quote being skipped.
    quote: Option<char>,
}

impl Flow<'_> {
    fn step(&mut self, i: usize, c: char) {
        if let Some(q) = self.quote {
            if c == q {
                self.quote = None;
            }
            return;
        }
        let text = self.text;
        let fresh = match &self.key {
            Some((_, at)) => text[*at..i].trim().is_empty(),
            None => text[self.token..i].trim().is_empty(),
        };
        let next = i + c.len_utf8();
        let ends_key = text[next..].starts_with([' ', '{', '[']) || next == text.len();
        match c {
            '"' | '\'' if fresh => self.quote = Some(c),
            ':' if self.key.is_none() && ends_key => {
                let k = text[self.token..i].trim().trim_matches(['"', '\'']);
                self.key = Some((k.to_owned(), i + 1));
            }
            '{' | '[' if fresh => {
                let mut pushed = 0;
                if let Some((k, _)) = self.key.take() {
                    self.segs.push(k);
                    pushed += 1;
                }
                if matches!(self.stack.last(), Some((_, true))) {
                    self.segs.push("#".to_owned());
                    pushed += 1;
                }
                self.stack.push((pushed, c == '['));
                self.token = i + 1;
            }
            '}' | ']' | ',' if !self.stack.is_empty() => {
                if c != ','
                    && let Some((n, _)) = self.stack.pop()
                {
                    self.segs.truncate(self.segs.len().saturating_sub(n));
                }
                self.key = None;
                self.token = i + 1;
            }
            _ => {}
        }
    }

    /// The segments and the slot at the end of the text (`base`: the line's offset).
    fn finish(mut self, base: usize) -> (Vec<String>, Slot) {
        let end = base + self.text.len();
        let in_list = matches!(self.stack.last(), Some((_, true)));
        let slot = match self.key {
            Some((key, at)) => {
                let typed = self.text[at..].trim_start();
                Slot::Value {
                    key,
                    item: false,
                    typed: typed.to_owned(),
                    start: end - typed.len(),
                }
            }
            None if in_list => {
                let typed = self.text[self.token..].trim_start();
                Slot::Value {
                    key: self.segs.pop().unwrap_or_default(),
                    item: true,
                    typed: typed.to_owned(),
                    start: end - typed.len(),
                }
            }
            None => {
                let typed = self.text[self.token..].trim_start();
                Slot::Key {
                    typed: typed.to_owned(),
                    span: end - typed.len()..end,
                }
            }
        };
        (self.segs, slot)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    /// The cursor at `|` in `text`.
    fn cursor(text: &str) -> Cursor {
        let offset = text.find('|').unwrap();
        let text = text.replace('|', "");
        let doc = Document::new(lsp_types::Uri::from_str("file:///m.yaml").unwrap(), 1, text);
        at(&doc, offset)
    }

    fn path(c: &Cursor) -> String {
        c.path.join("/")
    }

    #[test]
    fn block_mappings_and_lists_by_indentation() {
        let c = cursor("app:\n  displayName: x\n  gal|\n");
        assert_eq!(path(&c), "app");
        assert!(matches!(c.slot, Slot::Key { ref typed, .. } if typed == "gal"));
        let text = "assignments:\n  principals:\n    - group: X\n      ro|\n";
        assert_eq!(path(&cursor(text)), "assignments/principals/#");
        let text = "assignments:\n  principals:\n  - group: X\n  - user: y\n    role: |\n";
        let c = cursor(text);
        assert_eq!(path(&c), "assignments/principals/#");
        assert!(matches!(c.slot, Slot::Value { ref key, .. } if key == "role"));
        let text = "provisioning:\n  mappings:\n    users:\n      scopingFilters:\n        - name: a\n          clauses:\n            - attribute: x\n              operator: eq|\n";
        let c = cursor(text);
        assert_eq!(
            path(&c),
            "provisioning/mappings/users/scopingFilters/#/clauses/#"
        );
        assert!(
            matches!(c.slot, Slot::Value { ref key, ref typed, .. } if key == "operator" && typed == "eq")
        );
    }

    #[test]
    fn flow_collections_on_the_cursor_line() {
        let text = "provisioning:\n  mappings:\n    users:\n      attributes:\n        userName: { source: userPrincipalName, matchingPriority: 1, ap| }\n";
        let c = cursor(text);
        assert_eq!(path(&c), "provisioning/mappings/users/attributes/userName");
        assert!(matches!(c.slot, Slot::Key { ref typed, .. } if typed == "ap"));
        let text = "x:\n  clauses:\n    - { attribute: department, operator: |";
        let c = cursor(text);
        assert_eq!(path(&c), "x/clauses/#");
        assert!(matches!(c.slot, Slot::Value { ref key, .. } if key == "operator"));
        let c = cursor("m:\n  actions: [create, up|]\n");
        assert_eq!(path(&c), "m");
        assert!(
            matches!(c.slot, Slot::Value { ref key, item: true, ref typed, .. } if key == "actions" && typed == "up")
        );
        let c = cursor("a:\n  b: { expression: 'Join(\" \", [giv|' }\n");
        assert!(
            matches!(c.slot, Slot::Value { ref key, ref typed, .. } if key == "expression" && typed == "'Join(\" \", [giv")
        );
    }
}
