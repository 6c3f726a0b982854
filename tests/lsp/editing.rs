//! Editing: diagnostics follow ranged and whole-text changes, are debounced, and only
//! manifests are served unless the client asks for every document.

use std::path::Path;

use serde_json::json;

use crate::client::{Client, uri};

fn keeper() -> (String, String) {
    let f = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/keeper.yaml");
    (uri(&f), std::fs::read_to_string(&f).expect("example"))
}

fn range(l1: usize, c1: usize, l2: usize, c2: usize) -> serde_json::Value {
    json!({ "start": { "line": l1, "character": c1 }, "end": { "line": l2, "character": c2 } })
}

#[test]
fn a_ranged_change_brings_the_error_at_its_position_and_undoing_it_clears_it() {
    let (u, text) = keeper();
    let mut c = Client::start(json!({ "debounceMs": 0 }));
    c.open(&u, &text);
    // The example has notes (Keeper's team approval), no error.
    let baseline = c.diagnostics(&u, Some(1));
    assert!(baseline.iter().all(|d| d["severity"] != 1), "{baseline:?}");
    let line = text
        .lines()
        .position(|l| l.trim_start().starts_with("scope: assigned"))
        .unwrap();
    let col = text.lines().nth(line).unwrap().find("assigned").unwrap();
    c.change(
        &u,
        2,
        json!([{ "range": range(line, col, line, col + 8), "text": "asigned" }]),
    );
    let diags = c.diagnostics(&u, Some(2));
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert_eq!(diags[0]["code"], "E0053");
    assert_eq!(diags[0]["range"], range(line, col, line, col + 7));
    assert!(
        diags[0]["message"]
            .as_str()
            .unwrap()
            .contains("did you mean `assigned`?")
    );
    c.change(&u, 3, json!([{ "text": text }]));
    assert_eq!(c.diagnostics(&u, Some(3)), baseline);
    assert!(c.shutdown().success());
}

#[test]
fn changes_in_quick_succession_are_published_once_for_the_last_version() {
    let (u, text) = keeper();
    let mut c = Client::start(json!({ "debounceMs": 400 }));
    c.open(&u, &text);
    c.diagnostics(&u, Some(1));
    let broken = text.replace("scope: assigned", "scope: everyone");
    for v in 2..=6 {
        let t = if v % 2 == 0 { &broken } else { &text };
        c.change(&u, v, json!([{ "text": t }]));
    }
    let diags = c.diagnostics(&u, None);
    let versions: Vec<Option<i64>> = c
        .published
        .iter()
        .filter(|p| p.0 == u)
        .map(|p| p.1)
        .collect();
    assert_eq!(
        versions,
        [Some(1), Some(6)],
        "one publication after the burst"
    );
    assert_eq!(diags[0]["code"], "E0053");
    assert!(c.shutdown().success());
}

#[test]
fn other_yaml_is_left_alone_and_closing_clears_diagnostics() {
    let dir = tempfile::tempdir().expect("tmp");
    let other = dir.path().join("deployment.yaml");
    let named = dir.path().join("keeper.entraprov.yaml");
    let mut c = Client::start(json!({ "debounceMs": 0 }));
    c.open(&uri(&other), "apiVersion: apps/v1\nkind: Deployment\n");
    assert!(c.diagnostics(&uri(&other), Some(1)).is_empty());
    let hover = c.hover(&uri(&other), (0, 2));
    assert!(hover.is_null(), "{hover}");
    // A file named like the catalog's patterns is a manifest even before `apiVersion`.
    c.open(&uri(&named), "kind: EnterpriseApp\n");
    let diags = c.diagnostics(&uri(&named), Some(1));
    assert!(diags.iter().any(|d| d["code"] == "E0051"), "{diags:?}");
    c.notify(
        "textDocument/didClose",
        json!({ "textDocument": { "uri": uri(&named) } }),
    );
    assert!(c.diagnostics(&uri(&named), None).is_empty());
    assert!(c.shutdown().success());
}
