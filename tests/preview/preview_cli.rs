//! `entraprov preview`: against the simulator (users read with `$select`, assignment via
//! the direct members of assigned groups) and offline.

use crate::common::{entraprov, keeper_yaml, redacted, run, start_sim};

fn preview(sim: &entraprov::sim::Server, format: &str) -> crate::common::Run {
    let path = keeper_yaml();
    run(entraprov(sim).args([
        "preview",
        path.to_str().unwrap(),
        "--user",
        "alice@contoso.com",
        "--user",
        "bob@contoso.com",
        "--user",
        "nobody@contoso.com",
        "--format",
        format,
    ]))
}

#[test]
fn human_and_markdown_against_the_simulator() {
    let (sim, _dir) = start_sim();
    let human = preview(&sim, "human");
    assert_eq!(human.code, 0, "{human:?}");
    // alice is an immediate member of the group keeper.yaml assigns by id; bob is not
    // assigned; nobody does not exist.
    assert!(
        human
            .stdout
            .contains("assigned through group {id: 5f0c3c52"),
        "{human:?}"
    );
    assert!(
        human
            .stdout
            .contains("bob@contoso.com\n  assignment: not assigned"),
        "{human:?}"
    );
    assert!(
        human.stdout.contains("nobody@contoso.com\n  no such user"),
        "{human:?}"
    );
    let md = preview(&sim, "markdown");
    assert_eq!(md.code, 0, "{md:?}");
    redacted().bind(|| {
        insta::assert_snapshot!("preview_human", human.stdout);
        insta::assert_snapshot!("preview_markdown", md.stdout);
    });
}

#[test]
fn json_gives_the_scope_decision_and_values() {
    let (sim, _dir) = start_sim();
    let r = preview(&sim, "json");
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("json");
    let alice = &v["users"][0];
    assert_eq!(alice["assigned"], true);
    let users = &alice["mappings"][0];
    // alice is in Engineering but the seed has no accountEnabled=false… and isTrue holds.
    assert_eq!(users["inScope"], true, "{r:?}");
    let attr = |name: &str| {
        users["attributes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["target"] == name)
            .cloned()
            .unwrap()
    };
    assert_eq!(attr("userName")["value"], "alice@contoso.com");
    assert_eq!(attr("userName")["matchingPriority"], 1);
    assert_eq!(attr("active")["value"], "True");
    assert_eq!(attr("title")["onCreate"], true);
    assert_eq!(attr("title")["error"]["code"], "E0904");
    assert_eq!(v["users"][1]["assigned"], false);
    assert_eq!(v["users"][2]["found"], false);
}

#[test]
fn offline_user_file_with_membership() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("users.json");
    std::fs::write(
        &file,
        r#"[{"userPrincipalName":"dan@contoso.com","department":"Engineering","accountEnabled":false,"memberOf":["Keeper Users"]},
            {"userPrincipalName":"eve@contoso.com","employeeId":"90001","accountEnabled":true,"memberOf":[]}]"#,
    )
    .unwrap();
    let mut cmd = assert_cmd::Command::cargo_bin("entraprov").unwrap();
    cmd.env_clear().env("NO_COLOR", "1");
    let path = keeper_yaml();
    let r = run(cmd.args([
        "preview",
        path.to_str().unwrap(),
        "--offline",
        "--user-file",
        file.to_str().unwrap(),
        "--format",
        "json",
    ]));
    assert_eq!(r.code, 0, "{r:?}");
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    // dan: assigned through Keeper Users but accountEnabled is false → out of scope.
    assert_eq!(v["users"][0]["assigned"], true);
    assert_eq!(v["users"][0]["mappings"][0]["inScope"], false);
    // eve: the contractor filter matches, but she is not assigned.
    assert_eq!(v["users"][1]["mappings"][0]["filters"][1]["matched"], true);
    assert_eq!(v["users"][1]["assigned"], false);
    assert_eq!(v["users"][1]["mappings"][0]["inScope"], false);
}
