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
    let result = cli::run(cli, &settings);
    if let Some((signal, status)) = cli::interrupt::received() {
        let failed = result.as_ref().err().and_then(|err| {
            failure_lines(err, false, &settings.secrets())
                .into_iter()
                .next()
        });
        eprintln!(
            "{}",
            cli::interrupt::cancelled_line(signal, failed.as_deref())
        );
        return ExitCode::from(status);
    }
    match result {
        Ok(cli::ExitStatus::Success) => ExitCode::SUCCESS,
        Ok(cli::ExitStatus::No(answer)) => {
            eprintln!("FAILED: {answer}");
            ExitCode::from(cli::ExitStatus::NO)
        }
        Err(err) => {
            for line in failure_lines(&err, raiseerr, &settings.secrets()) {
                eprintln!("{line}");
            }
            if let Some(tip) = revision_hint(&err) {
                eprintln!("{tip}");
            }
            ExitCode::FAILURE
        }
    }
}

/// For a revision that names nothing, the closest ids and labels of the loaded project.
fn revision_hint(err: &litekb_migrations::Error) -> Option<String> {
    use litekb_migrations::revision::RevisionError;
    let litekb_migrations::Error::Revision(RevisionError::NotFound(name)) = err else {
        return None;
    };
    let project = cli::settings::loaded_project()?;
    cli::suggest::hint(&cli::suggest::similar_revisions(&project.map, name))
}

/// Help and version go to stdout with status 0. A usage error is clap's whole message (with
/// its "a similar subcommand exists" tips and the pointer to `--help`) on stderr, status 2 as
/// for Alembic's argparse; a database URL in the arguments is masked in it.
fn usage_error(err: clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    use std::io::IsTerminal;
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
    let colour = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
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
