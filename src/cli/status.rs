//! `entraprov status`.

use super::{Exit, GlobalArgs};

/// Arguments of `entraprov status`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `entraprov status`.
pub async fn run(_args: Args, _global: &GlobalArgs) -> miette::Result<Exit> {
    Err(super::NotImplemented("status").into())
}
