//! `alembic lint`: each rule on a history that triggers it and on its safe rewrite, the
//! exemption for objects created in the same migration, ignore comments, `[lint]` severities,
//! JSON, `--explain`, and the safe rewrites run on the real PostgreSQL server.

use crate::support::{pg, Engine, Project};
use crate::{assert_run, engine_test};

const BASE: &str = "CREATE TABLE users (id INTEGER PRIMARY KEY, email VARCHAR(200), name TEXT);
CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER, body TEXT);
CREATE INDEX ix_posts_body ON posts (body);";

const BASE_DOWN: &str = "DROP TABLE posts;\nDROP TABLE users;";

/// A project whose base revision `a1` creates `users` and `posts`.
fn with_base(engine: Engine) -> Project {
    let p = Project::new(engine);
    p.script("a1")
        .message("base")
        .upgrade(BASE)
        .downgrade(BASE_DOWN)
        .write();
    p
}

/// Marks a script's sections `no-transaction`.
fn no_transaction(p: &Project, rev: &str) {
    let path = p.versions().join(format!("{rev}.sql"));
    let text = std::fs::read_to_string(&path).expect("read");
    let text = text
        .replace("-- +upgrade\n", "-- +upgrade no-transaction\n")
        .replace("-- +downgrade\n", "-- +downgrade no-transaction\n");
    std::fs::write(&path, text).expect("write");
}

#[test]
fn each_locking_rule_fires_on_postgresql() {
    let p = with_base(Engine::Sqlite);
    p.script("b2")
        .down_revision("a1")
        .message("locks")
        .upgrade(
            "CREATE INDEX ix_users_email ON users (email);
DROP INDEX ix_posts_body;
ALTER TABLE users ADD COLUMN age INTEGER NOT NULL;
ALTER TABLE users ADD COLUMN token UUID DEFAULT gen_random_uuid();
ALTER TABLE users ALTER COLUMN name SET NOT NULL;
ALTER TABLE posts ADD CONSTRAINT fk_posts_user FOREIGN KEY (user_id) REFERENCES users (id);
ALTER TABLE posts ADD CONSTRAINT ck_body CHECK (body <> '');
ALTER TABLE users ALTER COLUMN name TYPE INTEGER;
ALTER TABLE users ADD CONSTRAINT uq_email UNIQUE (email);
VACUUM FULL users;
CLUSTER users;
ALTER TABLE users RENAME COLUMN name TO full_name;
ALTER TABLE posts RENAME TO articles;
CREATE INDEX CONCURRENTLY ix_users_name ON users (full_name);",
        )
        .write();
    let run = p.alembic(&["lint", "--all", "--dialect", "postgresql"]);
    assert_run!(&p, "locks", run);
}

#[test]
fn each_data_loss_and_reversibility_rule_fires() {
    let p = with_base(Engine::Sqlite);
    p.script("b2")
        .down_revision("a1")
        .message("data loss")
        .upgrade(
            "ALTER TABLE users DROP COLUMN name;
ALTER TABLE users ALTER COLUMN email TYPE VARCHAR(20);
TRUNCATE users;
DELETE FROM posts;
UPDATE users SET email = NULL;
DROP TABLE posts;",
        )
        .write();
    p.script("c3")
        .down_revision("b2")
        .message("half a downgrade")
        .upgrade("CREATE TABLE tags (id INTEGER PRIMARY KEY, name TEXT);\nCREATE INDEX ix_tags ON tags (name);")
        .downgrade("DROP INDEX ix_tags;")
        .write();
    let run = p.alembic(&["lint", "--all", "--dialect", "postgresql"]);
    assert_run!(&p, "data_loss", run);
}

#[test]
fn sqlite_rebuilds_of_referenced_tables_are_found() {
    let p = Project::new(Engine::Sqlite);
    p.script("a1")
        .upgrade("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT);\nCREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users (id));")
        .downgrade(BASE_DOWN)
        .write();
    p.script("b2")
        .down_revision("a1")
        .upgrade("ALTER TABLE users ALTER COLUMN name SET NOT NULL;\nALTER TABLE posts ALTER COLUMN user_id SET NOT NULL;")
        .downgrade("ALTER TABLE posts ALTER COLUMN user_id DROP NOT NULL;\nALTER TABLE users ALTER COLUMN name DROP NOT NULL;")
        .write();
    // The dialect is the configured database's.
    let run = p.alembic(&["lint", "--all"]);
    assert_run!(&p, "sqlite_rebuild", run);
}

#[test]
fn nothing_fires_for_objects_created_in_the_same_migration() {
    let p = Project::new(Engine::Sqlite);
    p.script("a1")
        .upgrade(
            "CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT, b TEXT);
CREATE INDEX ix_t ON t (a);
ALTER TABLE t ADD COLUMN c INTEGER NOT NULL;
ALTER TABLE t ALTER COLUMN a SET NOT NULL;
ALTER TABLE t RENAME COLUMN b TO bb;
ALTER TABLE t DROP COLUMN bb;
DELETE FROM t WHERE id = 0;
DROP INDEX ix_t;",
        )
        .downgrade("DROP TABLE t;")
        .write();
    let run = p
        .alembic(&["lint", "--all", "--dialect", "postgresql"])
        .ok();
    assert_run!(&p, "same_migration", run);
}

#[test]
fn ignore_comments_ini_severities_and_json() {
    let p = with_base(Engine::Sqlite);
    p.script("b2")
        .down_revision("a1")
        .upgrade(
            "-- lint: ignore DL001 posts moved to the archive service in 2.3\nDROP TABLE posts;\n-- lint: ignore DL002\nALTER TABLE users DROP COLUMN name;\n  ALTER TABLE users DROP COLUMN email;",
        )
        .downgrade("SELECT 1;")
        .write();
    let run = p.alembic(&["lint", "--all", "--dialect", "postgresql"]);
    assert_run!(&p, "ignored", run);
    std::fs::write(
        p.path("alembic.ini"),
        format!("[alembic]\nscript_location = %(here)s/migrations\nsqlalchemy.url = {}\n\n[lint]\nDL002 = warning\nRV002 = off\nLN001 = warning\n", p.url),
    )
    .expect("ini");
    let run = p
        .alembic(&["lint", "--all", "--dialect", "postgresql"])
        .ok();
    assert_run!(&p, "lowered", run);
    let run = p
        .alembic(&[
            "lint",
            "a1:b2",
            "--dialect",
            "postgresql",
            "--format",
            "json",
        ])
        .ok();
    assert_run!(&p, "json", run);
    std::fs::write(
        p.path("alembic.ini"),
        format!("[alembic]\nscript_location = %(here)s/migrations\nsqlalchemy.url = {}\n\n[lint]\nDL002 = maybe\n", p.url),
    )
    .expect("ini");
    let run = p.alembic(&["lint", "--all"]);
    assert_run!(&p, "bad_severity", run);
}

#[test]
fn explain_prints_the_rule_and_its_safe_alternative() {
    let p = Project::new(Engine::Sqlite);
    let run = p.alembic(&["lint", "--explain", "pg006"]).ok();
    assert_run!(&p, "explain", run);
    let run = p.alembic(&["lint", "--explain", "PG999"]);
    assert_run!(&p, "explain_unknown", run);
}

#[test]
fn by_default_only_the_unapplied_revisions_are_linted() {
    let p = with_base(Engine::Sqlite);
    p.script("b2")
        .down_revision("a1")
        .upgrade("DROP TABLE posts;")
        .write();
    let run = p.alembic(&["lint"]);
    assert_eq!(run.code, 3, "{run:?}");
    assert!(
        run.stdout.ends_with("2 revisions: 2 errors, 0 warnings\n"),
        "{}",
        run.stdout
    );
    p.alembic(&["upgrade", "a1"]).ok();
    let run = p.alembic(&["lint"]);
    assert_run!(&p, "unapplied", run);
}

/// The safe rewrites lint clean and run on PostgreSQL: a concurrently built index in a
/// no-transaction section, a foreign key added NOT VALID then validated, SET NOT NULL behind a
/// validated check.
#[test]
fn the_safe_rewrites_lint_clean_and_run_on_postgresql() {
    let p = with_base(Engine::Postgres);
    p.script("b2")
        .down_revision("a1")
        .upgrade("CREATE INDEX CONCURRENTLY ix_users_email ON users (email);")
        .downgrade("DROP INDEX CONCURRENTLY ix_users_email;")
        .write();
    no_transaction(&p, "b2");
    p.script("c3")
        .down_revision("b2")
        .upgrade(
            "ALTER TABLE posts ADD CONSTRAINT fk_posts_user FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;
ALTER TABLE posts VALIDATE CONSTRAINT fk_posts_user;
ALTER TABLE users ADD COLUMN nick TEXT;
UPDATE users SET nick = name WHERE nick IS NULL;
ALTER TABLE users ADD CONSTRAINT nick_nn CHECK (nick IS NOT NULL) NOT VALID;
ALTER TABLE users VALIDATE CONSTRAINT nick_nn;
ALTER TABLE users ALTER COLUMN nick SET NOT NULL;",
        )
        .downgrade("ALTER TABLE users DROP COLUMN nick;\nALTER TABLE posts DROP CONSTRAINT fk_posts_user;")
        .write();
    let run = p.alembic(&["lint"]).ok();
    assert_run!(&p, "safe", run);
    p.alembic(&["upgrade", "head"]).ok();
    let valid = pg::query_column(
        &p.url,
        "SELECT indisvalid::text FROM pg_index WHERE indexrelid = 'ix_users_email'::regclass",
    );
    assert_eq!(valid, ["true"]);
    let validated = pg::query_column(
        &p.url,
        "SELECT conname || ' ' || convalidated::text FROM pg_constraint WHERE conname IN ('fk_posts_user', 'nick_nn') ORDER BY 1",
    );
    assert_eq!(validated, ["fk_posts_user true", "nick_nn true"]);
    let nullable = pg::query_column(
        &p.url,
        "SELECT is_nullable FROM information_schema.columns WHERE table_name = 'users' AND column_name = 'nick'",
    );
    assert_eq!(nullable, ["NO"]);
    p.alembic(&["downgrade", "base"]).ok();
}

// With `lint = error`, `upgrade` (online and `--sql`) stops before running anything when a
// revision it would run has an error-level finding; with `lint = warn` it prints them and runs.
engine_test!(
    upgrade_refuses_error_findings_with_lint_error,
    engine
        | engine
        | {
            let p = with_base(engine);
            p.alembic(&["upgrade", "a1"]).ok();
            p.script("b2")
        .down_revision("a1")
        .message("archive posts")
        .upgrade("CREATE TABLE tags (id INTEGER PRIMARY KEY, name TEXT);\nDROP TABLE posts;")
        .downgrade("CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER, body TEXT);\nCREATE INDEX ix_posts_body ON posts (body);\nDROP TABLE tags;")
        .write();
            p.write_ini("lint = error");
            let run = p.alembic(&["upgrade", "head"]);
            assert_run!(&p, "refused", run);
            assert_eq!(p.version_rows(), ["a1"]);
            assert!(p.tables().iter().any(|t| t == "posts"), "{:?}", p.tables());
            assert!(!p.tables().iter().any(|t| t == "tags"), "{:?}", p.tables());
            let run = p.alembic(&["upgrade", "a1:head", "--sql"]);
            assert_run!(&p, "refused_sql", run);
            // Revisions already applied are not judged: upgrading to a1 again is clean.
            p.alembic(&["upgrade", "a1"]).ok();
            p.write_ini("lint = warn");
            let run = p.alembic(&["upgrade", "head"]).ok();
            assert_run!(&p, "warned", run);
            assert_eq!(p.version_rows(), ["b2"]);
            assert!(!p.tables().iter().any(|t| t == "posts"), "{:?}", p.tables());
            p.write_ini("lint = sometimes");
            let run = p.alembic(&["upgrade", "head"]);
            assert_run!(&p, "bad_value", run);
        }
);

/// Two statements on one line: each finding is at its own statement's column.
#[test]
fn a_second_statement_on_a_line_is_reported_at_its_column() {
    let p = with_base(Engine::Sqlite);
    p.script("b2")
        .down_revision("a1")
        .upgrade("CREATE INDEX a ON users (email); CREATE INDEX b ON users (name);\n  DROP INDEX ix_posts_body;   DROP TABLE posts;")
        .downgrade("SELECT 1;")
        .write();
    let run = p.alembic(&["lint", "a1:b2", "--dialect", "postgresql"]);
    assert_run!(&p, "same_line", run);
}

/// A `.py` revision's findings point at the `op.*` call in the Python file: its line and
/// column, for a plain call, a call in a batch block or a loop, a result bound to a name, and
/// each statement of one `op.execute`.
#[test]
fn a_python_revision_reports_its_calls_lines_and_columns() {
    let p = with_base(Engine::Sqlite);
    std::fs::write(
        p.versions().join("b2_py.py"),
        "\"\"\"py lint\"\"\"
from alembic import op
import sqlalchemy as sa

revision = 'b2'
down_revision = 'a1'


def upgrade():
    op.create_index('ix_users_email', 'users', ['email'])
    with op.batch_alter_table('users') as batch_op:
        batch_op.drop_column('name')
    for name in ['age', 'rank']:
        op.add_column('users', sa.Column(name, sa.Integer(), nullable=False))
    tags = op.create_table('tags', sa.Column('id', sa.Integer(), primary_key=True), sa.Column('name', sa.String(20), index=True))
    op.execute(\"DELETE FROM posts; UPDATE users SET email = NULL\")
    op.create_index('ix_tags_id', 'tags', ['id'])


def downgrade():
    pass
",
    )
    .expect("write");
    let run = p.alembic(&["lint", "a1:b2", "--dialect", "postgresql"]);
    assert_run!(&p, "python", run);
    let run = p.alembic(&["lint", "a1:b2", "--dialect", "sqlite"]);
    assert_run!(&p, "python_sqlite", run);
}
