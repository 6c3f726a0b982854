//! `entraprov test-connection`.

use super::{Exit, GlobalArgs};

/// Arguments of `entraprov test-connection`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `entraprov test-connection`.
pub async fn run(_args: Args, _global: &GlobalArgs) -> miette::Result<Exit> {
    Err(super::NotImplemented("test-connection").into())
}
