//! `entraprov lsp`: the language server for manifests, on stdin/stdout (see `crate::lsp` and
//! docs/editor.md). Offline: it never signs in or calls Graph.

use super::{Exit, GlobalArgs};

/// Arguments of `entraprov lsp`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Talk LSP over stdin/stdout (the only transport; accepted because editors pass it).
    #[arg(long)]
    pub stdio: bool,
}

/// Runs `entraprov lsp` until the client sends `exit`.
pub async fn run(_args: Args, _global: &GlobalArgs) -> miette::Result<Exit> {
    let served = tokio::task::spawn_blocking(crate::lsp::serve_stdio)
        .await
        .map_err(|e| miette::miette!("the language server stopped: {e}"))?;
    served.map_err(|e| miette::miette!("language server transport failed: {e}"))?;
    Ok(Exit::Success)
}
