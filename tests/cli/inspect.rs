//! `history`, `heads`, `branches`, `current`, `show`: Alembic's exact lines.

use crate::support::{Engine, Project};

fn a3(p: &Project) {
    p.script("1a1a1a1a0001")
        .branch_labels("main")
        .message("main one")
        .downgrade("")
        .write();
    p.script("1a1a1a1a0002")
        .down_revision("1a1a1a1a0001")
        .message("main two")
        .downgrade("")
        .write();
    p.script("1a1a1a1a0003")
        .down_revision("1a1a1a1a0002")
        .depends_on("2b2b2b2b0001")
        .message("main three uses net")
        .downgrade("")
        .write();
    p.script("2b2b2b2b0001")
        .branch_labels("networking")
        .message("networking")
        .downgrade("")
        .write();
    p.script("2b2b2b2b0002")
        .down_revision("2b2b2b2b0001")
        .message("net two")
        .downgrade("")
        .write();
}

#[test]
fn history_of_a_branch_and_merge() {
    let p = Project::new(Engine::Sqlite);
    p.branchy(true);
    assert_eq!(
        p.alembic(&["history"]).ok().stdout,
        "cccc00000003, dddd00000004 -> eeee00000005 (head) (mergepoint), merge c and d\n\
bbbb00000002 -> cccc00000003, branch one\n\
bbbb00000002 -> dddd00000004, branch two\n\
aaaa00000001 -> bbbb00000002 (branchpoint), rev b\n\
<base> -> aaaa00000001, base rev\n"
    );
    assert_eq!(p.alembic(&["heads"]).ok().stdout, "eeee00000005 (head)\n");
}

#[test]
fn history_with_labels_and_depends_on() {
    let p = Project::new(Engine::Sqlite);
    a3(&p);
    assert_eq!(
        p.alembic(&["history"]).ok().stdout,
        "1a1a1a1a0002 (2b2b2b2b0001) -> 1a1a1a1a0003 (main) (head), main three uses net\n\
1a1a1a1a0001 -> 1a1a1a1a0002 (main), main two\n\
<base> -> 1a1a1a1a0001 (main), main one\n\
2b2b2b2b0001 -> 2b2b2b2b0002 (networking) (head), net two\n\
<base> -> 2b2b2b2b0001 (networking), networking\n"
    );
    assert_eq!(
        p.alembic(&["heads"]).ok().stdout,
        "1a1a1a1a0003 (main) (head)\n2b2b2b2b0002 (networking) (head)\n"
    );
}

#[test]
fn history_ranges_and_indicate_current() {
    let p = Project::new(Engine::Sqlite);
    p.linear();
    p.alembic(&["upgrade", "27c6"]).ok();
    assert_eq!(
        p.alembic(&["history", "-r", "current:"]).ok().stdout,
        "27c6a30d7c24 -> 1975ea83b712 (head), add third\nae1027a6acf -> 27c6a30d7c24, Add a column\n"
    );
    assert_eq!(
        p.alembic(&["history", "-i"]).ok().stdout,
        "27c6a30d7c24 -> 1975ea83b712 (head), add third\n\
ae1027a6acf -> 27c6a30d7c24 (current), Add a column\n\
<base> -> ae1027a6acf, create account table\n"
    );
    assert_eq!(
        p.alembic(&["history", "-r", "1975"]).failed(),
        "History range requires [start]:[end], [start]:, or :[end]"
    );
    assert_eq!(
        p.alembic(&["history", "-r", "27c6:ae10"]).failed(),
        "Requested range 27c6:ae10 does not refer to ancestor/descendant revisions along the same branch"
    );
}

#[test]
fn branches_lists_children_sorted() {
    let p = Project::new(Engine::Sqlite);
    p.branchy(false);
    assert_eq!(
        p.alembic(&["branches"]).ok().stdout,
        "bbbb00000002 (branchpoint)\n             -> cccc00000003 (head)\n             -> dddd00000004 (head)\n\n"
    );
}

#[test]
fn show_and_current_verbose() {
    let p = Project::new(Engine::Sqlite);
    p.branchy(true);
    let out = p.alembic(&["show", "eeee"]).ok().stdout;
    assert_eq!(
        p.normalize(&out),
        concat!(
            "Rev: eeee00000005 (head) (mergepoint)\n",
            "Merges: cccc00000003, dddd00000004\n",
            "Path: $DIR/migrations/versions/eeee00000005.sql\n",
            "\n",
            "    merge c and d\n",
            "    \n",
            "    Revision ID: eeee00000005\n",
            "    Revises: cccc00000003, dddd00000004\n",
            "    Create Date: 2026-11-24 05:53:53.500615\n",
            "\n",
        )
    );
    p.alembic(&["upgrade", "heads"]).ok();
    let out = p.alembic(&["current", "-v"]).ok().stdout;
    assert!(
        p.normalize(&out)
            .starts_with("Current revision(s) for $URL:\nRev: eeee00000005 (head) (mergepoint)\n"),
        "{out}"
    );
    assert_eq!(
        p.alembic(&["current"]).ok().stdout,
        "eeee00000005 (head) (mergepoint)\n"
    );
}

#[test]
fn current_on_an_empty_database_prints_nothing_and_creates_no_table() {
    let p = Project::new(Engine::Sqlite);
    p.linear();
    assert_eq!(p.alembic(&["current"]).ok().stdout, "");
    assert!(!p.has_version_table());
}
