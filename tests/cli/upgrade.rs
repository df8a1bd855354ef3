//! `upgrade` and `downgrade` online: steps run, version rows, schema, and failures.

use crate::{assert_run, engine_test};

engine_test!(upgrade_head_applies_every_revision_in_order, |p| {
    p.linear();
    assert_run!(p, "upgrade_head", p.alembic(&["upgrade", "head"]));
    assert_eq!(p.version_rows(), ["1975ea83b712"]);
    assert_eq!(p.tables(), ["account"]);
    assert_run!(p, "current", p.alembic(&["current"]));
    // A second run has nothing to do.
    assert_run!(p, "upgrade_head_again", p.alembic(&["upgrade", "head"]));
    assert_eq!(p.version_rows(), ["1975ea83b712"]);
});

engine_test!(
    upgrade_with_no_revisions_creates_the_empty_version_table,
    |p| {
        assert_run!(p, "upgrade_head", p.alembic(&["upgrade", "head"]));
        assert!(p.has_version_table());
        assert!(p.version_rows().is_empty());
    }
);

engine_test!(relative_targets_follow_alembic, |p| {
    p.linear();
    assert_run!(p, "upgrade_plus_1", p.alembic(&["upgrade", "+1"]));
    assert_eq!(p.version_rows(), ["ae1027a6acf"]);
    assert_run!(p, "upgrade_ae10_plus_1", p.alembic(&["upgrade", "ae10+1"]));
    assert_eq!(p.version_rows(), ["27c6a30d7c24"]);
    assert_run!(p, "upgrade_plus_5", p.alembic(&["upgrade", "+5"]));
    assert_run!(p, "upgrade_minus_1", p.alembic(&["upgrade", "-1"]));
    // An older target is a silent no-op, as in Alembic.
    assert_run!(p, "upgrade_older", p.alembic(&["upgrade", "ae1027a6acf"]));
    assert_eq!(p.version_rows(), ["27c6a30d7c24"]);
    p.alembic(&["upgrade", "head"]).ok();
    assert_run!(p, "downgrade_minus_1", p.alembic(&["downgrade", "-1"]));
    assert_eq!(p.version_rows(), ["27c6a30d7c24"]);
    assert_run!(p, "downgrade_plus_1", p.alembic(&["downgrade", "+1"]));
    assert_run!(p, "downgrade_newer", p.alembic(&["downgrade", "1975"]));
    assert_eq!(p.version_rows(), ["27c6a30d7c24"]);
    assert_run!(p, "downgrade_minus_2", p.alembic(&["downgrade", "-2"]));
    assert!(p.version_rows().is_empty());
    assert!(p.tables().is_empty());
});

engine_test!(downgrade_base_keeps_the_version_table, |p| {
    p.linear();
    p.alembic(&["upgrade", "head"]).ok();
    assert_run!(p, "downgrade_base", p.alembic(&["downgrade", "base"]));
    assert!(p.has_version_table());
    assert!(p.version_rows().is_empty());
    assert!(p.tables().is_empty());
});

engine_test!(a_failing_migration_leaves_nothing_behind, |p| {
    p.linear();
    p.script("2bad00000004")
        .down_revision("1975ea83b712")
        .message("breaks halfway")
        .upgrade("CREATE TABLE half (id INTEGER);\nCREATE INDEX ix_half ON half (id);\nINSERT INTO no_such_table VALUES (1);")
        .downgrade("DROP TABLE half;")
        .write();
    let run = p.alembic(&["upgrade", "head"]);
    assert_run!(p, "upgrade_head", run);
    let msg = run.failed();
    assert!(msg.contains("2bad00000004.sql:11"), "{msg}");
    assert!(msg.contains("no_such_table"), "{msg}");
    // The three good migrations stay; the failing one left no table and no version row.
    assert_eq!(p.version_rows(), ["1975ea83b712"]);
    assert_eq!(p.tables(), ["account"]);
});

engine_test!(
    an_irreversible_revision_stops_a_downgrade_before_it_starts,
    |p| {
        p.linear();
        p.script("4444aaaa0004")
            .down_revision("1975ea83b712")
            .message("one way")
            .upgrade("CREATE TABLE t4 (id INTEGER);")
            .write();
        p.alembic(&["upgrade", "head"]).ok();
        let run = p.alembic(&["downgrade", "base"]);
        assert_run!(p, "downgrade_base", run);
        run.failed();
        assert_eq!(p.version_rows(), ["4444aaaa0004"]);
        assert_eq!(p.tables(), ["account", "t4"]);
    }
);

engine_test!(branches_upgrade_merge_and_downgrade_one_branch, |p| {
    p.branchy(false);
    assert_run!(p, "upgrade_head_two_heads", p.alembic(&["upgrade", "head"]));
    assert!(p.version_rows().is_empty());
    assert_run!(p, "upgrade_heads", p.alembic(&["upgrade", "heads"]));
    assert_eq!(p.version_rows(), ["cccc00000003", "dddd00000004"]);
    assert_eq!(p.tables(), ["a", "b", "c", "d"]);
    let merge = p.alembic(&[
        "merge",
        "heads",
        "-m",
        "merge c and d",
        "--rev-id",
        "eeee00000005",
    ]);
    assert_run!(p, "merge_heads", merge);
    assert_run!(p, "upgrade_head_merged", p.alembic(&["upgrade", "head"]));
    assert_eq!(p.version_rows(), ["eeee00000005"]);
    // Unmerge back onto one branch, then take one branch down.
    assert_run!(p, "unmerge", p.alembic(&["downgrade", "cccc00000003"]));
    assert_eq!(p.version_rows(), ["cccc00000003", "dddd00000004"]);
    let down = p.alembic(&["downgrade", "cccc00000003@bbbb00000002"]);
    assert_run!(p, "downgrade_one_branch", down);
    assert_eq!(p.version_rows(), ["dddd00000004"]);
    assert_eq!(p.tables(), ["a", "b", "d"]);
});

engine_test!(concurrent_upgrades_apply_each_migration_once, |p| {
    // Each migration inserts a row; applying one twice would double it or fail. Which run
    // applies what is up to the lock, so the output is checked by count, not by snapshot.
    p.script("c0000001")
        .message("one")
        .upgrade("CREATE TABLE log (n INTEGER);\nINSERT INTO log VALUES (1);")
        .downgrade("DROP TABLE log;")
        .write();
    for i in 2..=6 {
        p.script(&format!("c000000{i}"))
            .down_revision(&format!("c000000{}", i - 1))
            .message("next")
            .upgrade(&format!("INSERT INTO log VALUES ({i});"))
            .downgrade(&format!("DELETE FROM log WHERE n = {i};"))
            .write();
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
