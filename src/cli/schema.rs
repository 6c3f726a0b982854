//! `entraprov schema`: prints the manifest JSON Schema (draft-07), exactly the committed
//! `schemas/entraprov.schema.json` that `validate` uses.

use std::io::Write;

use super::{Exit, GlobalArgs};
use crate::manifest::schema::SCHEMA_JSON;

/// Arguments of `entraprov schema`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `entraprov schema`.
pub async fn run(_args: Args, _global: &GlobalArgs) -> miette::Result<Exit> {
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(SCHEMA_JSON.as_bytes());
    let _ = stdout.flush();
    Ok(Exit::Success)
}
