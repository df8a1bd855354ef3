//! `pending` on an embedded history of 1,000 revisions, against a SQLite database at head: the
//! Migrator in-process (no file reads: the scripts are in memory, as `embed!` leaves them),
//! beside the `alembic pending` command on the same history written to disk.
//!
//! `cargo bench --bench embedded`. One run; prints the medians. The embedded set is built at
//! run time from generated text (a macro can only embed a directory that exists when the
//! bench is compiled); it is the same `EmbeddedScripts` value `embed!` expands to.
#![allow(clippy::print_stdout)] // a bench reports

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use litekb_migrations::script::EmbeddedFile;
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

/// The history as `embed!` would hold it, and the same files written under `dir`.
fn history(dir: &Path) -> &'static EmbeddedScripts {
    let versions = dir.join("migrations/versions");
    std::fs::create_dir_all(&versions).expect("mkdir");
    let mut files = Vec::new();
    for i in 0..REVISIONS {
        let name = format!("{i:012x}_step.sql");
        let text = script(i);
        std::fs::write(versions.join(&name), &text).expect("write");
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

fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let set = history(dir.path());
    let db = dir.path().join("bench.db");
    let url = format!("sqlite:///{}", db.display());
    std::fs::write(
        dir.path().join("alembic.ini"),
        format!("[alembic]\nscript_location = %(here)s/migrations\nsqlalchemy.url = {url}\n"),
    )
    .expect("ini");

    let migrator = Migrator::new(set);
    let started = Instant::now();
    migrator.upgrade(&url, "head").expect("upgrade head");
    println!(
        "upgrade head, {REVISIONS} embedded migrations (first call, parses the set): {:?}",
        started.elapsed()
    );

    let fresh: Vec<Duration> = (0..RUNS)
        .map(|_| {
            let migrator = Migrator::new(set);
            let started = Instant::now();
            assert!(migrator.pending(&url).expect("pending").steps.is_empty());
            started.elapsed()
        })
        .collect();
    let warm: Vec<Duration> = (0..RUNS)
        .map(|_| {
            let started = Instant::now();
            assert!(migrator.pending(&url).expect("pending").steps.is_empty());
            started.elapsed()
        })
        .collect();
    let cli: Vec<Duration> = (0..RUNS)
        .map(|_| {
            let started = Instant::now();
            let out = Command::new(env!("CARGO_BIN_EXE_alembic"))
                .arg("pending")
                .current_dir(dir.path())
                .output()
                .expect("run alembic");
            assert!(out.status.success() && out.stdout.is_empty(), "{out:?}");
            started.elapsed()
        })
        .collect();
    println!("pending, {REVISIONS} revisions, SQLite at head (median of {RUNS}):");
    println!(
        "  Migrator, a new one each call (parses the embedded set): {:?}",
        median(fresh)
    );
    println!(
        "  Migrator, the same one again (set parsed once):           {:?}",
        median(warm)
    );
    println!(
        "  `alembic pending`, the same history on disk (a process): {:?}",
        median(cli)
    );
}
