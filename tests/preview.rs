//! `expr eval`, `preview` and `plan --impact` end to end: the built binary, offline and
//! against the in-process simulator (tenant prepared by plain reqwest calls).

#[path = "plan_cli/common.rs"]
mod common;
#[path = "common/graph_client.rs"]
mod graph_client;
#[path = "plan_cli/tenant.rs"]
mod tenant;

#[path = "preview/differential.rs"]
mod differential;
#[path = "preview/expr_cli.rs"]
mod expr_cli;
#[path = "preview/impact_cli.rs"]
mod impact_cli;
#[path = "preview/preview_cli.rs"]
mod preview_cli;
