//! Renderer tests: snapshots of the human, JSON and markdown plans for a plan that touches
//! every resource kind, the apply report, truncation, colours, and a canary proving that no
//! secret value appears in any rendering.

/// Snapshot assertion storing snapshots in `tests/snapshots/`.
macro_rules! snap {
    ($value:expr) => {
        insta::with_settings!({ snapshot_path => "../snapshots", prepend_module_to_snapshot => true }, {
            insta::assert_snapshot!($value);
        })
    };
}

#[path = "plan/fixtures.rs"]
mod fixtures;

#[path = "render/hostile.rs"]
mod hostile;
#[path = "render/plans.rs"]
mod plans;
#[path = "render/report.rs"]
mod report;
