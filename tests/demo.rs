//! `entraprov demo`: the story, its real output (volatile ids filtered), and that it runs
//! in-process without writing anything outside a temporary directory.

use std::time::Instant;

fn run_story() -> String {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let mut out = Vec::new();
    let started = Instant::now();
    runtime
        .block_on(entraprov::cli::demo::story(&mut out, false))
        .expect("the demo runs");
    eprintln!(
        "demo story took {} ms (debug build)",
        started.elapsed().as_millis()
    );
    String::from_utf8(out).expect("utf-8")
}

#[test]
fn demo_tells_the_whole_story_with_real_output() {
    let text = run_story();
    for step in [
        "$ entraprov validate examples/keeper.yaml",
        "Plan: 21 to add, 1 to change, 0 to remove.",
        "Apply: 22 done, 0 failed, 0 skipped.",
        "No changes. keeper-prod matches the manifest.",
        "  + assignment[user:alice@contoso.com → User]\n  ~ mapping[users].attribute[displayName]\n      source: mail → displayName",
        "Apply: 2 done, 0 failed, 0 skipped.",
        "entraprov apply keeper.yaml",
    ] {
        assert!(text.contains(step), "missing {step:?} in:\n{text}");
    }
    assert_eq!(
        text.matches("Converged: keeper-prod matches the manifest.")
            .count(),
        2
    );
    insta::with_settings!({
        filters => vec![(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "<id>")],
    }, {
        insta::assert_snapshot!("demo_story", text);
    });
}

#[test]
fn demo_binary_writes_only_to_stdout_and_exits_zero() {
    let cwd = tempfile::tempdir().expect("temp dir");
    let out = assert_cmd::Command::cargo_bin("entraprov")
        .expect("binary")
        .arg("demo")
        .current_dir(cwd.path())
        .env("NO_COLOR", "1")
        .output()
        .expect("runs");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("Converged"));
    let left: Vec<_> = std::fs::read_dir(cwd.path()).expect("dir").collect();
    assert!(
        left.is_empty(),
        "the demo wrote into the working directory: {left:?}"
    );
}
