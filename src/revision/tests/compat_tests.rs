//! Regressions found by the differential run against Python Alembic (`compat/run`): each
//! test names the behaviour Alembic 1.20.1 showed on the same graph and command.

use super::*;

/// a2 without the merge: heads cccc and dddd over the branch point bbbb.
fn branchy() -> RevisionMap {
    map(a2_unmerged())
}

#[test]
fn stamp_minus_n_on_an_empty_table_stamps_what_the_walk_reaches() {
    // Alembic resolves the lineage filter only against existing rows.
    let m = branchy();
    assert_eq!(
        stamp(&m, &[], &["-2"], false),
        vec!["stamp  -> aaaa00000001: INSERT aaaa00000001".to_string()]
    );
    // With rows present, Alembic looks '-2' up as a revision and fails.
    assert_eq!(
        plan_stamp(&m, &strings(&[C]), &strings(&["-2"]), false)
            .expect_err("stamp -2 with rows")
            .to_string(),
        "Can't locate revision identified by '-2'"
    );
}

#[test]
fn stamp_purge_reports_multiple_heads_before_an_unknown_target() {
    // `stamp --purge zzzz ops@head`: the table is emptied first, so the lineage filter has
    // nothing to look `zzzz` up against, and `ops@head` is ambiguous.
    let m = map(vec![
        rev(A, &[], &["ops"], &[]),
        rev(B, &[A], &[], &[]),
        rev(C, &[A], &[], &[]),
    ]);
    assert_eq!(
        plan_stamp(&m, &strings(&[A]), &strings(&["zzzz", "ops@head"]), true)
            .expect_err("ambiguous ops@head")
            .to_string(),
        "Multiple heads are present; please specify a single target revision"
    );
}

#[test]
fn stamp_walking_past_a_base_stamps_nothing() {
    // Alembic: `stamp -4` on a three-revision chain with an empty table succeeds, no rows.
    let m = a1();
    assert!(stamp(&m, &[], &["-4"], false).is_empty());
}

#[test]
fn history_head_to_current_on_an_empty_table_names_heads() {
    // With no rows, Alembic passes `heads` as the upper end, and names it in the error.
    let m = branchy();
    assert_eq!(
        m.history(Some("head:current"), &[])
            .expect_err("several heads")
            .to_string(),
        "Multiple head revisions are present for given argument 'heads'; please specify a \
         specific target revision, '<branchname>@heads' to narrow to a specific head, or \
         'heads' for all heads"
    );
}

#[test]
fn resolve_each_keeps_one_entry_per_head_walked() {
    // `show -1` below a branch point: Alembic prints bbbb once per head.
    let m = branchy();
    assert_eq!(m.resolve_each("-1").expect("-1"), strings(&[B, B]));
    assert_eq!(m.resolve("-1").expect("-1"), strings(&[B]));
}

#[test]
fn resolve_one_is_alembic_get_revision() {
    let m = branchy();
    assert_eq!(m.resolve_one("bbbb").expect("prefix"), Some(B.to_string()));
    assert_eq!(m.resolve_one("base").expect("base"), None);
    assert_eq!(
        m.resolve_one("heads").expect_err("two heads").to_string(),
        "Multiple head revisions are present for given argument 'heads'; please specify a \
         specific target revision, '<branchname>@heads' to narrow to a specific head, or \
         'heads' for all heads"
    );
    assert_eq!(
        m.resolve_one("-1").expect_err("no walk").to_string(),
        "Can't locate revision identified by '-1'"
    );
}
