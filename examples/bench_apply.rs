//! Benchmark of apply's assignment step (issue 6, "Performance").
//!
//! ```text
//! cargo run --release --example bench_apply -- [N…]        (default: 1000 10000)
//! ```
//!
//! For each N it starts the simulator with N generated users, 50 ms of latency on every
//! Graph request and an app tagged `entraprov:bench` without assignments, builds the plan
//! apply would get (N `+ assignment` changes with resolved ids) and runs the executor
//! in-process with 4 `$batch` requests in flight. It prints the requests the simulator
//! counted, the wall time and the peak RSS of this process (simulator included), one line
//! per N:
//!
//! `bench_apply n=1000 requests=… wall_ms=… rss_mb=…`
//!
//! Target: requests ≤ ⌈N/20⌉ + 30.

use std::time::{Duration, Instant};

use entraprov::apply::{self, ApplyOptions, Inputs, NoProgress, StopFlag};
use entraprov::cli::demo::world::sim_client;
use entraprov::graph::ClientOptions;
use entraprov::ids::{AppRoleId, PrincipalId};
use entraprov::plan::change::{Action, Address, Change, Plan, Target};
use entraprov::plan::model::PrincipalKind;
use entraprov::sim::{PrecreatedApp, Server, SimConfig};

const LATENCY_MS: u64 = 50;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let ns: Vec<usize> = if args.is_empty() {
        vec![1_000, 10_000]
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
    let lines: Vec<String> = ns.into_iter().map(|n| rt.block_on(bench(n))).collect();
    for l in lines {
        println!("{l}");
    }
}

async fn bench(n: usize) -> String {
    let cfg = SimConfig {
        latency: Duration::from_millis(LATENCY_MS),
        generated_users: n,
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
        ..ClientOptions::default()
    };
    let client = sim_client(&sim, &opts).expect("client");
    let sp = client
        .find_service_principals_by_tag("entraprov:bench")
        .await
        .expect("app")
        .remove(0);
    let role = sp
        .app_roles
        .iter()
        .find(|r| r.display_name.as_deref() == Some("User"))
        .expect("role User")
        .id
        .clone();
    let users = user_ids(&sim, n).await;
    let plan = assignment_plan(&sp.id, &users, &role);
    let before = sim.stats().total;
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
    let requests = sim.stats().total - before;
    let s = report.summary();
    let budget = n.div_ceil(20) + 30;
    println!(
        "n={n}: {} done, {} failed; {requests} requests (budget {budget}: {}), {} ms \
         ({} batches of 20, 4 in flight, {LATENCY_MS} ms latency)",
        s.done,
        s.failed,
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

/// Ids of the first `n` generated users (setup, not measured).
async fn user_ids(sim: &Server, n: usize) -> Vec<PrincipalId> {
    let http = reqwest::Client::new();
    let mut url = format!(
        "{}/users?$select=id,userPrincipalName&$top=999",
        sim.graph_url()
    );
    let mut ids = Vec::new();
    loop {
        let page: serde_json::Value = http
            .get(&url)
            .bearer_auth(sim.token())
            .send()
            .await
            .expect("users")
            .json()
            .await
            .expect("users json");
        for u in page["value"].as_array().into_iter().flatten() {
            let upn = u["userPrincipalName"].as_str().unwrap_or_default();
            if upn.contains("contoso.example") && !upn.starts_with('$') && !upn.contains("#EXT#") {
                ids.push(PrincipalId::new(u["id"].as_str().unwrap_or_default()));
            }
        }
        match page["@odata.nextLink"].as_str() {
            Some(next) => url = next.to_owned(),
            None => break,
        }
    }
    ids.truncate(n);
    ids
}

fn assignment_plan(
    sp: &entraprov::ids::ServicePrincipalId,
    users: &[PrincipalId],
    role: &AppRoleId,
) -> Plan {
    let changes = users
        .iter()
        .map(|u| Change {
            address: Address::Assignment {
                principal: format!("user:{u}"),
                role: "User".into(),
            },
            action: Action::Create,
            fields: Vec::new(),
            note: None,
            warnings: Vec::new(),
            target: Target::Assignment {
                principal_kind: PrincipalKind::User,
                principal_id: Some(u.clone()),
                role: "User".into(),
                role_id: Some(role.clone()),
                assignment_id: None,
            },
        })
        .collect();
    Plan {
        name: "bench".into(),
        display_name: "Keeper (bench)".into(),
        tenant_id: None,
        service_principal_id: Some(sp.clone()),
        job_id: None,
        changes,
        warnings: Vec::new(),
        impacts: Vec::new(),
    }
}

/// Peak resident set size of this process (Linux `VmHWM`), in KiB.
fn vm_hwm_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
