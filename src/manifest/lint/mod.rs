//! Lints: the rules the JSON Schema cannot express, each with its own code.
//!
//! [`structural`] runs on the JSON value (before the typed model exists, so every such
//! problem is reported at once, with a location); [`semantic`] runs on the typed
//! [`Manifest`] and then hands over to the app's connector ([`crate::connector`]).

pub(crate) mod attributes;
pub mod entra_attributes;
pub(crate) mod semantic;
pub(crate) mod structural;

use std::sync::Arc;

use super::diag::Diagnostic;
use super::schema_errors::locate;
use super::span::{ByteSpan, SourceFile, SpanMap};

/// What a lint needs to report located diagnostics: the file, its span map, and the output.
pub struct LintCx<'a> {
    /// The manifest file.
    pub file: &'a Arc<SourceFile>,
    /// Its JSON pointer → span map.
    pub spans: &'a SpanMap,
    /// Diagnostics so far.
    pub out: Vec<Diagnostic>,
    /// Pointers whose schema errors are superseded by a lint's diagnostic.
    pub claimed: Vec<String>,
    /// Spans that may hold a secret; source excerpts mask them.
    pub sensitive: Vec<ByteSpan>,
}

impl<'a> LintCx<'a> {
    /// A context with no diagnostics yet.
    pub fn new(file: &'a Arc<SourceFile>, spans: &'a SpanMap) -> Self {
        LintCx {
            file,
            spans,
            out: Vec::new(),
            claimed: Vec::new(),
            sensitive: Vec::new(),
        }
    }

    /// The span of the node at `pointer`: its key when `on_key` (and it has one), else its
    /// value (first line of a block collection).
    pub fn span(&self, pointer: &str, on_key: bool) -> ByteSpan {
        locate(self.file, self.spans, pointer, on_key)
    }

    /// A diagnostic located at `pointer`, labelled `label`.
    pub fn diag(
        &self,
        code: &'static str,
        pointer: &str,
        on_key: bool,
        message: impl Into<String>,
        label: impl Into<String>,
    ) -> Diagnostic {
        Diagnostic::new(code, message)
            .in_file(self.file)
            .at(self.span(pointer, on_key), label)
            .pointer(pointer)
    }

    /// Records a diagnostic.
    pub fn push(&mut self, d: Diagnostic) {
        self.out.push(d);
    }

    /// Records a diagnostic and claims its pointer (schema errors there are dropped).
    pub fn push_claim(&mut self, d: Diagnostic) {
        if let Some(p) = &d.pointer {
            self.claimed.push(p.clone());
        }
        self.out.push(d);
    }
}
