//! Secrets never leak: the client secret, an access token and the SCIM token are set to
//! unique canaries; a succeeding and two failing plans run at -vvv (also under GitHub
//! Actions, writing the job summary); no canary may appear on stdout, stderr or in any file
//! written (the saved plan, the summary).

use super::common::*;
use super::tenant::*;

const CLIENT_SECRET: &str = "CANARY-client-secret-5b1d9e";
const ACCESS_TOKEN: &str = "CANARY-access-token-77c0aa";
const SCIM: &str = "CANARY-scim-token-3e8f21";

fn assert_clean(what: &str, text: &str) {
    for canary in [CLIENT_SECRET, ACCESS_TOKEN, SCIM, "CANARY"] {
        assert!(
            !text.contains(canary),
            "{canary} leaked into {what}:\n{text}"
        );
    }
    // No JWT (the access token the simulator issues) either.
    assert!(!text.contains("eyJ"), "a JWT leaked into {what}:\n{text}");
}

fn assert_dir_clean(dir: &std::path::Path) {
    for entry in std::fs::read_dir(dir).expect("dir").flatten() {
        let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
        assert_clean(&entry.path().display().to_string(), &text);
    }
}

#[test]
fn no_canary_in_any_output_of_succeeding_and_failing_plans_at_trace_level() {
    let (sim, _sim_dir) = start_sim_with(|cfg| {
        cfg.clients[0].client_secret = Some(CLIENT_SECRET.to_owned());
    });
    setup_keeper(&Graph::new(&sim));
    let out_dir = tempfile::tempdir().expect("dir");
    let github = |cmd: &mut assert_cmd::Command, name: &str| {
        cmd.env("GITHUB_ACTIONS", "true")
            .env("ENTRAPROV_GITHUB_COMMENT", "false")
            .env(
                "GITHUB_STEP_SUMMARY",
                out_dir.path().join(format!("{name}.md")),
            )
            .env("KEEPER_SCIM_TOKEN", SCIM);
    };

    // Succeeds: the SCIM token differs from the fingerprinted one, so the plan shows a change.
    let mut cmd = entraprov(&sim);
    github(&mut cmd, "ok");
    let plan_file = out_dir.path().join("plan.json");
    let ok = run(cmd
        .args(["-vvv", "plan", "examples/keeper.yaml", "--out"])
        .arg(&plan_file));
    assert_eq!(ok.code, 0, "{ok:?}");
    assert!(
        ok.stdout.contains("secretToken: (sensitive, fingerprint"),
        "{ok:?}"
    );
    assert!(
        ok.stderr.contains("TRACE") || ok.stderr.contains("DEBUG"),
        "-vvv logs: {ok:?}"
    );
    assert!(plan_file.exists());

    // Fails at Graph: the canary access token is rejected (401).
    let mut cmd = entraprov(&sim);
    github(&mut cmd, "rejected");
    cmd.env("ENTRAPROV_ACCESS_TOKEN", ACCESS_TOKEN);
    let rejected = run(cmd.args(["-vvv", "plan", "examples/keeper.yaml"]));
    assert_eq!(rejected.code, 1, "{rejected:?}");

    // Fails in observe: the manifest names a role the app does not have.
    let manifest_dir = tempfile::tempdir().expect("dir");
    let text = std::fs::read_to_string(keeper_yaml())
        .expect("keeper.yaml")
        .replace("role: User", "role: Owner");
    let path = manifest_dir.path().join("keeper.yaml");
    std::fs::write(&path, text).expect("manifest");
    let mut cmd = entraprov(&sim);
    github(&mut cmd, "invalid");
    let invalid = run(cmd.args(["-vvv", "plan"]).arg(&path));
    assert_eq!(invalid.code, 1, "{invalid:?}");
    assert!(invalid.stderr.contains("E0306"), "{invalid:?}");

    for (name, r) in [("ok", &ok), ("rejected", &rejected), ("invalid", &invalid)] {
        assert_clean(&format!("{name} stdout"), &r.stdout);
        assert_clean(&format!("{name} stderr"), &r.stderr);
    }
    let summary = std::fs::read_to_string(out_dir.path().join("ok.md")).expect("job summary");
    assert!(summary.contains("## entraprov plan"), "{summary}");
    let failure = std::fs::read_to_string(out_dir.path().join("invalid.md")).expect("summary");
    assert!(
        failure.contains("could not plan") && failure.contains("E0306"),
        "{failure}"
    );
    assert_dir_clean(out_dir.path());
}
