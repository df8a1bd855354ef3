//! Benchmark (not a test): rebuilding a 1,000,000-row SQLite table to change a column's type,
//! through the tool (`upgrade` of a revision whose plain section says `ALTER TABLE … ALTER
//! COLUMN … TYPE …`), against the same rebuild written by hand in SQL and run by rusqlite.
//! Target: the tool within 1.3x of the hand-written SQL.
//!
//! Run: `cargo bench --bench rebuild` (set `REBUILD_ROWS` for another size).

// A benchmark reports on stdout; the crate-wide lint is for the library.
#![allow(clippy::print_stdout)]

use std::path::Path;
use std::time::{Duration, Instant};

const RUNS: usize = 3;

/// What the hand-written migration does: SQLite's documented procedure, nothing more.
const BY_HAND: &str = "
PRAGMA foreign_keys = OFF;
BEGIN IMMEDIATE;
CREATE TABLE new_items (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    qty INTEGER NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);
INSERT INTO new_items (id, name, qty, created_at) SELECT id, name, qty, created_at FROM items;
DROP TABLE items;
ALTER TABLE new_items RENAME TO items;
CREATE INDEX ix_items_name ON items (name);
PRAGMA foreign_key_check(items);
COMMIT;
PRAGMA foreign_keys = ON;
";

fn script(dir: &Path, rev: &str, down: &str, upgrade: &str) {
    let text = format!(
        "-- revision: {rev}\n-- down_revision: {down}\n-- branch_labels:\n-- depends_on:\n\
         -- message: {rev}\n-- create_date: 2026-11-25 00:00:00.000000\n\n-- +upgrade\n{upgrade}\n"
    );
    std::fs::write(
        dir.join("migrations/versions").join(format!("{rev}.sql")),
        text,
    )
    .expect("write script");
}

/// A project at revision a1 with `rows` rows in `items`; returns its ini and database paths.
fn populated(dir: &Path, rows: u64) -> (std::path::PathBuf, std::path::PathBuf) {
    std::fs::create_dir_all(dir.join("migrations/versions")).expect("mkdir");
    let db = dir.join("bench.db");
    let ini = dir.join("alembic.ini");
    std::fs::write(
        &ini,
        format!(
            "[alembic]\nscript_location = %(here)s/migrations\nsqlalchemy.url = sqlite:///{}\n",
            db.display()
        ),
    )
    .expect("write ini");
    script(
        dir,
        "a1",
        "",
        "CREATE TABLE items (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name VARCHAR(50) NOT NULL,
    qty INTEGER NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX ix_items_name ON items (name);",
    );
    script(
        dir,
        "b2",
        "a1",
        "ALTER TABLE items ALTER COLUMN name TYPE TEXT;",
    );
    upgrade(&ini, &db, "a1");
    if rows == 0 {
        return (ini, db);
    }
    let conn = rusqlite::Connection::open(&db).expect("open");
    conn.execute_batch(&format!(
        "BEGIN; WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {rows})
         INSERT INTO items (name, qty) SELECT 'item ' || (i * 7919 % {rows}), i % 100 FROM n;
         COMMIT;"
    ))
    .expect("populate");
    (ini, db)
}

/// Upgrades the project of `ini` to `target` on the SQLite file `db`, as a service would.
fn upgrade(ini: &Path, db: &Path, target: &str) {
    let url = format!("sqlite:///{}", db.display());
    litekb_migrations::Migrator::new(litekb_migrations::ScriptSource::Ini(ini))
        .upgrade(&url, target)
        .expect("upgrade");
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() {
    let rows: u64 = std::env::var("REBUILD_ROWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let template = tempfile::tempdir().expect("temp dir");
    let (_, template_db) = populated(template.path(), rows);
    let mut tool = Vec::new();
    let mut hand = Vec::new();
    for _ in 0..RUNS {
        // The tool: a fresh copy of the project at a1, `upgrade head`.
        let dir = tempfile::tempdir().expect("temp dir");
        let (ini, db) = populated(dir.path(), 0);
        std::fs::copy(&template_db, &db).expect("copy db");
        let started = Instant::now();
        upgrade(&ini, &db, "head");
        tool.push(started.elapsed());
        let conn = rusqlite::Connection::open(&db).expect("open");
        let count: u64 = conn
            .query_row("SELECT count(*) FROM items", [], |r| r.get(0))
            .expect("count");
        assert_eq!(count, rows, "the rebuild kept every row");

        // By hand: the same rebuild on a fresh copy.
        let dir = tempfile::tempdir().expect("temp dir");
        let db = dir.path().join("bench.db");
        std::fs::copy(&template_db, &db).expect("copy db");
        let conn = rusqlite::Connection::open(&db).expect("open");
        let started = Instant::now();
        conn.execute_batch(BY_HAND).expect("rebuild by hand");
        hand.push(started.elapsed());
    }
    let (t, h) = (median(tool), median(hand));
    let ratio = t.as_secs_f64() / h.as_secs_f64();
    println!("rebuild of a {rows}-row SQLite table (median of {RUNS}):");
    println!("  alembic upgrade (ALTER COLUMN TYPE → rebuild): {t:.3?}");
    println!("  hand-written rebuild SQL:                       {h:.3?}");
    println!(
        "  ratio: {ratio:.2}x (target ≤ 1.30x) {}",
        if ratio <= 1.3 { "ok" } else { "OVER TARGET" }
    );
}
