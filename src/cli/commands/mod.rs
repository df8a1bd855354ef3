//! One module per group of commands.

pub mod check;
mod connecting;
pub mod convert;
pub mod edit;
pub mod init;
pub mod inspect;
pub mod lint;
pub mod migrate;
pub mod revision;
pub mod verify;

use crate::config::{DatabaseUrl, UrlKind};
use crate::db::{self, DbError, VersionTable};
use std::time::Duration;

use crate::config::Config;
use crate::db::Database;
use crate::project::{lock_timeout_of, version_table_of, Project};
use crate::Result;

use crate::cli::output::Printer;
use crate::cli::settings::{until_exit, Settings};

/// The version table's rows, read without creating the table.
pub fn version_rows(settings: &Settings, project: &Project) -> Result<Vec<String>> {
    let url = settings.url(&project.config)?;
    let wait = ReadWait::of(settings, &project.config)?;
    let read = open_and_read(&url, &project.version_table, wait)?;
    migrate::context_lines(settings.printer, url.dialect());
    Ok(read?)
}

/// The project and the version table's rows.
///
/// When the database is an existing SQLite file, the rows are read on a second thread while
/// the scripts load: opening a database makes SQLite parse its whole schema, which on a long
/// history (two objects a revision) takes as long as reading the scripts. Otherwise (a new
/// file, which opening would create; PostgreSQL, where a connection may wait on the network)
/// the database is opened after the project has loaded, as [`version_rows`] does. Either way
/// the errors and log lines come in the same order: the project's errors, the URL's, the
/// connection's, the context lines, then the query's.
pub fn project_and_rows(settings: &Settings) -> Result<(&'static Project, Vec<String>)> {
    let config = settings.config()?;
    let url = settings.url(&config);
    let wait = ReadWait::of(settings, &config)?;
    let early = match &url {
        Ok(url) if matches!(url.kind(), UrlKind::SqliteFile(path) if path.is_file()) => {
            Some((url.clone(), version_table_of(&config)))
        }
        _ => None,
    };
    std::thread::scope(|scope| {
        let reader = early.map(|(url, table)| {
            std::thread::Builder::new()
                .spawn_scoped(scope, move || open_and_read(&url, &table, wait))
        });
        let project = settings.warned(until_exit(Project::load(config)?));
        let url = url?;
        let read = match reader.and_then(|r| r.ok()).and_then(|h| h.join().ok()) {
            Some(read) => read,
            None => open_and_read(&url, &project.version_table, wait),
        };
        let rows = read?;
        migrate::context_lines(settings.printer, url.dialect());
        Ok((project, rows?))
    })
}

/// Connects and reads the version rows: the outer error is the connection's, the inner the
/// query's (the context lines go between them).
fn open_and_read(
    url: &DatabaseUrl,
    table: &VersionTable,
    wait: ReadWait,
) -> std::result::Result<std::result::Result<Vec<String>, DbError>, DbError> {
    let mut db = connecting::connecting(wait.printer, url, || db::connect_to_read(url))?;
    Ok(wait
        .apply(db.as_mut())
        .and_then(|()| db::read_heads(db.as_mut(), table)))
}

/// How long a read-only command waits for another process's write to a SQLite database
/// (`lock_timeout`), and where it says that it waits.
#[derive(Clone, Copy)]
pub struct ReadWait {
    pub timeout: Duration,
    pub printer: Printer,
}

impl ReadWait {
    pub fn of(settings: &Settings, config: &Config) -> Result<ReadWait> {
        Ok(ReadWait {
            timeout: lock_timeout_of(config)?,
            printer: settings.printer,
        })
    }

    /// Waits until `db` can be read, with a "Waiting…" line if it has to.
    pub fn apply(self, db: &mut dyn Database) -> std::result::Result<(), DbError> {
        db.wait_readable(self.timeout, &mut || {
            self.printer
                .info("Waiting for another process's write to the database to end...")
        })
    }
}
