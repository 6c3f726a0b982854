//! `scripts/gha/install.sh` and `run.sh` run with a fake GitHub runner environment: temp files
//! for `GITHUB_OUTPUT`/`GITHUB_PATH`, a loopback release server (wiremock) for downloads, and a
//! recording stand-in for the entraprov binary (the real binary runs in the end-to-end test).

use crate::tools::{output, parse_github_output, root, text};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// A fake runner: temp dirs and files the runner would provide.
struct Runner {
    dir: tempfile::TempDir,
}

impl Runner {
    fn new() -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        for d in ["temp", "work"] {
            std::fs::create_dir(dir.path().join(d)).expect("mkdir");
        }
        for f in ["output", "path", "summary", "log"] {
            std::fs::write(dir.path().join(f), "").expect("touch");
        }
        Runner { dir }
    }
    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }
    fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path(rel)).unwrap_or_default()
    }
    fn outputs(&self) -> Vec<(String, String)> {
        parse_github_output(&self.read("output"))
    }
    /// A clean environment: nothing from the host leaks in (no GITHUB_ACTIONS, no tokens).
    fn command(&self, script: &str, vars: &[(&str, &str)]) -> Command {
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
    fn run(&self, script: &str, vars: &[(&str, &str)]) -> Output {
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

fn fake_bin(r: &Runner) -> String {
    let p = r.path("entraprov-fake");
    write_exe(&p, FAKE_BIN);
    p.display().to_string()
}

// ---------------------------------------------------------------- install.sh

#[test]
fn install_uses_the_binary_input_and_adds_it_to_the_path() {
    let r = Runner::new();
    let bin = fake_bin(&r);
    let out = r.run("install.sh", &[("INPUT_BINARY", &bin)]);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(output(&r.outputs(), "binary"), Some(bin.as_str()));
    assert_eq!(
        r.read("path").trim(),
        r.path("").display().to_string().trim_end_matches('/')
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("entraprov 9.9.9"));
}

#[test]
fn install_rejects_a_binary_input_that_is_not_executable() {
    let r = Runner::new();
    let p = r.path("not-exec");
    std::fs::write(&p, "x").expect("write");
    let out = r.run("install.sh", &[("INPUT_BINARY", &p.display().to_string())]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("::error title=entraprov install::"));
    assert!(r.outputs().is_empty());
}

/// A release archive laid out the cargo-binstall way, containing the fake binary.
fn release_archive(r: &Runner, triple: &str, version: &str) -> Vec<u8> {
    let name = format!("entraprov-{triple}-v{version}");
    let stage = r.path("stage");
    std::fs::create_dir_all(stage.join(&name)).expect("mkdir");
    write_exe(&stage.join(&name).join("entraprov"), FAKE_BIN);
    let archive = r.path("archive.tar.gz");
    let out = Command::new("tar")
        .arg("-czf")
        .arg(&archive)
        .arg("-C")
        .arg(&stage)
        .arg(&name)
        .output()
        .expect("tar");
    assert!(out.status.success(), "{}", text(&out));
    std::fs::read(archive).expect("archive")
}

async fn release_server(asset: &str, archive: Vec<u8>, sha256: String) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("/{asset}")))
        .respond_with(ResponseTemplate::new(200).set_body_bytes(archive))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("/{asset}.sha256")))
        .respond_with(ResponseTemplate::new(200).set_body_string(sha256))
        .mount(&server)
        .await;
    server
}

fn install_env<'a>(base: &'a str, os: &'a str, arch: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("ENTRAPROV_RELEASE_BASE_URL", base),
        ("RUNNER_OS", os),
        ("RUNNER_ARCH", arch),
        ("GITHUB_ACTION_PATH", env!("CARGO_MANIFEST_DIR")),
        ("ENTRAPROV_INSTALL_FALLBACK", "none"),
    ]
}

#[tokio::test(flavor = "multi_thread")]
async fn install_downloads_the_release_for_the_action_version_and_verifies_its_sha256() {
    let r = Runner::new();
    let version = env!("CARGO_PKG_VERSION");
    let triple = "x86_64-unknown-linux-musl";
    let archive = release_archive(&r, triple, version);
    let sum = format!(
        "{}  entraprov-{triple}-v{version}.tar.gz\n",
        hex::encode(Sha256::digest(&archive))
    );
    let asset = format!("v{version}/entraprov-{triple}-v{version}.tar.gz");
    let server = release_server(&asset, archive, sum).await;
    let out = r.run("install.sh", &install_env(&server.uri(), "Linux", "X64"));
    assert!(out.status.success(), "{}", text(&out));
    let installed = r.path("temp/entraprov/bin/entraprov");
    assert!(installed.is_file());
    assert_eq!(
        output(&r.outputs(), "binary"),
        Some(installed.display().to_string().as_str())
    );
    assert_eq!(
        r.read("path").trim(),
        r.path("temp/entraprov/bin").display().to_string()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn install_refuses_an_archive_whose_sha256_does_not_match() {
    let r = Runner::new();
    let triple = "aarch64-apple-darwin";
    let archive = release_archive(&r, triple, "1.2.3");
    let wrong = hex::encode(Sha256::digest(b"something else"));
    let asset = format!("v1.2.3/entraprov-{triple}-v1.2.3.tar.gz");
    let server = release_server(&asset, archive, wrong.clone()).await;
    let uri = server.uri();
    let mut env = install_env(&uri, "macOS", "ARM64");
    env.push(("INPUT_VERSION", "v1.2.3"));
    let out = r.run("install.sh", &env);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!(
            "SHA-256 mismatch for entraprov-{triple}-v1.2.3.tar.gz: expected {wrong}"
        )),
        "{stderr}"
    );
    assert!(
        stderr.contains("ENTRAPROV_INSTALL_FALLBACK=none"),
        "{stderr}"
    );
    assert!(!r.path("temp/entraprov/bin/entraprov").exists());
    assert!(r.outputs().is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn install_maps_runner_os_and_arch_to_cargo_binstall_asset_names() {
    let server = MockServer::start().await; // answers 404 to everything
    let cases = [
        ("Linux", "X64", "x86_64-unknown-linux-musl", "tar.gz"),
        ("Linux", "ARM64", "aarch64-unknown-linux-musl", "tar.gz"),
        ("macOS", "X64", "x86_64-apple-darwin", "tar.gz"),
        ("macOS", "ARM64", "aarch64-apple-darwin", "tar.gz"),
        ("Windows", "X64", "x86_64-pc-windows-msvc", "zip"),
    ];
    let uri = server.uri();
    for (os, arch, _, _) in cases {
        let r = Runner::new();
        let mut env = install_env(&uri, os, arch);
        env.push(("INPUT_VERSION", "0.9.0"));
        let out = r.run("install.sh", &env);
        assert_eq!(out.status.code(), Some(1), "{os}/{arch}: {}", text(&out));
    }
    let requested: Vec<String> = server
        .received_requests()
        .await
        .expect("recording")
        .iter()
        .map(|q| q.url.path().to_owned())
        .collect();
    let expected: Vec<String> = cases
        .iter()
        .map(|(_, _, t, ext)| format!("/v0.9.0/entraprov-{t}-v0.9.0.{ext}"))
        .collect();
    assert_eq!(requested, expected);
}

#[test]
fn install_without_a_prebuilt_for_the_runner_and_no_fallback_fails_clearly() {
    let r = Runner::new();
    let out = r.run(
        "install.sh",
        &[
            ("RUNNER_OS", "Linux"),
            ("RUNNER_ARCH", "ARM"),
            ("INPUT_VERSION", "1.0.0"),
            ("ENTRAPROV_INSTALL_FALLBACK", "none"),
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let all = text(&out);
    assert!(all.contains("no prebuilt binary for Linux/ARM"), "{all}");
    assert!(
        all.contains(
            "::warning title=entraprov install::no verified release binary for version '1.0.0'"
        ),
        "{all}"
    );
}

// ---------------------------------------------------------------- run.sh

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
            "env: tenant=72f988bf-0000-0000-0000-000000000000 client=11111111-2222-3333-4444-555555555555 cloud=public token=ghs_fake comment=true pwd={}",
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
            "input command must be 'plan' or 'apply', not 'destroy'",
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
