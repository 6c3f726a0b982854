//! `entraprov apply` against the simulator: every step, every resource kind, the error
//! paths, convergence under faults and after crashes. The engine runs in-process.

#[path = "apply/support.rs"]
mod support;

#[path = "apply/steps.rs"]
mod steps;
