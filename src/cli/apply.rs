//! `entraprov apply`.

use super::{Exit, GlobalArgs};

/// Arguments of `entraprov apply`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `entraprov apply`.
pub async fn run(_args: Args, _global: &GlobalArgs) -> miette::Result<Exit> {
    Err(super::NotImplemented("apply").into())
}
