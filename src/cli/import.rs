//! `entraprov import`.

use super::{Exit, GlobalArgs};

/// Arguments of `entraprov import`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `entraprov import`.
pub async fn run(_args: Args, _global: &GlobalArgs) -> miette::Result<Exit> {
    Err(super::NotImplemented("import").into())
}
