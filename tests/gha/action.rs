//! Static checks of `action.yml`, the example workflow, the scripts and the SchemaStore
//! catalog entry, with the real tools.

use crate::tools::{root, run, text, tool, yaml_file};
use std::process::Command;

const ACTION: &str = "action.yml";
const WORKFLOW: &str = "examples/workflows/entraprov.yml";

fn check_jsonschema(builtin: &str, file: &str) {
    let out = run(Command::new(tool("py/bin/check-jsonschema")).args([
        "--builtin-schema",
        builtin,
        file,
    ]));
    assert!(
        out.status.success(),
        "{file} against {builtin}:\n{}",
        text(&out)
    );
}

#[test]
fn action_yml_validates_against_the_github_actions_schema() {
    check_jsonschema("vendor.github-actions", ACTION);
}

#[test]
fn example_workflow_validates_against_the_github_workflows_schema_and_sets_timeouts() {
    check_jsonschema("vendor.github-workflows", WORKFLOW);
    check_jsonschema("custom.github-workflows-require-timeout", WORKFLOW);
}

#[test]
fn gha_scripts_pass_shellcheck() {
    let scripts: Vec<_> = std::fs::read_dir(root().join("scripts/gha"))
        .expect("scripts/gha exists")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "sh"))
        .collect();
    assert!(
        scripts.len() >= 2,
        "expected install.sh and run.sh, found {scripts:?}"
    );
    let out = run(Command::new(tool("py/bin/shellcheck"))
        .args(["--severity=style", "--shell=bash"])
        .args(&scripts));
    assert!(out.status.success(), "shellcheck:\n{}", text(&out));
}

#[test]
fn zizmor_finds_nothing_in_the_action_and_every_workflow_even_as_auditor() {
    // Every workflow of the repository and of examples/, not only the PR workflow.
    let mut files = crate::workflows::workflow_files();
    assert!(files.iter().any(|f| f == WORKFLOW));
    files.push(ACTION.into());
    let out = run(Command::new(tool("py/bin/zizmor"))
        .args(["--offline", "--persona=auditor", "--format=json"])
        .args(&files));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !stderr.contains("failed to parse"),
        "zizmor could not parse an input:\n{}",
        text(&out)
    );
    for f in &files {
        assert!(
            stderr.contains(&format!("completed {f}")),
            "zizmor did not audit {f}:\n{stderr}"
        );
    }
    let findings: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("zizmor JSON: {e}\n{}", text(&out)));
    let findings = findings.as_array().expect("zizmor prints a JSON array");
    let summary: Vec<String> = findings
        .iter()
        .map(|f| format!("{} ({})", f["ident"], f["determinations"]["severity"]))
        .collect();
    assert!(findings.is_empty(), "zizmor findings: {summary:?}");
    assert!(out.status.success(), "{}", text(&out));
}

#[test]
fn action_has_the_documented_inputs_and_outputs() {
    let a = yaml_file(ACTION);
    let inputs: Vec<&str> = a["inputs"]
        .as_object()
        .expect("inputs")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        inputs,
        [
            "command",
            "path",
            "tenant-id",
            "client-id",
            "cloud",
            "version",
            "binary",
            "comment",
            "github-token",
            "working-directory"
        ]
    );
    assert_eq!(a["inputs"]["command"]["default"], "plan");
    assert_eq!(a["inputs"]["comment"]["default"], "true");
    assert_eq!(
        a["inputs"]["github-token"]["default"],
        "${{ github.token }}"
    );
    let outputs = a["outputs"].as_object().expect("outputs");
    let names: Vec<&str> = outputs.keys().map(String::as_str).collect();
    assert_eq!(
        names,
        ["exitcode", "has-changes", "plan-file", "summary-file"]
    );
    for (name, o) in outputs {
        assert_eq!(
            o["value"],
            format!("${{{{ steps.run.outputs.{name} }}}}"),
            "output {name}"
        );
    }
}

#[test]
fn every_action_step_is_a_one_line_call_to_an_existing_gha_script_or_the_pinned_cache() {
    let a = yaml_file(ACTION);
    assert_eq!(a["runs"]["using"], "composite");
    let steps = a["runs"]["steps"].as_array().expect("steps");
    let ids: Vec<&str> = steps.iter().filter_map(|s| s["id"].as_str()).collect();
    assert_eq!(ids, ["install", "build", "run"]);
    for step in steps {
        if let Some(uses) = step["uses"].as_str() {
            // The only action used: actions/cache, pinned, for the source build of this ref.
            assert!(uses.starts_with("actions/cache@"), "{uses}");
            assert_eq!(step["if"], "steps.install.outputs.build == 'true'");
            assert_eq!(
                step["with"]["key"],
                "${{ steps.install.outputs.build-key }}"
            );
            assert_eq!(
                step["with"]["path"],
                "${{ steps.install.outputs.build-dir }}"
            );
            continue;
        }
        let run = step["run"]
            .as_str()
            .unwrap_or_else(|| panic!("step without run: {step}"));
        assert_eq!(step["shell"], "bash");
        assert!(
            !run.contains('\n') && !run.contains("${{"),
            "run must be one line with no expression: {run:?}"
        );
        let script = run
            .strip_prefix("\"$GITHUB_ACTION_PATH/")
            .and_then(|r| r.strip_suffix('"'))
            .unwrap_or_else(|| panic!("run is not a script call: {run:?}"));
        assert!(
            script.starts_with("scripts/gha/") && root().join(script).is_file(),
            "{script}"
        );
        // Inputs reach the scripts only through env, never spliced into the script text.
        for v in step["env"].as_object().expect("env").values() {
            let v = v.as_str().expect("env value is a string");
            assert!(
                (v.starts_with("${{ ") && v.ends_with(" }}")) || v == "download" || v == "build",
                "{v}"
            );
        }
    }
}

fn uses_of(job: &serde_json::Value) -> Vec<String> {
    job["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .filter_map(|s| s["uses"].as_str().map(str::to_owned))
        .collect()
}

#[test]
fn example_workflow_pins_actions_and_splits_plan_and_apply_identities() {
    let w = yaml_file(WORKFLOW);
    assert_eq!(
        w["permissions"],
        serde_json::json!({}),
        "no default permissions"
    );
    let plan = &w["jobs"]["plan"];
    let apply = &w["jobs"]["apply"];
    assert_eq!(
        plan["permissions"],
        serde_json::json!({"contents": "read", "id-token": "write", "pull-requests": "write"})
    );
    assert_eq!(
        apply["permissions"],
        serde_json::json!({"contents": "read", "id-token": "write"})
    );
    assert_eq!(apply["environment"], "production");
    assert_eq!(apply["concurrency"]["cancel-in-progress"], false);
    assert!(
        apply["concurrency"]["group"]
            .as_str()
            .is_some_and(|g| g.contains("ENTRA_TENANT_ID"))
    );
    assert!(
        apply["if"]
            .as_str()
            .is_some_and(|c| c.contains("refs/heads/main"))
    );
    assert!(
        plan["if"]
            .as_str()
            .is_some_and(|c| c.contains("pull_request"))
    );
    for job in [plan, apply] {
        for uses in uses_of(job) {
            let sha = uses.rsplit_once('@').map(|(_, r)| r).unwrap_or_default();
            assert!(
                sha.len() == 40 && sha.chars().all(|c| c.is_ascii_hexdigit()),
                "{uses} is not pinned to a commit SHA"
            );
        }
        let checkout = &job["steps"][0];
        assert!(
            checkout["uses"]
                .as_str()
                .is_some_and(|u| u.starts_with("actions/checkout@"))
        );
        assert_eq!(checkout["with"]["persist-credentials"], false);
    }
    assert_eq!(
        plan["steps"][1]["with"]["client-id"],
        "${{ vars.ENTRA_PLAN_CLIENT_ID }}"
    );
    assert_eq!(
        apply["steps"][1]["with"]["client-id"],
        "${{ vars.ENTRA_APPLY_CLIENT_ID }}"
    );
    assert_eq!(apply["steps"][1]["with"]["command"], "apply");
}

#[test]
fn catalog_entry_is_a_valid_schemastore_entry_for_yaml_file_names() {
    let entry: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("schemas/catalog-entry.json")).expect("catalog entry"),
    )
    .expect("catalog entry is JSON");
    // The shape of one entry of SchemaStore's catalog (`schemas` item of schema-catalog.json).
    let schema = serde_json::json!({
        "type": "object",
        "required": ["name", "description", "url"],
        "additionalProperties": false,
        "properties": {
            "name": {"type": "string", "minLength": 1},
            "description": {"type": "string", "minLength": 1},
            "fileMatch": {"type": "array", "items": {"type": "string"}, "minItems": 1},
            "url": {"type": "string", "pattern": "^https://"},
            "versions": {"type": "object", "additionalProperties": {"type": "string"}}
        }
    });
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(&entry)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    let matches: Vec<&str> = entry["fileMatch"]
        .as_array()
        .expect("fileMatch")
        .iter()
        .filter_map(|m| m.as_str())
        .collect();
    for required in ["*.entraprov.yaml", "*.entraprov.yml", "**/entraprov/*.yaml"] {
        assert!(matches.contains(&required), "fileMatch lacks {required}");
    }
    // yaml-language-server only applies catalog fileMatch patterns that keep a YAML extension.
    assert!(
        matches
            .iter()
            .all(|m| m.ends_with(".yaml") || m.ends_with(".yml")),
        "{matches:?}"
    );
    let url = entry["url"].as_str().expect("url");
    assert!(url.ends_with("/schemas/entraprov.schema.json"), "{url}");
    let schema_path = root().join("schemas/entraprov.schema.json");
    if schema_path.is_file() {
        let schema: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&schema_path).expect("schema readable"))
                .expect("schema is JSON");
        assert_eq!(schema["$id"], url, "catalog url must be the schema's $id");
    }
}
