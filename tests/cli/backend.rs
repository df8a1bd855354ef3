//! LiteKB's own history (`backend/`): it builds a real database on both engines, data written
//! at the first revision survives every later one, `models.py` (SQLAlchemy models, the
//! autogenerate target) equals the head (`check` passes, autogenerate writes nothing), and it
//! downgrades cleanly to base. What SQLAlchemy's `create_all` builds from `models.py`
//! (recorded by `compat/models-oracle` into `tests/fixtures/models/litekb/`, whose
//! `models.py` is a link to `backend/models.py`) is the schema the history builds at head.

use std::path::Path;

use litekb_migrations::internals::schema::Schema;

use crate::engine_test;
use crate::support::{pg, run_in, sqlite_column, Engine, Project, Run};

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
        std::fs::copy(src.join("models.py"), dir.path().join("models.py")).expect("copy models");
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

    /// The live schema, without the tool's own tables.
    fn introspect(&self) -> Schema {
        let url = litekb_migrations::internals::config::DatabaseUrl::parse(&self.url).expect("url");
        let mut db = litekb_migrations::internals::db::connect(&url).expect("connect");
        let mut schema = db.introspect().expect("introspect");
        schema
            .tables
            .retain(|t| !t.name.starts_with("alembic_version"));
        schema
            .other_tables
            .retain(|t| !t.starts_with("alembic_version"));
        schema
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
    // models.py is the head: check agrees, and autogenerate has nothing to write.
    let run = b.alembic(&["check"]).ok();
    assert_eq!(run.stdout, "No new upgrade operations detected.\n");
    // Server defaults too, when asked to compare them (Alembic's compare_server_default).
    let ini = b.dir.path().join("alembic.ini");
    let text = std::fs::read_to_string(&ini).expect("ini");
    std::fs::write(&ini, format!("{text}compare_server_default = true\n")).expect("ini");
    let run = b.alembic(&["check"]).ok();
    assert_eq!(run.stdout, "No new upgrade operations detected.\n");
    std::fs::write(&ini, text).expect("ini");
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

/// The schema `create_all` builds from `backend/models.py` on `engine`.
fn create_all(engine: Engine) -> Schema {
    let dialect = match engine {
        Engine::Sqlite => "sqlite",
        Engine::Postgres => "postgresql",
    };
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!(
        "tests/fixtures/models/litekb/create_all.{dialect}.sql"
    ));
    let ddl = std::fs::read_to_string(&file)
        .unwrap_or_else(|e| panic!("{}: {e} (run compat/models-oracle)", file.display()));
    let db = Project::new(engine);
    db.execute(&ddl);
    db.introspect().sorted()
}

/// The history's schema at head without full-text search, which `models.py` leaves to the
/// history's dialect sections: SQLite's FTS5 table (with its shadow tables) and triggers,
/// PostgreSQL's generated `search_vector` column and its GIN index.
fn history_without_search(b: &Backend) -> Schema {
    let mut schema = b.introspect().sorted();
    let documents = schema.table_mut("documents").expect("documents");
    let search = match b.engine {
        Engine::Sqlite => {
            let triggers: Vec<&str> = documents.triggers.iter().map(|t| t.name.as_str()).collect();
            assert_eq!(
                triggers,
                [
                    "documents_fts_delete",
                    "documents_fts_insert",
                    "documents_fts_update"
                ]
            );
            documents.triggers.clear();
            let fts: Vec<String> = schema
                .other_tables
                .iter()
                .filter(|t| t.starts_with("documents_fts"))
                .cloned()
                .collect();
            schema
                .other_tables
                .retain(|t| !t.starts_with("documents_fts"));
            fts
        }
        Engine::Postgres => {
            let found = (
                std::mem::take(&mut documents.other_columns),
                std::mem::take(&mut documents.other_indexes),
            );
            assert_eq!(found.0, ["search_vector"]);
            assert_eq!(found.1, ["ix_documents_search_vector"]);
            found.0
        }
    };
    assert!(!search.is_empty());
    schema
}

engine_test!(
    create_all_of_models_py_builds_the_history_head,
    engine | engine | {
        let b = Backend::new(engine);
        b.alembic(&["upgrade", "head"]).ok();
        let history = history_without_search(&b);
        let models = create_all(engine);
        assert_eq!(
            models
                .tables
                .iter()
                .map(|t| t.name.as_str())
                .collect::<Vec<_>>(),
            [
                "chunks",
                "collections",
                "document_tags",
                "documents",
                "tags"
            ]
        );
        for (want, got) in models.tables.iter().zip(&history.tables) {
            assert_eq!(
                want, got,
                "create_all vs the history at head, on {engine:?}"
            );
        }
        assert_eq!(models, history);
    }
);

/// `backend/models.py` with a `language` column (indexed) and a `source_id` foreign key on
/// `documents`, to a new `sources` table.
fn models_with_sources() -> String {
    let models =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("backend/models.py"))
            .expect("models.py");
    let anchor = "    word_count: Mapped[int] = mapped_column(server_default=text(\"0\"))\n";
    assert!(
        models.contains(anchor),
        "backend/models.py changed: adapt this test"
    );
    let columns = "    language: Mapped[Optional[str]] = mapped_column(String(16), index=True)
    source_id: Mapped[Optional[int]] = mapped_column(
        BigInteger, ForeignKey(\"sources.id\", ondelete=\"SET NULL\")
    )
";
    let sources = "

class Source(Base):
    __tablename__ = \"sources\"
    __table_args__ = ({\"sqlite_autoincrement\": True},)

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, \"sqlite\"), Identity(), primary_key=True
    )
    uri: Mapped[str] = mapped_column(Text, unique=True)
";
    models.replace(anchor, &format!("{anchor}{columns}")) + sources
}

// The seed's "If you change models.py, you can auto-generate migrations", round trip: on
// SQLite the foreign key rebuilds `documents`, whose full-text triggers and data survive.
engine_test!(
    backend_models_py_round_trip,
    engine | engine | {
        let b = Backend::new(engine);
        b.alembic(&["upgrade", "head"]).ok();
        b.execute(
            "INSERT INTO collections (name) VALUES ('notes');
             INSERT INTO documents (collection_id, title, content, content_hash)
             VALUES (1, 'Migrations', 'rust makes migrations fast', 'h1');",
        );
        let project = crate::autogenerate::ModelsProject {
            alembic: &|args| b.alembic(args),
            introspect: &|| b.introspect().sorted(),
            version_rows: &|| b.query("SELECT version_num FROM alembic_version"),
            models: b.dir.path().join("models.py"),
            versions: b.dir.path().join("alembic/versions"),
        };
        let models = models_with_sources();
        let change = crate::autogenerate::ModelChange {
            models: &models,
            table: "documents",
            new_table: "sources",
            column: "language",
            index: "ix_documents_language",
            fk_column: "source_id",
        };
        let text = crate::autogenerate::models_py_round_trip(&project, &change, "sql");
        assert!(text.contains("CREATE TABLE sources ("), "{text}");
        assert!(text.contains("-- +downgrade\n"), "{text}");
        assert_eq!(b.search("migrations"), ["1"]);
        b.execute(
            "INSERT INTO documents (collection_id, title, content, content_hash)
             VALUES (1, 'Search', 'full text search', 'h2');",
        );
        assert_eq!(b.search("search"), ["2"]);
        assert_eq!(b.query("SELECT version_num FROM alembic_version"), [HEAD]);
    }
);
