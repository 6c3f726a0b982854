//! `entraprov sim serve`: runs the built-in Microsoft Graph simulator until Ctrl-C.

use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

use secrecy::ExposeSecret;

use super::{Exit, GlobalArgs};
use crate::sim::config::{
    DEFAULT_APPLY_CLIENT_ID, DEFAULT_APPLY_CLIENT_SECRET, DEFAULT_PLAN_CLIENT_ID,
    DEFAULT_PLAN_CLIENT_SECRET, DEFAULT_TENANT_ID,
};
use crate::sim::{FaultSpec, Server, SimConfig};

/// Arguments of `entraprov sim`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: SimCommand,
}

#[derive(Debug, clap::Subcommand)]
enum SimCommand {
    /// Serve the simulator on 127.0.0.1 until Ctrl-C.
    Serve(ServeArgs),
}

/// Arguments of `entraprov sim serve`.
#[derive(Debug, clap::Args)]
struct ServeArgs {
    /// Port on 127.0.0.1 (0 picks a free port).
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// Persist the tenant to this JSON file (loaded at start when it exists).
    #[arg(long, value_name = "FILE")]
    state: Option<PathBuf>,
    /// Latency added to every Graph request, in milliseconds.
    #[arg(long, value_name = "N", default_value_t = 0)]
    latency_ms: u64,
    /// Fault injection, e.g. `throttle=0.2:retry-after=1,error503=0.05,drop=0.01,replication-delay=3`.
    #[arg(long, value_name = "SPEC")]
    faults: Option<String>,
    /// Seed of the fault decisions (same seed, same requests: same faults).
    #[arg(long, value_name = "N", default_value_t = 0)]
    fault_seed: u64,
    /// Seed file (JSON) adding `users`, `groups` and `applicationTemplates`, in Graph's
    /// shape, to the built-in directory and gallery.
    #[arg(long, value_name = "FILE")]
    seed: Option<PathBuf>,
    /// Tenant id the simulator answers for.
    #[arg(long, default_value = DEFAULT_TENANT_ID)]
    tenant_id: String,
    /// Client id of the read-write identity.
    #[arg(long, default_value = DEFAULT_APPLY_CLIENT_ID)]
    client_id: String,
    /// Client secret of the read-write identity.
    #[arg(long, default_value = DEFAULT_APPLY_CLIENT_SECRET, hide_default_value = false)]
    client_secret: String,
    /// Extra generated users (deterministic: the same count gives the same users).
    #[arg(long, value_name = "N", default_value_t = 0)]
    users: usize,
    /// Extra generated groups of up to 10 generated users each.
    #[arg(long, value_name = "M", default_value_t = 0)]
    groups: usize,
}

/// Errors of `entraprov sim`.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
enum SimCliError {
    #[error(transparent)]
    #[diagnostic(
        code(sim::faults),
        help(
            "example: --faults throttle=0.2:retry-after=1,error503=0.05,drop=0.01,replication-delay=3"
        )
    )]
    Faults(#[from] crate::sim::http::faults::FaultSpecError),
    #[error("cannot wait for Ctrl-C: {0}")]
    #[diagnostic(code(sim::signal))]
    Signal(std::io::Error),
}

/// Runs `entraprov sim`.
pub async fn run(args: Args, _global: &GlobalArgs) -> miette::Result<Exit> {
    let SimCommand::Serve(a) = args.command;
    let faults = match &a.faults {
        Some(spec) => FaultSpec::parse(spec).map_err(SimCliError::from)?,
        None => FaultSpec::default(),
    };
    let mut cfg = SimConfig {
        tenant_id: a.tenant_id.clone(),
        latency: Duration::from_millis(a.latency_ms),
        faults,
        fault_seed: a.fault_seed,
        state_file: a.state.clone(),
        seed_file: a.seed.clone(),
        generated_users: a.users,
        generated_groups: a.groups,
        port: a.port,
        ..SimConfig::default()
    };
    if let Some(apply) = cfg.clients.first_mut() {
        apply.client_id = a.client_id.clone();
        apply.client_secret = Some(a.client_secret.clone());
    }
    let server = Server::start(cfg)?;
    print_banner(&server);
    tokio::signal::ctrl_c().await.map_err(SimCliError::Signal)?;
    server.stop();
    Ok(Exit::Success)
}

fn print_banner(server: &Server) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "listening on {}", server.url());
    let _ = writeln!(out, "Graph:   {}", server.graph_url());
    let _ = writeln!(out, "Token:   {}", server.token_url());
    let _ = writeln!(out, "Tenant:  {}", server.tenant_id());
    let _ = writeln!(
        out,
        "Read-write identity: client id {}  secret {}",
        server.client_id(),
        server.client_secret().expose_secret()
    );
    let _ = writeln!(
        out,
        "Read-only identity:  client id {DEFAULT_PLAN_CLIENT_ID}  secret {DEFAULT_PLAN_CLIENT_SECRET}"
    );
    let _ = writeln!(out, "\nexport these to point entraprov at the simulator:");
    for (k, v) in server.env() {
        let _ = writeln!(out, "export {k}={v}");
    }
    let _ = writeln!(
        out,
        "\nstats: {0}/_sim/stats   state: {0}/_sim/state   reset: POST {0}/_sim/reset",
        server.url()
    );
    let _ = writeln!(out, "press Ctrl-C to stop");
    let _ = out.flush();
}
