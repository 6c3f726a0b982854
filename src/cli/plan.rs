//! `entraprov plan`: load → validate → observe → diff → render, for one or more manifests.
//!
//! Manifests are observed concurrently and printed in manifest order. `--out` writes the
//! saved plan (mode 0600, no secret values). Exit codes: 0 (no changes, or changes without
//! `--detailed-exitcode`), 1 (any error), 2 (changes, with `--detailed-exitcode`).

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use clap::ValueEnum;

use super::{Exit, GlobalArgs};
use crate::github::DriftState;
use crate::graph::Client;
use crate::manifest::{self, Diagnostic, LoadedManifest, Severity, report};
use crate::observe::{self, ObserveError};
use crate::plan::saved::{SavedEntry, SavedPlan, manifest_digest, observed_fingerprint};
use crate::plan::{self, Plan};
use crate::render::{self, HumanOptions};

/// Arguments of `entraprov plan`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Manifest files or directories (every *.yaml / *.yml with `apiVersion: entraprov/v1`
    /// below a directory). Default: the current directory.
    pub paths: Vec<PathBuf>,
    /// Write the plan to FILE (JSON, mode 0600, no secret values) for `apply --plan FILE`.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Exit 2 when there are changes (0: none, 1: error).
    #[arg(long)]
    pub detailed_exitcode: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    #[command(flatten)]
    pub timeout: super::TimeoutArg,
    /// For each change that can deprovision, list who leaves the scope (reads the assigned
    /// groups' direct members and the users' filtered attributes).
    #[arg(long)]
    pub impact: bool,
}

/// Output formats of `plan`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Terraform-like `+ ~ -` listing.
    Human,
    /// Stable JSON (`format_version` 1).
    Json,
    /// Markdown for a pull-request comment.
    Markdown,
}

/// The plan of one manifest, or why there is none.
struct Outcome {
    plan: Plan,
    /// Only with `--out` (the fingerprint hashes the whole observed state).
    entry: Option<SavedEntry>,
}

/// Runs `entraprov plan`.
pub async fn run(args: Args, global: &GlobalArgs) -> miette::Result<Exit> {
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    // The token is fetched while the manifests load (a setup error waits for validation).
    let client = observe::client_fetching_token(&global.connection_within(args.timeout.or(10)));
    let loaded = manifest::load_paths(&paths);
    let stderr_tty = std::io::stderr().is_terminal();
    let color = super::use_color(global.color, stderr_tty);
    let style = report::HumanStyle {
        color,
        unicode: color,
        width: 100,
    };
    let shown = loaded
        .diagnostics
        .iter()
        .filter(|d| d.severity != Severity::Info);
    print_diagnostics(shown, style);
    if loaded.has_errors() {
        eprintln!("{}", report::summary(&loaded));
        return Ok(Exit::Error);
    }
    let client = client?;
    let wants = Wants {
        impact: args.impact,
        saved: args.out.is_some(),
    };
    let results = observe_all(&client, &loaded.manifests, stderr_tty, wants).await;
    // Markdown is rendered only for GitHub (a broken GitHub environment is reported when
    // publishing, after the plan is shown).
    let publishing = !matches!(crate::github::Context::from_process_env(), Ok(None));
    let done = collect(&loaded.manifests, results, style, publishing);
    let (plans, entries): (Vec<Plan>, Vec<Option<SavedEntry>>) =
        done.outcomes.into_iter().map(|o| (o.plan, o.entry)).unzip();
    write_stdout(&render_plans(&plans, args.format, global));
    publish_to_github(&done.published, args.format == Format::Human).await?;
    if let Some(out) = &args.out
        && !save(out, done.failed, entries)
    {
        return Ok(Exit::Error);
    }
    Ok(if done.failed > 0 {
        Exit::Error
    } else if args.detailed_exitcode && plans.iter().any(|p| !p.is_empty()) {
        Exit::Changes
    } else {
        Exit::Success
    })
}

/// The plans that succeeded, the markdown to publish per manifest (with whether the plan had
/// changes), and the failure count.
struct Collected {
    outcomes: Vec<Outcome>,
    published: Vec<(String, String, DriftState)>,
    failed: usize,
}

/// Sorts results into plans and failures (printed on stderr), in manifest order.
fn collect(
    manifests: &[LoadedManifest],
    results: Vec<Result<Outcome, ObserveError>>,
    style: report::HumanStyle,
    publishing: bool,
) -> Collected {
    let mut done = Collected {
        outcomes: Vec::new(),
        published: Vec::new(),
        failed: 0,
    };
    for (m, result) in manifests.iter().zip(results) {
        let marker = m.file.name.clone();
        match result {
            Ok(o) => {
                if publishing {
                    let markdown = render::markdown::render(std::slice::from_ref(&o.plan));
                    let state = if o.plan.is_empty() {
                        DriftState::InSync
                    } else {
                        DriftState::Drifted
                    };
                    done.published.push((marker, markdown, state));
                }
                done.outcomes.push(o);
            }
            Err(e) => {
                done.failed += 1;
                if publishing {
                    done.published
                        .push((marker, failure_markdown(m, &e), DriftState::Failed));
                }
                print_error(e, style);
            }
        }
    }
    done
}

/// Writes the saved plan unless a manifest failed. `false` when it could not be written.
fn save(out: &Path, failed: usize, entries: Vec<Option<SavedEntry>>) -> bool {
    if failed > 0 {
        eprintln!(
            "error: {failed} manifest(s) could not be planned; {} was not written",
            out.display()
        );
        return true;
    }
    let saved = SavedPlan::new(entries.into_iter().flatten().collect());
    match write_private(out, &saved.to_json()) {
        Ok(()) => true,
        Err(e) => {
            eprintln!("error: cannot write the plan to {}: {e}", out.display());
            false
        }
    }
}

/// Observes and diffs every manifest concurrently; results in manifest order.
async fn observe_all(
    client: &Client,
    manifests: &[LoadedManifest],
    progress: bool,
    wants: Wants,
) -> Vec<Result<Outcome, ObserveError>> {
    let bar = if progress {
        let bar = indicatif::ProgressBar::new_spinner();
        bar.set_message(format!(
            "reading the tenant for {} manifest(s)…",
            manifests.len()
        ));
        bar.enable_steady_tick(std::time::Duration::from_millis(100));
        bar
    } else {
        indicatif::ProgressBar::hidden()
    };
    let futures = manifests.iter().map(|m| {
        let bar = bar.clone();
        async move {
            let r = plan_one(client, m, wants).await;
            bar.println(format!(
                "{} {}",
                if r.is_ok() { "observed" } else { "failed" },
                m.manifest.name
            ));
            r
        }
    });
    let results = futures::future::join_all(futures).await;
    bar.finish_and_clear();
    results
}

/// What a run needs beside each plan.
#[derive(Debug, Clone, Copy)]
struct Wants {
    /// `--impact`.
    impact: bool,
    /// `--out` (the saved-plan entry).
    saved: bool,
}

/// Observe + diff for one manifest.
async fn plan_one(
    client: &Client,
    m: &LoadedManifest,
    wants: Wants,
) -> Result<Outcome, ObserveError> {
    let (desired, observed, cx) = observe::observe(client, m).await?;
    let mut plan = plan::diff(&desired, &observed);
    plan.warnings.extend(cx.warnings);
    if wants.impact
        && let Some(needs) = plan::impact::needs(&desired, &observed, &plan)
    {
        let population = observe::impact::population(client, &needs).await?;
        let delete_means = crate::connector::for_app(&m.manifest.app).delete_means;
        plan.impacts =
            plan::impact::evaluate(&desired, &observed, &plan, &population, delete_means);
    }
    let entry = wants.saved.then(|| SavedEntry {
        manifest: m.file.name.clone(),
        manifest_digest: manifest_digest(m.source().as_bytes()),
        observed_fingerprint: observed_fingerprint(&observed),
        plan: plan.clone(),
    });
    Ok(Outcome { plan, entry })
}

/// Under GitHub Actions (`GITHUB_ACTIONS=true`): each manifest's markdown goes to the job
/// summary and to its own sticky pull-request comment (marker: the manifest path), or, in a
/// drift check (`ENTRAPROV_GITHUB_DRIFT=true`), to its own drift issue.
async fn publish_to_github(
    published: &[(String, String, DriftState)],
    to_stdout: bool,
) -> miette::Result<()> {
    let Some(gh) = crate::github::Context::from_process_env()? else {
        return Ok(());
    };
    for (marker, markdown, state) in published {
        let line = if gh.is_drift_check() {
            Some(gh.publish_drift(marker, markdown, *state).await?)
        } else {
            gh.publish(marker, markdown).await?
        };
        if let Some(line) = line {
            if to_stdout {
                println!("{line}");
            } else {
                eprintln!("{line}");
            }
        }
    }
    Ok(())
}

/// The markdown shown in the summary and the comment when a manifest could not be planned.
/// Error texts never contain secret values.
fn failure_markdown(m: &LoadedManifest, e: &ObserveError) -> String {
    let mut text = format!(
        "### ❌ entraprov could not plan `{}`\n\n```text\n{e}\n",
        m.file.name
    );
    for d in e.diagnostics() {
        let at = d.location().unwrap_or_default();
        text.push_str(&format!("{at}: {} [{}]\n", d.message, d.code));
    }
    text.push_str("```\n");
    text
}

fn render_plans(plans: &[Plan], format: Format, global: &GlobalArgs) -> String {
    match format {
        Format::Json => render::json::render(plans),
        Format::Markdown => render::markdown::render(plans),
        Format::Human => {
            let opts = HumanOptions {
                color: super::use_color(global.color, std::io::stdout().is_terminal()),
            };
            let texts: Vec<String> = plans
                .iter()
                .map(|p| render::human::render(p, opts))
                .collect();
            texts.join("\n")
        }
    }
}

fn print_diagnostics<'a>(diags: impl Iterator<Item = &'a Diagnostic>, style: report::HumanStyle) {
    let mut err = std::io::stderr().lock();
    for d in diags {
        let _ = writeln!(err, "{}", report::render_human(d, style));
    }
}

pub(super) fn print_error(e: ObserveError, style: report::HumanStyle) {
    if !e.diagnostics().is_empty() {
        print_diagnostics(e.diagnostics().iter(), style);
        eprintln!("{}", crate::text::shown(&e.to_string()));
        return;
    }
    eprintln!(
        "{}",
        crate::text::SafeDiagnostic::new(&e).render(style.color)
    );
}

fn write_stdout(text: &str) {
    let mut stdout = std::io::stdout().lock();
    // A closed pipe (`| head`) is not an error of the plan.
    let _ = stdout.write_all(text.as_bytes());
    let _ = stdout.flush();
}

/// Writes `text` to `path` atomically, readable by the owner only (0600).
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    super::write_atomic(path, text, 0o600)
}
