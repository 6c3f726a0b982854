//! `entraprov validate`, the manifest loader, the JSON Schema and the docs generated from it.
//!
//! Fixtures: `tests/fixtures/{valid,invalid,warn,duplicate-names}`; every invalid fixture
//! names the code it must produce on its first line (`# expect: E0101`). Snapshots (rendered
//! diagnostics with source excerpts) are in `tests/snapshots/`.
//!
//! Regenerate the committed schema and `docs/manifest.md` with
//! `UPDATE_SCHEMA=1 cargo test --test validate`.

#[path = "validate/cli.rs"]
mod cli;
#[path = "validate/fixtures.rs"]
mod fixtures;
#[path = "validate/hostile.rs"]
mod hostile;
#[path = "validate/layering.rs"]
mod layering;
#[path = "validate/schema.rs"]
mod schema;
#[path = "validate/spans.rs"]
mod spans;

use std::path::{Path, PathBuf};

/// The crate root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `*.yaml` files of a fixture directory, sorted, as paths relative to the crate root.
pub fn yaml_files(dir: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join(dir))
        .unwrap_or_else(|e| panic!("cannot list {dir}: {e}"))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .map(|p| Path::new(dir).join(p.file_name().unwrap()))
        .collect();
    files.sort();
    files
}

/// Runs with the crate root as the working directory so that paths in messages are stable.
pub fn in_root() {
    std::env::set_current_dir(root()).expect("cd to the crate root");
}

/// insta settings: snapshots in `tests/snapshots/`.
pub fn snapshot_settings() -> insta::Settings {
    let mut s = insta::Settings::clone_current();
    s.set_snapshot_path(root().join("tests/snapshots"));
    s.set_prepend_module_to_snapshot(false);
    s
}
