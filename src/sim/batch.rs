//! JSON batching.
#![allow(missing_docs, unused_variables)]
use std::sync::Arc;

use crate::sim::core::{HResult, Req, Sim};
use crate::sim::error::GraphError;

pub async fn handle(sim: &Arc<Sim>, req: &Req) -> HResult {
    Err(GraphError::new(501, "NotImplemented", "not simulated yet"))
}
