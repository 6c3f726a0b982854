//! Hand-configured apps → import → validate clean → plan shows only the token and the tag.

use serde_json::json;
use sha2::{Digest, Sha256};

use super::graph::*;
use super::support::*;

const KEEPER: &str = "Keeper Password Manager & Digital Vault";

/// A Keeper app with every unusual mapping: nested function calls, constants (also the
/// `source: null` + `defaultValue` form), defaults, `onCreate`, two matching attributes,
/// three scoping filters mixing unary and binary operators, and a disabled group mapping.
fn keeper_by_hand(g: &Graph) -> App {
    let app = create_app(g, KEEPER, "Keeper (hand-made)");
    let user = app.role("User").to_owned();
    assign(g, &app, &group_ids(g, "Keeper Users")[0], &user);
    // Two groups are named "Sales": import must name this one by object id.
    assign(g, &app, &group_ids(g, "Sales")[1], &user);
    assign(g, &app, &user_id(g, "alice@contoso.example"), &user);
    put_secrets(
        g,
        &app,
        &[
            (
                "BaseAddress",
                "https://keepersecurity.eu/api/rest/scim/v2/98765",
            ),
            ("SecretToken", "typed-into-the-portal"),
            ("SyncAll", "False"),
            (
                "SyncNotificationSettings",
                r#"{"Enabled":true,"Recipients":"it-alerts@contoso.example","DeleteThresholdEnabled":true,"DeleteThresholdValue":250}"#,
            ),
            ("SkipOutOfScopeDeletions", "True"),
        ],
    );
    let users = vec![
        mapping(
            "userName",
            attribute("userPrincipalName"),
            1,
            "Always",
            None,
        ),
        mapping(
            "emails[type eq \"work\"].value",
            attribute("userPrincipalName"),
            0,
            "Always",
            None,
        ),
        mapping("externalId", attribute("objectId"), 2, "Always", None),
        mapping(
            "active",
            parsed(
                g,
                &app,
                r#"Switch([IsSoftDeleted], , "False", "True", "True", "False")"#,
            ),
            0,
            "Always",
            None,
        ),
        mapping(
            "displayName",
            parsed(
                g,
                &app,
                r#"Join(" ", IIF(IsPresent([jobTitle]), [jobTitle], "Staff"), ToUpper([surname], ))"#,
            ),
            0,
            "Always",
            None,
        ),
        mapping(
            "name.formatted",
            parsed(g, &app, r#"Append([givenName], "'s")"#),
            0,
            "Always",
            Some("nobody"),
        ),
        mapping(
            "name.familyName",
            attribute("surname"),
            0,
            "Always",
            Some("-"),
        ),
        mapping(
            "name.givenName",
            attribute("givenName"),
            0,
            "ObjectAddOnly",
            None,
        ),
        mapping(
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department",
            json!({ "type": "Constant", "name": "no", "expression": "\"no\"", "parameters": [] }),
            0,
            "Always",
            None,
        ),
        mapping(
            "preferredLanguage",
            serde_json::Value::Null,
            0,
            "Always",
            Some("en-US"),
        ),
    ];
    let scope = json!({ "groups": [
        { "name": "Engineering only", "clauses": [
            clause("department", "EQUALS", &["Engineering"]),
            clause("accountEnabled", "IS_TRUE", &[]) ] },
        { "name": "Contractors: #2", "clauses": [
            clause("employeeId", "GREATER_THAN", &["90000"]),
            clause("jobTitle", "IS_NOT_NULL", &[]) ] },
        { "name": "Not guests", "clauses": [
            clause("userPrincipalName", "NOT_REGEX_MATCH", &["#EXT#"]) ] }
    ]});
    edit_mappings(g, &app, |om| {
        if om["sourceObjectName"] == "User" {
            om["attributeMappings"] = json!(users);
            om["scope"] = scope.clone();
        } else {
            om["enabled"] = json!(false);
        }
    });
    start(g, &app);
    app
}

#[test]
fn keeper_with_unusual_mappings_imports_validates_and_plans_only_token_and_tag() {
    let sim = start_sim();
    let g = Graph::new(&sim);
    keeper_by_hand(&g);
    let rt = round_trip(
        &sim,
        "Keeper (hand-made)",
        &[],
        "KEEPER_HAND_MADE_SCIM_TOKEN",
    );
    assert_only_token_and_tag(&rt);
    assert!(rt.yaml.contains("- group: { id: "), "{}", rt.yaml);
    assert!(
        rt.yaml.contains("2 groups have this display name"),
        "{}",
        rt.yaml
    );
    assert!(
        rt.yaml
            .contains("secretToken: { fromEnv: KEEPER_HAND_MADE_SCIM_TOKEN }")
    );
    assert!(!rt.yaml.contains("typed-into-the-portal"));
    assert!(!rt.notes.contains("typed-into-the-portal"));
    let human = run(entraprov(&sim)
        .env("KEEPER_HAND_MADE_SCIM_TOKEN", "token-set-by-the-admin")
        .arg("plan")
        .arg(&rt.file));
    assert_eq!(human.code, 0, "{human:?}");
    // The editor (yaml-language-server, YAML 1.2) reports nothing on the imported manifest.
    let schema = concat!(env!("CARGO_MANIFEST_DIR"), "/schemas/entraprov.schema.json");
    let local = import(
        &sim,
        &[
            "--app",
            "Keeper (hand-made)",
            "--schema",
            schema,
            "--no-check",
        ],
    );
    assert_eq!(local.code, 0, "{local:?}");
    let file = rt.dir.path().join("editor.yaml");
    std::fs::write(&file, &local.stdout).expect("write");
    let diags = editor_diagnostics(&file);
    let all: Vec<&serde_json::Value> = diags
        .as_object()
        .expect("by file")
        .values()
        .filter_map(|v| v.as_array())
        .flatten()
        .collect();
    assert!(all.is_empty(), "{}\n{diags:#}", local.stdout);
    redacted().bind(|| {
        insta::assert_snapshot!("import_keeper_unusual_mappings", rt.yaml);
        insta::assert_snapshot!("import_keeper_then_plan", human.stdout);
    });
}

/// The non-gallery SCIM app: scope all, accidental deletions off, provisioning off, the
/// default schema with only create and update, a user assigned the only role.
#[test]
fn non_gallery_app_with_scope_all_imported_by_app_id_plans_only_token_and_tag() {
    let sim = start_sim();
    let g = Graph::new(&sim);
    let app = create_app(&g, "Non-gallery application", "HR directory (SCIM)");
    let role = app.role("msiam_access").to_owned();
    assign(&g, &app, &user_id(&g, "bob@contoso.example"), &role);
    put_secrets(
        &g,
        &app,
        &[
            ("BaseAddress", "https://scim.example.net/hr/v2"),
            ("SecretToken", "hr-token"),
            ("SyncAll", "true"),
            (
                "SyncNotificationSettings",
                r#"{"Enabled":false,"Recipients":"","DeleteThresholdEnabled":false}"#,
            ),
        ],
    );
    edit_mappings(&g, &app, |om| {
        if om["sourceObjectName"] == "User" {
            om["flowTypes"] = json!("Add,Update");
        }
    });
    let rt = round_trip(&sim, &app.app_id, &["--name", "hr"], "HR_SCIM_TOKEN");
    assert_only_token_and_tag(&rt);
    assert!(rt.yaml.contains("scope: all"), "{}", rt.yaml);
    assert!(rt.yaml.contains("enabled: false"), "{}", rt.yaml);
    assert!(
        rt.yaml.contains("accidentalDeletions: { enabled: false }"),
        "{}",
        rt.yaml
    );
    redacted().bind(|| insta::assert_snapshot!("import_non_gallery_scope_all", rt.yaml));
}

/// Live values with no exact manifest form are left out with `prune: false` (so plan leaves
/// them alone), and a Keeper app that fails Keeper's own checks is imported as `scim`.
#[test]
fn values_without_manifest_form_are_left_out_with_prune_false_and_a_note() {
    let sim = start_sim();
    let g = Graph::new(&sim);
    let app = create_app(&g, KEEPER, "Keeper (legacy)");
    let default_access = app.role("msiam_access").to_owned();
    let user = app.role("User").to_owned();
    assign(
        &g,
        &app,
        &user_id(&g, "carol@contoso.example"),
        &default_access,
    );
    // carol's User role cannot be listed either: plan would remove the unlisted Default
    // Access as a role change.
    assign(&g, &app, &user_id(&g, "carol@contoso.example"), &user);
    assign(&g, &app, &user_id(&g, "dave@contoso.example"), &user);
    put_secrets(
        &g,
        &app,
        &[
            ("BaseAddress", "https://keeper.internal.example/scim"),
            ("SecretToken", "legacy"),
        ],
    );
    edit_mappings(&g, &app, |om| {
        if om["sourceObjectName"] != "User" {
            return;
        }
        for m in om["attributeMappings"].as_array_mut().into_iter().flatten() {
            if m["targetAttributeName"] == "emails[type eq \"other\"].value" {
                m["flowType"] = json!("MultiValueAddOnly");
            }
        }
        om["scope"] = json!({ "groups": [
            { "name": "Two departments", "clauses": [
                clause("department", "EQUALS", &["Sales", "IT"]) ] },
            { "name": "", "clauses": [ clause("accountEnabled", "IS_TRUE", &[]) ] }
        ]});
    });
    let rt = round_trip(&sim, "Keeper (legacy)", &[], "KEEPER_LEGACY_SCIM_TOKEN");
    assert_only_token_and_tag(&rt);
    assert!(rt.yaml.contains("connector: scim"), "{}", rt.yaml);
    assert_eq!(rt.yaml.matches("prune: false").count(), 2, "{}", rt.yaml);
    assert!(!rt.yaml.contains("- user: carol@"), "{}", rt.yaml);
    assert!(
        rt.notes
            .contains("carol@contoso.example → User (another assignment of this principal"),
        "{}",
        rt.notes
    );
    redacted().bind(|| {
        insta::assert_snapshot!("import_left_out_values", rt.yaml);
        insta::assert_snapshot!("import_left_out_values_notes", rt.notes);
    });
}

fn fingerprint(sp: &str, token: &str) -> String {
    let digest = Sha256::digest(format!("{sp}:{token}").as_bytes());
    hex::encode(digest)[..12].to_owned()
}

/// An app entraprov already manages: its tag gives the name, its fingerprint tag matches
/// the token, so plan has nothing to do. Imported by object id, to stdout.
#[test]
fn already_managed_app_imported_by_object_id_plans_no_changes() {
    let sim = start_sim();
    let g = Graph::new(&sim);
    let app = create_app(&g, KEEPER, "Keeper (prod)");
    assign(
        &g,
        &app,
        &group_ids(&g, "Keeper Users")[0],
        app.role("User"),
    );
    put_secrets(
        &g,
        &app,
        &[
            (
                "BaseAddress",
                "https://keepersecurity.com/api/rest/scim/v2/1",
            ),
            ("SecretToken", "the-real-token"),
        ],
    );
    edit_mappings(&g, &app, |om| {
        for m in om["attributeMappings"].as_array_mut().into_iter().flatten() {
            if m["targetAttributeName"] == "emails[type eq \"work\"].value" {
                m["source"] = attribute("userPrincipalName");
            }
        }
    });
    add_tags(
        &g,
        &app,
        &[
            "entraprov:keeper-prod".to_owned(),
            format!(
                "entraprov:token-sha256={}",
                fingerprint(&app.sp, "the-real-token")
            ),
        ],
    );
    let imp = import(&sim, &["--app", &app.sp]);
    assert_eq!(imp.code, 0, "{imp:?}");
    assert!(
        imp.stdout.starts_with("# yaml-language-server: $schema="),
        "{imp:?}"
    );
    assert!(
        imp.stdout
            .contains("name: keeper-prod  # from the app's existing entraprov tag")
    );
    assert!(
        !imp.stdout.contains("connector:"),
        "Keeper's checks pass: {}",
        imp.stdout
    );
    assert!(!imp.stderr.contains("warning"), "{imp:?}");
    let dir = tempfile::tempdir().expect("dir");
    let file = dir.path().join("keeper.yaml");
    std::fs::write(&file, &imp.stdout).expect("write");
    let plan = run(entraprov(&sim)
        .env("KEEPER_PROD_SCIM_TOKEN", "the-real-token")
        .args(["plan", "--detailed-exitcode"])
        .arg(&file));
    assert_eq!(plan.code, 0, "{}\n{plan:?}", imp.stdout);
    assert!(plan.stdout.contains("No changes."), "{plan:?}");
    // Another name would add a second identity tag: import says so.
    let renamed = import(&sim, &["--app", &app.sp, "--name", "keeper-main"]);
    assert_eq!(renamed.code, 0, "{renamed:?}");
    assert!(
        renamed.stderr.contains(
            "already tagged entraprov:keeper-prod; the first apply adds entraprov:keeper-main"
        ),
        "{renamed:?}"
    );
    assert!(
        renamed.stdout.contains("KEEPER_MAIN_SCIM_TOKEN"),
        "{renamed:?}"
    );
}

/// An app without a provisioning job: the manifest has no provisioning section (so plan does
/// not create a job), and plan shows only the adoption tag.
#[test]
fn app_without_provisioning_job_imports_without_a_provisioning_section() {
    let sim = start_sim();
    let g = Graph::new(&sim);
    let app = instantiate(&g, "Slack", "Slack (sales)");
    assign(
        &g,
        &app,
        &group_ids(&g, "R&D O'Neil Team")[0],
        app.role("User"),
    );
    let rt = round_trip(&sim, "Slack (sales)", &[], "SLACK_SALES_SCIM_TOKEN");
    assert_eq!(
        changes(&rt.plan),
        vec!["update app: identityTag".to_owned()],
        "{}",
        rt.yaml
    );
    assert!(!rt.yaml.contains("provisioning:"), "{}", rt.yaml);
    assert!(rt.yaml.contains("- group: R&D O'Neil Team"), "{}", rt.yaml);
    redacted().bind(|| insta::assert_snapshot!("import_no_job", rt.yaml));
}

/// Import only reads: it works with the read-only "plan" identity and leaves the tenant
/// exactly as it was.
#[test]
fn import_is_read_only_and_works_with_the_read_only_identity() {
    use secrecy::ExposeSecret;
    let sim = start_sim();
    let g = Graph::new(&sim);
    keeper_by_hand(&g);
    let before = sim.state_dump();
    let run = super::support::run(
        entraprov(&sim)
            .env("AZURE_CLIENT_ID", sim.plan_client_id().to_string())
            .env(
                "AZURE_CLIENT_SECRET",
                sim.plan_client_secret().expose_secret(),
            )
            .args(["import", "--app", "Keeper (hand-made)"]),
    );
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stdout.contains("kind: EnterpriseApp"), "{run:?}");
    assert!(!run.stderr.contains("plan would also change"), "{run:?}");
    assert_eq!(sim.state_dump(), before, "import changed the tenant");
    assert!(!run.stderr.contains("warning"), "{run:?}");
}
