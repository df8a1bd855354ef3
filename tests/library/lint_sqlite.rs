//! The linter's `SQ002` (a statement the linked SQLite refuses) checked against that SQLite:
//! each flagged statement fails on a real database file, and its safe alternative lints
//! clean and runs there, as written or, for an `ALTER TABLE` SQLite can't do in place, as
//! this tool's translator runs it from a plain section (a table rebuild). Statements the
//! linked SQLite has (`STRICT`, `RETURNING`, `DROP COLUMN`, a `VIRTUAL` generated column) are
//! not flagged, and run.

use litekb_migrations::internals::lint::{lint_migration, Migration, Section, Severities};
use litekb_migrations::internals::schema::{apply_sql, translate, Emit, Schema};
use litekb_migrations::internals::sql::{split_with, Comments};
use litekb_migrations::Dialect;
use rusqlite::Connection;

const SETUP: &str = "CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT, b INTEGER UNIQUE);
CREATE INDEX ix_t_a ON t (a);
CREATE TABLE u (id INTEGER PRIMARY KEY);";

/// A database file with [`SETUP`] and a row in `t`, and the model of its schema.
fn database(dir: &tempfile::TempDir) -> (Connection, Schema) {
    let path = dir.path().join("lint.db");
    let _ = std::fs::remove_file(&path);
    let db = Connection::open(&path).expect("open");
    db.execute_batch(SETUP).expect("setup");
    db.execute_batch("INSERT INTO t VALUES (1, 'x', 2); INSERT INTO u VALUES (1);")
        .expect("row");
    let mut schema = Schema::default();
    for s in split_with(SETUP, Comments::of(Dialect::Sqlite)).expect("split") {
        apply_sql(&mut schema, s.sql);
    }
    (db, schema)
}

/// The `SQ002` findings of `sql` as an upgrade on SQLite; `translated`: a plain section.
fn sq002(schema: &Schema, sql: &str, translated: bool) -> Vec<String> {
    let mut schema = schema.clone();
    let section = Section {
        sql,
        first_line: 1,
        transactional: true,
        origins: &[],
        translated,
    };
    let migration = Migration {
        upgrade: Some(section),
        downgrade: Some(Section { sql: "", ..section }),
    };
    lint_migration(
        &mut schema,
        &migration,
        Dialect::Sqlite,
        &Severities::default(),
    )
    .into_iter()
    .filter(|f| f.code == "SQ002")
    .map(|f| f.message)
    .collect()
}

/// Runs `sql` on `db` as this tool does: as written, or (`translated`) through the
/// translator (foreign keys off, as the runner has them around a rebuild).
fn run(db: &Connection, schema: &Schema, sql: &str, translated: bool) -> Result<(), String> {
    let mut schema = schema.clone();
    exec(db, "PRAGMA foreign_keys = OFF")?;
    for s in split_with(sql, Comments::of(Dialect::Sqlite)).map_err(|e| e.to_string())? {
        let emits = match translated {
            true => translate(s.sql, Dialect::Sqlite, &mut || Ok(schema.clone()))?,
            false => vec![Emit::Sql(s.sql.to_string())],
        };
        for emit in emits {
            if let Emit::Sql(sql) = emit {
                exec(db, &sql)?;
            }
        }
        apply_sql(&mut schema, s.sql);
    }
    Ok(())
}

/// One statement, its rows (if any) read.
fn exec(db: &Connection, sql: &str) -> Result<(), String> {
    let text = |e: rusqlite::Error| e.to_string();
    let mut statement = db.prepare(sql).map_err(text)?;
    let mut rows = statement.query([]).map_err(text)?;
    while rows.next().map_err(text)?.is_some() {}
    Ok(())
}

/// (statement SQLite refuses, section kind, what the finding says, safe alternative, its
/// section kind).
const REFUSED: &[(&str, bool, &str, &str, bool)] = &[
    (
        "ALTER TABLE t ADD CONSTRAINT ck CHECK (b > 0)",
        false,
        "ADD CONSTRAINT",
        "ALTER TABLE t ADD CONSTRAINT ck CHECK (b > 0)",
        true,
    ),
    (
        "ALTER TABLE t ALTER COLUMN a SET NOT NULL",
        false,
        "ALTER COLUMN",
        "ALTER TABLE t ALTER COLUMN a SET NOT NULL",
        true,
    ),
    (
        "ALTER TABLE t ADD COLUMN c INTEGER UNIQUE",
        false,
        "UNIQUE column",
        "ALTER TABLE t ADD COLUMN c INTEGER UNIQUE",
        true,
    ),
    (
        "ALTER TABLE t ADD COLUMN c INTEGER PRIMARY KEY",
        false,
        "PRIMARY KEY column",
        "ALTER TABLE t ADD COLUMN c INTEGER",
        false,
    ),
    (
        "ALTER TABLE t ADD COLUMN c INTEGER NOT NULL",
        false,
        "NOT NULL column without a default",
        "ALTER TABLE t ADD COLUMN c INTEGER NOT NULL DEFAULT 0",
        false,
    ),
    (
        "ALTER TABLE t ADD COLUMN c TEXT DEFAULT (datetime('now'))",
        false,
        "non-constant default",
        "ALTER TABLE t ADD COLUMN c TEXT DEFAULT (datetime('now'))",
        true,
    ),
    (
        "ALTER TABLE t ADD COLUMN c INTEGER GENERATED ALWAYS AS (b * 2) STORED",
        false,
        "STORED generated column",
        "ALTER TABLE t ADD COLUMN c INTEGER GENERATED ALWAYS AS (b * 2) VIRTUAL",
        false,
    ),
    (
        "ALTER TABLE t ADD COLUMN c INTEGER GENERATED ALWAYS AS (b * 2) STORED",
        true,
        "STORED generated column",
        "ALTER TABLE t ADD COLUMN c INTEGER GENERATED ALWAYS AS (b * 2) VIRTUAL",
        true,
    ),
    (
        "ALTER TABLE t DROP COLUMN a",
        false,
        "'t.a'",
        "ALTER TABLE t DROP COLUMN a",
        true,
    ),
    (
        "ALTER TABLE t DROP COLUMN b",
        false,
        "'t.b'",
        "ALTER TABLE t DROP COLUMN b",
        true,
    ),
    (
        "ALTER TABLE t DROP COLUMN a",
        false,
        "'t.a'",
        "DROP INDEX ix_t_a; ALTER TABLE t DROP COLUMN a",
        false,
    ),
    (
        "ALTER TABLE t ADD COLUMN c INTEGER, ADD COLUMN d INTEGER",
        true,
        "one change per statement",
        "ALTER TABLE t ADD COLUMN c INTEGER; ALTER TABLE t ADD COLUMN d INTEGER",
        true,
    ),
    (
        "ALTER TABLE t ADD COLUMN c INTEGER, ADD COLUMN d INTEGER",
        false,
        "one change per statement",
        "ALTER TABLE t ADD COLUMN c INTEGER; ALTER TABLE t ADD COLUMN d INTEGER",
        false,
    ),
    (
        "DROP TABLE t, u",
        true,
        "one name per statement",
        "DROP TABLE t; DROP TABLE u",
        true,
    ),
    (
        "DROP TABLE u CASCADE",
        true,
        "CASCADE",
        "DROP TABLE u",
        true,
    ),
    ("TRUNCATE u", true, "TRUNCATE", "DELETE FROM u", true),
    (
        "CREATE INDEX CONCURRENTLY ix_t_b ON t (b)",
        false,
        "CONCURRENTLY",
        "CREATE INDEX CONCURRENTLY ix_t_b ON t (b)",
        true,
    ),
    (
        "DROP INDEX CONCURRENTLY ix_t_a",
        true,
        "CONCURRENTLY",
        "DROP INDEX ix_t_a",
        true,
    ),
    (
        "CREATE INDEX ix_t_b ON t USING btree (b)",
        true,
        "USING",
        "CREATE INDEX ix_t_b ON t (b)",
        true,
    ),
    (
        "CREATE INDEX ix_t_b ON t USING btree (b)",
        false,
        "USING",
        "CREATE INDEX ix_t_b ON t (b)",
        false,
    ),
    (
        "CREATE TABLE w (id INTEGER GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY)",
        false,
        "IDENTITY",
        "CREATE TABLE w (id INTEGER GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY)",
        true,
    ),
    (
        "ALTER TABLE IF EXISTS t ADD COLUMN c INTEGER",
        true,
        "IF",
        "ALTER TABLE t ADD COLUMN c INTEGER",
        true,
    ),
    (
        "ALTER TABLE t ADD COLUMN IF NOT EXISTS c INTEGER",
        true,
        "IF [NOT] EXISTS",
        "ALTER TABLE t ADD COLUMN c INTEGER",
        true,
    ),
    (
        "CREATE OR REPLACE VIEW v AS SELECT a FROM t",
        true,
        "CREATE OR REPLACE",
        "DROP VIEW IF EXISTS v; CREATE VIEW v AS SELECT a FROM t",
        true,
    ),
    (
        "CREATE SEQUENCE s",
        true,
        "CREATE SEQUENCE",
        "CREATE TABLE s (id INTEGER PRIMARY KEY AUTOINCREMENT)",
        true,
    ),
    (
        "COMMENT ON TABLE t IS 'rows'",
        true,
        "COMMENT",
        "SELECT 1",
        true,
    ),
    (
        "ALTER INDEX ix_t_a RENAME TO ix_t_a2",
        true,
        "ALTER INDEX",
        "DROP INDEX ix_t_a; CREATE INDEX ix_t_a2 ON t (a)",
        true,
    ),
];

#[test]
fn each_statement_sqlite_refuses_is_flagged_and_fails_and_its_alternative_runs() {
    let dir = tempfile::tempdir().expect("tempdir");
    for &(bad, bad_translated, says, good, good_translated) in REFUSED {
        let (db, schema) = database(&dir);
        let found = sq002(&schema, bad, bad_translated);
        assert!(
            found.len() == 1 && found[0].contains(says),
            "{bad} (translated: {bad_translated}): {found:?}"
        );
        let failed = run(&db, &schema, bad, bad_translated);
        assert!(
            failed.is_err(),
            "{bad} ran on SQLite {}",
            rusqlite::version()
        );
        drop(db);
        let (db, schema) = database(&dir);
        assert_eq!(
            sq002(&schema, good, good_translated),
            Vec::<String>::new(),
            "{good}"
        );
        run(&db, &schema, good, good_translated).unwrap_or_else(|e| panic!("{good}: {e}"));
    }
}

/// What the linked SQLite has, and a column SQLite refuses only on a table with rows added
/// to a table the same migration creates, lint clean and run.
#[test]
fn what_the_linked_sqlite_has_is_not_flagged() {
    assert!(
        rusqlite::version_number() >= 3_037_000,
        "{}",
        rusqlite::version()
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let fine = [
        "CREATE TABLE s (id INTEGER PRIMARY KEY, x TEXT) STRICT",
        "INSERT INTO u (id) VALUES (2) RETURNING id",
        "ALTER TABLE u ADD COLUMN n TEXT; ALTER TABLE u DROP COLUMN n",
        "ALTER TABLE t RENAME COLUMN a TO aa",
        "ALTER TABLE t ADD COLUMN c INTEGER GENERATED ALWAYS AS (b * 2) VIRTUAL",
        "CREATE TABLE w (id INTEGER PRIMARY KEY); ALTER TABLE w ADD COLUMN c INTEGER NOT NULL",
        "CREATE INDEX IF NOT EXISTS ix_t_b ON t (b) WHERE b > 0",
    ];
    for sql in fine {
        for translated in [false, true] {
            let (db, schema) = database(&dir);
            assert_eq!(
                sq002(&schema, sql, translated),
                Vec::<String>::new(),
                "{sql}"
            );
            run(&db, &schema, sql, translated).unwrap_or_else(|e| panic!("{sql}: {e}"));
        }
    }
}
