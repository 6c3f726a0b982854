//! The `entraprov apply` binary: confirmation rules, saved plans, the report.

use assert_cmd::Command;

use crate::support::{World, block_on, drift, writes};

fn cmd(w: &World) -> Command {
    let mut c = Command::cargo_bin("entraprov").expect("binary");
    c.current_dir(w.dir.path())
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("ENTRAPROV_GRAPH_URL", w.server.url())
        .env("ENTRAPROV_AUTHORITY_URL", w.server.url())
        .env("ENTRAPROV_ACCESS_TOKEN", w.server.token())
        .env("KEEPER_SCIM_TOKEN", entraprov::cli::demo::world::DEMO_TOKEN)
        .env("NO_COLOR", "1");
    c
}

fn world_with_file() -> World {
    let w = World::keeper(None, 0);
    std::fs::write(
        w.dir.path().join("keeper.yaml"),
        entraprov::cli::demo::world::KEEPER_YAML,
    )
    .expect("write manifest");
    w
}

fn redact(text: &str) -> String {
    let re = regex::Regex::new(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
        .expect("regex");
    re.replace_all(text, "<id>").to_string()
}

#[test]
fn apply_without_a_terminal_and_without_auto_approve_refuses_and_writes_nothing() {
    let w = world_with_file();
    let out = cmd(&w)
        .args(["apply", "keeper.yaml"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("stdin is not a terminal"), "{stderr}");
    assert!(stderr.contains("--auto-approve"), "{stderr}");
    assert!(writes(&w).is_empty(), "{:?}", writes(&w));
}

#[test]
fn apply_auto_approve_prints_plan_and_report_and_exits_zero() {
    let w = world_with_file();
    let out = cmd(&w)
        .args(["apply", "keeper.yaml", "--auto-approve"])
        .output()
        .expect("runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    snapshot!("cli_apply_auto_approve", redact(&stdout));
    let again = cmd(&w)
        .args(["apply", "keeper.yaml"])
        .output()
        .expect("runs");
    assert_eq!(
        again.status.code(),
        Some(0),
        "no changes: nothing to confirm"
    );
}

#[test]
fn apply_of_a_stale_saved_plan_is_refused_before_any_write() {
    let w = world_with_file();
    assert!(block_on(w.apply()).succeeded());
    let out = cmd(&w)
        .args(["plan", "keeper.yaml", "--out", "plan.json"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0));
    block_on(drift(&w.client()));
    let before = writes(&w);
    let stats_before = w.server.stats().by_route;
    let out = cmd(&w)
        .args(["apply", "--plan", "plan.json"])
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("plan is stale"), "{stderr}");
    // An E code, like every other diagnostic (issue #13; was `entraprov::plan::stale`).
    assert!(stderr.contains("E0340"), "{stderr}");
    assert_eq!(writes(&w), before);
    let writes_after: Vec<_> = w
        .server
        .stats()
        .by_route
        .into_iter()
        .filter(|(k, n)| !k.starts_with("GET") && stats_before.get(k) != Some(n))
        .filter(|(k, _)| !k.contains("$batch"))
        .collect();
    assert!(writes_after.is_empty(), "{writes_after:?}");
}

#[test]
fn apply_of_a_fresh_saved_plan_applies_it() {
    let w = world_with_file();
    let out = cmd(&w)
        .args(["plan", "keeper.yaml", "--out", "plan.json"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0));
    let out = cmd(&w)
        .args(["apply", "--plan", "plan.json"])
        .output()
        .expect("runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("Converged: keeper-prod matches the manifest."),
        "{stdout}"
    );
}

#[test]
fn the_scim_token_never_reaches_stdout_or_stderr_even_at_the_highest_verbosity() {
    let w = world_with_file();
    let out = cmd(&w)
        .args(["-vvv", "apply", "keeper.yaml", "--auto-approve"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0));
    let token = entraprov::cli::demo::world::DEMO_TOKEN;
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        all.contains("validateCredentials") || all.contains("validate credentials"),
        "logs at -vvv show the calls"
    );
    assert!(!all.contains(token), "the SCIM token leaked");
    assert!(!all.contains(&w.server.token()), "the access token leaked");
}

#[test]
fn under_github_actions_the_report_goes_to_the_job_summary() {
    let w = world_with_file();
    let summary = w.dir.path().join("summary.md");
    let out = cmd(&w)
        .args(["apply", "keeper.yaml", "--auto-approve"])
        .env("GITHUB_ACTIONS", "true")
        .env("GITHUB_STEP_SUMMARY", &summary)
        .output()
        .expect("runs");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(&summary).expect("summary written");
    assert!(
        text.contains("entraprov apply `keeper.yaml`: 22 done, 0 failed, 0 skipped"),
        "{text}"
    );
    assert!(
        text.contains("Converged: keeper-prod matches the manifest."),
        "{text}"
    );
}

/// Runs `entraprov <args>` under `script`, which gives it a pseudo-terminal as a user's
/// shell would, and types `answer` at the prompt.
fn on_a_terminal(w: &World, args: &str, answer: &str) -> (Option<i32>, String) {
    use std::io::Write;
    use std::process::Stdio;
    let bin = assert_cmd::cargo::cargo_bin!("entraprov");
    let line = format!("{} {args}", bin.display());
    let mut c = std::process::Command::new("script");
    c.current_dir(w.dir.path())
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("ENTRAPROV_GRAPH_URL", w.server.url())
        .env("ENTRAPROV_AUTHORITY_URL", w.server.url())
        .env("ENTRAPROV_ACCESS_TOKEN", w.server.token())
        .env("KEEPER_SCIM_TOKEN", entraprov::cli::demo::world::DEMO_TOKEN)
        .env("NO_COLOR", "1")
        .env("TERM", "xterm")
        .args(["-qfec", &line, "/dev/null"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = c.spawn().expect("script (util-linux) must be installed");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(answer.as_bytes())
        .expect("type the answer");
    let out = child.wait_with_output().expect("script runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code(), text)
}

#[test]
fn on_a_terminal_apply_asks_and_anything_but_yes_changes_nothing() {
    let w = world_with_file();
    let (code, text) = on_a_terminal(&w, "apply keeper.yaml", "y\n");
    assert!(
        text.contains("Apply these changes? Only 'yes' will be accepted"),
        "{text}"
    );
    assert!(
        text.contains("Apply cancelled: nothing was changed."),
        "{text}"
    );
    assert_eq!(code, Some(1), "{text}");
    assert!(writes(&w).is_empty(), "{:?}", writes(&w));
}

#[test]
fn on_a_terminal_apply_proceeds_after_yes_and_converges() {
    let w = world_with_file();
    let (code, text) = on_a_terminal(&w, "apply keeper.yaml", "yes\n");
    assert!(
        text.contains("Apply these changes? Only 'yes' will be accepted"),
        "{text}"
    );
    assert_eq!(code, Some(0), "{text}");
    assert!(
        text.contains("Converged: keeper-prod matches the manifest."),
        "{text}"
    );
    assert!(!writes(&w).is_empty(), "apply wrote to the tenant");
}
