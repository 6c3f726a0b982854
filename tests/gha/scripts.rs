//! `scripts/gha/run.sh` run with a fake GitHub runner environment (temp files for
//! `GITHUB_OUTPUT`/`GITHUB_PATH`) and a recording stand-in for the entraprov binary (the real
//! binary runs in the end-to-end test). The runner fake is shared with `install.rs`.

use crate::tools::{output, parse_github_output, root, text};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A fake runner: temp dirs and files the runner would provide.
pub struct Runner {
    dir: tempfile::TempDir,
}

impl Runner {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        for d in ["temp", "work"] {
            std::fs::create_dir(dir.path().join(d)).expect("mkdir");
        }
        for f in ["output", "path", "summary", "log"] {
            std::fs::write(dir.path().join(f), "").expect("touch");
        }
        Runner { dir }
    }
    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }
    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path(rel)).unwrap_or_default()
    }
    pub fn outputs(&self) -> Vec<(String, String)> {
        parse_github_output(&self.read("output"))
    }
    /// A clean environment: nothing from the host leaks in (no GITHUB_ACTIONS, no tokens).
    pub fn command(&self, script: &str, vars: &[(&str, &str)]) -> Command {
        let mut cmd = Command::new("bash");
        cmd.arg(root().join("scripts/gha").join(script))
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", self.path("temp"))
            .env("RUNNER_TEMP", self.path("temp"))
            .env("GITHUB_OUTPUT", self.path("output"))
            .env("GITHUB_PATH", self.path("path"))
            .env("GITHUB_STEP_SUMMARY", self.path("summary"))
            .current_dir(self.path("work"));
        for (k, v) in vars {
            cmd.env(k, v);
        }
        cmd
    }
    pub fn run(&self, script: &str, vars: &[(&str, &str)]) -> Output {
        self.command(script, vars).output().expect("bash runs")
    }
}

/// A stand-in for the entraprov binary: records its arguments and environment, writes the plan
/// and summary files where the real one would, and exits with FAKE_<SUBCOMMAND>_EXIT.
pub const FAKE_BIN: &str = r##"#!/usr/bin/env bash
if [ "${1:-}" = --version ]; then echo "entraprov 9.9.9"; exit 0; fi
{
  echo "args: $*"
  echo "env: tenant=${AZURE_TENANT_ID-unset} client=${AZURE_CLIENT_ID-unset} cloud=${ENTRAPROV_CLOUD-unset} token=${GITHUB_TOKEN-unset} comment=${ENTRAPROV_GITHUB_COMMENT-unset} pwd=$PWD"
} >>"$FAKE_LOG"
case "$1" in
  validate) exit "${FAKE_VALIDATE_EXIT:-0}" ;;
  plan)
    while [ $# -gt 0 ]; do if [ "$1" = --out ]; then echo '{}' >"$2"; fi; shift; done
    echo "# plan" >"$ENTRAPROV_SUMMARY_FILE"; exit "${FAKE_PLAN_EXIT:-0}" ;;
  apply) echo "# apply" >"$ENTRAPROV_SUMMARY_FILE"; exit "${FAKE_APPLY_EXIT:-0}" ;;
esac
exit 64
"##;

pub fn write_exe(path: &Path, body: &str) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::write(path, body).expect("write");
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
}

pub fn fake_bin(r: &Runner) -> String {
    let p = r.path("entraprov-fake");
    write_exe(&p, FAKE_BIN);
    p.display().to_string()
}

fn run_env<'a>(
    bin: &'a str,
    log: &'a str,
    extra: &[(&'a str, &'a str)],
) -> Vec<(&'a str, &'a str)> {
    let mut env = vec![
        ("ENTRAPROV_BIN", bin),
        ("FAKE_LOG", log),
        ("INPUT_PATH", "entra"),
    ];
    env.extend_from_slice(extra);
    env
}

fn prepared() -> (Runner, String, String) {
    let r = Runner::new();
    std::fs::create_dir(r.path("work/entra")).expect("mkdir");
    let bin = fake_bin(&r);
    let log = r.path("log").display().to_string();
    (r, bin, log)
}

#[test]
fn run_plan_with_changes_succeeds_and_sets_has_changes_and_files() {
    let (r, bin, log) = prepared();
    let out = r.run(
        "run.sh",
        &run_env(
            &bin,
            &log,
            &[
                ("FAKE_PLAN_EXIT", "2"),
                ("INPUT_TENANT_ID", "72f988bf-0000-0000-0000-000000000000"),
                ("INPUT_CLIENT_ID", "11111111-2222-3333-4444-555555555555"),
                ("INPUT_CLOUD", "global"),
                ("INPUT_GITHUB_TOKEN", "ghs_fake"),
            ],
        ),
    );
    assert!(out.status.success(), "{}", text(&out));
    let o = r.outputs();
    assert_eq!(output(&o, "exitcode"), Some("2"));
    assert_eq!(output(&o, "has-changes"), Some("true"));
    let plan_file = output(&o, "plan-file").expect("plan-file");
    assert!(plan_file.ends_with("/plan.json") && Path::new(plan_file).is_file());
    let summary = output(&o, "summary-file").expect("summary-file");
    assert_eq!(
        std::fs::read_to_string(summary).expect("summary"),
        "# plan\n"
    );
    let log = r.read("log");
    let lines: Vec<&str> = log.lines().collect();
    assert_eq!(lines[0], "args: validate --format github entra");
    assert_eq!(
        lines[2],
        format!("args: plan entra --out {plan_file} --detailed-exitcode")
    );
    assert_eq!(
        lines[3],
        format!(
            "env: tenant=72f988bf-0000-0000-0000-000000000000 client=11111111-2222-3333-4444-555555555555 cloud=unset token=ghs_fake comment=true pwd={}",
            r.path("work").display()
        )
    );
}

#[test]
fn run_plan_without_changes_reports_exitcode_0_and_no_changes() {
    let (r, bin, log) = prepared();
    let out = r.run(
        "run.sh",
        &run_env(
            &bin,
            &log,
            &[
                ("INPUT_COMMENT", "false"),
                ("INPUT_GITHUB_TOKEN", "ghs_fake"),
            ],
        ),
    );
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(output(&r.outputs(), "exitcode"), Some("0"));
    assert_eq!(output(&r.outputs(), "has-changes"), Some("false"));
    // comment: false exports no token to the binary.
    assert!(
        r.read("log").contains("token=unset comment=false"),
        "{}",
        r.read("log")
    );
}

#[test]
fn run_plan_error_fails_the_step_with_the_exit_code() {
    let (r, bin, log) = prepared();
    let out = r.run("run.sh", &run_env(&bin, &log, &[("FAKE_PLAN_EXIT", "1")]));
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert_eq!(output(&r.outputs(), "exitcode"), Some("1"));
    assert_eq!(output(&r.outputs(), "has-changes"), Some("false"));
}

#[test]
fn run_stops_before_planning_when_validation_fails() {
    let (r, bin, log) = prepared();
    let out = r.run(
        "run.sh",
        &run_env(&bin, &log, &[("FAKE_VALIDATE_EXIT", "1")]),
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(!r.read("log").contains("args: plan"), "plan must not run");
    assert_eq!(output(&r.outputs(), "exitcode"), Some("1"));
}

#[test]
fn run_apply_passes_auto_approve_and_fails_the_job_when_apply_fails() {
    let (r, bin, log) = prepared();
    let ok = r.run(
        "run.sh",
        &run_env(
            &bin,
            &log,
            &[("INPUT_COMMAND", "apply"), ("INPUT_CLOUD", "usgov")],
        ),
    );
    assert!(ok.status.success(), "{}", text(&ok));
    assert!(r.read("log").contains("args: apply entra --auto-approve"));
    assert!(r.read("log").contains("cloud=usgov"));
    assert!(output(&r.outputs(), "summary-file").is_some());
    let failed = r.run(
        "run.sh",
        &run_env(
            &bin,
            &log,
            &[("INPUT_COMMAND", "apply"), ("FAKE_APPLY_EXIT", "1")],
        ),
    );
    assert_eq!(failed.status.code(), Some(1), "{}", text(&failed));
    assert_eq!(output(&r.outputs(), "exitcode"), Some("1"));
}

#[test]
fn run_rejects_bad_inputs_with_an_error_annotation() {
    let cases: [(&[(&str, &str)], &str); 5] = [
        (
            &[("INPUT_COMMAND", "destroy")],
            "input command must be 'plan', 'apply' or 'drift', not 'destroy'",
        ),
        (
            &[("INPUT_CLOUD", "mars")],
            "input cloud must be public, usgov, usgov-dod or china, not 'mars'",
        ),
        (
            &[("INPUT_COMMENT", "yes")],
            "input comment must be 'true' or 'false', not 'yes'",
        ),
        (&[("INPUT_PATH", "")], "input path is required"),
        (
            &[("INPUT_PATH", "missing.yaml")],
            "path 'missing.yaml' does not exist",
        ),
    ];
    for (extra, message) in cases {
        let (r, bin, log) = prepared();
        let out = r.run("run.sh", &run_env(&bin, &log, extra));
        assert_eq!(out.status.code(), Some(1), "{extra:?}: {}", text(&out));
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            stdout.contains(&format!("::error title=entraprov::{message}")),
            "{extra:?}: {stdout}"
        );
        assert_eq!(r.read("log"), "", "the binary must not run");
    }
}
