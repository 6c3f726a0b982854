//! The end-to-end story through `act` (host mode, `-P ubuntu-latest=-self-hosted`): the
//! composite action exactly as GitHub runs it, with the real binary, the simulator and the
//! fake GitHub API and OIDC issuer.

use crate::e2e::{APPLY_CLIENT, MANIFEST, PLAN_CLIENT, PR, PR_SUBJECT, PROD_SUBJECT, simulator};
use crate::fake_github::{FakeGithub, TOKEN};
use crate::fake_oidc::{FakeOidc, REQUEST_TOKEN};
use crate::tools::text;
use entraprov::sim::Server;

const ACT_WORKFLOW: &str = r#"name: entraprov-e2e
on: [pull_request, push]
permissions: {}
jobs:
  entraprov:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v5
      - id: ep
        uses: ./
        with:
          command: __COMMAND__
          path: entra/app.yaml
          tenant-id: __TENANT__
          client-id: __CLIENT__
          binary: __BIN__
      - run: echo "RESULT exitcode=$EXITCODE has-changes=$HAS"
        env:
          EXITCODE: ${{ steps.ep.outputs.exitcode }}
          HAS: ${{ steps.ep.outputs.has-changes }}
"#;

/// One workflow run through `act` in host mode: the composite action as GitHub runs it.
/// Returns act's stdout (the `RESULT …` line carries the action's outputs).
pub fn act_job(
    sim: &Server,
    github: &str,
    event: &str,
    command: &str,
    client: &str,
    oidc: &str,
) -> String {
    use crate::act::{ActRepo, stdout};
    let act = ActRepo::new();
    let wf = ACT_WORKFLOW
        .replace("__COMMAND__", command)
        .replace("__TENANT__", sim.tenant_id().as_str())
        .replace("__CLIENT__", client)
        .replace("__BIN__", env!("CARGO_BIN_EXE_entraprov"));
    act.write(".github/workflows/e2e.yml", &wf);
    act.write("entra/app.yaml", MANIFEST);
    let payload = if event == "pull_request" {
        serde_json::json!({"action": "opened", "number": PR, "pull_request": {"number": PR}})
    } else {
        serde_json::json!({"ref": "refs/heads/main", "after": "0123abcd"})
    };
    let out = act.run(
        event,
        &payload,
        &[("GITHUB_TOKEN", TOKEN)],
        &[
            ("GITHUB_API_URL", github),
            ("GITHUB_REPOSITORY", "contoso/entra"),
            ("ACTIONS_ID_TOKEN_REQUEST_URL", oidc),
            ("ACTIONS_ID_TOKEN_REQUEST_TOKEN", REQUEST_TOKEN),
            ("ENTRAPROV_GRAPH_URL", sim.url()),
            ("ENTRAPROV_AUTHORITY_URL", sim.url()),
        ],
    );
    assert!(
        out.status.success(),
        "act {event} {command}: {}",
        text(&out)
    );
    stdout(&out)
}

#[tokio::test(flavor = "multi_thread")]
async fn act_runs_the_composite_action_for_two_pull_request_pushes_with_one_comment() {
    let sim = simulator();
    let (gh_server, github) = FakeGithub::start("").await;
    let (pr_oidc, _) = FakeOidc::start(PR_SUBJECT).await;
    let (gh, url) = (gh_server.uri(), FakeOidc::request_url(&pr_oidc));
    let first = act_job(&sim, &gh, "pull_request", "plan", PLAN_CLIENT, &url);
    assert!(
        first.contains("RESULT exitcode=2 has-changes=true"),
        "{first}"
    );
    assert!(
        first.contains("posted the plan as a pull-request comment"),
        "{first}"
    );
    let id = github.bodies(PR)[0].0;
    let second = act_job(&sim, &gh, "pull_request", "plan", PLAN_CLIENT, &url);
    assert!(
        second.contains("RESULT exitcode=2 has-changes=true"),
        "{second}"
    );
    assert!(
        second.contains("the plan comment is up to date"),
        "{second}"
    );
    assert_eq!(
        github.bodies(PR).iter().map(|c| c.0).collect::<Vec<_>>(),
        [id],
        "one comment"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn act_applies_on_push_and_the_next_plan_is_empty() {
    let sim = simulator();
    let (gh_server, _github) = FakeGithub::start("").await;
    let (prod_oidc, _) = FakeOidc::start(PROD_SUBJECT).await;
    let (gh, url) = (gh_server.uri(), FakeOidc::request_url(&prod_oidc));
    let applied = act_job(&sim, &gh, "push", "apply", APPLY_CLIENT, &url);
    assert!(applied.contains("RESULT exitcode=0"), "{applied}");
    let after = act_job(&sim, &gh, "push", "plan", APPLY_CLIENT, &url);
    assert!(
        after.contains("RESULT exitcode=0 has-changes=false"),
        "{after}"
    );
}
