//! Synchronization schema.
#![allow(missing_docs, unused_variables)]
use std::sync::Arc;

use crate::sim::core::{Caller, HResult, Req, Sim};
use crate::sim::error::GraphError;

fn todo() -> HResult {
    Err(GraphError::new(501, "NotImplemented", "not simulated yet"))
}
pub fn get_template_schema(
    sim: &Arc<Sim>,
    caller: &Caller,
    req: &Req,
    sp: &str,
    t: &str,
) -> HResult {
    todo()
}
pub fn parse_expression(
    sim: &Arc<Sim>,
    caller: &Caller,
    req: &Req,
    sp: &str,
    j: Option<&str>,
    t: Option<&str>,
) -> HResult {
    todo()
}
pub fn get(sim: &Arc<Sim>, caller: &Caller, req: &Req, sp: &str, j: &str) -> HResult {
    todo()
}
pub fn put(sim: &Arc<Sim>, caller: &Caller, req: &Req, sp: &str, j: &str) -> HResult {
    todo()
}
pub fn delete(sim: &Arc<Sim>, caller: &Caller, sp: &str, j: &str) -> HResult {
    todo()
}
pub fn patch_not_found(sim: &Arc<Sim>, sp: &str, j: &str) -> GraphError {
    GraphError::new(404, "UnknownError", "")
}
pub fn filter_operators(sim: &Arc<Sim>, caller: &Caller, req: &Req, sp: &str, j: &str) -> HResult {
    todo()
}
pub fn functions(sim: &Arc<Sim>, caller: &Caller, req: &Req, sp: &str, j: &str) -> HResult {
    todo()
}
pub fn directories(sim: &Arc<Sim>, caller: &Caller, req: &Req, sp: &str, j: &str) -> HResult {
    todo()
}
