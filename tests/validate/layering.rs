//! The crate's structure, checked on its sources (ARCHITECTURE.md, "Invariants"):
//! nothing below `cli` names `cli`, and the simulator stays walkable.

use std::path::{Path, PathBuf};

use super::root;

/// Every `*.rs` file under `dir`, as paths relative to the crate root, sorted.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![root().join(dir)];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap_or_else(|e| panic!("cannot list {d:?}: {e}")) {
            let path = entry.expect("directory entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|x| x == "rs") {
                out.push(path.strip_prefix(root()).expect("under root").to_path_buf());
            }
        }
    }
    out.sort();
    out
}

/// `crate::cli…`, `entraprov::cli…`, or `cli` inside a `crate::{…}` group on one line.
fn names_cli(line: &str) -> bool {
    let grouped = line.contains("crate::{")
        && line
            .split(|c: char| !(c.is_alphanumeric() || c == '_'))
            .any(|w| w == "cli");
    line.contains("crate::cli") || line.contains("entraprov::cli") || grouped
}

#[test]
fn nothing_below_cli_imports_cli() {
    let files = rust_files(Path::new("src"));
    assert!(files.len() > 100, "found only {} source files", files.len());
    let offenders: Vec<String> = files
        .iter()
        .filter(|p| !p.starts_with("src/cli") && *p != Path::new("src/main.rs"))
        .flat_map(|p| {
            let text = std::fs::read_to_string(root().join(p)).expect("read source");
            text.lines()
                .enumerate()
                .filter(|(_, l)| names_cli(l))
                .map(|(i, l)| format!("{}:{}: {}", p.display(), i + 1, l.trim()))
                .collect::<Vec<_>>()
        })
        .collect();
    assert!(
        offenders.is_empty(),
        "only src/cli/ and src/main.rs may name the cli module; give the lower layer its own \
         type and let cli convert:\n{}",
        offenders.join("\n")
    );
}

#[test]
fn the_simulator_has_at_most_eight_top_level_entries() {
    let entries: Vec<String> = std::fs::read_dir(root().join("src/sim"))
        .expect("list src/sim")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        entries.len() <= 8,
        "src/sim/ has {} entries at its top level (at most 8; group new files under http/, \
         directory/ or sync/): {entries:?}",
        entries.len()
    );
}
