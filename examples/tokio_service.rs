//! An async (tokio) service that migrates at start-up, before it serves.
//!
//! `cargo run --example tokio_service -- URL`. The Migrator is synchronous: the service runs
//! it with `tokio::task::spawn_blocking`, so no worker thread of the runtime waits on the
//! database. (Called straight from an async task it still works, PostgreSQL included — the
//! library moves PostgreSQL work off the runtime's thread — but it blocks that worker while
//! it runs; `--direct` does that, for the tests.)
#![allow(clippy::print_stdout, clippy::print_stderr)] // a service's own log lines

use std::process::ExitCode;

use litekb_migrations::{EmbeddedScripts, Migrator};

static MIGRATIONS: EmbeddedScripts = litekb_migrations::embed!("backend/alembic");

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let url = args
        .next()
        .unwrap_or_else(|| "sqlite:///./data/litekb.db".to_string());
    let direct = args.next().as_deref() == Some("--direct");
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("FAILED: can't start the runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(serve(url, direct)) {
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

async fn serve(url: String, direct: bool) -> Result<Vec<String>, String> {
    if direct {
        return migrate(&url).map_err(|e| e.to_string());
    }
    tokio::task::spawn_blocking(move || migrate(&url))
        .await
        .map_err(|e| format!("the migration task failed: {e}"))?
        .map_err(|e| e.to_string())
}

/// Brings the database to head; returns its revision.
fn migrate(url: &str) -> litekb_migrations::Result<Vec<String>> {
    let migrator = Migrator::new(&MIGRATIONS);
    let plan = migrator.upgrade(url, "head")?;
    eprintln!("{} migration(s) applied", plan.steps.len());
    migrator.current(url)
}
