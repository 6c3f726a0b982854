//! Connectors end to end: `init` starter manifests, and (with the simulator and the real
//! SCIM server) `test-connection` and `provision-on-demand`.

#[path = "connector/support.rs"]
mod support;

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
