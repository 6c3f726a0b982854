//! `entraprov demo`.

mod scim;
pub mod world;

pub use scim::ScimEndpoint;

use super::{Exit, GlobalArgs};

/// Arguments of `entraprov demo`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `entraprov demo`.
pub async fn run(_args: Args, _global: &GlobalArgs) -> miette::Result<Exit> {
    Err(super::NotImplemented("demo").into())
}
