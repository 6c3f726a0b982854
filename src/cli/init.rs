//! `entraprov init`.

use super::{Exit, GlobalArgs};

/// Arguments of `entraprov init`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `entraprov init`.
pub async fn run(_args: Args, _global: &GlobalArgs) -> miette::Result<Exit> {
    Err(super::NotImplemented("init").into())
}
