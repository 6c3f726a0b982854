//! `test-connection` and `provision-on-demand` end to end: the real binary against the
//! Graph simulator, with the real SCIM server (scim2-server) behind the tenant URL — the
//! simulator's `validateCredentials` calls it too.

use std::path::Path;

use entraprov::sim::{OnDemandOutcome, PrecreatedApp, Server, SimConfig};

use super::support::scim_server::{ScimServer, TOKEN};
use super::support::{SilentServer, free_port};

/// Snapshots of this module live with the others in `tests/snapshots/`.
macro_rules! snapshot {
    ($value:expr) => {
        insta::with_settings!({ snapshot_path => "../snapshots" }, {
            insta::assert_snapshot!($value);
        })
    };
}

const TENANT: &str = "1234567";
const NAME: &str = "keeper-e2e";
const WRONG: &str = "d3JvbmctdG9rZW4tZnJvbS1iZWZvcmUtc2NpbS1lZGl0LXJvdGF0aW9u";

/// Variables that could point the binary elsewhere; removed for every run.
const OUTER_ENV: &[&str] = &[
    "ENTRAPROV_ACCESS_TOKEN",
    "ENTRAPROV_CLOUD",
    "ACTIONS_ID_TOKEN_REQUEST_URL",
    "ACTIONS_ID_TOKEN_REQUEST_TOKEN",
    "AZURE_FEDERATED_TOKEN_FILE",
    "AZURE_CLIENT_CERTIFICATE_PATH",
    "KEEPER_SCIM_TOKEN",
    "SCIM_TOKEN",
];

/// A simulator with the Keeper app `NAME` (tagged, job, two users assigned, saved
/// credentials pointing at `saved_url` with the right token).
fn sim_with_app(saved_url: &str) -> Server {
    let app = PrecreatedApp {
        display_name: "Keeper (e2e)".to_owned(),
        template: "Keeper Password Manager & Digital Vault".to_owned(),
        tags: vec![format!("entraprov:{NAME}")],
        user_assignments: 2,
        with_job: true,
        secrets: vec![
            ("BaseAddress".to_owned(), saved_url.to_owned()),
            ("SecretToken".to_owned(), TOKEN.to_owned()),
        ],
    };
    Server::start(SimConfig {
        precreated: vec![app],
        ..SimConfig::default()
    })
    .expect("simulator starts")
}

/// Writes the Keeper starter manifest for `url` into `dir/keeper.yaml`.
fn write_manifest(dir: &Path, url: &str) {
    let text = super::init_manifest("keeper", &["--name", NAME, "--tenant-url", url]);
    std::fs::write(dir.join("keeper.yaml"), text).expect("write manifest");
}

/// Runs the binary in `dir` against `sim` with `token` in KEEPER_SCIM_TOKEN and SCIM_TOKEN.
fn run(dir: &Path, sim: &Server, token: &str, args: &[&str]) -> (String, String, i32) {
    let mut cmd = assert_cmd::Command::cargo_bin("entraprov").expect("binary built");
    cmd.current_dir(dir).env("NO_COLOR", "1");
    for var in OUTER_ENV {
        cmd.env_remove(var);
    }
    cmd.envs(sim.env())
        .env("KEEPER_SCIM_TOKEN", token)
        .env("SCIM_TOKEN", token)
        .args(args);
    let out = cmd.output().expect("run entraprov");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    for text in [&stdout, &stderr] {
        assert!(
            !text.contains(TOKEN) && !text.contains(WRONG),
            "a token leaked:\n{text}"
        );
    }
    (stdout, stderr, out.status.code().unwrap_or(-1))
}

/// Redacts ports and GUIDs so snapshots are stable.
fn stable(text: &str) -> String {
    let port = regex::Regex::new(r"127\.0\.0\.1:\d+").expect("static regex");
    let guid = regex::Regex::new(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
        .expect("static regex");
    let job = regex::Regex::new(r"job [A-Za-z]+\.[0-9a-f.]+").expect("static regex");
    let text = port.replace_all(text, "127.0.0.1:[PORT]");
    let text = guid.replace_all(&text, "[GUID]");
    job.replace_all(&text, "job [JOB]").into_owned()
}

mod test_connection {
    use super::*;

    #[test]
    fn right_token_passes_the_probe_and_entra_test_connection_and_saved_credentials() {
        let scim = ScimServer::start(TENANT);
        let sim = sim_with_app(&scim.base_url(TENANT));
        let dir = tempfile::tempdir().expect("tempdir");
        write_manifest(dir.path(), &scim.base_url(TENANT));
        let (stdout, stderr, code) = run(
            dir.path(),
            &sim,
            TOKEN,
            &["test-connection", "keeper.yaml", "--saved"],
        );
        assert_eq!(code, 0, "{stdout}\n{stderr}");
        snapshot!(stable(&stdout));
    }

    #[test]
    fn rotated_token_is_a_401_explained_by_keeper_scim_edit_and_entra_agrees() {
        let scim = ScimServer::start(TENANT);
        let sim = sim_with_app(&scim.base_url(TENANT));
        let dir = tempfile::tempdir().expect("tempdir");
        write_manifest(dir.path(), &scim.base_url(TENANT));
        let (stdout, _, code) = run(dir.path(), &sim, WRONG, &["test-connection", "keeper.yaml"]);
        assert_eq!(code, 1);
        assert!(stdout.contains("scim edit"), "{stdout}");
        snapshot!(stable(&stdout));
    }

    #[test]
    fn wrong_node_id_is_a_404_and_exit_1() {
        let scim = ScimServer::start(TENANT);
        let sim = sim_with_app(&scim.base_url(TENANT));
        let dir = tempfile::tempdir().expect("tempdir");
        write_manifest(dir.path(), &scim.base_url("7654321"));
        let (stdout, _, code) = run(dir.path(), &sim, TOKEN, &["test-connection", "keeper.yaml"]);
        assert_eq!(code, 1);
        assert!(
            stdout.contains("E0711") && stdout.contains("node id"),
            "{stdout}"
        );
    }

    #[test]
    fn scim_server_down_is_connection_refused_and_exit_1() {
        let url = format!("http://127.0.0.1:{}/{TENANT}", free_port());
        let sim = sim_with_app(&url);
        let dir = tempfile::tempdir().expect("tempdir");
        write_manifest(dir.path(), &url);
        let (stdout, _, code) = run(dir.path(), &sim, TOKEN, &["test-connection", "keeper.yaml"]);
        assert_eq!(code, 1);
        assert!(
            stdout.contains("E0705") && stdout.contains("connection refused"),
            "{stdout}"
        );
    }

    #[test]
    fn https_url_against_the_plain_http_scim_server_is_exit_1() {
        let scim = ScimServer::start(TENANT);
        let url = scim.base_url(TENANT).replace("http://", "https://");
        let sim = sim_with_app(&url);
        let dir = tempfile::tempdir().expect("tempdir");
        write_manifest(dir.path(), &url);
        let (stdout, _, code) = run(dir.path(), &sim, TOKEN, &["test-connection", "keeper.yaml"]);
        assert_eq!(code, 1);
        assert!(
            stdout.contains("E0706") && stdout.contains("plain HTTP"),
            "{stdout}"
        );
    }

    #[test]
    fn slow_scim_server_times_out_with_the_timeout_flag_and_exit_1() {
        let rt = tokio::runtime::Runtime::new().expect("runtime");
        let silent = rt.block_on(SilentServer::start());
        let url = format!("http://{}/{TENANT}", silent.addr);
        let sim = sim_with_app(&url);
        let dir = tempfile::tempdir().expect("tempdir");
        write_manifest(dir.path(), &url);
        let args = ["test-connection", "keeper.yaml", "--timeout", "0.3"];
        let (stdout, _, code) = run(dir.path(), &sim, TOKEN, &args);
        assert_eq!(code, 1);
        assert!(
            stdout.contains("E0708") && stdout.contains("no answer within 0.3 s"),
            "{stdout}"
        );
        drop(silent);
    }

    #[test]
    fn app_not_created_yet_skips_entra_checks_and_passes_on_the_probe() {
        let scim = ScimServer::start(TENANT);
        let sim = Server::start(SimConfig::default()).expect("simulator starts");
        let dir = tempfile::tempdir().expect("tempdir");
        write_manifest(dir.path(), &scim.base_url(TENANT));
        let (stdout, _, code) = run(dir.path(), &sim, TOKEN, &["test-connection", "keeper.yaml"]);
        assert_eq!(code, 0, "{stdout}");
        assert!(
            stdout.contains("skipped  no app tagged entraprov:keeper-e2e"),
            "{stdout}"
        );
    }

    #[test]
    fn token_from_a_file_next_to_the_manifest_is_read_and_trimmed() {
        let scim = ScimServer::start(TENANT);
        let sim = Server::start(SimConfig::default()).expect("simulator starts");
        let dir = tempfile::tempdir().expect("tempdir");
        write_manifest(dir.path(), &scim.base_url(TENANT));
        let path = dir.path().join("keeper.yaml");
        let text = std::fs::read_to_string(&path).expect("read");
        let text = text.replace(
            "{ fromEnv: KEEPER_SCIM_TOKEN }",
            "{ fromFile: secrets/token }",
        );
        std::fs::write(&path, text).expect("write");
        std::fs::create_dir(dir.path().join("secrets")).expect("mkdir");
        std::fs::write(dir.path().join("secrets/token"), format!("{TOKEN}\n")).expect("write");
        let (stdout, _, code) = run(dir.path(), &sim, WRONG, &["test-connection", "keeper.yaml"]);
        assert_eq!(code, 0, "{stdout}");
    }

    #[test]
    fn manifest_without_credentials_needs_saved_and_says_so() {
        let sim = Server::start(SimConfig::default()).expect("simulator starts");
        let dir = tempfile::tempdir().expect("tempdir");
        write_manifest(dir.path(), "http://127.0.0.1:9/1234567");
        let path = dir.path().join("keeper.yaml");
        let text = std::fs::read_to_string(&path).expect("read");
        let start = text.find("  credentials:").expect("credentials");
        let end = text.find("  # notifications:").expect("notifications");
        std::fs::write(&path, format!("{}{}", &text[..start], &text[end..])).expect("write");
        let (_, stderr, code) = run(dir.path(), &sim, TOKEN, &["test-connection", "keeper.yaml"]);
        assert_eq!(code, 1);
        assert!(
            stderr.contains("E0741") && stderr.contains("--saved"),
            "{stderr}"
        );
    }

    #[test]
    fn missing_token_variable_is_named_and_exit_1() {
        let scim = ScimServer::start(TENANT);
        let sim = sim_with_app(&scim.base_url(TENANT));
        let dir = tempfile::tempdir().expect("tempdir");
        let text = super::super::init_manifest(
            "keeper",
            &["--name", NAME, "--tenant-url", &scim.base_url(TENANT)],
        )
        .replace(
            "fromEnv: KEEPER_SCIM_TOKEN",
            "fromEnv: KEEPER_TOKEN_NOT_SET",
        );
        std::fs::write(dir.path().join("keeper.yaml"), text).expect("write");
        let (stdout, _, code) = run(dir.path(), &sim, TOKEN, &["test-connection", "keeper.yaml"]);
        assert_eq!(code, 1);
        assert!(
            stdout.contains("environment variable KEEPER_TOKEN_NOT_SET is not set"),
            "{stdout}"
        );
    }
}

mod provision_on_demand {
    use super::*;

    fn on_demand(sim: &Server, user: &str) -> (String, i32) {
        let dir = tempfile::tempdir().expect("tempdir");
        write_manifest(dir.path(), "http://127.0.0.1:9/1234567");
        let args = ["provision-on-demand", "keeper.yaml", "--user", user];
        let (stdout, stderr, code) = run(dir.path(), sim, TOKEN, &args);
        (format!("{stdout}{stderr}"), code)
    }

    #[test]
    fn assigned_user_is_created_and_the_report_shows_steps_and_attributes() {
        // #14: provisionOnDemand exports to the tenant URL, so a SCIM server answers there.
        let scim = ScimServer::start(TENANT);
        let sim = sim_with_app(&scim.base_url(TENANT));
        let (out, code) = on_demand(&sim, "alice@contoso.example");
        assert_eq!(code, 0, "{out}");
        assert!(out.contains("Result: Success"), "{out}");
        snapshot!(stable(&out));
    }

    /// #14: with nothing listening at the tenant URL, the export fails and says why (it
    /// used to report "Success … Export ok").
    #[test]
    fn a_down_scim_endpoint_is_a_failed_export_and_exit_1() {
        let sim = sim_with_app("http://127.0.0.1:9/1234567");
        let (out, code) = on_demand(&sim, "alice@contoso.example");
        assert_eq!(code, 1, "{out}");
        assert!(out.contains("Result: Failure"), "{out}");
        assert!(out.contains("could not be reached"), "{out}");
    }

    #[test]
    fn unassigned_user_is_skipped_with_the_reason() {
        let sim = sim_with_app("http://127.0.0.1:9/1234567");
        let (out, code) = on_demand(&sim, "carol@contoso.example");
        assert_eq!(code, 0, "{out}");
        assert!(out.contains("Result: Skipped"), "{out}");
        snapshot!(stable(&out));
    }

    #[test]
    fn failed_export_shows_the_scim_error_and_exits_1() {
        let sim = sim_with_app("http://127.0.0.1:9/1234567");
        sim.set_on_demand_outcome(
            "bob@contoso.example",
            OnDemandOutcome::Failure {
                code: "SystemForCrossDomainIdentityManagementBadRequest".to_owned(),
                message: "Keeper answered 428: the number of licensed seats was exceeded."
                    .to_owned(),
            },
        );
        let (out, code) = on_demand(&sim, "bob@contoso.example");
        assert_eq!(code, 1, "{out}");
        snapshot!(stable(&out));
    }

    /// `provision-on-demand --group GROUP --user …` against `sim`: (stdout+stderr, exit).
    fn group_on_demand(sim: &Server, group: &str, users: &[&str]) -> (String, i32) {
        let dir = tempfile::tempdir().expect("tempdir");
        write_manifest(dir.path(), "http://127.0.0.1:9/1234567");
        let mut args = vec!["provision-on-demand", "keeper.yaml", "--group", group];
        for u in users {
            args.extend(["--user", u]);
        }
        let (stdout, stderr, code) = run(dir.path(), sim, TOKEN, &args);
        (format!("{stdout}{stderr}"), code)
    }

    /// The Keeper app with scope "all users and groups", so any group is in scope.
    fn sim_with_scope_all() -> Server {
        sim_with_scope_all_at("http://127.0.0.1:9/1234567")
    }

    /// [`sim_with_scope_all`] with the tenant URL `base`.
    fn sim_with_scope_all_at(base: &str) -> Server {
        let mut app = PrecreatedApp {
            display_name: "Keeper (e2e)".to_owned(),
            template: "Keeper Password Manager & Digital Vault".to_owned(),
            tags: vec![format!("entraprov:{NAME}")],
            user_assignments: 0,
            with_job: true,
            secrets: vec![
                ("BaseAddress".to_owned(), base.to_owned()),
                ("SecretToken".to_owned(), TOKEN.to_owned()),
            ],
        };
        app.secrets.push(("SyncAll".to_owned(), "true".to_owned()));
        Server::start(SimConfig {
            precreated: vec![app],
            ..SimConfig::default()
        })
        .expect("simulator starts")
    }

    #[test]
    fn group_with_two_members_is_provisioned_in_one_call_and_the_report_names_them() {
        let scim = ScimServer::start(TENANT);
        let sim = sim_with_scope_all_at(&scim.base_url(TENANT));
        let members = ["alice@contoso.example", "carol@contoso.example"];
        let (out, code) = group_on_demand(&sim, "Engineering", &members);
        assert_eq!(code, 0, "{out}");
        assert!(out.contains("Result: Success"), "{out}");
        let members_line = out.lines().find(|l| l.trim_start().starts_with("members "));
        assert_eq!(
            members_line
                .and_then(|l| l.split_once("members"))
                .map(|(_, v)| v.trim()),
            Some("alice@contoso.example, carol@contoso.example"),
            "{out}"
        );
        let calls: u64 = sim
            .stats()
            .by_route
            .iter()
            .filter(|(route, _)| route.ends_with("/provisionOnDemand"))
            .map(|(_, n)| n)
            .sum();
        assert_eq!(calls, 1, "one call for the group and its members");
        snapshot!(stable(&out));
    }

    #[test]
    fn unassigned_group_is_skipped_with_the_reason() {
        let sim = sim_with_app("http://127.0.0.1:9/1234567");
        let (out, code) = group_on_demand(&sim, "Engineering", &["alice@contoso.example"]);
        assert_eq!(code, 0, "{out}");
        assert!(
            out.contains("Result: Skipped (NotEffectivelyEntitled)"),
            "{out}"
        );
        assert!(out.contains("The group is not assigned"), "{out}");
    }

    #[test]
    fn user_outside_the_group_is_refused_by_graph_with_exit_1() {
        let sim = sim_with_scope_all();
        let (out, code) = group_on_demand(&sim, "Engineering", &["bob@contoso.example"]);
        assert_eq!(code, 1, "{out}");
        assert!(out.contains("E0734"), "{out}");
        assert!(
            out.contains("is not a member of the group 'Engineering'"),
            "{out}"
        );
    }

    #[test]
    fn unknown_or_ambiguous_group_is_e0735_before_provisioning() {
        let sim = sim_with_scope_all();
        for (group, expected) in [
            (
                "No Such Group",
                "no group has the displayName No Such Group",
            ),
            ("Sales", "2 groups have the displayName Sales"),
        ] {
            let (out, code) = group_on_demand(&sim, group, &["bob@contoso.example"]);
            assert_eq!(code, 1, "{out}");
            assert!(out.contains("E0735") && out.contains(expected), "{out}");
        }
        let calls = sim
            .stats()
            .by_route
            .iter()
            .filter(|(route, _)| route.ends_with("/provisionOnDemand"))
            .count();
        assert_eq!(calls, 0);
    }

    #[test]
    fn more_than_five_members_is_refused_before_any_graph_call() {
        let sim = sim_with_scope_all();
        let users = ["a@x.example"; 6];
        let (out, code) = group_on_demand(&sim, "Engineering", &users);
        assert_eq!(code, 1, "{out}");
        assert!(out.contains("at most 5"), "{out}");
        assert_eq!(sim.stats().total, 0, "no Graph request expected");
    }

    #[test]
    fn unknown_upn_is_an_error_naming_it() {
        let sim = sim_with_app("http://127.0.0.1:9/1234567");
        let (out, code) = on_demand(&sim, "nobody@contoso.example");
        assert_eq!(code, 1);
        assert!(
            out.contains("no user has the userPrincipalName nobody@contoso.example"),
            "{out}"
        );
    }
}

mod init_plans {
    //! `init` output plans on a fresh simulator (nothing exists yet: everything is added).
    use super::*;

    fn plan(connector: &str) -> (String, String, i32) {
        let sim = Server::start(SimConfig::default()).expect("simulator starts");
        let dir = tempfile::tempdir().expect("tempdir");
        let text = super::super::init_manifest(connector, &["--name", "starter"]);
        std::fs::write(dir.path().join("starter.yaml"), text).expect("write");
        run(
            dir.path(),
            &sim,
            TOKEN,
            &["plan", "starter.yaml", "--detailed-exitcode"],
        )
    }

    #[test]
    fn keeper_starter_plans_on_a_fresh_simulator() {
        let (stdout, stderr, code) = plan("keeper");
        assert_eq!(code, 2, "changes expected\n{stdout}\n{stderr}");
        snapshot!(stable(&stdout));
    }

    /// Table-driven: a new connector's starter is checked without touching this test.
    #[test]
    fn every_connectors_starter_validates_clean_and_plans_on_a_fresh_simulator() {
        for c in entraprov::connector::CONNECTORS {
            let sim = Server::start(SimConfig::default()).expect("simulator starts");
            let dir = tempfile::tempdir().expect("tempdir");
            let text = super::super::init_manifest(c.id, &["--name", "starter"]);
            std::fs::write(dir.path().join("starter.yaml"), text).expect("write");
            let (out, _, code) = run(dir.path(), &sim, TOKEN, &["validate", "starter.yaml"]);
            assert_eq!(code, 0, "{}: {out}", c.id);
            assert!(out.contains("0 errors, 0 warnings"), "{}: {out}", c.id);
            let mut cmd = assert_cmd::Command::cargo_bin("entraprov").expect("binary built");
            for var in OUTER_ENV {
                cmd.env_remove(var);
            }
            let args = ["plan", "starter.yaml", "--detailed-exitcode"];
            let output = cmd
                .current_dir(dir.path())
                .envs(sim.env())
                .env(c.starter.token_env, TOKEN)
                .args(args)
                .output()
                .expect("run plan");
            let text = String::from_utf8_lossy(&output.stdout);
            assert_eq!(output.status.code(), Some(2), "{}: {text}", c.id);
            assert!(text.contains("+ app"), "{}: {text}", c.id);
        }
    }
}

mod apply_wrong_token {
    //! Apply with the real SCIM server behind the simulator's `validateCredentials`.
    use super::*;

    /// `entraprov apply --auto-approve` with a wrong token: (stdout+stderr, PUTs of secrets).
    fn apply_with_wrong_token() -> (String, u64) {
        let scim = ScimServer::start(TENANT);
        let sim = Server::start(SimConfig::default()).expect("simulator starts");
        let dir = tempfile::tempdir().expect("tempdir");
        write_manifest(dir.path(), &scim.base_url(TENANT));
        let args = ["apply", "keeper.yaml", "--auto-approve"];
        let (stdout, stderr, code) = run(dir.path(), &sim, WRONG, &args);
        assert_eq!(code, 1, "{stdout}\n{stderr}");
        let puts = sim
            .stats()
            .by_route
            .iter()
            .filter(|(route, _)| route.starts_with("PUT") && route.ends_with("/secrets"))
            .map(|(_, n)| n)
            .sum();
        (format!("{stdout}{stderr}"), puts)
    }

    #[test]
    fn wrong_token_stops_apply_before_the_secrets_put() {
        let (out, puts) = apply_with_wrong_token();
        assert_eq!(puts, 0, "secrets were written:\n{out}");
        assert!(
            out.contains("Test Connection failed, nothing was written"),
            "{out}"
        );
        assert!(out.contains("CredentialValidationUnauthorized"), "{out}");
    }

    /// Apply's secrets step appends the connector's explanation of the refused token.
    #[test]
    fn wrong_token_failure_in_apply_carries_the_probe_explanation() {
        let (out, _) = apply_with_wrong_token();
        assert!(out.contains("E0710") && out.contains("scim edit"), "{out}");
    }
}
