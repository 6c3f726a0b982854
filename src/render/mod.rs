//! Pure renderers: plan and apply report → text. No I/O, no clock, no terminal detection:
//! the caller decides whether to colour (TTY and `NO_COLOR`) and where to write.
//!
//! - [`human`]: Terraform-like `+ ~ -` plan with word-level diffs of long values.
//! - [`json`]: the stable, versioned JSON document (`format_version: "1"`).
//! - [`markdown`]: the PR comment (summary first, details folded, < 60,000 characters).
//! - [`report`]: the apply report (done / failed / skipped, convergence).
//!
//! Secrets never reach these functions: a [`Plan`](crate::plan::Plan) only holds token
//! fingerprints.

pub mod evaluation;
pub mod human;
pub mod impact;
pub mod json;
pub mod markdown;
pub mod preview;
pub mod report;
pub mod untrusted;
mod value;
mod words;

use anstyle::{AnsiColor, Style};

/// How to render human output.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct HumanOptions {
    /// Emit ANSI colours (the caller checks the TTY and `NO_COLOR`).
    pub color: bool,
}

impl HumanOptions {
    /// Colour decision for the automatic mode: only on a terminal, never when `NO_COLOR`
    /// is set (to anything non-empty). The caller reads both; this stays pure.
    pub fn auto(is_terminal: bool, no_color: bool) -> Self {
        Self {
            color: is_terminal && !no_color,
        }
    }
}

/// Applies styles only when colour is on.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Painter {
    color: bool,
}

impl Painter {
    pub(crate) fn new(opts: HumanOptions) -> Self {
        Self { color: opts.color }
    }

    pub(crate) fn paint(self, style: Style, text: &str) -> String {
        if self.color && !text.is_empty() {
            format!("{}{text}{}", style.render(), style.render_reset())
        } else {
            text.to_owned()
        }
    }
}

/// Style for creates.
pub(crate) const GREEN: Style = Style::new().fg_color(Some(anstyle::Color::Ansi(AnsiColor::Green)));
/// Style for updates and warnings.
pub(crate) const YELLOW: Style =
    Style::new().fg_color(Some(anstyle::Color::Ansi(AnsiColor::Yellow)));
/// Style for deletes and failures.
pub(crate) const RED: Style = Style::new().fg_color(Some(anstyle::Color::Ansi(AnsiColor::Red)));
/// Style for headers.
pub(crate) const BOLD: Style = Style::new().bold();
/// Style for secondary text.
pub(crate) const DIM: Style = Style::new().dimmed();
