//! Pacing to the documented throttling budget (`graph::pace`) against the simulator's
//! model (`--throttle documented:L` with a shrunk time scale): a 5,000-write apply stays
//! under 2 % throttled sub-requests although an earlier run spent part of the window, a 429 storm ends in success, and two manifests
//! applied together share one budget.

use std::time::Duration;

use crate::bench_assignments::{assignment_plan, target, user_ids};
use entraprov::apply::{self, ApplyOptions, Inputs, NoProgress, StopFlag};
use entraprov::cli::demo::world::sim_client;
use entraprov::graph::{Client, ClientOptions, PaceOptions};
use entraprov::plan::ApplyReport;
use entraprov::plan::change::Plan;
use entraprov::sim::{PrecreatedApp, Server, SimConfig, StatsSnapshot, TenantSize, ThrottleSpec};

fn app(tag: &str) -> PrecreatedApp {
    PrecreatedApp {
        display_name: format!("Keeper ({tag})"),
        template: "Keeper Password Manager & Digital Vault".into(),
        tags: vec![format!("entraprov:{tag}")],
        user_assignments: 0,
        with_job: false,
        secrets: Vec::new(),
    }
}

fn server(users: usize, scale: f64, apps: &[&str]) -> Server {
    Server::start(SimConfig {
        generated_users: users,
        throttle: Some(ThrottleSpec {
            size: Some(TenantSize::L),
            time_scale: scale,
        }),
        precreated: apps.iter().map(|t| app(t)).collect(),
        ..SimConfig::default()
    })
    .expect("simulator")
}

fn client(sim: &Server, scale: f64) -> Client {
    let opts = ClientOptions {
        batch_concurrency: 4,
        pace: PaceOptions {
            time_scale: scale,
            ..PaceOptions::default()
        },
        ..ClientOptions::default()
    };
    sim_client(sim, &opts).expect("client")
}

async fn run(c: &Client, p: &Plan) -> ApplyReport {
    apply::execute(
        c,
        p,
        &Inputs::default(),
        &ApplyOptions::default(),
        &NoProgress,
        &StopFlag::new(),
    )
    .await
}

/// An earlier run spent 1,000 of the identity's 3,000 writes in this window (the client
/// cannot know: Graph's `x-ms-throttle-limit-percentage` tells it once past 0.8).
fn earlier_run(sim: &Server) {
    let (app, tenant) = (sim.client_id(), sim.tenant_id());
    sim.throttle_spend(app.as_str(), tenant.as_str(), 1_000, 1_000);
}

fn throttled(s: &StatsSnapshot) -> u64 {
    s.throttling
        .as_ref()
        .map_or(0, |t| t.throttled.values().sum())
}

fn assignments(sim: &Server) -> usize {
    let state = sim.state_dump();
    let mut n = 0;
    for sp in state["servicePrincipals"].as_array().into_iter().flatten() {
        n += sp["assignments"].as_array().map_or(0, Vec::len);
    }
    n
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pacing_keeps_a_5000_write_apply_under_two_percent_throttled() {
    // 400 writes a second come back at 20×.
    let scale = 20.0;
    let sim = server(5_000, scale, &["pacing"]);
    earlier_run(&sim);
    let c = client(&sim, scale);
    let (sp, role) = target(&c, "pacing").await;
    let users = user_ids(&sim, 5_000).await;
    assert!(users.len() >= 5_000, "{}", users.len());
    let before = sim.stats();
    let report = run(&c, &assignment_plan(&sp, &users[..5_000], &role)).await;
    let after = sim.stats();
    assert_eq!(report.summary().failed, 0, "{:?}", report.summary());
    assert_eq!(report.summary().done, 5_000);
    let subrequests: u64 =
        after.batched.values().sum::<u64>() - before.batched.values().sum::<u64>();
    let t = throttled(&after) - throttled(&before);
    assert!(
        t * 50 <= subrequests,
        "{t} throttled of {subrequests} sub-requests (more than 2 %)"
    );
    let writes = after.throttling.as_ref().unwrap().writes_spent;
    assert!(writes >= 5_000, "{writes}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_429_storm_ends_in_success() {
    let scale = 30.0;
    let sim = server(300, scale, &["storm"]);
    let c = client(&sim, scale);
    let (sp, role) = target(&c, "storm").await;
    let users = user_ids(&sim, 300).await;
    // Every request is throttled for 30 s of simulated time (1 s at 30×).
    sim.throttle_storm(Duration::from_secs(30));
    let report = run(&c, &assignment_plan(&sp, &users[..300], &role)).await;
    assert_eq!(report.summary().failed, 0, "{:?}", report.summary());
    assert_eq!(report.summary().done, 300);
    assert_eq!(assignments(&sim), 300);
    let t = sim.stats().throttling.unwrap();
    assert!(t.throttled.get("storm").is_some_and(|n| *n >= 1), "{t:?}");
    assert!(c.pacer().throttled() >= 1, "the pacer saw the storm");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_manifests_applied_together_share_one_budget() {
    let scale = 20.0;
    let sim = server(5_000, scale, &["one", "two"]);
    earlier_run(&sim);
    // One client per manifest, as a caller might build them: same endpoint and identity.
    let (a, b) = (client(&sim, scale), client(&sim, scale));
    assert!(
        std::ptr::eq(a.pacer(), b.pacer()),
        "one budget per tenant and identity"
    );
    let (sp1, role1) = target(&a, "one").await;
    let (sp2, role2) = target(&b, "two").await;
    let users = user_ids(&sim, 5_000).await;
    let (p1, p2) = (
        assignment_plan(&sp1, &users[..2_500], &role1),
        assignment_plan(&sp2, &users[2_500..5_000], &role2),
    );
    let before = sim.stats();
    let (r1, r2) = tokio::join!(run(&a, &p1), run(&b, &p2));
    let after = sim.stats();
    assert_eq!(r1.summary().failed + r2.summary().failed, 0);
    assert_eq!(r1.summary().done + r2.summary().done, 5_000);
    let subrequests: u64 =
        after.batched.values().sum::<u64>() - before.batched.values().sum::<u64>();
    let t = throttled(&after) - throttled(&before);
    assert!(
        t * 50 <= subrequests,
        "{t} throttled of {subrequests}: two bursts of 3,000 would have overrun the quota"
    );
}
