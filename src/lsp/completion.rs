//! Completion: keys from the schema, values the schema allows, scoping-filter operators,
//! expression functions (with argument snippets), Entra source attribute names and the
//! connector's target attributes.

use lsp_types::{
    CompletionItem, CompletionItemKind, CompletionTextEdit, Documentation, InsertTextFormat,
    MarkupContent, MarkupKind, TextEdit,
};

use super::cursor::{self, Slot};
use super::hover::{function_text, operator_text};
use super::names::{GROUP_ATTRIBUTES, USER_ATTRIBUTES};
use super::schema_nav;
use super::text::Document;
use crate::connector::Connector;
use crate::connector::starter::StarterSource;
use crate::manifest::expr::signatures::SIGNATURES;
use crate::manifest::operator::Operator;
use crate::manifest::span::ByteSpan;

/// The completion items at byte `offset`.
pub fn complete(doc: &Document, connector: &Connector, offset: usize) -> Vec<CompletionItem> {
    let cur = cursor::at(doc, offset);
    let path = cur.path;
    match cur.slot {
        Slot::Key { span, .. } => {
            if is_attributes(&path) {
                target_attributes(doc, &span, connector, &path[path.len() - 2])
            } else {
                keys(doc, &span, &path)
            }
        }
        Slot::Value {
            key,
            item,
            typed,
            start,
        } => {
            let span = start..start + typed.len();
            match key.as_str() {
                "operator" => operators(doc, &span),
                "expression" => expression(doc, &typed, start),
                "source" | "attribute" => attributes(doc, &span, &path, &typed),
                _ => {
                    let mut p = path;
                    p.push(key);
                    if item {
                        p.push("#".into());
                    }
                    enum_values(doc, &span, &p)
                }
            }
        }
    }
}

fn is_attributes(path: &[String]) -> bool {
    let n = path.len();
    n >= 4 && path[n - 1] == "attributes" && path[n - 3] == "mappings"
}

fn item(
    label: &str,
    kind: CompletionItemKind,
    doc: &Document,
    span: &ByteSpan,
    insert: String,
) -> CompletionItem {
    CompletionItem {
        label: label.to_owned(),
        kind: Some(kind),
        filter_text: Some(label.to_owned()),
        text_edit: Some(CompletionTextEdit::Edit(TextEdit::new(
            doc.range(span),
            insert,
        ))),
        ..CompletionItem::default()
    }
}

fn markdown(text: String) -> Documentation {
    Documentation::MarkupContent(MarkupContent {
        kind: MarkupKind::Markdown,
        value: text,
    })
}

fn keys(doc: &Document, span: &ByteSpan, path: &[String]) -> Vec<CompletionItem> {
    let Some(node) = schema_nav::at(path) else {
        return Vec::new();
    };
    schema_nav::properties(node)
        .into_iter()
        .map(|(k, schema)| {
            let mut it = item(k, CompletionItemKind::PROPERTY, doc, span, format!("{k}: "));
            let desc = schema_nav::description(schema).unwrap_or_default();
            it.detail = desc.lines().next().map(String::from);
            it.documentation = Some(markdown(desc.to_owned()));
            it
        })
        .collect()
}

/// The attributes the connector's starter maps for this object mapping (`users`, `groups`),
/// each inserted with its usual source.
fn target_attributes(
    doc: &Document,
    span: &ByteSpan,
    connector: &Connector,
    label: &str,
) -> Vec<CompletionItem> {
    let mappings = connector.starter.mappings;
    let Some(m) = mappings.iter().find(|m| m.label == label) else {
        return Vec::new();
    };
    m.attributes
        .iter()
        .map(|a| {
            let key = if a.target.contains(['"', '[', ':', '#']) {
                format!("'{}'", a.target)
            } else {
                a.target.to_owned()
            };
            let source = match a.source {
                StarterSource::Attribute(s) => format!("source: {s}"),
                StarterSource::Expression(e) => format!("expression: '{}'", e.replace('\'', "''")),
            };
            let priority = a
                .matching_priority
                .map(|p| format!(", matchingPriority: {p}"))
                .unwrap_or_default();
            let mut it = item(
                a.target,
                CompletionItemKind::FIELD,
                doc,
                span,
                format!("{key}: {{ {source}{priority} }}"),
            );
            it.detail = Some(format!("{} target attribute", connector.title));
            it.documentation = a.note.map(|n| markdown(n.to_owned()));
            it
        })
        .collect()
}

fn operators(doc: &Document, span: &ByteSpan) -> Vec<CompletionItem> {
    Operator::ALL
        .iter()
        .map(|op| {
            let name = op.manifest_name();
            let mut it = item(
                name,
                CompletionItemKind::OPERATOR,
                doc,
                span,
                name.to_owned(),
            );
            it.detail = Some(if op.is_unary() {
                "unary".into()
            } else {
                "binary: needs a value".into()
            });
            it.documentation = Some(markdown(operator_text(*op)));
            it
        })
        .collect()
}

/// In an expression: attribute names after an unclosed `[`, else function names.
fn expression(doc: &Document, typed: &str, start: usize) -> Vec<CompletionItem> {
    if let Some(open) = typed.rfind('[')
        && typed[open..].find(']').is_none()
    {
        let span = start + open + 1..start + typed.len();
        return USER_ATTRIBUTES
            .iter()
            .map(|a| item(a, CompletionItemKind::FIELD, doc, &span, format!("{a}]")))
            .collect();
    }
    let is_word = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let word = typed.len() - typed.trim_end_matches(is_word).len();
    let span = start + typed.len() - word..start + typed.len();
    SIGNATURES
        .iter()
        .map(|s| {
            let args: Vec<String> = s
                .args
                .iter()
                .enumerate()
                .map(|(i, a)| format!("${{{}:{a}}}", i + 1))
                .collect();
            let snippet = format!("{}({})", s.name, args.join(", "));
            let mut it = item(s.name, CompletionItemKind::FUNCTION, doc, &span, snippet);
            it.insert_text_format = Some(InsertTextFormat::SNIPPET);
            it.detail = Some(s.signature.to_owned());
            it.documentation = function_text(s.name).map(markdown);
            it
        })
        .collect()
}

fn attributes(
    doc: &Document,
    span: &ByteSpan,
    path: &[String],
    typed: &str,
) -> Vec<CompletionItem> {
    let groups = path.iter().any(|s| s == "groups");
    let names: &[String] = if groups {
        &GROUP_ATTRIBUTES
    } else {
        &USER_ATTRIBUTES
    };
    let span = span.end - typed.len()..span.end;
    names
        .iter()
        .map(|a| {
            let mut it = item(a, CompletionItemKind::FIELD, doc, &span, (*a).to_owned());
            it.detail = Some(format!(
                "Entra ID {} attribute",
                if groups { "group" } else { "user" }
            ));
            it
        })
        .collect()
}

fn enum_values(doc: &Document, span: &ByteSpan, path: &[String]) -> Vec<CompletionItem> {
    let Some(node) = schema_nav::at(path) else {
        return Vec::new();
    };
    schema_nav::values(node)
        .into_iter()
        .map(|(v, desc)| {
            let mut it = item(&v, CompletionItemKind::ENUM_MEMBER, doc, span, v.clone());
            it.documentation = desc.map(|d| markdown(d.to_owned()));
            it
        })
        .collect()
}
