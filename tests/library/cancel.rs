//! `Migrator::cancel_with`: a service's shutdown stops a run from another thread. The long
//! statement is interrupted, the migration rolled back, the lock released, and the caller's
//! own connection is left usable.

use std::path::Path;
use std::time::{Duration, Instant};

use litekb_migrations::internals::db::{Cancel, DbError};
use litekb_migrations::internals::runner::{RunError, SinkError, StatementError};
use litekb_migrations::{Error, Migrator, ScriptSource};

use crate::pg;

/// A script directory whose one revision creates a table, then runs `long` for minutes.
fn slow_scripts(dir: &Path, long: &str) {
    let versions = dir.join("versions");
    std::fs::create_dir_all(&versions).unwrap();
    std::fs::write(
        versions.join("a1.sql"),
        format!(
            "-- revision: a1\n-- down_revision:\n-- message: slow\n\n-- +upgrade\n\
             CREATE TABLE t (id INTEGER);\n{long}\n"
        ),
    )
    .unwrap();
}

/// Cancels `cancel` after half a second, from another thread.
fn cancel_soon(cancel: &Cancel) {
    let cancel = cancel.clone();
    std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(500));
        cancel.cancel();
    });
}

#[track_caller]
fn assert_cancelled(
    result: litekb_migrations::Result<litekb_migrations::internals::revision::Plan>,
) {
    match result {
        Err(Error::Run(RunError::Statement { source, .. })) => assert!(
            matches!(
                *source,
                StatementError::Sink(SinkError::Db(DbError::Cancelled))
            ),
            "{source:?}"
        ),
        other => panic!("expected a cancelled statement, got {other:?}"),
    }
}

#[test]
fn a_cancel_stops_a_run_on_the_services_own_sqlite_connection() {
    let dir = tempfile::tempdir().unwrap();
    slow_scripts(
        dir.path(),
        "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 5000000000) \
         SELECT count(*) FROM c;",
    );
    let mut conn = rusqlite::Connection::open(dir.path().join("app.db")).unwrap();
    let cancel = Cancel::new();
    let migrator = Migrator::new(ScriptSource::Directory(dir.path())).cancel_with(&cancel);
    cancel_soon(&cancel);
    let started = Instant::now();
    assert_cancelled(migrator.upgrade(&mut conn, "head"));
    assert!(started.elapsed() < Duration::from_secs(10));
    assert!(cancel.is_requested());
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE name = 't'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(tables.is_empty(), "{tables:?}");
    assert!(migrator.current(&mut conn).unwrap().is_empty());
    // The lock is free: another migrator takes it at once (and finds the revision pending).
    let other =
        Migrator::new(ScriptSource::Directory(dir.path())).lock_timeout(Duration::from_secs(1));
    assert_eq!(other.pending(&mut conn).unwrap().steps.len(), 1);
}

#[test]
fn a_cancel_stops_a_run_on_the_services_own_postgres_client() {
    let dir = tempfile::tempdir().unwrap();
    slow_scripts(dir.path(), "SELECT pg_sleep(120);");
    let url = pg::database_url();
    let mut client = pg::admin_client(&url);
    let cancel = Cancel::new();
    let migrator = Migrator::new(ScriptSource::Directory(dir.path())).cancel_with(&cancel);
    cancel_soon(&cancel);
    let started = Instant::now();
    assert_cancelled(migrator.upgrade(&mut client, "head"));
    assert!(started.elapsed() < Duration::from_secs(10));
    // The session is usable, outside any transaction, and the table was rolled back.
    let open: String = client
        .query_one(
            "SELECT (pg_current_xact_id_if_assigned() IS NULL)::text",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(open, "true");
    assert!(!pg::tables(&url).iter().any(|t| t == "t"));
    // The lock was released though the session goes on: a run on a new connection takes it.
    std::fs::write(
        dir.path().join("versions/a1.sql"),
        "-- revision: a1\n-- down_revision:\n-- message: quick\n\n-- +upgrade\nCREATE TABLE t (id INTEGER);\n",
    )
    .unwrap();
    let quick =
        Migrator::new(ScriptSource::Directory(dir.path())).lock_timeout(Duration::from_secs(1));
    assert_eq!(quick.upgrade(&url, "head").unwrap().steps.len(), 1);
    assert_eq!(migrator.current(&mut client).unwrap(), ["a1"]);
}
