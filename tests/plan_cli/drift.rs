//! Each single drift, made by a direct Graph call on a tenant that matched the manifest,
//! produces exactly one change and exit code 2 with `--detailed-exitcode`.

use serde_json::{Value, json};

use super::common::*;
use super::tenant::*;

/// Sets the tenant up, applies `drift`, plans, and returns the change lines.
fn plan_after(drift: impl FnOnce(&Graph, &App)) -> (Run, Vec<String>) {
    let (sim, _dir) = start_sim();
    let g = Graph::new(&sim);
    let app = setup_keeper(&g);
    drift(&g, &app);
    let run = plan(&sim, &["examples/keeper.yaml", "--detailed-exitcode"]);
    let changes = run
        .stdout
        .lines()
        .filter(|l| l.starts_with("  + ") || l.starts_with("  ~ ") || l.starts_with("  - "))
        .map(str::to_owned)
        .collect();
    (run, changes)
}

/// Exactly one change, starting with `expected`, and exit 2.
fn assert_one(run: &Run, changes: &[String], expected: &str) {
    assert_eq!(run.code, 2, "{run:?}");
    assert_eq!(changes.len(), 1, "{run:?}");
    assert!(changes[0].starts_with(expected), "{run:?}");
}

fn put_secrets(g: &Graph, app: &App, edit: impl FnOnce(&mut Vec<Value>)) {
    let mut secrets = keeper_secrets("https://keepersecurity.com/api/rest/scim/v2/1234567890")
        .as_array()
        .cloned()
        .unwrap_or_default();
    edit(&mut secrets);
    g.put(
        &format!("{}/synchronization/secrets", app.sp_path()),
        json!({ "value": secrets }),
    );
}

fn set_secret(secrets: &mut [Value], key: &str, value: &str) {
    for s in secrets.iter_mut() {
        if s["key"] == key {
            s["value"] = json!(value);
        }
    }
}

fn users_mapping(schema: &mut Value) -> &mut Value {
    object_mappings(schema)
        .into_iter()
        .find(|m| m["sourceObjectName"] == "User")
        .expect("users mapping")
}

#[test]
fn renamed_app_is_one_app_update() {
    let (run, changes) = plan_after(|g, app| {
        g.patch(&app.sp_path(), json!({ "displayName": "Keeper (renamed)" }));
    });
    assert_one(&run, &changes, "  ~ app");
    assert!(
        run.stdout.contains("Keeper (renamed) → Keeper (prod)"),
        "{run:?}"
    );
}

#[test]
fn extra_assignment_is_one_removal() {
    let (run, changes) = plan_after(|g, app| {
        let bob = user_id(g, "bob@contoso.com");
        assign(g, &app.sp, &bob, &app.user_role);
    });
    assert_one(
        &run,
        &changes,
        "  - assignment[user:bob@contoso.com → User]",
    );
}

#[test]
fn removed_assignment_is_one_create() {
    let (run, changes) = plan_after(|g, app| {
        let list = g.get(&format!("{}/appRoleAssignedTo", app.sp_path()));
        let alice = list["value"]
            .as_array()
            .expect("assignments")
            .iter()
            .find(|a| a["principalDisplayName"] == "Alice Contoso")
            .and_then(|a| a["id"].as_str())
            .expect("alice's assignment")
            .to_owned();
        g.delete(&format!("{}/appRoleAssignedTo/{alice}", app.sp_path()));
    });
    assert_one(
        &run,
        &changes,
        "  + assignment[user:alice@contoso.com → User]",
    );
}

#[test]
fn deleted_job_plans_a_new_job() {
    let (run, changes) = plan_after(|g, app| g.delete(&app.job_path()));
    assert_eq!(run.code, 2, "{run:?}");
    // The schema and the run state live in the job: they come back with it.
    assert!(changes.iter().any(|c| c.starts_with("  + job")), "{run:?}");
    assert!(changes.iter().all(|c| !c.starts_with("  - ")), "{run:?}");
}

#[test]
fn changed_tenant_url_is_one_credentials_update() {
    let (run, changes) = plan_after(|g, app| {
        put_secrets(g, app, |s| {
            set_secret(
                s,
                "BaseAddress",
                "https://keepersecurity.com/api/rest/scim/v2/999",
            )
        });
    });
    assert_one(&run, &changes, "  ~ credentials");
    assert!(run.stdout.contains("tenantUrl"), "{run:?}");
    assert!(!run.stdout.contains("secretToken"), "{run:?}");
}

#[test]
fn rotated_token_fingerprint_is_one_credentials_update() {
    let (run, changes) = plan_after(|g, app| {
        let sp = g.get(&app.sp_path());
        let tags: Vec<Value> = sp["tags"]
            .as_array()
            .expect("tags")
            .iter()
            .map(|t| match t.as_str() {
                Some(s) if s.starts_with("entraprov:token-sha256=") => {
                    json!(format!(
                        "entraprov:token-sha256={}",
                        fingerprint(&app.sp, "old")
                    ))
                }
                _ => t.clone(),
            })
            .collect();
        g.patch(&app.sp_path(), json!({ "tags": tags }));
    });
    assert_one(&run, &changes, "  ~ credentials");
    assert!(
        run.stdout.contains("secretToken: (sensitive, fingerprint"),
        "{run:?}"
    );
}

#[test]
fn changed_notification_email_is_one_settings_update() {
    let (run, changes) = plan_after(|g, app| {
        let n = r#"{"Enabled":true,"Recipients":"someone@contoso.com","DeleteThresholdEnabled":true,"DeleteThresholdValue":500}"#;
        put_secrets(g, app, |s| set_secret(s, "SyncNotificationSettings", n));
    });
    assert_one(&run, &changes, "  ~ settings");
    assert!(
        run.stdout
            .contains("someone@contoso.com → it-alerts@contoso.com"),
        "{run:?}"
    );
}

#[test]
fn scope_all_is_a_settings_update_with_a_restart() {
    let (run, changes) = plan_after(|g, app| {
        put_secrets(g, app, |s| set_secret(s, "SyncAll", "true"));
    });
    assert_eq!(run.code, 2, "{run:?}");
    assert_eq!(changes.len(), 2, "{run:?}");
    assert!(changes[0].starts_with("  ~ settings"), "{run:?}");
    assert!(changes[1].starts_with("  ~ state"), "{run:?}");
    assert!(run.stdout.contains("scope: all → assigned"), "{run:?}");
}

#[test]
fn disabled_object_mapping_is_one_mapping_update() {
    let (run, changes) = plan_after(|g, app| {
        edit_schema(g, app, |s| users_mapping(s)["enabled"] = json!(false));
    });
    assert_one(&run, &changes, "  ~ mapping[users]");
}

#[test]
fn changed_attribute_source_is_one_attribute_update() {
    let (run, changes) = plan_after(|g, app| {
        edit_schema(g, app, |s| {
            let maps = users_mapping(s)["attributeMappings"]
                .as_array_mut()
                .expect("mappings");
            for m in maps.iter_mut() {
                if m["targetAttributeName"] == "displayName" {
                    m["source"] = json!({"type": "Attribute", "name": "mail", "expression": "[mail]", "parameters": []});
                }
            }
        });
    });
    assert_one(&run, &changes, "  ~ mapping[users].attribute[displayName]");
    assert!(run.stdout.contains("mail → displayName"), "{run:?}");
}

#[test]
fn removed_scoping_filter_is_one_create() {
    let (run, changes) = plan_after(|g, app| {
        edit_schema(g, app, |s| {
            let groups = users_mapping(s)["scope"]["groups"]
                .as_array_mut()
                .expect("filters");
            groups.retain(|f| f["name"] != "Contractors by number");
        });
    });
    assert_one(
        &run,
        &changes,
        "  + mapping[users].scopingFilter[Contractors by number]",
    );
}

#[test]
fn paused_job_is_one_state_update() {
    let (run, changes) = plan_after(|g, app| {
        g.post(&format!("{}/pause", app.job_path()), json!({}));
    });
    assert_one(&run, &changes, "  ~ state");
    assert!(run.stdout.contains("Off → On"), "{run:?}");
}
