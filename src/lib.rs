//! entraprov: Microsoft Entra ID automatic user provisioning as code.
//!
//! Data flows one way: `manifest` (load → validate) → `observe` → `plan` (diff) →
//! `render` | `apply`. Only [`graph`], [`scim`] and [`github`] touch the network; [`plan`] and
//! [`render`] are pure. [`sim`] is a strict Graph emulator that shares no code with
//! [`graph`]. See `ARCHITECTURE.md` for the code map and invariants.

pub mod apply;
pub mod calendar;
pub mod cli;
pub mod connector;
pub mod files;
pub mod github;
pub mod graph;
pub mod ids;
pub mod import;
pub mod lsp;
pub mod manifest;
pub mod observe;
pub mod plan;
pub mod preview;
pub mod render;
pub mod scim;
pub mod sim;
pub mod status;
pub mod text;
