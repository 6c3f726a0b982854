//! The crate's structure, checked on its sources (ARCHITECTURE.md, "Invariants"):
//! nothing below `cli` names `cli`, only `plan` builds desired state, and the simulator
//! stays walkable.

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

/// Whether `line` has `name` as a whole word followed by `tail` (spaces allowed between).
fn names_with(line: &str, name: &str, tail: &str) -> bool {
    line.match_indices(name).any(|(i, _)| {
        let before = line[..i].chars().next_back();
        let word_start = !before.is_some_and(|c| c.is_alphanumeric() || c == '_');
        word_start && line[i + name.len()..].trim_start().starts_with(tail)
    })
}

/// The criterion: a desired-state value can only come into being through a struct
/// expression of one of the `Desired*` types of `src/plan/state.rs` (`DesiredApp { … }`) or
/// one of their associated constructors (`DesiredList::default()`, `…::new(`). Outside
/// `src/plan/` no source line may contain either, so every builder lives in `plan`; `observe`
/// reads the secret and calls `plan::desired::build`. (A destructuring pattern would be
/// flagged too: none is needed outside `plan`.)
#[test]
fn only_plan_builds_desired_state() {
    let state = std::fs::read_to_string(root().join("src/plan/state.rs")).expect("state.rs");
    let types: Vec<&str> = state
        .lines()
        .filter_map(|l| l.trim().strip_prefix("pub struct Desired"))
        .map(|rest| {
            let end = rest
                .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                .unwrap_or(rest.len());
            &rest[..end]
        })
        .collect();
    assert!(types.len() >= 8, "desired-state types found: {types:?}");
    let offenders: Vec<String> = rust_files(Path::new("src"))
        .iter()
        .filter(|p| !p.starts_with("src/plan"))
        .flat_map(|p| {
            let text = std::fs::read_to_string(root().join(p)).expect("read source");
            let hits: Vec<String> = text
                .lines()
                .enumerate()
                .filter(|(_, l)| !l.trim_start().starts_with("//"))
                .filter(|(_, l)| {
                    types.iter().any(|t| {
                        let name = format!("Desired{t}");
                        names_with(l, &name, "{")
                            || names_with(l, &name, "::default(")
                            || names_with(l, &name, "::new(")
                    })
                })
                .map(|(i, l)| format!("{}:{}: {}", p.display(), i + 1, l.trim()))
                .collect();
            hits
        })
        .collect();
    assert!(
        offenders.is_empty(),
        "desired state is built only by src/plan/desired.rs (observe resolves what needs I/O \
         and calls plan::desired::build):\n{}",
        offenders.join("\n")
    );
}
