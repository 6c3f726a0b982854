//! A role change adds the new assignment first, then removes the old one.

use crate::support::{World, block_on, load, show};

const ACME: &str = "apiVersion: entraprov/v1
kind: EnterpriseApp
name: acme
app:
  displayName: Acme
  gallery: Acme SCIM
assignments:
  principals:
    - user: alice@contoso.com
      role: Admin
";

#[test]
fn a_role_change_adds_the_new_role_then_removes_the_old_one() {
    let mut w = World::with(ACME, |cfg| {
        let seed = cfg.seed_file.clone().expect("seed file");
        let mut v: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&seed).expect("seed")).expect("json");
        v["applicationTemplates"] = serde_json::json!([{
            "displayName": "Acme SCIM", "publisher": "Acme", "synchronization": "scim",
            "appRoles": [
                {"id": "11111111-0000-4000-8000-000000000001", "displayName": "Admin",
                 "value": "Admin", "isEnabled": true, "allowedMemberTypes": ["User"],
                 "description": "Admin", "origin": "Application"},
                {"id": "11111111-0000-4000-8000-000000000002", "displayName": "User",
                 "value": "User", "isEnabled": true, "allowedMemberTypes": ["User"],
                 "description": "User", "origin": "Application"}
            ]
        }]);
        std::fs::write(&seed, v.to_string()).expect("write seed");
    });
    block_on(async {
        let first = w.apply().await;
        assert!(first.succeeded(), "{}", show(&first));
    });
    w.loaded = load(&ACME.replace("role: Admin", "role: User"));
    let report = block_on(async {
        let planned = w.plan().await;
        let lines: Vec<String> = planned
            .plan
            .changes
            .iter()
            .map(|c| {
                format!(
                    "{} {} {}",
                    c.action.symbol(),
                    c.address,
                    c.note.clone().unwrap_or_default()
                )
            })
            .collect();
        assert_eq!(
            lines,
            [
                "+ assignment[user:alice@contoso.com → User] ",
                "- assignment[user:alice@contoso.com → Admin] role changed",
            ]
        );
        w.apply().await
    });
    assert!(report.succeeded(), "{}", show(&report));
    let dump = w.server.state_dump();
    let acme = dump["servicePrincipals"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|s| s["displayName"] == "Acme")
        .expect("acme");
    assert_eq!(
        acme["assignments"],
        serde_json::json!(["User:alice@contoso.com -> User"])
    );
}
