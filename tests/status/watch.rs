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
