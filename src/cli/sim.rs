//! `entraprov sim`.

use super::{Exit, GlobalArgs};

/// Arguments of `entraprov sim`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `entraprov sim`.
pub async fn run(_args: Args, _global: &GlobalArgs) -> miette::Result<Exit> {
    Err(super::NotImplemented("sim").into())
}
