//! Every invalid fixture, opened in one server session: the server publishes exactly the
//! diagnostics `entraprov validate --format json` reports for the file (same codes,
//! severities, messages and start/end line:column), with help, related information and a
//! link to the catalogue.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Value, json};

use crate::client::{Client, line_col, uri};
use entraprov::text::shown_lines;

fn invalid_fixtures() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/invalid");
    let mut v: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("fixtures")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    v.sort();
    v
}

/// `validate --format json` on one file: (code, severity, message, start, end, help).
type Expected = (
    String,
    u64,
    String,
    Option<(usize, usize)>,
    Option<(usize, usize)>,
    Option<String>,
);

fn validate(path: &Path) -> Vec<Expected> {
    let out = Command::new(env!("CARGO_BIN_EXE_entraprov"))
        .args(["validate", "--format", "json"])
        .arg(path)
        .output()
        .expect("validate runs");
    let v: Value = serde_json::from_slice(&out.stdout).expect("json");
    let at = |l: &Value, c: &Value| Some((l.as_u64()? as usize, c.as_u64()? as usize));
    v["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| {
            let severity = match d["severity"].as_str() {
                Some("error") => 1,
                Some("warning") => 2,
                _ => 3,
            };
            (
                d["code"].as_str().unwrap().to_owned(),
                severity,
                // Made safe to show, as validate's human output shows it.
                shown_lines(d["message"].as_str().unwrap()),
                at(&d["line"], &d["column"]),
                at(&d["end_line"], &d["end_column"]),
                d["help"].as_str().map(shown_lines),
            )
        })
        .collect()
}

fn from_lsp(text: &str, d: &Value) -> Expected {
    let message = d["message"].as_str().unwrap();
    let (message, help) = match message.split_once("\nhelp: ") {
        Some((m, h)) => (m.to_owned(), Some(h.to_owned())),
        None => (message.to_owned(), None),
    };
    let range = &d["range"];
    let located =
        range != &json!({"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}});
    (
        d["code"].as_str().unwrap().to_owned(),
        d["severity"].as_u64().unwrap(),
        message,
        located.then(|| line_col(text, &range["start"])),
        located.then(|| line_col(text, &range["end"])),
        help,
    )
}

#[test]
fn every_invalid_fixture_gets_validates_diagnostics_at_the_same_positions() {
    let files = invalid_fixtures();
    assert!(
        files.len() >= 50,
        "expected every invalid fixture, found {}",
        files.len()
    );
    let mut c = Client::start(json!({ "allDocuments": true, "debounceMs": 0 }));
    let mut texts = Vec::new();
    for f in &files {
        // What an editor shows: invalid UTF-8 decoded with replacement characters.
        let text = String::from_utf8_lossy(&std::fs::read(f).expect("read")).into_owned();
        c.open(&uri(f), &text);
        texts.push(text);
    }
    for (f, text) in files.iter().zip(&texts) {
        let got: Vec<Expected> = c
            .diagnostics(&uri(f), Some(1))
            .iter()
            .map(|d| from_lsp(text, d))
            .collect();
        let want = validate(f);
        assert!(
            !want.is_empty(),
            "{}: validate reports nothing",
            f.display()
        );
        assert_eq!(got, want, "{}", f.display());
        let header = text.lines().next().unwrap_or("");
        if let Some(code) = header.strip_prefix("# expect: ") {
            assert!(
                got.iter().any(|d| d.0 == code.trim()),
                "{}: no {code}",
                f.display()
            );
        }
    }
    assert!(c.shutdown().success());
}

#[test]
fn diagnostics_carry_related_information_a_catalogue_link_and_the_source() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let f = root.join("tests/fixtures/invalid/keeper-different-sources.yaml");
    let text = std::fs::read_to_string(&f).expect("fixture");
    let mut c = Client::start(json!({ "debounceMs": 0 }));
    c.open(&uri(&f), &text);
    let diags = c.diagnostics(&uri(&f), Some(1));
    let d = diags.iter().find(|d| d["code"] == "E0201").expect("E0201");
    assert_eq!(d["source"], "entraprov");
    assert_eq!(
        d["codeDescription"]["href"],
        "https://github.com/entraprov/entraprov/blob/main/docs/diagnostics.md#keeper-connector-e02xx-w02xx-i02xx"
    );
    let related = d["relatedInformation"]
        .as_array()
        .expect("related information");
    assert_eq!(related.len(), 1);
    assert_eq!(related[0]["message"], "userName");
    assert_eq!(related[0]["location"]["uri"], uri(&f));
    let user_line = text
        .lines()
        .position(|l| l.trim_start().starts_with("userName:"))
        .unwrap();
    assert_eq!(related[0]["location"]["range"]["start"]["line"], user_line);
    let dup = root.join("tests/fixtures/invalid/duplicate-key.yaml");
    c.open(&uri(&dup), &std::fs::read_to_string(&dup).expect("fixture"));
    let diags = c.diagnostics(&uri(&dup), Some(1));
    assert_eq!(diags[0]["code"], "E0016");
    assert!(
        diags[0]["relatedInformation"]
            .as_array()
            .is_some_and(|r| !r.is_empty()),
        "{diags:?}"
    );
    assert!(c.shutdown().success());
}
