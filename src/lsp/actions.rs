//! Code actions (quick fixes) for diagnostics in the requested range: the "did you mean"
//! replacements, Keeper's "use the same source for the work email as for userName", and a
//! literal secret token replaced by an environment variable reference.

use std::collections::HashMap;

use lsp_types::{CodeAction, CodeActionKind, CodeActionOrCommand, Range, TextEdit, WorkspaceEdit};

use super::diagnostics::{Analysis, to_lsp};
use super::text::Document;
use crate::connector::Connector;
use crate::manifest::span::{ByteSpan, parent, push_segment};
use crate::manifest::{Diagnostic, YamlDoc};

/// The quick fixes for the diagnostics that touch `range`.
pub fn actions(
    doc: &Document,
    analysis: &Analysis,
    connector: &Connector,
    range: Range,
) -> Vec<CodeActionOrCommand> {
    let wanted = doc.span(range);
    let touches = |s: &ByteSpan| s.start <= wanted.end && wanted.start <= s.end;
    let mut out = Vec::new();
    for d in &analysis.diagnostics {
        let Some(span) = d.span.as_ref().filter(|s| touches(s)) else {
            continue;
        };
        let fix = match d.code {
            "E0201" => analysis.yaml.as_ref().and_then(|y| same_source(doc, y, d)),
            "E0108" => literal_secret(span, connector),
            _ => did_you_mean(doc, d, span),
        };
        if let Some((title, edits)) = fix {
            out.push(CodeActionOrCommand::CodeAction(action(
                doc, d, title, edits,
            )));
        }
    }
    out
}

fn action(
    doc: &Document,
    d: &Diagnostic,
    title: String,
    edits: Vec<(ByteSpan, String)>,
) -> CodeAction {
    let edits = edits
        .into_iter()
        .map(|(span, text)| TextEdit::new(doc.range(&span), text))
        .collect();
    CodeAction {
        title,
        kind: Some(CodeActionKind::QUICKFIX),
        diagnostics: Some(vec![to_lsp(d, doc)]),
        edit: Some(WorkspaceEdit {
            changes: Some(HashMap::from([(doc.uri.clone(), edits)])),
            ..WorkspaceEdit::default()
        }),
        is_preferred: Some(true),
        ..CodeAction::default()
    }
}

type Fix = Option<(String, Vec<(ByteSpan, String)>)>;

/// `did you mean `X`?` in the help: the primary span (an unknown key, a value, a function
/// name) becomes `X`, keeping its quotes.
fn did_you_mean(doc: &Document, d: &Diagnostic, span: &ByteSpan) -> Fix {
    let help = d.help.as_deref()?;
    let rest = help.split("did you mean `").nth(1)?;
    let suggestion = rest.split('`').next()?;
    let old = doc.text.get(span.clone())?;
    let (inner, q) = match old.chars().next() {
        Some(q @ ('"' | '\'')) if old.len() >= 2 && old.ends_with(q) => {
            (span.start + 1..span.end - 1, q)
        }
        _ => (span.clone(), ' '),
    };
    let shown = old.trim_matches(q);
    if shown == suggestion {
        return None;
    }
    Some((
        format!("Replace `{shown}` with `{suggestion}`"),
        vec![(inner, suggestion.to_owned())],
    ))
}

/// E0201: the work email's `source`/`expression`/`constant` becomes userName's.
fn same_source(doc: &Document, yaml: &YamlDoc, d: &Diagnostic) -> Fix {
    let email = d.pointer.as_deref()?;
    let user = push_segment(parent(email), "userName");
    let kind = |ptr: &str| {
        ["source", "expression", "constant"]
            .into_iter()
            .map(|k| push_segment(ptr, k))
            .find_map(|p| yaml.spans.get(&p).cloned())
    };
    let (from, to) = (kind(&user)?, kind(email)?);
    let text = |s: &ByteSpan| doc.text.get(s.clone()).map(str::to_owned);
    let mut edits = vec![(to.value.clone(), text(&from.value)?)];
    if let (Some(fk), Some(tk)) = (&from.key, &to.key) {
        edits.push((tk.clone(), text(fk)?));
    }
    let title = "Use the same source for the work email as for userName".to_owned();
    Some((title, edits))
}

/// E0108: the literal token becomes `{ fromEnv: <the connector's variable> }`.
fn literal_secret(span: &ByteSpan, connector: &Connector) -> Fix {
    let var = connector.starter.token_env;
    let reference = format!("{{ fromEnv: {var} }}");
    Some((
        format!("Replace the literal secret with `{reference}`"),
        vec![(span.clone(), reference)],
    ))
}
