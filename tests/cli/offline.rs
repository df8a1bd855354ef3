//! `--sql`: the exact text, and that it is what online mode runs.

use litekb_migrations::internals::history::checksum;

use crate::support::{Engine, Project};
use crate::{assert_run, engine_test};

/// The checksum offline SQL records for `rev`'s script (snapshots show it as `[CHECKSUM]`).
fn script_checksum(p: &Project, rev: &str) -> String {
    let bytes = std::fs::read(p.versions().join(format!("{rev}.sql"))).expect("read script");
    checksum(&bytes)
}

/// Asserts that `sql` records the checksum of each of `revs`' scripts, in that order.
#[track_caller]
fn assert_checksums(p: &Project, sql: &str, revs: &[&str]) {
    let found: Vec<&str> = sql
        .lines()
        .filter(|l| l.starts_with("INSERT INTO alembic_version_history"))
        .collect();
    assert_eq!(found.len(), revs.len(), "{sql}");
    for (line, rev) in found.iter().zip(revs) {
        let expected = format!("'{rev}', ");
        assert!(line.contains(&expected), "{line}");
        assert!(line.contains(&script_checksum(p, rev)), "{line}");
    }
}

#[test]
fn upgrade_sql_without_target_prints_everything_to_head() {
    let p = Project::new(Engine::Sqlite);
    p.linear();
    let run = p.alembic(&["upgrade", "--sql"]);
    assert_run!(&p, "upgrade_sql", run);
    assert_checksums(
        &p,
        &run.stdout,
        &["ae1027a6acf", "27c6a30d7c24", "1975ea83b712"],
    );
    assert_eq!(
        p.alembic(&["upgrade", "head", "--sql"]).ok().stdout,
        run.stdout
    );
    // Nothing touched the database file.
    assert!(!p.path("test.db").exists());
}

#[test]
fn downgrade_sql_needs_a_range_and_prints_the_inverse() {
    let p = Project::new(Engine::Sqlite);
    p.linear();
    assert_run!(
        &p,
        "downgrade_sql_without_range",
        p.alembic(&["downgrade", "base", "--sql"])
    );
    let run = p.alembic(&["downgrade", "27c6a30d7c24:base", "--sql"]);
    assert_run!(&p, "downgrade_sql_range", run);
    assert_checksums(&p, &run.stdout, &["27c6a30d7c24", "ae1027a6acf"]);
    assert!(!p.path("test.db").exists());
}

#[test]
fn stamp_sql_and_range_upgrade() {
    let p = Project::new(Engine::Sqlite);
    p.branchy(true);
    assert_run!(
        &p,
        "stamp_sql_range",
        p.alembic(&["stamp", "cccc00000003:eeee00000005", "--sql"])
    );
    assert_run!(
        &p,
        "stamp_sql_purge",
        p.alembic(&["stamp", "--purge", "heads", "--sql"])
    );
    // No version table DDL from a starting revision; the history table's is `IF NOT EXISTS`,
    // for a database that has none yet (one made by Python Alembic).
    let run = p.alembic(&["upgrade", "bbbb00000002:heads", "--sql"]);
    assert_run!(&p, "upgrade_sql_from_revision", run);
    assert!(!run.stdout.contains("CREATE TABLE alembic_version "));
    assert!(!p.path("test.db").exists());
}

#[test]
fn failed_offline_run_writes_no_sql() {
    let p = Project::new(Engine::Sqlite);
    p.linear();
    let run = p.alembic(&["upgrade", "zzzz", "--sql"]);
    assert_run!(&p, "upgrade_sql_unknown_target", run);
    assert_eq!(run.stdout, "");
    assert_eq!(run.failed(), "Can't locate revision identified by 'zzzz'");
}

engine_test!(offline_sql_replayed_gives_the_online_result, |p| {
    p.linear();
    let sql = p.alembic(&["upgrade", "--sql"]);
    assert_run!(p, "upgrade_sql", sql);
    p.execute(&sql.stdout);
    assert_eq!(p.version_rows(), ["1975ea83b712"]);
    assert_eq!(p.tables(), ["account"]);
    // The online tool agrees with the state the SQL left.
    assert_run!(p, "current_after_replay", p.alembic(&["current"]));
    assert!(p.alembic(&["upgrade", "head"]).ok().running().is_empty());
});
