//! The `alembic` command line: arguments → settings → command → output.
//!
//! This is the only code that prints. Each command lives in `commands/`, takes resolved
//! `settings::Settings` and returns an [`ExitStatus`] or an error; `main` turns an error
//! into one `FAILED: …` line on stderr and exit status 1 (`report`), and an answer "no"
//! into a `FAILED: …` line and exit status 3.

mod args;
mod colour;
mod commands;
mod detail;
mod entry;
mod graph;
mod interrupt;
mod json;
mod output;
mod progress;
mod report;
mod settings;
mod suggest;

pub use entry::main;

use crate::Result;
use args::{Cli, Command};
use settings::Settings;

/// How a command that ran to its end came out (a failure to run is an `Err`).
#[derive(Debug, PartialEq, Eq)]
pub enum ExitStatus {
    /// It did what was asked: exit status 0.
    Success,
    /// It ran, and its answer is "no" (`check` found differences, `pending --check` found
    /// pending revisions, `verify` found edited scripts): the message is printed as a
    /// `FAILED: …` line, and the exit status is 3.
    No(String),
}

impl ExitStatus {
    /// The process exit status of a command's answer "no".
    pub const NO: u8 = 3;
}

/// `completions SHELL`: the completion script clap writes from the same definitions.
fn completions(shell: clap_complete::Shell) -> ExitStatus {
    use clap::CommandFactory;
    let mut command = Cli::command();
    clap_complete::generate(shell, &mut command, "alembic", &mut std::io::stdout());
    ExitStatus::Success
}

/// `man [COMMAND]`: the man page clap_mangen writes from the same definitions as `--help`,
/// of `alembic` (with its commands listed) or of one command (`alembic-upgrade`).
fn man(args: &args::ManArgs) -> Result<ExitStatus> {
    use clap::CommandFactory;
    let mut command = Cli::command();
    command.build();
    let page = match &args.command {
        None => command,
        Some(name) => command
            .find_subcommand(name)
            .cloned()
            .map(|c| {
                let full = format!("alembic-{}", c.get_name());
                c.bin_name(full)
            })
            .ok_or_else(|| settings::usage(format!("no command '{name}': try 'alembic --help'")))?,
    };
    let mut out = Vec::new();
    clap_mangen::Man::new(page)
        .render(&mut out)
        .map_err(|e| settings::usage(format!("can't write the man page: {e}")))?;
    std::io::Write::write_all(&mut std::io::stdout().lock(), &out)
        .map_err(|e| settings::usage(format!("can't write the man page: {e}")))?;
    Ok(ExitStatus::Success)
}

/// Runs one parsed command line.
pub fn run(cli: Cli, settings: &Settings) -> Result<ExitStatus> {
    settings.check_config_files()?;
    settings.check_x(&cli)?;
    match cli.command {
        Command::Init(args) => commands::init::init(settings, &args),
        Command::ListTemplates => commands::init::list_templates(settings),
        Command::Revision(args) => commands::revision::revision(settings, &args),
        Command::Merge(args) => commands::revision::merge(settings, &args),
        Command::Upgrade(args) => commands::migrate::upgrade(settings, &args),
        Command::Downgrade(args) => commands::migrate::downgrade(settings, &args),
        Command::Stamp(args) => commands::migrate::stamp(settings, &args),
        Command::EnsureVersion(args) => commands::migrate::ensure_version(settings, &args),
        Command::Pending(args) => commands::migrate::pending(settings, &args),
        Command::Current(args) => commands::inspect::current(settings, &args),
        Command::History(args) => commands::inspect::history(settings, &args),
        Command::Heads(args) => commands::inspect::heads(settings, &args),
        Command::Branches(args) => commands::inspect::branches(settings, &args),
        Command::Show(args) => commands::inspect::show(settings, &args),
        Command::Edit(args) => commands::edit::edit(settings, &args),
        Command::Check(args) => commands::check::check(settings, &args),
        Command::Convert(args) => commands::convert::convert(settings, &args),
        Command::Completions(args) => Ok(completions(args.shell)),
        Command::Man(args) => man(&args),
        Command::Verify(args) => commands::verify::verify(settings, &args),
        Command::Lint(args) => commands::lint::lint(settings, &args),
    }
}
