//! The scheduled drift check end to end: the action's scripts with `command: drift` run the
//! real binary against the simulator (plan identity, GitHub OIDC for the default branch) and
//! the fake GitHub API. Drift opens one issue per manifest, a later run updates the same issue,
//! and once the tenant matches (after an apply) the issue is commented on and closed. The same
//! workflow file that `examples/workflows/entraprov-drift.yml` ships also runs through `act`.

use crate::e2e::{APPLY_CLIENT, Job, MANIFEST, PLAN_CLIENT, PROD_SUBJECT, federated};
use crate::fake_github::{FakeGithub, TOKEN};
use crate::fake_oidc::{FakeOidc, REQUEST_TOKEN};
use crate::tools::{output, root, text};
use entraprov::sim::config::{APPLY_ROLES, PLAN_ROLES};
use entraprov::sim::{Server, SimConfig};

/// The subject of a scheduled run's OIDC token (the default branch).
pub const MAIN_SUBJECT: &str = "repo:contoso/entra:ref:refs/heads/main";
const MARKER: &str = "<!-- entraprov: drift entra/app.yaml -->\n";

fn simulator() -> Server {
    Server::start(SimConfig {
        clients: vec![
            federated("entraprov-apply", APPLY_CLIENT, PROD_SUBJECT, APPLY_ROLES),
            federated("entraprov-plan", PLAN_CLIENT, MAIN_SUBJECT, PLAN_ROLES),
        ],
        ..SimConfig::default()
    })
    .expect("simulator")
}

fn tenant_writes(sim: &Server) -> Vec<String> {
    let stats = sim.stats();
    stats
        .by_route
        .keys()
        .chain(stats.batched.keys())
        .filter(|k| !k.starts_with("GET ") && !k.contains("/oauth2/") && !k.ends_with("/$batch"))
        .cloned()
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn drift_opens_one_issue_updates_it_in_place_and_closes_it_when_the_drift_is_gone() {
    let sim = simulator();
    let (gh_server, github) = FakeGithub::start("").await;
    let (main_oidc, _) = FakeOidc::start(MAIN_SUBJECT).await;
    let (prod_oidc, _) = FakeOidc::start(PROD_SUBJECT).await;
    let (gh, main_url, prod_url) = (
        gh_server.uri(),
        FakeOidc::request_url(&main_oidc),
        FakeOidc::request_url(&prod_oidc),
    );
    // A person's issue with the same marker is never taken over.
    let foreign = github.seed_issue("mallory", "copy", MARKER, &["entraprov-drift"]);
    let drift = |manifest| Job {
        sim: &sim,
        github: &gh,
        oidc: &main_url,
        event: "schedule",
        client_id: PLAN_CLIENT,
        command: "drift",
        manifest,
    };

    // 1. The app does not exist yet: drift, one new issue with the plan.
    let (r, out) = drift(MANIFEST).run();
    assert!(out.status.success(), "drift #1: {}", text(&out));
    assert_eq!(output(&r.outputs(), "exitcode"), Some("2"));
    assert_eq!(output(&r.outputs(), "has-changes"), Some("true"));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains(
            "entra/app.yaml: drift found: opened https://github.com/contoso/entra/issues/101"
        ),
        "{stdout}"
    );
    let issues = github.issues();
    assert_eq!(issues.len(), 2, "{issues:?}");
    let (number, state, title, body) = issues[1].clone();
    assert_eq!((number, state.as_str()), (101, "open"));
    assert_eq!(title, "entraprov: drift in entra/app.yaml");
    assert!(
        body.starts_with(MARKER) && body.contains("keeper-e2e"),
        "{body}"
    );
    assert!(r.read("summary").contains("keeper-e2e"));
    assert!(tenant_writes(&sim).is_empty(), "{:?}", tenant_writes(&sim));

    // 2. Nothing changed: the issue already shows the plan; nothing is written.
    let (_, out) = drift(MANIFEST).run();
    assert!(out.status.success(), "drift #2: {}", text(&out));
    assert!(
        text(&out).contains("already shows this plan"),
        "{}",
        text(&out)
    );
    assert_eq!(github.issues().len(), 2);

    // 3. The plan changes: the SAME issue gets the new plan.
    let changed = MANIFEST.replace(
        "      role: User\n",
        "      role: User\n    - group: Engineering\n      role: User\n",
    );
    let (_, out) = drift(&changed).run();
    assert!(out.status.success(), "drift #3: {}", text(&out));
    assert!(
        text(&out).contains("drift found: updated https://github.com/contoso/entra/issues/101"),
        "{}",
        text(&out)
    );
    let issues = github.issues();
    assert_eq!(issues.len(), 2);
    assert!(issues[1].3.contains("Engineering"), "{}", issues[1].3);

    // 4. The change is applied; the next check finds no drift and closes the issue.
    let (_, out) = Job {
        oidc: &prod_url,
        event: "push",
        client_id: APPLY_CLIENT,
        command: "apply",
        ..drift(&changed)
    }
    .run();
    assert!(out.status.success(), "apply: {}", text(&out));
    let (r, out) = drift(&changed).run();
    assert!(out.status.success(), "drift #4: {}", text(&out));
    assert_eq!(output(&r.outputs(), "exitcode"), Some("0"));
    assert_eq!(output(&r.outputs(), "has-changes"), Some("false"));
    assert!(
        text(&out)
            .contains("no drift any more: closed https://github.com/contoso/entra/issues/101"),
        "{}",
        text(&out)
    );
    let issues = github.issues();
    assert_eq!(issues[1].1, "closed");
    assert_eq!(github.state().issues[1]["state_reason"], "completed");
    let closing = github.bodies(101);
    assert_eq!(closing.len(), 1, "{closing:?}");
    assert!(
        closing[0].2.contains("found no drift: closing"),
        "{closing:?}"
    );
    assert_eq!(
        issues[0],
        (foreign, "open".into(), "copy".into(), MARKER.into())
    );

    // 5. In sync and no open issue: nothing is written at all.
    let before = github.state().log.len();
    let (_, out) = drift(&changed).run();
    assert!(out.status.success(), "drift #5: {}", text(&out));
    let log = github.state().log[before..].to_vec();
    assert!(log.iter().all(|l| l.starts_with("GET ")), "{log:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn act_runs_the_example_drift_workflow_and_opens_the_issue() {
    let sim = simulator();
    let (gh_server, github) = FakeGithub::start("").await;
    let (main_oidc, _) = FakeOidc::start(MAIN_SUBJECT).await;
    let wf = std::fs::read_to_string(root().join("examples/workflows/entraprov-drift.yml"))
        .expect("example");
    let uses = wf
        .lines()
        .find(|l| l.trim_start().starts_with("uses: entraprov/entraprov@"))
        .expect("the example uses the action");
    let indent = " ".repeat(uses.len() - uses.trim_start().len());
    let local = format!(
        "{indent}uses: ./\n{indent}with:\n{indent}  binary: {}",
        env!("CARGO_BIN_EXE_entraprov")
    );
    let wf = wf
        .replace(&format!("{uses}\n{indent}with:"), &local)
        .replace("${{ vars.ENTRA_TENANT_ID }}", sim.tenant_id().as_str())
        .replace("${{ vars.ENTRA_PLAN_CLIENT_ID }}", PLAN_CLIENT);
    assert!(wf.contains("uses: ./\n"), "{wf}");
    let act = crate::act::ActRepo::new();
    act.write(".github/workflows/drift.yml", &wf);
    act.write("entra/app.yaml", MANIFEST);
    let out = act.run(
        "schedule",
        &serde_json::json!({"schedule": "17 6 * * *"}),
        &[("GITHUB_TOKEN", TOKEN)],
        &[
            ("GITHUB_API_URL", &gh_server.uri()),
            ("GITHUB_REPOSITORY", "contoso/entra"),
            (
                "ACTIONS_ID_TOKEN_REQUEST_URL",
                &FakeOidc::request_url(&main_oidc),
            ),
            ("ACTIONS_ID_TOKEN_REQUEST_TOKEN", REQUEST_TOKEN),
            ("ENTRAPROV_GRAPH_URL", sim.url()),
            ("ENTRAPROV_AUTHORITY_URL", sim.url()),
        ],
    );
    assert!(out.status.success(), "act schedule: {}", text(&out));
    let issues = github.issues();
    assert_eq!(issues.len(), 1, "{issues:?}\n{}", text(&out));
    assert!(issues[0].3.starts_with(MARKER), "{issues:?}");
    assert!(text(&out).contains("drift found: opened"), "{}", text(&out));
}
