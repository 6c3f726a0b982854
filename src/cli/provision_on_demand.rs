//! `entraprov provision-on-demand`.

use super::{Exit, GlobalArgs};

/// Arguments of `entraprov provision-on-demand`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `entraprov provision-on-demand`.
pub async fn run(_args: Args, _global: &GlobalArgs) -> miette::Result<Exit> {
    Err(super::NotImplemented("provision-on-demand").into())
}
