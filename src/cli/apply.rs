//! `entraprov apply`: plan (or read a saved plan), show it, ask, execute, report, check.
//!
//! - `apply [PATH…]`: observes and diffs every manifest, prints the plans, asks "Apply these
//!   changes?" on a TTY (only `yes` is accepted); without a TTY it needs `--auto-approve`.
//! - `apply --plan FILE`: re-reads each manifest and the tenant; a stale plan (manifest or
//!   live configuration changed) is refused with exit 1 before any write. A saved plan is
//!   not asked about again: it was reviewed when it was made.
//! - Progress goes to stderr: a bar with done / total, pace and ETA on a TTY, a plain line
//!   every 10 s otherwise (`progress.rs`); the report (done / failed / skipped, then the
//!   convergence check) to stdout; under GitHub Actions also to the job summary.
//! - Ctrl-C lets the request in flight finish, stops, and reports what was done.
//!
//! Exit 0 when everything was applied and converged, 1 otherwise.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::sync::Mutex;

use indicatif::{ProgressBar, ProgressStyle};

use super::{Exit, GlobalArgs};
use crate::apply::flow::{self, Planned};
use crate::apply::{ApplyOptions, Progress, StopFlag};
use crate::graph::Client;
use crate::graph::auth::Env;
use crate::manifest::{self, LoadedManifest, Severity, report};
use crate::observe;
use crate::plan::ApplyReport;
use crate::plan::saved::{SavedPlan, manifest_digest, observed_fingerprint};
use crate::render::{self, HumanOptions};

/// Arguments of `entraprov apply`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Manifest files or directories. Default: the current directory.
    #[arg(conflicts_with = "plan")]
    pub paths: Vec<PathBuf>,
    /// Apply without asking (required when stdin is not a terminal, e.g. in CI, unless a
    /// saved plan is given).
    #[arg(long)]
    pub auto_approve: bool,
    /// Apply a plan saved with `entraprov plan --out FILE` (refused when stale).
    #[arg(long, value_name = "FILE")]
    pub plan: Option<PathBuf>,
    #[command(flatten)]
    pub timeout: super::TimeoutArg,
}

/// The question asked before applying.
pub const PROMPT: &str = "Apply these changes? Only 'yes' will be accepted: ";

/// Runs `entraprov apply`.
pub async fn run(args: Args, global: &GlobalArgs) -> miette::Result<Exit> {
    let color = super::use_color(global.color, std::io::stdout().is_terminal());
    let style = report::HumanStyle {
        color: super::use_color(global.color, std::io::stderr().is_terminal()),
        unicode: color,
        width: 100,
    };
    let saved = match &args.plan {
        Some(path) => {
            let text = crate::files::read_regular_string(path).map_err(|e| {
                miette::miette!(code = "E0601", "cannot read {}: {e}", path.display())
            })?;
            Some(SavedPlan::from_json(&text, &path.display().to_string())?)
        }
        None => None,
    };
    let paths: Vec<PathBuf> = match (&saved, args.paths.is_empty()) {
        (Some(s), _) => s
            .entries
            .iter()
            .map(|e| PathBuf::from(&e.manifest))
            .collect(),
        (None, true) => vec![PathBuf::from(".")],
        (None, false) => args.paths.clone(),
    };
    // The token is fetched while the manifests load (a setup error waits for validation).
    let client = observe::client_fetching_token(&global.connection_within(args.timeout.or(30)));
    let loaded = manifest::load_paths(&paths);
    for d in loaded
        .diagnostics
        .iter()
        .filter(|d| d.severity != Severity::Info)
    {
        eprintln!("{}", report::render_human(d, style));
    }
    if loaded.has_errors() {
        eprintln!("{}", report::summary(&loaded));
        return Ok(Exit::Error);
    }
    let client = client?;
    let env = Env::from_process();
    let mut planned = Vec::new();
    for m in &loaded.manifests {
        match flow::plan_manifest(&client, m, &env).await {
            Ok(p) => planned.push(p),
            Err(e) => {
                super::plan::print_error(e, style);
                return Ok(Exit::Error);
            }
        }
    }
    if let Some(saved) = &saved {
        use_saved_plans(saved, &loaded.manifests, &mut planned)?;
    }
    let human = HumanOptions { color };
    let mut out = String::new();
    for p in &planned {
        out.push_str(&render::human::render(&p.plan, human));
        out.push('\n');
    }
    print(&out);
    if planned.iter().all(|p| p.plan.is_empty()) {
        return Ok(Exit::Success);
    }
    // A saved plan was reviewed when it was made (as with `terraform apply PLANFILE`).
    if !args.auto_approve && saved.is_none() && !approved().await? {
        eprintln!("Apply cancelled: nothing was changed.");
        return Ok(Exit::Error);
    }
    apply_all(&client, &loaded.manifests, &env, &planned, human).await
}

/// Replaces the fresh plans by the saved ones after checking that nothing changed.
fn use_saved_plans(
    saved: &SavedPlan,
    manifests: &[LoadedManifest],
    planned: &mut [Planned],
) -> miette::Result<()> {
    if saved.entries.len() != manifests.len() {
        return Err(crate::plan::saved::StalePlan {
            manifest: String::new(),
            reason: format!(
                "the plan covers {} manifest(s), {} loaded now",
                saved.entries.len(),
                manifests.len()
            ),
        }
        .into());
    }
    for ((entry, m), p) in saved.entries.iter().zip(manifests).zip(planned.iter_mut()) {
        entry.check_fresh(
            &manifest_digest(m.source().as_bytes()),
            &observed_fingerprint(&p.observed),
        )?;
        p.plan = entry.plan.clone();
    }
    Ok(())
}

/// Asks on the terminal; refuses without one.
async fn approved() -> miette::Result<bool> {
    if !std::io::stdin().is_terminal() {
        return Err(miette::miette!(
            code = "E0602",
            help = "review the plan above, then run again with --auto-approve (as CI does)",
            "refusing to apply without confirmation: stdin is not a terminal"
        ));
    }
    eprint!("\n{PROMPT}");
    let _ = std::io::stderr().flush();
    let answer = tokio::task::spawn_blocking(|| {
        let mut line = String::new();
        std::io::stdin().read_line(&mut line).map(|_| line)
    })
    .await
    .map_err(|e| miette::miette!("cannot read the answer: {e}"))?
    .map_err(|e| miette::miette!("cannot read the answer: {e}"))?;
    Ok(answer.trim() == "yes")
}

async fn apply_all(
    client: &Client,
    manifests: &[LoadedManifest],
    env: &Env,
    planned: &[Planned],
    human: HumanOptions,
) -> miette::Result<Exit> {
    let stop = StopFlag::new();
    let watcher = stop.clone();
    let ctrl_c = tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            watcher.stop();
            eprintln!("\nCtrl-C: finishing the request in flight, then stopping…");
        }
    });
    let tty = std::io::stderr().is_terminal();
    let bars = TtyProgress::default();
    let lines = (!tty).then(super::progress::LineProgress::stderr);
    let progress: &dyn Progress = match &lines {
        Some(l) => l,
        None => &bars,
    };
    let opts = ApplyOptions::default();
    let mut ok = true;
    let mut summary = String::new();
    for (m, p) in manifests.iter().zip(planned) {
        if p.plan.is_empty() || stop.is_set() {
            continue;
        }
        let report = flow::apply_and_check(
            flow::Session {
                client,
                loaded: m,
                env,
            },
            p,
            &opts,
            progress,
            &stop,
        )
        .await;
        bars.clear();
        ok &= report.succeeded();
        print(&format!("\n{}", render::report::human(&report, human)));
        summary.push_str(&summary_markdown(&m.file.name, &report));
    }
    ctrl_c.abort();
    if let Some(gh) = crate::github::Context::from_process_env()? {
        gh.write_summary(&summary)?;
    }
    Ok(if ok { Exit::Success } else { Exit::Error })
}

/// The job-summary section of one report.
fn summary_markdown(file: &str, report: &ApplyReport) -> String {
    let s = report.summary();
    let icon = if report.succeeded() { "✅" } else { "❌" };
    format!(
        "### {icon} entraprov apply `{file}`: {} done, {} failed, {} skipped\n\n```text\n{}```\n\n",
        s.done,
        s.failed,
        s.skipped,
        render::report::human(report, HumanOptions::default())
    )
}

fn print(text: &str) {
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(text.as_bytes());
    let _ = stdout.flush();
}

/// Progress on stderr: a line per step, with counts for batched assignments.
#[derive(Default)]
struct TtyProgress {
    bar: Mutex<Option<ProgressBar>>,
}

impl TtyProgress {
    fn with(&self, f: impl FnOnce(&mut Option<ProgressBar>)) {
        if let Ok(mut b) = self.bar.lock() {
            f(&mut b);
        }
    }

    fn clear(&self) {
        self.with(|b| {
            if let Some(bar) = b.take() {
                bar.finish_and_clear();
            }
        });
    }
}

impl Progress for TtyProgress {
    fn step(&self, label: &str, total: usize) {
        self.with(|b| {
            if let Some(bar) = b.take() {
                bar.finish();
            }
            let bar = if total > 1 {
                let bar = ProgressBar::new(total as u64);
                let template = "{spinner} {msg} [{bar:30}] {pos}/{len} {per_sec} ETA {eta}";
                if let Ok(style) = ProgressStyle::with_template(template) {
                    bar.set_style(style);
                }
                bar
            } else {
                ProgressBar::new_spinner()
            };
            bar.set_message(label.to_owned());
            bar.enable_steady_tick(std::time::Duration::from_millis(120));
            *b = Some(bar);
        });
    }

    fn advance(&self, n: usize) {
        self.with(|b| {
            if let Some(bar) = b {
                bar.inc(n as u64);
            }
        });
    }

    fn note(&self, text: &str) {
        self.with(|b| match b {
            Some(bar) => bar.println(format!("  {text}")),
            None => eprintln!("  {text}"),
        });
    }

    fn finish_step(&self) {
        self.with(|b| {
            if let Some(bar) = b.take() {
                bar.finish();
            }
        });
    }
}
