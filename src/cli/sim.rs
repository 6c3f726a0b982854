//! `entraprov sim serve`: runs the built-in Microsoft Graph simulator until Ctrl-C, as a
//! playground that fits the examples out of the box: it answers for their tenant, holds their
//! users and groups, and stands in for their SCIM targets (Keeper's region hosts and the
//! generic example's `scim.example.com`, served by loopback SCIM endpoints that accept the
//! tokens it prints). It never connects to a non-loopback host unless `--allow-outbound`.
//! Everything it prints on stdout is shell: `#` comments and `export` lines.

use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

use super::demo::ScimEndpoint;
use super::demo::world;
use super::{Exit, GlobalArgs};
use crate::sim::config::{
    DEFAULT_APPLY_CLIENT_ID, DEFAULT_APPLY_CLIENT_SECRET, DEFAULT_PLAN_CLIENT_ID,
    DEFAULT_PLAN_CLIENT_SECRET,
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
    /// Tenant id the simulator answers for (default: the one examples/keeper.yaml guards).
    #[arg(long, default_value = world::KEEPER_TENANT)]
    tenant_id: String,
    /// Let validateCredentials connect to SCIM endpoints that are not on a loopback address
    /// (a real Keeper or SCIM server). Off: such a tenant URL is refused, and nothing is sent.
    #[arg(long)]
    allow_outbound: bool,
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
    #[error("cannot start the playground's SCIM endpoints on 127.0.0.1: {0}")]
    #[diagnostic(code(sim::scim))]
    Scim(std::io::Error),
}

/// The token the playground's generic SCIM endpoint accepts, and the variable
/// examples/generic-scim.yaml reads it from (not secrets: they exist only in the playground).
pub const GENERIC_TOKEN: &str = "playground-generic-scim-token-3d9a";
/// The variable examples/generic-scim.yaml reads its token from.
pub const GENERIC_TOKEN_VAR: &str = "SCIM_DEMO_TOKEN";
/// The host of examples/generic-scim.yaml's tenant URL.
const GENERIC_HOST: &str = "scim.example.com";

/// The stand-in SCIM endpoints and the routes from the examples' tenant URLs to them.
struct Targets {
    _keeper: ScimEndpoint,
    _generic: ScimEndpoint,
    routes: Vec<(String, String)>,
}

fn start_targets() -> std::io::Result<Targets> {
    let keeper = world::keeper_endpoint()?;
    let generic = ScimEndpoint::start("/scim/v2", GENERIC_TOKEN.to_owned().into())?;
    let mut routes: Vec<(String, String)> = crate::connector::keeper::REGION_HOSTS
        .iter()
        .map(|(_, host)| {
            (
                format!("https://{host}/"),
                format!("{}/", keeper.root_url()),
            )
        })
        .collect();
    routes.push((
        format!("https://{GENERIC_HOST}/"),
        format!("{}/", generic.root_url()),
    ));
    Ok(Targets {
        _keeper: keeper,
        _generic: generic,
        routes,
    })
}

/// Runs `entraprov sim`.
pub async fn run(args: Args, _global: &GlobalArgs) -> miette::Result<Exit> {
    let SimCommand::Serve(a) = args.command;
    let faults = match &a.faults {
        Some(spec) => FaultSpec::parse(spec).map_err(SimCliError::from)?,
        None => FaultSpec::default(),
    };
    let targets = start_targets().map_err(SimCliError::Scim)?;
    let mut cfg = SimConfig {
        tenant_id: a.tenant_id.clone(),
        latency: Duration::from_millis(a.latency_ms),
        faults,
        fault_seed: a.fault_seed,
        state_file: a.state.clone(),
        seed_file: a.seed.clone(),
        seed_json: vec![world::examples_seed()],
        generated_users: a.users,
        generated_groups: a.groups,
        port: a.port,
        scim_routes: targets.routes.clone(),
        allow_outbound: a.allow_outbound,
        ..SimConfig::default()
    };
    if let Some(apply) = cfg.clients.first_mut() {
        apply.client_id = a.client_id.clone();
        apply.client_secret = Some(a.client_secret.clone());
    }
    let server = Server::start(cfg)?;
    print_banner(&server, &targets.routes, a.allow_outbound);
    tokio::signal::ctrl_c().await.map_err(SimCliError::Signal)?;
    server.stop();
    drop(targets);
    Ok(Exit::Success)
}

/// `value` as one shell word: bare when it is made of safe characters, else single-quoted.
fn shell_word(value: &str) -> String {
    let safe = |c: char| c.is_ascii_alphanumeric() || "_./:@%+=,-".contains(c);
    if !value.is_empty() && value.chars().all(safe) {
        value.to_owned()
    } else {
        format!("'{}'", value.replace('\'', "'\\''"))
    }
}

/// The banner: only `#` comments and `export` lines, so it can be pasted or `eval`ed whole.
fn banner(server: &Server, routes: &[(String, String)], allow_outbound: bool) -> String {
    let url = server.url();
    let mut exports: Vec<(String, String)> = server
        .env()
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
    exports.push((world::TOKEN_VAR.into(), world::DEMO_TOKEN.into()));
    exports.push((GENERIC_TOKEN_VAR.into(), GENERIC_TOKEN.into()));
    let joined: Vec<String> = routes.iter().map(|(f, t)| format!("{f}={t}")).collect();
    exports.push(("ENTRAPROV_SCIM_ROUTES".into(), joined.join(",")));
    let mut out = format!("# entraprov simulator listening on {url}\n");
    out.push_str(&format!(
        "# tenant {} with the examples' users and groups; Keeper's hosts and {GENERIC_HOST} are answered on 127.0.0.1\n",
        server.tenant_id()
    ));
    out.push_str(
        "# paste the lines below into the shell that runs entraprov (read-write identity):\n",
    );
    for (k, v) in exports {
        out.push_str(&format!("export {k}={}\n", shell_word(&v)));
    }
    out.push_str(&format!(
        "# read-only identity: client id {DEFAULT_PLAN_CLIENT_ID}, secret {DEFAULT_PLAN_CLIENT_SECRET}\n"
    ));
    out.push_str(&format!(
        "# stats {url}/_sim/stats, state {url}/_sim/state, reset: POST {url}/_sim/reset\n"
    ));
    out.push_str(if allow_outbound {
        "# outbound: allowed (--allow-outbound): other tenant URLs are really called\n"
    } else {
        "# outbound: refused (only loopback SCIM endpoints are called; --allow-outbound allows others)\n"
    });
    out.push_str("# press Ctrl-C to stop\n");
    out
}

fn print_banner(server: &Server, routes: &[(String, String)], allow_outbound: bool) {
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(banner(server, routes, allow_outbound).as_bytes());
    let _ = out.flush();
}
