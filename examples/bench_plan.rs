//! Benchmark of `entraprov plan` (issue 5, "Performance").
//!
//! ```text
//! cargo run --release --example bench_plan -- [N…]        (default: 10 1000 10000)
//! ```
//!
//! For each N it starts the simulator with a seeded directory (N generated users), 50 ms of
//! latency on every Graph request, and an app tagged `entraprov:bench` with N live
//! assignments and a provisioning job with the full default schema. It writes a manifest
//! that declares the same N users and runs `entraprov plan` on it in a child process (this
//! example re-executed with `--child`, which runs the CLI's own `plan` code path), so the
//! memory figure is the planning process's alone. It prints the requests the simulator
//! counted (`GET /_sim/stats`), the wall time, the effective round trips (wall ÷ latency),
//! the peak RSS of the child (`VmHWM`), and what a per-object approach would need
//! (Terraform's provider reads each assignment and each principal on its own: 2N requests
//! plus the same ~10 reads of the app and job), then one line per N:
//!
//! `bench_plan n=1000 requests=… wall_ms=… round_trips=… rss_mb=… per_object_requests=… throttled=…`
//!
//! Targets: requests ≤ 12 + ⌈N/300⌉ + ⌈N/999⌉; wall ≤ (8 + ⌈N/999⌉) × latency × 1.5 + 200 ms;
//! round trips ≤ ⌈N/999⌉ + 4 (the token, the tag lookup and the pages of
//! `appRoleAssignedTo` are the floor); peak RSS < 150 MB at N = 10,000. Each figure is
//! printed with `ok` or `MISSED`.
//!
//! `--throttle documented[:S|M|L] [--time-scale K]` runs the simulator's documented
//! throttling model (see `sim serve --throttle`); `throttled` counts its 429s.
//!
//! `BENCH_PLAN_ARGS="-vv"` passes extra global options to the planning child and prints its
//! log (every request with its duration), to see where the time goes.

use std::fmt::Write as _;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use entraprov::sim::{PrecreatedApp, Server, SimConfig, ThrottleSpec};

#[path = "support/args.rs"]
mod bench_args;

const LATENCY_MS: u64 = 50;
const SCIM_TOKEN: &str = "bench-scim-token";

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--child") {
        std::process::exit(child(&args[1..]));
    }
    let throttle = bench_args::throttle(&mut args);
    let ns: Vec<usize> = if args.is_empty() {
        vec![10, 1_000, 10_000]
    } else {
        args.iter()
            .map(|a| {
                a.replace([',', '_'], "")
                    .parse()
                    .expect("N must be a number")
            })
            .collect()
    };
    let mut lines = Vec::new();
    for n in ns {
        lines.push(bench(n, throttle.clone()));
    }
    for l in lines {
        println!("{l}");
    }
}

/// The child: `entraprov plan <manifest>` through the CLI's code path, then its peak RSS.
fn child(args: &[String]) -> i32 {
    use clap::Parser;
    let cli = entraprov::cli::Cli::parse_from(
        ["entraprov", "plan"]
            .into_iter()
            .map(str::to_owned)
            .chain(args.iter().cloned()),
    );
    entraprov::cli::init_logging(&cli.global);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let code = match rt.block_on(entraprov::cli::run(cli)) {
        Ok(exit) => exit as i32,
        Err(report) => {
            eprintln!("{report:?}");
            1
        }
    };
    eprintln!("vm_hwm_kb={}", vm_hwm_kb().unwrap_or(0));
    code
}

/// Peak resident set size of this process (Linux `VmHWM`), in KiB.
fn vm_hwm_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn bench(n: usize, throttle: Option<ThrottleSpec>) -> String {
    let cfg = SimConfig {
        latency: Duration::from_millis(LATENCY_MS),
        throttle,
        generated_users: n,
        precreated: vec![PrecreatedApp {
            display_name: "Keeper (bench)".into(),
            template: "Keeper Password Manager & Digital Vault".into(),
            tags: vec!["entraprov:bench".into()],
            user_assignments: n,
            with_job: true,
            secrets: vec![
                (
                    "BaseAddress".into(),
                    "https://keepersecurity.com/api/rest/scim/v2/1".into(),
                ),
                ("SecretToken".into(), SCIM_TOKEN.into()),
            ],
        }],
        ..SimConfig::default()
    };
    let sim = Server::start(cfg).expect("simulator");
    let http = SimHttp::new(&sim);
    let upns = http.first_upns(n);
    let dir = tempfile::tempdir().expect("temp dir");
    let manifest = dir.path().join("bench.yaml");
    std::fs::write(&manifest, manifest_text(&upns)).expect("manifest");
    http.reset();

    let started = Instant::now();
    let out = Command::new(std::env::current_exe().expect("self"))
        .arg("--child")
        .args(
            std::env::var("BENCH_PLAN_ARGS")
                .ok()
                .iter()
                .flat_map(|a| a.split_whitespace().map(str::to_owned).collect::<Vec<_>>()),
        )
        .arg(&manifest)
        .env_clear()
        .envs(sim.env())
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .output()
        .expect("run the plan");
    let wall = started.elapsed();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let summary = stdout
        .lines()
        .find(|l| l.starts_with("No changes.") || l.starts_with("Plan:"))
        .unwrap_or("(no plan)");
    if std::env::var_os("BENCH_PLAN_ARGS").is_some() {
        eprintln!("{stderr}");
    }
    if out.status.code() != Some(0) {
        eprintln!(
            "plan failed (exit {:?}):\n{stdout}\n{stderr}",
            out.status.code()
        );
    }
    let rss_kb: u64 = stderr
        .lines()
        .find_map(|l| l.strip_prefix("vm_hwm_kb="))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0);
    let stats = http.stats();
    report(n, &stats, wall, rss_kb, summary)
}

fn report(
    n: usize,
    stats: &serde_json::Value,
    wall: Duration,
    rss_kb: u64,
    summary: &str,
) -> String {
    let requests = stats["total"].as_u64().unwrap_or(0);
    let wall_ms = wall.as_millis() as u64;
    let round_trips = wall.as_secs_f64() / (LATENCY_MS as f64 / 1000.0);
    let rss_mb = rss_kb as f64 / 1024.0;
    let per_object = 2 * n as u64 + 10;
    let ceil = |a: usize, b: usize| a.div_ceil(b) as u64;
    let max_requests = 12 + ceil(n, 300) + ceil(n, 999);
    let max_wall = (8 + ceil(n, 999)) as f64 * LATENCY_MS as f64 * 1.5 + 200.0;
    let mut text = String::new();
    let _ = writeln!(text, "N = {n}: {summary}");
    let _ = writeln!(
        text,
        "  requests     {requests:>7}   target ≤ {max_requests}   {}",
        verdict(requests as f64 <= max_requests as f64)
    );
    let _ = writeln!(
        text,
        "  wall         {wall_ms:>5} ms   target ≤ {max_wall:.0} ms   {}",
        verdict(wall_ms as f64 <= max_wall)
    );
    let max_rt = ceil(n, 999) + 4;
    let _ = writeln!(
        text,
        "  round trips  {round_trips:>7.1}   (wall ÷ {LATENCY_MS} ms)   target ≤ {max_rt}   {}",
        verdict(round_trips <= max_rt as f64)
    );
    let throttled: u64 = stats["throttling"]["throttled"].as_object().map_or(0, |m| {
        m.values().filter_map(serde_json::Value::as_u64).sum()
    });
    let rss_ok = n < 10_000 || rss_mb < 150.0;
    let _ = writeln!(
        text,
        "  peak RSS     {rss_mb:>7.1} MB   target < 150 MB at 10,000   {}",
        verdict(rss_ok)
    );
    let _ = writeln!(
        text,
        "  per-object   {per_object:>7}   ({:.0}× ours)",
        per_object as f64 / requests.max(1) as f64
    );
    let _ = writeln!(text, "  by route: {}", stats["byRoute"]);
    eprint!("{text}");
    format!(
        "bench_plan n={n} requests={requests} wall_ms={wall_ms} round_trips={round_trips:.1} \
         rss_mb={rss_mb:.1} per_object_requests={per_object} throttled={throttled}"
    )
}

fn verdict(ok: bool) -> &'static str {
    if ok { "ok" } else { "MISSED" }
}

/// A manifest declaring every given user with role User (UPNs single-quoted for YAML).
fn manifest_text(upns: &[String]) -> String {
    let mut t = String::from(
        "apiVersion: entraprov/v1\nkind: EnterpriseApp\nname: bench\napp:\n  displayName: Keeper (bench)\n  gallery: Keeper Password Manager & Digital Vault\nassignments:\n  principals:\n",
    );
    for u in upns {
        let _ = writeln!(
            t,
            "    - {{ user: '{}', role: User }}",
            u.replace('\'', "''")
        );
    }
    t
}

/// Direct HTTP to the simulator from the bench: listing users, stats, reset.
struct SimHttp {
    base: String,
    token: String,
    client: reqwest::Client,
    rt: tokio::runtime::Runtime,
}

impl SimHttp {
    fn new(sim: &Server) -> Self {
        SimHttp {
            base: sim.url().to_owned(),
            token: sim.token(),
            client: reqwest::Client::new(),
            rt: tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime"),
        }
    }

    fn send(&self, method: reqwest::Method, url: &str) -> serde_json::Value {
        self.rt.block_on(async {
            let r = self
                .client
                .request(method, url)
                .bearer_auth(&self.token)
                .send()
                .await
                .expect("request");
            r.json().await.expect("JSON")
        })
    }

    /// UPNs of the first `n` users, in directory order (the assigned ones).
    fn first_upns(&self, n: usize) -> Vec<String> {
        let mut out = Vec::with_capacity(n);
        let mut url = format!(
            "{}/v1.0/users?$select=userPrincipalName&$top=999",
            self.base
        );
        while out.len() < n {
            let page = self.send(reqwest::Method::GET, &url);
            for u in page["value"].as_array().into_iter().flatten() {
                if let Some(upn) = u["userPrincipalName"].as_str() {
                    out.push(upn.to_owned());
                }
            }
            match page["@odata.nextLink"].as_str() {
                Some(next) => url = next.to_owned(),
                None => break,
            }
        }
        out.truncate(n);
        out
    }

    /// Restores the tenant as it was at start and zeroes the counters.
    fn reset(&self) {
        self.send(reqwest::Method::POST, &format!("{}/_sim/reset", self.base));
    }

    /// `GET /_sim/stats`.
    fn stats(&self) -> serde_json::Value {
        self.send(reqwest::Method::GET, &format!("{}/_sim/stats", self.base))
    }
}
