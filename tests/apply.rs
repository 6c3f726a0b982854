//! `entraprov apply` against the simulator: every step, every resource kind, the error
//! paths, convergence under faults and after crashes. The engine runs in-process.

/// Snapshots live in `tests/snapshots/`.
macro_rules! snapshot {
    (json $name:expr, $value:expr) => {
        insta::with_settings!({ snapshot_path => "../snapshots" }, {
            insta::assert_json_snapshot!($name, $value);
        })
    };
    ($name:expr, $value:expr) => {
        insta::with_settings!({ snapshot_path => "../snapshots" }, {
            insta::assert_snapshot!($name, $value);
        })
    };
}

#[path = "apply/support.rs"]
mod support;

#[path = "apply/race.rs"]
mod race;

#[path = "apply/proxy.rs"]
mod proxy;

#[path = "apply/steps.rs"]
mod steps;

#[path = "apply/faults.rs"]
mod faults;

#[path = "apply/crash.rs"]
mod crash;

#[path = "apply/kinds.rs"]
mod kinds;

#[path = "apply/errors.rs"]
mod errors;

#[path = "apply/cli.rs"]
mod cli;

#[path = "../examples/support/assignments.rs"]
mod bench_assignments;

#[path = "apply/pacing.rs"]
mod pacing;

#[path = "apply/roles.rs"]
mod roles;

#[path = "apply/custom_attrs.rs"]
mod custom_attrs;
