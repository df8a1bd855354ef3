//! A service that migrates its database at start-up, with LiteKB's own history compiled in.
//!
//! `cargo run --example service -- sqlite:///./data/litekb.db` (or a `postgresql://` URL;
//! default `sqlite:///./data/litekb.db`). It logs each migration as it runs, then reports the
//! database's revision and "serves" (exits). A failure is one `FAILED:` line and exit status 1:
//! the service does not start on a database it couldn't migrate, nor on one that a newer build
//! migrated further or whose applied scripts changed (`Migrator::verify`).
#![allow(clippy::print_stdout, clippy::print_stderr)] // a service's own log lines

use std::process::ExitCode;

use litekb_migrations::{EmbeddedScripts, Event, Migrator};

/// `backend/alembic`, compiled in: the binary needs no script files at run time.
static MIGRATIONS: EmbeddedScripts = litekb_migrations::embed!("backend/alembic");

fn main() -> ExitCode {
    let url = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "sqlite:///./data/litekb.db".to_string());
    let migrator = Migrator::new(&MIGRATIONS).on_event(|event| {
        if let Event::StepStarted { summary, .. } = event {
            eprintln!("migrating: {summary}");
        }
    });
    match start(&migrator, &url) {
        Ok(heads) => {
            println!("ready at {}", heads.join(", "));
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("FAILED: {err}");
            ExitCode::FAILURE
        }
    }
}

/// Refuses a database ahead of or diverged from the compiled-in history, brings it to head,
/// and returns its revision.
fn start(migrator: &Migrator<'_>, url: &str) -> Result<Vec<String>, Box<dyn std::error::Error>> {
    migrator.verify(url)?;
    let plan = migrator.upgrade(url, "head")?;
    eprintln!("{} migration(s) applied", plan.steps.len());
    Ok(migrator.current(url)?)
}
