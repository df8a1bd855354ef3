//! The `alembic` binary: parses arguments, runs the command, reports failure on one line.

#![allow(clippy::print_stderr)]

mod cli;

use std::process::ExitCode;

use clap::Parser;
use cli::report::{failure_lines, Secrets};

fn main() -> ExitCode {
    let cli = match cli::args::Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => return usage_error(err),
    };
    let raiseerr = cli.raiseerr;
    let settings = cli::settings::Settings::resolve(&cli);
    match cli::run(cli) {
        Ok(cli::ExitStatus::Success) => ExitCode::SUCCESS,
        Ok(cli::ExitStatus::No(answer)) => {
            eprintln!("FAILED: {answer}");
            ExitCode::from(cli::ExitStatus::NO)
        }
        Err(err) => {
            for line in failure_lines(&err, raiseerr, &settings.secrets()) {
                eprintln!("{line}");
            }
            ExitCode::FAILURE
        }
    }
}

/// Help and version go to stdout with status 0; a usage error is one `FAILED:` line, status 1.
fn usage_error(err: clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    match err.kind() {
        ErrorKind::DisplayHelp
        | ErrorKind::DisplayVersion
        | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = err.print();
            if err.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            }
        }
        _ => {
            // A URL given where clap expected something else is quoted back by clap.
            let args: Vec<String> = std::env::args().skip(1).collect();
            let secrets = Secrets::new(args.iter().map(String::as_str), None);
            let rendered = secrets.scrub(&err.render().to_string());
            let first = rendered
                .lines()
                .next()
                .unwrap_or("invalid arguments")
                .trim_start_matches("error: ");
            eprintln!("FAILED: {first} (see 'alembic --help')");
            ExitCode::FAILURE
        }
    }
}
