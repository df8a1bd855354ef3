//! The database a [`Migrator`](super::Migrator) call works on: a URL it connects to for the
//! call, or a connection the caller already holds.
//!
//! The `postgres` client is synchronous: each call blocks on a small runtime of its own,
//! which panics on a thread that drives an async runtime (a tokio worker). So PostgreSQL work
//! runs on a thread of its own, started for the call and joined before it returns; the
//! calling thread just waits. Async services should still call the Migrator from
//! `tokio::task::spawn_blocking`, so that no worker thread waits (see the crate
//! documentation). SQLite work runs on the calling thread.

use crate::config::{DatabaseUrl, UrlKind};
use crate::db::{connect, postgres_client, sqlite_connection, Database};
use crate::Result;

/// A database for one call: a URL (`"sqlite:///app.db"`, `"postgresql://…"`; a `&str` or a
/// parsed [`DatabaseUrl`]) connected to for the call and closed after it, or a connection the
/// caller holds (`&mut rusqlite::Connection`, `&mut postgres::Client`), used and left open.
#[non_exhaustive]
pub enum DbRef<'c> {
    /// A URL, parsed when the call starts.
    Url(&'c str),
    /// A parsed URL.
    #[doc(hidden)]
    Parsed(&'c DatabaseUrl),
    /// The caller's SQLite connection.
    Sqlite(&'c mut rusqlite::Connection),
    /// The caller's PostgreSQL client.
    Postgres(&'c mut postgres::Client),
    #[doc(hidden)]
    /// A connection opened with [`crate::db::connect`] (the `alembic` binary's), used on the
    /// calling thread.
    Connected(&'c mut dyn Database),
}

impl std::fmt::Debug for DbRef<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DbRef::Url(url) => match DatabaseUrl::parse(url) {
                Ok(url) => f.debug_tuple("Url").field(&url).finish(),
                Err(_) => f.write_str("Url(<unparsed>)"),
            },
            DbRef::Parsed(url) => f.debug_tuple("Parsed").field(url).finish(),
            DbRef::Sqlite(conn) => f.debug_tuple("Sqlite").field(conn).finish(),
            DbRef::Postgres(_) => f.write_str("Postgres(..)"),
            DbRef::Connected(db) => write!(f, "Connected({:?})", db.dialect()),
        }
    }
}

impl<'c> From<&'c str> for DbRef<'c> {
    fn from(url: &'c str) -> Self {
        DbRef::Url(url)
    }
}

impl<'c> From<&'c String> for DbRef<'c> {
    fn from(url: &'c String) -> Self {
        DbRef::Url(url)
    }
}

impl<'c> From<&'c DatabaseUrl> for DbRef<'c> {
    fn from(url: &'c DatabaseUrl) -> Self {
        DbRef::Parsed(url)
    }
}

impl<'c> From<&'c mut rusqlite::Connection> for DbRef<'c> {
    fn from(conn: &'c mut rusqlite::Connection) -> Self {
        DbRef::Sqlite(conn)
    }
}

impl<'c> From<&'c mut postgres::Client> for DbRef<'c> {
    fn from(client: &'c mut postgres::Client) -> Self {
        DbRef::Postgres(client)
    }
}

impl DbRef<'_> {
    /// Runs `f` on the database (on a thread of its own for PostgreSQL).
    pub(super) fn with_database<T: Send>(
        self,
        f: &(dyn Fn(&mut dyn Database) -> Result<T> + Sync),
    ) -> Result<T> {
        match self {
            DbRef::Url(raw) => with_url(&DatabaseUrl::parse(raw)?, f),
            DbRef::Parsed(url) => with_url(url, f),
            DbRef::Sqlite(conn) => f(sqlite_connection(conn).as_mut()),
            DbRef::Postgres(client) => on_own_thread(|| f(postgres_client(client).as_mut())),
            DbRef::Connected(db) => f(db),
        }
    }
}

fn with_url<T: Send>(
    url: &DatabaseUrl,
    f: &(dyn Fn(&mut dyn Database) -> Result<T> + Sync),
) -> Result<T> {
    let run = || f(connect(url)?.as_mut());
    match url.kind() {
        UrlKind::Postgres(_) => on_own_thread(run),
        UrlKind::SqliteFile(_) | UrlKind::SqliteMemory => run(),
    }
}

/// `work` on a new thread, waited for; a panic in it is resumed on the calling thread.
fn on_own_thread<T: Send>(work: impl FnOnce() -> Result<T> + Send) -> Result<T> {
    std::thread::scope(|scope| {
        let handle = std::thread::Builder::new()
            .name("litekb-migrations".into())
            .spawn_scoped(scope, work)
            .map_err(|source| crate::Error::Io {
                message: format!("can't start a thread for the PostgreSQL connection: {source}"),
                source,
            })?;
        handle
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    })
}
