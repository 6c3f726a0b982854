//! Every fixture: valid ones are clean, invalid ones fail with their expected code, and the
//! rendered diagnostics (with source excerpts) are snapshot-tested.

use entraprov::manifest::report::{HumanStyle, render_human};
use entraprov::manifest::{LoadOutcome, Severity, load_paths};

use super::{in_root, snapshot_settings, yaml_files};

fn render(outcome: &LoadOutcome) -> String {
    outcome
        .diagnostics
        .iter()
        .map(|d| render_human(d, HumanStyle::plain()))
        .collect::<Vec<_>>()
        .join("\n")
}

fn expected_code(path: &std::path::Path) -> String {
    let bytes = std::fs::read(path).unwrap();
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(80)]).to_string();
    match head.strip_prefix("# expect: ") {
        Some(rest) => rest.split_whitespace().next().unwrap_or("").to_string(),
        None if bytes.is_empty() => "E0013".into(),
        None => panic!("{} has no `# expect: CODE` first line", path.display()),
    }
}

#[test]
fn valid_fixtures_validate_without_any_diagnostic_and_examples_without_errors_or_warnings() {
    in_root();
    let files = yaml_files("tests/fixtures/valid");
    assert!(
        files.len() >= 10,
        "at least 10 valid fixtures, found {}",
        files.len()
    );
    for f in files {
        let outcome = load_paths(std::slice::from_ref(&f));
        // Notes are fine: examples/keeper.yaml enables groups and gets I0202 (Keeper team
        // approval), which issue 7 requires on every enabled Keeper groups mapping.
        assert!(
            outcome
                .diagnostics
                .iter()
                .all(|d| d.severity == Severity::Info),
            "{} should validate clean:\n{}",
            f.display(),
            render(&outcome)
        );
        assert_eq!(outcome.manifests.len(), 1, "{}", f.display());
    }
    // Examples may carry notes (Keeper facts such as I0202), never errors or warnings.
    for f in yaml_files("examples") {
        let outcome = load_paths(std::slice::from_ref(&f));
        let bad: Vec<_> = outcome
            .diagnostics
            .iter()
            .filter(|d| d.severity != Severity::Info)
            .collect();
        assert!(bad.is_empty(), "{}:\n{}", f.display(), render(&outcome));
        assert_eq!(outcome.manifests.len(), 1, "{}", f.display());
    }
}

#[test]
fn valid_fixture_directory_loads_as_one_set_with_unique_names() {
    in_root();
    let outcome = load_paths(&["tests/fixtures/valid".into()]);
    assert!(outcome.diagnostics.is_empty(), "{}", render(&outcome));
    assert_eq!(
        outcome.manifests.len(),
        yaml_files("tests/fixtures/valid").len()
    );
}

#[test]
fn every_invalid_fixture_fails_with_its_code_and_renders_a_located_excerpt() {
    in_root();
    let files = yaml_files("tests/fixtures/invalid");
    assert!(
        files.len() >= 40,
        "at least 40 invalid fixtures, found {}",
        files.len()
    );
    for f in files {
        let code = expected_code(&f);
        let outcome = load_paths(std::slice::from_ref(&f));
        assert!(outcome.has_errors(), "{} should fail", f.display());
        assert!(outcome.manifests.is_empty(), "{}", f.display());
        let codes: Vec<&str> = outcome.diagnostics.iter().map(|d| d.code).collect();
        assert!(
            codes.contains(&code.as_str()),
            "{}: expected {code}, got {codes:?}",
            f.display()
        );
        let d = outcome.diagnostics.iter().find(|d| d.code == code).unwrap();
        if !matches!(code.as_str(), "E0013") {
            assert!(
                d.line_col().is_some(),
                "{}: {code} has no location",
                f.display()
            );
        }
        assert!(
            d.help.is_some() || code == "E0014",
            "{}: {code} has no help",
            f.display()
        );
        let name = format!("invalid__{}", f.file_stem().unwrap().to_string_lossy());
        snapshot_settings().bind(|| insta::assert_snapshot!(name, render(&outcome)));
    }
}

#[test]
fn warning_fixtures_pass_with_their_warning_or_note() {
    in_root();
    for f in yaml_files("tests/fixtures/warn") {
        let code = expected_code(&f);
        let outcome = load_paths(std::slice::from_ref(&f));
        assert!(
            !outcome.has_errors(),
            "{}:\n{}",
            f.display(),
            render(&outcome)
        );
        assert_eq!(outcome.manifests.len(), 1);
        let d = outcome.diagnostics.iter().find(|d| d.code == code);
        let d = d.unwrap_or_else(|| panic!("{}: no {code}", f.display()));
        let want = if code.starts_with('W') {
            Severity::Warning
        } else {
            Severity::Info
        };
        assert_eq!(d.severity, want);
        let name = format!("warn__{}", f.file_stem().unwrap().to_string_lossy());
        snapshot_settings().bind(|| insta::assert_snapshot!(name, render(&outcome)));
    }
}

#[test]
fn duplicate_names_across_a_directory_are_an_error_on_the_second_file() {
    in_root();
    let outcome = load_paths(&["tests/fixtures/duplicate-names".into()]);
    let codes: Vec<&str> = outcome.diagnostics.iter().map(|d| d.code).collect();
    assert_eq!(codes, ["E0110"]);
    assert_eq!(
        outcome.files.len(),
        2,
        "workflow.yml (not a manifest) is skipped"
    );
    assert_eq!(outcome.manifests.len(), 1);
    snapshot_settings().bind(|| insta::assert_snapshot!("duplicate_names", render(&outcome)));
}

#[test]
fn a_file_over_one_mib_is_refused_without_being_parsed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.yaml");
    let mut text = String::from("apiVersion: entraprov/v1\n");
    while text.len() <= 1024 * 1024 {
        text.push_str("# padding padding padding padding padding padding padding padding\n");
    }
    std::fs::write(&path, text).unwrap();
    let outcome = load_paths(&[path]);
    let codes: Vec<&str> = outcome.diagnostics.iter().map(|d| d.code).collect();
    assert_eq!(codes, ["E0011"]);
}

#[test]
fn missing_paths_and_empty_directories_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    let outcome = load_paths(&[dir.path().to_path_buf(), dir.path().join("nope.yaml")]);
    let codes: Vec<&str> = outcome.diagnostics.iter().map(|d| d.code).collect();
    assert_eq!(codes, ["E0024", "E0010"]);
}

#[test]
fn a_larger_alias_bomb_fails_within_the_node_budget() {
    // 10^12 nodes if expanded; the budget stops it after ALIAS_NODE_BUDGET.
    let mut text =
        String::from("apiVersion: entraprov/v1\nx0: &a0 [l, l, l, l, l, l, l, l, l, l]\n");
    for i in 1..12 {
        let p = i - 1;
        let row = vec![format!("*a{p}"); 10].join(", ");
        text.push_str(&format!("x{i}: &a{i} [{row}]\n"));
    }
    let (m, diags) = entraprov::manifest::load_str("bomb.yaml", &text);
    assert!(m.is_none());
    assert_eq!(diags.iter().map(|d| d.code).collect::<Vec<_>>(), ["E0017"]);
}

#[cfg(unix)]
#[test]
fn directory_symlink_cycles_are_not_followed() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        super::root().join("examples/keeper-minimal.yaml"),
        dir.path().join("m.yaml"),
    )
    .unwrap();
    std::os::unix::fs::symlink(dir.path(), dir.path().join("loop")).unwrap();
    let outcome = load_paths(&[dir.path().to_path_buf()]);
    assert!(outcome.diagnostics.is_empty());
    assert_eq!(outcome.manifests.len(), 1);
}
