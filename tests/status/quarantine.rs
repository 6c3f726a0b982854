//! Quarantine: every documented reason, with its advice; exit 3; `start` clears it.

use entraprov::sim::sync::progress::REASONS;

use crate::common::world;
use crate::snap;

#[test]
fn each_documented_reason_exits_3_with_its_own_advice() {
    let w = world();
    w.start();
    w.advance(90);
    for reason in REASONS {
        w.sim.inject_quarantine(&w.job, reason).expect("inject");
        let r = w.status(&[]);
        assert_eq!(r.code, 3, "{reason}: {r:?}");
        assert!(r.stdout.contains("QUARANTINED"), "{reason}: {r:?}");
        assert!(
            r.stdout.contains(&format!("quarantine    {reason} since")),
            "{r:?}"
        );
        assert!(r.stdout.contains("what to do:"), "{r:?}");
        snap!(format!("status_quarantine_{reason}"), &r);
    }
}

#[test]
fn too_many_deletes_points_at_held_deletions_and_force_deletes() {
    let w = world();
    w.start();
    w.advance(90);
    w.sim
        .inject_quarantine(&w.job, "TooManyDeletes")
        .expect("inject");
    let r = w.status(&["--format", "json"]);
    assert_eq!(r.code, 3, "{r:?}");
    let doc: serde_json::Value = serde_json::from_str(&r.stdout).expect("JSON");
    let app = &doc["apps"][0];
    assert_eq!(doc["healthy"], false);
    assert_eq!(app["health"], "quarantined");
    assert_eq!(app["quarantine"]["reason"], "TooManyDeletes");
    assert_eq!(app["problems"]["held_deletions"], 6);
    let steps = app["quarantine"]["what_to_do"].to_string();
    assert!(steps.contains("6 `stagedDelete` entries"), "{steps}");
    assert!(steps.contains(r#"resetScope\":\"ForceDeletes"#), "{steps}");
    assert!(
        steps.contains(&w.job),
        "the restart command names the job: {steps}"
    );
}

#[test]
fn bad_credentials_point_at_test_connection() {
    let w = world();
    w.start();
    w.advance(90);
    w.sim
        .inject_quarantine(&w.job, "EncounteredQuarantineException")
        .expect("inject");
    let r = w.status(&[]);
    assert_eq!(r.code, 3, "{r:?}");
    assert!(r.stdout.contains("rejected the credentials"), "{r:?}");
    assert!(r.stdout.contains("entraprov test-connection"), "{r:?}");
}

#[test]
fn start_clears_the_quarantine_and_status_is_healthy_again() {
    let w = world();
    w.start();
    w.advance(90);
    w.sim
        .inject_quarantine(&w.job, "QuarantinedOnDemand")
        .expect("inject");
    assert_eq!(w.status(&[]).code, 3);
    w.start();
    w.advance(1);
    let r = w.status(&[]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stdout.contains(": healthy"), "{r:?}");
}

#[test]
fn restart_with_force_deletes_releases_too_many_deletes() {
    let w = world();
    w.start();
    w.advance(90);
    w.sim
        .inject_quarantine(&w.job, "TooManyDeletes")
        .expect("inject");
    assert_eq!(w.status(&[]).code, 3);
    let body = serde_json::json!({"criteria": {"resetScope": "ForceDeletes"}});
    assert_eq!(w.control("restart", Some(body)), 204);
    let r = w.status(&[]);
    assert_eq!(r.code, 0, "{r:?}");
    // a restart re-evaluates everything: a new initial cycle
    assert!(r.stdout.contains("initial cycle in progress"), "{r:?}");
    w.advance(30);
    assert!(w.status(&[]).stdout.contains(": healthy"));
}
