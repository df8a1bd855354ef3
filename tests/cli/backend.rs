//! LiteKB's own history (`backend/`): it builds a real database on both engines, data written
//! at the first revision survives every later one, `models.sql` equals the head (`check`
//! passes, autogenerate writes nothing), and it downgrades cleanly to base.

use std::path::Path;

use crate::engine_test;
use crate::support::{pg, run_in, sqlite_column, Engine, Run};

/// A copy of `backend/` (ini and scripts, no data) in a temp dir, on one engine.
struct Backend {
    dir: tempfile::TempDir,
    engine: Engine,
    url: String,
}

impl Backend {
    fn new(engine: Engine) -> Backend {
        let dir = tempfile::tempdir().expect("temp dir");
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("backend");
        std::fs::copy(src.join("alembic.ini"), dir.path().join("alembic.ini")).expect("copy ini");
        std::fs::copy(src.join("models.sql"), dir.path().join("models.sql")).expect("copy models");
        copy_dir(&src.join("alembic"), &dir.path().join("alembic"));
        let url = match engine {
            Engine::Sqlite => format!("sqlite:///{}", dir.path().join("data/litekb.db").display()),
            Engine::Postgres => pg::database_url(),
        };
        Backend { dir, engine, url }
    }

    fn alembic(&self, args: &[&str]) -> Run {
        let url = format!("url={}", self.url);
        let mut all = vec!["-x", url.as_str()];
        all.extend_from_slice(args);
        run_in(self.dir.path(), &all)
    }

    fn query(&self, sql: &str) -> Vec<String> {
        match self.engine {
            Engine::Sqlite => sqlite_column(&self.dir.path().join("data/litekb.db"), sql),
            Engine::Postgres => pg::query_column(&self.url, sql),
        }
    }

    fn execute(&self, sql: &str) {
        match self.engine {
            Engine::Sqlite => {
                let conn = rusqlite::Connection::open(self.dir.path().join("data/litekb.db"))
                    .expect("open");
                conn.execute_batch(sql).expect("execute");
            }
            Engine::Postgres => pg::execute(&self.url, sql),
        }
    }

    fn tables(&self) -> Vec<String> {
        let mut t = match self.engine {
            Engine::Sqlite => self.query(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'documents_fts_%'",
            ),
            Engine::Postgres => pg::tables(&self.url),
        };
        t.sort();
        t
    }

    /// Ids of documents matching a full-text query.
    fn search(&self, word: &str) -> Vec<String> {
        match self.engine {
            Engine::Sqlite => self.query(&format!(
                "SELECT rowid FROM documents_fts WHERE documents_fts MATCH '{word}' ORDER BY rowid"
            )),
            Engine::Postgres => self.query(&format!(
                "SELECT id::text FROM documents WHERE search_vector @@ to_tsquery('english', '{word}') ORDER BY id"
            )),
        }
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read dir") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

const HEAD: &str = "e2a84c6d1f95";
const FIRST: &str = "3f1c2a7e9b01";

fn history_builds_keeps_data_and_downgrades(engine: Engine) {
    let b = Backend::new(engine);
    // Write a document at the first revision.
    b.alembic(&["upgrade", FIRST]).ok();
    b.execute(
        "INSERT INTO collections (name) VALUES ('notes');
         INSERT INTO documents (collection_id, title, content, content_hash)
         VALUES ((SELECT id FROM collections WHERE name = 'notes'), 'Migrations', 'rust makes migrations fast', 'h1');",
    );
    // Every later revision keeps it; the FTS migration indexes it and the backfill counts it.
    let run = b.alembic(&["upgrade", "head"]).ok();
    assert_eq!(run.running().len(), 4, "{}", run.stderr);
    assert_eq!(b.query("SELECT version_num FROM alembic_version"), [HEAD]);
    assert_eq!(b.query("SELECT title FROM documents"), ["Migrations"]);
    assert_eq!(b.query("SELECT word_count FROM documents"), ["4"]);
    assert_eq!(b.search("migrations"), ["1"]);
    // New rows are indexed too (triggers on SQLite, a generated column on PostgreSQL).
    b.execute(
        "INSERT INTO documents (collection_id, title, content, content_hash)
         VALUES ((SELECT id FROM collections WHERE name = 'notes'), 'Search', 'full text search', 'h2');
         INSERT INTO tags (name) VALUES ('howto');
         INSERT INTO document_tags (document_id, tag_id) VALUES (2, 1);
         INSERT INTO chunks (document_id, position, content, embedding, embedding_dim) VALUES (2, 0, 'full text', NULL, NULL);",
    );
    assert_eq!(b.search("search"), ["2"]);
    // models.sql is the head: check agrees, and autogenerate has nothing to write.
    let run = b.alembic(&["check"]).ok();
    assert_eq!(run.stdout, "No new upgrade operations detected.\n");
    let versions = b.dir.path().join("alembic/versions");
    let before = std::fs::read_dir(&versions).expect("versions").count();
    let run = b
        .alembic(&["revision", "--autogenerate", "-m", "nothing"])
        .ok();
    assert_eq!(
        run.stdout,
        "No changes in schema detected; no revision written.\n"
    );
    assert_eq!(
        std::fs::read_dir(&versions).expect("versions").count(),
        before
    );
    let mut expected = vec![
        "alembic_version",
        "chunks",
        "collections",
        "document_tags",
        "documents",
        "tags",
    ];
    if engine == Engine::Sqlite {
        expected.push("documents_fts");
        expected.sort_unstable();
    }
    let mut expected: Vec<String> = expected.into_iter().map(String::from).collect();
    expected.sort();
    let tables: Vec<String> = b
        .tables()
        .into_iter()
        .filter(|t| !t.ends_with("_history"))
        .collect();
    assert_eq!(tables, expected);

    // Down to base leaves only the version table (and the tool's history table), empty.
    let run = b.alembic(&["downgrade", "base"]).ok();
    assert_eq!(run.running().len(), 5, "{}", run.stderr);
    let left: Vec<String> = b
        .tables()
        .into_iter()
        .filter(|t| !t.ends_with("_history"))
        .collect();
    assert_eq!(left, ["alembic_version"]);
    assert!(b
        .query("SELECT version_num FROM alembic_version")
        .is_empty());
    // And up again.
    b.alembic(&["upgrade", "head"]).ok();
    assert_eq!(b.query("SELECT version_num FROM alembic_version"), [HEAD]);
}

engine_test!(
    backend_history,
    engine | engine | {
        history_builds_keeps_data_and_downgrades(engine);
    }
);

#[test]
fn backend_offline_sql_for_both_dialects() {
    let b = Backend::new(Engine::Sqlite);
    let sqlite_sql = run_in(b.dir.path(), &["upgrade", "--sql"]).ok().stdout;
    assert!(
        sqlite_sql.contains("CREATE VIRTUAL TABLE documents_fts USING fts5("),
        "{sqlite_sql}"
    );
    let pg_sql = run_in(
        b.dir.path(),
        &[
            "-x",
            "url=postgresql://litekb:secret@localhost/litekb",
            "upgrade",
            "--sql",
        ],
    )
    .ok()
    .stdout;
    assert!(pg_sql.contains("GENERATED ALWAYS AS ("), "{pg_sql}");
    assert!(!pg_sql.contains("fts5"), "{pg_sql}");
}

/// The seed README's commands, in its order, from a copy of `backend/`.
fn seed_commands_on_the_backend(engine: Engine) {
    let b = Backend::new(engine);
    // 1. `init` is for the first time only: here the script directory exists, and init says so.
    let init = b.alembic(&["init", "alembic"]).failed();
    assert_eq!(init, "Directory alembic already exists and is not empty");
    // 3. Run migrations, inspect, roll back one.
    b.alembic(&["upgrade", "head"]).ok();
    b.alembic(&["upgrade", FIRST]).ok();
    assert_eq!(
        b.alembic(&["current"]).ok().stdout,
        format!("{HEAD} (head)\n")
    );
    assert_eq!(b.alembic(&["history"]).ok().stdout.lines().count(), 5);
    b.alembic(&["downgrade", "-1"]).ok();
    assert_eq!(b.alembic(&["current"]).ok().stdout, "c71f0e2b9d84\n");
    // 4. SQL for review, and the commands table.
    let sql = b.alembic(&["upgrade", "--sql"]).ok().stdout;
    assert!(
        sql.contains("-- Running upgrade c71f0e2b9d84 -> e2a84c6d1f95"),
        "{sql}"
    );
    b.alembic(&["upgrade", "+1"]).ok();
    assert_eq!(
        b.alembic(&["heads"]).ok().stdout,
        format!("{HEAD} (head)\n")
    );
    assert_eq!(b.alembic(&["branches"]).ok().stdout, "");
    // Auto-generate: the models are the head, so there is nothing to write.
    let auto = b
        .alembic(&["revision", "--autogenerate", "-m", "description"])
        .ok();
    assert!(
        auto.stdout.contains("No changes in schema detected"),
        "{}",
        auto.stdout
    );
    // 2. A new hand-written migration, then troubleshooting.
    b.alembic(&["revision", "-m", "your_migration_name"]).ok();
    let pending = b.alembic(&["pending"]).ok().stdout;
    assert!(pending.starts_with(&format!("{HEAD} -> ")), "{pending}");
    assert!(b
        .alembic(&["current", "-v"])
        .ok()
        .stdout
        .starts_with("Current revision(s) for "));
    b.alembic(&["stamp", HEAD]).ok();
    // Conflicts: a second branch from the old head, merged, upgraded.
    b.alembic(&["revision", "-m", "other branch", "--head", HEAD, "--splice"])
        .ok();
    b.alembic(&["merge", "heads", "-m", "merge"]).ok();
    b.alembic(&["upgrade", "head"]).ok();
    assert!(b
        .alembic(&["current"])
        .ok()
        .stdout
        .ends_with("(head) (mergepoint)\n"));
    assert_eq!(
        b.alembic(&["check"]).ok().stdout,
        "No new upgrade operations detected.\n"
    );
}

engine_test!(
    seed_commands_on_the_backend,
    engine | engine | {
        seed_commands_on_the_backend(engine);
    }
);
