//! validateCredentials and provisionOnDemand.
#![allow(missing_docs, unused_variables)]
use std::sync::Arc;

use crate::sim::core::{Caller, HResult, Req, Sim};
use crate::sim::error::GraphError;

fn todo() -> HResult {
    Err(GraphError::new(501, "NotImplemented", "not simulated yet"))
}
pub async fn validate_credentials(
    sim: &Arc<Sim>,
    caller: &Caller,
    req: &Req,
    sp: &str,
    j: &str,
) -> HResult {
    todo()
}
pub fn provision_on_demand(
    sim: &Arc<Sim>,
    caller: &Caller,
    req: &Req,
    sp: &str,
    j: &str,
) -> HResult {
    todo()
}
