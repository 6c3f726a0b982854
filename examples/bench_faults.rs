//! First-apply success rate under Graph faults (issue 14, "Retry-After is always honoured").
//!
//! ```text
//! cargo run --release --example bench_faults -- [SEEDS] [SPEC]
//! ```
//!
//! Defaults: 20 seeds, `throttle=0.3,error503=0.1,drop=0.05` (429 with `Retry-After: 1`,
//! 503 without `Retry-After`, dropped connections). For each seed it starts the simulator
//! with `examples/keeper.yaml`'s tenant and the stand-in Keeper SCIM endpoint, then runs
//! plan + apply + the convergence check in-process with apply's own client settings (one
//! 30-minute deadline, `Retry-After` honoured, backoff with jitter for 503). A seed counts
//! when that first apply succeeds and converges. It prints one line per seed and then:
//!
//! `bench_faults seeds=20 spec=… first_apply_ok=20 rate=100% wall_s=… requests=… faults=…`

use std::time::{Duration, Instant};

use entraprov::apply::flow;
use entraprov::apply::{ApplyOptions, NoProgress, StopFlag};
use entraprov::cli::demo::world;
use entraprov::graph::auth::Env;
use entraprov::graph::{ClientOptions, RetryPolicy};
use entraprov::manifest;
use entraprov::sim::{FaultSpec, Server};

const DEFAULT_SPEC: &str = "throttle=0.3,error503=0.1,drop=0.05";

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let seeds: u64 = args
        .first()
        .map_or(20, |s| s.parse().expect("SEEDS is a number"));
    let spec = args.get(1).map_or(DEFAULT_SPEC, String::as_str).to_owned();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let t = Instant::now();
    let (mut ok, mut requests, mut faults) = (0, 0u64, 0u64);
    for seed in 0..seeds {
        let r = rt.block_on(one_seed(seed, &spec));
        println!(
            "seed={seed} first_apply={} wall_s={:.1} requests={} faults={} {}",
            if r.ok { "ok" } else { "FAILED" },
            r.wall.as_secs_f64(),
            r.requests,
            r.faults,
            r.note
        );
        ok += u64::from(r.ok);
        requests += r.requests;
        faults += r.faults;
    }
    println!(
        "bench_faults seeds={seeds} spec={spec} first_apply_ok={ok} rate={:.0}% wall_s={:.0} requests={requests} faults={faults}",
        100.0 * ok as f64 / seeds.max(1) as f64,
        t.elapsed().as_secs_f64()
    );
}

struct SeedRun {
    ok: bool,
    wall: Duration,
    requests: u64,
    faults: u64,
    note: String,
}

async fn one_seed(seed: u64, spec: &str) -> SeedRun {
    let dir = tempfile::tempdir().expect("temp dir");
    let scim = world::keeper_endpoint().expect("SCIM endpoint");
    let mut cfg = world::sim_config(dir.path(), &scim).expect("sim config");
    cfg.faults = FaultSpec::parse(spec).expect("fault spec");
    cfg.fault_seed = seed;
    let server = Server::start(cfg).expect("simulator");
    // apply's settings: one deadline for the command (30 minutes), Retry-After honoured.
    let options = ClientOptions {
        policy: RetryPolicy::with_timeout(Duration::from_secs(30 * 60)),
        batch_concurrency: 8,
        ..ClientOptions::default()
    };
    let client = world::sim_client(&server, &options).expect("client");
    let (loaded, diags) = manifest::load_str("keeper.yaml", world::KEEPER_YAML);
    let loaded = loaded.unwrap_or_else(|| panic!("manifest: {diags:?}"));
    let env = Env::from_pairs([(world::TOKEN_VAR, world::DEMO_TOKEN)]);
    let opts = ApplyOptions {
        // The Keeper URL is reachable only through the simulator's SCIM route.
        explain_refused_credentials: false,
        ..ApplyOptions::default()
    };
    let t = Instant::now();
    let (ok, note) = match flow::plan_manifest(&client, &loaded, &env).await {
        Err(e) => (false, format!("plan failed: {e}")),
        Ok(planned) => {
            let report = flow::apply_and_check(
                flow::Session {
                    client: &client,
                    loaded: &loaded,
                    env: &env,
                },
                &planned,
                &opts,
                &NoProgress,
                &StopFlag::new(),
            )
            .await;
            let converged = matches!(
                report.convergence,
                Some(entraprov::plan::report::Convergence::Converged)
            );
            let note = if report.succeeded() && converged {
                String::new()
            } else {
                format!("{report:?}")
            };
            (report.succeeded() && converged, note)
        }
    };
    let stats = server.stats();
    SeedRun {
        ok,
        wall: t.elapsed(),
        requests: stats.total,
        faults: stats.faults.values().sum(),
        note,
    }
}
