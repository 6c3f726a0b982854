//! `entraprov status`: is provisioning healthy? Per manifest: the job's state, schedule,
//! last and last successful cycle, steady state, object counts, quarantine with what to do,
//! and the recent failed or skipped provisioning log entries grouped by error code.
//!
//! Exit codes: 0 healthy (also: initial cycle running, paused, not started), 3 quarantined or
//! the last cycle failed, 1 error (bad manifest, app or job not found, Graph failure).
//! `--watch` refreshes until every job reaches steady state (or stops progressing) or Ctrl-C:
//! progress bars on a TTY, plain lines on stderr otherwise; then prints the full status.
//! Under GitHub Actions the markdown status also goes to the job summary, with the step
//! outputs `healthy` and `exit-code`.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::time::Duration;

use clap::ValueEnum;

use super::{Exit, GlobalArgs};
use crate::graph::{Client, GraphError};
use crate::manifest::{self, LoadedManifest, Severity, report};
use crate::observe;
use crate::status::read::{self, ReadOptions};
use crate::status::{self, AppStatus, Health, evaluate::evaluate, time::parse_since};

/// Arguments of `entraprov status`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Manifest files or directories. Default: the current directory.
    pub paths: Vec<PathBuf>,
    /// Refresh during the initial cycle until steady state (or Ctrl-C), then print the status.
    #[arg(long)]
    pub watch: bool,
    /// How far back to read the provisioning logs, e.g. 30m, 24h, 7d.
    #[arg(long, value_name = "DURATION", default_value = "24h", value_parser = parse_since)]
    pub since: Duration,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Refresh interval of --watch, e.g. 10s.
    #[arg(long, value_name = "DURATION", default_value = "10s", value_parser = parse_since)]
    pub interval: Duration,
    /// Page size ($top) when reading the provisioning logs.
    #[arg(long, value_name = "N", default_value_t = 100, value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub log_page_size: u32,
    #[command(flatten)]
    pub timeout: super::TimeoutArg,
}

/// Output formats of `status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Readable report.
    Human,
    /// Stable JSON (`format_version` 1).
    Json,
    /// Markdown (job summaries, issues).
    Markdown,
}

/// Runs `entraprov status`.
pub async fn run(args: Args, global: &GlobalArgs) -> miette::Result<Exit> {
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let loaded = manifest::load_paths(&paths);
    let tty = std::io::stderr().is_terminal();
    let style = report::HumanStyle {
        color: super::use_color(global.color, tty),
        unicode: super::use_color(global.color, tty),
        width: 100,
    };
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
    let client = observe::client(&global.connection_within(args.timeout.or(10)))?;
    let graph = client.endpoints().graph_base().to_owned();
    let opts = ReadOptions {
        since_secs: args.since.as_secs(),
        page_size: args.log_page_size,
        ..ReadOptions::default()
    };
    if args.watch {
        watch(&client, &loaded.manifests, &graph, args.interval, tty).await;
    }
    let results = read_all(&client, &loaded.manifests, &opts, &graph).await;
    let (apps, exit) = collect(&loaded.manifests, results);
    write_stdout(&render(&apps, args.format, global));
    publish_to_github(&apps, exit)?;
    Ok(exit)
}

/// The statuses that could be read, and the exit code (Graph failures are reported here).
fn collect(
    manifests: &[LoadedManifest],
    results: Vec<Result<AppStatus, GraphError>>,
) -> (Vec<AppStatus>, Exit) {
    let mut exit = Exit::Success;
    let mut apps = Vec::new();
    for (m, r) in manifests.iter().zip(results) {
        match r {
            Ok(a) => {
                exit = worst(exit, Exit::from(a.health));
                apps.push(a);
            }
            Err(e) => {
                exit = Exit::Error;
                eprintln!(
                    "error: the status of {} ({}) could not be read:\n{}",
                    crate::text::shown(&m.manifest.name),
                    crate::text::shown(&m.file.name),
                    crate::text::SafeDiagnostic::new(&e).render(false)
                );
            }
        }
    }
    (apps, exit)
}

fn render(apps: &[AppStatus], format: Format, global: &GlobalArgs) -> String {
    match format {
        Format::Json => status::json::render(apps),
        Format::Markdown => status::markdown::render(apps),
        Format::Human => status::human::render(
            apps,
            super::use_color(global.color, std::io::stdout().is_terminal()),
        ),
    }
}

fn write_stdout(text: &str) {
    let mut out = std::io::stdout().lock();
    // A closed pipe (`| head`) is not an error of the status.
    let _ = out.write_all(text.as_bytes());
    let _ = out.flush();
}

/// Under GitHub Actions: the markdown status goes to the job summary, and the step gets
/// the outputs `healthy` (`true`/`false`) and `exit-code`.
fn publish_to_github(apps: &[AppStatus], exit: Exit) -> miette::Result<()> {
    let Some(gh) = crate::github::Context::from_process_env()? else {
        return Ok(());
    };
    gh.write_summary(&status::markdown::render(apps))?;
    let healthy = if exit == Exit::Success {
        "true"
    } else {
        "false"
    };
    let code = (exit as u8).to_string();
    gh.write_outputs(&[("healthy", healthy), ("exit-code", &code)])?;
    Ok(())
}

/// Error (1) wins over unhealthy (3), which wins over success (0).
impl From<Health> for Exit {
    /// Exit code for CI: 3 when quarantined or the last cycle failed, 1 when there is
    /// nothing to evaluate, 0 otherwise.
    fn from(health: Health) -> Exit {
        match health {
            Health::Quarantined | Health::Failed => Exit::Unhealthy,
            Health::NotFound => Exit::Error,
            _ => Exit::Success,
        }
    }
}

fn worst(a: Exit, b: Exit) -> Exit {
    let rank = |e: Exit| match e {
        Exit::Error => 3,
        Exit::Unhealthy => 2,
        Exit::Changes => 1,
        Exit::Success => 0,
    };
    if rank(b) > rank(a) { b } else { a }
}

/// Reads and evaluates every manifest concurrently; results in manifest order.
async fn read_all(
    client: &Client,
    manifests: &[LoadedManifest],
    opts: &ReadOptions,
    graph: &str,
) -> Vec<Result<AppStatus, GraphError>> {
    let futures = manifests.iter().map(|m| async move {
        let live = read::read(client, m, opts).await?;
        Ok(evaluate(m, &live, graph))
    });
    futures::future::join_all(futures).await
}

/// Refreshes until no job is in its initial cycle any more, or Ctrl-C.
async fn watch(
    client: &Client,
    manifests: &[LoadedManifest],
    graph: &str,
    interval: Duration,
    tty: bool,
) {
    let opts = ReadOptions {
        logs: false,
        ..ReadOptions::default()
    };
    let mut display = crate::status::watch::Display::new(tty, manifests.len());
    // Installed before the first line is shown: a Ctrl-C from then on is ours.
    let mut ctrl_c = Interrupt::install();
    loop {
        let results = read_all(client, manifests, &opts, graph).await;
        let running = display.update(&results);
        if !running {
            break;
        }
        tokio::select! {
            _ = tokio::time::sleep(interval) => {}
            _ = ctrl_c.wait() => {
                display.interrupted();
                break;
            }
        }
    }
    display.finish();
}

/// Ctrl-C (SIGINT), with the handler installed when created (not at the first poll).
struct Interrupt {
    #[cfg(unix)]
    signal: Option<tokio::signal::unix::Signal>,
}

impl Interrupt {
    fn install() -> Self {
        Self {
            #[cfg(unix)]
            signal: tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt()).ok(),
        }
    }

    async fn wait(&mut self) {
        #[cfg(unix)]
        if let Some(s) = self.signal.as_mut() {
            s.recv().await;
            return;
        }
        let _ = tokio::signal::ctrl_c().await;
    }
}

#[cfg(test)]
mod tests {
    use super::{Exit, Health};

    #[test]
    fn health_maps_to_exit_codes() {
        assert_eq!(Exit::from(Health::Quarantined) as u8, 3);
        assert_eq!(Exit::from(Health::Failed) as u8, 3);
        assert_eq!(Exit::from(Health::Degraded) as u8, 0);
        assert_eq!(Exit::from(Health::NotFound) as u8, 1);
    }
}
