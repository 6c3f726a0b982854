//! `github::Context` against the fake GitHub REST API: one sticky comment per manifest,
//! pagination, truncation, authorship, retries without duplicates, errors without the token.

use crate::fake_github::{FakeGithub, Fault, OWNER, REPO, TOKEN};
use entraprov::github::{CommentOutcome, Context, GithubError, SkipReason};
use std::collections::HashMap;

const PR: u64 = 17;

struct Env {
    _dir: tempfile::TempDir,
    vars: HashMap<String, String>,
}

impl Env {
    fn new(api: &str, event: &str) -> Self {
        let dir = tempfile::tempdir().expect("tmp");
        let ev = dir.path().join("event.json");
        let payload = if event == "push" {
            serde_json::json!({"ref": "refs/heads/main", "after": "abc"})
        } else {
            serde_json::json!({"action": "synchronize", "number": PR, "pull_request": {"number": PR}})
        };
        std::fs::write(&ev, payload.to_string()).expect("event");
        let vars = [
            ("GITHUB_ACTIONS", "true"),
            ("GITHUB_API_URL", api),
            ("GITHUB_SERVER_URL", "https://github.com"),
            ("GITHUB_REPOSITORY", &format!("{OWNER}/{REPO}")),
            ("GITHUB_RUN_ID", "4242"),
            ("GITHUB_EVENT_NAME", event),
            ("GITHUB_EVENT_PATH", ev.to_str().expect("utf8")),
            ("GITHUB_TOKEN", TOKEN),
        ]
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
        Env { _dir: dir, vars }
    }
    fn set(mut self, k: &str, v: &str) -> Self {
        self.vars.insert(k.into(), v.into());
        self
    }
    fn ctx(&self) -> Context {
        Context::from_env(&self.vars)
            .expect("valid env")
            .expect("GITHUB_ACTIONS=true")
    }
}

async fn setup() -> (wiremock::MockServer, FakeGithub, Env) {
    let (server, fake) = FakeGithub::start("").await;
    let env = Env::new(&server.uri(), "pull_request");
    (server, fake, env)
}

#[tokio::test]
async fn first_plan_creates_one_comment_and_second_plan_updates_it_in_place() {
    let (_s, fake, env) = setup().await;
    fake.seed(PR, "alice", "LGTM once the plan is green");
    let ctx = env.ctx();
    let first = ctx
        .upsert_comment("entra/keeper.yaml", "Plan: 1 to add")
        .await
        .expect("create");
    let CommentOutcome::Created { id, url } = first else {
        panic!("expected Created, got {first:?}")
    };
    assert_eq!(
        url,
        format!("https://github.com/{OWNER}/{REPO}/pull/{PR}#issuecomment-{id}")
    );
    let second = ctx
        .upsert_comment("entra/keeper.yaml", "Plan: 2 to add")
        .await
        .expect("update");
    assert_eq!(
        second,
        CommentOutcome::Updated {
            id,
            url: url.clone()
        }
    );
    let bodies = fake.bodies(PR);
    assert_eq!(bodies.len(), 2, "one human comment and ONE plan comment");
    assert_eq!(
        bodies[1],
        (
            id.0,
            "github-actions[bot]".into(),
            "<!-- entraprov: entra/keeper.yaml -->\nPlan: 2 to add".into()
        )
    );
    assert_eq!(bodies[0].2, "LGTM once the plan is green");
    let third = ctx
        .upsert_comment("entra/keeper.yaml", "Plan: 2 to add")
        .await
        .expect("same");
    assert_eq!(third, CommentOutcome::Unchanged { id, url });
    let log = fake.state().log.clone();
    assert_eq!(
        log,
        [
            format!("GET /repos/{OWNER}/{REPO}/issues/{PR}/comments?per_page=100"),
            format!("POST /repos/{OWNER}/{REPO}/issues/{PR}/comments"),
            format!("GET /repos/{OWNER}/{REPO}/issues/{PR}/comments?per_page=100"),
            format!("PATCH /repos/{OWNER}/{REPO}/issues/comments/{id}"),
            format!("GET /repos/{OWNER}/{REPO}/issues/{PR}/comments?per_page=100"),
        ]
    );
}

#[tokio::test]
async fn the_comment_is_found_on_a_later_page_by_following_link_headers() {
    let (_s, fake, env) = setup().await;
    for i in 0..230 {
        fake.seed(PR, "bob", &format!("comment {i}"));
    }
    let ours = fake.seed(
        PR,
        "github-actions[bot]",
        "<!-- entraprov: entra/keeper.yaml -->\nold plan",
    );
    for i in 0..20 {
        fake.seed(PR, "bob", &format!("later {i}"));
    }
    let out = env
        .ctx()
        .upsert_comment("entra/keeper.yaml", "new plan")
        .await
        .expect("update");
    assert!(
        matches!(out, CommentOutcome::Updated { id, .. } if id.0 == ours),
        "{out:?} {:?}",
        fake.state().log
    );
    let log = fake.state().log.clone();
    let gets: Vec<&String> = log.iter().filter(|l| l.starts_with("GET")).collect();
    assert_eq!(gets.len(), 3, "{gets:?}");
    assert!(gets[2].ends_with("per_page=100&page=3"), "{gets:?}");
    assert_eq!(fake.bodies(PR).len(), 251);
}

#[tokio::test]
async fn a_human_comment_quoting_the_marker_is_never_edited() {
    let (_s, fake, env) = setup().await;
    let human = fake.seed(
        PR,
        "mallory",
        "<!-- entraprov: entra/keeper.yaml -->\nfake plan: no changes",
    );
    let out = env
        .ctx()
        .upsert_comment("entra/keeper.yaml", "Plan: 1 to remove")
        .await
        .expect("create");
    assert!(matches!(out, CommentOutcome::Created { .. }), "{out:?}");
    let bodies = fake.bodies(PR);
    assert_eq!(
        bodies[0],
        (
            human,
            "mallory".into(),
            "<!-- entraprov: entra/keeper.yaml -->\nfake plan: no changes".into()
        )
    );
}

#[tokio::test]
async fn a_configured_author_login_is_matched_instead_of_the_bot_type() {
    let (_s, fake, env) = setup().await;
    let mine = fake.seed(PR, "entra-ci-user", "<!-- entraprov: m -->\nold");
    let env = env.set("ENTRAPROV_GITHUB_COMMENT_AUTHOR", "Entra-CI-User");
    let ctx = env.ctx();
    let out = ctx.upsert_comment("m", "new").await.expect("update");
    assert!(
        matches!(out, CommentOutcome::Updated { id, .. } if id.0 == mine),
        "{out:?}"
    );
}

#[tokio::test]
async fn each_manifest_gets_its_own_comment() {
    let (_s, fake, env) = setup().await;
    let ctx = env.ctx();
    ctx.upsert_comment("entra/keeper.yaml", "a")
        .await
        .expect("a");
    ctx.upsert_comment("entra/other.yaml", "b")
        .await
        .expect("b");
    ctx.upsert_comment("entra/keeper.yaml", "a2")
        .await
        .expect("a2");
    let bodies: Vec<String> = fake.bodies(PR).into_iter().map(|b| b.2).collect();
    assert_eq!(
        bodies,
        [
            "<!-- entraprov: entra/keeper.yaml -->\na2",
            "<!-- entraprov: entra/other.yaml -->\nb"
        ]
    );
}

#[tokio::test]
async fn an_oversized_plan_is_truncated_so_github_accepts_it_and_links_the_summary() {
    let (_s, fake, env) = setup().await;
    let plan = format!(
        "## Plan\n```\n{}```\n",
        "~ mapping[users].attribute[name.givenName]\n".repeat(3_000)
    );
    assert!(plan.len() > 100_000);
    let out = env
        .ctx()
        .upsert_comment("m", &plan)
        .await
        .expect("accepted");
    assert!(matches!(out, CommentOutcome::Created { .. }), "{out:?}");
    let body = fake.bodies(PR)[0].2.clone();
    assert!(body.chars().count() < 65_536);
    assert!(body.ends_with(&format!(
        "The full plan is in the [job summary](https://github.com/{OWNER}/{REPO}/actions/runs/4242).\n"
    )));
}

#[tokio::test]
async fn a_lost_create_response_is_retried_without_creating_a_second_comment() {
    let (_s, fake, env) = setup().await;
    // GitHub creates the comment but the response is a 502; then a 503 on the next list.
    fake.state().faults.push(Fault {
        method: "POST",
        status: 502,
        after_write: true,
    });
    fake.state().faults.push(Fault {
        method: "GET",
        status: 503,
        after_write: false,
    });
    let out = env
        .ctx()
        .upsert_comment("m", "plan")
        .await
        .expect("eventually ok");
    assert!(matches!(out, CommentOutcome::Unchanged { .. }), "{out:?}");
    assert_eq!(fake.bodies(PR).len(), 1, "no duplicate comment");
}

#[tokio::test]
async fn a_read_only_token_fails_with_a_fork_hint_and_no_token_in_the_message() {
    let (_s, fake, env) = setup().await;
    fake.state().faults.push(Fault {
        method: "POST",
        status: 403,
        after_write: false,
    });
    let err = env
        .ctx()
        .upsert_comment("m", "plan")
        .await
        .expect_err("forbidden");
    assert!(
        matches!(err, GithubError::Api { status: 403, .. }),
        "{err:?}"
    );
    let msg = err.to_string();
    let shown = format!("{msg}\n{:?}", miette::Report::new(err));
    assert!(
        shown.contains(&format!(
            "GitHub API POST /repos/{OWNER}/{REPO}/issues/{PR}/comments failed with 403"
        )),
        "{shown}"
    );
    assert!(shown.contains("forks"), "{shown}");
    assert!(shown.contains("E0907"), "{shown}");
    assert!(!shown.contains(TOKEN), "token leaked: {shown}");
    assert!(fake.bodies(PR).is_empty());
}

#[tokio::test]
async fn bad_credentials_are_reported_with_status_and_message() {
    let (_s, _fake, env) = setup().await;
    let env = env.set("GITHUB_TOKEN", "wrong");
    let err = env.ctx().upsert_comment("m", "p").await.expect_err("401");
    assert_eq!(
        err.to_string(),
        format!(
            "GitHub API GET /repos/{OWNER}/{REPO}/issues/{PR}/comments failed with 401: Bad credentials"
        )
    );
}

#[tokio::test]
async fn nothing_is_sent_for_a_push_when_disabled_or_without_a_token() {
    let (server, fake, _) = setup().await;
    let push = Env::new(&server.uri(), "push");
    assert_eq!(
        push.ctx().upsert_comment("m", "p").await.expect("ok"),
        CommentOutcome::Skipped(SkipReason::NotPullRequest)
    );
    let off = Env::new(&server.uri(), "pull_request").set("ENTRAPROV_GITHUB_COMMENT", "false");
    assert_eq!(
        off.ctx().upsert_comment("m", "p").await.expect("ok"),
        CommentOutcome::Skipped(SkipReason::Disabled)
    );
    let mut no_token = Env::new(&server.uri(), "pull_request");
    no_token.vars.remove("GITHUB_TOKEN");
    assert_eq!(
        no_token.ctx().upsert_comment("m", "p").await.expect("ok"),
        CommentOutcome::Skipped(SkipReason::NoToken)
    );
    assert!(fake.state().log.is_empty());
}

#[tokio::test]
async fn github_enterprise_server_api_path_is_kept() {
    let (server, fake) = FakeGithub::start("/api/v3").await;
    let env = Env::new(&format!("{}/api/v3", server.uri()), "pull_request");
    let out = env.ctx().upsert_comment("m", "p").await.expect("ghes");
    assert!(matches!(out, CommentOutcome::Created { .. }), "{out:?}");
    assert!(fake.state().log[0].starts_with(&format!(
        "GET /api/v3/repos/{OWNER}/{REPO}/issues/{PR}/comments"
    )));
}

#[tokio::test]
async fn a_pagination_link_to_another_host_is_not_followed() {
    let (_s, fake, env) = setup().await;
    let (elsewhere, other) = FakeGithub::start("").await;
    for i in 0..150 {
        fake.seed(PR, "bob", &format!("c{i}"));
    }
    fake.state().foreign_next = Some(format!(
        "{}/repos/{OWNER}/{REPO}/issues/{PR}/comments?page=2",
        elsewhere.uri()
    ));
    let out = env.ctx().upsert_comment("m", "p").await.expect("created");
    assert!(matches!(out, CommentOutcome::Created { .. }), "{out:?}");
    assert!(
        other.state().log.is_empty(),
        "the token went to another host"
    );
}

#[tokio::test]
async fn publish_writes_the_summary_and_turns_a_comment_failure_into_a_warning() {
    let (_s, fake, env) = setup().await;
    let dir = tempfile::tempdir().expect("tmp");
    let summary = dir.path().join("summary.md");
    let env = env.set("GITHUB_STEP_SUMMARY", summary.to_str().expect("utf8"));
    let ctx = env.ctx();
    let line = ctx.publish("m", "## Plan\n+ app").await.expect("published");
    let line = line.expect("a line about the comment");
    assert!(
        line.starts_with("posted the plan as a pull-request comment: https://github.com/"),
        "{line}"
    );
    fake.state().faults.push(Fault {
        method: "GET",
        status: 403,
        after_write: false,
    });
    let line = ctx
        .publish("m", "## Plan\n~ app")
        .await
        .expect("summary still written");
    let line = line.expect("a warning");
    assert!(line.starts_with("::warning title=entraprov comment::could not write the pull-request comment: GitHub API GET "), "{line}");
    assert!(
        line.contains("forks") && !line.contains('\n') && !line.contains(TOKEN),
        "{line}"
    );
    assert_eq!(
        std::fs::read_to_string(&summary).expect("summary"),
        "## Plan\n+ app\n## Plan\n~ app\n"
    );
}
