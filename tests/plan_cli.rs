//! `entraprov plan` end to end: the built binary against the in-process simulator.
//! The tenant is prepared by direct Graph calls (plain reqwest), never through entraprov.

#[path = "plan_cli/common.rs"]
mod common;
#[path = "common/graph_client.rs"]
mod graph_client;
#[path = "plan_cli/tenant.rs"]
mod tenant;

#[path = "plan_cli/canary.rs"]
mod canary;
#[path = "plan_cli/drift.rs"]
mod drift;
#[path = "plan_cli/errors.rs"]
mod errors;
#[path = "plan_cli/fresh.rs"]
mod fresh;
#[path = "plan_cli/output.rs"]
mod output;
