//! The simulator, the built binary, and the import → validate → plan round trip.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use entraprov::sim::{Server, SimConfig};

/// The result of one run of the binary.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl std::fmt::Debug for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "exit {}\n--- stdout\n{}\n--- stderr\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

/// A simulator with the default directory and gallery.
pub fn start_sim() -> Server {
    Server::start(SimConfig::default()).expect("simulator")
}

/// `entraprov` pointed at the simulator (apply identity), nothing else from the environment.
pub fn entraprov(sim: &Server) -> Command {
    let mut cmd = Command::cargo_bin("entraprov").expect("binary");
    cmd.env_clear();
    for (k, v) in sim.env() {
        cmd.env(k, v);
    }
    cmd.env("NO_COLOR", "1");
    cmd
}

/// Runs a prepared command.
pub fn run(cmd: &mut Command) -> Run {
    let out = cmd.output().expect("run entraprov");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// `entraprov import <args>`.
pub fn import(sim: &Server, args: &[&str]) -> Run {
    run(entraprov(sim).arg("import").args(args))
}

/// What one round trip produced.
pub struct RoundTrip {
    /// The generated manifest.
    pub yaml: String,
    /// Import's stderr.
    pub notes: String,
    /// `plan --format json` of the generated manifest, parsed.
    pub plan: serde_json::Value,
    pub dir: tempfile::TempDir,
    pub file: PathBuf,
}

/// `import --app <app> --out FILE` → `validate FILE` (exit 0, no errors) → `plan FILE` with
/// `token_var` set; returns everything for the caller's assertions.
pub fn round_trip(sim: &Server, app: &str, extra: &[&str], token_var: &str) -> RoundTrip {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("imported.yaml");
    let file_arg = file.to_string_lossy().into_owned();
    let mut args = vec!["--app", app, "--out", file_arg.as_str()];
    args.extend_from_slice(extra);
    let imp = import(sim, &args);
    assert_eq!(imp.code, 0, "import: {imp:?}");
    assert!(
        imp.stdout.is_empty(),
        "--out writes nothing to stdout: {imp:?}"
    );
    let yaml = std::fs::read_to_string(&file).expect("imported file");
    let val = run(entraprov(sim).arg("validate").arg(&file));
    assert_eq!(val.code, 0, "validate:\n{yaml}\n{val:?}");
    assert!(
        val.stdout
            .lines()
            .any(|l| l.starts_with("0 errors, 0 warnings")),
        "validate:\n{yaml}\n{val:?}"
    );
    check_jsonschema(&file, &yaml);
    let plan = run(entraprov(sim)
        .env(token_var, "token-set-by-the-admin")
        .args(["plan", "--format", "json", "--detailed-exitcode"])
        .arg(&file));
    assert!(plan.code == 0 || plan.code == 2, "plan:\n{yaml}\n{plan:?}");
    let plan = serde_json::from_str(&plan.stdout).expect("plan json");
    RoundTrip {
        yaml,
        notes: imp.stderr,
        plan,
        dir,
        file,
    }
}

/// `address: field, field` for every planned change.
pub fn changes(plan: &serde_json::Value) -> Vec<String> {
    plan["plans"][0]["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .map(|c| {
            let fields: Vec<&str> = c["fields"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|f| f["name"].as_str())
                .collect();
            format!(
                "{} {}: {}",
                c["action"].as_str().unwrap_or_default(),
                c["address"].as_str().unwrap_or_default(),
                fields.join(", ")
            )
        })
        .collect()
}

/// The changes an import leaves: the token (unknown fingerprint) and the adoption tag.
pub fn assert_only_token_and_tag(rt: &RoundTrip) {
    let got = changes(&rt.plan);
    assert_eq!(
        got,
        vec![
            "update app: identityTag".to_owned(),
            "update credentials: secretToken".to_owned()
        ],
        "manifest:\n{}\nplan: {:#}",
        rt.yaml,
        rt.plan
    );
}

/// Settings that hide volatile ids in snapshots.
pub fn redacted() -> insta::Settings {
    let mut s = insta::Settings::clone_current();
    s.add_filter(
        r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}",
        "[guid]",
    );
    s.add_filter(r"127\.0\.0\.1:\d+", "127.0.0.1:[port]");
    s.add_filter(r"[^\s`]*imported\.yaml", "[file]");
    s.set_snapshot_path(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots"));
    s.set_prepend_module_to_snapshot(false);
    s
}

/// An independent reader and validator: check-jsonschema (ruamel.yaml, YAML 1.2, and the
/// Python jsonschema library) must accept the imported manifest against the schema.
fn check_jsonschema(file: &Path, yaml: &str) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let bin = tool("py/bin/check-jsonschema");
    let out = std::process::Command::new(bin)
        .arg("--schemafile")
        .arg(root.join("schemas/entraprov.schema.json"))
        .arg(file)
        .output()
        .expect("run check-jsonschema");
    assert!(
        out.status.success(),
        "check-jsonschema rejects the imported manifest:\n{yaml}\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A test tool installed by `scripts/test.sh`; the test fails (never skips) when it is missing.
fn tool(rel: &str) -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let tools = std::env::var_os("ENTRAPROV_TOOLS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target/tools"));
    let bin = tools.join(rel);
    assert!(
        bin.exists(),
        "{} is missing: run scripts/test.sh (it installs the test tools under target/tools)",
        bin.display()
    );
    bin
}

/// What yaml-language-server (the editor's YAML support), driven headless by
/// `tests/lsp/lspcheck.mjs`, reports for `file`; its modeline must name a local schema.
pub fn editor_diagnostics(file: &Path) -> serde_json::Value {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let server = tool("node/node_modules/yaml-language-server/bin/yaml-language-server");
    let settings = serde_json::json!({
        "validate": true, "hover": true, "completion": true,
        "schemaStore": {"enable": false}, "yamlVersion": "1.2"
    });
    let out = std::process::Command::new("node")
        .arg(root.join("tests/lsp/lspcheck.mjs"))
        .arg(server)
        .arg(file.parent().expect("dir"))
        .arg(settings.to_string())
        .arg(file)
        .output()
        .unwrap_or_else(|e| panic!("cannot run node (Node 20 must be on PATH): {e}"));
    assert!(
        out.status.success(),
        "lspcheck.mjs failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("lspcheck output")
}
