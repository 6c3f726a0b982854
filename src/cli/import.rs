//! `entraprov import`: a live, hand-configured app → a manifest (stdout or `--out FILE`).
//!
//! Read-only. Notes (what was inferred or left out, the next steps) go to stderr, so
//! `entraprov import --app … > app.yaml` captures only the manifest. Exit 0, or 1 on any
//! error (unknown or ambiguous app, Graph failure, a generated manifest that does not
//! validate — it is still written, so it can be fixed by hand).

use std::io::Write;
use std::path::{Path, PathBuf};

use super::{Exit, GlobalArgs};
use crate::import::{self, Imported, Options};
use crate::manifest::report;
use crate::observe;

/// Arguments of `entraprov import`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The app: its exact display name, its application (client) id, or its service
    /// principal object id.
    #[arg(long, value_name = "displayName|appId|objectId")]
    pub app: String,
    /// Manifest name (`[a-z0-9-]{1,63}`). Default: the app's existing `entraprov:` tag, else
    /// made from the display name.
    #[arg(long, value_name = "N")]
    pub name: Option<String>,
    /// Write the manifest to FILE instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Schema reference for the editor modeline (a URL, or a path relative to the manifest).
    #[arg(long, value_name = "URL|PATH")]
    pub schema: Option<String>,
    /// Skip the final check that plans the generated manifest (one more read of the app).
    #[arg(long)]
    pub no_check: bool,
    #[command(flatten)]
    pub timeout: super::TimeoutArg,
}

/// Runs `entraprov import`.
pub async fn run(args: Args, global: &GlobalArgs) -> miette::Result<Exit> {
    let client = observe::client(&global.connection_within(args.timeout.or(10)))?;
    let mut opts = Options::new(args.app.clone());
    opts.name = args.name.clone();
    if let Some(s) = &args.schema {
        opts.schema = s.clone();
    }
    let bar = spinner(&format!("reading \"{}\" from the tenant…", args.app));
    let imported = import::import_app(&client, &opts).await;
    let imported = match imported {
        Ok(i) => i,
        Err(e) => {
            bar.finish_and_clear();
            return Err(e.into());
        }
    };
    let extra = if args.no_check || has_errors(&imported) {
        Vec::new()
    } else {
        bar.set_message("checking the manifest with a plan…");
        let checked = import::check_round_trip(&client, &imported.yaml, &imported.token_var).await;
        bar.finish_and_clear();
        // The manifest is still worth having when the check cannot run.
        checked.unwrap_or_else(|e| {
            eprintln!("warning: the final check (a plan of the imported manifest) failed: {e}");
            Vec::new()
        })
    };
    bar.finish_and_clear();
    match &args.out {
        Some(path) => {
            if let Err(e) = write_file(path, &imported.yaml) {
                eprintln!("error: cannot write {}: {e}", path.display());
                return Ok(Exit::Error);
            }
        }
        None => {
            let mut out = std::io::stdout().lock();
            // A closed pipe (`| head`) is not an error of the import.
            let _ = out.write_all(imported.yaml.as_bytes());
            let _ = out.flush();
        }
    }
    eprint!("{}", notes(&imported, &extra, args.out.as_deref(), global));
    Ok(if has_errors(&imported) {
        Exit::Error
    } else {
        Exit::Success
    })
}

/// A spinner on stderr when it is a terminal (hidden otherwise).
fn spinner(message: &str) -> indicatif::ProgressBar {
    if !std::io::IsTerminal::is_terminal(&std::io::stderr()) {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new_spinner();
    bar.set_message(message.to_owned());
    bar.enable_steady_tick(std::time::Duration::from_millis(100));
    bar
}

fn has_errors(imported: &Imported) -> bool {
    imported.diagnostics.iter().any(|d| d.is_error())
}

/// What stderr says after an import: warnings, validation problems, next steps.
pub fn notes(
    imported: &Imported,
    extra: &[String],
    out: Option<&Path>,
    global: &GlobalArgs,
) -> String {
    let color = super::use_color(
        global.color,
        std::io::IsTerminal::is_terminal(&std::io::stderr()),
    );
    let style = report::HumanStyle {
        color,
        unicode: color,
        width: 100,
    };
    let mut text = String::new();
    for w in &imported.warnings {
        text.push_str(&format!("warning: {w}\n"));
    }
    for d in &imported.diagnostics {
        text.push_str(&report::render_human(d, style));
        text.push('\n');
    }
    for c in extra {
        text.push_str(&format!(
            "warning: plan would also change `{c}`: the live value has no exact manifest form\n"
        ));
    }
    let (name, app_id) = &imported.app;
    let file = out.map_or_else(|| "FILE".to_owned(), |p| p.display().to_string());
    text.push_str(&format!(
        "Imported \"{name}\" (appId {app_id}) as {}{}.\nNext: export {} with the SCIM secret token, then `entraprov validate {file}` and `entraprov plan {file}`;\nthe plan shows the token and the entraprov tag, which the first apply sets.\n",
        imported.name,
        out.map(|p| format!(" into {}", p.display()))
            .unwrap_or_default(),
        imported.token_var,
    ));
    text
}

/// Writes the manifest atomically. A manifest holds no secret: the usual mode 0644,
/// not the temporary file's 0600.
fn write_file(path: &Path, text: &str) -> std::io::Result<()> {
    super::write_atomic(path, text, 0o644)
}
