//! Plan tests: the pure diff for every resource × create/update/delete/no-op, the
//! normalisation rules, Graph JSON conversions and saved plans. No network.

#[path = "plan/fixtures.rs"]
mod fixtures;

#[path = "plan/converge.rs"]
mod converge;
#[path = "plan/desired.rs"]
mod desired;
#[path = "plan/diff_app.rs"]
mod diff_app;
#[path = "plan/diff_definitions.rs"]
mod diff_definitions;
#[path = "plan/diff_mappings.rs"]
mod diff_mappings;
#[path = "plan/diff_provisioning.rs"]
mod diff_provisioning;
#[path = "plan/expr_props.rs"]
mod expr_props;
#[path = "plan/graph_shapes.rs"]
mod graph_shapes;
#[path = "plan/saved.rs"]
mod saved;

use entraprov::plan::{Change, Plan};

/// The plan's addresses with their action symbols, e.g. `+ app`.
pub fn lines(plan: &Plan) -> Vec<String> {
    plan.changes
        .iter()
        .map(|c| format!("{} {}", c.action.symbol(), c.address))
        .collect()
}

/// The only change of a plan (fails otherwise, listing what there was).
pub fn only(plan: &Plan) -> &Change {
    assert_eq!(
        plan.changes.len(),
        1,
        "expected one change, got {:#?}",
        lines(plan)
    );
    &plan.changes[0]
}
