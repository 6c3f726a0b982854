//! `entraprov lsp` driven over stdio as an editor drives it (initialize, didOpen, didChange,
//! hover, completion, codeAction, shutdown): the diagnostics of every invalid fixture against
//! `entraprov validate --format json`, hover and completion, quick fixes that really fix, and
//! a real editor (headless Neovim) attached to the server.
//!
//! `tests/lsp/` also holds `lspcheck.mjs` and the fixtures of the yaml-language-server test
//! (`tests/gha/lsp.rs`).

#[path = "lsp/client.rs"]
mod client;
#[path = "lsp/editing.rs"]
mod editing;
#[path = "lsp/features.rs"]
mod features;
#[path = "lsp/fixtures.rs"]
mod fixtures;
#[path = "lsp/neovim.rs"]
mod neovim;
