//! The manifest: typed model (serde + schemars), YAML loading with spans, JSON Schema
//! validation and lints.
//!
//! Flow: [`load_paths`] reads files → YAML 1.2 (saphyr) with a span for every key and value →
//! a `serde_json::Value` plus a JSON-pointer → span map → JSON Schema (all errors) →
//! structural lints → typed [`Manifest`] → semantic lints. Every problem becomes a located
//! [`Diagnostic`].

mod guid;
mod named_map;
mod operator;
mod provisioning;
pub mod types;

pub use types::*;
