//! Renderers for diagnostics: human (miette graphical, with source excerpt), JSON (stable,
//! versioned) and GitHub workflow annotations.

use std::fmt::Write as _;

use miette::{GraphicalReportHandler, GraphicalTheme};
use serde_json::{Value, json};

use super::diag::{Diagnostic, Severity};
use super::load::LoadOutcome;
use crate::github::{escape_data, escape_property};

/// Version of the JSON output format.
pub const JSON_FORMAT_VERSION: u32 = 1;

/// Options of the human renderer.
#[derive(Clone, Copy, Debug)]
pub struct HumanStyle {
    /// ANSI colours.
    pub color: bool,
    /// Unicode box drawing (otherwise ASCII).
    pub unicode: bool,
    /// Wrap width.
    pub width: usize,
}

impl HumanStyle {
    /// No colour, ASCII, 80 columns: stable output for snapshots.
    pub fn plain() -> Self {
        HumanStyle {
            color: false,
            unicode: false,
            width: 80,
        }
    }
}

/// Renders one diagnostic with miette's graphical handler.
pub fn render_human(d: &Diagnostic, style: HumanStyle) -> String {
    let theme = match (style.unicode, style.color) {
        (true, true) => GraphicalTheme::unicode(),
        (true, false) => GraphicalTheme::unicode_nocolor(),
        (false, true) => GraphicalTheme::ascii(),
        (false, false) => GraphicalTheme::none(),
    };
    // A help with commands to copy (indented lines) is not wrapped: a wrapped command
    // cannot be pasted.
    let commands = d.help.as_ref().is_some_and(|h| h.contains("\n  "));
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(style.width)
        .with_links(false)
        .with_wrap_lines(!commands)
        .with_context_lines(1);
    let d = &safe_copy(d);
    let mut out = String::new();
    if handler.render_report(&mut out, d).is_err() {
        out = format!("{}[{}]: {}\n", d.severity.as_str(), d.code, d.message);
    }
    if let (Some(loc), None) = (d.location(), d.span.as_ref()) {
        out = format!("{}: {out}", crate::text::shown(&loc));
    }
    out
}

/// The diagnostic with its texts made safe for a terminal ([`crate::text`]): the message,
/// labels and help may quote manifest values or server messages. The source excerpt is
/// made safe by the file itself (`SourceFile` blanks unsafe characters).
fn safe_copy(d: &Diagnostic) -> Diagnostic {
    use crate::text::{shown, shown_lines};
    let mut d = d.clone();
    // Messages that list candidates keep their own line breaks; the untrusted parts of
    // such a message are escaped where it is composed.
    d.message = shown_lines(&d.message);
    d.label = d.label.as_deref().map(|l| shown(l).into_owned());
    d.help = d.help.as_deref().map(shown_lines);
    for s in &mut d.secondary {
        s.label = shown(&s.label).into_owned();
    }
    shorten_excerpt(&mut d);
    d
}

/// A long line (or a huge span) is shown as a window around the error, with the secondary
/// labels that fall inside it.
fn shorten_excerpt(d: &mut Diagnostic) {
    let (Some(file), Some(span)) = (d.file.clone(), d.span.clone()) else {
        return;
    };
    let Some(w) = file.window(&span) else {
        return;
    };
    let len = w.file.text.len();
    let offset = |at: usize| -> Option<usize> {
        let rel = file.to_shown(at).checked_sub(w.from)? + w.lead;
        (rel <= len).then_some(rel)
    };
    d.secondary = std::mem::take(&mut d.secondary)
        .into_iter()
        .filter_map(|mut s| {
            let start = offset(s.span.start)?;
            let end = offset(s.span.end).unwrap_or(len).max(start);
            s.span = start..end;
            Some(s)
        })
        .collect();
    d.span = Some(w.span);
    d.file = Some(std::sync::Arc::new(w.file));
}

/// Renders every diagnostic and a summary line.
pub fn render_human_all(outcome: &LoadOutcome, style: HumanStyle) -> String {
    let mut out = String::new();
    for (d, shown) in capped(outcome) {
        match shown {
            Ok(()) => {
                out.push_str(&render_human(d, style));
                out.push('\n');
            }
            Err(more) => {
                let _ = writeln!(out, "{}\n", more_line(d, more));
            }
        }
    }
    for f in &outcome.files {
        if f.errors == 0 {
            let name = f.manifest_name.as_deref().unwrap_or("?");
            let (file, name) = (crate::text::shown(&f.name), crate::text::shown(name));
            let _ = writeln!(out, "ok: {file} ({name})");
        }
    }
    let _ = writeln!(out, "{}", summary(outcome));
    out
}

/// Diagnostics shown per file by the human and GitHub renderers; JSON lists all.
pub const SHOWN_PER_FILE: usize = 100;

/// The diagnostics to show: `Ok` for each of the first [`SHOWN_PER_FILE`] of a file, then
/// one `Err(n)` (on the first one not shown) for the `n` left of that file.
fn capped(outcome: &LoadOutcome) -> Vec<(&Diagnostic, Result<(), usize>)> {
    let name = |d: &Diagnostic| d.file.as_ref().map(|f| f.name.clone());
    let mut out = Vec::new();
    let mut i = 0;
    let all = &outcome.diagnostics;
    while i < all.len() {
        let file = name(&all[i]);
        let end = all[i..]
            .iter()
            .position(|d| name(d) != file)
            .map_or(all.len(), |n| i + n);
        for (k, d) in all[i..end].iter().enumerate() {
            if k < SHOWN_PER_FILE {
                out.push((d, Ok(())));
            } else {
                out.push((d, Err(end - i - SHOWN_PER_FILE)));
                break;
            }
        }
        i = end;
    }
    out
}

fn more_line(d: &Diagnostic, more: usize) -> String {
    let file = d
        .file
        .as_ref()
        .map_or(String::new(), |f| format!(" in {}", f.name));
    crate::text::shown(&format!(
        "… {more} more diagnostic(s){file} not shown; `--format json` lists them all"
    ))
    .into_owned()
}

/// `2 errors, 1 warning in 3 files`.
pub fn summary(outcome: &LoadOutcome) -> String {
    let plural = |n: usize, w: &str| format!("{n} {w}{}", if n == 1 { "" } else { "s" });
    let infos = outcome
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Info)
        .count();
    let mut s = format!(
        "{}, {}",
        plural(outcome.error_count(), "error"),
        plural(outcome.warning_count(), "warning")
    );
    if infos > 0 {
        let _ = write!(s, ", {}", plural(infos, "note"));
    }
    let _ = write!(s, " in {}", plural(outcome.files.len(), "file"));
    s
}

/// One diagnostic as JSON.
pub fn diagnostic_json(d: &Diagnostic) -> Value {
    let (line, column) = d
        .line_col()
        .map_or((None, None), |(l, c)| (Some(l), Some(c)));
    let (end_line, end_column) = d
        .end_line_col()
        .map_or((None, None), |(l, c)| (Some(l), Some(c)));
    json!({
        "code": d.code,
        "severity": d.severity,
        "message": d.message,
        "file": d.file.as_ref().map(|f| f.name.clone()),
        "line": line,
        "column": column,
        "end_line": end_line,
        "end_column": end_column,
        "pointer": d.pointer,
        "label": d.label,
        "help": d.help,
    })
}

/// The whole outcome as JSON (`format_version` 1).
pub fn render_json(outcome: &LoadOutcome) -> String {
    let files: Vec<Value> = outcome
        .files
        .iter()
        .map(|f| {
            json!({ "file": f.name, "name": f.manifest_name, "valid": f.errors == 0,
                    "errors": f.errors, "warnings": f.warnings })
        })
        .collect();
    let v = json!({
        "format_version": JSON_FORMAT_VERSION,
        "valid": !outcome.has_errors(),
        "error_count": outcome.error_count(),
        "warning_count": outcome.warning_count(),
        "files": files,
        "diagnostics": outcome.diagnostics.iter().map(diagnostic_json).collect::<Vec<_>>(),
    });
    let mut s = serde_json::to_string_pretty(&v).unwrap_or_default();
    s.push('\n');
    s
}

/// One GitHub workflow command per diagnostic (`::error file=…,line=…,col=…::message`).
pub fn render_github(outcome: &LoadOutcome) -> String {
    let mut out = String::new();
    for (d, shown) in capped(outcome) {
        if let Err(more) = shown {
            let _ = writeln!(out, "::notice::{}", escape_data(&more_line(d, more)));
            continue;
        }
        let level = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        let mut props = Vec::new();
        if let Some(f) = &d.file {
            props.push(format!("file={}", escape_property(&f.name)));
        }
        if let (Some((l, c)), Some((el, ec))) = (d.line_col(), d.end_line_col()) {
            props.push(format!("line={l},col={c}"));
            if el == l {
                props.push(format!("endLine={el},endColumn={ec}"));
            } else {
                props.push(format!("endLine={el}"));
            }
        }
        props.push(format!(
            "title={}",
            escape_property(&format!("entraprov {}", d.code))
        ));
        let mut msg = d.message.clone();
        if let Some(h) = &d.help {
            let _ = write!(msg, "\nhelp: {h}");
        }
        let _ = writeln!(out, "::{level} {}::{}", props.join(","), escape_data(&msg));
    }
    out
}
