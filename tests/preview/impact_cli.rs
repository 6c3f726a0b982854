//! `entraprov plan --impact` against the simulator: the tenant is set up as
//! examples/keeper.yaml declares it, then a variant of the manifest tightens a scoping
//! filter or drops a group assignment; the impact names exactly the seeded users who leave
//! the scope.
//!
//! Before: "Engineering only" (department = Engineering, accountEnabled) matches, among the
//! assigned users, alice@contoso.example, carol@contoso.example and grace@contoso.example
//! (immediate members of Keeper Users) and alice@contoso.com (assigned directly and through
//! Keeper Admins, no jobTitle).

use crate::common::{keeper_yaml, plan, redacted, start_sim};
use crate::tenant::{Graph, setup_keeper};

const FILTER_LINE: &str = "            - { attribute: accountEnabled, operator: isTrue }\n";
const GROUP_LINES: &str = "    - group: Keeper Users\n      role: User\n";

fn variant(edit: impl FnOnce(String) -> String) -> (tempfile::TempDir, String) {
    let text = std::fs::read_to_string(keeper_yaml()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("keeper.yaml");
    std::fs::write(&path, edit(text)).unwrap();
    let p = path.to_str().unwrap().to_owned();
    (dir, p)
}

fn tightened(text: String) -> String {
    assert!(text.contains(FILTER_LINE));
    text.replace(
        FILTER_LINE,
        &format!("{FILTER_LINE}            - {{ attribute: jobTitle, operator: equals, value: Engineer }}\n"),
    )
}

#[test]
fn a_tightened_filter_reports_exactly_the_users_it_takes_out() {
    let (sim, _d) = start_sim();
    let g = Graph::new(&sim);
    setup_keeper(&g);
    let (_dir, path) = variant(tightened);
    let json = plan(&sim, &[&path, "--impact", "--format", "json"]);
    assert_eq!(json.code, 0, "{json:?}");
    let v: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    let changes = v["plans"][0]["changes"].as_array().unwrap();
    let filter = changes
        .iter()
        .find(|c| c["address"] == "mapping[users].scopingFilter[Engineering only]")
        .expect("filter change");
    assert_eq!(filter["impact"]["count"], 2, "{json:?}");
    assert_eq!(
        filter["impact"]["users"],
        serde_json::json!(["alice@contoso.com", "carol@contoso.example"])
    );
    assert_eq!(filter["impact"]["more"], 0);
    let human = plan(&sim, &[&path, "--impact"]);
    let md = plan(&sim, &[&path, "--impact", "--format", "markdown"]);
    redacted().bind(|| {
        insta::assert_snapshot!("impact_filter_human", human.stdout);
        insta::assert_snapshot!("impact_filter_markdown", md.stdout);
    });
    // Without --impact nothing is listed.
    let plain = plan(&sim, &[&path, "--format", "json"]);
    assert!(!plain.stdout.contains("\"impact\""), "{plain:?}");
}

#[test]
fn a_removed_group_assignment_deprovisions_only_its_immediate_members_in_scope() {
    let (sim, _d) = start_sim();
    let g = Graph::new(&sim);
    setup_keeper(&g);
    let (_dir, path) = variant(|t| {
        assert!(t.contains(GROUP_LINES));
        t.replace(GROUP_LINES, "")
    });
    let r = plan(&sim, &[&path, "--impact", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let removal = v["plans"][0]["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["resource"] == "assignment" && c["action"] == "delete")
        .expect("assignment removal");
    // alice@contoso.com stays: she is assigned directly and through Keeper Admins.
    assert_eq!(
        removal["impact"]["users"],
        serde_json::json!([
            "alice@contoso.example",
            "carol@contoso.example",
            "grace@contoso.example"
        ]),
        "{r:?}"
    );
    assert!(
        removal["impact"]["effect"]
            .as_str()
            .unwrap()
            .contains("Keeper")
    );
}
