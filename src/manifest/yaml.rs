//! YAML 1.2 (saphyr's event parser and core-schema scalar resolution) → `serde_json::Value`
//! plus a JSON pointer → span map, in one pass, with the bad-input rules of the manifest:
//! one document, a mapping at the top, string keys, no duplicate keys, no custom tags, no
//! `.inf`/`.nan`, bounded alias expansion and nesting.

use std::collections::HashMap;
use std::sync::Arc;

use saphyr_parser::{Event, Parser, Span, StrInput};
use serde_json::{Map, Value};

use super::diag::Diagnostic;
use super::span::{ByteSpan, NodeSpans, SourceFile, SpanMap, push_segment};

mod scalar;

/// Nodes that alias expansion may add to a document, in total (billion-laughs defence).
pub const ALIAS_NODE_BUDGET: usize = 10_000;
/// Maximum nesting of collections.
pub const MAX_DEPTH: usize = 64;

/// A converted document.
#[derive(Debug)]
pub struct YamlDoc {
    /// The JSON value of the document (an object).
    pub value: Value,
    /// Spans of every key and value.
    pub spans: SpanMap,
    /// Problems that did not stop the conversion (duplicate keys, tags, `.inf`…).
    pub problems: Vec<Diagnostic>,
    /// Pointers already reported by `problems`; schema errors there are not repeated.
    pub claimed: Vec<String>,
}

/// Converts a file's text. `Err` holds the diagnostics when no usable document came out.
pub fn convert(file: &Arc<SourceFile>) -> Result<YamlDoc, Vec<Diagnostic>> {
    let tabs = tab_indentation(file);
    if !tabs.is_empty() {
        return Err(tabs);
    }
    let mut b = Builder {
        parser: Parser::new_from_str(&file.text),
        file,
        spans: SpanMap::default(),
        anchors: HashMap::new(),
        budget: ALIAS_NODE_BUDGET,
        problems: Vec::new(),
        claimed: Vec::new(),
    };
    match b.document() {
        Ok(value) => Ok(YamlDoc {
            value,
            spans: b.spans,
            problems: b.problems,
            claimed: b.claimed,
        }),
        Err(d) => {
            let mut all = b.problems;
            all.push(*d);
            Err(all)
        }
    }
}

/// One diagnostic per line indented with a tab (YAML forbids tabs in indentation).
fn tab_indentation(file: &Arc<SourceFile>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut offset = 0;
    for line in file.text.split_inclusive('\n') {
        let indent_len = line.len() - line.trim_start_matches([' ', '\t']).len();
        if let Some(i) = line[..indent_len].find('\t') {
            out.push(
                Diagnostic::new("E0015", "tab character in indentation")
                    .in_file(file)
                    .at(offset + i..offset + i + 1, "tab here")
                    .help("YAML does not allow tabs for indentation; indent with spaces"),
            );
        }
        offset += line.len();
    }
    out
}

struct Builder<'a> {
    parser: Parser<'a, StrInput<'a>>,
    file: &'a Arc<SourceFile>,
    spans: SpanMap,
    anchors: HashMap<usize, Value>,
    budget: usize,
    problems: Vec<Diagnostic>,
    claimed: Vec<String>,
}

type Step<T> = Result<T, Box<Diagnostic>>;

/// Where a node sits: its JSON pointer, its nesting depth, and whether its spans are
/// recorded (not under a duplicate or non-string key: those values are still checked, but
/// nothing can point at them).
#[derive(Clone, Copy)]
struct Place<'p> {
    ptr: &'p str,
    depth: usize,
    record: bool,
}

impl<'p> Place<'p> {
    /// The document's root node.
    const ROOT: Place<'static> = Place {
        ptr: "",
        depth: 0,
        record: true,
    };

    /// A node one level down, at `ptr`.
    fn child<'c>(&self, ptr: &'c str) -> Place<'c> {
        Place {
            ptr,
            depth: self.depth + 1,
            record: self.record,
        }
    }

    /// The same place, with its spans not recorded.
    fn unrecorded(self) -> Self {
        Place {
            record: false,
            ..self
        }
    }
}

impl<'a> Builder<'a> {
    fn bytes(&self, span: Span) -> ByteSpan {
        let text = &self.file.text;
        let l = &self.file.lines;
        let start = l.byte_of(text, span.start.line(), span.start.col());
        let end = l.byte_of(text, span.end.line(), span.end.col()).max(start);
        start..end
    }

    fn diag(&self, code: &'static str, msg: impl Into<String>) -> Diagnostic {
        Diagnostic::new(code, msg).in_file(self.file)
    }

    fn next(&mut self) -> Step<(Event<'a>, Span)> {
        match self.parser.next_event() {
            Some(Ok(ev)) => Ok(ev),
            Some(Err(e)) => {
                let m = e.marker();
                let at = self.file.lines.byte_of(&self.file.text, m.line(), m.col());
                let end = at + first_chars(&self.file.text[at..], 1);
                Err(Box::new(self
                    .diag("E0014", format!("YAML syntax error: {}", e.info()))
                    .at(at..end, e.info().to_string())
                    .help(
                        "fix the YAML syntax at this point (check indentation, colons and quotes)",
                    )))
            }
            None => Err(Box::new(
                self.diag("E0014", "YAML syntax error: unexpected end of input")
                    .help("the file ends in the middle of a mapping or list; complete it"),
            )),
        }
    }

    fn document(&mut self) -> Step<Value> {
        let mut root: Option<(Value, ByteSpan)> = None;
        loop {
            let (ev, span) = self.next()?;
            match ev {
                Event::StreamStart | Event::Nothing | Event::DocumentEnd => {}
                Event::StreamEnd => break,
                Event::DocumentStart(_) if root.is_some() => {
                    let at = self.bytes(span);
                    return Err(Box::new(self
                        .diag("E0018", "more than one YAML document in the file")
                        .at(
                            at.start..at.start + first_chars(&self.file.text[at.start..], 3),
                            "second document starts here",
                        )
                        .help(
                            "put each manifest in its own file (a directory of manifests is fine)",
                        )));
                }
                Event::DocumentStart(_) => {
                    let (ev, span) = self.next()?;
                    let v = self.node(ev, span, Place::ROOT, None)?;
                    let at = self.spans.get("").map(|s| s.value.clone()).unwrap_or(0..0);
                    root = Some((v, at));
                }
                _ => {}
            }
        }
        match root {
            None | Some((Value::Null, _)) => Err(Box::new(self.diag("E0013", "the file is empty").help(
                "start from `entraprov init --connector keeper` or examples/keeper-minimal.yaml",
            ))),
            Some((v @ Value::Object(_), _)) => Ok(v),
            Some((_, at)) => Err(Box::new(self
                .diag("E0022", "the top level of a manifest must be a mapping")
                .at(
                    at,
                    "expected `apiVersion: entraprov/v1`, `kind`, `name`, … here",
                )
                .help("a manifest starts with `apiVersion: entraprov/v1`"))),
        }
    }

    fn node(
        &mut self,
        ev: Event<'a>,
        span: Span,
        place: Place,
        key: Option<ByteSpan>,
    ) -> Step<Value> {
        let ptr = place.ptr;
        if place.depth > MAX_DEPTH {
            return Err(Box::new(
                self.diag("E0023", format!("nesting deeper than {MAX_DEPTH} levels"))
                    .at(self.bytes(span), "too deep")
                    .help("a manifest is never this deeply nested; check for runaway brackets"),
            ));
        }
        let (value, at, anchor) = match ev {
            Event::Scalar(text, style, aid, tag) => {
                let at = self.bytes(span);
                // In flow collections saphyr's span runs up to the next separator.
                let at = at.start..at.start + self.file.text[at.clone()].trim_end().len();
                let v = self.scalar(text, style, tag, ptr, &at);
                (v, at, aid)
            }
            Event::SequenceStart(aid, tag) => {
                self.check_collection_tag(tag.as_deref(), span, ptr);
                let (v, end) = self.sequence(place)?;
                (v, self.collection_span(span, end), aid)
            }
            Event::MappingStart(aid, tag) => {
                self.check_collection_tag(tag.as_deref(), span, ptr);
                let (v, end) = self.mapping(place)?;
                (v, self.collection_span(span, end), aid)
            }
            Event::Alias(id) => (self.alias(id, span)?, self.bytes(span), 0),
            _ => {
                return Err(Box::new(
                    self.diag("E0014", "YAML syntax error: unexpected event")
                        .at(self.bytes(span), "here"),
                ));
            }
        };
        if anchor > 0 {
            self.anchors.insert(anchor, value.clone());
        }
        if place.record {
            self.spans
                .insert(ptr.to_string(), NodeSpans { key, value: at });
        }
        Ok(value)
    }

    fn collection_span(&self, start: Span, end: Span) -> ByteSpan {
        let s = self.bytes(start).start;
        let e = self.bytes(end).end.max(s);
        let trimmed = self.file.text[s..e].trim_end().len();
        s..s + trimmed.max(1).min(e - s)
    }

    fn claim(&mut self, ptr: &str, d: Diagnostic) {
        self.problems.push(d.pointer(ptr));
        self.claimed.push(ptr.to_string());
    }

    fn alias(&mut self, id: usize, span: Span) -> Step<Value> {
        let Some(v) = self.anchors.get(&id) else {
            return Err(Box::new(
                self.diag("E0014", "YAML syntax error: unknown alias")
                    .at(self.bytes(span), "no anchor with this name before here"),
            ));
        };
        let cost = count_nodes(v, self.budget.saturating_add(1));
        if cost > self.budget {
            return Err(Box::new(self
                .diag(
                    "E0017",
                    format!("aliases expand to more than {ALIAS_NODE_BUDGET} nodes"),
                )
                .at(self.bytes(span), "expansion stopped here")
                .help("this looks like a billion-laughs document; write the values out instead of nesting aliases")));
        }
        self.budget -= cost;
        Ok(v.clone())
    }

    fn sequence(&mut self, place: Place) -> Step<(Value, Span)> {
        let mut items = Vec::new();
        loop {
            let (ev, span) = self.next()?;
            if let Event::SequenceEnd = ev {
                return Ok((Value::Array(items), span));
            }
            let child = format!("{}/{}", place.ptr, items.len());
            items.push(self.node(ev, span, place.child(&child), None)?);
        }
    }

    fn mapping(&mut self, place: Place) -> Step<(Value, Span)> {
        let mut map = Map::new();
        loop {
            let (ev, span) = self.next()?;
            if let Event::MappingEnd = ev {
                return Ok((Value::Object(map), span));
            }
            let key_at = self.bytes(span);
            let key = self.key(ev, span, place)?;
            let (vev, vspan) = self.next()?;
            let Some(key) = key else {
                self.node(vev, vspan, place.child(place.ptr).unrecorded(), None)?;
                continue;
            };
            let child = push_segment(place.ptr, &key);
            if map.contains_key(&key) {
                let first = self.spans.get(&child).and_then(|s| s.key.clone());
                let mut d = self
                    .diag("E0016", format!("duplicate key `{key}`"))
                    .at(key_at, "duplicate key")
                    .help("each key may appear once in a mapping; remove or merge one of them");
                if let Some(first) = first {
                    d = d.also(first, "first defined here");
                }
                self.problems.push(d.pointer(child.clone()));
                self.node(vev, vspan, place.child(&child).unrecorded(), None)?;
                continue;
            }
            let v = self.node(vev, vspan, place.child(&child), Some(key_at))?;
            map.insert(key, v);
        }
    }

    /// Reads a mapping key; `None` (after reporting) when it is not a string.
    fn key(&mut self, ev: Event<'a>, span: Span, place: Place) -> Step<Option<String>> {
        let at = self.bytes(span);
        let v = self.node(ev, span, place.child(place.ptr).unrecorded(), None)?;
        match v {
            Value::String(s) => Ok(Some(s)),
            other => {
                let what = match other {
                    Value::Object(_) | Value::Array(_) => "a collection",
                    Value::Null => "null",
                    Value::Bool(_) => "a boolean",
                    _ => "a number",
                };
                let d = self
                    .diag("E0020", format!("mapping key is {what}, not a string"))
                    .at(at, "key")
                    .help("keys must be strings; quote the key, e.g. `'123': …`");
                self.problems.push(d.pointer(place.ptr));
                Ok(None)
            }
        }
    }
}

/// Byte length of the first `n` characters of `s`.
fn first_chars(s: &str, n: usize) -> usize {
    s.char_indices().nth(n).map_or(s.len(), |(i, _)| i)
}

/// Counts nodes (each mapping entry counts its key too), stopping once past `limit`.
fn count_nodes(v: &Value, limit: usize) -> usize {
    fn go(v: &Value, n: &mut usize, limit: usize) {
        if *n > limit {
            return;
        }
        *n += 1;
        match v {
            Value::Array(a) => a.iter().for_each(|x| go(x, n, limit)),
            Value::Object(m) => m.values().for_each(|x| {
                *n += 1;
                go(x, n, limit)
            }),
            _ => {}
        }
    }
    let mut n = 0;
    go(v, &mut n, limit);
    n
}
