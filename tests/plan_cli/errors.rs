//! Every error path of plan: a located diagnostic with a code on stderr and exit 1.

use entraprov::sim::ClientApp;

use super::common::*;
use super::tenant::*;

const HEAD: &str = "apiVersion: entraprov/v1
kind: EnterpriseApp
name: keeper-prod
tenantId: 72f988bf-86f1-41af-91ab-2d7cd011db47
app:
  displayName: Keeper (prod)
  gallery: Keeper Password Manager & Digital Vault
";

/// Writes `HEAD + body` as `dir/keeper.yaml`; returns its path (relative names in output).
fn manifest(dir: &tempfile::TempDir, body: &str) -> String {
    let path = dir.path().join("keeper.yaml");
    std::fs::write(&path, format!("{HEAD}{body}")).expect("manifest");
    path.to_string_lossy().into_owned()
}

/// A tenant with the hand-made Keeper app and its job, and a manifest whose `users`
/// mapping has `userName` and the work email, then `rest` (more attributes, lists).
fn keeper_job_with_users(
    rest: &str,
) -> (
    entraprov::sim::Server,
    tempfile::TempDir,
    tempfile::TempDir,
    String,
) {
    let (sim, sim_dir) = start_sim();
    setup_keeper(&Graph::new(&sim));
    let dir = tempfile::tempdir().expect("dir");
    let body = format!(
        r#"provisioning:
  mappings:
    users:
      prune: false
      attributes:
        userName: {{ source: userPrincipalName, matchingPriority: 1 }}
        'emails[type eq "work"].value': {{ source: userPrincipalName }}
{rest}"#
    );
    let path = manifest(&dir, &body);
    (sim, sim_dir, dir, path)
}

fn assert_error(run: &Run, code: &str) {
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stderr.contains(code), "{run:?}");
    assert!(
        run.stdout.trim().is_empty() || !run.stdout.contains("Plan:"),
        "{run:?}"
    );
}

/// Snapshot of stderr with the temp dir and volatile ids hidden.
fn snapshot(name: &str, run: &Run, dir: &tempfile::TempDir) {
    let mut s = redacted();
    s.add_filter(&regex_escape(&dir.path().to_string_lossy()), "[dir]");
    s.add_filter(
        r"request-id [0-9a-f-]+|client-request-id [0-9a-f-]+",
        "[request-ids]",
    );
    s.bind(|| insta::assert_snapshot!(name, run.stderr));
}

fn regex_escape(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '/' || c == '-' || c == '_' {
                c.to_string()
            } else {
                format!("\\{c}")
            }
        })
        .collect()
}

#[test]
fn missing_secret_variable_names_the_variable_and_the_manifest_line() {
    let (sim, _dir) = start_sim();
    let run = run(entraprov(&sim)
        .env_remove("KEEPER_SCIM_TOKEN")
        .args(["plan", "examples/keeper.yaml"]));
    assert_error(&run, "E0301");
    assert!(run.stderr.contains("KEEPER_SCIM_TOKEN"), "{run:?}");
    assert!(run.stderr.contains("examples/keeper.yaml:29:29"), "{run:?}");
    redacted().bind(|| insta::assert_snapshot!("plan_error_missing_secret_env", run.stderr));
}

/// A token with whitespace inside is refused by plan (and apply) as test-connection refuses
/// it (E0703), never written; surrounding whitespace is trimmed by both (issue #13).
#[test]
fn a_token_with_inner_whitespace_is_refused_like_test_connection_does() {
    let (sim, _dir) = start_sim();
    let bad = run(entraprov(&sim)
        .env("KEEPER_SCIM_TOKEN", "scim-token part-two")
        .args(["plan", "examples/keeper.yaml"]));
    assert_error(&bad, "E0301");
    assert!(bad.stderr.contains("whitespace"), "{bad:?}");
    assert!(
        !bad.stderr.contains("part-two"),
        "the token never appears: {bad:?}"
    );
    let applied = run(entraprov(&sim)
        .env("KEEPER_SCIM_TOKEN", "scim-token part-two")
        .args(["apply", "--auto-approve", "examples/keeper.yaml"]));
    assert_eq!(applied.code, 1, "{applied:?}");
    // One failure is printed once (it was printed three times by apply).
    assert_eq!(applied.stderr.matches("E0301").count(), 1, "{applied:?}");
    let trailing = run(entraprov(&sim)
        .env("KEEPER_SCIM_TOKEN", format!("{SCIM_TOKEN}\n"))
        .args(["plan", "examples/keeper.yaml"]));
    assert_eq!(trailing.code, 0, "{trailing:?}");
}

#[test]
fn unknown_user_unknown_group_and_ambiguous_group_are_all_reported_at_once() {
    let (sim, _sim_dir) = start_sim();
    let dir = tempfile::tempdir().expect("dir");
    let path = manifest(
        &dir,
        "assignments:
  principals:
    - user: nobody@contoso.com
      role: User
    - group: No Such Group
      role: User
    - group: Sales
      role: User
    - group: { id: 00000000-1111-2222-3333-444444444444 }
      role: User
",
    );
    let run = plan(&sim, &[&path]);
    for code in ["E0303", "E0304", "E0305"] {
        assert_error(&run, code);
    }
    assert!(run.stderr.contains("nobody@contoso.com"), "{run:?}");
    assert!(run.stderr.contains("keeper.yaml:10"), "{run:?}");
    assert!(run.stderr.contains("\"No Such Group\""), "{run:?}");
    assert!(
        run.stderr.contains("2 groups are named \"Sales\""),
        "{run:?}"
    );
    snapshot("plan_error_unknown_principals", &run, &dir);
}

#[test]
fn role_not_on_the_app_lists_the_apps_roles() {
    let (sim, _sim_dir) = start_sim();
    setup_keeper(&Graph::new(&sim));
    let dir = tempfile::tempdir().expect("dir");
    let path = manifest(
        &dir,
        "assignments:
  principals:
    - user: alice@contoso.com
      role: Administrator
",
    );
    let run = plan(&sim, &[&path]);
    assert_error(&run, "E0306");
    assert!(
        run.stderr
            .contains("the app's roles are: User, msiam_access"),
        "{run:?}"
    );
    snapshot("plan_error_unknown_role", &run, &dir);
}

#[test]
fn operator_the_job_does_not_support_is_located_with_the_supported_list() {
    // Changed by #14: the simulator now lists every documented operator, `&` included; a
    // job that lists fewer (which operators an app's job supports is not documented) is
    // configured here.
    let (sim, _sim_dir) = start_sim_with(|cfg| {
        cfg.filter_operators = [
            "EQUALS",
            "IS FALSE",
            "IS NOT NULL",
            "IS NULL",
            "IS TRUE",
            "NOT EQUALS",
            "NOT REGEX MATCH",
            "REGEX MATCH",
            "ENDS_WITH",
            "Greater_Than",
            "Greater_Than_OR_EQUALS",
            "Includes",
        ]
        .map(String::from)
        .to_vec();
    });
    setup_keeper(&Graph::new(&sim));
    let dir = tempfile::tempdir().expect("dir");
    let path = manifest(
        &dir,
        r#"provisioning:
  mappings:
    users:
      prune: false
      attributes:
        userName: { source: userPrincipalName, matchingPriority: 1 }
        'emails[type eq "work"].value': { source: userPrincipalName }
        externalId: { expression: 'ConvertToBase64([mail])' }
      scopingFilters:
        - name: Flags
          clauses:
            - { attribute: extensionAttribute1, operator: containedIn, value: "4" }
"#,
    );
    let run = plan(&sim, &[&path]);
    assert_error(&run, "E0307");
    assert!(run.stderr.contains("operator containedIn"), "{run:?}");
    assert!(run.stderr.contains("keeper.yaml:19:59"), "{run:?}");
    // The simulator's job supports every function the offline lint knows, so the function
    // check (E0308) is unit-tested in src/observe/support.rs.
    assert!(!run.stderr.contains("E0308"), "{run:?}");
    snapshot("plan_error_unsupported_operator", &run, &dir);
}

#[test]
fn forbidden_read_names_the_missing_permission() {
    const ID: &str = "c0ffee00-3333-4c3c-8d4e-000000000003";
    let (sim, _dir) = start_sim_with(|cfg| {
        cfg.clients.push(ClientApp::with_secret(
            "directory-only",
            ID,
            "directory-only-secret",
            &["User.Read.All", "Group.Read.All"],
        ));
    });
    let run = run(entraprov(&sim)
        .env("AZURE_CLIENT_ID", ID)
        .env("AZURE_CLIENT_SECRET", "directory-only-secret")
        .args(["plan", "examples/keeper.yaml"]));
    assert_error(&run, "E0503");
    assert!(run.stderr.contains("Application.Read.All"), "{run:?}");
}

#[test]
fn rejected_token_is_a_401_diagnostic() {
    let (sim, _dir) = start_sim();
    let run = run(entraprov(&sim)
        .env("ENTRAPROV_ACCESS_TOKEN", "not-a-valid-token")
        .args(["plan", "examples/keeper.yaml"]));
    assert_error(&run, "E0502");
}

#[test]
fn token_for_another_tenant_stops_before_reading_anything() {
    let (sim, _dir) = start_sim_with(|cfg| {
        cfg.tenant_id = "11111111-2222-4333-8444-555555555555".into();
    });
    let run = plan(&sim, &["examples/keeper.yaml"]);
    assert_error(&run, "E0309");
    assert!(
        run.stderr.contains("11111111-2222-4333-8444-555555555555"),
        "{run:?}"
    );
    assert!(run.stderr.contains("examples/keeper.yaml:7"), "{run:?}");
    // Only the token was requested: no Graph read happened.
    let stats = sim.stats();
    assert_eq!(stats.total, stats.tokens, "{stats:?}");
}

#[test]
fn read_only_identity_plans_and_notes_that_functions_were_not_checked() {
    let (sim, _dir) = start_sim();
    setup_keeper(&Graph::new(&sim));
    let run = run(entraprov(&sim)
        .env("AZURE_CLIENT_ID", sim.plan_client_id().to_string())
        .env(
            "AZURE_CLIENT_SECRET",
            secrecy::ExposeSecret::expose_secret(&sim.plan_client_secret()),
        )
        .args(["plan", "examples/keeper.yaml", "--detailed-exitcode"]));
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stdout.contains("No changes."), "{run:?}");
    assert!(run.stdout.contains("functions were not checked"), "{run:?}");
}

#[test]
fn untagged_look_alike_app_is_reported_not_adopted() {
    let (sim, _dir) = start_sim();
    instantiate(&Graph::new(&sim), &[]);
    let run = plan(&sim, &["examples/keeper.yaml", "--detailed-exitcode"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stdout.contains("+ app"), "{run:?}");
    assert!(
        run.stdout
            .contains("exists without the tag entraprov:keeper-prod"),
        "{run:?}"
    );
}

#[test]
fn unknown_gallery_app_is_located_when_the_app_must_be_created() {
    let (sim, _sim_dir) = start_sim();
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("app.yaml");
    std::fs::write(
        &path,
        "apiVersion: entraprov/v1\nkind: EnterpriseApp\nname: nope\napp:\n  displayName: Nope\n  gallery: No Such Gallery App\n",
    )
    .expect("manifest");
    let run = plan(&sim, &[&path.to_string_lossy()]);
    assert_error(&run, "E0310");
    assert!(run.stderr.contains("app.yaml:6:12"), "{run:?}");
}

#[test]
fn app_id_without_a_service_principal_is_located() {
    let (sim, _sim_dir) = start_sim();
    let dir = tempfile::tempdir().expect("dir");
    let path = manifest(&dir, "").replace("keeper.yaml", "adopt.yaml");
    let text = HEAD.replace(
        "  gallery:",
        "  appId: 0a0b0c0d-1111-4222-8333-444455556666\n  gallery:",
    );
    std::fs::write(&path, text).expect("manifest");
    let run = plan(&sim, &[&path]);
    assert_error(&run, "E0312");
    assert!(
        run.stderr.contains("0a0b0c0d-1111-4222-8333-444455556666"),
        "{run:?}"
    );
}

#[test]
fn two_apps_with_the_same_tag_are_refused_with_both_named() {
    let (sim, _sim_dir) = start_sim();
    let g = Graph::new(&sim);
    let (a, _) = instantiate(&g, &["entraprov:keeper-prod"]);
    let (b, _) = instantiate(&g, &["entraprov:keeper-prod"]);
    let run = plan(&sim, &["examples/keeper.yaml"]);
    assert_error(&run, "E0311");
    assert!(
        run.stderr.contains(&a) && run.stderr.contains(&b),
        "{run:?}"
    );
    // The help gives the command that removes the tag from the second app (issue #13).
    let untag = format!(
        "az rest --method PATCH --url https://graph.microsoft.com/v1.0/servicePrincipals/{b}"
    );
    assert!(run.stderr.contains(&untag), "{run:?}");
    assert!(run.stderr.contains("app.appId"), "{run:?}");
    // apply explains it the same way, once, and changes nothing.
    let applied = super::common::run(entraprov(&sim).args([
        "apply",
        "--auto-approve",
        "examples/keeper.yaml",
    ]));
    assert_eq!(applied.code, 1, "{applied:?}");
    assert!(applied.stderr.contains(&untag), "{applied:?}");
    assert_eq!(applied.stderr.matches("E0311").count(), 1, "{applied:?}");
}

#[test]
fn secret_file_is_read_relative_to_the_manifest_and_a_missing_one_is_located() {
    let (sim, _sim_dir) = start_sim();
    let dir = tempfile::tempdir().expect("dir");
    let body = "provisioning:
  credentials:
    tenantUrl: https://keepersecurity.com/api/rest/scim/v2/1234567890
    secretToken: { fromFile: secrets/keeper-token }
";
    let path = manifest(&dir, body);
    let missing = plan(&sim, &[&path]);
    assert_error(&missing, "E0302");
    assert!(missing.stderr.contains("keeper-token"), "{missing:?}");
    assert!(missing.stderr.contains("keeper.yaml:11:30"), "{missing:?}");
    std::fs::create_dir(dir.path().join("secrets")).expect("dir");
    std::fs::write(dir.path().join("secrets/keeper-token"), "file-token\n").expect("token");
    let ok = plan(&sim, &[&path]);
    assert_eq!(ok.code, 0, "{ok:?}");
    assert!(
        ok.stdout.contains("secretToken: (sensitive, will be set)"),
        "{ok:?}"
    );
    assert!(!ok.stdout.contains("file-token"), "{ok:?}");
}

#[test]
fn attributes_the_job_schema_does_not_define_are_located_with_did_you_mean_and_nothing_is_written()
{
    // The issue's case: a generic mapping of `nickName` and the enterprise `costCenter`
    // without adding them to Keeper's attribute list, plus a typo of a listed one.
    let (sim, _sim_dir, dir, path) = keeper_job_with_users(
        r#"        nickname: { source: mailNickname }
        'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:costCenter': { source: department }
      targetAttributes:
        definitions:
          nickName: { type: String }
"#,
    );
    let before = sim.stats();
    let run = plan(&sim, &[&path]);
    assert_error(&run, "E0401");
    assert!(run.stderr.contains("did you mean `nickName`"), "{run:?}");
    assert!(run.stderr.contains("costCenter"), "{run:?}");
    let writes = |s: &entraprov::sim::StatsSnapshot| -> u64 {
        // `$batch` envelopes are POSTs; the parts inside them are counted in `batched`.
        s.by_route
            .iter()
            .chain(s.batched.iter())
            .filter(|(k, _)| {
                !k.starts_with("GET") && !k.contains("$batch") && !k.contains("/token")
            })
            .map(|(_, n)| *n)
            .sum()
    };
    assert_eq!(writes(&sim.stats()), writes(&before), "plan writes nothing");
    snapshot("plan_error_unknown_target_attributes", &run, &dir);
}

/// #14: plan and apply pick the app's job by one rule (the connector's template); two jobs
/// of that template on one app are an error that lists both, before anything is changed.
#[test]
fn two_jobs_of_the_template_on_one_app_are_e0530_listing_both() {
    let (sim, _sim_dir) = start_sim();
    let g = Graph::new(&sim);
    let app = setup_keeper(&g);
    let second = g.create_job(&app.sp);
    let dir = tempfile::tempdir().expect("dir");
    let path = manifest(&dir, "");
    let run = plan(&sim, &[&path]);
    assert_error(&run, "E0530");
    // The message wraps; compare without the wrapping.
    let flat: String = run
        .stderr
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '|')
        .collect();
    assert!(flat.contains(&app.job), "{run:?}");
    assert!(flat.contains(&second), "{run:?}");
    assert!(run.stderr.contains("2 provisioning jobs"), "{run:?}");
}
