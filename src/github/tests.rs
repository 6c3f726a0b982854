//! Unit tests of the environment seam and the runner files.

use super::*;

fn env(pairs: &[(&str, &str)]) -> HashMap<String, String> {
    let mut m: HashMap<String, String> = pairs
        .iter()
        .map(|(k, v)| ((*k).into(), (*v).into()))
        .collect();
    m.entry("GITHUB_ACTIONS".into())
        .or_insert_with(|| "true".into());
    m
}

fn ctx(pairs: &[(&str, &str)]) -> Context {
    Context::from_env(&env(pairs))
        .expect("valid")
        .expect("in actions")
}

#[test]
fn outside_github_actions_there_is_no_context() {
    for v in ["", "false", "1", "TRUE"] {
        let mut m = env(&[("GITHUB_STEP_SUMMARY", "/tmp/x")]);
        m.insert("GITHUB_ACTIONS".into(), v.into());
        assert!(Context::from_env(&m).expect("ok").is_none(), "{v:?}");
    }
    assert!(Context::from_env(&HashMap::new()).expect("ok").is_none());
}

#[test]
fn defaults_point_at_github_com() {
    let c = ctx(&[
        ("GITHUB_REPOSITORY", "contoso/entra"),
        ("GITHUB_RUN_ID", "42"),
    ]);
    assert_eq!(c.api_url.as_str(), "https://api.github.com/");
    assert_eq!(
        c.run_url().as_deref(),
        Some("https://github.com/contoso/entra/actions/runs/42")
    );
    assert!(c.comment);
}

#[test]
fn plain_http_api_is_refused_except_on_loopback() {
    let err = Context::from_env(&env(&[("GITHUB_API_URL", "http://ghe.contoso.com/api/v3")]))
        .expect_err("refused");
    assert!(matches!(err, GithubError::InsecureApiUrl { .. }), "{err}");
    for ok in [
        "http://127.0.0.1:8080",
        "http://localhost:1/api/v3",
        "http://[::1]:9",
    ] {
        assert!(
            Context::from_env(&env(&[("GITHUB_API_URL", ok)])).is_ok(),
            "{ok}"
        );
    }
}

#[test]
fn bad_repository_and_comment_flag_are_reported_with_the_variable_name() {
    let err = Context::from_env(&env(&[("GITHUB_REPOSITORY", "no-slash")])).expect_err("bad");
    assert_eq!(
        err.to_string(),
        "environment variable GITHUB_REPOSITORY is invalid: expected `owner/name`, got \"no-slash\""
    );
    let err = Context::from_env(&env(&[("ENTRAPROV_GITHUB_COMMENT", "yes")])).expect_err("bad");
    assert!(
        err.to_string().contains("ENTRAPROV_GITHUB_COMMENT"),
        "{err}"
    );
}

#[test]
fn the_token_never_shows_in_debug_output() {
    let c = ctx(&[("GITHUB_TOKEN", "ghs_supersecretvalue")]);
    assert!(!format!("{c:?}").contains("supersecret"));
}

#[test]
fn summary_is_appended_and_copied_and_outputs_parse_back() {
    let dir = tempfile::tempdir().expect("tmp");
    let (summary, copy, out) = (
        dir.path().join("s"),
        dir.path().join("c.md"),
        dir.path().join("o"),
    );
    std::fs::write(&summary, "earlier step\n").expect("seed");
    let c = ctx(&[
        ("GITHUB_STEP_SUMMARY", summary.to_str().expect("utf8")),
        ("ENTRAPROV_SUMMARY_FILE", copy.to_str().expect("utf8")),
        ("GITHUB_OUTPUT", out.to_str().expect("utf8")),
    ]);
    c.write_summary("## Plan\n+ app").expect("summary");
    assert_eq!(
        std::fs::read_to_string(&summary).expect("read"),
        "earlier step\n## Plan\n+ app\n"
    );
    assert_eq!(
        std::fs::read_to_string(&copy).expect("read"),
        "## Plan\n+ app"
    );
    c.write_outputs(&[("has-changes", "true"), ("text", "a\nb=c")])
        .expect("outputs");
    let text = std::fs::read_to_string(&out).expect("read");
    let d = text
        .lines()
        .next()
        .and_then(|l| l.strip_prefix("has-changes<<"))
        .expect("heredoc");
    assert!(
        text.starts_with(&format!("has-changes<<{d}\ntrue\n{d}\ntext<<")),
        "{text}"
    );
    assert!(text.contains("\na\nb=c\n"), "{text}");
}

#[test]
fn a_refused_output_writes_nothing_at_all() {
    let dir = tempfile::tempdir().expect("tmp");
    let out = dir.path().join("o");
    let c = ctx(&[("GITHUB_OUTPUT", out.to_str().expect("utf8"))]);
    assert!(c.write_outputs(&[("ok", "1"), ("bad=name", "2")]).is_err());
    assert!(!out.exists());
}

#[test]
fn missing_runner_files_are_not_an_error() {
    let c = ctx(&[]);
    c.write_summary("x").expect("no-op");
    c.write_outputs(&[("a", "b")]).expect("no-op");
}

#[test]
fn an_unwritable_summary_names_the_file() {
    let c = ctx(&[("GITHUB_STEP_SUMMARY", "/nonexistent-dir/summary.md")]);
    let err = c.write_summary("x").expect_err("io");
    assert!(
        err.to_string()
            .starts_with("cannot write /nonexistent-dir/summary.md: "),
        "{err}"
    );
}

#[test]
fn pull_request_number_comes_from_the_event_payload() {
    let dir = tempfile::tempdir().expect("tmp");
    let ev = dir.path().join("event.json");
    let p = ev.to_str().expect("utf8");
    std::fs::write(
        &ev,
        r#"{"action":"synchronize","number":7,"pull_request":{"number":7}}"#,
    )
    .expect("w");
    for name in ["pull_request", "pull_request_target"] {
        let c = ctx(&[("GITHUB_EVENT_PATH", p), ("GITHUB_EVENT_NAME", name)]);
        assert_eq!(c.pull_request_number().expect("ok"), Some(7));
    }
    let c = ctx(&[("GITHUB_EVENT_PATH", p), ("GITHUB_EVENT_NAME", "push")]);
    assert_eq!(c.pull_request_number().expect("ok"), None);
    std::fs::write(&ev, r#"{"issue":{"number":9,"pull_request":{"url":"u"}}}"#).expect("w");
    let c = ctx(&[
        ("GITHUB_EVENT_PATH", p),
        ("GITHUB_EVENT_NAME", "issue_comment"),
    ]);
    assert_eq!(c.pull_request_number().expect("ok"), Some(9));
    std::fs::write(&ev, r#"{"ref":"refs/heads/main"}"#).expect("w");
    let c = ctx(&[
        ("GITHUB_EVENT_PATH", p),
        ("GITHUB_EVENT_NAME", "pull_request"),
    ]);
    let err = c.pull_request_number().expect_err("no number");
    assert!(
        err.to_string().ends_with("it has no `pull_request.number`"),
        "{err}"
    );
}

#[test]
fn the_drift_switch_is_off_by_default_and_strict() {
    assert!(!ctx(&[]).is_drift_check());
    assert!(ctx(&[("ENTRAPROV_GITHUB_DRIFT", "true")]).is_drift_check());
    assert!(!ctx(&[("ENTRAPROV_GITHUB_DRIFT", "false")]).is_drift_check());
    let err = Context::from_env(&env(&[("ENTRAPROV_GITHUB_DRIFT", "yes")])).expect_err("refused");
    assert!(err.to_string().contains("ENTRAPROV_GITHUB_DRIFT"), "{err}");
}
