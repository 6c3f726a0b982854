//! `--watch`: refreshes during the initial cycle (plain lines when not a TTY) and ends on
//! steady state with the full status.

use crate::common::world;
use crate::snap;

#[test]
fn watch_refreshes_until_steady_state_then_prints_the_status() {
    let w = world();
    w.start();
    // 10 simulated minutes per real second: the ~21-minute initial cycle takes ~2 s
    w.sim.set_time_scale(600);
    let r = w.status(&["--watch", "--interval", "200ms"]);
    assert_eq!(r.code, 0, "{r:?}");
    let lines: Vec<&str> = r.stderr.lines().collect();
    let progress = lines
        .iter()
        .filter(|l| l.starts_with("keeper-prod: initial cycle"))
        .count();
    assert!(progress >= 2, "several refreshes during the cycle: {r:?}");
    assert_eq!(
        lines.last().copied(),
        Some("keeper-prod: steady state reached (healthy), 6 objects synchronized"),
        "{r:?}"
    );
    assert!(
        r.stdout.contains("keeper-prod (Keeper (prod)): healthy"),
        "{r:?}"
    );
    snap!("status_watch_final", &r.stdout);
}

#[test]
fn ctrl_c_stops_the_watch_and_prints_the_current_status() {
    use std::io::{BufRead, BufReader};
    let w = world();
    w.start();
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin!("entraprov"));
    cmd.env_clear();
    for (k, v) in w.sim.env() {
        cmd.env(k, v);
    }
    cmd.env("NO_COLOR", "1")
        .args(["status", "--watch", "--interval", "100ms"])
        .arg(&w.manifest)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = cmd.spawn().expect("spawn");
    let mut err = BufReader::new(child.stderr.take().expect("stderr"));
    let mut first = String::new();
    err.read_line(&mut first).expect("a progress line");
    assert!(first.starts_with("keeper-prod: initial cycle"), "{first}");
    let pid = child.id().to_string();
    let killed = std::process::Command::new("kill")
        .args(["-INT", &pid])
        .status()
        .expect("kill");
    assert!(killed.success());
    let out = child.wait_with_output().expect("wait");
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut err, &mut rest).expect("stderr");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{rest}");
    assert!(
        rest.contains("interrupted; showing the current status"),
        "{rest}"
    );
    assert!(stdout.contains("initial cycle in progress"), "{stdout}");
}

#[test]
fn watch_on_a_terminal_draws_progress_bars() {
    let w = world();
    w.start();
    w.sim.set_time_scale(600);
    let bin = assert_cmd::cargo::cargo_bin!("entraprov");
    let line = format!(
        "{} status --watch --interval 200ms {}",
        bin.display(),
        w.manifest.display()
    );
    // `script` gives the command a pseudo-terminal, as a user's shell would.
    let mut cmd = std::process::Command::new("script");
    cmd.env_clear();
    for (k, v) in w.sim.env() {
        cmd.env(k, v);
    }
    cmd.env("NO_COLOR", "1").env("TERM", "xterm");
    cmd.args(["-qfec", &line, "/dev/null"]);
    let out = cmd.output().expect("script (util-linux) must be installed");
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("keeper-prod"), "{text}");
    assert!(text.contains("/6"), "a bar with its length: {text}");
    assert!(
        !text.contains("keeper-prod: initial cycle"),
        "no plain lines on a TTY: {text}"
    );
    assert!(
        text.contains("keeper-prod (Keeper (prod)): healthy"),
        "{text}"
    );
}
