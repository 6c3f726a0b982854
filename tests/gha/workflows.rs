//! Every workflow the repository ships (`.github/workflows/*`, `examples/workflows/*`) and the
//! action, checked with the real tools: actionlint (with shellcheck for `run:` scripts), zizmor
//! as auditor, the SchemaStore workflow schemas, act's parser; plus the house rules (actions
//! pinned to commit SHAs, `permissions: {}` at the top and least privilege per job).

use crate::tools::{root, run, text, tool, tools_dir, yaml_file};
use std::process::Command;

/// Crate-relative paths of every workflow file, sorted.
pub fn workflow_files() -> Vec<String> {
    let mut files = Vec::new();
    for dir in [".github/workflows", "examples/workflows"] {
        for e in std::fs::read_dir(root().join(dir)).unwrap_or_else(|e| panic!("{dir}: {e}")) {
            let name = e
                .expect("dir entry")
                .file_name()
                .to_string_lossy()
                .into_owned();
            if name.ends_with(".yml") || name.ends_with(".yaml") {
                files.push(format!("{dir}/{name}"));
            }
        }
    }
    files.sort();
    for required in [
        ".github/workflows/ci.yml",
        ".github/workflows/release.yml",
        "examples/workflows/entraprov.yml",
        "examples/workflows/entraprov-drift.yml",
    ] {
        assert!(
            files.iter().any(|f| f == required),
            "{required} missing: {files:?}"
        );
    }
    files
}

/// PATH with the tools' bin directory first (actionlint runs shellcheck from PATH).
fn tools_path() -> std::ffi::OsString {
    let mut paths = vec![tools_dir().join("py/bin")];
    paths.extend(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    ));
    std::env::join_paths(paths).expect("PATH")
}

#[test]
fn actionlint_with_shellcheck_finds_nothing_in_any_workflow() {
    tool("py/bin/shellcheck");
    let files = workflow_files();
    let out = run(Command::new(tool("py/bin/actionlint"))
        .env("PATH", tools_path())
        .args(["-no-color", "-shellcheck", "shellcheck"])
        .args(&files));
    assert!(
        out.status.success() && out.stdout.is_empty(),
        "actionlint {files:?}:\n{}",
        text(&out)
    );
    // actionlint really checks: a broken expression is reported.
    let dir = tempfile::tempdir().expect("tmp");
    let bad = dir.path().join("bad.yml");
    std::fs::write(
        &bad,
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.nope.x }\n",
    )
    .expect("write");
    let out = run(Command::new(tool("py/bin/actionlint")).arg(&bad));
    assert!(!out.status.success(), "{}", text(&out));
}

#[test]
fn every_workflow_matches_the_schemastore_schema_and_sets_timeouts() {
    for f in workflow_files() {
        for schema in [
            "vendor.github-workflows",
            "custom.github-workflows-require-timeout",
        ] {
            let out = run(Command::new(tool("py/bin/check-jsonschema"))
                .args(["--builtin-schema", schema])
                .arg(&f));
            assert!(
                out.status.success(),
                "{f} against {schema}:\n{}",
                text(&out)
            );
        }
    }
}

#[test]
fn act_parses_every_workflow_and_lists_its_jobs() {
    let expected: &[(&str, &[&str])] = &[
        (
            ".github/workflows/ci.yml",
            &["lint", "test", "windows", "dependencies", "package"],
        ),
        (".github/workflows/release.yml", &["build", "release"]),
        ("examples/workflows/entraprov.yml", &["plan", "apply"]),
        ("examples/workflows/entraprov-drift.yml", &["drift"]),
    ];
    let home = tempfile::tempdir().expect("home");
    for (file, jobs) in expected {
        let out = run(Command::new(tool("py/bin/act"))
            .args(["-l", "-W", file])
            .env("HOME", home.path()));
        assert!(out.status.success(), "act -l {file}:\n{}", text(&out));
        let mut listed: Vec<String> = String::from_utf8_lossy(&out.stdout)
            .lines()
            .skip(1)
            .filter_map(|l| l.split_whitespace().nth(1).map(str::to_owned))
            .collect();
        listed.sort();
        let mut jobs = jobs.to_vec();
        jobs.sort();
        assert_eq!(listed, jobs, "{file}:\n{}", text(&out));
    }
}

/// Every `uses:` of a workflow or of the action, with where it was found.
fn all_uses() -> Vec<(String, String)> {
    let mut uses = Vec::new();
    for f in workflow_files() {
        let w = yaml_file(&f);
        for (name, job) in w["jobs"].as_object().expect("jobs") {
            for step in job["steps"].as_array().into_iter().flatten() {
                if let Some(u) = step["uses"].as_str() {
                    uses.push((format!("{f} job {name}"), u.to_owned()));
                }
            }
        }
    }
    let a = yaml_file("action.yml");
    for step in a["runs"]["steps"].as_array().expect("steps") {
        if let Some(u) = step["uses"].as_str() {
            uses.push(("action.yml".into(), u.to_owned()));
        }
    }
    uses
}

#[test]
fn every_action_used_anywhere_is_pinned_to_a_commit_sha() {
    let uses = all_uses();
    assert!(uses.len() >= 10, "{uses:?}");
    for (place, u) in uses {
        let sha = u.rsplit_once('@').map(|(_, r)| r).unwrap_or_default();
        assert!(
            sha.len() == 40 && sha.chars().all(|c| c.is_ascii_hexdigit()),
            "{place}: {u} is not pinned to a commit SHA"
        );
    }
}

#[test]
fn workflows_grant_nothing_by_default_and_least_privilege_per_job() {
    for f in workflow_files() {
        let w = yaml_file(&f);
        assert_eq!(w["permissions"], serde_json::json!({}), "{f}");
        for (name, job) in w["jobs"].as_object().expect("jobs") {
            let perms = job["permissions"]
                .as_object()
                .unwrap_or_else(|| panic!("{f} job {name} has no permissions"));
            for (scope, level) in perms {
                let allowed = match (f.as_str(), name.as_str(), scope.as_str()) {
                    (_, _, "contents") if level == "read" => true,
                    (".github/workflows/release.yml", "release", "contents") => true,
                    (".github/workflows/release.yml", "release", "attestations") => true,
                    (".github/workflows/release.yml", "release", "id-token") => true,
                    ("examples/workflows/entraprov.yml", _, "id-token") => true,
                    ("examples/workflows/entraprov.yml", "plan", "pull-requests") => true,
                    ("examples/workflows/entraprov-drift.yml", "drift", "id-token") => true,
                    ("examples/workflows/entraprov-drift.yml", "drift", "issues") => true,
                    _ => false,
                };
                assert!(
                    allowed,
                    "{f} job {name}: {scope}: {level} is more than it needs"
                );
            }
        }
    }
}

#[test]
fn the_many_tenants_matrix_in_the_docs_passes_actionlint_and_zizmor() {
    let doc = std::fs::read_to_string(root().join("docs/github-action.md")).expect("doc");
    let section = &doc[doc.find("## Many tenants").expect("section")..];
    let start = section.find("```yaml\n").expect("yaml block") + 8;
    let end = start + section[start..].find("```").expect("end of block");
    let dir = tempfile::tempdir().expect("tmp");
    let file = dir.path().join("many-tenants.yml");
    let workflow = format!(
        "name: many tenants\non:\n  schedule:\n    - cron: \"17 6 * * *\"\npermissions: {{}}\n{}",
        &section[start..end]
    );
    assert!(
        workflow.contains("group: entraprov-${{ matrix.tenant }}"),
        "{workflow}"
    );
    std::fs::write(&file, workflow).expect("write");
    let lint = run(Command::new(tool("py/bin/actionlint"))
        .env("PATH", tools_path())
        .arg(&file));
    assert!(
        lint.status.success() && lint.stdout.is_empty(),
        "{}",
        text(&lint)
    );
    let audit = run(Command::new(tool("py/bin/zizmor"))
        .args(["--offline", "--persona=auditor"])
        .arg(&file));
    assert!(audit.status.success(), "{}", text(&audit));
}
