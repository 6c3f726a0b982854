//! Command-line interface: argument parsing (clap derive) and dispatch.
//! One file per subcommand; each exposes `Args` and `run`.

pub mod apply;
pub mod demo;
pub mod expr;
pub mod import;
pub mod init;
pub mod lsp;
pub mod plan;
pub mod preview;
pub mod progress;
pub mod provision_on_demand;
pub mod schema;
pub mod sim;
pub mod status;
pub mod test_connection;
pub mod validate;

use clap::{Args as ClapArgs, Parser, Subcommand, ValueEnum};

use crate::graph::{Cloud, ConnectionSettings};

/// Process exit status, Terraform's conventions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    /// Success, or no changes.
    Success = 0,
    /// An error (also used when a manifest has errors, and for every usage error).
    Error = 1,
    /// Changes present (`plan --detailed-exitcode`).
    Changes = 2,
    /// `status`: quarantined or the last cycle failed.
    Unhealthy = 3,
}

impl From<Exit> for std::process::ExitCode {
    fn from(e: Exit) -> Self {
        std::process::ExitCode::from(e as u8)
    }
}

/// entraprov manages Microsoft Entra ID automatic user provisioning as code.
///
/// Describe an enterprise app (gallery app, assignments, SCIM target, mappings, scoping
/// filters) in one YAML manifest; entraprov validates it, shows the difference from the live
/// tenant as a plan and applies it.
#[derive(Debug, Parser)]
#[command(
    name = "entraprov",
    version,
    propagate_version = true,
    max_term_width = 100
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// Options shared by every subcommand.
#[derive(Debug, Clone, ClapArgs)]
pub struct GlobalArgs {
    /// More log output on stderr (-v: which credential and requests, -vv: debug, -vvv: trace).
    /// Secrets are never logged at any level.
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    pub verbose: u8,
    /// When to colour output.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, global = true)]
    pub color: ColorChoice,
    /// National cloud: sets the authority and Graph hosts.
    #[arg(long, value_enum, env = "ENTRAPROV_CLOUD", global = true)]
    pub cloud: Option<Cloud>,
    /// Microsoft Graph base URL (default https://graph.microsoft.com, or the cloud's).
    #[arg(long, env = "ENTRAPROV_GRAPH_URL", global = true)]
    pub graph_url: Option<String>,
    /// Entra authority URL (default https://login.microsoftonline.com, or the cloud's).
    #[arg(long, env = "ENTRAPROV_AUTHORITY_URL", global = true)]
    pub authority_url: Option<String>,
    /// The Graph endpoint's throttling windows are K times shorter: a simulator started
    /// with `sim serve --throttle … --time-scale K` exports it, so the client paces to the
    /// simulator's budget. Hidden: Microsoft Graph is always 1.
    #[arg(long, env = "ENTRAPROV_GRAPH_TIME_SCALE", global = true, hide = true,
          value_name = "K", value_parser = positive_scale)]
    pub graph_time_scale: Option<f64>,
}

/// A positive, finite time scale.
fn positive_scale(v: &str) -> Result<f64, String> {
    match v.trim().parse::<f64>() {
        Ok(k) if k.is_finite() && k > 0.0 => Ok(k),
        _ => Err(format!("`{v}` is not a positive number")),
    }
}

impl GlobalArgs {
    /// Where Graph is, as the flags (or their environment variables) say.
    pub fn connection(&self) -> ConnectionSettings {
        ConnectionSettings {
            cloud: self.cloud,
            graph_url: self.graph_url.clone(),
            authority_url: self.authority_url.clone(),
            timeout: None,
            time_scale: self.graph_time_scale,
        }
    }

    /// [`GlobalArgs::connection`] with the command's deadline.
    pub fn connection_within(&self, timeout: std::time::Duration) -> ConnectionSettings {
        ConnectionSettings {
            timeout: Some(timeout),
            ..self.connection()
        }
    }
}

/// `--timeout` of a command that talks to Graph.
#[derive(Debug, Clone, ClapArgs)]
pub struct TimeoutArg {
    /// How long the command may spend on Microsoft Graph, throttling waits included (e.g.
    /// 30m, 90s). Graph's Retry-After is always honoured within this time.
    #[arg(long, value_name = "DURATION", value_parser = crate::status::time::parse_since)]
    pub timeout: Option<std::time::Duration>,
}

impl TimeoutArg {
    /// The given timeout, else the command's default.
    pub fn or(&self, default_minutes: u64) -> std::time::Duration {
        self.timeout
            .unwrap_or(std::time::Duration::from_secs(default_minutes * 60))
    }
}

/// Colour choice for human output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Colour when the stream is a terminal and NO_COLOR is not set.
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check manifests offline: YAML syntax, JSON Schema and lints.
    Validate(validate::Args),
    /// Show what apply would change in the tenant.
    Plan(plan::Args),
    /// Make the tenant match the manifest.
    Apply(apply::Args),
    /// Turn a live, hand-configured app into a manifest (on stdout).
    Import(import::Args),
    /// Check the SCIM endpoint and token directly and through Graph.
    TestConnection(test_connection::Args),
    /// Provision one user now and show a readable report.
    ProvisionOnDemand(provision_on_demand::Args),
    /// Show provisioning health: job state, quarantine, recent failures.
    Status(status::Args),
    /// Print a starter manifest for a connector.
    Init(init::Args),
    /// Print the manifest JSON Schema.
    Schema(schema::Args),
    /// Language server for manifests (diagnostics, hover, completion, quick fixes) on stdio.
    Lsp(lsp::Args),
    /// Run the whole story against the built-in simulator.
    Demo(demo::Args),
    /// The built-in Microsoft Graph simulator.
    Sim(sim::Args),
    /// Evaluate attribute-mapping expressions (`expr eval`).
    Expr(expr::Args),
    /// Show, for the manifest as written, whether users are in scope and what the app
    /// would receive. Writes nothing.
    Preview(preview::Args),
}

/// Runs the parsed command line and returns the exit status. Errors that escape are
/// rendered by `main` as miette reports (exit 1).
pub async fn run(cli: Cli) -> miette::Result<Exit> {
    let g = &cli.global;
    match cli.command {
        Command::Validate(a) => validate::run(a, g).await,
        Command::Plan(a) => plan::run(a, g).await,
        Command::Apply(a) => apply::run(a, g).await,
        Command::Import(a) => import::run(a, g).await,
        Command::TestConnection(a) => test_connection::run(a, g).await,
        Command::ProvisionOnDemand(a) => provision_on_demand::run(a, g).await,
        Command::Status(a) => status::run(a, g).await,
        Command::Init(a) => init::run(a, g).await,
        Command::Lsp(a) => lsp::run(a, g).await,
        Command::Schema(a) => schema::run(a, g).await,
        Command::Demo(a) => demo::run(a, g).await,
        Command::Sim(a) => sim::run(a, g).await,
        Command::Expr(a) => expr::run(a, g).await,
        Command::Preview(a) => preview::run(a, g).await,
    }
}

/// Error for a subcommand that is not built yet.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("`entraprov {0}` is not implemented yet")]
#[diagnostic(code(E0001))]
pub struct NotImplemented(pub &'static str);

/// Sets up `tracing` on stderr from `-v` and `RUST_LOG`, and miette's report handler
/// from `--color`. Secrets never reach a log line: they are `SecretString`s whose
/// `Debug` is redacted, and no code logs a request body that may carry one.
pub fn init_logging(global: &GlobalArgs) {
    use tracing_subscriber::EnvFilter;
    let level = match global.verbose {
        0 => "warn",
        1 => "entraprov=info",
        2 => "entraprov=debug",
        _ => "entraprov=trace",
    };
    let filter = EnvFilter::try_from_env("RUST_LOG").unwrap_or_else(|_| EnvFilter::new(level));
    let color = use_color(
        global.color,
        std::io::IsTerminal::is_terminal(&std::io::stderr()),
    );
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(color)
        .with_target(false)
        .try_init();
    let _ = miette::set_hook(Box::new(move |_| {
        Box::new(
            miette::MietteHandlerOpts::new()
                .color(color)
                .unicode(color)
                .terminal_links(false)
                .width(100)
                .build(),
        )
    }));
}

/// Whether to colour a stream: `--color`, then `NO_COLOR`, then whether it is a TTY.
pub fn use_color(choice: ColorChoice, is_tty: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => is_tty && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
    }
}

/// Writes `text` to `path` atomically (a temporary file in the same directory, then
/// rename) and sets the file's Unix permission bits to `mode`.
pub(crate) fn write_atomic(path: &std::path::Path, text: &str, mode: u32) -> std::io::Result<()> {
    use std::io::Write;
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => std::path::Path::new("."),
    };
    // NamedTempFile is created with mode 0600 on Unix, so no other user can read
    // the content before the permissions below are set.
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(text.as_bytes())?;
    tmp.as_file().sync_all()?;
    let file = tmp.persist(path).map_err(|e| e.error)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(std::fs::Permissions::from_mode(mode))?;
    }
    #[cfg(not(unix))]
    let _ = mode;
    drop(file);
    Ok(())
}
