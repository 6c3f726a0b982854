//! Connectors end to end: `init` starter manifests, and (with the simulator and the real
//! SCIM server) `test-connection` and `provision-on-demand`.

#[path = "connector/support.rs"]
mod support;

#[path = "connector/e2e.rs"]
mod e2e;

/// Runs `entraprov ARGS` in `dir`; (stdout, stderr, exit code).
fn entraprov_in(dir: &std::path::Path, args: &[&str]) -> (String, String, i32) {
    let out = assert_cmd::Command::cargo_bin("entraprov")
        .expect("binary built")
        .current_dir(dir)
        .env_remove("ENTRAPROV_GRAPH_URL")
        .env("NO_COLOR", "1")
        .args(args)
        .output()
        .expect("run entraprov");
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        out.status.code().unwrap_or(-1),
    )
}

/// The `init` output for a connector (extra args appended).
fn init_manifest(connector: &str, extra: &[&str]) -> String {
    let mut args = vec!["init", "--connector", connector];
    args.extend_from_slice(extra);
    let (stdout, stderr, code) = entraprov_in(std::path::Path::new("."), &args);
    assert_eq!(code, 0, "{stderr}");
    stdout
}

mod init {
    use assert_cmd::Command;

    fn init(args: &[&str]) -> (String, String, i32) {
        let out = Command::cargo_bin("entraprov")
            .expect("binary built")
            .arg("init")
            .args(args)
            .output()
            .expect("run entraprov init");
        (
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
            out.status.code().unwrap_or(-1),
        )
    }

    #[test]
    fn keeper_starter_manifest_is_complete_and_commented() {
        let (stdout, stderr, code) = init(&["--connector", "keeper", "--name", "keeper-prod"]);
        assert_eq!(code, 0, "{stderr}");
        assert!(stdout.starts_with("# yaml-language-server: $schema="));
        insta::assert_snapshot!("init_keeper_stdout", stdout);
        insta::assert_snapshot!("init_keeper_stderr", stderr);
    }

    #[test]
    fn scim_starter_manifest_uses_the_non_gallery_template() {
        let (stdout, stderr, code) = init(&["--connector", "scim"]);
        assert_eq!(code, 0, "{stderr}");
        assert!(stdout.contains("templateId: 8adf8e6e-67b2-4cf2-a259-e3dc5476c621"));
        insta::assert_snapshot!("init_scim_stdout", stdout);
    }

    #[test]
    fn tenant_url_and_schema_flags_are_written_and_the_hint_is_dropped() {
        let url = "https://keepersecurity.eu/api/rest/scim/v2/345074852429829";
        let args = [
            "--connector",
            "keeper",
            "--tenant-url",
            url,
            "--schema",
            "entraprov.schema.json",
        ];
        let (stdout, stderr, code) = init(&args);
        assert_eq!(code, 0);
        assert!(stdout.starts_with("# yaml-language-server: $schema=entraprov.schema.json\n"));
        assert!(stdout.contains(&format!("    tenantUrl: {url}\n")));
        assert!(
            !stderr.contains("replace the example tenantUrl"),
            "{stderr}"
        );
    }

    #[test]
    fn invalid_name_is_refused_with_exit_1() {
        let (stdout, stderr, code) = init(&["--connector", "keeper", "--name", "Keeper Prod"]);
        assert_eq!(code, 1);
        assert!(stdout.is_empty());
        insta::assert_snapshot!(stderr);
    }
}

mod on_demand_decode {
    //! Decoding Graph's doubly-JSON-encoded provisionOnDemand answer (shape from the Graph
    //! docs' "RedundantExport" example), independent of any server.
    use entraprov::cli::provision_on_demand::{decode, render};
    use serde_json::json;

    fn documented_skipped() -> (String, String) {
        let key = json!({"result": "Skipped", "details": {"errorCode": "RedundantExport",
            "errorMessage": "The state of the user in both the source and target systems already match."}});
        let value = json!({
            "action": "Other", "changeId": "g8ba3be8-1d7f-4a60-ae31-a8980da0a389",
            "modifiedProperties": [
                {"displayName": "userName", "oldValue": null, "newValue": "BillBob@contoso.com"},
                {"displayName": "active", "oldValue": "True", "newValue": "True"}],
            "provisioningSteps": [
                {"name": "EntryImport", "type": "Import", "status": "Success",
                 "description": "Retrieved User 'BillBob@contoso.com' from Azure Active Directory",
                 "timestamp": "2020-06-26T13:58:24.5494971Z", "details": {"objectId": "52cf7b7a"}},
                {"name": "EntrySynchronizationSkip", "type": "Export", "status": "Skipped",
                 "description": "The state of the user in both the source and target systems already match.",
                 "timestamp": "2020-06-26T13:58:24.7682084Z", "details": {"SkipReason": "RedundantExport"}}],
            "reportableIdentifier": "BillBob@contoso.com",
            "statusInfo": {"status": "Skipped", "errorCode": null, "reason": null},
            "targetSystem": {"id": null, "name": "customappsso", "details": null}
        });
        (key.to_string(), value.to_string())
    }

    #[test]
    fn documented_redundant_export_decodes_to_a_skipped_report() {
        let (key, value) = documented_skipped();
        let report = decode(&key, &value).expect("decodes");
        assert!(report.succeeded());
        assert_eq!(report.error_code.as_deref(), Some("RedundantExport"));
        assert_eq!(report.objects[0].provisioning_steps.len(), 2);
        insta::assert_snapshot!(render(&report, "user BillBob@contoso.com", "Keeper (prod)"));
    }

    #[test]
    fn value_as_an_array_of_results_is_accepted() {
        let (key, value) = documented_skipped();
        let array = format!("[{value}]");
        assert_eq!(
            decode(&key, &array).expect("decodes"),
            decode(&key, &value).expect("decodes")
        );
    }

    #[test]
    fn a_key_that_is_not_json_is_a_located_decode_error() {
        let err = decode("not json", "{}").expect_err("must fail");
        assert!(
            err.to_string()
                .starts_with("cannot decode the provisionOnDemand answer: key:")
        );
    }
}

mod on_demand_rate_limit {
    use std::time::{Duration, Instant};

    use entraprov::cli::provision_on_demand::RateLimit;

    #[test]
    fn sixth_call_within_ten_seconds_waits_for_the_oldest_to_expire() {
        let mut limit = RateLimit::provision_on_demand();
        let t0 = Instant::now();
        for i in 0..5 {
            let at = t0 + Duration::from_secs(i);
            assert_eq!(limit.delay(at), Duration::ZERO, "call {i} is free");
            limit.record(at);
        }
        assert_eq!(
            limit.delay(t0 + Duration::from_secs(5)),
            Duration::from_secs(5)
        );
        assert_eq!(limit.delay(t0 + Duration::from_secs(10)), Duration::ZERO);
    }
}

mod init_validates {
    //! `init` output goes through the real `validate`.
    use super::{entraprov_in, init_manifest};

    #[test]
    fn keeper_starter_validates_without_errors_or_warnings() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("keeper.yaml"), init_manifest("keeper", &[]))
            .expect("write");
        let (stdout, _, code) = entraprov_in(dir.path(), &["validate", "keeper.yaml"]);
        assert_eq!(code, 0, "{stdout}");
        assert!(stdout.contains("0 errors, 0 warnings"), "{stdout}");
        assert!(
            stdout.contains("I0201") && stdout.contains("I0202"),
            "{stdout}"
        );
    }

    #[test]
    fn scim_starter_validates_with_no_diagnostics_at_all() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("scim.yaml"), init_manifest("scim", &[])).expect("write");
        let (stdout, _, code) = entraprov_in(dir.path(), &["validate", "scim.yaml"]);
        assert_eq!(code, 0, "{stdout}");
        assert!(
            stdout.contains("0 errors, 0 warnings in 1 file"),
            "{stdout}"
        );
    }
}

mod keeper_lints {
    //! Every Keeper lint through `entraprov validate`, on variations of the starter.
    use super::{entraprov_in, init_manifest};

    const STARTER_URL: &str = "https://keepersecurity.com/api/rest/scim/v2/1234567890";
    const EMAIL_LINE: &str =
        "        'emails[type eq \"work\"].value': { source: userPrincipalName }\n";

    /// Validates `text` as keeper.yaml; returns (stdout, exit code).
    fn validate(text: &str) -> (String, i32) {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("keeper.yaml"), text).expect("write");
        let (stdout, _, code) = entraprov_in(dir.path(), &["validate", "keeper.yaml"]);
        (stdout, code)
    }

    fn starter() -> String {
        init_manifest("keeper", &[])
    }

    fn assert_code(stdout: &str, code: &str) {
        assert!(stdout.contains(code), "expected {code} in:\n{stdout}");
    }

    #[test]
    fn e0201_user_name_and_work_email_from_different_sources() {
        let text = starter().replace(EMAIL_LINE, &EMAIL_LINE.replace("userPrincipalName", "mail"));
        let (stdout, code) = validate(&text);
        assert_eq!(code, 1);
        assert_code(&stdout, "E0201");
        insta::assert_snapshot!(stdout);
    }

    #[test]
    fn e0202_tenant_url_on_a_host_that_is_not_a_keeper_region() {
        let text = starter().replace(STARTER_URL, "https://keeper.example.com/api/rest/scim/v2/1");
        let (stdout, code) = validate(&text);
        assert_eq!(code, 1);
        assert_code(&stdout, "E0202");
        insta::assert_snapshot!(stdout);
    }

    #[test]
    fn e0203_default_access_role_is_refused() {
        let text = starter().replacen("      role: User", "      role: Default Access", 1);
        let (stdout, code) = validate(&text);
        assert_eq!(code, 1);
        assert_code(&stdout, "E0203");
        insta::assert_snapshot!(stdout);
    }

    #[test]
    fn w0201_user_name_without_the_work_email() {
        let text = starter().replace(EMAIL_LINE, "");
        let (stdout, code) = validate(&text);
        assert_eq!(code, 0);
        assert_code(&stdout, "W0201");
    }

    #[test]
    fn w0202_loopback_test_server_is_a_warning_not_an_error() {
        let text = starter().replace(STARTER_URL, "http://127.0.0.1:8080/1234567");
        let (stdout, code) = validate(&text);
        assert_eq!(code, 0);
        assert_code(&stdout, "W0202");
        assert!(!stdout.contains("E0202"), "{stdout}");
    }

    #[test]
    fn i0201_delete_locks_users_and_is_not_said_of_groups() {
        let (stdout, _) = validate(&starter());
        assert_eq!(stdout.matches("I0201").count(), 1, "{stdout}");
    }

    #[test]
    fn i0202_enabled_groups_mapping_notes_keeper_team_approval() {
        let (stdout, code) = validate(&starter());
        assert_eq!(code, 0);
        let note = stdout
            .split("\n\n")
            .find(|b| b.contains("I0202"))
            .expect("I0202 block");
        insta::assert_snapshot!(note);
        let disabled = starter().replace(
            "    groups:\n      enabled: true",
            "    groups:\n      enabled: false",
        );
        assert!(!validate(&disabled).0.contains("I0202"));
    }
}
