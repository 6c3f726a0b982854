//! What a user sees: human, JSON and markdown renderings of a plan that touches every
//! resource kind; several manifests in manifest order; the saved plan file.

use serde_json::{Value, json};

use super::common::*;
use super::tenant::*;

/// A tenant that drifted in every resource kind of an existing app.
fn drifted_everywhere() -> (entraprov::sim::Server, tempfile::TempDir) {
    let (sim, dir) = start_sim();
    let g = Graph::new(&sim);
    let app = setup_keeper(&g);
    g.patch(
        &app.sp_path(),
        json!({ "displayName": "Keeper (old name)" }),
    );
    let bob = user_id(&g, "bob@contoso.com");
    assign(&g, &app.sp, &bob, &app.user_role);
    let mut secrets = keeper_secrets("https://keepersecurity.com/api/rest/scim/v2/111");
    for s in secrets.as_array_mut().into_iter().flatten() {
        if s["key"] == "SyncNotificationSettings" {
            s["value"] = json!(
                r#"{"Enabled":false,"Recipients":"old@contoso.com","DeleteThresholdEnabled":true,"DeleteThresholdValue":500}"#
            );
        }
    }
    g.put(
        &format!("{}/synchronization/secrets", app.sp_path()),
        json!({ "value": secrets }),
    );
    // One word differs from the manifest's expression.
    let switch = parsed(
        &g,
        &app,
        r#"Switch([IsSoftDeleted], , "False", "True", "True", "True")"#,
    );
    edit_schema(&g, &app, |schema| {
        for om in object_mappings(schema) {
            if om["sourceObjectName"] != "User" {
                continue;
            }
            om["enabled"] = json!(false);
            let maps = om["attributeMappings"].as_array_mut().expect("mappings");
            for m in maps.iter_mut() {
                if m["targetAttributeName"] == "active" {
                    m["source"] = switch.clone();
                }
            }
            maps.push(mapping(
                "preferredLanguage",
                json!({"type": "Attribute", "name": "preferredLanguage", "parameters": []}),
                0,
                "Always",
                None,
            ));
            om["scope"]["groups"]
                .as_array_mut()
                .expect("filters")
                .retain(|f| f["name"] != "Contractors by number");
        }
    });
    g.post(&format!("{}/pause", app.job_path()), json!({}));
    (sim, dir)
}

#[test]
fn human_json_and_markdown_of_a_plan_touching_every_resource_kind() {
    let (sim, _dir) = drifted_everywhere();
    let human = plan(&sim, &["examples/keeper.yaml", "--detailed-exitcode"]);
    assert_eq!(human.code, 2, "{human:?}");
    for kind in [
        "~ app",
        "- assignment",
        "~ credentials",
        "~ settings",
        "~ mapping[users]",
        "~ mapping[users].attribute[active]",
        "- mapping[users].attribute[preferredLanguage]",
        "+ mapping[users].scopingFilter",
        "~ state",
    ] {
        assert!(human.stdout.contains(kind), "{kind}\n{human:?}");
    }
    assert!(
        !human.stdout.contains('\u{1b}'),
        "no colour without a TTY: {human:?}"
    );
    let json = plan(&sim, &["examples/keeper.yaml", "--format", "json"]);
    assert_eq!(json.code, 0, "{json:?}");
    let doc: Value = serde_json::from_str(&json.stdout).expect("JSON plan");
    assert_eq!(doc["format_version"], "1");
    let markdown = plan(&sim, &["examples/keeper.yaml", "--format", "markdown"]);
    assert_eq!(markdown.code, 0, "{markdown:?}");
    let s = redacted();
    s.bind(|| {
        insta::assert_snapshot!("plan_every_kind_human", human.stdout);
        insta::assert_snapshot!("plan_every_kind_json", json.stdout);
        insta::assert_snapshot!("plan_every_kind_markdown", markdown.stdout);
    });
}

#[test]
fn colour_only_when_asked_or_on_a_tty() {
    let (sim, _dir) = start_sim();
    let run = run(entraprov(&sim).env_remove("NO_COLOR").args([
        "--color",
        "always",
        "plan",
        "examples/keeper.yaml",
    ]));
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stdout.contains('\u{1b}'), "{run:?}");
    let run = run_plain(&sim);
    assert!(!run.stdout.contains('\u{1b}'), "{run:?}");
}

fn run_plain(sim: &entraprov::sim::Server) -> Run {
    run(entraprov(sim)
        .env_remove("NO_COLOR")
        .args(["plan", "examples/keeper.yaml"]))
}

#[test]
fn several_manifests_are_planned_in_manifest_order() {
    let (sim, _dir) = start_sim();
    let dir = tempfile::tempdir().expect("dir");
    for (file, name) in [("b.yaml", "zeta"), ("a.yaml", "alpha"), ("c.yaml", "mid")] {
        let text = format!(
            "apiVersion: entraprov/v1\nkind: EnterpriseApp\nname: {name}\napp:\n  displayName: App {name}\n  gallery: Keeper Password Manager & Digital Vault\n"
        );
        std::fs::write(dir.path().join(file), text).expect("manifest");
    }
    let run = plan(&sim, &[&dir.path().to_string_lossy(), "--format", "json"]);
    assert_eq!(run.code, 0, "{run:?}");
    let doc: Value = serde_json::from_str(&run.stdout).expect("JSON");
    let names: Vec<&str> = doc["plans"]
        .as_array()
        .expect("plans")
        .iter()
        .filter_map(|p| p["name"].as_str())
        .collect();
    assert_eq!(names, ["alpha", "zeta", "mid"], "file order a, b, c");
}

#[test]
fn out_writes_a_private_saved_plan_without_secret_values() {
    let (sim, _dir) = start_sim();
    let dir = tempfile::tempdir().expect("dir");
    let out = dir.path().join("plan.json");
    let run = plan(
        &sim,
        &["examples/keeper.yaml", "--out", &out.to_string_lossy()],
    );
    assert_eq!(run.code, 0, "{run:?}");
    let text = std::fs::read_to_string(&out).expect("plan file");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&out).expect("meta").permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let saved: Value = serde_json::from_str(&text).expect("JSON");
    assert_eq!(saved["format_version"], "1");
    let entry = &saved["entries"][0];
    assert!(
        entry["manifest_digest"]
            .as_str()
            .is_some_and(|d| d.starts_with("sha256:"))
    );
    assert!(
        entry["observed_fingerprint"]
            .as_str()
            .is_some_and(|d| d.starts_with("sha256:"))
    );
    assert_eq!(entry["plan"]["name"], "keeper-prod");
    assert!(!text.contains(SCIM_TOKEN));
}

#[test]
fn out_is_not_written_when_a_manifest_fails() {
    let (sim, _dir) = start_sim();
    let dir = tempfile::tempdir().expect("dir");
    let out = dir.path().join("plan.json");
    let run = run(entraprov(&sim).env_remove("KEEPER_SCIM_TOKEN").args([
        "plan",
        "examples/keeper.yaml",
        "--out",
        &out.to_string_lossy(),
    ]));
    assert_eq!(run.code, 1, "{run:?}");
    assert!(!out.exists());
    assert!(run.stderr.contains("was not written"), "{run:?}");
}

/// #14: while Graph throttles, stderr says how long plan waits and why (a plain line when
/// stderr is not a terminal), and the plan still completes.
#[test]
fn throttling_waits_are_announced_on_stderr_and_the_plan_completes() {
    let (sim, _dir) = start_sim_with(|cfg| {
        cfg.faults = entraprov::sim::FaultSpec::parse("throttle=0.4:retry-after=1").unwrap();
        cfg.fault_seed = 7;
    });
    // An empty tenant: the plan creates the app (no set-up calls to be throttled).
    let run = plan(&sim, &["examples/keeper.yaml"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stderr
            .lines()
            .any(|l| l == "Graph is throttling: waiting 1 s (Retry-After)"),
        "{run:?}"
    );
    assert!(
        run.stdout.contains("No changes") || run.stdout.contains("Plan:"),
        "{run:?}"
    );
}
