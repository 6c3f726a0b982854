//! End to end: the action's scripts (`install.sh` with the `binary` input, then `run.sh`) run
//! the real entraprov binary in a fake GitHub runner: temp `GITHUB_OUTPUT`/`GITHUB_STEP_SUMMARY`,
//! the fake GitHub REST API for the comment, the fake OIDC issuer, and the Graph simulator as
//! Graph and token endpoint. The simulator trusts two federated credentials, exactly as the
//! docs tell users to configure them: the plan identity for `repo:contoso/entra:pull_request`,
//! the apply identity for `repo:contoso/entra:environment:production`.

use crate::fake_github::{FakeGithub, TOKEN};
use crate::fake_oidc::{FakeOidc, ISSUER, REQUEST_TOKEN};
use crate::scripts::Runner;
use crate::tools::{output, text};
use entraprov::sim::config::{APPLY_ROLES, PLAN_ROLES};
use entraprov::sim::{ClientApp, Server, SimConfig};
use std::process::Output;

pub const PR: u64 = 42;
pub const PLAN_CLIENT: &str = "0c0ffee0-1111-4aaa-8bbb-000000000001";
pub const APPLY_CLIENT: &str = "0c0ffee0-2222-4aaa-8bbb-000000000002";
pub const PR_SUBJECT: &str = "repo:contoso/entra:pull_request";
pub const PROD_SUBJECT: &str = "repo:contoso/entra:environment:production";

pub const MANIFEST: &str = "# yaml-language-server: $schema=../schemas/entraprov.schema.json
apiVersion: entraprov/v1
kind: EnterpriseApp
name: keeper-e2e
app:
  displayName: Keeper (e2e)
  gallery: Keeper Password Manager & Digital Vault
assignments:
  principals:
    - group: Keeper Users
      role: User
";

pub fn federated(name: &str, client_id: &str, subject: &str, roles: &[&str]) -> ClientApp {
    ClientApp {
        display_name: name.to_owned(),
        client_id: client_id.to_owned(),
        client_secret: None,
        certificate_pem: None,
        federated: Some((ISSUER.to_owned(), subject.to_owned())),
        roles: roles.iter().map(|r| (*r).to_owned()).collect(),
    }
}

pub fn simulator() -> Server {
    let cfg = SimConfig {
        clients: vec![
            federated("entraprov-apply", APPLY_CLIENT, PROD_SUBJECT, APPLY_ROLES),
            federated("entraprov-plan", PLAN_CLIENT, PR_SUBJECT, PLAN_ROLES),
        ],
        ..SimConfig::default()
    };
    Server::start(cfg).expect("simulator starts")
}

/// One job of the workflow: a fresh runner (fresh output/summary files), the manifest in the
/// checkout, install.sh then run.sh with the given inputs. Returns run.sh's output.
pub struct Job<'a> {
    pub sim: &'a Server,
    pub github: &'a str,
    pub oidc: &'a str,
    pub event: &'a str,
    pub client_id: &'a str,
    pub command: &'a str,
    pub manifest: &'a str,
}

impl Job<'_> {
    pub fn run(&self) -> (Runner, Output) {
        let r = Runner::new();
        std::fs::create_dir_all(r.path("work/entra")).expect("mkdir");
        std::fs::write(r.path("work/entra/app.yaml"), self.manifest).expect("manifest");
        let event = r.path("event.json");
        let payload = if self.event == "pull_request" {
            serde_json::json!({"action": "synchronize", "number": PR, "pull_request": {"number": PR}})
        } else {
            serde_json::json!({"ref": "refs/heads/main", "after": "0123abcd"})
        };
        std::fs::write(&event, payload.to_string()).expect("event");
        let install = r.run(
            "install.sh",
            &[("INPUT_BINARY", env!("CARGO_BIN_EXE_entraprov"))],
        );
        assert!(install.status.success(), "install.sh: {}", text(&install));
        let outputs = r.outputs();
        let bin = output(&outputs, "binary")
            .expect("binary output")
            .to_owned();
        std::fs::write(r.path("output"), "").expect("fresh GITHUB_OUTPUT for the next step");
        let tenant = self.sim.tenant_id().to_string();
        let event_path = event.display().to_string();
        let vars: Vec<(&str, &str)> = vec![
            ("GITHUB_ACTIONS", "true"),
            ("GITHUB_API_URL", self.github),
            ("GITHUB_SERVER_URL", "https://github.com"),
            ("GITHUB_REPOSITORY", "contoso/entra"),
            ("GITHUB_RUN_ID", "777"),
            ("GITHUB_EVENT_NAME", self.event),
            ("GITHUB_EVENT_PATH", &event_path),
            ("ACTIONS_ID_TOKEN_REQUEST_URL", self.oidc),
            ("ACTIONS_ID_TOKEN_REQUEST_TOKEN", REQUEST_TOKEN),
            ("ENTRAPROV_GRAPH_URL", self.sim.url()),
            ("ENTRAPROV_AUTHORITY_URL", self.sim.url()),
            ("ENTRAPROV_BIN", &bin),
            ("INPUT_COMMAND", self.command),
            ("INPUT_PATH", "entra/app.yaml"),
            ("INPUT_TENANT_ID", &tenant),
            ("INPUT_CLIENT_ID", self.client_id),
            ("INPUT_GITHUB_TOKEN", TOKEN),
            ("INPUT_COMMENT", "true"),
        ];
        // An empty `oidc` means the runner provides no OIDC token (fork pull requests).
        let vars: Vec<(&str, &str)> = vars.into_iter().filter(|(_, v)| !v.is_empty()).collect();
        let out = r.run("run.sh", &vars);
        (r, out)
    }
}

pub fn assert_no_secret(out: &Output, r: &Runner) {
    let all = format!("{}{}{}", text(out), r.read("summary"), r.read("output"));
    for secret in [TOKEN, REQUEST_TOKEN] {
        assert!(!all.contains(secret), "{secret} leaked:\n{all}");
    }
    assert!(!all.contains("eyJ"), "a JWT leaked:\n{all}");
}

#[tokio::test(flavor = "multi_thread")]
async fn pr_plan_creates_one_comment_and_a_second_plan_updates_the_same_comment() {
    let sim = simulator();
    let (gh_server, github) = FakeGithub::start("").await;
    let (pr_oidc_server, pr_oidc) = FakeOidc::start(PR_SUBJECT).await;
    let gh = gh_server.uri();
    let pr_oidc_url = FakeOidc::request_url(&pr_oidc_server);
    let pr_job = |manifest| Job {
        sim: &sim,
        github: &gh,
        oidc: &pr_oidc_url,
        event: "pull_request",
        client_id: PLAN_CLIENT,
        command: "plan",
        manifest,
    };

    // 1. The pull request opens: plan with the read-only identity, one comment.
    let (r1, out) = pr_job(MANIFEST).run();
    assert!(out.status.success(), "plan #1: {}", text(&out));
    let o = r1.outputs();
    assert_eq!(output(&o, "exitcode"), Some("2"), "{}", text(&out));
    assert_eq!(output(&o, "has-changes"), Some("true"));
    assert!(std::path::Path::new(output(&o, "plan-file").expect("plan-file")).is_file());
    let summary = r1.read("summary");
    assert!(summary.contains("keeper-e2e"), "summary: {summary}");
    assert_eq!(
        std::fs::read_to_string(output(&o, "summary-file").expect("summary-file"))
            .expect("copy")
            .trim_end(),
        summary.trim_end()
    );
    let comments = github.bodies(PR);
    assert_eq!(comments.len(), 1, "{comments:?}");
    let (id, author, body) = comments[0].clone();
    assert_eq!(author, "github-actions[bot]");
    assert!(
        body.starts_with("<!-- entraprov: entra/app.yaml -->\n"),
        "{body}"
    );
    assert!(body.contains("keeper-e2e"), "{body}");
    assert!(
        pr_oidc.issued.load(std::sync::atomic::Ordering::SeqCst) >= 1,
        "the plan used GitHub OIDC"
    );
    assert_no_secret(&out, &r1);

    // 2. A new push to the pull request: the SAME comment is updated.
    let changed = MANIFEST.replace(
        "      role: User\n",
        "      role: User\n    - group: Engineering\n      role: User\n",
    );
    let (r2, out) = pr_job(&changed).run();
    assert!(out.status.success(), "plan #2: {}", text(&out));
    assert_eq!(output(&r2.outputs(), "exitcode"), Some("2"));
    let comments = github.bodies(PR);
    assert_eq!(comments.len(), 1, "still one comment: {comments:?}");
    assert_eq!(comments[0].0, id, "same comment id");
    assert_ne!(comments[0].2, body, "the body was updated");
    assert!(comments[0].2.contains("Engineering"), "{}", comments[0].2);
    assert_no_secret(&out, &r2);
    let stats = sim.stats();
    let writes: Vec<&String> = stats
        .by_route
        .keys()
        .chain(stats.batched.keys())
        .filter(|k| !k.starts_with("GET ") && !k.contains("/oauth2/") && !k.ends_with("/$batch"))
        .collect();
    assert!(
        writes.is_empty(),
        "the plan identity wrote to the tenant: {writes:?}"
    );
    assert!(
        stats.tokens >= 2,
        "one Entra token per plan run, each from a fresh GitHub JWT"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_subject_the_federated_credential_does_not_trust_is_refused() {
    let sim = simulator();
    let (gh_server, _github) = FakeGithub::start("").await;
    // A pull-request token presented for the apply identity (subject mismatch, AADSTS70021).
    let (oidc_server, _oidc) = FakeOidc::start(PR_SUBJECT).await;
    let (gh, oidc) = (gh_server.uri(), FakeOidc::request_url(&oidc_server));
    let (r, out) = Job {
        sim: &sim,
        github: &gh,
        oidc: &oidc,
        event: "pull_request",
        client_id: APPLY_CLIENT,
        command: "plan",
        manifest: MANIFEST,
    }
    .run();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("70021"), "{}", text(&out));
    assert_no_secret(&out, &r);
}

#[tokio::test(flavor = "multi_thread")]
async fn manifest_errors_become_annotations_and_stop_the_job_before_any_request() {
    let sim = simulator();
    let (gh_server, github) = FakeGithub::start("").await;
    let (oidc_server, oidc) = FakeOidc::start(PR_SUBJECT).await;
    let (gh, url) = (gh_server.uri(), FakeOidc::request_url(&oidc_server));
    let broken = MANIFEST.replace("      role: User\n", "      role: User\n    scoep: all\n");
    let (r, out) = Job {
        sim: &sim,
        github: &gh,
        oidc: &url,
        event: "pull_request",
        client_id: PLAN_CLIENT,
        command: "plan",
        manifest: &broken,
    }
    .run();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let line = broken
        .lines()
        .position(|l| l.contains("scoep"))
        .expect("line")
        + 1;
    assert!(
        stdout
            .lines()
            .any(|l| l.starts_with(&format!("::error file=entra/app.yaml,line={line},col=5,"))),
        "{stdout}"
    );
    assert!(
        stdout.contains("::error title=entraprov::the manifest has errors"),
        "{stdout}"
    );
    assert_eq!(output(&r.outputs(), "exitcode"), Some("1"));
    assert!(
        github.state().log.is_empty(),
        "no comment for a manifest that does not validate"
    );
    assert_eq!(
        oidc.issued.load(std::sync::atomic::Ordering::SeqCst),
        0,
        "no sign-in"
    );
    assert_eq!(sim.stats().total, 0, "no Graph request");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_fork_pull_request_without_oidc_fails_with_a_hint_before_any_graph_request() {
    let sim = simulator();
    let (gh_server, github) = FakeGithub::start("").await;
    github.state().faults.push(crate::fake_github::Fault {
        method: "POST",
        status: 403,
        after_write: false,
    });
    let gh = gh_server.uri();
    let (r, out) = Job {
        sim: &sim,
        github: &gh,
        oidc: "",
        event: "pull_request",
        client_id: PLAN_CLIENT,
        command: "plan",
        manifest: MANIFEST,
    }
    .run();
    let all = text(&out);
    assert_eq!(out.status.code(), Some(1), "{all}");
    assert!(all.contains("::warning title=entraprov::no GitHub OIDC token in this job: give it 'permissions: id-token: write'. Pull requests from forks never get one"), "{all}");
    assert!(
        all.contains("no credential found for Microsoft Graph"),
        "{all}"
    );
    assert_eq!(output(&r.outputs(), "exitcode"), Some("1"));
    assert_eq!(sim.stats().total, 0, "nothing reached Graph");
    assert_no_secret(&out, &r);
}
