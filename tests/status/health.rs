//! Job state, cycles, steady state, counts, exit codes and the three output formats.

use crate::common::{self, world};
use crate::snap;

#[test]
fn healthy_after_the_initial_cycle_exits_0() {
    let w = world();
    w.start();
    w.advance(90);
    let r = w.status(&[]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(
        r.stdout.contains("keeper-prod (Keeper (prod)): healthy"),
        "{r:?}"
    );
    assert!(r.stdout.contains("User to User 6"), "{r:?}");
    assert!(r.stdout.contains("reached"), "{r:?}");
    snap!("status_healthy_human", &r);
}

#[test]
fn healthy_json_is_versioned_and_carries_counts() {
    let w = world();
    w.start();
    w.advance(30);
    let r = w.status(&["--format", "json"]);
    assert_eq!(r.code, 0, "{r:?}");
    let doc: serde_json::Value = serde_json::from_str(&r.stdout).expect("JSON");
    assert_eq!(doc["format_version"], 1);
    assert_eq!(doc["healthy"], true);
    let app = &doc["apps"][0];
    assert_eq!(app["health"], "healthy");
    assert_eq!(app["job"]["state"], "Active");
    assert_eq!(app["job"]["interval"], "PT40M");
    assert_eq!(app["job"]["steady_state"], true);
    assert_eq!(app["job"]["last_successful_execution"]["exported"], 6);
    common::redacted().bind(|| insta::assert_snapshot!("status_healthy_json", r.stdout));
}

#[test]
fn healthy_markdown_has_a_table() {
    let w = world();
    w.start();
    w.advance(90);
    let r = w.status(&["--format", "markdown"]);
    assert_eq!(r.code, 0, "{r:?}");
    common::redacted().bind(|| insta::assert_snapshot!("status_healthy_markdown", r.stdout));
}

#[test]
fn initial_cycle_in_progress_shows_progress_and_exits_0() {
    let w = world();
    w.start();
    w.advance(10);
    let r = w.status(&[]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stdout.contains("initial cycle in progress"), "{r:?}");
    assert!(
        r.stdout.contains("initial cycle 2/6 objects (33%)"),
        "{r:?}"
    );
    assert!(r.stdout.contains("last cycle    none yet"), "{r:?}");
    snap!("status_in_progress", &r);
}

#[test]
fn never_started_job_is_reported_with_the_drift_and_exits_0() {
    let w = world();
    let r = w.status(&[]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stdout.contains("not started"), "{r:?}");
    assert!(r.stdout.contains("Disabled (not scheduled)"), "{r:?}");
    assert!(
        r.stdout.contains("enabled: true but the job is Disabled"),
        "{r:?}"
    );
    snap!("status_not_started", &r);
}

#[test]
fn paused_job_exits_0_and_says_so() {
    let w = world();
    w.start();
    w.advance(90);
    assert_eq!(w.control("pause", None), 204);
    let r = w.status(&[]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stdout.contains(": paused"), "{r:?}");
    assert!(r.stdout.contains("the job is Paused"), "{r:?}");
}

#[test]
fn failed_last_cycle_exits_3() {
    let w = world();
    w.start();
    w.advance(90);
    w.sim
        .fail_cycles(
            &w.job,
            "SystemForCrossDomainIdentityManagementServiceUnavailable",
        )
        .expect("inject");
    w.advance(45);
    let r = w.status(&[]);
    assert_eq!(r.code, 3, "{r:?}");
    assert!(r.stdout.contains("LAST CYCLE FAILED"), "{r:?}");
    assert!(
        r.stdout
            .contains("error SystemForCrossDomainIdentityManagementServiceUnavailable"),
        "{r:?}"
    );
    snap!("status_last_cycle_failed", &r);
}

#[test]
fn app_not_applied_yet_exits_1_with_what_to_do() {
    let w = world();
    let other = w.dir.path().join("other.yaml");
    std::fs::write(&other, common::manifest_text("keeper-test", true)).expect("manifest");
    let r = common::run(w.cmd().arg("status").arg(&other));
    assert_eq!(r.code, 1, "{r:?}");
    assert!(
        r.stdout.contains("no app is tagged entraprov:keeper-test"),
        "{r:?}"
    );
    assert!(r.stdout.contains("entraprov apply"), "{r:?}");
}

#[test]
fn several_manifests_exit_with_the_worst_health() {
    let w = world();
    w.start();
    w.advance(90);
    w.sim.inject_quarantine(&w.job, "Unknown").expect("inject");
    let healthy_missing = w.dir.path().join("other.yaml");
    std::fs::write(&healthy_missing, common::manifest_text("keeper-test", true)).expect("write");
    // quarantined (3) and not found (1): error wins
    let r = common::run(w.cmd().arg("status").arg(w.dir.path()));
    assert_eq!(r.code, 1, "{r:?}");
    assert!(r.stdout.contains("QUARANTINED"), "{r:?}");
}

#[test]
fn bad_since_is_a_usage_error() {
    let w = world();
    let r = w.status(&["--since", "24"]);
    // Usage errors exit 1 (issue #13: clap's 2 read as "changes present" in CI).
    assert_eq!(r.code, 1, "{r:?}");
    assert!(r.stderr.contains("needs a unit"), "{r:?}");
}

#[test]
fn under_github_actions_the_summary_and_outputs_are_written() {
    let w = world();
    w.start();
    w.advance(90);
    w.sim
        .inject_quarantine(&w.job, "TooManyDeletes")
        .expect("inject");
    let summary = w.dir.path().join("summary.md");
    let outputs = w.dir.path().join("outputs.txt");
    let mut cmd = w.cmd();
    cmd.env("GITHUB_ACTIONS", "true")
        .env("GITHUB_STEP_SUMMARY", &summary)
        .env("GITHUB_OUTPUT", &outputs);
    let r = common::run(cmd.arg("status").arg(&w.manifest));
    assert_eq!(r.code, 3, "{r:?}");
    let md = std::fs::read_to_string(&summary).expect("summary");
    assert!(md.contains("### ❌ `keeper-prod`"), "{md}");
    assert!(md.contains("**Quarantine: `TooManyDeletes`**"), "{md}");
    let out = std::fs::read_to_string(&outputs).expect("outputs");
    let lines: Vec<&str> = out.lines().collect();
    let value = |name: &str| {
        let i = lines
            .iter()
            .position(|l| l.starts_with(&format!("{name}<<")));
        i.and_then(|i| lines.get(i + 1)).copied()
    };
    assert_eq!(value("healthy"), Some("false"), "{out}");
    assert_eq!(value("exit-code"), Some("3"), "{out}");
}

#[test]
fn a_healthy_status_takes_four_graph_requests() {
    let w = world();
    w.start();
    w.advance(90);
    let before = w.requests("GET /v1.0/");
    let r = w.status(&[]);
    assert_eq!(r.code, 0, "{r:?}");
    let graph = w.requests("GET /v1.0/") - before;
    // app by tag, job list, job (with progress), one page of logs
    println!("graph requests for one status: {graph}");
    assert_eq!(graph, 4, "{:?}", w.sim.stats().by_route);
}
