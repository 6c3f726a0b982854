//! Hover: the schema's description of a key or value; for scoping-filter operators and
//! expression functions their meaning and signature; for a tenant URL the connector's
//! reading of it (Keeper: region and node).

use lsp_types::{Hover, HoverContents, MarkupContent, MarkupKind};
use serde_json::Value;

use super::schema_nav;
use super::text::Document;
use crate::connector::Connector;
use crate::manifest::YamlDoc;
use crate::manifest::expr::signatures::signature;
use crate::manifest::operator::Operator;
use crate::manifest::span::{ByteSpan, unescape_segment};

/// Hover at byte `offset`, when the document parses as YAML.
pub fn hover(
    doc: &Document,
    yaml: &YamlDoc,
    connector: &Connector,
    offset: usize,
) -> Option<Hover> {
    let inside = |s: &ByteSpan| s.start <= offset && offset < s.end.max(s.start + 1);
    let smallest =
        |a: &(&str, ByteSpan), b: &(&str, ByteSpan)| (a.1.len(), a.0).cmp(&(b.1.len(), b.0));
    let on_key = yaml
        .spans
        .iter()
        .filter_map(|(p, s)| s.key.clone().filter(inside).map(|k| (p, k)))
        .min_by(smallest);
    let (text, span) = if let Some((ptr, span)) = on_key {
        (key_text(ptr)?, span)
    } else {
        let scalar = |p: &str| {
            yaml.value
                .pointer(p)
                .is_some_and(|v| !v.is_object() && !v.is_array())
        };
        let (ptr, span) = yaml
            .spans
            .iter()
            .filter(|(p, s)| inside(&s.value) && scalar(p))
            .map(|(p, s)| (p, s.value.clone()))
            .min_by(smallest)?;
        let value = yaml.value.pointer(ptr)?;
        (value_text(doc, ptr, value, &span, connector, offset)?, span)
    };
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: text,
        }),
        range: Some(doc.range(&span)),
    })
}

/// The pointer's segments, unescaped.
pub fn segments(ptr: &str) -> Vec<String> {
    ptr.split('/').skip(1).map(unescape_segment).collect()
}

fn key_text(ptr: &str) -> Option<String> {
    let segs = segments(ptr);
    let node = schema_nav::at(&segs)?;
    let key = segs.last()?;
    let mut out = format!(
        "**`{key}`**\n\n{}",
        one_paragraph(schema_nav::description(node)?)
    );
    let values = schema_nav::values(node);
    if !values.is_empty() && values.len() <= 16 {
        let list: Vec<String> = values.iter().map(|(v, _)| format!("`{v}`")).collect();
        out.push_str(&format!("\n\nValues: {}", list.join(", ")));
    }
    Some(out)
}

fn value_text(
    doc: &Document,
    ptr: &str,
    value: &Value,
    span: &ByteSpan,
    connector: &Connector,
    offset: usize,
) -> Option<String> {
    let segs = segments(ptr);
    let key = segs.last()?.as_str();
    let text = value.as_str().unwrap_or_default();
    match key {
        "operator" => Operator::from_manifest_name(text).map(operator_text),
        "expression" => function_at(doc, span, offset).and_then(|f| function_text(&f)),
        "tenantUrl" => Some(match (connector.region)(text) {
            Some(region) => format!("**{region}**\n\nTenant URL of {}", connector.title),
            None => format!(
                "{}\n\nNot a tenant URL of a known {} region.",
                key_text(ptr)?,
                connector.title
            ),
        }),
        _ => {
            let node = schema_nav::at(&segs)?;
            let values = schema_nav::values(node);
            let (v, desc) = values.iter().find(|(v, _)| v == text)?;
            Some(format!(
                "**`{v}`**\n\n{}",
                one_paragraph(desc.unwrap_or_default())
            ))
        }
    }
}

/// Hover text of an operator: meaning, arity and Graph's name.
pub fn operator_text(op: Operator) -> String {
    let name = op.manifest_name();
    let meaning = schema_nav::at(
        &[
            "provisioning",
            "mappings",
            "users",
            "scopingFilters",
            "#",
            "clauses",
            "#",
            "operator",
        ]
        .map(String::from),
    )
    .map(schema_nav::values)
    .and_then(|v| v.into_iter().find(|(n, _)| n == name).and_then(|(_, d)| d))
    .unwrap_or_default();
    let form = if op.is_unary() {
        format!("{{ attribute: …, operator: {name} }}")
    } else {
        format!("{{ attribute: …, operator: {name}, value: … }}")
    };
    let arity = if op.is_unary() {
        "unary: no `value`"
    } else {
        "binary: needs a `value`"
    };
    format!(
        "**`{name}`** — scoping-filter operator ({arity}; Graph `{}`)\n\n```yaml\n{form}\n```\n\n{meaning}",
        op.graph_name()
    )
}

/// Hover text of an expression function: signature and meaning.
pub fn function_text(name: &str) -> Option<String> {
    let s = signature(name)?;
    Some(format!("```\n{}\n```\n\n{}", s.signature, s.meaning))
}

/// The function name under `offset` inside an expression value (a word followed by `(`).
fn function_at(doc: &Document, span: &ByteSpan, offset: usize) -> Option<String> {
    let text = doc.text.get(span.clone())?;
    let at = offset.checked_sub(span.start)?;
    let is_word = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let start = text[..at].rfind(|c| !is_word(c)).map_or(0, |i| i + 1);
    let end = text[at..]
        .find(|c| !is_word(c))
        .map_or(text.len(), |i| at + i);
    let word = &text[start..end];
    let before = text[..start].trim_end();
    let called = text[end..].trim_start().starts_with('(');
    (called && !before.ends_with('[') && !word.is_empty()).then(|| word.to_owned())
}

fn one_paragraph(s: &str) -> String {
    s.replace("\n\n", "\u{0}")
        .replace('\n', " ")
        .replace('\u{0}', "\n\n")
}
