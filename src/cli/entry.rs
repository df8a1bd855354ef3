//! The `alembic` process from start to end: arguments parsed (a usage error is clap's whole
//! message and status 2), the command run, and its outcome turned into the exit status and
//! the one `FAILED: …` line (or the line of an interrupted run).

#![allow(clippy::print_stderr)]

use std::ffi::OsString;
use std::io::IsTerminal;
use std::process::ExitCode;

use crate::cli::colour::{self, paint, When};
use crate::cli::report::{failure_lines, Secrets};
use clap::{CommandFactory, FromArgMatches};

/// Runs the command line of this process and returns its exit status.
pub fn main() -> ExitCode {
    let cli = match parse(std::env::args_os().collect()) {
        Ok(cli) => cli,
        Err((err, colour)) => return usage_error(err, colour),
    };
    let raiseerr = cli.raiseerr;
    let settings = crate::cli::settings::Settings::resolve(&cli);
    let colour_on = settings.printer.colour;
    let failed = paint("FAILED:", colour::ERROR, colour_on);
    let result = crate::cli::run(cli, &settings);
    if let Some((signal, status)) = crate::cli::interrupt::received() {
        let failed = result.as_ref().err().and_then(|err| {
            failure_lines(err, false, &settings.secrets())
                .into_iter()
                .next()
        });
        let line = crate::cli::interrupt::cancelled_line(signal, failed.as_deref());
        match line.strip_prefix("FAILED:") {
            Some(rest) => eprintln!("{}{rest}", paint("FAILED:", colour::ERROR, colour_on)),
            None => eprintln!("{line}"),
        }
        return ExitCode::from(status);
    }
    match result {
        Ok(crate::cli::ExitStatus::Success) => ExitCode::SUCCESS,
        Ok(crate::cli::ExitStatus::No(answer)) => {
            eprintln!("{failed} {answer}");
            ExitCode::from(crate::cli::ExitStatus::NO)
        }
        Err(err) => {
            for line in failure_lines(&err, raiseerr, &settings.secrets()) {
                match line.strip_prefix("FAILED:") {
                    Some(rest) => eprintln!("{failed}{rest}"),
                    None => eprintln!("{line}"),
                }
            }
            if let Some(tip) = revision_hint(&err) {
                eprintln!("{tip}");
            }
            ExitCode::FAILURE
        }
    }
}

/// For a revision that names nothing, the closest ids and labels of the loaded project.
fn revision_hint(err: &crate::Error) -> Option<String> {
    use crate::revision::RevisionError;
    let crate::Error::Revision(RevisionError::NotFound(name)) = err else {
        return None;
    };
    let project = crate::cli::settings::loaded_project()?;
    crate::cli::suggest::hint(&crate::cli::suggest::similar_revisions(&project.map, name))
}

/// Parses the command line, with clap's help and errors coloured as `--color` says (read
/// from the raw arguments first); on an error, also whether stderr gets colour.
fn parse(args: Vec<OsString>) -> Result<crate::cli::args::Cli, (clap::Error, bool)> {
    let when = colour::from_args(args.get(1..).unwrap_or_default());
    let colour = when.colours(
        std::io::stderr().is_terminal(),
        std::env::var_os("NO_COLOR").as_ref(),
    );
    let mut command = crate::cli::args::Cli::command();
    if when != When::Auto {
        command = command.color(When::clap(colour));
    }
    command
        .try_get_matches_from(args)
        .and_then(|m| crate::cli::args::Cli::from_arg_matches(&m))
        .map_err(|e| (e, colour))
}

/// Help and version go to stdout with status 0. A usage error is clap's whole message (with
/// its "a similar subcommand exists" tips and the pointer to `--help`) on stderr, status 2 as
/// for Alembic's argparse, coloured when `colour`; a database URL in the arguments is
/// masked in it.
fn usage_error(err: clap::Error, colour: bool) -> ExitCode {
    use clap::error::ErrorKind;
    if matches!(
        err.kind(),
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion
    ) {
        let _ = err.print();
        return ExitCode::SUCCESS;
    }
    // A URL given where clap expected something else is quoted back by clap.
    let args: Vec<String> = std::env::args().skip(1).collect();
    let secrets = Secrets::new(args.iter().map(String::as_str), None);
    let rendered = err.render();
    let text = if colour {
        rendered.ansi().to_string()
    } else {
        rendered.to_string()
    };
    eprint!("{}", secrets.scrub(&text));
    ExitCode::from(USAGE)
}

/// The exit status of a usage error.
const USAGE: u8 = 2;
