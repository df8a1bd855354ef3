//! Live databases: one module per engine behind the small [`Database`] trait.
//!
//! Each engine provides connect, statement execution, transactions, the migration lock and
//! reading the version table. Everything the engines share (the version table's SQL, which is
//! also what offline mode prints) lives in [`version_table`]. Nothing here decides *what* to
//! run; that is the plan's job.

mod cancel;
mod file_access;
pub mod introspect;
mod lock_wait;
mod postgres;
mod sqlite;
mod sqlite_busy;
mod tls;
pub mod version_table;

use std::time::Duration;

use crate::config::{DatabaseUrl, UrlKind};
use crate::Dialect;

pub use cancel::{Cancel, Cancellable, Interrupter};
pub use version_table::VersionTable;

/// A database failure, worded for the user; URLs inside are already masked, and the password
/// is scrubbed from every message. The driver's own error is kept as the
/// [`source`](std::error::Error::source) (its text is the driver's, not scrubbed: whoever
/// prints it scrubs it, as the `alembic` binary does).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DbError {
    /// Could not open or reach the database.
    #[error("can't connect to {url}: {message}")]
    Connect {
        url: String,
        message: String,
        #[source]
        source: Box<DriverError>,
    },
    /// A statement failed.
    #[error("{message}")]
    Statement {
        message: String,
        #[source]
        source: Box<DriverError>,
    },
    /// The migration lock's file could not be opened, locked or unlocked.
    #[error("{message}: {source}")]
    LockFile {
        message: String,
        #[source]
        source: std::io::Error,
    },
    /// Reading the live schema failed.
    #[error(transparent)]
    Introspect(#[from] introspect::postgres::IntrospectError),
    /// Another process holds the migration lock and the wait ran out.
    #[error("timed out after {0:?} waiting for the migration lock held by another process")]
    LockTimeout(Duration),
    /// Another process's write kept a SQLite database from being read and the wait ran out.
    #[error("timed out after {0:?} waiting for another process's write to the database to end (lock_timeout sets the limit)")]
    ReadTimeout(Duration),
    /// A [`Cancel`] stopped the run: the statement was interrupted, or not started.
    #[error("the statement was cancelled")]
    Cancelled,
    /// A [`Cancel`] ended the wait for the migration lock.
    #[error("cancelled while waiting for the migration lock held by another process")]
    LockWaitCancelled,
    /// An UPDATE or DELETE of the version table matched the wrong number of rows.
    #[error(
        "Online migration expected to match one row when {action} in '{table}'; {found} found"
    )]
    VersionRowMismatch {
        action: String,
        table: String,
        found: u64,
    },
}

impl DbError {
    /// Whether the connection failed (closed, reset, timed out) rather than the server
    /// answering with an error: then the client can't know what the server did last.
    pub fn is_connection_lost(&self) -> bool {
        let (DbError::Statement { source, .. } | DbError::Connect { source, .. }) = self else {
            return false;
        };
        match source.as_ref() {
            DriverError::Postgres(e) => {
                e.is_closed()
                    || e.as_db_error()
                        .is_none_or(|d| matches!(d.severity(), "FATAL" | "PANIC"))
            }
            DriverError::Io(_) => true,
            DriverError::Sqlite(_) | DriverError::Tls(_) => false,
        }
    }
}

impl DbError {
    /// Whether PostgreSQL's `lock_timeout` ended the statement (`55P03`).
    pub fn is_lock_timeout(&self) -> bool {
        let DbError::Statement { source, .. } = self else {
            return false;
        };
        matches!(source.as_ref(), DriverError::Postgres(e)
            if e.code() == Some(&::postgres::error::SqlState::LOCK_NOT_AVAILABLE))
    }
}

/// The driver's error behind a [`DbError`].
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DriverError {
    #[error(transparent)]
    Postgres(#[from] ::postgres::Error),
    #[error(transparent)]
    Sqlite(#[from] rusqlite::Error),
    #[error(transparent)]
    Tls(#[from] rustls::Error),
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

impl DriverError {
    /// `err`, boxed as [`DbError`] keeps it.
    pub(crate) fn boxed(err: impl Into<DriverError>) -> Box<DriverError> {
        Box::new(err.into())
    }
}

/// A connection to one database, as the runner needs it.
///
/// Dropping the connection releases its migration lock.
pub trait Database {
    /// The connected engine's dialect.
    fn dialect(&self) -> Dialect;

    /// Runs one statement; returns the number of rows it changed.
    fn execute(&mut self, sql: &str) -> Result<u64, DbError>;

    /// Runs one statement whose rows and count nobody reads (a migration's): rows a `SELECT`
    /// returns are dropped as they arrive, never held.
    fn run(&mut self, sql: &str) -> Result<(), DbError> {
        self.execute(sql).map(drop)
    }

    /// Runs a query and returns the first column of every row as text.
    fn query_column(&mut self, sql: &str) -> Result<Vec<String>, DbError>;

    /// Starts a transaction.
    fn begin(&mut self) -> Result<(), DbError>;

    /// Commits the open transaction.
    fn commit(&mut self) -> Result<(), DbError>;

    /// Rolls back the open transaction, if any.
    fn rollback(&mut self) -> Result<(), DbError>;

    /// Whether `table` exists.
    fn table_exists(&mut self, table: &VersionTable) -> Result<bool, DbError>;

    /// Takes the migration lock, waiting up to `timeout`; calls `on_wait` once if it has to wait.
    /// Held until [`Database::unlock`] or until the connection is dropped.
    fn lock(&mut self, timeout: Duration, on_wait: &mut dyn FnMut()) -> Result<(), DbError>;

    /// Releases the migration lock.
    fn unlock(&mut self) -> Result<(), DbError>;

    /// Waits up to `timeout` while another process's write keeps the database from being
    /// read, calling `on_wait` once if it has to wait; later statements wait as long. Only
    /// SQLite's file locks keep readers out: elsewhere this returns at once.
    fn wait_readable(
        &mut self,
        _timeout: Duration,
        _on_wait: &mut dyn FnMut(),
    ) -> Result<(), DbError> {
        Ok(())
    }

    /// Reads the live schema into the portable model (inside the open transaction, if any).
    fn introspect(&mut self) -> Result<crate::schema::Schema, DbError>;

    /// What interrupts this connection's running statement from another thread, if its
    /// engine can.
    fn interrupter(&self) -> Option<Interrupter> {
        None
    }

    /// Makes [`Database::lock`] give up with [`DbError::Cancelled`] once `cancel` is asked
    /// to stop (`None`: no longer).
    fn watch(&mut self, _cancel: Option<&Cancel>) {}
}

/// Opens a connection for `url`.
pub fn connect(url: &DatabaseUrl) -> Result<Box<dyn Database>, DbError> {
    match url.kind() {
        UrlKind::Postgres(params) => Ok(Box::new(postgres::PgDatabase::connect(url, params)?)),
        UrlKind::SqliteMemory => Ok(Box::new(sqlite::SqliteDatabase::open_memory(url)?)),
        UrlKind::SqliteFile(path) => Ok(Box::new(sqlite::SqliteDatabase::open(url, path)?)),
    }
}

/// Opens a connection for a command that only reads: a SQLite file that does not exist is
/// not created (nor its directory) but read as an empty database, as Alembic reads it.
pub fn connect_to_read(url: &DatabaseUrl) -> Result<Box<dyn Database>, DbError> {
    match url.kind() {
        UrlKind::SqliteFile(path) if !path.exists() => {
            Ok(Box::new(sqlite::SqliteDatabase::open_memory(url)?))
        }
        _ => connect(url),
    }
}

/// The caller's own SQLite connection, as a [`Database`] (the migration lock is taken on its
/// database file; its settings are left as they are).
pub fn sqlite_connection(conn: &mut rusqlite::Connection) -> Box<dyn Database + '_> {
    Box::new(sqlite::SqliteDatabase::borrowed(conn))
}

/// The caller's own PostgreSQL client, as a [`Database`].
pub fn postgres_client(client: &mut ::postgres::Client) -> Box<dyn Database + '_> {
    Box::new(postgres::PgDatabase::borrowed(client))
}

/// Reads the current heads from the version table; an absent table means no heads.
pub fn read_heads(db: &mut dyn Database, table: &VersionTable) -> Result<Vec<String>, DbError> {
    if !db.table_exists(table)? {
        return Ok(Vec::new());
    }
    let mut heads = db.query_column(&table.select_sql(db.dialect()))?;
    heads.sort();
    Ok(heads)
}
