//! `entraprov validate` and `entraprov schema` as a user runs them: formats, exit codes,
//! offline behaviour, no secret in any output.

use assert_cmd::Command;

use super::{root, snapshot_settings};

fn entraprov() -> Command {
    let mut c = Command::cargo_bin("entraprov").expect("binary");
    c.current_dir(root())
        .env_remove("NO_COLOR")
        .arg("--color")
        .arg("never");
    c
}

fn run(args: &[&str]) -> (i32, String) {
    let out = entraprov().args(args).output().expect("run");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    (out.status.code().unwrap_or(-1), text)
}

#[test]
fn examples_validate_with_exit_0() {
    let (code, out) = run(&["validate", "examples"]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("ok: examples/keeper.yaml (keeper-prod)"),
        "{out}"
    );
    // One note: I0202 (Keeper team approval) on the enabled groups mapping of keeper.yaml.
    assert!(
        out.ends_with("0 errors, 0 warnings, 1 note in 3 files\n"),
        "{out}"
    );
}

#[test]
fn warnings_and_notes_only_exit_0() {
    let (code, out) = run(&[
        "validate",
        "tests/fixtures/warn/keeper-missing-email.yaml",
        "tests/fixtures/warn/keeper-delete-locks.yaml",
    ]);
    assert_eq!(code, 0, "{out}");
    snapshot_settings().bind(|| insta::assert_snapshot!("cli_human_warnings", out));
}

#[test]
fn errors_exit_1_in_every_format() {
    for format in ["human", "json", "github"] {
        let (code, _) = run(&[
            "validate",
            "--format",
            format,
            "tests/fixtures/invalid/unknown-key.yaml",
        ]);
        assert_eq!(code, 1, "{format}");
    }
}

#[test]
fn json_format_is_versioned_and_located() {
    let (code, out) = run(&[
        "validate",
        "--format",
        "json",
        "tests/fixtures/invalid/unknown-key.yaml",
        "tests/fixtures/warn/no-matching-attribute.yaml",
    ]);
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&out).expect("valid JSON");
    assert_eq!(v["format_version"], 1);
    assert_eq!(v["valid"], false);
    snapshot_settings().bind(|| insta::assert_snapshot!("cli_json", out));
}

#[test]
fn github_format_prints_annotations() {
    let (code, out) = run(&[
        "validate",
        "--format",
        "github",
        "tests/fixtures/invalid/keeper-different-sources.yaml",
        "tests/fixtures/warn/keeper-delete-locks.yaml",
    ]);
    assert_eq!(code, 1);
    assert!(
        out.starts_with(
            "::error file=tests/fixtures/invalid/keeper-different-sources.yaml,line=13,col=9,"
        ),
        "{out}"
    );
    snapshot_settings().bind(|| insta::assert_snapshot!("cli_github", out));
}

#[test]
fn a_literal_secret_never_appears_in_any_output() {
    let secret = "c2VjcmV0LXRva2VuLWRvLW5vdC1sZWFr";
    for format in ["human", "json", "github"] {
        let out = entraprov()
            .args([
                "validate",
                "--format",
                format,
                "tests/fixtures/invalid/literal-secret.yaml",
            ])
            .output()
            .unwrap();
        let all = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(all.contains("E0108"), "{all}");
        assert!(!all.contains(secret), "secret leaked in {format}: {all}");
    }
}

#[test]
fn validate_is_offline_and_never_reads_secret_references() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(root().join("examples/generic-scim.yaml"))
        .unwrap()
        .replace("secrets/scim-token", "/nonexistent/dir/token");
    std::fs::write(dir.path().join("m.yaml"), text).unwrap();
    let mut c = Command::cargo_bin("entraprov").unwrap();
    let out = c
        .current_dir(dir.path())
        .env_remove("KEEPER_SCIM_TOKEN")
        .env("ENTRAPROV_GRAPH_URL", "http://127.0.0.1:9")
        .arg("validate")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("ok: ./m.yaml (scim-demo)"), "{stdout}");
}

#[test]
fn schema_command_prints_the_committed_schema() {
    let (code, out) = run(&["schema"]);
    assert_eq!(code, 0);
    let committed = std::fs::read_to_string(root().join("schemas/entraprov.schema.json")).unwrap();
    assert_eq!(out, committed);
}

#[test]
fn secrets_in_block_scalars_env_names_and_broken_files_are_masked_in_excerpts() {
    let cases = [
        (
            "block",
            "    secretToken: >-\n      s3cr3tPartOne\n      s3cr3tPartTwo\n",
        ),
        (
            "env",
            "    secretToken: { fromEnv: s3cr3t-Part-One.s3cr3tPartTwo }\n",
        ),
        (
            "broken",
            "    secretToken: s3cr3tPartOne s3cr3tPartTwo\n    tenantUrl: [\n",
        ),
    ];
    for (name, tail) in cases {
        let dir = tempfile::tempdir().unwrap();
        let text = format!(
            "apiVersion: entraprov/v1\nkind: EnterpriseApp\nname: x\napp:\n  displayName: K\n  gallery: Keeper Password Manager\nprovisioning:\n  credentials:\n    tenantUrl: https://keepersecurity.com/api/rest/scim/v2/1\n{tail}"
        );
        std::fs::write(dir.path().join("m.yaml"), text).unwrap();
        for format in ["human", "json", "github"] {
            let out = entraprov()
                .current_dir(dir.path())
                .args(["validate", "--format", format, "m.yaml"])
                .output()
                .unwrap();
            let all = format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
            assert_eq!(out.status.code(), Some(1), "{name}/{format}: {all}");
            assert!(!all.contains("s3cr3t"), "{name}/{format} leaked: {all}");
        }
    }
}

/// Usage errors exit 1, never clap's 2 (which `plan --detailed-exitcode` uses for "changes
/// present"); help and version exit 0.
#[test]
fn usage_errors_exit_1_help_and_version_exit_0() {
    for args in [
        &["plan", "--detailed-exitcod", "x.yaml"][..],
        &["nosuch"],
        &[],
        &["validate", "--format", "yaml"],
        &["apply", "--plan"],
    ] {
        let out = entraprov().args(args).output().expect("run");
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!err.is_empty(), "{args:?}: the usage error is explained");
    }
    for args in [&["--help"][..], &["--version"], &["plan", "--help"]] {
        let out = entraprov().args(args).output().expect("run");
        assert_eq!(out.status.code(), Some(0), "{args:?}");
        assert!(!out.stdout.is_empty(), "{args:?}");
    }
}
