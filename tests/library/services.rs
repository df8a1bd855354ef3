//! The example services (`examples/service.rs`, `examples/tokio_service.rs`), built by
//! `cargo build --examples` (scripts/test does it first) and run as a deployment would: each
//! embeds `backend/alembic`, migrates the database it is given at start-up and reports its
//! revision; run again, it finds nothing to do.

use std::path::PathBuf;
use std::process::{Command, Output};

use crate::pg;

/// The head of `backend/alembic`.
const HEAD: &str = "e2a84c6d1f95";

/// LiteKB's tables, as `backend/alembic` builds them.
const TABLES: [&str; 4] = ["chunks", "collections", "documents", "tags"];

/// The built example `name`, beside this test binary's directory.
fn example(name: &str) -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let path = exe
        .parent()
        .and_then(|deps| deps.parent())
        .unwrap()
        .join("examples")
        .join(name);
    assert!(
        path.is_file(),
        "{} is not built: run `cargo build --examples` first (scripts/test does)",
        path.display()
    );
    path
}

fn run(name: &str, args: &[&str], dir: &std::path::Path) -> Output {
    Command::new(example(name))
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap()
}

fn stdout(out: &Output) -> String {
    assert!(
        out.status.success(),
        "exit {:?}\nstderr:\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone()).unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8(out.stderr.clone()).unwrap()
}

fn sqlite_tables(db: &std::path::Path) -> Vec<String> {
    let conn = rusqlite::Connection::open(db).unwrap();
    let mut stmt = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .unwrap();
    stmt.query_map([], |row| row.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap()
}

fn sqlite_versions(db: &std::path::Path) -> Vec<String> {
    let conn = rusqlite::Connection::open(db).unwrap();
    let mut stmt = conn
        .prepare("SELECT version_num FROM alembic_version")
        .unwrap();
    stmt.query_map([], |row| row.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap()
}

/// Runs `service` twice against `url`: the first run applies the five migrations, the
/// second none; both report the head.
fn migrates_twice(service: &str, url: &str, dir: &std::path::Path, extra: &[&str]) {
    let args: Vec<&str> = [url].into_iter().chain(extra.iter().copied()).collect();
    let first = run(service, &args, dir);
    assert_eq!(stdout(&first), format!("ready at {HEAD}\n"));
    assert!(
        stderr(&first).contains("5 migration(s) applied"),
        "{}",
        stderr(&first)
    );
    let second = run(service, &args, dir);
    assert_eq!(stdout(&second), format!("ready at {HEAD}\n"));
    assert!(
        stderr(&second).contains("0 migration(s) applied"),
        "{}",
        stderr(&second)
    );
}

#[test]
fn the_plain_service_migrates_sqlite_at_start_up_from_anywhere() {
    // A directory with no scripts in it: the history is in the binary.
    let dir = tempfile::tempdir().unwrap();
    migrates_twice("service", "sqlite:///./data/app.db", dir.path(), &[]);
    let db = dir.path().join("data/app.db");
    let tables = sqlite_tables(&db);
    for table in TABLES {
        assert!(tables.iter().any(|t| t == table), "{table}: {tables:?}");
    }
    assert_eq!(sqlite_versions(&db), [HEAD]);
    let first = run("service", &["sqlite:///./data/other.db"], dir.path());
    let log = stderr(&first);
    assert!(
        log.contains("migrating: upgrade  -> 3f1c2a7e9b01")
            || log.contains("migrating: upgrade -> 3f1c2a7e9b01"),
        "{log}"
    );
}

#[test]
fn the_plain_service_migrates_postgresql_at_start_up() {
    let dir = tempfile::tempdir().unwrap();
    let url = pg::database_url();
    migrates_twice("service", &url, dir.path(), &[]);
    let tables = pg::tables(&url);
    for table in TABLES {
        assert!(tables.iter().any(|t| t == table), "{table}: {tables:?}");
    }
    assert_eq!(
        pg::query_column(&url, "SELECT version_num FROM alembic_version"),
        [HEAD]
    );
}

#[test]
fn the_tokio_service_migrates_both_engines_from_spawn_blocking() {
    let dir = tempfile::tempdir().unwrap();
    migrates_twice("tokio_service", "sqlite:///./app.db", dir.path(), &[]);
    let tables = sqlite_tables(&dir.path().join("app.db"));
    for table in TABLES {
        assert!(tables.iter().any(|t| t == table), "{table}: {tables:?}");
    }
    assert_eq!(sqlite_versions(&dir.path().join("app.db")), [HEAD]);
    let url = pg::database_url();
    migrates_twice("tokio_service", &url, dir.path(), &[]);
    let tables = pg::tables(&url);
    for table in TABLES {
        assert!(tables.iter().any(|t| t == table), "{table}: {tables:?}");
    }
    assert_eq!(
        pg::query_column(&url, "SELECT version_num FROM alembic_version"),
        [HEAD]
    );
}

#[test]
fn postgresql_called_straight_from_an_async_task_does_not_panic() {
    let dir = tempfile::tempdir().unwrap();
    let url = pg::database_url();
    migrates_twice("tokio_service", &url, dir.path(), &["--direct"]);
    assert_eq!(
        pg::query_column(&url, "SELECT version_num FROM alembic_version"),
        [HEAD]
    );
}

#[test]
fn a_service_refuses_to_start_on_a_database_it_cannot_migrate() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("app.db"), "not a database").unwrap();
    let out = run("service", &["sqlite:///./app.db"], dir.path());
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let err = stderr(&out);
    assert!(err.starts_with("FAILED: "), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
}

#[test]
fn the_service_refuses_to_start_on_a_database_a_newer_build_migrated() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("app.db");
    stdout(&run("service", &["sqlite:///./app.db"], dir.path()));
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute(
        "UPDATE alembic_version SET version_num = 'f00000000001'",
        [],
    )
    .unwrap();
    drop(conn);
    let out = run("service", &["sqlite:///./app.db"], dir.path());
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "FAILED: the database is at revision f00000000001 that this history doesn't have: \
         a newer build or another branch migrated it\n"
    );
    assert_eq!(sqlite_versions(&db), ["f00000000001"]);
}
