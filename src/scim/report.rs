//! The probe's result as data, and its plain-text rendering (pure).

use crate::text::shown;
use std::fmt::Write as _;

use super::ProbeFailure;

/// Result of one check.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CheckStatus {
    /// The check passed.
    Pass,
    /// Advisory check failed, or something looks off; does not fail the run.
    Warn,
    /// The check failed; the run fails.
    Fail,
    /// Not run because an earlier check failed.
    Skip,
}

impl CheckStatus {
    /// Fixed-width label for tables.
    pub fn label(self) -> &'static str {
        match self {
            Self::Pass => "ok",
            Self::Warn => "warn",
            Self::Fail => "FAIL",
            Self::Skip => "skipped",
        }
    }
}

/// One row of the probe (or test-connection) table.
#[derive(Clone, Debug)]
pub struct ProbeCheck {
    /// What was checked, e.g. `SCIM GET /Users (filter)`.
    pub name: String,
    /// The outcome.
    pub status: CheckStatus,
    /// One line of result.
    pub summary: String,
    /// For failures and warnings with a classified cause: the diagnostic.
    pub failure: Option<ProbeFailure>,
}

impl ProbeCheck {
    /// A passing check.
    pub fn pass(name: impl Into<String>, summary: impl Into<String>) -> Self {
        Self::new(name, CheckStatus::Pass, summary, None)
    }

    /// A row with any status.
    pub fn new(
        name: impl Into<String>,
        status: CheckStatus,
        summary: impl Into<String>,
        failure: Option<ProbeFailure>,
    ) -> Self {
        Self {
            name: name.into(),
            status,
            summary: summary.into(),
            failure,
        }
    }

    /// A row from a classified failure with the given status (Fail or Warn).
    pub fn from_failure(name: impl Into<String>, status: CheckStatus, f: ProbeFailure) -> Self {
        let summary = f.to_string();
        Self::new(name, status, summary, Some(f))
    }
}

/// All checks of one probe, in order.
#[derive(Clone, Debug, Default)]
pub struct ProbeReport {
    /// The rows.
    pub checks: Vec<ProbeCheck>,
}

impl ProbeReport {
    /// True when no check failed (warnings and skips allowed).
    pub fn passed(&self) -> bool {
        self.checks.iter().all(|c| c.status != CheckStatus::Fail)
    }

    /// The first failure that made the probe fail, if any.
    pub fn first_failure(&self) -> Option<&ProbeFailure> {
        self.checks
            .iter()
            .filter(|c| c.status == CheckStatus::Fail)
            .find_map(|c| c.failure.as_ref())
    }
}

/// Renders checks as an aligned plain-text table followed by one explanation block per
/// failure or warning that has advice. No colour; the caller may style it.
pub fn render_table(checks: &[ProbeCheck]) -> String {
    let width = checks
        .iter()
        .map(|c| shown(&c.name).chars().count())
        .max()
        .unwrap_or(0);
    let mut out = String::new();
    let _ = writeln!(out, "  {:width$}  {:7}  DETAIL", "CHECK", "RESULT");
    for c in checks {
        let _ = writeln!(
            out,
            "  {:width$}  {:7}  {}",
            shown(&c.name),
            c.status.label(),
            shown(&c.summary)
        );
    }
    for c in checks {
        if let Some(f) = &c.failure {
            let name = shown(&c.name);
            let _ = writeln!(out, "\n{name} [{}] {}", f.kind.code(), f.kind.summary());
            for (i, line) in wrap(&shown(&f.help), 90).iter().enumerate() {
                let prefix = if i == 0 { "  help: " } else { "        " };
                let _ = writeln!(out, "{prefix}{line}");
            }
        }
    }
    out
}

/// Greedy word wrap (the help texts are single paragraphs).
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}
