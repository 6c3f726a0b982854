//! Benchmark of apply's assignment step (issues 6 and 15, "Performance").
//!
//! ```text
//! cargo run --release --example bench_apply -- [N…]        (default: 1000 10000)
//! cargo run --release --example bench_apply -- --throttle documented:L --time-scale 20 [N…]
//!                                                          (default: 1000 10000 30000)
//! ```
//!
//! For each N it starts the simulator with N generated users, 50 ms of latency on every
//! Graph request and an app tagged `entraprov:bench` without assignments, builds the plan
//! apply would get (N `+ assignment` changes with resolved ids) and runs the executor
//! in-process. It prints the requests the simulator counted, the wall time and the peak RSS
//! of this process (simulator included), one line per N:
//!
//! `bench_apply n=1000 requests=… wall_ms=… rss_mb=…`
//!
//! Target: requests ≤ ⌈N/20⌉ + 30.
//!
//! With `--throttle MODEL --time-scale K` the simulator runs its documented throttling model
//! (windows K times shorter) and the client paces to the same budget (told K). Each N runs
//! twice: with pacing off (`bench_apply_budget_unpaced …`, printed first) and on; then, last,
//! one line per N:
//!
//! `bench_apply_budget n=… requests=… subrequests=… throttled=… wall_ms=… minimum_ms=… ratio=… failed=…`
//!
//! `minimum_ms` is what the documented quotas allow at that time scale: for each quota a
//! create touches (application+tenant 3,000 writes per 150 s and L 8,000 RU per 10 s;
//! tenant 18,000 writes per 5 min; application 70,000 writes per 5 min and 150,000 RU per
//! 20 s), the time until its bucket has refilled the N − quota units past the first full
//! bucket, the largest of those plus one request latency; but never less than the round
//! trips the client's largest batch concurrency needs (⌈⌈N/20⌉ / 32⌉ × latency).
//! `ratio` = wall ÷ minimum. Targets: `failed=0`, `ratio ≤ 1.15`, `throttled` ≤ 2 % of
//! `subrequests`.

use std::time::{Duration, Instant};

use entraprov::apply::{self, ApplyOptions, Inputs, NoProgress, StopFlag};
use entraprov::cli::demo::world::sim_client;
use entraprov::graph::{ClientOptions, PaceOptions};
use entraprov::sim::{PrecreatedApp, Server, SimConfig, TenantSize, ThrottleSpec};

#[path = "support/assignments.rs"]
mod assignments;
#[path = "support/args.rs"]
mod bench_args;

use assignments::{assignment_plan, target, user_ids};

const LATENCY_MS: u64 = 50;

/// `--throttle MODEL --time-scale K`.
#[derive(Clone)]
struct Budget {
    spec: ThrottleSpec,
}

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let budget = bench_args::throttle(&mut args).map(|spec| Budget { spec });
    let ns: Vec<usize> = if args.is_empty() {
        match budget {
            Some(_) => vec![1_000, 10_000, 30_000],
            None => vec![1_000, 10_000],
        }
    } else {
        args.iter()
            .map(|a| {
                a.replace([',', '_'], "")
                    .parse()
                    .expect("N must be a number")
            })
            .collect()
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let mut lines = Vec::new();
    for n in ns {
        match &budget {
            None => lines.push(rt.block_on(bench(n, None, true)).0),
            Some(b) => {
                let (off, _) = rt.block_on(bench(n, Some(b.clone()), false));
                println!("{off}");
                lines.push(rt.block_on(bench(n, Some(b.clone()), true)).0);
            }
        }
    }
    for l in lines {
        println!("{l}");
    }
}

async fn bench(n: usize, budget: Option<Budget>, pace: bool) -> (String, bool) {
    let cfg = SimConfig {
        latency: Duration::from_millis(LATENCY_MS),
        generated_users: n,
        throttle: budget.as_ref().map(|b| b.spec.clone()),
        precreated: vec![PrecreatedApp {
            display_name: "Keeper (bench)".into(),
            template: "Keeper Password Manager & Digital Vault".into(),
            tags: vec!["entraprov:bench".into()],
            user_assignments: 0,
            with_job: false,
            secrets: Vec::new(),
        }],
        ..SimConfig::default()
    };
    let sim = Server::start(cfg).expect("simulator");
    let opts = ClientOptions {
        batch_concurrency: 4,
        pace: PaceOptions {
            enabled: pace && budget.is_some(),
            time_scale: budget.as_ref().map_or(1.0, |b| b.spec.time_scale),
            ..PaceOptions::default()
        },
        ..ClientOptions::default()
    };
    let client = sim_client(&sim, &opts).expect("client");
    let (sp, role) = target(&client, "bench").await;
    let users = user_ids(&sim, n).await;
    let plan = assignment_plan(&sp, &users, &role);
    let before = sim.stats();
    let started = Instant::now();
    let report = apply::execute(
        &client,
        &plan,
        &Inputs::default(),
        &ApplyOptions::default(),
        &NoProgress,
        &StopFlag::new(),
    )
    .await;
    let wall = started.elapsed();
    let after = sim.stats();
    let requests = after.total - before.total;
    let s = report.summary();
    match budget {
        None => (
            plain_line(n, requests, wall, s.done, s.failed),
            s.failed == 0,
        ),
        Some(b) => {
            let sub: u64 =
                after.batched.values().sum::<u64>() - before.batched.values().sum::<u64>();
            let throttled = |st: &entraprov::sim::StatsSnapshot| {
                st.throttling
                    .as_ref()
                    .map_or(0, |t| t.throttled.values().sum::<u64>())
            };
            let throttled = throttled(&after) - throttled(&before);
            let minimum = minimum(n, &b.spec);
            let ratio = wall.as_secs_f64() / minimum.as_secs_f64();
            let name = if pace {
                "bench_apply_budget"
            } else {
                "bench_apply_budget_unpaced"
            };
            let line = format!(
                "{name} n={n} requests={requests} subrequests={sub} throttled={throttled} \
                 wall_ms={} minimum_ms={} ratio={ratio:.2} failed={}",
                wall.as_millis(),
                minimum.as_millis(),
                s.failed
            );
            (line, s.failed == 0)
        }
    }
}

fn plain_line(n: usize, requests: u64, wall: Duration, done: usize, failed: usize) -> String {
    let budget = n.div_ceil(20) + 30;
    println!(
        "n={n}: {done} done, {failed} failed; {requests} requests (budget {budget}: {}), {} ms \
         ({} batches of 20, 4 in flight, {LATENCY_MS} ms latency)",
        if requests as usize <= budget {
            "ok"
        } else {
            "OVER"
        },
        wall.as_millis(),
        n.div_ceil(20)
    );
    format!(
        "bench_apply n={n} requests={requests} wall_ms={} rss_mb={}",
        wall.as_millis(),
        vm_hwm_kb().unwrap_or(0) / 1024
    )
}

/// The budget-limited minimum for N creates (1 write and 1 RU each), see the module doc.
fn minimum(n: usize, spec: &ThrottleSpec) -> Duration {
    let ru_l = match spec.size {
        Some(TenantSize::S) => 3_500.0,
        Some(TenantSize::M) => 5_000.0,
        _ => 8_000.0,
    };
    // (quota, window in seconds) of every bucket a create touches.
    let quotas = [
        (3_000.0, 150.0),
        (ru_l, 10.0),
        (18_000.0, 300.0),
        (70_000.0, 300.0),
        (150_000.0, 20.0),
    ];
    let n = n as f64;
    let budget = quotas
        .iter()
        .map(|(q, w)| (n - q).max(0.0) / (q / (w / spec.time_scale)))
        .fold(0.0, f64::max);
    let latency = LATENCY_MS as f64 / 1000.0;
    let round_trips = (n / 20.0).ceil() / PaceOptions::default().max_batch_concurrency as f64;
    Duration::from_secs_f64((budget + latency).max(round_trips.ceil() * latency))
}

/// Peak resident set size of this process (Linux `VmHWM`), in KiB.
fn vm_hwm_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
