//! [`Diagnostic`]: one located problem in a manifest, with a code, a severity, a label and a
//! help line. It implements [`miette::Diagnostic`] so the human renderer shows the source
//! excerpt; `render` turns lists of them into human, JSON or GitHub annotation output.

use std::fmt;
use std::sync::Arc;

use miette::{LabeledSpan, SourceCode};
use serde::Serialize;

use super::span::{ByteSpan, SourceFile};

/// How bad a diagnostic is. `validate` exits 1 when any diagnostic is an error.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Information (codes `I0xxx`), for example "delete means lock" for Keeper.
    Info,
    /// A likely mistake that does not stop plan/apply (codes `W0xxx`).
    Warning,
    /// The manifest cannot be used (codes `E0xxx`).
    Error,
}

impl Severity {
    /// `error`, `warning` or `info`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// A secondary label ("first defined here").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Secondary {
    /// Where.
    pub span: ByteSpan,
    /// What to say there.
    pub label: String,
}

/// One located problem.
#[derive(Clone, Debug)]
pub struct Diagnostic {
    /// Stable code, `E0xxx` (error), `W0xxx` (warning) or `I0xxx` (info); see
    /// `docs/diagnostics.md`.
    pub code: &'static str,
    /// Severity.
    pub severity: Severity,
    /// One-line message. Never contains a secret value.
    pub message: String,
    /// The file, when the problem is in one.
    pub file: Option<Arc<SourceFile>>,
    /// The primary span (bytes) in `file`.
    pub span: Option<ByteSpan>,
    /// Text of the primary label.
    pub label: Option<String>,
    /// Other labelled spans in the same file.
    pub secondary: Vec<Secondary>,
    /// How to fix it.
    pub help: Option<String>,
    /// JSON pointer of the node concerned, when known.
    pub pointer: Option<String>,
}

impl Diagnostic {
    /// A diagnostic; the severity follows the code's first letter.
    pub fn new(code: &'static str, message: impl Into<String>) -> Self {
        let severity = match code.as_bytes().first() {
            Some(b'W') => Severity::Warning,
            Some(b'I') => Severity::Info,
            _ => Severity::Error,
        };
        Diagnostic {
            code,
            severity,
            message: message.into(),
            file: None,
            span: None,
            label: None,
            secondary: Vec::new(),
            help: None,
            pointer: None,
        }
    }

    /// Sets the file.
    pub fn in_file(mut self, file: &Arc<SourceFile>) -> Self {
        self.file = Some(Arc::clone(file));
        self
    }

    /// Sets the primary span and its label.
    pub fn at(mut self, span: ByteSpan, label: impl Into<String>) -> Self {
        self.span = Some(span);
        self.label = Some(label.into());
        self
    }

    /// Sets the primary span without a label.
    pub fn at_span(mut self, span: ByteSpan) -> Self {
        self.span = Some(span);
        self
    }

    /// Sets the help line.
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Sets the JSON pointer.
    pub fn pointer(mut self, pointer: impl Into<String>) -> Self {
        self.pointer = Some(pointer.into());
        self
    }

    /// Adds a secondary label.
    pub fn also(mut self, span: ByteSpan, label: impl Into<String>) -> Self {
        self.secondary.push(Secondary {
            span,
            label: label.into(),
        });
        self
    }

    /// Whether this is an error.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// 1-based line and column of the primary span's start.
    pub fn line_col(&self) -> Option<(usize, usize)> {
        let (file, span) = (self.file.as_ref()?, self.span.as_ref()?);
        Some(file.line_col(span.start))
    }

    /// 1-based line and column just past the primary span's end.
    pub fn end_line_col(&self) -> Option<(usize, usize)> {
        let (file, span) = (self.file.as_ref()?, self.span.as_ref()?);
        Some(file.line_col(span.end))
    }

    /// `file:line:col`, or the file name, or nothing.
    pub fn location(&self) -> Option<String> {
        let file = self.file.as_ref()?;
        Some(match self.line_col() {
            Some((l, c)) => format!("{}:{l}:{c}", file.name),
            None => file.name.clone(),
        })
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Diagnostic {}

impl miette::Diagnostic for Diagnostic {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(self.code))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        })
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        match (&self.file, &self.span) {
            (Some(f), Some(_)) => Some(&**f as &dyn SourceCode),
            _ => None,
        }
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let span = self.span.clone()?;
        let file = self.file.as_ref()?;
        // Excerpts are read from the shown text (masked values are a fixed `********`).
        let shown = |s: &ByteSpan| file.to_shown(s.start)..file.to_shown(s.end);
        let primary = LabeledSpan::new_primary_with_span(self.label.clone(), shown(&span));
        let rest = self
            .secondary
            .iter()
            .map(move |s| LabeledSpan::new_with_span(Some(s.label.clone()), shown(&s.span)));
        Some(Box::new(std::iter::once(primary).chain(rest)))
    }
}
