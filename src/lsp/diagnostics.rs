//! Diagnostics: the document through the same pipeline as `entraprov validate`
//! ([`crate::manifest::load_str`]), converted to LSP diagnostics with the same codes and
//! spans, secondary labels as related information, and a link to the code's section of
//! `docs/diagnostics.md`.

use std::str::FromStr;
use std::sync::{Arc, OnceLock};

use lsp_types::{
    CodeDescription, DiagnosticRelatedInformation, DiagnosticSeverity, Location, NumberOrString,
    Uri,
};

use super::text::Document;
use crate::manifest::{self, Diagnostic, Severity, SourceFile, YamlDoc};
use crate::text::{shown, shown_lines};

/// Where `docs/diagnostics.md` is published.
pub const DOCS_URL: &str = "https://github.com/entraprov/entraprov/blob/main/docs/diagnostics.md";

/// The document as `validate` sees it: every diagnostic, and the YAML with its spans when it
/// parses (for hover, completion and code actions).
pub struct Analysis {
    /// Every diagnostic `validate` reports for this text, in source order.
    pub diagnostics: Vec<Diagnostic>,
    /// The YAML document and its JSON pointer → span map, when it parses.
    pub yaml: Option<YamlDoc>,
}

/// Runs the manifest pipeline on a document (offline, no file access: the text is the
/// client's, not the disk's). A U+FFFD replacement character is where the editor could not
/// decode the file as UTF-8; it goes through as an undecodable byte, so the diagnostic is
/// `validate`'s "not valid UTF-8" (E0012) at the same place.
pub fn analyze(doc: &Document) -> Analysis {
    let diagnostics = validate(doc);
    let name = file_name(&doc.uri);
    let file = Arc::new(SourceFile::new(name.into(), doc.text.clone()));
    let yaml = manifest::yaml::convert(&file).ok();
    Analysis { diagnostics, yaml }
}

/// `validate`'s diagnostics for the document, in source order.
pub fn validate(doc: &Document) -> Vec<Diagnostic> {
    let name = file_name(&doc.uri);
    let mut bytes = Vec::with_capacity(doc.text.len());
    for (i, part) in doc.text.split('\u{FFFD}').enumerate() {
        if i > 0 {
            bytes.push(0xFF);
        }
        bytes.extend_from_slice(part.as_bytes());
    }
    manifest::load_bytes(&name, bytes).1
}

/// The path of a `file:` URI (percent-decoded), else the URI itself: the name `validate`
/// would print.
pub fn file_name(uri: &Uri) -> String {
    url::Url::parse(uri.as_str())
        .ok()
        .and_then(|u| u.to_file_path().ok())
        .map_or_else(|| uri.as_str().to_owned(), |p| p.display().to_string())
}

/// One diagnostic in LSP terms. The message is `validate`'s, followed by its help line, made
/// safe to show as in `validate`'s human output.
pub fn to_lsp(d: &Diagnostic, doc: &Document) -> lsp_types::Diagnostic {
    let range = d
        .span
        .as_ref()
        .map_or_else(Default::default, |s| doc.range(s));
    let related: Vec<DiagnosticRelatedInformation> = d
        .secondary
        .iter()
        .map(|s| DiagnosticRelatedInformation {
            location: Location::new(doc.uri.clone(), doc.range(&s.span)),
            message: shown(&s.label).into_owned(),
        })
        .collect();
    // Editors show these texts as they are: they go through the escaping path of validate's
    // human output (manifest values may hold control characters).
    let mut message = shown_lines(&d.message);
    if let Some(h) = &d.help {
        message.push_str("\nhelp: ");
        message.push_str(&shown_lines(h));
    }
    lsp_types::Diagnostic {
        range,
        severity: Some(severity(d.severity)),
        code: Some(NumberOrString::String(d.code.to_owned())),
        code_description: code_link(d.code).map(|href| CodeDescription { href }),
        source: Some("entraprov".to_owned()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        tags: None,
        data: d
            .pointer
            .as_ref()
            .map(|p| serde_json::json!({ "pointer": p })),
    }
}

fn severity(s: Severity) -> DiagnosticSeverity {
    match s {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Info => DiagnosticSeverity::INFORMATION,
    }
}

/// `…/docs/diagnostics.md#lints-e01xx-w01xx` for `E0104`: the section whose table lists the
/// code (GitHub's heading anchors).
pub fn code_link(code: &str) -> Option<Uri> {
    static CATALOGUE: &str = include_str!("../../docs/diagnostics.md");
    static SECTIONS: OnceLock<Vec<(String, String)>> = OnceLock::new();
    let sections = SECTIONS.get_or_init(|| {
        let mut out = Vec::new();
        let mut slug = String::new();
        for line in CATALOGUE.lines() {
            if let Some(h) = line.strip_prefix("## ") {
                slug = github_slug(h);
            } else if let Some(row) = line.strip_prefix("| ")
                && let Some((c, _)) = row.split_once(" |")
            {
                out.push((c.trim().to_owned(), slug.clone()));
            }
        }
        out
    });
    let slug = sections.iter().find(|(c, _)| c == code).map(|(_, s)| s);
    let href = match slug {
        Some(s) if !s.is_empty() => format!("{DOCS_URL}#{s}"),
        _ => DOCS_URL.to_owned(),
    };
    Uri::from_str(&href).ok()
}

/// GitHub's anchor for a heading: lower case, punctuation dropped, spaces as `-`.
fn github_slug(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric() || *c == ' ' || *c == '-' || *c == '_')
        .map(|c| if c == ' ' { '-' } else { c })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_link_to_their_section_of_the_catalogue() {
        let link = |c| code_link(c).unwrap().as_str().to_owned();
        assert_eq!(link("E0104"), format!("{DOCS_URL}#lints-e01xx-w01xx"));
        assert_eq!(
            link("E0201"),
            format!("{DOCS_URL}#keeper-connector-e02xx-w02xx-i02xx")
        );
        assert!(link("E0012").starts_with(&format!("{DOCS_URL}#reading-the-file-e001x")));
    }
}
