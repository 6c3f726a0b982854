//! Editor validation: yaml-language-server 1.25.0 (what VS Code's YAML extension runs), driven
//! headless over LSP stdio by `tests/lsp/lspcheck.mjs`, with the schema from the modeline or
//! the `yaml.schemas` setting and the SchemaStore catalog turned off (offline).

use crate::tools::{root, text, tool};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

const SCHEMA: &str = "schemas/entraprov.schema.json";
const MODELINE: &str = "# yaml-language-server: $schema=../schemas/entraprov.schema.json";

#[derive(Debug, Clone, serde::Deserialize)]
struct Diag {
    line: usize,
    col: usize,
    severity: u8,
    message: String,
}

type Diags = BTreeMap<String, Vec<Diag>>;

/// Examples, valid fixtures, invalid fixtures and the diagnostics of all of them.
type Session = (Vec<PathBuf>, Vec<PathBuf>, Vec<PathBuf>, Diags);

fn server() -> PathBuf {
    let bin = tool("node/node_modules/yaml-language-server/bin/yaml-language-server");
    let pkg = tool("node/node_modules/yaml-language-server/package.json");
    let pkg: Value =
        serde_json::from_str(&std::fs::read_to_string(pkg).expect("package.json")).expect("json");
    assert_eq!(
        pkg["version"], "1.25.0",
        "tests pin yaml-language-server 1.25.0"
    );
    bin
}

/// Opens `files` in one yaml-language-server session rooted at `workspace`.
fn lsp_check(workspace: &Path, schemas: Value, files: &[PathBuf]) -> Diags {
    let settings = json!({
        "validate": true, "hover": true, "completion": true,
        "schemaStore": {"enable": false}, "schemas": schemas, "yamlVersion": "1.2"
    });
    let out = Command::new("node")
        .arg(root().join("tests/lsp/lspcheck.mjs"))
        .arg(server())
        .arg(workspace)
        .arg(settings.to_string())
        .args(files)
        .output()
        .unwrap_or_else(|e| panic!("cannot run node (Node 20 must be on PATH): {e}"));
    assert!(out.status.success(), "lspcheck.mjs failed:\n{}", text(&out));
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("lspcheck output: {e}\n{}", text(&out)))
}

fn yaml_files(dir: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(root().join(dir))
        .unwrap_or_else(|e| panic!("{dir}: {e}"))
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml" || x == "yml"))
        .collect();
    v.sort();
    v
}

fn key(p: &Path) -> String {
    p.display().to_string()
}

/// One session over the examples (modeline), the valid fixtures and the LSP invalid fixtures
/// (both mapped with `yaml.schemas`), shared by the tests below.
fn session() -> &'static Session {
    static S: OnceLock<Session> = OnceLock::new();
    S.get_or_init(|| {
        let (examples, valid, invalid) =
            (yaml_files("examples"), yaml_files("tests/fixtures/valid"), yaml_files("tests/lsp/invalid"));
        let schema = root().join(SCHEMA);
        assert!(schema.is_file(), "{} is missing", schema.display());
        let schemas = json!({ key(&schema): ["**/tests/fixtures/valid/*.yaml", "**/tests/lsp/invalid/*.yaml"] });
        let all: Vec<PathBuf> = examples.iter().chain(&valid).chain(&invalid).cloned().collect();
        let diags = lsp_check(root(), schemas, &all);
        (examples, valid, invalid, diags)
    })
}

#[test]
fn every_example_has_the_modeline_and_gets_zero_diagnostics() {
    let (examples, _, _, diags) = session();
    assert!(
        examples.len() >= 3,
        "expected the example manifests, found {examples:?}"
    );
    for ex in examples {
        let src = std::fs::read_to_string(ex).expect("example");
        assert!(
            src.lines()
                .take_while(|l| l.starts_with('#'))
                .any(|l| l == MODELINE),
            "{} lacks `{MODELINE}` in its header",
            ex.display()
        );
        assert_eq!(
            diags[&key(ex)].len(),
            0,
            "{}: {:?}",
            ex.display(),
            diags[&key(ex)]
        );
    }
}

#[test]
fn valid_fixtures_get_zero_diagnostics() {
    let (_, valid, _, diags) = session();
    assert!(!valid.is_empty(), "no valid fixtures");
    for f in valid {
        assert_eq!(
            diags[&key(f)].len(),
            0,
            "{}: {:?}",
            f.display(),
            diags[&key(f)]
        );
    }
}

/// `# lsp-expect: <line>: <message start>` lines in a fixture's header.
fn expectations(path: &Path) -> Vec<(usize, String)> {
    let src = std::fs::read_to_string(path).expect("fixture");
    src.lines()
        .filter_map(|l| l.strip_prefix("# lsp-expect: "))
        .map(|e| {
            let (line, msg) = e
                .split_once(": ")
                .unwrap_or_else(|| panic!("bad lsp-expect {e:?}"));
            (
                line.parse().unwrap_or_else(|_| panic!("bad line in {e:?}")),
                msg.to_owned(),
            )
        })
        .collect()
}

#[test]
fn each_invalid_fixture_gets_exactly_its_expected_error_at_its_line() {
    let (_, _, invalid, diags) = session();
    assert!(
        invalid.len() >= 10,
        "need at least 10 invalid fixtures, found {}",
        invalid.len()
    );
    for f in invalid {
        let expected = expectations(f);
        assert!(
            !expected.is_empty(),
            "{} has no `# lsp-expect:` line",
            f.display()
        );
        let got: Vec<(usize, &str)> = diags[&key(f)]
            .iter()
            .map(|d| (d.line, d.message.as_str()))
            .collect();
        assert_eq!(
            got.len(),
            expected.len(),
            "{}: got {got:?}, expected {expected:?}",
            f.display()
        );
        for ((line, msg), d) in expected.iter().zip(&diags[&key(f)]) {
            assert_eq!(d.line, *line, "{}: {d:?}", f.display());
            assert!(
                d.message.starts_with(msg.as_str()),
                "{}: {d:?}, expected {msg:?}",
                f.display()
            );
            assert_eq!(d.severity, 1, "{}: not an error: {d:?}", f.display());
            assert!(d.col >= 1);
        }
    }
}

/// A temp workspace with the schema at `schemas/`, like a user's repository. (Not named
/// `.tmp…`: yaml-language-server's globs, like VS Code's, skip dot directories.)
fn workspace(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::Builder::new()
        .prefix("entraprov-lsp-")
        .tempdir()
        .expect("tmp");
    std::fs::create_dir_all(dir.path().join("schemas")).expect("mkdir");
    std::fs::copy(root().join(SCHEMA), dir.path().join(SCHEMA)).expect("copy schema");
    for (rel, body) in files {
        let p = dir.path().join(rel);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, body).expect("write");
    }
    dir
}

#[test]
fn the_documented_yaml_schemas_setting_and_catalog_file_names_select_the_schema() {
    let bad = "apiVersion: entraprov/v1\nkind: EnterpriseApp\nname: x\napp: { displayName: X, gallery: Slack }\nscoep: all\n";
    let ws = workspace(&[
        ("keeper.entraprov.yaml", bad),
        ("keeper.entraprov.yml", bad),
        ("entraprov/keeper.yaml", bad),
        ("deploy/entraprov/keeper.yml", bad),
        ("unrelated.yaml", bad),
    ]);
    let entry: Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("schemas/catalog-entry.json")).expect("catalog entry"),
    )
    .expect("json");
    // The exact setting docs/editor.md tells users to put in .vscode/settings.json.
    let schemas = json!({ "./schemas/entraprov.schema.json": entry["fileMatch"] });
    let files: Vec<PathBuf> = [
        "keeper.entraprov.yaml",
        "keeper.entraprov.yml",
        "entraprov/keeper.yaml",
        "deploy/entraprov/keeper.yml",
        "unrelated.yaml",
    ]
    .iter()
    .map(|f| ws.path().join(f))
    .collect();
    let diags = lsp_check(ws.path(), schemas, &files);
    for f in &files[..4] {
        let d = &diags[&key(f)];
        assert_eq!(d.len(), 1, "{}: {d:?}", f.display());
        assert_eq!(
            (d[0].line, d[0].message.as_str()),
            (5, "Property scoep is not allowed.")
        );
    }
    assert!(
        diags[&key(&files[4])].is_empty(),
        "a file no pattern matches is not validated"
    );
}

#[test]
fn the_modeline_of_an_example_really_selects_the_schema() {
    let example = yaml_files("examples")
        .into_iter()
        .next()
        .expect("an example");
    let src = std::fs::read_to_string(&example).expect("example");
    let broken = format!("{src}\nscoep: all\n");
    let last = broken.lines().count();
    let ws = workspace(&[("examples/broken.yaml", &broken)]);
    let file = ws.path().join("examples/broken.yaml");
    let diags = lsp_check(ws.path(), json!({}), std::slice::from_ref(&file));
    let got: Vec<(usize, &str)> = diags[&key(&file)]
        .iter()
        .map(|d| (d.line, d.message.as_str()))
        .collect();
    assert_eq!(got, [(last, "Property scoep is not allowed.")]);
}

#[test]
fn the_editor_and_entraprov_validate_flag_the_same_line_and_column() {
    let (_, _, invalid, diags) = session();
    for f in invalid {
        let out = Command::new(env!("CARGO_BIN_EXE_entraprov"))
            .args(["validate", "--format", "github"])
            .arg(f)
            .output()
            .expect("entraprov runs");
        assert_eq!(
            out.status.code(),
            Some(1),
            "{}: {}",
            f.display(),
            text(&out)
        );
        let annotations = String::from_utf8_lossy(&out.stdout).into_owned();
        for d in &diags[&key(f)] {
            let at = format!(",line={},col={},", d.line, d.col);
            assert!(
                annotations
                    .lines()
                    .any(|a| a.starts_with("::error ") && a.contains(&at)),
                "{}: the editor reports {d:?}, validate does not:\n{annotations}",
                f.display()
            );
        }
    }
}
