//! The merge half of the end-to-end story (needs `entraprov apply`): apply with the apply
//! identity in the `production` environment converges, the read-only plan identity cannot
//! apply, and the same through `act`.

use crate::e2e::{
    APPLY_CLIENT, Job, MANIFEST, PLAN_CLIENT, PR, PR_SUBJECT, PROD_SUBJECT, assert_no_secret,
    simulator,
};
use crate::fake_github::FakeGithub;
use crate::fake_oidc::FakeOidc;
use crate::tools::{output, text};

#[tokio::test(flavor = "multi_thread")]
async fn apply_on_merge_converges_and_a_new_plan_is_empty() {
    let sim = simulator();
    let (gh_server, github) = FakeGithub::start("").await;
    let (prod_oidc_server, prod_oidc) = FakeOidc::start(PROD_SUBJECT).await;
    let (gh, prod_oidc_url) = (gh_server.uri(), FakeOidc::request_url(&prod_oidc_server));
    let changed = MANIFEST.replace(
        "      role: User\n",
        "      role: User\n    - group: Engineering\n      role: User\n",
    );
    // Merge: apply with the apply identity in the production environment.
    let (r3, out) = Job {
        sim: &sim,
        github: &gh,
        oidc: &prod_oidc_url,
        event: "push",
        client_id: APPLY_CLIENT,
        command: "apply",
        manifest: &changed,
    }
    .run();
    assert!(out.status.success(), "apply: {}", text(&out));
    assert_eq!(output(&r3.outputs(), "exitcode"), Some("0"));
    assert!(
        !r3.read("summary").is_empty(),
        "the apply report is in the summary"
    );
    let summary = r3.read("summary");
    assert!(
        summary.starts_with("### ✅ entraprov apply `entra/app.yaml`: 3 done, 0 failed, 0 skipped"),
        "{summary}"
    );
    assert!(
        summary.contains("Converged: keeper-e2e matches the manifest."),
        "{summary}"
    );
    let copy = output(&r3.outputs(), "summary-file").map(std::fs::read_to_string);
    assert_eq!(
        copy.and_then(Result::ok).as_deref().map(str::trim_end),
        Some(summary.trim_end())
    );
    assert!(prod_oidc.issued.load(std::sync::atomic::Ordering::SeqCst) >= 1);
    assert!(github.bodies(PR).is_empty(), "no comment on push");
    assert_no_secret(&out, &r3);

    // Converged: a new plan shows no changes.
    let (r4, out) = Job {
        sim: &sim,
        github: &gh,
        oidc: &prod_oidc_url,
        event: "push",
        client_id: APPLY_CLIENT,
        command: "plan",
        manifest: &changed,
    }
    .run();
    assert!(out.status.success(), "re-plan: {}", text(&out));
    assert_eq!(
        output(&r4.outputs(), "exitcode"),
        Some("0"),
        "{}",
        text(&out)
    );
    assert_eq!(output(&r4.outputs(), "has-changes"), Some("false"));
    let log = github.state().log.clone();
    assert!(
        log.is_empty(),
        "a push run never calls the comments API: {log:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_read_only_plan_identity_cannot_apply_and_the_job_fails() {
    let sim = simulator();
    let (gh_server, _github) = FakeGithub::start("").await;
    let (oidc_server, _oidc) = FakeOidc::start(PR_SUBJECT).await;
    let (gh, oidc) = (gh_server.uri(), FakeOidc::request_url(&oidc_server));
    let (r, out) = Job {
        sim: &sim,
        github: &gh,
        oidc: &oidc,
        event: "pull_request",
        client_id: PLAN_CLIENT,
        command: "apply",
        manifest: MANIFEST,
    }
    .run();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert_eq!(output(&r.outputs(), "exitcode"), Some("1"));
    assert!(
        text(&out).contains("HTTP 403 Authorization_RequestDenied"),
        "{}",
        text(&out)
    );
    let summary = r.read("summary");
    assert!(
        summary.starts_with("### ❌ entraprov apply `entra/app.yaml`: 0 done, 1 failed, 1 skipped"),
        "{summary}"
    );
    assert_no_secret(&out, &r);
}
