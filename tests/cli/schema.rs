//! The portable schema layer end to end: one history on SQLite and PostgreSQL, introspected
//! schemas equal across engines at every revision, SQLite table rebuilds that keep rows,
//! indexes, triggers, views and foreign keys, and the rebuild in offline SQL.

use litekb_migrations::internals::schema::Schema;
use litekb_migrations::Dialect;

use crate::support::{Engine, Project};

/// The live schema of a project's database, as the tool introspects it, without the tool's
/// own tables and with what only one engine has (triggers, view text) left out.
fn introspect(p: &Project) -> Schema {
    let mut schema = p.introspect();
    for t in &mut schema.tables {
        t.triggers.clear();
    }
    for v in &mut schema.views {
        v.sql.clear();
    }
    // The type map folds JSONB into JSON and every auto-increment key into INTEGER on SQLite.
    schema.on(Dialect::Sqlite).sorted()
}

/// A history that uses every operation the layer supports, written once for both engines.
fn portable_history(p: &Project) {
    p.script("a1")
        .message("tables, keys and indexes")
        .upgrade(
            "CREATE TABLE collections (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name VARCHAR(200) NOT NULL,
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT uq_collections_name UNIQUE (name)
);
CREATE TABLE documents (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    collection_id INTEGER NOT NULL REFERENCES collections (id) ON DELETE CASCADE,
    title VARCHAR(500) NOT NULL,
    body BLOB,
    meta JSONB,
    score DOUBLE PRECISION DEFAULT 0,
    price NUMERIC(10,2),
    flag BOOLEAN NOT NULL DEFAULT false,
    uid UUID,
    seen TIMESTAMP WITH TIME ZONE,
    day DATE,
    at TIME,
    small SMALLINT,
    big BIGINT,
    r REAL,
    note TEXT
);
CREATE INDEX ix_documents_collection_id ON documents (collection_id);
CREATE UNIQUE INDEX uq_documents_title ON documents (collection_id, title) WHERE flag = false;",
        )
        .downgrade("DROP TABLE documents;\nDROP TABLE collections;")
        .write();
    p.script("b2")
        .down_revision("a1")
        .message("in-place alterations")
        .upgrade(
            "ALTER TABLE documents ADD COLUMN word_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE documents RENAME COLUMN note TO summary;
ALTER TABLE collections RENAME TO libraries;",
        )
        .downgrade(
            "ALTER TABLE libraries RENAME TO collections;
ALTER TABLE documents RENAME COLUMN summary TO note;
ALTER TABLE documents DROP COLUMN word_count;",
        )
        .write();
    p.script("c3")
        .down_revision("b2")
        .message("alterations SQLite rebuilds")
        .upgrade(
            "ALTER TABLE documents ALTER COLUMN title TYPE TEXT;
ALTER TABLE documents ALTER COLUMN summary SET DEFAULT 'none';
ALTER TABLE documents ALTER COLUMN score SET NOT NULL;
ALTER TABLE documents ADD CONSTRAINT ck_documents_score CHECK (score >= 0);
ALTER TABLE documents ADD CONSTRAINT uq_documents_uid UNIQUE (uid);",
        )
        .downgrade(
            "ALTER TABLE documents DROP CONSTRAINT uq_documents_uid;
ALTER TABLE documents DROP CONSTRAINT ck_documents_score;
ALTER TABLE documents ALTER COLUMN score DROP NOT NULL;
ALTER TABLE documents ALTER COLUMN summary DROP DEFAULT;
ALTER TABLE documents ALTER COLUMN title TYPE VARCHAR(500);",
        )
        .write();
    p.script("d4")
        .down_revision("c3")
        .message("serials, composite keys, expression index, drops")
        .upgrade("CREATE TABLE tags (id SERIAL PRIMARY KEY, name VARCHAR(64) NOT NULL);
CREATE TABLE document_tags (
    document_id INTEGER NOT NULL,
    tag_id INTEGER NOT NULL,
    PRIMARY KEY (document_id, tag_id)
);
ALTER TABLE document_tags ADD CONSTRAINT fk_document_tags_tag FOREIGN KEY (tag_id) REFERENCES tags (id) ON DELETE CASCADE;
ALTER TABLE document_tags ADD CONSTRAINT fk_document_tags_document FOREIGN KEY (document_id) REFERENCES documents (id) ON DELETE CASCADE;
CREATE INDEX ix_tags_lower_name ON tags (lower(name));
ALTER TABLE documents DROP COLUMN day;
ALTER TABLE documents DROP COLUMN big;
ALTER TABLE document_tags DROP CONSTRAINT fk_document_tags_tag;")
        .downgrade(
            "ALTER TABLE documents ADD COLUMN big BIGINT;
ALTER TABLE documents ADD COLUMN day DATE;
DROP INDEX ix_tags_lower_name;
DROP TABLE document_tags;
DROP TABLE tags;",
        )
        .write();
}

#[test]
fn one_history_gives_equal_schemas_on_both_engines_at_every_revision() {
    let lite = Project::new(Engine::Sqlite);
    let pg = Project::new(Engine::Postgres);
    portable_history(&lite);
    portable_history(&pg);
    let step = |args: &[&str]| {
        lite.alembic(args).ok();
        pg.alembic(args).ok();
        let (a, b) = (introspect(&lite), introspect(&pg));
        assert_eq!(
            a, b,
            "after {args:?}: SQLite (left) and PostgreSQL (right) differ"
        );
        assert!(a.other_tables.is_empty(), "{:?}", a.other_tables);
        a
    };
    let mut up = Vec::new();
    for _ in 0..4 {
        up.push(step(&["upgrade", "+1"]));
    }
    let head = up.last().unwrap().clone();
    assert_eq!(head.tables.len(), 4);
    let docs = head.table("documents").unwrap();
    assert_eq!(docs.checks.len(), 1);
    assert_eq!(docs.checks[0].expr, "score >= 0");
    assert!(docs.column("day").is_none() && docs.column("title").is_some());
    for _ in 0..4 {
        step(&["downgrade", "-1"]);
    }
    assert_eq!(step(&["upgrade", "head"]).tables.len(), 4);
    assert_eq!(lite.version_rows(), ["d4"]);
    assert_eq!(pg.version_rows(), ["d4"]);
}

/// Writes a script whose sections are given as text.
fn raw_script(p: &Project, rev: &str, down: &str, sections: &str) {
    let text = format!(
        "-- revision: {rev}\n-- down_revision: {down}\n-- branch_labels:\n-- depends_on:\n\
         -- message: {rev}\n-- create_date: 2026-11-24 05:53:53.500615\n\n{sections}"
    );
    std::fs::write(p.versions().join(format!("{rev}.sql")), text).expect("write script");
}

#[test]
fn sqlite_rebuild_keeps_rows_indexes_triggers_views_and_foreign_keys() {
    let p = Project::new(Engine::Sqlite);
    p.script("a1")
        .message("parent and child")
        .upgrade("CREATE TABLE parent (id INTEGER PRIMARY KEY AUTOINCREMENT, name VARCHAR(20) NOT NULL);
CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES parent (id) ON DELETE CASCADE);
CREATE INDEX ix_parent_name ON parent (name);
CREATE TABLE audit (what TEXT);
CREATE TRIGGER parent_audit AFTER INSERT ON parent BEGIN INSERT INTO audit VALUES (NEW.name); END;
CREATE VIEW parent_names AS SELECT name FROM parent;
INSERT INTO parent (name) VALUES ('a'), ('b');
INSERT INTO child (parent_id) VALUES (1), (2), (2);")
        .downgrade("DROP VIEW parent_names;\nDROP TABLE audit;\nDROP TABLE child;\nDROP TABLE parent;")
        .write();
    // Foreign keys on, on the tool's own connection: a rebuild that left them on would cascade
    // the DROP of `parent` into `child`.
    raw_script(
        &p,
        "b2",
        "a1",
        "-- +upgrade sqlite no-transaction\nPRAGMA foreign_keys = ON;\n\n-- +downgrade\n",
    );
    p.script("c3")
        .down_revision("b2")
        .message("widen the name")
        .upgrade("ALTER TABLE parent ALTER COLUMN name TYPE TEXT;\nALTER TABLE parent ALTER COLUMN name SET DEFAULT 'x';")
        .downgrade("ALTER TABLE parent ALTER COLUMN name DROP DEFAULT;")
        .write();
    p.alembic(&["upgrade", "head"]).ok();
    assert_eq!(
        p.query_column("SELECT name FROM parent ORDER BY id"),
        ["a", "b"]
    );
    assert_eq!(p.query_column("SELECT count(*) FROM child"), ["3"]);
    assert_eq!(
        p.query_column("SELECT name FROM sqlite_master WHERE type IN ('index', 'trigger', 'view') AND name NOT LIKE 'sqlite%' ORDER BY name"),
        ["ix_parent_name", "parent_audit", "parent_names"]
    );
    assert_eq!(p.query_column("SELECT count(*) FROM parent_names"), ["2"]);
    let parent = p.query_column("SELECT sql FROM sqlite_master WHERE name = 'parent'");
    assert_eq!(
        parent,
        ["CREATE TABLE \"parent\" (\n    id INTEGER PRIMARY KEY AUTOINCREMENT,\n    name TEXT NOT NULL DEFAULT 'x'\n)"]
    );
    // The trigger still fires, the foreign key still holds, the sequence goes on.
    p.execute("PRAGMA foreign_keys = ON; INSERT INTO parent (name) VALUES ('c');");
    assert_eq!(
        p.query_column("SELECT id FROM parent WHERE name = 'c'"),
        ["3"]
    );
    assert_eq!(p.query_column("SELECT count(*) FROM audit"), ["3"]);
    assert_eq!(
        p.query_column("SELECT \"table\" || '.' || \"from\" FROM pragma_foreign_key_list('child')"),
        ["parent.parent_id"]
    );
    assert!(p.query_column("PRAGMA foreign_key_check").is_empty());
    // And back down, by another rebuild.
    p.alembic(&["downgrade", "b2"]).ok();
    assert_eq!(p.query_column("SELECT count(*) FROM child"), ["3"]);
}

#[test]
fn sqlite_rebuild_that_breaks_a_foreign_key_rolls_back() {
    let p = Project::new(Engine::Sqlite);
    p.script("a1")
        .message("orphans")
        .upgrade(
            "CREATE TABLE parent (id INTEGER PRIMARY KEY);
CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER);
INSERT INTO parent VALUES (1);
INSERT INTO child VALUES (1, 1), (2, 7);",
        )
        .downgrade("DROP TABLE child;\nDROP TABLE parent;")
        .write();
    p.script("b2")
        .down_revision("a1")
        .message("add the missing key")
        .upgrade("ALTER TABLE child ADD CONSTRAINT fk_child_parent FOREIGN KEY (parent_id) REFERENCES parent (id);")
        .downgrade("ALTER TABLE child DROP CONSTRAINT fk_child_parent;")
        .write();
    let msg = p.alembic(&["upgrade", "head"]).failed();
    assert_eq!(
        p.normalize(&msg),
        "$DIR/migrations/versions/b2.sql:9: foreign key violation after rebuilding table 'child': \
         1 row(s) of table 'child' reference rows that don't exist (PRAGMA foreign_key_check) \
         (revision b2; this migration was rolled back; the last one applied was upgrade  -> a1)"
    );
    assert_eq!(p.version_rows(), ["a1"]);
    assert_eq!(p.query_column("SELECT count(*) FROM child"), ["2"]);
    assert_eq!(
        p.query_column("SELECT sql FROM sqlite_master WHERE name = 'child'"),
        ["CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER)"]
    );
}

#[test]
fn offline_sql_shows_the_rebuild_for_sqlite_and_the_alter_for_postgresql() {
    let lite = Project::new(Engine::Sqlite);
    let script = |p: &Project| {
        p.script("a1")
            .message("t")
            .upgrade("CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT, n VARCHAR(5));\nCREATE INDEX ix_t_n ON t (n);")
            .downgrade("DROP TABLE t;")
            .write();
        p.script("b2")
            .down_revision("a1")
            .message("widen")
            .upgrade("ALTER TABLE t ALTER COLUMN n TYPE TEXT;")
            .downgrade("ALTER TABLE t ALTER COLUMN n TYPE VARCHAR(5);")
            .write();
    };
    script(&lite);
    // From a1: the model of `t` comes from replaying a1.
    let out = lite.alembic(&["upgrade", "a1:b2", "--sql"]).ok().stdout;
    let body = out
        .split("-- Running upgrade a1 -> b2\n\n")
        .nth(1)
        .expect("the step");
    let body = body.split("UPDATE alembic_version").next().unwrap();
    assert_eq!(
        body,
        "PRAGMA foreign_keys = OFF;\n\nBEGIN;\n\n\
CREATE TABLE _alembic_tmp_t (\n    id INTEGER PRIMARY KEY AUTOINCREMENT,\n    n TEXT\n);\n\n\
INSERT INTO _alembic_tmp_t (id, n) SELECT id, n FROM t;\n\n\
DROP TABLE t;\n\n\
PRAGMA legacy_alter_table = ON;\n\n\
ALTER TABLE _alembic_tmp_t RENAME TO t;\n\n\
PRAGMA legacy_alter_table = OFF;\n\n\
CREATE INDEX ix_t_n ON t (n);\n\n\
PRAGMA foreign_key_check(t);\n\n"
    );
    assert!(
        out.trim_end()
            .ends_with("COMMIT;\n\nPRAGMA foreign_keys = ON;"),
        "{out}"
    );

    let pg = Project::new(Engine::Postgres);
    script(&pg);
    let out = pg.alembic(&["upgrade", "head", "--sql"]).ok().stdout;
    assert!(out.contains(
        "CREATE TABLE t (\n    id INTEGER GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,\n    n VARCHAR(5)\n);"
    ), "{out}");
    assert!(
        out.contains("\nALTER TABLE t ALTER COLUMN n TYPE TEXT;\n"),
        "{out}"
    );
    assert!(!out.contains("PRAGMA"), "{out}");
}

#[test]
fn engine_only_clauses_fail_clearly_on_the_other_engine() {
    let p = Project::new(Engine::Postgres);
    p.script("a1")
        .message("sqlite only")
        .upgrade("CREATE TABLE t (id INTEGER PRIMARY KEY) WITHOUT ROWID;")
        .downgrade("DROP TABLE t;")
        .write();
    let msg = p.alembic(&["upgrade", "head"]).failed();
    assert!(
        p.normalize(&msg).starts_with(
            "$DIR/migrations/versions/a1.sql:9: WITHOUT ROWID is sqlite-only; put this statement \
             in a '-- +upgrade sqlite' section"
        ),
        "{msg}"
    );
    assert!(p.tables().is_empty());
}
