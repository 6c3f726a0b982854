//! The manifest: typed model (serde + schemars), YAML loading with spans, JSON Schema
//! validation and lints.
//!
//! Flow: [`load_paths`] reads files → YAML 1.2 (saphyr's parser) with a span for every key
//! and value → a `serde_json::Value` plus a JSON-pointer → span map → JSON Schema (all
//! errors) → structural lints → typed [`Manifest`] → semantic and connector lints. Every
//! problem becomes a located [`Diagnostic`] with a code (see `docs/diagnostics.md`).
//!
//! Later stages locate their own problems through [`LoadedManifest::diagnostic`] and
//! [`LoadedManifest::location`], with the same JSON pointers the schema uses, e.g.
//! `/assignments/principals/0/group` or
//! `/provisioning/mappings/users/attributes/emails[type eq "work"].value` (segments escaped
//! per RFC 6901 with [`span::push_segment`]).

mod attributes;
pub mod diag;
pub mod docgen;
pub mod expr;
mod guid;
pub mod lint;
mod load;
mod named_map;
pub(crate) mod operator;
pub mod pointer;
mod provisioning;
pub mod report;
pub mod schema;
pub(crate) mod schema_errors;
mod schema_text;
pub mod span;
pub mod suggest;
pub mod types;
pub mod yaml;

pub use diag::{Diagnostic, Secondary, Severity};
pub use load::{
    FileStatus, LoadOutcome, LoadedManifest, MAX_FILE_BYTES, is_manifest_text, load_bytes,
    load_paths, load_str,
};
pub use schema_text::display_path;
pub use span::{ByteSpan, NodeSpans, SourceFile, SpanMap};
pub use types::*;
pub use yaml::{ALIAS_NODE_BUDGET, MAX_DEPTH, YamlDoc};
