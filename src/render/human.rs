//! Human plan output, Terraform-like (DESIGN.md §4):
//!
//! ```text
//! entraprov will make these changes to keeper-prod (Keeper (prod), tenant 72f988bf…):
//!
//!   + app                          from gallery "Keeper Password Manager & Digital Vault"
//!   ~ credentials
//!       tenantUrl: https://…/111 → …/222
//!       region:    Keeper US (keepersecurity.com), node 222
//!
//! Plan: 1 to add, 1 to change, 0 to remove.
//! ```

use crate::plan::change::{Action, Address, Change, Plan};

use super::value::field_text;
use super::{BOLD, DIM, GREEN, HumanOptions, Painter, RED, YELLOW};
use crate::text::shown;

/// Label of the note line naming the tenant URL's data centre under `credentials`.
const REGION: &str = "region";

/// Widest address column before notes stop being aligned.
const MAX_ADDRESS_COLUMN: usize = 48;

/// Renders a plan for a terminal. Ends with a newline.
pub fn render(plan: &Plan, opts: HumanOptions) -> String {
    let p = Painter::new(opts);
    if plan.is_empty() {
        let mut out = no_changes_line(plan, p);
        for w in &plan.warnings {
            out.push_str(&warning_line("", w, p));
        }
        return out;
    }
    let mut out = header(plan, p);
    out.push_str("\n\n");
    out.push_str(&body(plan, p));
    if !plan.warnings.is_empty() {
        out.push('\n');
        for w in &plan.warnings {
            out.push_str(&warning_line("", w, p));
        }
    }
    out.push('\n');
    out.push_str(&p.paint(BOLD, &plan.summary().to_string()));
    out.push('\n');
    out
}

/// `No changes. <name> matches the manifest.`
pub fn no_changes(plan: &Plan, opts: HumanOptions) -> String {
    no_changes_line(plan, Painter::new(opts))
}

fn no_changes_line(plan: &Plan, p: Painter) -> String {
    let text = format!("No changes. {} matches the manifest.", shown(&plan.name));
    format!("{}\n", p.paint(GREEN, &text))
}

fn header(plan: &Plan, p: Painter) -> String {
    let tenant = plan
        .tenant_id
        .as_ref()
        .map(|t| {
            let s = shown(t.as_str());
            let short: String = s.chars().take(8).collect();
            if short.len() < s.len() {
                format!(", tenant {short}…")
            } else {
                format!(", tenant {s}")
            }
        })
        .unwrap_or_default();
    let text = format!(
        "entraprov will make these changes to {} ({}{tenant}):",
        shown(&plan.name),
        shown(&plan.display_name)
    );
    p.paint(BOLD, &text)
}

/// The change lines only (no header or summary), each line indented by two spaces.
pub(crate) fn body(plan: &Plan, p: Painter) -> String {
    let width = plan
        .changes
        .iter()
        .filter(|c| c.note.is_some())
        .map(|c| shown(&c.address.to_string()).chars().count())
        .filter(|w| *w <= MAX_ADDRESS_COLUMN)
        .max()
        .unwrap_or(0);
    let mut out = String::new();
    for c in &plan.changes {
        out.push_str(&change_lines(c, width, p));
        if let Some(i) = super::impact::of(plan, c) {
            out.push_str(&format!(
                "      {} {}\n",
                p.paint(YELLOW, "⇒"),
                super::impact::line(i)
            ));
        }
    }
    out
}

fn action_style(a: Action) -> anstyle::Style {
    match a {
        Action::Create => GREEN,
        Action::Update => YELLOW,
        Action::Delete => RED,
    }
}

fn change_lines(c: &Change, width: usize, p: Painter) -> String {
    let style = action_style(c.action);
    let address = shown(&c.address.to_string()).into_owned();
    let head = p.paint(style, &format!("{} {address}", c.action.symbol()));
    if c.address == Address::State {
        return state_line(c, &head, p);
    }
    let mut out = format!("  {head}");
    if let Some(note) = &c.note {
        let pad = width.saturating_sub(address.chars().count()) + 2;
        let note = if c.action == Action::Delete {
            format!("({})", shown(note))
        } else {
            shown(note).into_owned()
        };
        out.push_str(&" ".repeat(pad));
        out.push_str(&p.paint(DIM, &note));
    }
    out.push('\n');
    let name_width = c.fields.iter().map(|f| f.name.len()).max().unwrap_or(0);
    for f in &c.fields {
        let text = field_text(c.action, f, p);
        if f.name == "clauses" {
            out.push_str(&format!("      {text}\n"));
        } else {
            let pad = " ".repeat(name_width - f.name.len());
            out.push_str(&format!("      {}:{pad} {text}\n", shown(&f.name)));
        }
    }
    if let Some(region) = c.region() {
        let pad = " ".repeat(name_width.saturating_sub(REGION.len()));
        out.push_str(&format!(
            "      {REGION}:{pad} {}\n",
            p.paint(DIM, &shown(region))
        ));
    }
    for w in &c.warnings {
        out.push_str(&warning_line("    ", w, p));
    }
    out
}

/// `~ state   Off → On (start provisioning; …)`
fn state_line(c: &Change, head: &str, p: Painter) -> String {
    let mut out = format!("  {head}  ");
    if let Some(f) = c.fields.first() {
        out.push_str(&field_text(c.action, f, p));
    }
    if let Some(note) = &c.note {
        out.push_str(&format!(" ({})", shown(note)));
    }
    out.push('\n');
    for w in &c.warnings {
        out.push_str(&warning_line("    ", w, p));
    }
    out
}

fn warning_line(indent: &str, text: &str, p: Painter) -> String {
    format!(
        "{indent}  {} {}\n",
        p.paint(YELLOW, "! warning:"),
        shown(text)
    )
}
