//! Human output of `status` (colour only when asked; the CLI decides from the TTY and
//! `NO_COLOR`).

use std::fmt::Write;

use anstyle::{AnsiColor, Style};

use super::time::human_duration;
use super::{AppStatus, ExecutionView, Health, JobView, Problems, ProgressView, QuarantineView};
use crate::text::shown;

fn paint(text: &str, style: Style, color: bool) -> String {
    if color {
        format!("{style}{text}{style:#}")
    } else {
        text.to_owned()
    }
}

fn health_style(h: Health) -> Style {
    let c = match h {
        Health::Healthy => AnsiColor::Green,
        Health::Degraded | Health::InProgress | Health::Paused | Health::Disabled => {
            AnsiColor::Yellow
        }
        Health::Quarantined | Health::Failed | Health::NotFound => AnsiColor::Red,
    };
    Style::new().fg_color(Some(c.into())).bold()
}

/// Renders every app, separated by a blank line.
pub fn render(apps: &[AppStatus], color: bool) -> String {
    let parts: Vec<String> = apps.iter().map(|a| render_one(a, color)).collect();
    parts.join("\n")
}

/// Renders one app.
pub fn render_one(a: &AppStatus, color: bool) -> String {
    let mut o = String::new();
    let label = paint(a.health.label(), health_style(a.health), color);
    let _ = writeln!(
        o,
        "{} ({}): {label}",
        shown(&a.name),
        shown(&a.display_name)
    );
    if let Some(j) = &a.job {
        job(&mut o, j);
    }
    if let Some(q) = &a.quarantine {
        quarantine(&mut o, q);
    }
    problems(&mut o, &a.problems, a.job.is_some());
    for n in &a.notes {
        let _ = writeln!(o, "  note: {}", shown(n));
    }
    o
}

/// One `key value` line; the value (built from Graph's fields) is made safe whole.
fn row(o: &mut String, key: &str, value: impl std::fmt::Display) {
    let value = value.to_string();
    let _ = writeln!(o, "  {key:<14}{}", shown(&value));
}

fn job(o: &mut String, j: &JobView) {
    row(o, "job", &j.id);
    let interval = j.interval_text.as_deref().unwrap_or("unknown");
    row(o, "state", format!("{} ({interval})", j.state));
    if let Some(p) = &j.progress {
        row(o, "progress", progress(p));
    }
    last_cycle(o, j);
    let last_ok = match &j.last_successful_execution {
        Some(e) => format!(
            "{} ({})",
            e.ended.as_deref().unwrap_or("?"),
            e.state.as_deref().unwrap_or("?")
        ),
        None => "never".into(),
    };
    row(o, "last success", last_ok);
    row(o, "steady state", steady_state(j));
    if !j.counts.is_empty() {
        let counts: Vec<String> = j
            .counts
            .iter()
            .map(|c| format!("{} {}", c.object_type, c.count))
            .collect();
        row(o, "objects", counts.join(" · "));
    }
    if j.successive_failures > 0 {
        row(
            o,
            "failures",
            format!("{} cycle(s) in a row", j.successive_failures),
        );
    }
}

/// "initial cycle 3/10 users (30%)".
fn progress(p: &ProgressView) -> String {
    let pct = if p.total > 0 {
        p.completed * 100 / p.total
    } else {
        0
    };
    format!(
        "initial cycle {}/{} {} ({pct}%)",
        p.completed,
        p.total,
        p.units.as_deref().unwrap_or("objects").to_lowercase()
    )
}

/// The last cycle's row and, when it failed, its error.
fn last_cycle(o: &mut String, j: &JobView) {
    match &j.last_execution {
        Some(e) => row(o, "last cycle", execution(e)),
        None => row(o, "last cycle", "none yet"),
    }
    if let Some(e) = &j.last_execution
        && let Some(err) = &e.error
    {
        row(
            o,
            "",
            format!(
                "error {}: {}",
                err.code.as_deref().unwrap_or("?"),
                err.message.as_deref().unwrap_or("")
            ),
        );
    }
}

/// Whether and when the job reached steady state.
fn steady_state(j: &JobView) -> String {
    match (
        &j.steady_state_first_achieved,
        &j.steady_state_last_achieved,
    ) {
        (Some(first), Some(last)) if j.steady_state => format!("reached {first} (last {last})"),
        (_, Some(last)) => format!("not now (last reached {last})"),
        _ => "not reached yet".into(),
    }
}

fn execution(e: &ExecutionView) -> String {
    let n = |v: Option<i64>| v.map_or("?".to_owned(), |v| v.to_string());
    let dur = e
        .duration_seconds
        .map(|d| format!(" ({})", human_duration(d)))
        .unwrap_or_default();
    format!(
        "{}, {} → {}{dur}: imported {}, exported {}, escrowed {}",
        e.state.as_deref().unwrap_or("?"),
        e.began.as_deref().unwrap_or("?"),
        e.ended.as_deref().unwrap_or("?"),
        n(e.imported),
        n(e.exported),
        n(e.escrowed),
    )
}

fn quarantine(o: &mut String, q: &QuarantineView) {
    let reason = q.reason.as_deref().unwrap_or("Unknown");
    row(
        o,
        "quarantine",
        format!(
            "{reason} since {}",
            q.current_began.as_deref().unwrap_or("?")
        ),
    );
    let series = q
        .series_count
        .map(|c| format!(", {c} in a row"))
        .unwrap_or_default();
    row(
        o,
        "",
        format!(
            "series began {}{series}; next attempt {}",
            q.series_began.as_deref().unwrap_or("?"),
            q.next_attempt.as_deref().unwrap_or("?")
        ),
    );
    if let Some(e) = &q.error {
        row(
            o,
            "",
            format!(
                "error {}: {}",
                e.code.as_deref().unwrap_or("?"),
                e.message.as_deref().unwrap_or("")
            ),
        );
    }
    let _ = writeln!(o, "  what to do:");
    for (i, step) in q.what_to_do.iter().enumerate() {
        let _ = writeln!(o, "    {}. {}", i + 1, shown(step));
    }
}

fn problems(o: &mut String, p: &Problems, has_job: bool) {
    if let Some(why) = &p.unavailable {
        let _ = writeln!(o, "  provisioning logs unavailable: {}", shown(why));
        return;
    }
    let Some(since) = &p.since else {
        if has_job {
            let _ = writeln!(o, "  provisioning logs not read");
        }
        return;
    };
    let more = if p.truncated {
        " (stopped at the read limit)"
    } else {
        ""
    };
    if p.groups.is_empty() {
        let _ = writeln!(
            o,
            "  recent problems: none since {} ({} entries read{more})",
            shown(since),
            p.entries_read
        );
        return;
    }
    let total: usize = p.groups.iter().map(|g| g.count).sum();
    let _ = writeln!(
        o,
        "  recent problems since {}: {total} of {} entries{more}",
        shown(since),
        p.entries_read
    );
    for g in &p.groups {
        let users = if g.users == 1 {
            "1 user".to_owned()
        } else {
            format!("{} users", g.users)
        };
        let _ = writeln!(
            o,
            "    {} ({}) ×{} ({users})",
            shown(&g.error_code),
            shown(&g.status),
            g.count
        );
        let _ = writeln!(o, "      do: {}", shown(&g.recommended_action));
        for e in &g.entries {
            let _ = writeln!(
                o,
                "      - {} {} at {}: {}",
                shown(&e.user),
                shown(&e.action),
                shown(e.time.as_deref().unwrap_or("?")),
                shown(e.reason.as_deref().unwrap_or(""))
            );
        }
        if g.users > g.entries.len() {
            let _ = writeln!(o, "      … and {} more user(s)", g.users - g.entries.len());
        }
    }
}
