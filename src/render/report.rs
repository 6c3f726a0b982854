//! The apply report: one line per change (done / failed / skipped), Graph's error details
//! for failures, then the convergence check.

use serde_json::json;

use crate::plan::report::{ApplyReport, Convergence, Failure, OutcomeStatus};

use super::json::action_name;
use crate::text::shown;

/// How `failure_from` joins a Graph error and its help line.
const HELP_SEPARATOR: &str = "\n      help: ";

/// A failure message as lines: the text (escaped whole: a server's line breaks stay
/// `\n`) and the help line entraprov appended, if any.
fn message_lines(message: &str) -> Vec<String> {
    match message.rsplit_once(HELP_SEPARATOR) {
        Some((text, help)) => vec![shown(text).into_owned(), format!("help: {}", shown(help))],
        None => vec![shown(message).into_owned()],
    }
}
use super::{BOLD, DIM, GREEN, HumanOptions, Painter, RED, YELLOW};

/// Renders the report for a terminal. Ends with a newline.
pub fn human(report: &ApplyReport, opts: HumanOptions) -> String {
    let p = Painter::new(opts);
    let mut out = p.paint(BOLD, &format!("Apply report for {}:", shown(&report.name)));
    out.push_str("\n\n");
    for o in &report.outcomes {
        let what = format!("{} {}", o.action.symbol(), shown(&o.address.to_string()));
        match &o.status {
            OutcomeStatus::Done => {
                out.push_str(&format!("  {}  {what}\n", p.paint(GREEN, "done   ")));
            }
            OutcomeStatus::Failed(f) => {
                out.push_str(&format!("  {}  {what}\n", p.paint(RED, "failed ")));
                out.push_str(&failure_lines(f, p));
            }
            OutcomeStatus::Skipped { because } => {
                let why = match because {
                    Some(a) => format!("({} failed)", shown(&a.to_string())),
                    None => "(interrupted)".to_owned(),
                };
                out.push_str(&format!(
                    "  {}  {what}  {}\n",
                    p.paint(YELLOW, "skipped"),
                    p.paint(DIM, &why)
                ));
            }
        }
    }
    let s = report.summary();
    out.push_str(&format!(
        "\nApply: {} done, {} failed, {} skipped.\n",
        s.done, s.failed, s.skipped
    ));
    if report.interrupted {
        out.push_str(&p.paint(
            YELLOW,
            "Interrupted: the request in flight finished; nothing after it was started.",
        ));
        out.push('\n');
    }
    match &report.convergence {
        // A failed step is never followed by "Converged" (another apply may have made the
        // change; this one still failed).
        Some(Convergence::Converged) if s.failed > 0 => {
            let text = format!(
                "{} matches the manifest now, but this apply failed {} change(s) (above).",
                shown(&report.name),
                s.failed
            );
            out.push_str(&p.paint(YELLOW, &text));
            out.push('\n');
        }
        Some(Convergence::Converged) => {
            let text = format!("Converged: {} matches the manifest.", shown(&report.name));
            out.push_str(&p.paint(GREEN, &text));
            out.push('\n');
        }
        Some(Convergence::NotConverged { leftover }) => {
            out.push_str(&p.paint(RED, "Not converged: a new plan still shows:"));
            out.push('\n');
            for l in leftover {
                out.push_str(&format!("  {}\n", shown(l)));
            }
        }
        None => {}
    }
    out
}

fn failure_lines(f: &Failure, p: Painter) -> String {
    let mut out = String::new();
    for line in message_lines(&f.message) {
        out.push_str(&format!("      {line}\n"));
    }
    let mut graph = Vec::new();
    if let Some(code) = &f.code {
        graph.push(format!("code {}", shown(code)));
    }
    if let Some(status) = f.http_status {
        graph.push(format!("HTTP {status}"));
    }
    if !graph.is_empty() {
        out.push_str(&format!("      Graph error: {}\n", graph.join(", ")));
    }
    if let Some(inner) = &f.inner_error {
        out.push_str(&format!("      inner error: {}\n", shown(inner)));
    }
    if let Some(id) = &f.request_id {
        out.push_str(&format!(
            "      {}\n",
            p.paint(DIM, &format!("request-id: {}", shown(id)))
        ));
    }
    out
}

/// The report as stable JSON (`format_version: "1"`), with a final newline.
pub fn json(report: &ApplyReport) -> String {
    let outcomes: Vec<serde_json::Value> = report
        .outcomes
        .iter()
        .map(|o| {
            let (status, error, because) = match &o.status {
                OutcomeStatus::Done => ("done", None, None),
                OutcomeStatus::Failed(f) => ("failed", Some(failure_json(f)), None),
                OutcomeStatus::Skipped { because } => {
                    ("skipped", None, because.as_ref().map(ToString::to_string))
                }
            };
            json!({
                "address": o.address.to_string(),
                "resource": o.address.kind(),
                "action": action_name(o.action),
                "status": status,
                "error": error,
                "skipped_because": because,
            })
        })
        .collect();
    let s = report.summary();
    let convergence = match &report.convergence {
        None => json!(null),
        Some(Convergence::Converged) => json!({ "converged": true, "leftover": [] }),
        Some(Convergence::NotConverged { leftover }) => {
            json!({ "converged": false, "leftover": leftover })
        }
    };
    let doc = json!({
        "format_version": super::json::FORMAT_VERSION,
        "name": report.name,
        "summary": { "done": s.done, "failed": s.failed, "skipped": s.skipped },
        "interrupted": report.interrupted,
        "outcomes": outcomes,
        "convergence": convergence,
    });
    serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n"
}

/// The report as markdown (the GitHub Action's apply comment / job summary).
pub fn markdown(report: &ApplyReport) -> String {
    let s = report.summary();
    let verdict = if report.succeeded() { "✅" } else { "❌" };
    let mut out = format!(
        "### {verdict} entraprov apply: {}\n\n**Apply: {} done, {} failed, {} skipped.**\n\n",
        super::markdown::escape(&report.name),
        s.done,
        s.failed,
        s.skipped
    );
    if report.interrupted {
        out.push_str(
            "> [!WARNING]\n> Interrupted: nothing after the request in flight was started.\n\n",
        );
    }
    out.push_str("| Result | Change | Details |\n|---|---|---|\n");
    for o in &report.outcomes {
        let change = format!("`{} {}`", o.action.symbol(), shown(&o.address.to_string()))
            .replace('|', "\\|");
        let (result, details) = match &o.status {
            OutcomeStatus::Done => ("done", String::new()),
            OutcomeStatus::Failed(f) => ("**failed**", failure_cell(f)),
            OutcomeStatus::Skipped { because } => (
                "skipped",
                because.as_ref().map_or("interrupted".to_owned(), |a| {
                    format!("`{}` failed", shown(&a.to_string())).replace('|', "\\|")
                }),
            ),
        };
        out.push_str(&format!("| {result} | {change} | {details} |\n"));
    }
    out.push('\n');
    match &report.convergence {
        Some(Convergence::Converged) if s.failed > 0 => out.push_str(&format!(
            "{} matches the manifest now, but this apply failed {} change(s).\n",
            super::markdown::escape(&report.name),
            s.failed
        )),
        Some(Convergence::Converged) => out.push_str(&format!(
            "Converged: {} matches the manifest.\n",
            super::markdown::escape(&report.name)
        )),
        Some(Convergence::NotConverged { leftover }) => {
            out.push_str("**Not converged**: a new plan still shows:\n\n");
            for l in leftover {
                out.push_str(&format!("- `{}`\n", shown(l)));
            }
        }
        None => {}
    }
    out
}

fn failure_cell(f: &Failure) -> String {
    let mut parts = vec![super::markdown::escape(&f.message)];
    if let Some(code) = &f.code {
        parts.push(format!("code `{}`", shown(code)));
    }
    if let Some(status) = f.http_status {
        parts.push(format!("HTTP {status}"));
    }
    if let Some(inner) = &f.inner_error {
        parts.push(format!("inner error: {}", super::markdown::escape(inner)));
    }
    if let Some(id) = &f.request_id {
        parts.push(format!("request-id `{}`", shown(id)));
    }
    parts.join("<br>").replace('\n', " ")
}

fn failure_json(f: &Failure) -> serde_json::Value {
    json!({
        "message": f.message,
        "http_status": f.http_status,
        "code": f.code,
        "inner_error": f.inner_error,
        "request_id": f.request_id,
    })
}
