//! Markdown for pull-request comments: the summary first, warnings grouped, the full plan
//! folded in `<details>` as a `diff` block, and the whole comment kept under
//! [`MAX_CHARS`] (GitHub's limit is 65,536) with a truncation note.

use std::collections::BTreeMap;

use crate::plan::change::Plan;

use super::human::body;
use super::{HumanOptions, Painter};

/// Upper bound of the comment length, in characters.
pub const MAX_CHARS: usize = 60_000;

/// Addresses listed per grouped warning before "and N more".
const ADDRESSES_PER_WARNING: usize = 5;

/// Room kept for the truncation note and closing tags.
const RESERVE: usize = 600;

/// Renders one or more plans (manifest order) as one comment.
pub fn render(plans: &[Plan]) -> String {
    let mut out = String::from("## entraprov plan\n\n");
    let heads: Vec<String> = plans.iter().map(head).collect();
    let bodies: Vec<Vec<String>> = plans
        .iter()
        .map(|p| {
            let painter = Painter::new(HumanOptions { color: false });
            body(p, painter).lines().map(dedent).collect()
        })
        .collect();
    let fixed: usize = out.chars().count()
        + heads.iter().map(|h| h.chars().count()).sum::<usize>()
        + plans.len() * 200;
    let full: usize = bodies.iter().flatten().map(|l| l.chars().count() + 1).sum();
    let mut budget = if fixed + full <= MAX_CHARS {
        usize::MAX
    } else {
        MAX_CHARS.saturating_sub(fixed + RESERVE)
    };
    let mut truncated = false;
    for ((plan, head), lines) in plans.iter().zip(&heads).zip(&bodies) {
        out.push_str(head);
        if plan.is_empty() {
            continue;
        }
        let (details, cut) = details(plan, lines, &mut budget);
        truncated |= cut;
        out.push_str(&details);
    }
    if truncated {
        out.push_str(&format!(
            "> **Note:** the plan was truncated to stay under {MAX_CHARS} characters; run \
             `entraprov plan` for the full plan.\n"
        ));
    }
    out
}

/// Summary line and grouped warnings of one plan.
fn head(plan: &Plan) -> String {
    let mut out = format!(
        "### {} ({})\n\n",
        escape(&plan.name),
        escape(&plan.display_name)
    );
    if plan.is_empty() {
        out.push_str(&format!(
            "**No changes.** {} matches the manifest.\n\n",
            escape(&plan.name)
        ));
    } else {
        out.push_str(&format!("**{}**\n\n", plan.summary()));
    }
    out.push_str(&impacts(plan));
    let groups = grouped_warnings(plan);
    if !groups.is_empty() {
        out.push_str("> [!WARNING]\n");
        for (text, addresses) in groups {
            out.push_str(&format!("> - {}", escape(&text)));
            if !addresses.is_empty() {
                let shown: Vec<String> = addresses
                    .iter()
                    .take(ADDRESSES_PER_WARNING)
                    .map(|a| code_span(&crate::text::shown(a)))
                    .collect();
                out.push_str(&format!(" — {}", shown.join(", ")));
                if addresses.len() > ADDRESSES_PER_WARNING {
                    let more = addresses.len() - ADDRESSES_PER_WARNING;
                    out.push_str(&format!(" and {more} more"));
                }
            }
            out.push('\n');
        }
        out.push('\n');
    }
    out
}

/// `plan --impact`: who leaves the scope, per change.
fn impacts(plan: &Plan) -> String {
    let mut out = String::new();
    for c in &plan.changes {
        if let Some(i) = super::impact::of(plan, c) {
            let line = escape(&super::impact::line(i));
            out.push_str(&format!("- {} {line}\n", code_span(&c.address.to_string())));
        }
    }
    if out.is_empty() {
        return out;
    }
    format!("**Who leaves the scope**\n\n{out}\n")
}

/// Warnings grouped by text (plan-level ones have no address), in first-seen order.
fn grouped_warnings(plan: &Plan) -> Vec<(String, Vec<String>)> {
    let mut order: Vec<String> = Vec::new();
    let mut map: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for w in &plan.warnings {
        if !map.contains_key(w) {
            order.push(w.clone());
        }
        map.entry(w.clone()).or_default();
    }
    for c in &plan.changes {
        for w in &c.warnings {
            if !map.contains_key(w) {
                order.push(w.clone());
            }
            map.entry(w.clone())
                .or_default()
                .push(c.address.to_string());
        }
    }
    order
        .into_iter()
        .map(|w| {
            let addresses = map.remove(&w).unwrap_or_default();
            (w, addresses)
        })
        .collect()
}

/// The folded `diff` block, cut to `budget` characters (decremented).
fn details(plan: &Plan, lines: &[String], budget: &mut usize) -> (String, bool) {
    let mut shown = Vec::new();
    for l in lines {
        let cost = l.chars().count() + 1;
        if cost > *budget {
            break;
        }
        *budget -= cost;
        shown.push(l.as_str());
    }
    let hidden = lines.len() - shown.len();
    let mut block = shown.join("\n");
    if hidden > 0 {
        block.push_str(&format!("\n… {hidden} more lines not shown"));
    }
    let fence = fence_for(&block);
    let n = plan.changes.len();
    let noun = if n == 1 { "change" } else { "changes" };
    let out = format!(
        "<details><summary>Show {n} {noun} to {}</summary>\n\n{fence}diff\n{block}\n{fence}\n\n</details>\n\n",
        escape(&plan.name)
    );
    (out, hidden > 0)
}

/// Lines of the human body start with two spaces; a diff block wants `+`/`-` in column 0.
fn dedent(line: &str) -> String {
    line.strip_prefix("  ").unwrap_or(line).to_owned()
}

/// A code fence longer than any backtick run in `text`.
fn fence_for(text: &str) -> String {
    let mut longest = 0;
    let mut run = 0;
    for c in text.chars() {
        if c == '`' {
            run += 1;
            longest = longest.max(run);
        } else {
            run = 0;
        }
    }
    "`".repeat((longest + 1).max(3))
}

/// An inline code span that survives backticks in the text.
fn code_span(text: &str) -> String {
    if text.contains('`') {
        format!("`` {text} ``")
    } else {
        format!("`{text}`")
    }
}

/// Makes untrusted text safe ([`crate::text::shown`]), then escapes characters markdown or
/// HTML would interpret.
pub(crate) fn escape(text: &str) -> String {
    let text = crate::text::shown(text);
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '#' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}
