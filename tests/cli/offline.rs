//! `--sql`: the exact text, and that it is what online mode runs.

use litekb_migrations::history::{checksum, TOOL_VERSION};

use crate::engine_test;
use crate::support::{Engine, Project};

const CREATE: &str = "CREATE TABLE alembic_version (\n    version_num VARCHAR(32) NOT NULL, \n    CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)\n);\n\n";

/// The history table's DDL on SQLite, as offline SQL prints it.
const CREATE_HISTORY: &str = "CREATE TABLE IF NOT EXISTS alembic_version_history (\n    \
id INTEGER PRIMARY KEY, \n    revision VARCHAR(32) NOT NULL, \n    direction VARCHAR(9) NOT NULL, \n    \
checksum CHAR(64) NOT NULL, \n    applied_at TIMESTAMP NOT NULL, \n    duration_ms BIGINT, \n    \
tool_version VARCHAR(32) NOT NULL\n);\n\n";

/// The history row offline SQL inserts for `rev` going `direction`.
fn history_insert(p: &Project, rev: &str, direction: &str) -> String {
    let bytes = std::fs::read(p.versions().join(format!("{rev}.sql"))).expect("read script");
    format!(
        "INSERT INTO alembic_version_history (revision, direction, checksum, applied_at, \
duration_ms, tool_version) VALUES ('{rev}', '{direction}', '{}', CURRENT_TIMESTAMP, NULL, \
'{TOOL_VERSION}');\n\n",
        checksum(&bytes)
    )
}

#[test]
fn upgrade_sql_without_target_prints_everything_to_head() {
    let p = Project::new(Engine::Sqlite);
    p.linear();
    let run = p.alembic(&["upgrade", "--sql"]).ok();
    let expected = format!(
        "{CREATE}{CREATE_HISTORY}\
-- Running upgrade  -> ae1027a6acf\n\n\
BEGIN;\n\n\
CREATE TABLE account (\n    id INTEGER PRIMARY KEY,\n    name VARCHAR(50) NOT NULL\n);\n\n\
INSERT INTO alembic_version (version_num) VALUES ('ae1027a6acf');\n\n\
{}\
COMMIT;\n\n\
-- Running upgrade ae1027a6acf -> 27c6a30d7c24\n\n\
BEGIN;\n\n\
ALTER TABLE account ADD COLUMN last_transaction_date TIMESTAMP;\n\n\
UPDATE alembic_version SET version_num='27c6a30d7c24' WHERE alembic_version.version_num = 'ae1027a6acf';\n\n\
{}\
COMMIT;\n\n\
-- Running upgrade 27c6a30d7c24 -> 1975ea83b712\n\n\
BEGIN;\n\n\
CREATE INDEX ix_account_name ON account (name);\n\n\
UPDATE alembic_version SET version_num='1975ea83b712' WHERE alembic_version.version_num = '27c6a30d7c24';\n\n\
{}\
COMMIT;\n\n",
        history_insert(&p, "ae1027a6acf", "upgrade"),
        history_insert(&p, "27c6a30d7c24", "upgrade"),
        history_insert(&p, "1975ea83b712", "upgrade"),
    );
    assert_eq!(run.stdout, expected);
    assert_eq!(
        p.alembic(&["upgrade", "head", "--sql"]).ok().stdout,
        expected
    );
    // Nothing touched the database file.
    assert!(!p.path("test.db").exists());
}

#[test]
fn downgrade_sql_needs_a_range_and_prints_the_inverse() {
    let p = Project::new(Engine::Sqlite);
    p.linear();
    assert_eq!(
        p.alembic(&["downgrade", "base", "--sql"]).failed(),
        "downgrade with --sql requires <fromrev>:<torev>"
    );
    let run = p.alembic(&["downgrade", "27c6a30d7c24:base", "--sql"]).ok();
    assert_eq!(
        run.stdout,
        format!(
            "{CREATE_HISTORY}\
-- Running downgrade 27c6a30d7c24 -> ae1027a6acf\n\n\
BEGIN;\n\n\
ALTER TABLE account DROP COLUMN last_transaction_date;\n\n\
UPDATE alembic_version SET version_num='ae1027a6acf' WHERE alembic_version.version_num = '27c6a30d7c24';\n\n\
{}\
COMMIT;\n\n\
-- Running downgrade ae1027a6acf -> \n\n\
BEGIN;\n\n\
DROP TABLE account;\n\n\
DELETE FROM alembic_version WHERE alembic_version.version_num = 'ae1027a6acf';\n\n\
{}\
COMMIT;\n\n",
            history_insert(&p, "27c6a30d7c24", "downgrade"),
            history_insert(&p, "ae1027a6acf", "downgrade"),
        )
    );
}

#[test]
fn stamp_sql_and_range_upgrade() {
    let p = Project::new(Engine::Sqlite);
    p.branchy(true);
    assert_eq!(
        p.alembic(&["stamp", "cccc00000003:eeee00000005", "--sql"]).ok().stdout,
        "-- Running stamp_revision cccc00000003 -> eeee00000005\n\n\
BEGIN;\n\n\
UPDATE alembic_version SET version_num='eeee00000005' WHERE alembic_version.version_num = 'cccc00000003';\n\n\
COMMIT;\n\n"
    );
    assert_eq!(
        p.alembic(&["stamp", "--purge", "heads", "--sql"]).failed(),
        "Can't use --purge with --sql mode"
    );
    let run = p.alembic(&["upgrade", "bbbb00000002:heads", "--sql"]).ok();
    // No version table DDL from a starting revision; the history table's is `IF NOT EXISTS`,
    // for a database that has none yet (one made by Python Alembic).
    assert!(
        run.stdout.starts_with(&format!(
            "{CREATE_HISTORY}-- Running upgrade bbbb00000002 -> "
        )),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("CREATE TABLE alembic_version"));
}

#[test]
fn failed_offline_run_writes_no_sql() {
    let p = Project::new(Engine::Sqlite);
    p.linear();
    let run = p.alembic(&["upgrade", "zzzz", "--sql"]);
    assert_eq!(run.stdout, "");
    assert_eq!(run.failed(), "Can't locate revision identified by 'zzzz'");
}

engine_test!(offline_sql_replayed_gives_the_online_result, |p| {
    p.linear();
    let sql = p.alembic(&["upgrade", "--sql"]).ok().stdout;
    p.execute(&sql);
    assert_eq!(p.version_rows(), ["1975ea83b712"]);
    assert_eq!(p.tables(), ["account"]);
    // The online tool agrees with the state the SQL left.
    assert_eq!(p.alembic(&["current"]).ok().stdout, "1975ea83b712 (head)\n");
    assert!(p.alembic(&["upgrade", "head"]).ok().running().is_empty());
});
