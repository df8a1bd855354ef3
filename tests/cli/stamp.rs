//! `stamp`: moving the version table without running migrations.

use crate::engine_test;

engine_test!(stamp_moves_rows_like_alembic, |p| {
    p.branchy(true);
    p.alembic(&["stamp", "cccc00000003"]).ok();
    assert_eq!(p.version_rows(), ["cccc00000003"]);
    assert!(p.tables().is_empty(), "stamp runs no migration");
    p.alembic(&["stamp", "dddd00000004"]).ok();
    assert_eq!(p.version_rows(), ["cccc00000003", "dddd00000004"]);
    p.alembic(&["stamp", "heads"]).ok();
    assert_eq!(p.version_rows(), ["eeee00000005"]);
    p.alembic(&["stamp", "aaaa00000001"]).ok();
    assert_eq!(p.version_rows(), ["aaaa00000001"]);
    p.alembic(&["stamp", "base"]).ok();
    assert!(p.version_rows().is_empty());
    assert_eq!(
        p.alembic(&["stamp", "zzzz"]).failed(),
        "Can't locate revision identified by 'zzzz'"
    );
});

engine_test!(stamp_purge_recovers_from_an_unknown_row, |p| {
    p.linear();
    p.alembic(&["stamp", "head"]).ok();
    p.execute("UPDATE alembic_version SET version_num = 'deadbeef0000'");
    let msg = p.alembic(&["upgrade", "head"]).failed();
    assert!(
        msg.starts_with("Can't locate revision identified by 'deadbeef0000': the version table 'alembic_version' names it, but no script in "),
        "{msg}"
    );
    assert!(
        msg.ends_with("`alembic stamp --purge <revision>` resets the table"),
        "{msg}"
    );
    assert_eq!(p.alembic(&["current"]).failed(), msg);
    p.alembic(&["stamp", "--purge", "ae1027a6acf"]).ok();
    assert_eq!(p.version_rows(), ["ae1027a6acf"]);
});

engine_test!(stamp_refuses_overlapping_targets, |p| {
    p.branchy(true);
    let msg = p
        .alembic(&["stamp", "cccc00000003", "aaaa00000001"])
        .failed();
    assert!(
        msg.contains("aaaa00000001") && msg.contains("cccc00000003"),
        "{msg}"
    );
    assert!(!p.has_version_table() || p.version_rows().is_empty());
});
