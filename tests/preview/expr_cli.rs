//! `entraprov expr eval`.

use crate::common::{entraprov, run, start_sim};

fn eval(args: &[&str]) -> crate::common::Run {
    let mut cmd = assert_cmd::Command::cargo_bin("entraprov").expect("binary");
    cmd.env_clear()
        .env("NO_COLOR", "1")
        .arg("expr")
        .arg("eval")
        .args(args);
    run(&mut cmd)
}

#[test]
fn offline_file_gives_the_value_skip_and_json() {
    let dir = tempfile::tempdir().unwrap();
    let user = dir.path().join("u.json");
    std::fs::write(
        &user,
        r#"{"givenName":"John","surname":"Doe","department":""}"#,
    )
    .unwrap();
    let u = user.to_str().unwrap();
    let r = eval(&["Join(\", \", \"\", [surname], [givenName])", "--user", u]);
    assert_eq!((r.code, r.stdout.as_str()), (0, "\"Doe, John\"\n"), "{r:?}");
    let r = eval(&[
        "IgnoreFlowIfNullOrEmpty([department])",
        "--user",
        u,
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["skipped"], true, "{r:?}");
    assert_eq!(v["value"], serde_json::Value::Null);
    let r = eval(&["Split([surname], \"o\")", "--user", u, "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["value"], serde_json::json!(["D", "e"]));
    assert_eq!(v["skipped"], false);
}

#[test]
fn errors_are_located_and_exit_1() {
    let r = eval(&["Append([a], toLower([b]))"]);
    assert_eq!(r.code, 1, "{r:?}");
    assert!(
        r.stderr.contains("E0901") && r.stderr.contains("did you mean `ToLower`"),
        "{r:?}"
    );
    assert!(r.stderr.contains("expression:1:13"), "{r:?}");
    let r = eval(&["Mid([a], 1)", "--format", "json"]);
    assert_eq!(r.code, 1);
    let v: serde_json::Value = serde_json::from_str(r.stdout.trim()).unwrap();
    assert_eq!(v["error"]["code"], "E0902");
    let r = eval(&["Left([a], 1)", "--user", "/nonexistent/u.json"]);
    assert!(r.code == 1 && r.stderr.contains("E0907"), "{r:?}");
}

#[test]
fn terminal_output_escapes_control_characters_of_values() {
    let dir = tempfile::tempdir().unwrap();
    let user = dir.path().join("u.json");
    std::fs::write(&user, "{\"surname\":\"Doe\\u001b[2J\"}").unwrap();
    let r = eval(&["[surname]", "--user", user.to_str().unwrap()]);
    assert!(!r.stdout.contains('\u{1b}'), "{r:?}");
    assert!(r.stdout.contains("\\e[2J"), "{r:?}");
}

#[test]
fn a_upn_is_read_from_graph() {
    let (sim, _dir) = start_sim();
    let r = run(entraprov(&sim).args([
        "expr",
        "eval",
        "Join(\" \", [givenName], ToUpper([surname]), [department])",
        "--user",
        "alice@contoso.com",
    ]));
    assert_eq!(
        (r.code, r.stdout.as_str()),
        (0, "\"Alice CONTOSO Engineering\"\n"),
        "{r:?}"
    );
    let r = run(entraprov(&sim).args([
        "expr",
        "eval",
        "[givenName]",
        "--user",
        "nobody@contoso.com",
    ]));
    assert!(r.code == 1 && r.stderr.contains("E0906"), "{r:?}");
}
