use std::path::Path;

use super::*;
use crate::script::parse_python_script;

fn convert(source: &str) -> Conversion {
    let script = parse_python_script(Path::new("v/a1_x.py"), source).expect("a .py revision");
    let converted = convert_python(&script, source, "a1_x.py");
    // Whatever it holds, the file reads back as a revision with the same identity.
    let back = Script::parse(Path::new("v/a1_x.sql"), &converted.text).expect("a .sql revision");
    assert_eq!(
        (
            &back.revision,
            &back.down_revisions,
            &back.branch_labels,
            &back.depends_on,
            back.doc(),
            &back.create_date
        ),
        (
            &script.revision,
            &script.down_revisions,
            &script.branch_labels,
            &script.depends_on,
            script.doc(),
            &script.create_date
        )
    );
    converted
}

const HEAD: &str = "\"\"\"add tags\n\nRevision ID: a1\nRevises: 0f\nCreate Date: 2026-01-02 03:04:05.123456\n\n\"\"\"\nfrom alembic import op\nimport sqlalchemy as sa\n\nrevision: str = 'a1'\ndown_revision = ('0f', '0e')\nbranch_labels = ('tags',)\ndepends_on = 'base_x'\n\n";

#[test]
fn the_same_statements_on_both_engines_are_one_plain_section() {
    let converted = convert(&format!(
        "{HEAD}def upgrade():\n    op.drop_table('x')\n    op.execute(\"UPDATE t SET a = 1;\")\n\n\ndef downgrade():\n    pass\n"
    ));
    assert_eq!(
        converted.text,
        "-- revision: a1\n-- down_revision: 0f, 0e\n-- branch_labels: tags\n-- depends_on: base_x\n-- message: add tags\n-- create_date: 2026-01-02 03:04:05.123456\n-- Converted from a1_x.py by alembic convert.\n\n-- +upgrade\nDROP TABLE x;\nUPDATE t SET a = 1;\n\n-- +downgrade\n"
    );
    assert!(converted.hand_work.is_empty());
}

#[test]
fn engine_specific_sql_gets_a_section_per_engine_and_no_downgrade_stays_irreversible() {
    let converted = convert(&format!(
        "{HEAD}def upgrade():\n    op.create_table('t', sa.Column('id', sa.Integer(), primary_key=True), sa.Column('at', sa.DateTime()))\n"
    ));
    assert_eq!(
        converted.text.split_once("alembic convert.\n").map(|(_, b)| b),
        Some("\n-- +upgrade sqlite\nCREATE TABLE t (\n    id INTEGER NOT NULL, \n    at DATETIME, \n    PRIMARY KEY (id)\n);\n\n-- +upgrade postgresql\nCREATE TABLE t (\n    id SERIAL NOT NULL, \n    at TIMESTAMP WITHOUT TIME ZONE, \n    PRIMARY KEY (id)\n);\n")
    );
}

#[test]
fn batch_mode_on_sqlite_is_the_plain_section() {
    let converted = convert(&format!(
        "{HEAD}def upgrade():\n    with op.batch_alter_table('t') as batch_op:\n        batch_op.alter_column('a', nullable=False)\n"
    ));
    let body = converted
        .text
        .split_once("alembic convert.\n")
        .map(|(_, b)| b);
    assert_eq!(
        body,
        Some("\n-- +upgrade\n-- SQLite's statements (PostgreSQL has its own section): a plain section, so\n-- that an ALTER SQLite can't do in place is rebuilt, as Alembic's batch mode does.\nALTER TABLE t ALTER COLUMN a SET NOT NULL;\n\n-- +upgrade postgresql\nALTER TABLE t ALTER COLUMN a SET NOT NULL;\n")
    );
}

#[test]
fn a_body_outside_the_subset_is_kept_as_commented_python() {
    let source = format!(
        "{HEAD}def upgrade():\n    op.drop_table('x')\n    seed_rows()\n\n    # done\n\n\n# a comment between\ndef downgrade():\n    op.create_table('x', sa.Column('id', sa.Integer()))\n"
    );
    let converted = convert(&source);
    assert_eq!(
        converted.hand_work,
        vec![HandWork {
            direction: Direction::Upgrade,
            dialect: None,
            line: 18,
            what: "a call of seed_rows()".to_string()
        }]
    );
    assert_eq!(
        converted.hand_work[0].to_string(),
        "upgrade(), line 18: a call of seed_rows() is not supported"
    );
    let body = converted
        .text
        .split_once("alembic convert.\n")
        .map(|(_, b)| b);
    assert_eq!(
        body,
        Some("\n-- +upgrade\n-- alembic convert could not translate this body (.py line 18: a call of seed_rows() is not supported).\n-- Write its SQL here from the Python below, then delete the SELECT line.\n-- def upgrade():\n--     op.drop_table('x')\n--     seed_rows()\n--\n--     # done\nSELECT alembic_convert_unfinished();\n\n-- +downgrade\nCREATE TABLE x (\n    id INTEGER\n);\n")
    );
}

#[test]
fn an_import_outside_the_subset_leaves_both_bodies_and_one_engines_refusal_its_section() {
    let converted = convert(&format!(
        "{HEAD}from myapp import models\n\ndef upgrade():\n    op.drop_table('x')\n\ndef downgrade():\n    pass\n"
    ));
    let lines: Vec<String> = converted.hand_work.iter().map(|w| w.to_string()).collect();
    assert_eq!(
        lines,
        [
            "upgrade(), line 16: an import of myapp is not supported",
            "downgrade(), line 16: an import of myapp is not supported"
        ]
    );
    assert_eq!(converted.text.matches(UNFINISHED).count(), 2);

    let converted = convert(&format!(
        "{HEAD}def upgrade():\n    op.alter_column('t', 'a', nullable=True)\n"
    ));
    assert_eq!(
        converted
            .hand_work
            .iter()
            .map(|w| (w.dialect, w.line))
            .collect::<Vec<_>>(),
        [(Some(Dialect::Sqlite), 17)]
    );
    let body = converted
        .text
        .split_once("alembic convert.\n")
        .map(|(_, b)| b)
        .unwrap_or("");
    assert!(body.starts_with("\n-- +upgrade sqlite\n-- alembic convert could not translate this body (.py line 17: op.alter_column() outside op.batch_alter_table() on SQLite"), "{body}");
    assert!(body.ends_with("SELECT alembic_convert_unfinished();\n\n-- +upgrade postgresql\nALTER TABLE t ALTER COLUMN a DROP NOT NULL;\n"), "{body}");
}

#[test]
fn python_lines_that_read_as_markers_are_not_markers() {
    let converted = convert(&format!(
        "{HEAD}def upgrade():\n    seed(\"\"\"\n+upgrade\n\"\"\")\n"
    ));
    assert!(
        converted.text.contains("\n-- \\+upgrade\n"),
        "{}",
        converted.text
    );
    let converted = convert(&format!(
        "{HEAD}def upgrade():\n    op.execute(\"\"\"UPDATE t SET a = 1\n-- +downgrade\n\"\"\")\n"
    ));
    assert_eq!(
        converted.hand_work.iter().map(|w| w.to_string()).collect::<Vec<_>>(),
        ["upgrade(), line 17: SQL with a line that reads as a section marker ('-- +word') is not supported"]
    );
}
