//! Every step of an apply of `examples/keeper.yaml` to an empty tenant.

use crate::support::{World, block_on, show};

#[test]
fn apply_keeper_to_empty_tenant_converges_and_next_plan_is_empty() {
    let w = World::keeper(None, 0);
    block_on(async {
        let report = w.apply().await;
        assert!(report.succeeded(), "{}", show(&report));
        let again = w.plan().await;
        assert!(again.plan.is_empty(), "{:#?}", again.plan.changes);
    });
    let apps = w.keeper_apps();
    assert_eq!(apps.len(), 1, "{apps:#?}");
    snapshot!(json "keeper_applied_app", crate::support::app_summary(&w.dump()));
}
