//! Provisioning logs: failed and skipped entries grouped by error code, paging, `--since`,
//! the simulator's strict `$filter`, and a token without AuditLog.Read.All.

use entraprov::sim::OnDemandOutcome;
use serde_json::Value;

use crate::common::{self, World, http, world, world_with};
use crate::snap;

fn failing_world() -> World {
    let fail = |code: &str, msg: &str| OnDemandOutcome::Failure {
        code: code.into(),
        message: msg.into(),
    };
    world_with(vec![
        (
            "carol@contoso.example".into(),
            fail(
                "SystemForCrossDomainIdentityManagementBadRequest",
                "The SCIM endpoint answered 400: attribute 'emails' is required.",
            ),
        ),
        (
            "dave@contoso.example".into(),
            fail(
                "SystemForCrossDomainIdentityManagementBadRequest",
                "The SCIM endpoint answered 400: attribute 'emails' is required.",
            ),
        ),
        (
            "erin@contoso.example".into(),
            fail(
                "EntryConflict",
                "A user with this userName already exists in the target.",
            ),
        ),
        ("frank@contoso.example".into(), OnDemandOutcome::Skipped),
    ])
}

#[test]
fn failed_and_skipped_entries_are_grouped_by_error_code() {
    let w = failing_world();
    w.start();
    w.advance(90);
    let r = w.status(&[]);
    // entry-level errors are not a failed cycle: exit 0, but said loudly
    assert_eq!(r.code, 0, "{r:?}");
    assert!(
        r.stdout.contains("healthy, with entry-level errors"),
        "{r:?}"
    );
    // initial cycle: 2 + 1 failures; the incremental cycle retries them: 4 + 2
    assert!(
        r.stdout
            .contains("SystemForCrossDomainIdentityManagementBadRequest (failure) ×4 (2 users)"),
        "{r:?}"
    );
    assert!(
        r.stdout.contains("EntryConflict (failure) ×2 (1 user)"),
        "{r:?}"
    );
    assert!(
        r.stdout
            .contains("NotEffectivelyEntitled (skipped) ×1 (1 user)"),
        "{r:?}"
    );
    assert!(r.stdout.contains("carol@contoso.example create"), "{r:?}");
    snap!("status_failed_entries", &r);
    let md = w.status(&["--format", "markdown"]);
    common::redacted()
        .bind(|| insta::assert_snapshot!("status_failed_entries_markdown", md.stdout));
}

#[test]
fn logs_are_read_through_every_page() {
    let w = failing_world();
    w.start();
    w.advance(90);
    let before = w.requests("GET /v1.0/auditLogs/provisioning");
    let r = w.status(&["--log-page-size", "2", "--format", "json"]);
    assert_eq!(r.code, 0, "{r:?}");
    let pages = w.requests("GET /v1.0/auditLogs/provisioning") - before;
    // 6 entries of the initial cycle + 3 retries = 9 entries, 2 per page
    let doc: Value = serde_json::from_str(&r.stdout).expect("JSON");
    assert_eq!(doc["apps"][0]["problems"]["entries_read"], 9, "{r:?}");
    assert_eq!(pages, 5, "5 pages of 2");
}

#[test]
fn since_limits_the_window() {
    let w = failing_world();
    // run everything three days in the (simulated) past
    let (s, _) = http(
        "POST",
        &format!("{}/_sim/clock/advance/-259200", w.sim.url()),
        None,
        None,
    );
    assert_eq!(s, 200);
    w.start();
    w.advance(90);
    let r = w.status(&["--since", "24h"]);
    assert!(r.stdout.contains("recent problems: none since"), "{r:?}");
    let r = w.status(&["--since", "7d"]);
    assert!(r.stdout.contains("EntryConflict (failure)"), "{r:?}");
}

fn logs(w: &World, query: &str, token: &str) -> (u16, Value) {
    let url = format!("{}/auditLogs/provisioning?{query}", w.sim.graph_url());
    http("GET", &url, Some(token), None)
}

#[test]
fn simulator_filters_by_job_and_service_principal_and_pages() {
    let w = failing_world();
    w.start();
    w.advance(90);
    let t = w.sim.token();
    let (s, by_job) = logs(&w, &format!("$filter=jobId eq '{}'", w.job), &t);
    assert_eq!(s, 200);
    assert_eq!(by_job["value"].as_array().map(Vec::len), Some(9));
    let (_, by_sp) = logs(
        &w,
        &format!("$filter=servicePrincipal/id eq '{}'", w.sp),
        &t,
    );
    assert_eq!(by_sp["value"], by_job["value"]);
    let (_, none) = logs(&w, "$filter=jobId eq 'other'", &t);
    assert_eq!(none["value"], serde_json::json!([]));
    // case-sensitive, as Graph's provisioning filters are
    let upper = w.job.to_uppercase();
    let (_, none) = logs(&w, &format!("$filter=jobId eq '{upper}'"), &t);
    assert_eq!(none["value"], serde_json::json!([]));
    let (_, failures) = logs(&w, "$filter=provisioningStatusInfo/status eq 'failure'", &t);
    assert_eq!(failures["value"].as_array().map(Vec::len), Some(6));
    // paging: $top=4 → 3 pages
    let (_, mut page) = logs(&w, &format!("$filter=jobId eq '{}'&$top=4", w.job), &t);
    let mut sizes = vec![page["value"].as_array().map_or(0, Vec::len)];
    while let Some(next) = page["@odata.nextLink"].as_str().map(str::to_owned) {
        page = http("GET", &next, Some(&t), None).1;
        sizes.push(page["value"].as_array().map_or(0, Vec::len));
    }
    assert_eq!(sizes, vec![4, 4, 1]);
    // newest first
    let times: Vec<&str> = by_job["value"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| e["activityDateTime"].as_str())
        .collect();
    let mut sorted = times.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(times, sorted);
}

#[test]
fn simulator_refuses_unsupported_filters_and_missing_permission() {
    let w = world();
    let (s, body) = logs(&w, "$filter=userPrincipalName eq 'x'", &w.sim.token());
    assert_eq!(s, 400);
    assert_eq!(body["error"]["code"], "Request_UnsupportedQuery");
    let (s, _) = logs(&w, "$filter=activityDateTime ge yesterday", &w.sim.token());
    assert_eq!(s, 400);
    let (s, _) = logs(&w, "$top=0", &w.sim.token());
    assert_eq!(s, 400);
    let no_audit = w
        .sim
        .token_with_roles(&["Application.Read.All", "Synchronization.Read.All"]);
    let (s, body) = logs(&w, "", &no_audit);
    assert_eq!(s, 403, "{body}");
}

#[test]
fn without_audit_log_permission_the_job_status_is_still_shown() {
    let w = world();
    w.start();
    w.advance(90);
    let token = w
        .sim
        .token_with_roles(&["Application.Read.All", "Synchronization.Read.All"]);
    let mut cmd = w.cmd();
    cmd.env_remove("AZURE_CLIENT_SECRET")
        .env_remove("AZURE_CLIENT_ID")
        .env("ENTRAPROV_ACCESS_TOKEN", token);
    let r = common::run(cmd.arg("status").arg(&w.manifest));
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stdout.contains(": healthy"), "{r:?}");
    assert!(r.stdout.contains("provisioning logs unavailable"), "{r:?}");
    assert!(r.stdout.contains("AuditLog.Read.All"), "{r:?}");
}

#[test]
fn a_graph_failure_exits_1_naming_the_missing_permission() {
    let w = world();
    w.start();
    let token = w.sim.token_with_roles(&["Application.Read.All"]);
    let mut cmd = w.cmd();
    cmd.env_remove("AZURE_CLIENT_SECRET")
        .env_remove("AZURE_CLIENT_ID")
        .env("ENTRAPROV_ACCESS_TOKEN", token);
    let r = common::run(cmd.arg("status").arg(&w.manifest));
    assert_eq!(r.code, 1, "{r:?}");
    assert!(r.stderr.contains("Synchronization.Read.All"), "{r:?}");
    assert!(r.stderr.contains("request-id"), "{r:?}");
    snap!("status_graph_error", &r);
}
