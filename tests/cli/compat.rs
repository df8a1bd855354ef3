//! Regressions found by the differential run against Python Alembic (`compat/run`): the
//! expected outputs are Alembic 1.20.1's on the same scripts.

use crate::support::{Engine, Project};

/// aaaa is a branch point whose children are a head and a merge point (aaaa + bbbb).
fn branch_into_a_merge(p: &Project) {
    p.script("aaaa00000001").message("a").downgrade("").write();
    p.script("bbbb00000002").message("b").downgrade("").write();
    p.script("cccc00000003")
        .down_revision("aaaa00000001, bbbb00000002")
        .message("merge")
        .downgrade("")
        .write();
    p.script("dddd00000004")
        .down_revision("aaaa00000001")
        .message("d")
        .downgrade("")
        .write();
}

#[test]
fn branches_marks_children_that_are_merge_points() {
    let p = Project::new(Engine::Sqlite);
    branch_into_a_merge(&p);
    assert_eq!(
        p.alembic(&["branches"]).ok().stdout,
        "aaaa00000001 (branchpoint)\n             -> cccc00000003 (head) (mergepoint)\n             -> dddd00000004 (head)\n\n"
    );
}

#[test]
fn show_minus_one_prints_the_revision_once_per_head() {
    let p = Project::new(Engine::Sqlite);
    p.branchy(false);
    let out = p.alembic(&["show", "-1"]).ok().stdout;
    assert_eq!(
        out.matches("Rev: bbbb00000002 (branchpoint)\n").count(),
        2,
        "{out}"
    );
}

#[test]
fn stamp_minus_n_on_an_empty_table() {
    let p = Project::new(Engine::Sqlite);
    p.branchy(false);
    let run = p.alembic(&["stamp", "-2"]).ok();
    assert_eq!(run.running(), vec!["stamp_revision  -> aaaa00000001"]);
    assert_eq!(p.version_rows(), vec!["aaaa00000001"]);
}

#[test]
fn offline_range_start_is_a_single_revision() {
    // Alembic resolves FROM with `get_revision`: several heads, or a walk, are errors.
    let p = Project::new(Engine::Sqlite);
    p.branchy(false);
    assert_eq!(
        p.alembic(&["downgrade", "--sql", "heads:base"]).failed(),
        "Multiple head revisions are present for given argument 'heads'; please specify a \
         specific target revision, '<branchname>@heads' to narrow to a specific head, or \
         'heads' for all heads"
    );
    assert_eq!(
        p.alembic(&["stamp", "--sql", "bbbb@-1:cccc00000003"])
            .failed(),
        "Can't locate revision identified by '-1'"
    );
    let run = p.alembic(&["upgrade", "--sql", "bbbb:cccc00000003"]).ok();
    assert_eq!(
        run.running(),
        vec!["upgrade bbbb00000002 -> cccc00000003, branch one"]
    );
}
