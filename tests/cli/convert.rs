//! `alembic convert`: a `.py` history rewritten as `.sql` builds, revision by revision, the
//! same schema (introspected) and version rows as the `.py` history on both engines; the
//! graph is unchanged, a database part-way up needs no stamp, `--dry-run` writes nothing, and
//! a body the reader can't translate is left as commented Python that fails until finished.

use std::path::Path;

use crate::python::{copy_versions, fixture, introspected, schema_dump};
use crate::support::{Engine, Project};

/// The fixtures whose histories run on both engines, and each one's head.
const RUNNABLE: [(&str, &str); 4] = [
    ("bodies", "40d4e5f6a7b8"),
    ("batch", "4d5e6f7a8b9c"),
    ("idioms", "5e6f7a8b9c0d"),
    ("realworld", "3f6a8c1d2e4b"),
];

/// The file names in a directory, sorted (a directory with a trailing `/`).
fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("read dir")
        .map(|e| {
            let e = e.expect("entry");
            let slash = if e.path().is_dir() { "/" } else { "" };
            format!("{}{slash}", e.file_name().to_string_lossy())
        })
        .collect();
    names.sort();
    names
}

/// A project holding the fixture's history, as written or converted.
fn project(engine: Engine, name: &str, converted: bool) -> Project {
    let p = Project::new(engine);
    copy_versions(&fixture(name).join("versions"), &p.versions());
    if converted {
        p.alembic(&["convert"]).ok();
        assert!(
            !names(&p.versions()).iter().any(|n| n.ends_with(".py")),
            "{:?}",
            names(&p.versions())
        );
    }
    p
}

/// The revisions from base to head, in the order `history` lists them (newest first).
fn base_to_head(p: &Project) -> Vec<String> {
    let history = p.alembic(&["history"]).ok().stdout;
    let mut ids: Vec<String> = history
        .lines()
        .filter_map(|l| l.split_once(" -> ")?.1.split([' ', ',']).next())
        .map(str::to_string)
        .collect();
    ids.reverse();
    ids
}

/// Everything a user compares: the schema (as the catalogs and the tool's introspection
/// see it), each table's row count, and the version rows.
fn state(p: &Project) -> Vec<String> {
    let mut state = schema_dump(p);
    if p.engine == Engine::Sqlite {
        state.extend(introspected(p));
    }
    for table in p.tables() {
        let count = p.query_column(&format!("SELECT count(*) FROM \"{table}\""));
        state.push(format!("{table}: {count:?} rows"));
    }
    state.push(format!("version rows {:?}", p.version_rows()));
    state
}

fn round_trip(engine: Engine, name: &str, head: &str) {
    let py = project(engine, name, false);
    let sql = project(engine, name, true);
    let order = base_to_head(&py);
    assert_eq!(order, base_to_head(&sql), "{name}: the graph changed");
    assert_eq!(order.last().map(String::as_str), Some(head));
    for rev in &order {
        py.alembic(&["upgrade", rev]).ok();
        sql.alembic(&["upgrade", rev]).ok();
        assert_eq!(state(&sql), state(&py), "{name}: after upgrade {rev}");
    }
    for rev in order
        .iter()
        .rev()
        .skip(1)
        .chain(["base".to_string()].iter())
    {
        py.alembic(&["downgrade", rev]).ok();
        sql.alembic(&["downgrade", rev]).ok();
        assert_eq!(state(&sql), state(&py), "{name}: after downgrade {rev}");
    }
    assert!(sql.tables().is_empty(), "{:?}", sql.tables());
    // Offline, the two histories are the same statements.
    let offline = |p: &Project| p.alembic(&["upgrade", "--sql", "head"]).ok().stdout;
    // The same statements: layout aside, and the history rows' checksums (of other files).
    let strip = |s: String| -> String {
        let kept: Vec<&str> = s
            .lines()
            .filter(|l| !l.starts_with("INSERT INTO alembic_version_history"))
            .collect();
        let joined = kept.join("\n");
        let words: Vec<&str> = joined.split_whitespace().collect();
        words.join(" ").replace("( ", "(").replace(" )", ")")
    };
    assert_eq!(strip(offline(&sql)), strip(offline(&py)), "{name}: --sql");
}

crate::engine_test!(a_converted_history_builds_what_the_py_history_builds, |p| {
    let e = p.engine;
    for (name, head) in RUNNABLE {
        round_trip(e, name, head);
    }
});

// Keys and columns altered outside batch mode: PostgreSQL runs them, and the converted file
// runs the same; on SQLite, where Python Alembic can't run them either, the file's SQLite
// section is left for hand work and fails at its line instead of doing nothing.
crate::engine_test!(one_engines_refusal_is_that_engines_hand_work, |p| {
    let e = p.engine;
    let sql = p;
    copy_versions(&fixture("alter").join("versions"), &sql.versions());
    let run = sql.alembic(&["convert"]).ok();
    assert_eq!(
        sql.normalize(&run.stderr),
        "WARNING: $DIR/migrations/versions/2b3c4d5e6f7a_keys_and_columns.sql needs hand work: upgrade() on SQLite, line 20: op.create_primary_key() outside op.batch_alter_table() on SQLite (SQLite has no ALTER of constraints; Alembic refuses it too, and points to batch mode) is not supported; downgrade() on SQLite, line 39: op.alter_column() outside op.batch_alter_table() on SQLite (SQLite's ALTER TABLE can't change a column; Alembic emits ALTER COLUMN, which SQLite rejects) is not supported\n"
    );
    match e {
        Engine::Postgres => {
            let py = project(e, "alter", false);
            py.alembic(&["upgrade", "head"]).ok();
            sql.alembic(&["upgrade", "head"]).ok();
            assert_eq!(state(sql), state(&py));
        }
        Engine::Sqlite => {
            let failed = sql.normalize(&sql.alembic(&["upgrade", "head"]).failed());
            assert!(
                failed.starts_with("$DIR/migrations/versions/2b3c4d5e6f7a_keys_and_columns.sql:"),
                "{failed}"
            );
            assert!(failed.contains("alembic_convert_unfinished"), "{failed}");
            // The first revision ran; the unfinished one rolled back.
            assert_eq!(sql.version_rows(), vec!["1a2b3c4d5e6f"]);
        }
    }
});

crate::engine_test!(a_database_part_way_up_needs_no_stamp, |p| {
    let e = p.engine;
    copy_versions(&fixture("bodies").join("versions"), &p.versions());
    p.alembic(&["upgrade", "20b2c3d4e5f6"]).ok();
    let current = p.alembic(&["current"]).ok().stdout;
    p.alembic(&["convert"]).ok();
    assert_eq!(p.alembic(&["current"]).ok().stdout, current);
    // The applied revisions are the files that ran, kept beside the new ones: not edited.
    p.alembic(&["verify"]).ok();
    assert_eq!(p.alembic(&["pending"]).ok().stdout.lines().count(), 2);
    p.alembic(&["upgrade", "head"]).ok();
    let py = project(e, "bodies", false);
    py.alembic(&["upgrade", "head"]).ok();
    assert_eq!(state(p), state(&py));
});

/// The read-only commands' answers, which convert must leave as they were: in `history`,
/// each line's revisions and tags (a first paragraph of a docstring over several lines is
/// one line in a `.sql` header).
fn graph(p: &Project) -> Vec<String> {
    let mut answers: Vec<String> = [
        &["heads"][..],
        &["branches"],
        &["heads", "--resolve-dependencies"],
    ]
    .iter()
    .map(|args| p.alembic(args).ok().stdout)
    .collect();
    let history = p.alembic(&["history"]).ok().stdout;
    answers.extend(history.lines().filter_map(|l| {
        let (from, to) = l.split_once(" -> ")?;
        Some(format!(
            "{from} -> {}",
            to.split_once(", ").map_or(to, |(t, _)| t)
        ))
    }));
    answers
}

#[test]
fn dry_run_writes_nothing_and_says_what_convert_does() {
    let p = Project::new(Engine::Sqlite);
    copy_versions(&fixture("mixed").join("versions"), &p.versions());
    let before = names(&p.versions());
    let graph_before = graph(&p);
    let dry = p.alembic(&["convert", "--dry-run"]).ok();
    assert_eq!(names(&p.versions()), before);
    crate::assert_run!(&p, "dry_run", dry);
    let run = p.alembic(&["convert"]).ok();
    crate::assert_run!(&p, "convert", run);
    assert_eq!(graph(&p), graph_before);
    // Only the .py revisions moved: __init__ files, the cache, README stay as they were.
    crate::assert_run!(
        &p,
        "files",
        crate::support::Run {
            code: 0,
            stdout: names(&p.versions()).join("\n") + "\n",
            stderr: String::new()
        }
    );
    // Nothing left to convert; a second run says so.
    assert_eq!(
        p.alembic(&["convert"]).ok().stdout,
        "No .py revisions to convert\n"
    );
}

#[test]
fn converted_files_read_as_written() {
    let p = Project::new(Engine::Sqlite);
    copy_versions(&fixture("mixed").join("versions"), &p.versions());
    p.alembic(&["convert", "6f7a8b9c0d1e", "3c4d"]).ok();
    let files = names(&p.versions());
    assert!(
        files.contains(&"6f7a8b9c0d1e_odd_shapes.sql".to_string()),
        "{files:?}"
    );
    assert!(
        files.contains(&"4d5e6f7a8b9c_tags.py".to_string()),
        "{files:?}"
    );
    for name in ["6f7a8b9c0d1e_odd_shapes.sql"] {
        let text = std::fs::read_to_string(p.versions().join(name)).expect("read");
        insta::assert_snapshot!(format!("convert__{name}"), text);
    }
    let q = project(Engine::Sqlite, "bodies", true);
    for name in [
        "20b2c3d4e5f6_tags_and_slug.sql",
        "40d4e5f6a7b8_audit_and_rename.sql",
    ] {
        let text = std::fs::read_to_string(q.versions().join(name)).expect("read");
        insta::assert_snapshot!(format!("convert__{name}"), text);
    }
}

#[test]
fn an_unfinished_body_fails_where_it_is_until_written() {
    let p = Project::new(Engine::Sqlite);
    std::fs::write(
        p.versions().join("a1_base.py"),
        "\"\"\"uses the app\"\"\"\nfrom alembic import op\nfrom myapp.models import seed_rows\n\nrevision = 'a1'\ndown_revision = None\n\n\ndef upgrade():\n    op.execute('CREATE TABLE t (id INTEGER)')\n    seed_rows(op.get_bind())\n\n\ndef downgrade():\n    op.drop_table('t')\n",
    )
    .expect("write");
    let run = p.alembic(&["convert"]).ok();
    assert_eq!(
        p.normalize(&run.stderr),
        "WARNING: $DIR/migrations/versions/a1_base.sql needs hand work: upgrade(), line 3: an import of myapp.models is not supported; downgrade(), line 3: an import of myapp.models is not supported\n"
    );
    assert!(run.stdout.ends_with("Converted 1 .py revision to .sql; 1 needs hand work (see the warnings: each such body is commented Python ending in a SELECT that fails until it is replaced)\n"), "{}", run.stdout);
    let path = p.versions().join("a1_base.sql");
    let text = std::fs::read_to_string(&path).expect("read");
    insta::assert_snapshot!("convert__unfinished_a1_base.sql", text);
    // The read-only commands work; running it fails at the SELECT and leaves nothing.
    assert_eq!(
        p.alembic(&["history"]).ok().stdout,
        "<base> -> a1 (head), uses the app\n"
    );
    let failed = p.alembic(&["upgrade", "head"]).failed();
    let line = text
        .lines()
        .position(|l| l == "SELECT alembic_convert_unfinished();")
        .map(|i| i + 1);
    assert!(
        failed.starts_with(&format!("{}:{}: ", path.display(), line.unwrap_or(0))),
        "{failed}"
    );
    assert!(p.tables().is_empty(), "{:?}", p.tables());
    assert!(p.version_rows().is_empty());
    // Finished by hand, it runs.
    let done = text
        .replace(
            "SELECT alembic_convert_unfinished();\n\n-- +downgrade",
            "CREATE TABLE t (id INTEGER);\nINSERT INTO t VALUES (1);\n\n-- +downgrade",
        )
        .replace("SELECT alembic_convert_unfinished();\n", "DROP TABLE t;\n");
    std::fs::write(&path, done).expect("write");
    p.alembic(&["upgrade", "head"]).ok();
    assert_eq!(p.query_column("SELECT id FROM t"), vec!["1"]);
    p.alembic(&["downgrade", "base"]).ok();
    assert!(p.tables().is_empty(), "{:?}", p.tables());
}

#[test]
fn convert_refuses_before_writing_when_a_target_exists() {
    let p = Project::new(Engine::Sqlite);
    copy_versions(&fixture("bodies").join("versions"), &p.versions());
    std::fs::write(
        p.versions().join("30c3d4e5f6a7_hand_written.py.converted"),
        "old",
    )
    .expect("write");
    let before = names(&p.versions());
    assert_eq!(
        p.normalize(&p.alembic(&["convert"]).failed()),
        "can't convert $DIR/migrations/versions/30c3d4e5f6a7_hand_written.py: $DIR/migrations/versions/30c3d4e5f6a7_hand_written.py.converted already exists"
    );
    assert_eq!(names(&p.versions()), before);
}
