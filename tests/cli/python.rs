//! Alembic's own `.py` revisions beside `.sql` ones: the read-only commands print what Python
//! Alembic 1.20.1 prints on the same files (the transcripts under `tests/fixtures/python/*/`
//! were recorded by `compat/python-oracle`), and a body that can't be interpreted is refused
//! before anything runs.

use std::path::{Path, PathBuf};

use crate::support::{pg, Engine, Project};

pub(crate) fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/python")
        .join(name)
}

/// Copies a fixture's `versions/` (files and directories) into the project's.
pub(crate) fn copy_versions(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).expect("read fixture") {
        let entry = entry.expect("fixture entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            std::fs::create_dir_all(&target).expect("mkdir");
            copy_versions(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// Runs the fixture's commands in order and writes the transcript as the oracle script does.
fn transcript(p: &Project, name: &str) -> String {
    let commands = std::fs::read_to_string(fixture(name).join("commands")).expect("commands");
    let dir = p.dir.path().display().to_string();
    let mut out = String::new();
    for line in commands.lines() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let args: Vec<&str> = line.split_whitespace().collect();
        let run = p.alembic(&args);
        assert!(!run.stderr.contains("panicked"), "{line}: {}", run.stderr);
        out.push_str(&format!("$ alembic {line}\n"));
        out.push_str(&run.stdout.replace(&dir, "$DIR"));
        if run.code != 0 {
            let failed = run
                .stderr
                .lines()
                .find_map(|l| l.strip_prefix("FAILED: "))
                .unwrap_or("(no FAILED line)");
            out.push_str(&format!("[failed] {}\n", failed.replace(&dir, "$DIR")));
        }
    }
    out
}

/// Runs a fixture's commands on a fresh SQLite project and compares the transcript with the
/// one Python Alembic gave.
fn matches_python_alembic(name: &str) {
    let p = Project::new(Engine::Sqlite);
    copy_versions(&fixture(name).join("versions"), &p.versions());
    let expected =
        std::fs::read_to_string(fixture(name).join("expected.txt")).expect("expected.txt");
    let actual = transcript(&p, name);
    if actual != expected {
        let first = actual
            .lines()
            .zip(expected.lines())
            .position(|(a, e)| a != e)
            .unwrap_or(actual.lines().count().min(expected.lines().count()));
        panic!(
            "{name}: differs from Python Alembic from line {}:\n--- ours\n{}\n--- alembic\n{}",
            first + 1,
            actual
                .lines()
                .skip(first)
                .take(8)
                .collect::<Vec<_>>()
                .join("\n"),
            expected
                .lines()
                .skip(first)
                .take(8)
                .collect::<Vec<_>>()
                .join("\n"),
        );
    }
}

/// Real-world shapes: annotated and plain headers, PEP 604 annotations, trailing comments,
/// a list label, multi-line merge tuples, docstrings without blank lines, raw single-quoted
/// docstrings, no docstring, a legacy hex file name without `revision`, a body the tool
/// can't interpret, `.sql` revisions in the chain, and files that are not revisions
/// (`__init__.py`, `__init__helpers.py`, `__pycache__/`, `README`, an editor lock file).
#[test]
fn read_only_commands_match_python_alembic_on_a_mixed_history() {
    matches_python_alembic("mixed");
}

/// A `.sql` revision on a `.py` one and `.py` ones on it, `depends_on` across the two kinds
/// both ways, files with no body at all.
#[test]
fn read_only_commands_match_python_alembic_across_py_and_sql() {
    matches_python_alembic("cross");
}

fn write(p: &Project, name: &str, text: &str) {
    std::fs::write(p.versions().join(name), text).expect("write revision");
}

const BASE_PY: &str = "\"\"\"base\"\"\"\nfrom alembic import op\nimport sqlalchemy as sa\n\nrevision = 'a1'\ndown_revision = None\n\n\ndef upgrade():\n    op.create_table('t', sa.Column('id', sa.Integer()))\n    op.create_table_comment('t', 'rows')\n\n\ndef downgrade():\n    op.drop_table('t')\n";

#[test]
fn a_non_literal_header_fails_with_its_file_and_line() {
    let p = Project::new(Engine::Sqlite);
    write(
        &p,
        "b2_next.py",
        "from myapp import ids\n\nrevision = 'b2'\ndown_revision = ids.PREVIOUS\n",
    );
    let path = p.versions().join("b2_next.py");
    for args in [&["heads"][..], &["history"], &["upgrade", "head"]] {
        assert_eq!(
            p.alembic(args).failed(),
            format!(
                "{}:4: 'down_revision' is not a literal (a string, None, or a tuple or list of strings), so it can't be read without running Python",
                path.display()
            ),
            "{args:?}"
        );
    }
}

#[test]
fn invalid_python_fails_with_its_file_and_line() {
    let p = Project::new(Engine::Sqlite);
    write(
        &p,
        "a1_base.py",
        "revision = 'a1'\ndown_revision = None\n\ndef upgrade(:\n    pass\n",
    );
    let failed = p.alembic(&["heads"]).failed();
    let path = p.versions().join("a1_base.py").display().to_string();
    assert!(
        failed.starts_with(&format!("{path}:4: invalid Python syntax")),
        "{failed}"
    );
}

#[test]
fn a_py_revision_body_is_refused_before_anything_runs() {
    let p = Project::new(Engine::Sqlite);
    p.script("s0")
        .message("plain sql")
        .upgrade("CREATE TABLE s (id INTEGER);")
        .downgrade("DROP TABLE s;")
        .write();
    write(
        &p,
        "a1_base.py",
        &BASE_PY.replace("down_revision = None", "down_revision = 's0'"),
    );
    let path = p.versions().join("a1_base.py").display().to_string();
    let expected = format!("{path}:11: op.create_table_comment() is not supported (revision a1)");
    assert_eq!(p.alembic(&["upgrade", "head"]).failed(), expected);
    // Nothing ran: not even the .sql step before it, nor the version table.
    assert!(!p.has_version_table());
    assert!(p.tables().is_empty(), "{:?}", p.tables());
    assert_eq!(p.alembic(&["upgrade", "--sql", "head"]).failed(), expected);
    // Stamping needs no body, and a downgrade through the .py step is refused too.
    p.alembic(&["stamp", "head"]).ok();
    assert_eq!(p.version_rows(), vec!["a1"]);
    assert_eq!(p.alembic(&["downgrade", "base"]).failed(), expected);
    assert_eq!(p.version_rows(), vec!["a1"]);
    // Offline stamping reads no body either; the .sql revision below still runs on its own.
    let sql = p.alembic(&["stamp", "--sql", "a1:s0"]).ok().stdout;
    assert!(
        sql.contains(
            "UPDATE alembic_version SET version_num='s0' WHERE alembic_version.version_num = 'a1';"
        ),
        "{sql}"
    );
    p.alembic(&["stamp", "s0"]).ok();
    p.execute("CREATE TABLE s (id INTEGER)");
    p.alembic(&["downgrade", "base"]).ok();
    assert!(p.version_rows().is_empty());
    assert!(p.tables().is_empty(), "{:?}", p.tables());
}

#[test]
fn sourceless_compiled_revisions_are_refused_not_skipped() {
    let p = Project::new(Engine::Sqlite);
    write(&p, "a1_base.py", BASE_PY);
    std::fs::create_dir_all(p.versions().join("__pycache__")).expect("mkdir");
    std::fs::write(
        p.versions().join("__pycache__/a1_base.cpython-311.pyc"),
        b"\x00bytecode",
    )
    .expect("write pyc");
    std::fs::write(p.versions().join("b2_only_compiled.pyc"), b"\x00bytecode").expect("write pyc");
    // Without `sourceless`, compiled files are not revisions.
    assert_eq!(p.alembic(&["heads"]).ok().stdout, "a1 (head)\n");
    p.write_ini("sourceless = true");
    assert_eq!(
        p.alembic(&["heads"]).failed(),
        format!(
            "{}:1: a compiled revision without its .py source; this tool reads revisions from source only (keep the .py files, or set sourceless = false)",
            p.versions().join("b2_only_compiled.pyc").display()
        )
    );
}

#[test]
fn a_revision_python_alembic_cannot_import_still_reads() {
    // Python Alembic imports every revision for `heads`, so an application import that fails
    // stops it; the header is all this tool needs.
    let p = Project::new(Engine::Sqlite);
    write(
        &p,
        "a1_base.py",
        "\"\"\"uses the app\"\"\"\nfrom myapp.models import Base, seed_rows\n\nrevision = 'a1'\ndown_revision = None\n\n\ndef upgrade():\n    Base.metadata.create_all(op.get_bind())\n    seed_rows()\n",
    );
    assert_eq!(p.alembic(&["heads"]).ok().stdout, "a1 (head)\n");
    assert_eq!(
        p.alembic(&["history"]).ok().stdout,
        "<base> -> a1 (head), uses the app\n"
    );
    assert_eq!(
        p.alembic(&["pending"]).ok().stdout,
        "<base> -> a1, uses the app\n"
    );
    p.alembic(&["stamp", "head"]).ok();
    assert_eq!(p.alembic(&["current"]).ok().stdout, "a1 (head)\n");
}

/// What a user would compare of two databases' schemas: on SQLite every table's and index's
/// `CREATE` text as SQLite keeps it, on PostgreSQL the columns (type, nullability, default),
/// the constraints and the indexes as the catalogs describe them.
pub(crate) fn schema_dump(p: &Project) -> Vec<String> {
    match p.engine {
        Engine::Sqlite => {
            let conn = rusqlite::Connection::open(p.path("test.db")).expect("open db");
            let mut stmt = conn
                .prepare(
                    "SELECT type, name, tbl_name, coalesce(sql, '') FROM sqlite_master \
                     WHERE tbl_name NOT LIKE 'alembic_version%' ORDER BY type, name",
                )
                .expect("prepare");
            let rows = stmt
                .query_map([], |r| {
                    // Layout is not schema: `CREATE TABLE t (\n    a, \n    b\n)` is
                    // `CREATE TABLE t (a, b)`.
                    let sql = r.get::<_, String>(3)?.split_whitespace().collect::<Vec<_>>().join(" ");
                    Ok(format!(
                        "{} {} on {}: {}",
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        sql.replace("( ", "(").replace(" )", ")")
                    ))
                })
                .expect("query");
            rows.map(|r| r.expect("row")).collect()
        }
        Engine::Postgres => [
            "SELECT table_name || '.' || column_name || ' ' || data_type || ' ' || \
             coalesce(character_maximum_length::text, '') || ' ' || \
             coalesce(numeric_precision::text || ',' || numeric_scale::text, '') || ' ' || \
             is_nullable || ' ' || coalesce(column_default, '') \
             FROM information_schema.columns WHERE table_schema = 'public' \
             AND table_name NOT LIKE 'alembic_version%' ORDER BY 1",
            "SELECT conrelid::regclass::text || ' ' || conname || ' ' || pg_get_constraintdef(oid) \
             FROM pg_constraint WHERE connamespace = 'public'::regnamespace \
             AND conrelid::regclass::text NOT LIKE 'alembic_version%' ORDER BY 1",
            "SELECT indexdef FROM pg_indexes WHERE schemaname = 'public' \
             AND tablename NOT LIKE 'alembic_version%' ORDER BY 1",
            "SELECT c.relname || '.' || a.attname || ' comment ' || col_description(c.oid, a.attnum) \
             FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid \
             WHERE c.relnamespace = 'public'::regnamespace AND a.attnum > 0 \
             AND col_description(c.oid, a.attnum) IS NOT NULL ORDER BY 1",
        ]
        .iter()
        .flat_map(|q| pg::query_column(&p.url, q))
        .collect(),
    }
}

// Autogenerate-shaped and hand-written `.py` revisions run online by this tool build the
// schema Python Alembic's own DDL for them builds (its `upgrade head --sql`, recorded by
// compat/python-oracle, run on a second database of the same engine); rows written by
// `op.execute` are there; `downgrade base` takes everything away again.
crate::engine_test!(py_bodies_build_python_alembics_schema, |p| {
    copy_versions(&fixture("bodies").join("versions"), &p.versions());
    p.alembic(&["upgrade", "head"]).ok();
    let theirs = Project::new(p.engine);
    let dialect = match p.engine {
        Engine::Sqlite => "sqlite",
        Engine::Postgres => "postgresql",
    };
    let ddl =
        std::fs::read_to_string(fixture("bodies").join(format!("alembic-upgrade.{dialect}.sql")))
            .expect("recorded DDL");
    theirs.execute(&ddl);
    let ours = schema_dump(p);
    assert!(ours.len() > 10, "{ours:#?}");
    assert_eq!(ours, schema_dump(&theirs));
    assert_eq!(
        p.query_column("SELECT name || ':' || \"order\" FROM tag"),
        vec!["general:1"]
    );
    assert_eq!(p.version_rows(), vec!["40d4e5f6a7b8"]);

    p.alembic(&["downgrade", "base"]).ok();
    assert!(p.tables().is_empty(), "{:?}", p.tables());
    assert!(p.version_rows().is_empty());
    // And up again: the downgrades left nothing behind that an upgrade trips over.
    p.alembic(&["upgrade", "head"]).ok();
    assert_eq!(schema_dump(p), schema_dump(&theirs));
});

#[test]
fn a_failing_py_statement_names_its_python_line_and_offline_sql_is_the_same() {
    let p = Project::new(Engine::Sqlite);
    write(
        &p,
        "a1_base.py",
        "from alembic import op\nimport sqlalchemy as sa\n\nrevision = 'a1'\ndown_revision = None\n\n\ndef upgrade():\n    op.create_table('t', sa.Column('id', sa.Integer(), primary_key=True))\n    op.create_index('ix_t_id', 't', ['id'])\n\n    op.drop_table('missing')\n",
    );
    let sql = p.alembic(&["upgrade", "--sql", "head"]).ok().stdout;
    assert!(
        sql.contains("CREATE TABLE t (id INTEGER NOT NULL, PRIMARY KEY (id));\n\nCREATE INDEX ix_t_id ON t (id);\n\nDROP TABLE missing;\n"),
        "{sql}"
    );
    let failed = p.alembic(&["upgrade", "head"]).failed();
    let path = p.versions().join("a1_base.py").display().to_string();
    assert!(
        failed.starts_with(&format!("{path}:12: no such table: missing (revision a1;")),
        "{failed}"
    );
    assert!(p.tables().is_empty(), "{:?}", p.tables());
}

fn dialect_name(engine: Engine) -> &'static str {
    match engine {
        Engine::Sqlite => "sqlite",
        Engine::Postgres => "postgresql",
    }
}

/// Runs a schema fixture's history online with this tool and checks it against what Python
/// Alembic did with it on the same engine (recorded by compat/python-oracle): its `--sql`
/// DDL, run on a second database, builds the same schema; where Alembic's run fails
/// (`alembic-upgrade.<dialect>.failed`), this tool refuses the history before anything runs,
/// and the `FAILED` message is returned. Then `downgrade base` leaves nothing behind.
fn against_python_alembic(p: &Project, name: &str, head: &str) -> Option<String> {
    copy_versions(&fixture(name).join("versions"), &p.versions());
    let recorded = |ext: &str| {
        std::fs::read_to_string(
            fixture(name).join(format!("alembic-upgrade.{}.{ext}", dialect_name(p.engine))),
        )
    };
    if let Ok(why) = recorded("failed") {
        assert!(!why.is_empty());
        let failed = p.alembic(&["upgrade", "head"]).failed();
        assert!(!p.has_version_table(), "{failed}");
        assert!(p.tables().is_empty(), "{:?}", p.tables());
        return Some(p.normalize(&failed));
    }
    p.alembic(&["upgrade", "head"]).ok();
    let theirs = Project::new(p.engine);
    let online = fixture(name).join("alembic-schema.sqlite.sql");
    // Batch mode on SQLite: Alembic's online run, its tables' CREATE text being SQLAlchemy's,
    // so the two are compared as the tool introspects them.
    let dump: fn(&Project) -> Vec<String> = match p.engine {
        Engine::Sqlite if online.exists() => {
            theirs.execute(&std::fs::read_to_string(&online).expect("recorded schema"));
            introspected
        }
        _ => {
            theirs.execute(&recorded("sql").expect("recorded DDL"));
            schema_dump
        }
    };
    let ours = dump(p);
    assert!(ours.len() > 4, "{ours:#?}");
    assert_eq!(ours, dump(&theirs));
    assert_eq!(p.version_rows(), vec![head]);
    p.alembic(&["downgrade", "base"]).ok();
    assert!(p.tables().is_empty(), "{:?}", p.tables());
    p.alembic(&["upgrade", "head"]).ok();
    assert_eq!(dump(p), dump(&theirs));
    None
}

/// The schema as the tool introspects it, one line per table, column, key, constraint and
/// index, in the database's order.
pub(crate) fn introspected(p: &Project) -> Vec<String> {
    let schema = litekb_migrations::internals::schema::canonical(
        &p.introspect(),
        litekb_migrations::Dialect::Sqlite,
    );
    format!("{schema:#?}").lines().map(str::to_string).collect()
}

// create_foreign_key, create_unique_constraint, create_primary_key, create_check_constraint,
// drop_constraint and alter_column (nullable, type_ with postgresql_using, server_default,
// comment, new_column_name) outside batch mode: PostgreSQL's schema is Python Alembic's; on
// SQLite, where Alembic raises "No support for ALTER of constraints", the revision is refused
// at its first such call before the first revision runs.
crate::engine_test!(py_constraint_and_column_alters_match_python_alembic, |p| {
    let failed = against_python_alembic(p, "alter", "2b3c4d5e6f7a");
    match p.engine {
        Engine::Sqlite => assert_eq!(
            failed.as_deref(),
            Some(
                "$DIR/migrations/versions/2b3c4d5e6f7a_keys_and_columns.py:20: op.create_primary_key() \
                 outside op.batch_alter_table() on SQLite (SQLite has no ALTER of constraints; \
                 Alembic refuses it too, and points to batch mode) is not supported (revision 2b3c4d5e6f7a)"
            )
        ),
        Engine::Postgres => assert_eq!(failed, None),
    }
});

// `with op.batch_alter_table(...) as batch_op:` with add_column, drop_column, alter_column
// (type, nullability, default, rename), create_index, drop_index, create_foreign_key,
// create_unique_constraint, create_check_constraint and drop_constraint: on SQLite the tables
// Alembic's move-and-copy leaves (recorded from its online run), rows kept; on PostgreSQL
// the schema of its plain ALTERs.
crate::engine_test!(py_batch_alter_table_matches_python_alembic, |p| {
    assert_eq!(against_python_alembic(p, "batch", "4d5e6f7a8b9c"), None);
    p.alembic(&["downgrade", "3c4d5e6f7a8b"]).ok();
    p.execute("INSERT INTO post (id, body, user_id) VALUES (2, 'kept', 1)");
    p.alembic(&["upgrade", "head"]).ok();
    assert_eq!(
        p.query_column("SELECT body || ':' || user_id FROM post ORDER BY id"),
        vec!["hello:1", "kept:1"]
    );
});

// The idioms of hand-written revisions: a table bound by `op.create_table` and one by
// `sa.table`, filled by `op.bulk_insert` (with `op.inline_literal`, `multiinsert=False`);
// `for` loops over a list and over tuples of names; `if` tests of `op.get_context()`'s
// dialect name (through a bound name and directly) choosing a batch on SQLite and plain ALTERs
// on PostgreSQL, with an `else` neither engine takes. Each engine's schema is the one Python
// Alembic built, and the rows are the ones it inserted.
crate::engine_test!(py_idioms_match_python_alembic, |p| {
    assert_eq!(against_python_alembic(p, "idioms", "5e6f7a8b9c0d"), None);
    let truth = match p.engine {
        Engine::Sqlite => ["1", "0", "1"],
        Engine::Postgres => ["true", "false", "true"],
    };
    assert_eq!(
        p.query_column(
            "SELECT id || ':' || name || ':' || builtin || ':' || coalesce(weight, -1) FROM role ORDER BY id"
        ),
        vec![
            format!("1:admin:{}:1.5", truth[0]),
            format!("2:o'brien:{}:-1", truth[1]),
            format!("3:viewer:{}:-1", truth[2]),
        ]
    );
    assert_eq!(
        p.query_column("SELECT \"key\" || '=' || value FROM setting"),
        vec!["theme=dark"]
    );
});

// Shapes of a real project's history (two-space indents, the revision ids above the
// imports, `Revises: None`, no branch_labels or depends_on, a foreign key named like its
// column): batch add_column + create_foreign_key, then an UPDATE and batch alter_column
// (nullability, rename, a server default of sa.func.current_timestamp()). The rows survive
// the SQLite rebuilds.
crate::engine_test!(py_real_project_shapes_match_python_alembic, |p| {
    assert_eq!(against_python_alembic(p, "realworld", "3f6a8c1d2e4b"), None);
    assert_eq!(
        p.query_column("SELECT table_name || ':' || user_id FROM tables"),
        vec!["birth_names:1"]
    );
});
