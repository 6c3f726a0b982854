//! Markdown output of `status` (job summaries, issues, chat).

use std::fmt::Write;

use super::time::human_duration;
use super::{AppStatus, Health, JobView, Problems, QuarantineView};

fn icon(h: Health) -> &'static str {
    match h {
        Health::Healthy => "✅",
        Health::Degraded | Health::InProgress | Health::Paused | Health::Disabled => "⚠️",
        Health::Quarantined | Health::Failed | Health::NotFound => "❌",
    }
}

/// Untrusted text for a table cell or a line: made safe ([`crate::text::shown`]), pipes
/// escaped.
fn cell(s: &str) -> String {
    crate::text::shown(s).replace('|', "\\|")
}

/// Untrusted text inside a code span.
fn code(s: &str) -> String {
    crate::text::shown(s).replace('`', "'")
}

/// Renders every app.
pub fn render(apps: &[AppStatus]) -> String {
    let parts: Vec<String> = apps.iter().map(render_one).collect();
    parts.join("\n")
}

fn render_one(a: &AppStatus) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "### {} `{}` — {}: {}\n",
        icon(a.health),
        code(&a.name),
        cell(&a.display_name),
        a.health.label()
    );
    if let Some(j) = &a.job {
        job_table(&mut o, j);
    }
    if let Some(q) = &a.quarantine {
        quarantine(&mut o, q);
    }
    problems(&mut o, &a.problems);
    for n in &a.notes {
        let _ = writeln!(o, "> {}\n", cell(n));
    }
    o
}

/// The two-column table of the job's state, cycles and object counts.
fn job_table(o: &mut String, j: &JobView) {
    let _ = writeln!(o, "| | |\n|---|---|");
    let _ = writeln!(
        o,
        "| State | {} ({}) |",
        cell(&j.state),
        cell(j.interval_text.as_deref().unwrap_or("?"))
    );
    if let Some(p) = &j.progress {
        let _ = writeln!(o, "| Initial cycle | {}/{} |", p.completed, p.total);
    }
    if let Some(e) = &j.last_execution {
        let dur = e.duration_seconds.map(human_duration).unwrap_or_default();
        let _ = writeln!(
            o,
            "| Last cycle | {} at {} ({dur}): imported {}, exported {}, escrowed {} |",
            cell(e.state.as_deref().unwrap_or("?")),
            cell(e.ended.as_deref().unwrap_or("?")),
            e.imported.unwrap_or(0),
            e.exported.unwrap_or(0),
            e.escrowed.unwrap_or(0)
        );
    }
    let ok = j
        .last_successful_execution
        .as_ref()
        .and_then(|e| e.ended.clone())
        .unwrap_or_else(|| "never".into());
    let _ = writeln!(o, "| Last success | {} |", cell(&ok));
    let _ = writeln!(
        o,
        "| Steady state | {} |",
        if j.steady_state { "yes" } else { "no" }
    );
    let counts: Vec<String> = j
        .counts
        .iter()
        .map(|c| format!("{} {}", c.object_type, c.count))
        .collect();
    let _ = writeln!(o, "| Objects | {} |", cell(&counts.join(", ")));
    o.push('\n');
}

/// The quarantine line and its numbered advice.
fn quarantine(o: &mut String, q: &QuarantineView) {
    let err = q
        .error
        .as_ref()
        .map(|e| {
            format!(
                " — `{}`: {}",
                code(e.code.as_deref().unwrap_or("?")),
                cell(e.message.as_deref().unwrap_or(""))
            )
        })
        .unwrap_or_default();
    let _ = writeln!(
        o,
        "**Quarantine: `{}`** since {} (next attempt {}){err}\n",
        code(q.reason.as_deref().unwrap_or("Unknown")),
        cell(q.current_began.as_deref().unwrap_or("?")),
        cell(q.next_attempt.as_deref().unwrap_or("?"))
    );
    for (i, s) in q.what_to_do.iter().enumerate() {
        let _ = writeln!(o, "{}. {}", i + 1, crate::text::shown(s));
    }
    o.push('\n');
}

/// The provisioning-log problem table, or why the logs are unavailable.
fn problems(o: &mut String, p: &Problems) {
    if let Some(why) = &p.unavailable {
        let _ = writeln!(o, "Provisioning logs unavailable: {}\n", cell(why));
    } else if !p.groups.is_empty() {
        let _ = writeln!(
            o,
            "| Error code | Status | Entries | Users | Recommended action |\n|---|---|---:|---:|---|"
        );
        for g in &p.groups {
            let _ = writeln!(
                o,
                "| `{}` | {} | {} | {} | {} |",
                code(&g.error_code),
                cell(&g.status),
                g.count,
                g.users,
                cell(&g.recommended_action)
            );
        }
        o.push('\n');
    }
}
