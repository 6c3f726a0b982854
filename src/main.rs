//! Binary entry point: parse args, run, map errors to exit codes — nothing else.

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Parser;
use entraprov::cli::{self, Cli, Exit};

fn main() -> ExitCode {
    // clap exits 2 on a usage error, which CI scripts read as `plan --detailed-exitcode`'s
    // "changes present": every usage error exits 1 (as Terraform does); help and version 0.
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                Exit::Error.into()
            } else {
                Exit::Success.into()
            };
        }
    };
    entraprov::cli::init_logging(&cli.global);
    let color = cli::use_color(cli.global.color, std::io::stderr().is_terminal());
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return Exit::Error.into();
        }
    };
    match runtime.block_on(cli::run(cli)) {
        Ok(exit) => exit.into(),
        Err(report) => {
            let shown = entraprov::text::SafeDiagnostic::new(report.as_ref());
            eprintln!("{}", shown.render(color));
            Exit::Error.into()
        }
    }
}
