//! `entraprov validate`: offline check of manifests (YAML, JSON Schema, lints).
//!
//! Never touches the network, the environment variables or the files that secrets refer to.
//! Exit 0 when there are no errors (warnings and notes allowed), 1 otherwise.

use std::io::Write;
use std::path::PathBuf;

use clap::ValueEnum;

use super::{Exit, GlobalArgs};
use crate::manifest::{self, report};

/// Arguments of `entraprov validate`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Manifest files or directories (every *.yaml / *.yml with `apiVersion: entraprov/v1`
    /// below a directory). Default: the current directory.
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

/// Output formats of `validate`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Readable diagnostics with source excerpts.
    Human,
    /// Stable JSON (`format_version` 1).
    Json,
    /// GitHub workflow annotations (`::error file=…,line=…,col=…::…`).
    Github,
}

/// Runs `entraprov validate`.
pub async fn run(args: Args, global: &GlobalArgs) -> miette::Result<Exit> {
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths
    };
    let outcome = manifest::load_paths(&paths);
    let text = match args.format {
        Format::Human => {
            let color = super::use_color(
                global.color,
                std::io::IsTerminal::is_terminal(&std::io::stdout()),
            );
            let style = report::HumanStyle {
                color,
                unicode: color,
                width: 100,
            };
            report::render_human_all(&outcome, style)
        }
        Format::Json => report::render_json(&outcome),
        Format::Github => report::render_github(&outcome),
    };
    let mut stdout = std::io::stdout().lock();
    // A closed pipe (`| head`) is not an error of the manifest.
    let _ = stdout.write_all(text.as_bytes());
    let _ = stdout.flush();
    Ok(if outcome.has_errors() {
        Exit::Error
    } else {
        Exit::Success
    })
}
