//! Binary entry point: parse args, run, map errors to exit codes — nothing else.

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Parser;
use entraprov::cli::{self, Cli, Exit};

fn main() -> ExitCode {
    let cli = Cli::parse();
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
