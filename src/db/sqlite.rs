//! SQLite engine, through `rusqlite` with SQLite bundled.
//!
//! Transactions are real (`BEGIN IMMEDIATE` … `COMMIT`), so DDL that fails halfway through a
//! migration leaves nothing behind. The migration lock is an exclusive `flock` on the database
//! file itself: SQLite's own locks are POSIX `fcntl` locks, which `flock` does not touch on
//! Linux, so the two never interfere; the kernel drops the lock when the process dies, so a
//! killed run never leaves a stale lock behind. An in-memory database needs no lock.
//!
//! One POSIX rule shapes the lock's lifetime: closing *any* descriptor of a file drops every
//! `fcntl` lock the process holds on it, SQLite's included. So the lock's descriptor is opened
//! before the first transaction ([`Database::lock`]) and closed only after the last one has
//! committed ([`Database::unlock`]), never while SQLite holds a lock.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rusqlite::types::ValueRef;
use rusqlite::Connection;

use super::file_access::permission_note;
use super::sqlite_busy;
use super::{Cancel, Database, DbError, DriverError, Interrupter, VersionTable};
use crate::config::DatabaseUrl;
use crate::Dialect;

/// How long one statement waits for another connection's write lock before failing, until
/// the migration lock is taken; from then on, the run's `lock_timeout`.
const BUSY_TIMEOUT: Duration = Duration::from_secs(60);

/// A SQLite connection: opened here, or the caller's own.
pub struct SqliteDatabase<'c> {
    conn: Conn<'c>,
    /// The database file, for the migration lock; `None` in memory.
    path: Option<PathBuf>,
    /// The open file while the migration lock is held.
    lock: Option<File>,
    /// SQLite is in `locking_mode=EXCLUSIVE` for the migration lock's sake.
    exclusive: bool,
    /// What ends a wait for the migration lock, or for another connection's write, early.
    cancel: Option<Cancel>,
    /// How long a statement waits for another connection's write lock (owned connections).
    busy: Duration,
}

/// The connection a [`SqliteDatabase`] works through.
enum Conn<'c> {
    Owned(Connection),
    /// A connection the library's caller holds; its settings are left as they are.
    Borrowed(&'c mut Connection),
}

impl std::ops::Deref for Conn<'_> {
    type Target = Connection;
    fn deref(&self) -> &Connection {
        match self {
            Conn::Owned(conn) => conn,
            Conn::Borrowed(conn) => conn,
        }
    }
}

impl std::ops::DerefMut for Conn<'_> {
    fn deref_mut(&mut self) -> &mut Connection {
        match self {
            Conn::Owned(conn) => conn,
            Conn::Borrowed(conn) => conn,
        }
    }
}

impl<'c> SqliteDatabase<'c> {
    /// Works through the caller's connection: its database file (if any) is the one the
    /// migration lock is taken on; its busy timeout and other settings are its own.
    pub fn borrowed(conn: &'c mut Connection) -> SqliteDatabase<'c> {
        let path = conn.path().filter(|p| !p.is_empty()).map(PathBuf::from);
        SqliteDatabase {
            conn: Conn::Borrowed(conn),
            path,
            lock: None,
            exclusive: false,
            cancel: None,
            busy: Duration::ZERO,
        }
    }
}

impl SqliteDatabase<'static> {
    /// Opens (creating when missing, with its parent directory) a database file.
    pub fn open(url: &DatabaseUrl, path: &Path) -> Result<SqliteDatabase<'static>, DbError> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|e| DbError::Connect {
                url: url.to_string(),
                message: format!("can't create directory {}: {e}", parent.display()),
                source: DriverError::boxed(e),
            })?;
        }
        let db = Connection::open(path)
            .and_then(SqliteDatabase::configure)
            .map_err(|e| match permission_note(path) {
                Some(note) if cannot_write(&e) => DbError::Connect {
                    url: url.to_string(),
                    message: format!("{e} ({note})"),
                    source: DriverError::boxed(e),
                },
                _ => connect_error(url, e),
            })?;
        Ok(SqliteDatabase {
            path: Some(path.to_path_buf()),
            ..db
        })
    }

    /// Opens an in-memory database.
    pub fn open_memory(url: &DatabaseUrl) -> Result<SqliteDatabase<'static>, DbError> {
        Connection::open_in_memory()
            .and_then(SqliteDatabase::configure)
            .map_err(|e| connect_error(url, e))
    }

    /// Reads the schema once, so that a file that is not a SQLite database is reported when
    /// it is opened rather than at the first migration, then sets the busy timeout. The read
    /// does not wait: a file another run is writing is a database, and the wait for that run
    /// belongs to the migration lock, which says it is waiting and honours `lock_timeout`.
    fn configure(conn: Connection) -> rusqlite::Result<SqliteDatabase<'static>> {
        conn.busy_timeout(Duration::ZERO)?;
        match conn.query_row("SELECT count(*) FROM sqlite_master", [], |_| Ok(())) {
            Err(e) if e.sqlite_error_code() == Some(rusqlite::ErrorCode::DatabaseBusy) => {}
            other => other?,
        }
        conn.busy_timeout(BUSY_TIMEOUT)?;
        Ok(SqliteDatabase {
            conn: Conn::Owned(conn),
            path: None,
            lock: None,
            exclusive: false,
            cancel: None,
            busy: Duration::ZERO,
        })
    }
}

impl SqliteDatabase<'_> {
    /// While the migration lock is held, from the run's first write transaction on, SQLite
    /// keeps its file locks from one transaction to the next (`locking_mode=EXCLUSIVE`)
    /// instead of taking and dropping them around each migration. Not before: holding a read
    /// lock while waiting for another connection's write transaction would keep that
    /// transaction from committing. The journal then stays open between commits, its header zeroed and synced
    /// where it would otherwise be deleted, so each commit skips a file creation, a directory
    /// sync and a deletion, and is still durable (more so: the deletion in `delete` mode is
    /// not synced). Other connections can't read the database until the run ends; during a
    /// run they rarely could anyway, with a commit every few milliseconds. A database in WAL
    /// mode is left as it is: there, readers and a writer do go together.
    fn hold_sqlite_locks(&mut self) {
        let journal: rusqlite::Result<String> =
            self.conn
                .query_row("PRAGMA journal_mode", [], |row| row.get(0));
        if journal.is_ok_and(|mode| !mode.eq_ignore_ascii_case("wal")) {
            self.exclusive = self
                .conn
                .query_row("PRAGMA locking_mode = EXCLUSIVE", [], |_| Ok(()))
                .is_ok();
        }
    }

    /// Back to SQLite's normal locking, which lets go of its locks at the next access.
    fn release_sqlite_locks(&mut self) -> rusqlite::Result<()> {
        if self.exclusive {
            self.conn
                .query_row("PRAGMA locking_mode = NORMAL", [], |_| Ok(()))?;
            self.conn
                .query_row("SELECT count(*) FROM sqlite_master", [], |_| Ok(()))?;
            self.exclusive = false;
        }
        Ok(())
    }
}

/// Whether SQLite failed to write or create a file (the cases [`permission_note`] explains).
fn cannot_write(e: &rusqlite::Error) -> bool {
    use rusqlite::ErrorCode::{CannotOpen, ReadOnly};
    matches!(e.sqlite_error_code(), Some(ReadOnly | CannotOpen))
}

impl SqliteDatabase<'_> {
    /// [`statement_error`], naming the path and the permission when a write was refused.
    fn write_error(&self, e: rusqlite::Error) -> DbError {
        let note = self
            .path
            .as_deref()
            .filter(|_| cannot_write(&e))
            .and_then(permission_note);
        match note {
            Some(note) => DbError::Statement {
                message: format!("{e} ({note})"),
                source: DriverError::boxed(e),
            },
            None => statement_error(e),
        }
    }
}

fn statement_error(e: rusqlite::Error) -> DbError {
    DbError::Statement {
        message: e.to_string(),
        source: DriverError::boxed(e),
    }
}

fn connect_error(url: &DatabaseUrl, e: rusqlite::Error) -> DbError {
    DbError::Connect {
        url: url.to_string(),
        message: e.to_string(),
        source: DriverError::boxed(e),
    }
}

impl Database for SqliteDatabase<'_> {
    fn dialect(&self) -> Dialect {
        Dialect::Sqlite
    }

    fn execute(&mut self, sql: &str) -> Result<u64, DbError> {
        let result = (|| {
            let mut stmt = self.conn.prepare(sql)?;
            if stmt.column_count() > 0 {
                // A statement that returns rows (PRAGMA, SELECT): run it to the end, count nothing.
                let mut rows = stmt.raw_query();
                while rows.next()?.is_some() {}
                return Ok(0);
            }
            stmt.raw_execute().map(|changed| changed as u64)
        })();
        result.map_err(|e| self.write_error(e))
    }

    fn query_column(&mut self, sql: &str) -> Result<Vec<String>, DbError> {
        let mut stmt = self.conn.prepare(sql).map_err(statement_error)?;
        let mut rows = stmt.raw_query();
        let mut out = Vec::new();
        while let Some(row) = rows.next().map_err(statement_error)? {
            let text = match row.get_ref(0).map_err(statement_error)? {
                ValueRef::Null => String::new(),
                ValueRef::Integer(i) => i.to_string(),
                ValueRef::Real(f) => f.to_string(),
                ValueRef::Text(t) | ValueRef::Blob(t) => String::from_utf8_lossy(t).into_owned(),
            };
            out.push(text);
        }
        Ok(out)
    }

    fn begin(&mut self) -> Result<(), DbError> {
        // IMMEDIATE takes the write lock now, so two writers queue instead of deadlocking.
        if let Err(e) = self.conn.execute_batch("BEGIN IMMEDIATE") {
            return Err(self.write_error(e));
        }
        if self.lock.is_some() && !self.exclusive {
            self.hold_sqlite_locks();
        }
        Ok(())
    }

    fn commit(&mut self) -> Result<(), DbError> {
        let committed = self.conn.execute_batch("COMMIT");
        committed.map_err(|e| self.write_error(e))
    }

    fn rollback(&mut self) -> Result<(), DbError> {
        if self.conn.is_autocommit() {
            return Ok(());
        }
        self.conn.execute_batch("ROLLBACK").map_err(statement_error)
    }

    fn table_exists(&mut self, table: &VersionTable) -> Result<bool, DbError> {
        let master = match &table.schema {
            Some(schema) => format!("{}.sqlite_master", Dialect::Sqlite.quote_ident(schema)),
            None => "sqlite_master".to_string(),
        };
        let sql = format!("SELECT count(*) FROM {master} WHERE type = 'table' AND name = ?1");
        let count: i64 = self
            .conn
            .query_row(&sql, [&table.name], |row| row.get(0))
            .map_err(statement_error)?;
        Ok(count > 0)
    }

    fn lock(&mut self, timeout: Duration, on_wait: &mut dyn FnMut()) -> Result<(), DbError> {
        let Some(path) = &self.path else {
            return Ok(());
        };
        if self.lock.is_some() {
            return Ok(());
        }
        let file = File::open(path).map_err(|source| DbError::LockFile {
            message: format!("can't open {} to lock it", path.display()),
            source,
        })?;
        let started = Instant::now();
        let mut told = false;
        loop {
            match file.try_lock() {
                Ok(()) => break,
                Err(std::fs::TryLockError::WouldBlock) => {
                    if !told {
                        on_wait();
                        told = true;
                    }
                    if self.cancel.as_ref().is_some_and(Cancel::is_requested) {
                        return Err(DbError::LockWaitCancelled);
                    }
                    if started.elapsed() >= timeout {
                        return Err(DbError::LockTimeout(timeout));
                    }
                    std::thread::sleep(Duration::from_millis(20));
                }
                Err(std::fs::TryLockError::Error(source)) => {
                    return Err(DbError::LockFile {
                        message: format!("can't lock {}", path.display()),
                        source,
                    })
                }
            }
        }
        self.lock = Some(file);
        // The lock's holder may still be letting go of SQLite's own locks: wait for those as
        // long as for the migration lock, no longer (a caller's own connection keeps its
        // settings).
        let left = timeout
            .saturating_sub(started.elapsed())
            .max(Duration::from_secs(1));
        if let Conn::Owned(conn) = &self.conn {
            sqlite_busy::set(conn, left, self.cancel.as_ref()).map_err(statement_error)?;
            self.busy = left;
        }
        Ok(())
    }

    fn wait_readable(
        &mut self,
        timeout: Duration,
        on_wait: &mut dyn FnMut(),
    ) -> Result<(), DbError> {
        let Conn::Owned(conn) = &self.conn else {
            return Ok(());
        };
        let probe = || conn.query_row("SELECT count(*) FROM sqlite_master", [], |_| Ok(()));
        let busy =
            |e: &rusqlite::Error| e.sqlite_error_code() == Some(rusqlite::ErrorCode::DatabaseBusy);
        conn.busy_timeout(Duration::ZERO).map_err(statement_error)?;
        let first = probe();
        sqlite_busy::set(conn, timeout, self.cancel.as_ref()).map_err(statement_error)?;
        self.busy = timeout;
        match first {
            Err(e) if busy(&e) => {
                on_wait();
                match probe() {
                    Err(e) if busy(&e) => Err(DbError::ReadTimeout(timeout)),
                    other => other.map_err(statement_error),
                }
            }
            other => other.map_err(statement_error),
        }
    }

    fn introspect(&mut self) -> Result<crate::schema::Schema, DbError> {
        super::introspect::sqlite::introspect(&self.conn).map_err(statement_error)
    }

    /// `sqlite3_interrupt` on this connection.
    fn interrupter(&self) -> Option<Interrupter> {
        let handle = self.conn.get_interrupt_handle();
        Some(std::sync::Arc::new(move || handle.interrupt()))
    }

    fn watch(&mut self, cancel: Option<&Cancel>) {
        self.cancel = cancel.cloned();
        if let Conn::Owned(conn) = &self.conn {
            // Best effort: the wait keeps its old form if it can't be changed.
            let _ = sqlite_busy::set(conn, self.busy, cancel);
        }
    }

    fn unlock(&mut self) -> Result<(), DbError> {
        // SQLite's own locks go first: the lock's descriptor must not close while SQLite holds
        // any (see the module comment). On an error the descriptor stays open, and closes
        // after the connection when the value is dropped.
        self.release_sqlite_locks().map_err(statement_error)?;
        if let Some(file) = self.lock.take() {
            file.unlock().map_err(|source| DbError::LockFile {
                message: "can't unlock the database file".to_string(),
                source,
            })?;
        }
        Ok(())
    }
}
