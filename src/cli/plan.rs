//! `entraprov plan`.

use super::{Exit, GlobalArgs};

/// Arguments of `entraprov plan`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `entraprov plan`.
pub async fn run(_args: Args, _global: &GlobalArgs) -> miette::Result<Exit> {
    Err(super::NotImplemented("plan").into())
}
