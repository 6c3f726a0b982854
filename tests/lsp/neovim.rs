//! A real editor nobody here wrote: headless Neovim (`apt-get install neovim`, installed by
//! scripts/test.sh) attaches `entraprov lsp` with its built-in client, opens a broken
//! manifest and prints the diagnostics it received (tests/lsp/neovim.lua).

use std::path::Path;
use std::process::Command;

use serde_json::Value;

#[test]
fn headless_neovim_shows_validates_diagnostics_for_a_broken_manifest() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().expect("tmp");
    let manifest = dir.path().join("keeper.yaml");
    let text = std::fs::read_to_string(root.join("examples/keeper.yaml"))
        .expect("example")
        .replace("operator: equals", "operator: equal")
        .replace("skipOutOfScopeDeletions:", "skipOutOfScopeDeletion:");
    std::fs::write(&manifest, &text).expect("write");
    let out_file = dir.path().join("diagnostics.jsonl");
    let run = Command::new("nvim")
        .args(["--headless", "--clean", "-u"])
        .arg(root.join("tests/lsp/neovim.lua"))
        .arg(&manifest)
        .env("ENTRAPROV_BIN", env!("CARGO_BIN_EXE_entraprov"))
        .env("ENTRAPROV_NVIM_OUT", &out_file)
        .current_dir(dir.path())
        .output()
        .unwrap_or_else(|e| panic!("cannot run nvim (scripts/test.sh installs it): {e}"));
    let printed = std::fs::read_to_string(&out_file).unwrap_or_default();
    assert!(
        run.status.success(),
        "nvim failed: {printed}\n{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let diags: Vec<Value> = printed
        .lines()
        .map(|l| serde_json::from_str(l).expect("json line"))
        .collect();
    let (_, expected) = entraprov::manifest::load_str("keeper.yaml", &text);
    assert_eq!(diags.len(), expected.len(), "{printed}");
    for e in &expected {
        let (line, col) = e.line_col().expect("located");
        let d = diags
            .iter()
            .find(|d| d["code"] == e.code)
            .unwrap_or_else(|| panic!("Neovim did not receive {}: {printed}", e.code));
        assert_eq!(
            (d["line"].as_u64(), d["col"].as_u64()),
            (Some(line as u64), Some(col as u64)),
            "{d}"
        );
        assert_eq!(d["source"], "entraprov");
        assert!(
            d["message"].as_str().unwrap().starts_with(&e.message),
            "{d}"
        );
    }
    assert!(
        diags
            .iter()
            .any(|d| d["code"] == "E0053" && d["severity"] == 1),
        "{printed}"
    );
    assert!(diags.iter().any(|d| d["code"] == "E0050"), "{printed}");
}
