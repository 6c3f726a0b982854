//! The committed schema and docs are what the types generate; check-jsonschema (the
//! reference Python validator) accepts the schema and agrees with the CLI on the fixtures.

use std::path::PathBuf;
use std::process::Command;

use entraprov::manifest::{docgen, schema};

use super::{in_root, root, yaml_files};

const UPDATE_HINT: &str = "run `UPDATE_SCHEMA=1 cargo test --test validate` and commit the result";

fn check_generated(rel: &str, generated: &str) {
    let path = root().join(rel);
    if std::env::var_os("UPDATE_SCHEMA").is_some_and(|v| v == "1") {
        std::fs::write(&path, generated).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(committed == generated, "{rel} is stale: {UPDATE_HINT}");
}

#[test]
fn committed_schema_equals_the_schema_generated_from_the_types() {
    let generated = schema::generate_text();
    check_generated("schemas/entraprov.schema.json", &generated);
    if std::env::var_os("UPDATE_SCHEMA").is_none() {
        // The CLI validates with (and `entraprov schema` prints) the committed text.
        assert_eq!(
            schema::SCHEMA_JSON,
            generated,
            "rebuild after updating: {UPDATE_HINT}"
        );
    }
}

#[test]
fn committed_manifest_reference_is_generated_from_the_schema() {
    check_generated(
        "docs/manifest.md",
        &docgen::manifest_reference(&schema::generate()),
    );
}

#[test]
fn schema_has_editor_metadata() {
    let s = schema::generate();
    assert_eq!(s["$schema"], "http://json-schema.org/draft-07/schema#");
    assert_eq!(s["$id"], schema::SCHEMA_ID);
    assert!(s["title"].is_string() && s["description"].is_string());
    assert!(s["defaultSnippets"][0]["body"]["apiVersion"] == "entraprov/v1");
    assert_eq!(s["additionalProperties"], false);
    let defs = s["definitions"].as_object().unwrap();
    for (name, snippet_owner) in [
        ("Assignment", true),
        ("AttributeSource", true),
        ("ScopingFilter", true),
    ] {
        assert_eq!(
            defs[name].get("defaultSnippets").is_some(),
            snippet_owner,
            "{name}"
        );
    }
    let attrs = &defs["ObjectMapping"]["properties"]["attributes"];
    assert!(attrs["defaultSnippets"].is_array());
    // Every property and every enum value is described, for hover and completion.
    let mut missing = Vec::new();
    walk(&s, "#", &mut missing);
    assert!(missing.is_empty(), "undescribed: {missing:?}");
}

fn walk(v: &serde_json::Value, at: &str, missing: &mut Vec<String>) {
    let Some(obj) = v.as_object() else { return };
    if let Some(props) = obj.get("properties").and_then(|p| p.as_object()) {
        for (k, p) in props {
            if p.get("description").is_none() || p.get("markdownDescription").is_none() {
                missing.push(format!("{at}/properties/{k}"));
            }
        }
    }
    if let Some(alts) = obj.get("oneOf").and_then(|a| a.as_array()) {
        for (i, a) in alts.iter().enumerate() {
            if a.get("description").is_none() {
                missing.push(format!("{at}/oneOf/{i}"));
            }
        }
    }
    for (k, child) in obj {
        match child {
            serde_json::Value::Object(_) => walk(child, &format!("{at}/{k}"), missing),
            serde_json::Value::Array(a) => {
                for (i, c) in a.iter().enumerate() {
                    walk(c, &format!("{at}/{k}/{i}"), missing);
                }
            }
            _ => {}
        }
    }
}

fn check_jsonschema() -> PathBuf {
    let tools = std::env::var_os("ENTRAPROV_TOOLS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target/tools"));
    let bin = tools.join("py/bin/check-jsonschema");
    assert!(
        bin.exists(),
        "{} is missing: run scripts/test.sh (it installs check-jsonschema under target/tools)",
        bin.display()
    );
    bin
}

fn run(args: &[&str]) -> (bool, String) {
    let out = Command::new(check_jsonschema())
        .current_dir(root())
        .args(args)
        .output()
        .expect("run check-jsonschema");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

#[test]
fn check_jsonschema_accepts_the_schema_and_every_example_and_valid_fixture() {
    in_root();
    let (ok, out) = run(&["--check-metaschema", "schemas/entraprov.schema.json"]);
    assert!(ok, "metaschema check failed:\n{out}");
    let mut files: Vec<String> = yaml_files("examples")
        .into_iter()
        .chain(yaml_files("tests/fixtures/valid"))
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    assert!(files.len() >= 13);
    let mut args = vec!["--schemafile", "schemas/entraprov.schema.json"];
    files.sort();
    args.extend(files.iter().map(String::as_str));
    let (ok, out) = run(&args);
    assert!(ok, "check-jsonschema rejected a valid manifest:\n{out}");
}

#[test]
fn check_jsonschema_also_rejects_the_schema_level_invalid_fixtures() {
    // The editor (same schema) and the CLI agree on what the schema alone rejects.
    in_root();
    let schema_level = [
        "unknown-key",
        "unknown-key-nested",
        "missing-required",
        "missing-role",
        "wrong-type-bool",
        "wrong-type-string",
        "secret-both",
        "principal-bad-object",
        "bad-operator",
        "bad-scope",
        "bad-api-version",
        "bad-action",
        "bad-guid",
        "bad-env-name",
        "bad-email",
        "empty-clauses",
        "duplicate-actions",
        "bad-name",
        "literal-secret",
        "matching-priority-zero",
        "null-section",
    ];
    for name in schema_level {
        let file = format!("tests/fixtures/invalid/{name}.yaml");
        let (ok, out) = run(&["--schemafile", "schemas/entraprov.schema.json", &file]);
        assert!(!ok, "check-jsonschema accepted {file}:\n{out}");
    }
}

#[test]
fn every_diagnostic_code_in_the_code_is_documented() {
    let docs = std::fs::read_to_string(root().join("docs/diagnostics.md")).unwrap();
    let re = regex::Regex::new(r#""([EWI]0\d{3})""#).unwrap();
    let mut undocumented = Vec::new();
    for dir in [
        "src/manifest",
        "src/manifest/lint",
        "src/manifest/expr",
        "src/manifest/expr/eval",
        "src/connector",
    ] {
        for entry in std::fs::read_dir(root().join(dir)).unwrap().flatten() {
            let path = entry.path();
            if path.extension().is_none_or(|x| x != "rs") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            for line in text.lines().filter(|l| !l.trim_start().starts_with("//")) {
                for c in re.captures_iter(line) {
                    if !docs.contains(&format!("| {} |", &c[1])) {
                        undocumented.push(format!("{} in {}", &c[1], path.display()));
                    }
                }
            }
        }
    }
    assert!(
        undocumented.is_empty(),
        "add to docs/diagnostics.md: {undocumented:?}"
    );
}

#[test]
fn typed_manifests_serialize_back_to_schema_valid_equal_documents() {
    // `import` writes manifests from the typed model: what it writes must validate and
    // read back to the same manifest.
    in_root();
    let validator = schema::validator().expect("schema");
    let mut files = yaml_files("tests/fixtures/valid");
    files.extend(yaml_files("examples"));
    for f in files {
        let outcome = entraprov::manifest::load_paths(std::slice::from_ref(&f));
        let m = &outcome.manifests[0].manifest;
        let json = serde_json::to_value(m).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&json)
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{}: {errors:?}", f.display());
        let back: entraprov::manifest::Manifest = serde_json::from_value(json).unwrap();
        assert_eq!(&back, m, "{}", f.display());
    }
}
