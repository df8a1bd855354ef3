//! `Migrator::verify`, the start-up guard: a database ahead of the embedded history, or
//! with an applied script that changed, is refused with a typed error; one behind it passes.

use litekb_migrations::{EmbeddedScripts, Migrator, ScriptSource, VerifyError};

use crate::pg;

static MIGRATIONS: EmbeddedScripts = litekb_migrations::embed!("backend/alembic");

const HEAD: &str = "e2a84c6d1f95";

/// A newer build's history: backend/alembic and one revision more.
fn newer_history(dir: &std::path::Path) -> std::path::PathBuf {
    let scripts = dir.join("newer");
    let versions = scripts.join("versions");
    std::fs::create_dir_all(&versions).unwrap();
    for file in MIGRATIONS.files() {
        let name = std::path::Path::new(file.path).file_name().unwrap();
        std::fs::write(versions.join(name), file.bytes).unwrap();
    }
    std::fs::write(
        versions.join("f00000000001_more.sql"),
        format!(
            "-- revision: f00000000001\n-- down_revision: {HEAD}\n\n-- +upgrade\n\
             CREATE TABLE later (id INTEGER PRIMARY KEY);\n\n-- +downgrade\nDROP TABLE later;\n"
        ),
    )
    .unwrap();
    scripts
}

fn refuses_a_database_ahead_and_an_edited_script(url: &str, execute: &dyn Fn(&str)) {
    let dir = tempfile::tempdir().unwrap();
    let migrator = Migrator::new(&MIGRATIONS);
    // Behind (empty) and at head: both fine.
    assert!(migrator.verify(url).unwrap().unchanged.is_empty());
    migrator.upgrade(url, "head").unwrap();
    let found = migrator.verify(url).unwrap();
    assert_eq!(found.unchanged.len(), 5);
    assert!(found.changed.is_empty() && found.unrecorded.is_empty());

    // A newer build migrated it further.
    let newer = newer_history(dir.path());
    Migrator::new(ScriptSource::Directory(&newer))
        .upgrade(url, "head")
        .unwrap();
    match migrator.verify(url) {
        Err(err @ VerifyError::UnknownRevisions { .. }) => {
            assert_eq!(
                err.to_string(),
                "the database is at revision f00000000001 that this history doesn't have: \
                 a newer build or another branch migrated it"
            );
        }
        other => panic!("{other:?}"),
    }
    Migrator::new(ScriptSource::Directory(&newer))
        .downgrade(url, HEAD)
        .unwrap();

    // The script that ran for 8d24b6f0c3a2 is not the one this build carries.
    execute(
        "UPDATE alembic_version_history SET checksum = repeat('0', 64) \
         WHERE revision = '8d24b6f0c3a2'",
    );
    match migrator.verify(url) {
        Err(VerifyError::EditedScripts { revisions }) => {
            assert_eq!(revisions.len(), 1);
            assert_eq!(revisions[0].0, "8d24b6f0c3a2");
            assert!(revisions[0]
                .1
                .ends_with("8d24b6f0c3a2_add_chunks_with_embeddings.sql"));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn verify_guards_a_sqlite_database() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("app.db");
    let url = format!("sqlite:///{}", db.display());
    let execute = |sql: &str| {
        let conn = rusqlite::Connection::open(&db).unwrap();
        // SQLite has no repeat(); the same 64 zeros.
        let sql = sql.replace("repeat('0', 64)", &format!("'{}'", "0".repeat(64)));
        conn.execute(&sql, []).unwrap();
    };
    refuses_a_database_ahead_and_an_edited_script(&url, &execute);
}

#[test]
fn verify_guards_a_postgresql_database() {
    let url = pg::database_url();
    refuses_a_database_ahead_and_an_edited_script(&url, &|sql| pg::execute(&url, sql));
}

#[test]
fn verify_fails_as_a_check_when_the_database_cannot_be_reached() {
    let url = format!("postgresql://postgres@127.0.0.1:{}/x", pg::closed_port());
    match Migrator::new(&MIGRATIONS).verify(url.as_str()) {
        Err(VerifyError::Check(err)) => assert!(err.to_string().contains("can't connect"), "{err}"),
        other => panic!("{other:?}"),
    }
}
