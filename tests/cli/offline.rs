//! `--sql`: the exact text, and that it is what online mode runs.

use crate::engine_test;
use crate::support::{Engine, Project};

const CREATE: &str = "CREATE TABLE alembic_version (\n    version_num VARCHAR(32) NOT NULL, \n    CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)\n);\n\n";

#[test]
fn upgrade_sql_without_target_prints_everything_to_head() {
    let p = Project::new(Engine::Sqlite);
    p.linear();
    let run = p.alembic(&["upgrade", "--sql"]).ok();
    let expected = format!(
        "{CREATE}\
-- Running upgrade  -> ae1027a6acf\n\n\
BEGIN;\n\n\
CREATE TABLE account (\n    id INTEGER PRIMARY KEY,\n    name VARCHAR(50) NOT NULL\n);\n\n\
INSERT INTO alembic_version (version_num) VALUES ('ae1027a6acf');\n\n\
COMMIT;\n\n\
-- Running upgrade ae1027a6acf -> 27c6a30d7c24\n\n\
BEGIN;\n\n\
ALTER TABLE account ADD COLUMN last_transaction_date TIMESTAMP;\n\n\
UPDATE alembic_version SET version_num='27c6a30d7c24' WHERE alembic_version.version_num = 'ae1027a6acf';\n\n\
COMMIT;\n\n\
-- Running upgrade 27c6a30d7c24 -> 1975ea83b712\n\n\
BEGIN;\n\n\
CREATE INDEX ix_account_name ON account (name);\n\n\
UPDATE alembic_version SET version_num='1975ea83b712' WHERE alembic_version.version_num = '27c6a30d7c24';\n\n\
COMMIT;\n\n"
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
        "-- Running downgrade 27c6a30d7c24 -> ae1027a6acf\n\n\
BEGIN;\n\n\
ALTER TABLE account DROP COLUMN last_transaction_date;\n\n\
UPDATE alembic_version SET version_num='ae1027a6acf' WHERE alembic_version.version_num = '27c6a30d7c24';\n\n\
COMMIT;\n\n\
-- Running downgrade ae1027a6acf -> \n\n\
BEGIN;\n\n\
DROP TABLE account;\n\n\
DELETE FROM alembic_version WHERE alembic_version.version_num = 'ae1027a6acf';\n\n\
COMMIT;\n\n"
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
    assert!(
        run.stdout
            .starts_with("-- Running upgrade bbbb00000002 -> "),
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
