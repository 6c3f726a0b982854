//! `entraprov expr eval EXPRESSION [--user FILE.json | --user UPN] [--format human|json]`:
//! evaluates one attribute-mapping expression with the client's evaluator and prints what
//! the target would receive, "flow skipped", or the located error (exit 1).
//!
//! With a file (a JSON object of source attributes, Graph's user shape or Entra's names) it
//! runs offline; with a UPN it reads that user from Graph, `$select`ing only the attributes
//! the expression uses. Without `--user` every attribute is missing.

use std::io::{IsTerminal, Write};
use std::path::Path;
use std::sync::Arc;

use clap::{Subcommand, ValueEnum};

use super::{Exit, GlobalArgs};
use crate::manifest::expr::eval::{self, Attributes, Compiled, EvalError};
use crate::manifest::span::SourceFile;
use crate::manifest::{Diagnostic, report};
use crate::render::evaluation;

/// Arguments of `entraprov expr`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub command: ExprCommand,
}

/// `expr` subcommands.
#[derive(Debug, Subcommand)]
pub enum ExprCommand {
    /// Evaluate one mapping expression: the value the target would receive.
    Eval(EvalArgs),
}

/// Arguments of `entraprov expr eval`.
#[derive(Debug, clap::Args)]
pub struct EvalArgs {
    /// The expression, e.g. 'Join(" ", [givenName], [surname])'.
    pub expression: String,
    /// The source user: a JSON file of attributes (offline) or a user principal name
    /// (read from Graph).
    #[arg(long, value_name = "FILE.json|UPN")]
    pub user: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

/// Output formats of `expr eval`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// The value, or "flow skipped", and notes.
    Human,
    /// `{"value": …, "skipped": bool, "notes": […]}`.
    Json,
}

/// Runs `entraprov expr`.
pub async fn run(args: Args, global: &GlobalArgs) -> miette::Result<Exit> {
    let ExprCommand::Eval(a) = args.command;
    let compiled = match eval::compile(&a.expression) {
        Ok(c) => c,
        Err(e) => return Ok(fail(&a, &e, global)),
    };
    let user = match &a.user {
        None => Attributes::new(),
        Some(u) => match source_user(u, &compiled, global).await {
            Ok(u) => u,
            Err(d) => {
                eprintln!("{}", report::render_human(&d, style(global)));
                return Ok(Exit::Error);
            }
        },
    };
    match compiled.evaluate(&user, eval::Context::system()) {
        Ok(o) => {
            let text = match a.format {
                Format::Human => evaluation::human(&o),
                Format::Json => evaluation::json(&o),
            };
            let mut out = std::io::stdout().lock();
            let _ = out.write_all(text.as_bytes());
            Ok(Exit::Success)
        }
        Err(e) => Ok(fail(&a, &e, global)),
    }
}

fn style(global: &GlobalArgs) -> report::HumanStyle {
    let color = super::use_color(global.color, std::io::stderr().is_terminal());
    report::HumanStyle {
        color,
        unicode: color,
        width: 100,
    }
}

/// Prints the located error (stderr; also as JSON on stdout with `--format json`).
fn fail(a: &EvalArgs, e: &EvalError, global: &GlobalArgs) -> Exit {
    eprintln!(
        "{}",
        report::render_human(&diagnostic(&a.expression, e), style(global))
    );
    if a.format == Format::Json {
        let v = serde_json::json!({"error": {"code": e.code, "message": e.message, "at": [e.at.start, e.at.end]}});
        println!("{v}");
    }
    Exit::Error
}

/// An evaluation error as a diagnostic on the expression text.
pub fn diagnostic(text: &str, e: &EvalError) -> Diagnostic {
    let file = Arc::new(SourceFile::new("expression".into(), text.to_owned()));
    let mut d = Diagnostic::new(e.code, e.message.clone())
        .in_file(&file)
        .at(e.at.clone(), "here");
    if let Some(h) = &e.help {
        d = d.help(h.clone());
    }
    d
}

/// The `--user` source: a JSON file when the path exists or ends in `.json`, else a UPN.
async fn source_user(
    u: &str,
    c: &Compiled,
    global: &GlobalArgs,
) -> Result<Attributes, Box<Diagnostic>> {
    if Path::new(u).is_file() || u.ends_with(".json") {
        return user_file(Path::new(u));
    }
    let select = eval::graph_select(c.attributes().iter().map(String::as_str));
    let client = crate::observe::client(&global.connection())
        .map_err(|e| Diagnostic::new("E0906", format!("cannot connect to Microsoft Graph: {e}")))?;
    let found = client
        .user_attributes_by_upn(&[u.to_owned()], &select)
        .await
        .map_err(|e| {
            Diagnostic::new("E0906", format!("reading the user from Graph failed: {e}"))
        })?;
    match found.into_values().next().flatten() {
        Some(json) => Ok(Attributes::from_user_json(&json)),
        None => Err(Box::new(
            Diagnostic::new(
                "E0906",
                format!(
                    "no user has the userPrincipalName {}",
                    crate::render::untrusted::shown(u)
                ),
            )
            .help("give the UPN exactly, or a JSON file of attributes for an offline evaluation"),
        )),
    }
}

/// Reads a JSON object of attributes.
pub fn user_file(path: &Path) -> Result<Attributes, Box<Diagnostic>> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        Diagnostic::new(
            "E0907",
            format!("cannot read the user file {}: {e}", path.display()),
        )
    })?;
    let json: serde_json::Value = serde_json::from_str(&text).map_err(|e| {
        Diagnostic::new(
            "E0907",
            format!("the user file {} is not JSON: {e}", path.display()),
        )
    })?;
    if !json.is_object() {
        return Err(Box::new(Diagnostic::new(
            "E0907",
            format!(
                "the user file {} must hold one JSON object of attributes",
                path.display()
            ),
        )));
    }
    Ok(Attributes::from_user_json(&json))
}
