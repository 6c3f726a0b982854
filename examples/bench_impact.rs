//! Benchmark of `entraprov plan --impact` (issue 17).
//!
//! ```text
//! cargo run --release --example bench_impact -- [N]        (default: 10000)
//! ```
//!
//! The simulator holds N seeded users (half in Engineering) and an app tagged
//! `entraprov:bench` with a provisioning job; N/2 users are assigned directly and the other
//! N/2 through 100 groups (N/200 direct members each), every Graph request delayed 50 ms.
//! The manifest adds the scoping filter `department equals Engineering`, so `plan --impact`
//! must find the ≈N/2 assigned users outside Engineering. The plan runs in a child process
//! (this example re-executed with `--child`, the CLI's own code path); the requests are
//! the simulator's count (`GET /_sim/stats`) during the plan. Prints
//!
//! `bench_impact n=10000 requests=… wall_ms=… deprovisioned=…`
//!
//! `BENCH_IMPACT_ARGS="-vv"` passes extra global options to the child and prints its log.
//!
//! Expected requests: plan's own reads plus ⌈100/20⌉ `$batch` requests for the groups'
//! members (999 per page) and ⌈(N/2)/300⌉ for the directly assigned users.

use std::fmt::Write as _;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use entraprov::sim::{PrecreatedApp, Server, SimConfig};
use serde_json::{Value, json};

const LATENCY_MS: u64 = 50;
const GROUPS: usize = 100;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--child") {
        std::process::exit(child(&args[1..]));
    }
    let n = args
        .first()
        .map_or(10_000, |a| a.replace([',', '_'], "").parse().expect("N"));
    println!("{}", bench(n));
}

/// `entraprov plan <args>` through the CLI's code path.
fn child(args: &[String]) -> i32 {
    use clap::Parser;
    let argv = ["entraprov", "plan"]
        .into_iter()
        .map(str::to_owned)
        .chain(args.iter().cloned());
    let cli = entraprov::cli::Cli::parse_from(argv);
    entraprov::cli::init_logging(&cli.global);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    match rt.block_on(entraprov::cli::run(cli)) {
        Ok(exit) => exit as i32,
        Err(report) => {
            eprintln!("{report:?}");
            1
        }
    }
}

/// The seed: N users `u00001@bench.example`…, even ones in Engineering, and 100 groups
/// holding the second half of the users.
fn seed(n: usize) -> Value {
    let upn = |i: usize| format!("u{i:05}@bench.example");
    let users: Vec<Value> = (1..=n)
        .map(|i| {
            let dept = if i % 2 == 0 { "Engineering" } else { "Sales" };
            json!({"userPrincipalName": upn(i), "displayName": format!("User {i}"), "department": dept})
        })
        .collect();
    let half = n / 2;
    let per = (n - half).div_ceil(GROUPS);
    let groups: Vec<Value> = (0..GROUPS)
        .map(|g| {
            let members: Vec<String> = (half + 1 + g * per..=(half + (g + 1) * per).min(n)).map(upn).collect();
            json!({"displayName": format!("Bench Group {g:03}"), "description": "bench", "members": members})
        })
        .collect();
    json!({"users": users, "groups": groups})
}

const MANIFEST: &str = "apiVersion: entraprov/v1
kind: EnterpriseApp
name: bench
app:
  displayName: Keeper (bench)
  gallery: Keeper Password Manager & Digital Vault
provisioning:
  mappings:
    users:
      scopingFilters:
        - name: Engineering only
          clauses:
            - { attribute: department, operator: equals, value: Engineering }
";

fn bench(n: usize) -> String {
    let dir = tempfile::tempdir().expect("temp dir");
    let seed_path = dir.path().join("seed.json");
    std::fs::write(&seed_path, seed(n).to_string()).expect("seed");
    // The fixed directory's 9 users come first: assign the first 9 + N/2 − 9 seeded ones.
    let cfg = SimConfig {
        latency: Duration::from_millis(LATENCY_MS),
        seed_file: Some(seed_path),
        precreated: vec![PrecreatedApp {
            display_name: "Keeper (bench)".into(),
            template: "Keeper Password Manager & Digital Vault".into(),
            tags: vec!["entraprov:bench".into()],
            user_assignments: n / 2,
            with_job: true,
            secrets: vec![],
        }],
        ..SimConfig::default()
    };
    let sim = Server::start(cfg).expect("simulator");
    let http = SimHttp::new(&sim);
    http.assign_groups();
    let manifest = dir.path().join("bench.yaml");
    std::fs::write(&manifest, MANIFEST).expect("manifest");
    let before = http.get("/_sim/stats")["total"].as_u64().unwrap_or(0);
    let started = Instant::now();
    let extra: Vec<String> = std::env::var("BENCH_IMPACT_ARGS")
        .map(|a| a.split_whitespace().map(str::to_owned).collect())
        .unwrap_or_default();
    let out = Command::new(std::env::current_exe().expect("self"))
        .arg("--child")
        .args(&extra)
        .args([
            manifest.to_str().expect("path"),
            "--impact",
            "--format",
            "json",
        ])
        .env_clear()
        .envs(sim.env())
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .output()
        .expect("run the plan");
    let wall = started.elapsed();
    if !extra.is_empty() {
        eprintln!("{}", String::from_utf8_lossy(&out.stderr));
    }
    let requests = http.get("/_sim/stats")["total"].as_u64().unwrap_or(0) - before;
    let plan: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|_| {
        panic!(
            "plan failed:\n{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    let impact = plan["plans"][0]["changes"]
        .as_array()
        .into_iter()
        .flatten()
        .find_map(|c| c["impact"]["count"].as_u64())
        .unwrap_or(0);
    let mut text = String::new();
    let _ = writeln!(
        text,
        "N = {n} assigned ({} directly, {} through {GROUPS} groups), latency {LATENCY_MS} ms",
        n / 2,
        n - n / 2
    );
    let _ = writeln!(
        text,
        "  requests {requests}, wall {} ms, leave the scope {impact}",
        wall.as_millis()
    );
    eprint!("{text}");
    format!(
        "bench_impact n={n} requests={requests} wall_ms={} deprovisioned={impact}",
        wall.as_millis()
    )
}

/// Direct HTTP to the simulator: assigning the groups, stats.
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

    fn get(&self, path: &str) -> Value {
        let url = if path.starts_with("/_sim") {
            format!("{}{path}", self.base)
        } else {
            format!("{}/v1.0{path}", self.base)
        };
        self.rt.block_on(async {
            let r = self
                .client
                .get(url)
                .bearer_auth(&self.token)
                .send()
                .await
                .expect("request");
            r.json().await.expect("JSON")
        })
    }

    /// Assigns every bench group to the bench app with role User, concurrently.
    fn assign_groups(&self) {
        let sps = self.get("/servicePrincipals?$top=999");
        let sp = sps["value"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|s| {
                s["tags"]
                    .as_array()
                    .is_some_and(|t| t.iter().any(|x| x == "entraprov:bench"))
            })
            .expect("bench app");
        let sp_id = sp["id"].as_str().expect("sp id").to_owned();
        let role = sp["appRoles"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|r| r["displayName"] == "User")
            .and_then(|r| r["id"].as_str())
            .expect("User role")
            .to_owned();
        let groups = self.get("/groups?$top=999&$filter=startswith(displayName,'Bench%20Group')");
        let ids: Vec<String> = groups["value"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|g| g["id"].as_str().map(str::to_owned))
            .collect();
        assert_eq!(ids.len(), GROUPS, "bench groups");
        let url = format!(
            "{}/v1.0/servicePrincipals/{sp_id}/appRoleAssignedTo",
            self.base
        );
        self.rt
            .block_on(futures::future::join_all(ids.iter().map(|g| {
                let body = json!({"principalId": g, "resourceId": sp_id, "appRoleId": role});
                let req = self
                    .client
                    .post(&url)
                    .bearer_auth(&self.token)
                    .json(&body)
                    .send();
                async move {
                    assert!(
                        req.await.expect("assign").status().is_success(),
                        "assign group"
                    )
                }
            })));
    }
}
