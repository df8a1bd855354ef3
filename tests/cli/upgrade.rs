//! `upgrade` and `downgrade` online: steps run, version rows, schema, and failures.

use crate::engine_test;
use crate::support::Engine;

fn impl_lines(engine: Engine) -> String {
    let name = match engine {
        Engine::Sqlite => "SQLiteImpl",
        Engine::Postgres => "PostgresqlImpl",
    };
    format!(
        "INFO  [alembic.runtime.migration] Context impl {name}.\nINFO  [alembic.runtime.migration] Will assume transactional DDL.\n"
    )
}

engine_test!(upgrade_head_applies_every_revision_in_order, |p| {
    p.linear();
    let run = p.alembic(&["upgrade", "head"]).ok();
    assert_eq!(run.stdout, "");
    assert_eq!(
        run.stderr,
        format!(
            "{}INFO  [alembic.runtime.migration] Running upgrade  -> ae1027a6acf, create account table\n\
             INFO  [alembic.runtime.migration] Running upgrade ae1027a6acf -> 27c6a30d7c24, Add a column\n\
             INFO  [alembic.runtime.migration] Running upgrade 27c6a30d7c24 -> 1975ea83b712, add third\n",
            impl_lines(p.engine)
        )
    );
    assert_eq!(p.version_rows(), ["1975ea83b712"]);
    assert_eq!(p.tables(), ["account"]);
    assert_eq!(p.alembic(&["current"]).ok().stdout, "1975ea83b712 (head)\n");
    // A second run has nothing to do.
    let again = p.alembic(&["upgrade", "head"]).ok();
    assert!(again.running().is_empty(), "{}", again.stderr);
});

engine_test!(
    upgrade_with_no_revisions_creates_the_empty_version_table,
    |p| {
        p.alembic(&["upgrade", "head"]).ok();
        assert!(p.has_version_table());
        assert!(p.version_rows().is_empty());
    }
);

engine_test!(relative_targets_follow_alembic, |p| {
    p.linear();
    assert_eq!(
        p.alembic(&["upgrade", "+1"]).ok().running(),
        ["upgrade  -> ae1027a6acf, create account table"]
    );
    assert_eq!(
        p.alembic(&["upgrade", "ae10+1"]).ok().running(),
        ["upgrade ae1027a6acf -> 27c6a30d7c24, Add a column"]
    );
    assert_eq!(
        p.alembic(&["upgrade", "+5"]).failed(),
        "Relative revision +5 didn't produce 5 migrations"
    );
    assert_eq!(
        p.alembic(&["upgrade", "-1"]).failed(),
        "Relative revision -1 didn't produce 1 migrations"
    );
    // An older target is a silent no-op, as in Alembic.
    assert!(p
        .alembic(&["upgrade", "ae1027a6acf"])
        .ok()
        .running()
        .is_empty());
    assert_eq!(p.version_rows(), ["27c6a30d7c24"]);
    p.alembic(&["upgrade", "head"]).ok();
    assert_eq!(
        p.alembic(&["downgrade", "-1"]).ok().running(),
        ["downgrade 1975ea83b712 -> 27c6a30d7c24, add third"]
    );
    assert_eq!(
        p.alembic(&["downgrade", "+1"]).failed(),
        "Relative revision +1 didn't produce 1 migrations"
    );
    assert_eq!(
        p.alembic(&["downgrade", "1975"]).failed(),
        "Destination 1975 is not a valid downgrade target from current head(s)"
    );
    assert_eq!(p.alembic(&["downgrade", "-2"]).ok().running().len(), 2);
    assert!(p.version_rows().is_empty());
    assert!(p.tables().is_empty());
});

engine_test!(downgrade_base_keeps_the_version_table, |p| {
    p.linear();
    p.alembic(&["upgrade", "head"]).ok();
    let run = p.alembic(&["downgrade", "base"]).ok();
    assert_eq!(
        run.running(),
        [
            "downgrade 1975ea83b712 -> 27c6a30d7c24, add third",
            "downgrade 27c6a30d7c24 -> ae1027a6acf, Add a column",
            "downgrade ae1027a6acf -> , create account table",
        ]
    );
    assert!(p.has_version_table());
    assert!(p.version_rows().is_empty());
    assert!(p.tables().is_empty());
});

engine_test!(a_failing_migration_leaves_nothing_behind, |p| {
    p.linear();
    p.script(
        "2bad00000004",
        "1975ea83b712",
        "breaks halfway",
        "CREATE TABLE half (id INTEGER);\nCREATE INDEX ix_half ON half (id);\nINSERT INTO no_such_table VALUES (1);",
        Some("DROP TABLE half;"),
    );
    let msg = p.alembic(&["upgrade", "head"]).failed();
    assert!(msg.contains("2bad00000004.sql:11"), "{msg}");
    assert!(msg.contains("no_such_table"), "{msg}");
    assert!(msg.contains("revision 2bad00000004"), "{msg}");
    // The three good migrations stay; the failing one left no table and no version row.
    assert_eq!(p.version_rows(), ["1975ea83b712"]);
    assert_eq!(p.tables(), ["account"]);
});

engine_test!(
    an_irreversible_revision_stops_a_downgrade_before_it_starts,
    |p| {
        p.linear();
        p.script(
            "4444aaaa0004",
            "1975ea83b712",
            "one way",
            "CREATE TABLE t4 (id INTEGER);",
            None,
        );
        p.alembic(&["upgrade", "head"]).ok();
        let msg = p.alembic(&["downgrade", "base"]).failed();
        assert!(msg.contains("4444aaaa0004"), "{msg}");
        assert!(msg.contains("-- +downgrade"), "{msg}");
        assert_eq!(p.version_rows(), ["4444aaaa0004"]);
        assert_eq!(p.tables(), ["account", "t4"]);
    }
);

engine_test!(branches_upgrade_merge_and_downgrade_one_branch, |p| {
    p.branchy(false);
    assert_eq!(
        p.alembic(&["upgrade", "head"]).failed(),
        "Multiple head revisions are present for given argument 'head'; please specify a specific target revision, '<branchname>@head' to narrow to a specific head, or 'heads' for all heads"
    );
    p.alembic(&["upgrade", "heads"]).ok();
    assert_eq!(p.version_rows(), ["cccc00000003", "dddd00000004"]);
    assert_eq!(p.tables(), ["a", "b", "c", "d"]);
    p.alembic(&[
        "merge",
        "heads",
        "-m",
        "merge c and d",
        "--rev-id",
        "eeee00000005",
    ])
    .ok();
    let run = p.alembic(&["upgrade", "head"]).ok();
    assert_eq!(
        run.running(),
        ["upgrade cccc00000003, dddd00000004 -> eeee00000005, merge c and d"]
    );
    assert_eq!(p.version_rows(), ["eeee00000005"]);
    // Unmerge back onto one branch, then take one branch down.
    p.alembic(&["downgrade", "cccc00000003"]).ok();
    assert_eq!(p.version_rows(), ["cccc00000003", "dddd00000004"]);
    p.alembic(&["downgrade", "cccc00000003@bbbb00000002"]).ok();
    assert_eq!(p.version_rows(), ["dddd00000004"]);
    assert_eq!(p.tables(), ["a", "b", "d"]);
});

engine_test!(concurrent_upgrades_apply_each_migration_once, |p| {
    // Each migration inserts a row; applying one twice would double it or fail.
    p.script(
        "c0000001",
        "",
        "one",
        "CREATE TABLE log (n INTEGER);\nINSERT INTO log VALUES (1);",
        Some("DROP TABLE log;"),
    );
    for i in 2..=6 {
        p.script(
            &format!("c000000{i}"),
            &format!("c000000{}", i - 1),
            "next",
            &format!("INSERT INTO log VALUES ({i});"),
            Some(&format!("DELETE FROM log WHERE n = {i};")),
        );
    }
    let dir = p.dir.path().to_path_buf();
    let handles: Vec<_> = (0..8)
        .map(|_| {
            let dir = dir.clone();
            std::thread::spawn(move || crate::support::run_in(&dir, &["upgrade", "head"]))
        })
        .collect();
    let mut applied = 0;
    for h in handles {
        let run = h.join().expect("thread");
        assert_eq!(run.code, 0, "{}", run.stderr);
        applied += run.running().len();
    }
    assert_eq!(applied, 6);
    assert_eq!(p.version_rows(), ["c0000006"]);
    let mut rows = p.query_column("SELECT n FROM log");
    rows.sort();
    assert_eq!(rows, ["1", "2", "3", "4", "5", "6"]);
});
