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
