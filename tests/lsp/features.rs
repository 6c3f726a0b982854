//! Hover, completion and quick fixes, on the Keeper example and on invalid fixtures; a quick
//! fix's edit, applied as an editor applies it, makes `validate` accept the problem away.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use crate::client::{Client, apply, uri};
use entraprov::manifest::load_str;

fn path(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

/// (line, character) of the first occurrence of `needle` (plus `shift` characters).
fn find(text: &str, needle: &str, shift: usize) -> (u32, u32) {
    let at = text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} not in text"));
    let line = text[..at].matches('\n').count();
    let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    (
        line as u32,
        (text[start..at].encode_utf16().count() + shift) as u32,
    )
}

fn hover_text(h: &Value) -> String {
    h["contents"]["value"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

fn labels(items: &[Value]) -> Vec<String> {
    items
        .iter()
        .map(|i| i["label"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn hover_explains_keys_operators_functions_and_the_keeper_tenant_url() {
    let f = path("examples/keeper.yaml");
    let text = std::fs::read_to_string(&f).expect("example");
    let u = uri(&f);
    let mut c = Client::start(json!({ "debounceMs": 0 }));
    c.open(&u, &text);
    let scope = hover_text(&c.hover(&u, find(&text, "scope: assigned", 1)));
    assert!(
        scope.starts_with("**`scope`**\n\nWho is provisioned"),
        "{scope}"
    );
    assert!(scope.contains("Values: `assigned`, `all`"), "{scope}");
    let op = hover_text(&c.hover(&u, find(&text, "operator: isTrue", 11)));
    assert!(
        op.contains("**`isTrue`** — scoping-filter operator (unary: no `value`; Graph `IS TRUE`)"),
        "{op}"
    );
    assert!(op.contains("The attribute is true"), "{op}");
    let switch = hover_text(&c.hover(&u, find(&text, "Switch([IsSoftDeleted]", 2)));
    assert!(
        switch.contains("Switch(source, defaultValue, key1, value1, key2, value2, ...)"),
        "{switch}"
    );
    assert!(switch.contains("first key equal to `source`"), "{switch}");
    let url = c.hover(&u, find(&text, "https://keepersecurity.com", 10));
    assert!(
        hover_text(&url).starts_with("**Keeper US (keepersecurity.com), node 1234567890**"),
        "{url}"
    );
    let (line, _) = find(&text, "tenantUrl: https", 0);
    assert_eq!(url["range"]["start"]["line"], line);
    assert!(c.shutdown().success());
}

/// The Keeper example with half-typed lines: the document does not need to parse.
fn half_typed() -> (String, String) {
    let f = path("examples/keeper.yaml");
    let text = std::fs::read_to_string(&f).expect("example");
    let edited = text
        .replace(
            "  skipOutOfScopeDeletions: false\n",
            "  skipOutOfScopeDeletions: false\n  acc\n",
        )
        .replace("operator: equals,", "operator: ,")
        .replace(
            "{ source: displayName }\n        name.givenName",
            "{ expression: 'Jo' }\n        name.givenName",
        )
        .replace("{ source: surname, default: \"-\" }", "{ source: sur }")
        .replace(
            "        externalId: { constant: contoso }\n",
            "        externalId: { constant: contoso }\n        emails\n",
        );
    (uri(&f), edited)
}

#[test]
fn completion_offers_schema_keys_and_operators() {
    let (u, edited) = half_typed();
    let mut c = Client::start(json!({ "debounceMs": 0 }));
    c.open(&u, &edited);
    let keys = c.completion(&u, find(&edited, "  acc\n", 5));
    let names = labels(&keys);
    for k in [
        "enabled",
        "scope",
        "credentials",
        "accidentalDeletions",
        "mappings",
    ] {
        assert!(names.contains(&k.to_owned()), "{k} missing from {names:?}");
    }
    let acc = keys
        .iter()
        .find(|i| i["label"] == "accidentalDeletions")
        .unwrap();
    assert_eq!(acc["textEdit"]["newText"], "accidentalDeletions: ");
    assert!(
        acc["documentation"]["value"]
            .as_str()
            .unwrap()
            .starts_with("Accidental deletions prevention")
    );
    let ops = labels(&c.completion(&u, find(&edited, "operator: ,", 10)));
    assert_eq!(ops.len(), 14);
    assert!(ops.contains(&"notRegexMatch".to_owned()) && ops.contains(&"isNotNull".to_owned()));
    assert!(c.shutdown().success());
}

#[test]
fn completion_offers_functions_source_attributes_and_the_connectors_targets() {
    let (u, edited) = half_typed();
    let mut c = Client::start(json!({ "debounceMs": 0 }));
    c.open(&u, &edited);
    let funcs = c.completion(&u, find(&edited, "'Jo'", 3));
    let join = funcs.iter().find(|i| i["label"] == "Join").expect("Join");
    assert_eq!(join["insertTextFormat"], 2, "a snippet");
    assert_eq!(
        join["textEdit"]["newText"],
        "Join(${1:separator}, ${2:source1}, ${3:source2})"
    );
    assert_eq!(
        join["textEdit"]["range"]["start"],
        json!({ "line": find(&edited, "'Jo'", 1).0, "character": find(&edited, "'Jo'", 1).1 })
    );
    let attrs = labels(&c.completion(&u, find(&edited, "source: sur", 11)));
    assert!(
        attrs.contains(&"surname".to_owned()) && attrs.contains(&"userPrincipalName".to_owned())
    );
    let targets = c.completion(&u, find(&edited, "        emails\n", 14));
    let email = targets
        .iter()
        .find(|i| i["label"] == r#"emails[type eq "work"].value"#)
        .expect("work email");
    assert_eq!(
        email["textEdit"]["newText"],
        r#"'emails[type eq "work"].value': { source: userPrincipalName }"#
    );
    assert!(labels(&targets).contains(&"name.familyName".to_owned()));
    assert!(c.shutdown().success());
}

/// Opens a fixture, asks for the quick fixes on the diagnostic with `code` and applies the
/// one titled `title`; returns the fixed text.
fn fix(rel: &str, code: &str, title: &str) -> String {
    let f = path(rel);
    let text = std::fs::read_to_string(&f).expect("fixture");
    let u = uri(&f);
    let mut c = Client::start(json!({ "debounceMs": 0 }));
    c.open(&u, &text);
    let diags = c.diagnostics(&u, Some(1));
    let d = diags
        .iter()
        .find(|d| d["code"] == code)
        .unwrap_or_else(|| panic!("{code} in {diags:?}"));
    let actions = c.code_actions(&u, &d["range"]);
    let action = actions
        .iter()
        .find(|a| a["title"] == title)
        .unwrap_or_else(|| panic!("no {title:?} in {actions:?}"));
    assert_eq!(action["kind"], "quickfix");
    assert_eq!(action["diagnostics"][0]["code"], code);
    let fixed = apply(&text, action, &u);
    // The editor sends the edit back; the server's diagnostics no longer carry the code.
    c.change(&u, 2, json!([{ "text": fixed }]));
    let after = c.diagnostics(&u, Some(2));
    assert!(
        !after.iter().any(|d| d["code"] == code),
        "{code} still there: {after:?}"
    );
    assert!(c.shutdown().success());
    let (_, diags) = load_str(rel, &fixed);
    assert!(
        !diags.iter().any(|d| d.code == code),
        "validate still reports {code}"
    );
    fixed
}

#[test]
fn did_you_mean_fixes_replace_the_misspelt_key_value_or_function() {
    let fixed = fix(
        "tests/fixtures/invalid/unknown-key.yaml",
        "E0050",
        "Replace `galery` with `gallery`",
    );
    assert!(fixed.contains("  gallery: Keeper"), "{fixed}");
    let fixed = fix(
        "tests/fixtures/invalid/expr-unknown-function.yaml",
        "E0114",
        "Replace `Tolower` with `ToLower`",
    );
    assert!(fixed.contains("ToLower("), "{fixed}");
}

#[test]
fn keeper_fix_uses_the_same_source_for_the_work_email_as_for_user_name() {
    let fixed = fix(
        "tests/fixtures/invalid/keeper-different-sources.yaml",
        "E0201",
        "Use the same source for the work email as for userName",
    );
    let (m, diags) = load_str("fixed.yaml", &fixed);
    assert!(diags.iter().all(|d| !d.is_error()), "{diags:?}");
    let m = m.expect("loads");
    let attrs = m.manifest.provisioning.unwrap().mappings.unwrap();
    let users = attrs.get("users").unwrap().attributes.clone().unwrap();
    assert_eq!(
        users.get("userName").unwrap().kind,
        users.get(r#"emails[type eq "work"].value"#).unwrap().kind
    );
}

#[test]
fn literal_secret_fix_references_the_connectors_environment_variable() {
    let fixed = fix(
        "tests/fixtures/invalid/literal-secret.yaml",
        "E0108",
        "Replace the literal secret with `{ fromEnv: KEEPER_SCIM_TOKEN }`",
    );
    assert!(
        fixed.contains("secretToken: { fromEnv: KEEPER_SCIM_TOKEN }"),
        "{fixed}"
    );
}
