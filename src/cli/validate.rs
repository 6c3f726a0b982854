//! `entraprov validate`.

use super::{Exit, GlobalArgs};

/// Arguments of `entraprov validate`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `entraprov validate`.
pub async fn run(_args: Args, _global: &GlobalArgs) -> miette::Result<Exit> {
    Err(super::NotImplemented("validate").into())
}
