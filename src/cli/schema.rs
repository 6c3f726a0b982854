//! `entraprov schema`.

use super::{Exit, GlobalArgs};

/// Arguments of `entraprov schema`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `entraprov schema`.
pub async fn run(_args: Args, _global: &GlobalArgs) -> miette::Result<Exit> {
    Err(super::NotImplemented("schema").into())
}
