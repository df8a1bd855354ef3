//! Every construct outside the `.py` reader's subset (issue 13 point 3) stops a run before
//! any migration of it starts, online and with `--sql`, on both engines, with `FAILED:
//! <path>:<line>: <what> is not supported (revision <id>)` and exit status 1, leaving the
//! database as it was; the read-only commands still work on the file.

/// The module around a case: `imports` after Alembic's own, `body` as `upgrade()`'s.
fn revision(imports: &str, body: &str) -> String {
    format!(
        "\"\"\"a case\"\"\"\nfrom alembic import op\nimport sqlalchemy as sa\n{imports}\nrevision = 'a1'\ndown_revision = 's1'\nbranch_labels = None\ndepends_on = None\n\n\ndef upgrade():\n{body}\n\ndef downgrade():\n    op.drop_table('t')\n"
    )
}

/// (what the case is, module-level lines after the imports, upgrade()'s body, the line and the
/// construct refused). `upgrade()`'s body starts on line 12, after one such line on 13.
const CASES: &[(&str, &str, &str, usize, &str)] = &[
    (
        "a loop over a query's rows",
        "",
        "    bind = op.get_bind()\n    for row in bind.execute(sa.text('SELECT id FROM s')):\n        op.execute('DELETE FROM s')\n",
        13,
        "a for loop over op.get_bind().execute(...) (not a literal list or tuple)",
    ),
    (
        "a loop over a name bound to a call",
        "",
        "    for name in sorted(['b', 'a']):\n        op.drop_table(name)\n",
        12,
        "a for loop over sorted(...) (not a literal list or tuple)",
    ),
    (
        "a conditional on anything but the engine's name",
        "",
        "    if sa.inspect(op.get_bind()).has_table('t'):\n        op.drop_table('t')\n",
        12,
        "an if statement whose test is not the engine's name (op.get_bind().dialect.name)",
    ),
    (
        "a conditional on a module constant",
        "SEED = True\n",
        "    if SEED:\n        op.execute('INSERT INTO s VALUES (1)')\n",
        13,
        "an if statement whose test is not the engine's name (op.get_bind().dialect.name)",
    ),
    (
        "a call into the application",
        "from myapp.seed import seed_roles\n",
        "    op.create_table('t', sa.Column('id', sa.Integer()))\n    seed_roles(op.get_bind())\n",
        4,
        "an import of myapp.seed",
    ),
    (
        "a call of a helper defined in the file",
        "",
        "    op.create_table('t', sa.Column('id', sa.Integer()))\n    _backfill()\n",
        13,
        "a call of _backfill()",
    ),
    (
        "a query whose rows are used",
        "",
        "    conn = op.get_bind()\n    rows = conn.execute(sa.text('SELECT id FROM s')).fetchall()\n    op.execute('DELETE FROM s')\n",
        13,
        "an assignment of op.get_bind().execute(...).fetchall() in a body",
    ),
    (
        "a query's scalar used",
        "",
        "    n = op.get_bind().execute(sa.text('SELECT count(*) FROM s')).scalar()\n",
        12,
        "an assignment of op.get_bind().execute(...).scalar() in a body",
    ),
    (
        "an ORM session",
        "from sqlalchemy import orm\n",
        "    session = orm.Session(bind=op.get_bind())\n    session.commit()\n",
        13,
        "an assignment of orm.Session(...) in a body",
    ),
    (
        "an ORM session as a context manager",
        "from sqlalchemy.orm import Session\n",
        "    with Session(bind=op.get_bind()) as session:\n        session.execute(sa.text('DELETE FROM s'))\n",
        13,
        "a with block",
    ),
    (
        "an import outside the allowed set",
        "import requests\n",
        "    op.create_table('t', sa.Column('id', sa.Integer()))\n",
        4,
        "an import of requests",
    ),
    (
        "an import in a body",
        "",
        "    import json\n    op.execute(json.dumps('x'))\n",
        12,
        "an import in a body",
    ),
    (
        "a conditional expression on anything but the engine's name",
        "LIMIT = 3\n",
        "    op.create_table('t', sa.Column('id', sa.Integer() if LIMIT else sa.BigInteger()))\n",
        13,
        "a conditional expression whose test is not the engine's name (op.get_bind().dialect.name)",
    ),
];

// The database keeps what it had (at s0, one table): nothing of the run starts, not even the
// .sql revision s1 before the refused one.
crate::engine_test!(
    each_unsupported_construct_stops_the_run_before_it_starts,
    |p| {
        p.script("s0")
            .message("plain sql")
            .upgrade("CREATE TABLE s (id INTEGER);")
            .downgrade("DROP TABLE s;")
            .write();
        p.script("s1")
            .down_revision("s0")
            .message("more sql")
            .upgrade("CREATE TABLE s1t (id INTEGER);")
            .downgrade("DROP TABLE s1t;")
            .write();
        p.alembic(&["upgrade", "s0"]).ok();
        let path = p.versions().join("a1_case.py");
        for (case, imports, body, line, what) in CASES {
            std::fs::write(&path, revision(imports, body)).expect("write");
            let expected = format!(
                "{}:{line}: {what} is not supported (revision a1)",
                path.display()
            );
            for args in [&["upgrade", "head"][..], &["upgrade", "--sql", "head"]] {
                let run = p.alembic(args);
                assert_eq!(run.code, 1, "{case}: {args:?}\n{}", run.stderr);
                assert!(!run.stdout.contains("s1t"), "{case}: {}", run.stdout);
                assert_eq!(run.failed(), expected, "{case}: {args:?}");
            }
            assert_eq!(p.version_rows(), vec!["s0"], "{case}");
            assert_eq!(p.tables(), vec!["s"], "{case}");
            // The header still reads for the read-only commands.
            assert_eq!(p.alembic(&["heads"]).ok().stdout, "a1 (head)\n", "{case}");
            assert!(
                p.alembic(&["history"])
                    .ok()
                    .stdout
                    .contains("s1 -> a1 (head), a case\n"),
                "{case}"
            );
        }
    }
);
