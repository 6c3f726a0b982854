//! A fresh tenant plans everything as a create; a tenant set up to match plans nothing.

use super::common::*;
use super::tenant::*;

#[test]
fn fresh_tenant_plans_the_full_keeper_manifest_as_all_create() {
    let (sim, _dir) = start_sim();
    let run = plan(&sim, &["examples/keeper.yaml", "--detailed-exitcode"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stdout.contains("+ app"), "{run:?}");
    // Everything is created; the only in-place change is switching provisioning on.
    assert!(!run.stdout.contains("\n  - "), "{run:?}");
    let updates: Vec<&str> = run
        .stdout
        .lines()
        .filter(|l| l.starts_with("  ~ "))
        .collect();
    assert_eq!(updates.len(), 1, "{run:?}");
    assert!(updates[0].starts_with("  ~ state"), "{run:?}");
    assert!(
        run.stdout
            .contains("Plan: 21 to add, 1 to change, 0 to remove."),
        "{run:?}"
    );
    redacted().bind(|| insta::assert_snapshot!("plan_fresh_tenant_human", run.stdout));
}

#[test]
fn tenant_set_up_by_direct_graph_calls_plans_no_changes_and_exits_0() {
    let (sim, _dir) = start_sim();
    let g = Graph::new(&sim);
    setup_keeper(&g);
    let run = plan(&sim, &["examples/keeper.yaml", "--detailed-exitcode"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(
        run.stdout.trim(),
        "No changes. keeper-prod matches the manifest.",
        "{run:?}"
    );
}
