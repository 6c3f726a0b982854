//! A fresh tenant plans everything as a create; a tenant set up to match plans nothing.

use super::common::*;
use super::tenant::*;

#[test]
fn fresh_tenant_plans_the_full_keeper_manifest_as_all_create() {
    let (sim, _dir) = start_sim();
    let run = plan(&sim, &["examples/keeper.yaml", "--detailed-exitcode"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stdout.contains("+ app"), "{run:?}");
    // Everything is created; the only in-place change is switching provisioning on.
    assert!(!run.stdout.contains("\n  - "), "{run:?}");
    let updates: Vec<&str> = run
        .stdout
        .lines()
        .filter(|l| l.starts_with("  ~ "))
        .collect();
    assert_eq!(updates.len(), 1, "{run:?}");
    assert!(updates[0].starts_with("  ~ state"), "{run:?}");
    assert!(
        run.stdout
            .contains("Plan: 21 to add, 1 to change, 0 to remove."),
        "{run:?}"
    );
    redacted().bind(|| insta::assert_snapshot!("plan_fresh_tenant_human", run.stdout));
}

#[test]
fn tenant_set_up_by_direct_graph_calls_plans_no_changes_and_exits_0() {
    let (sim, _dir) = start_sim();
    let g = Graph::new(&sim);
    setup_keeper(&g);
    let run = plan(&sim, &["examples/keeper.yaml", "--detailed-exitcode"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(
        run.stdout.trim(),
        "No changes. keeper-prod matches the manifest.",
        "{run:?}"
    );
}

/// A manifest in a temp dir: `app` lines and a tenant URL; no assignments, no mappings.
fn manifest_with(dir: &std::path::Path, app: &str, tenant_url: &str) -> String {
    let text = format!(
        "apiVersion: entraprov/v1\nkind: EnterpriseApp\nname: tenant-url-check\n\napp:\n{app}\n\
         provisioning:\n  enabled: false\n  credentials:\n    tenantUrl: {tenant_url}\n    \
         secretToken: {{ fromEnv: KEEPER_SCIM_TOKEN }}\n"
    );
    let path = dir.join("app.yaml");
    std::fs::write(&path, text).expect("write manifest");
    path.to_string_lossy().into_owned()
}

#[test]
fn keeper_eu_tenant_url_names_the_eu_region_in_human_json_and_markdown_plans() {
    let (sim, dir) = start_sim();
    let app = "  displayName: Keeper EU\n  gallery: Keeper Password Manager & Digital Vault";
    let path = manifest_with(
        dir.path(),
        app,
        "https://keepersecurity.eu/api/rest/scim/v2/345074852429829",
    );
    let region = "Keeper EU (keepersecurity.eu), node 345074852429829";
    let human = plan(&sim, &[&path]);
    assert_eq!(human.code, 0, "{human:?}");
    let line = human
        .stdout
        .lines()
        .find(|l| l.trim_start().starts_with("region:"))
        .unwrap_or_else(|| panic!("no region line: {human:?}"));
    assert_eq!(line.split_once(':').map(|(_, r)| r.trim()), Some(region));
    let credentials = human
        .stdout
        .find("+ credentials")
        .expect("credentials change");
    assert!(human.stdout[credentials..].contains(line), "{human:?}");

    let json = plan(&sim, &[&path, "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&json.stdout).expect("JSON plan");
    let changes = doc["plans"][0]["changes"].as_array().expect("changes");
    let with_region: Vec<&serde_json::Value> = changes
        .iter()
        .filter(|c| c.get("region").is_some())
        .collect();
    assert_eq!(with_region.len(), 1, "{}", json.stdout);
    assert_eq!(with_region[0]["address"], "credentials");
    assert_eq!(with_region[0]["region"], region);

    let markdown = plan(&sim, &[&path, "--format", "markdown"]);
    assert!(
        markdown.stdout.contains(&format!("region:      {region}")),
        "{markdown:?}"
    );
}

#[test]
fn generic_scim_app_plans_credentials_without_a_region_line() {
    let (sim, dir) = start_sim();
    let app = "  displayName: SCIM app\n  templateId: 8adf8e6e-67b2-4cf2-a259-e3dc5476c621";
    let path = manifest_with(dir.path(), app, "https://scim.example.com/scim/v2");
    let human = plan(&sim, &[&path]);
    assert_eq!(human.code, 0, "{human:?}");
    assert!(human.stdout.contains("+ credentials"), "{human:?}");
    assert!(
        human
            .stdout
            .contains("tenantUrl:   https://scim.example.com/scim/v2"),
        "{human:?}"
    );
    assert!(!human.stdout.contains("region"), "{human:?}");
    let json = plan(&sim, &[&path, "--format", "json"]);
    assert!(
        json.stdout.contains("\"address\": \"credentials\""),
        "{json:?}"
    );
    assert!(!json.stdout.contains("\"region\""), "{json:?}");
    let markdown = plan(&sim, &[&path, "--format", "markdown"]);
    assert!(markdown.stdout.contains("credentials"), "{markdown:?}");
    assert!(!markdown.stdout.contains("region"), "{markdown:?}");
}
