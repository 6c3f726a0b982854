//! Synchronization templates and jobs.
#![allow(missing_docs, unused_variables)]
use std::sync::Arc;

use crate::sim::core::{Caller, HResult, Req, Sim};
use crate::sim::error::GraphError;

fn todo() -> HResult {
    Err(GraphError::new(501, "NotImplemented", "not simulated yet"))
}
pub fn list_templates(sim: &Arc<Sim>, caller: &Caller, req: &Req, sp: &str) -> HResult {
    todo()
}
pub fn get_template(sim: &Arc<Sim>, caller: &Caller, req: &Req, sp: &str, t: &str) -> HResult {
    todo()
}
pub fn list(sim: &Arc<Sim>, caller: &Caller, req: &Req, sp: &str) -> HResult {
    todo()
}
pub fn create(sim: &Arc<Sim>, caller: &Caller, req: &Req, sp: &str) -> HResult {
    todo()
}
pub fn get(sim: &Arc<Sim>, caller: &Caller, req: &Req, sp: &str, j: &str) -> HResult {
    todo()
}
pub fn delete(sim: &Arc<Sim>, caller: &Caller, sp: &str, j: &str) -> HResult {
    todo()
}
pub fn control(sim: &Arc<Sim>, caller: &Caller, req: &Req, sp: &str, j: &str, a: &str) -> HResult {
    todo()
}
pub fn synchronization(sim: &Arc<Sim>, caller: &Caller, req: &Req, sp: &str) -> HResult {
    todo()
}

/// Creates a job on service principal `sp` from sync template `template` (default one when
/// `None`); returns the job id.
pub fn create_in(
    t: &mut crate::sim::state::Tenant,
    sp: usize,
    template: Option<&str>,
    delay: u32,
) -> Result<String, GraphError> {
    Err(GraphError::new(501, "NotImplemented", "not simulated yet"))
}
