//! `pending` on an embedded history of 1,000 revisions, against a SQLite database at head: the
//! Migrator in-process (no file reads: the scripts are in memory, as `embed!` leaves them),
//! beside the `alembic pending` command on the same history written to disk.
//!
//! `cargo bench --bench embedded`. One run; prints the medians. The embedded set is built at
//! run time from generated text (a macro can only embed a directory that exists when the
//! bench is compiled); it is the same `EmbeddedScripts` value `embed!` expands to.
//!
//! With `LITEKB_BENCH_EMBEDDED_ONLY=1` it writes no script file and runs no `alembic`: only
//! the database and the in-process calls, so that `strace -f -e trace=openat,open,stat` on it
//! shows which files the Migrator opens (bench/NOTES.md has the command and its count).
#![allow(clippy::print_stdout)] // a bench reports

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use litekb_migrations::internals::script::EmbeddedFile;
use litekb_migrations::{EmbeddedScripts, Migrator};

const REVISIONS: usize = 1_000;
const RUNS: usize = 21;

fn script(i: usize) -> String {
    let down = if i == 0 {
        String::new()
    } else {
        format!("{:012x}", i - 1)
    };
    format!(
        "-- revision: {i:012x}\n-- down_revision: {down}\n-- branch_labels:\n-- depends_on:\n\
         -- message: step {i}\n-- create_date: 2026-11-25 00:00:00.000000\n\n-- +upgrade\n\
         CREATE TABLE t{i} (id INTEGER PRIMARY KEY, name VARCHAR(50) NOT NULL);\n\
         CREATE INDEX ix_t{i}_name ON t{i} (name);\n\n-- +downgrade\nDROP TABLE t{i};\n"
    )
}

/// The history as `embed!` would hold it, and (when `on_disk`) the same files written under
/// `dir`.
fn history(dir: &Path, on_disk: bool) -> &'static EmbeddedScripts {
    let versions = dir.join("migrations/versions");
    std::fs::create_dir_all(&versions).expect("mkdir");
    let mut files = Vec::new();
    for i in 0..REVISIONS {
        let name = format!("{i:012x}_step.sql");
        let text = script(i);
        if on_disk {
            std::fs::write(versions.join(&name), &text).expect("write");
        }
        files.push(EmbeddedFile {
            path: Box::leak(format!("migrations/versions/{name}").into_boxed_str()),
            bytes: Box::leak(text.into_bytes().into_boxed_slice()),
        });
    }
    Box::leak(Box::new(EmbeddedScripts::new(
        "migrations",
        None,
        &["migrations/versions"],
        Box::leak(files.into_boxed_slice()),
    )))
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn timed(runs: usize, mut f: impl FnMut()) -> Duration {
    median(
        (0..runs)
            .map(|_| {
                let started = Instant::now();
                f();
                started.elapsed()
            })
            .collect(),
    )
}

fn main() {
    let embedded_only = std::env::var_os("LITEKB_BENCH_EMBEDDED_ONLY").is_some();
    let dir = tempfile::tempdir().expect("temp dir");
    let set = history(dir.path(), !embedded_only);
    let db = dir.path().join("bench.db");
    let url = format!("sqlite:///{}", db.display());

    let migrator = Migrator::new(set);
    let started = Instant::now();
    migrator.upgrade(&url, "head").expect("upgrade head");
    println!(
        "upgrade head, {REVISIONS} embedded migrations (first call, parses the set): {:?}",
        started.elapsed()
    );
    let at_head = |plan: litekb_migrations::Plan| assert!(plan.steps.is_empty());
    let fresh = timed(RUNS, || {
        at_head(Migrator::new(set).pending(&url).expect("pending"))
    });
    let warm = timed(RUNS, || at_head(migrator.pending(&url).expect("pending")));
    // What any process pays to open this database: SQLite parses the schema (2,000 tables
    // and indexes) before the first statement runs.
    let open = timed(RUNS, || {
        let conn = rusqlite::Connection::open(&db).expect("open");
        let n: i64 = conn
            .query_row("SELECT count(*) FROM sqlite_master", [], |row| row.get(0))
            .expect("query");
        assert!(n as usize > 2 * REVISIONS);
    });
    let mut conn = rusqlite::Connection::open(&db).expect("open");
    let held = timed(RUNS, || {
        at_head(migrator.pending(&mut conn).expect("pending"))
    });
    println!("pending, {REVISIONS} revisions, SQLite at head (median of {RUNS}):");
    println!("  Migrator, a new one each call (parses the embedded set): {fresh:?}");
    println!("  Migrator, the same one again (set parsed once):           {warm:?}");
    println!("  Migrator, the same one, on a connection the caller holds: {held:?}");
    println!("  (SQLite alone: open the file, read its schema, one query:  {open:?})");
    if embedded_only {
        return;
    }
    std::fs::write(
        dir.path().join("alembic.ini"),
        format!("[alembic]\nscript_location = %(here)s/migrations\nsqlalchemy.url = {url}\n"),
    )
    .expect("ini");
    let cli = timed(RUNS, || {
        let out = Command::new(env!("CARGO_BIN_EXE_alembic"))
            .arg("pending")
            .current_dir(dir.path())
            .output()
            .expect("run alembic");
        assert!(out.status.success() && out.stdout.is_empty(), "{out:?}");
    });
    println!("  `alembic pending`, the same history on disk (a process): {cli:?}");
}
