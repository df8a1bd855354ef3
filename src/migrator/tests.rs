//! The Migrator over a script directory on disk and a SQLite file.

use std::path::Path;
use std::sync::{Arc, Mutex};

use super::*;
use crate::script::Checksums;

/// Writes a line of `n` revisions `r000…`, each creating table `t<i>`, under `dir/versions`.
fn write_history(dir: &Path, n: usize) {
    let versions = dir.join("versions");
    std::fs::create_dir_all(&versions).unwrap();
    for i in 0..n {
        let down = if i == 0 {
            String::new()
        } else {
            format!("r{:03}", i - 1)
        };
        std::fs::write(
            versions.join(format!("r{i:03}.sql")),
            format!(
                "-- revision: r{i:03}\n-- down_revision: {down}\n-- message: step {i}\n\n\
                 -- +upgrade\nCREATE TABLE t{i} (id INTEGER PRIMARY KEY);\n\n\
                 -- +downgrade\nDROP TABLE t{i};\n"
            ),
        )
        .unwrap();
    }
}

fn tables(db: &Path) -> Vec<String> {
    let conn = rusqlite::Connection::open(db).unwrap();
    let mut stmt = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .unwrap();
    stmt.query_map([], |row| row.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap()
}

#[test]
fn upgrade_pending_current_and_downgrade_over_a_directory() {
    let dir = tempfile::tempdir().unwrap();
    let scripts = dir.path().join("migrations");
    write_history(&scripts, 3);
    let db = dir.path().join("data/app.db");
    let url = format!("sqlite:///{}", db.display());
    let events = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&events);
    let migrator = Migrator::new(ScriptSource::Directory(&scripts)).on_event(move |e| {
        if let Event::StepStarted { summary, doc, .. } = e {
            seen.lock().unwrap().push(format!("{summary}, {doc}"));
        }
    });

    let pending = migrator.pending(&url).unwrap();
    let ids: Vec<_> = pending
        .steps
        .iter()
        .flat_map(|s| s.revision.clone())
        .collect();
    assert_eq!(ids, ["r000", "r001", "r002"]);
    assert_eq!(migrator.current(&url).unwrap(), Vec::<String>::new());

    assert_eq!(migrator.upgrade(&url, "head").unwrap().steps.len(), 3);
    assert_eq!(
        tables(&db),
        [
            "alembic_version",
            "alembic_version_history",
            "t0",
            "t1",
            "t2"
        ]
    );
    assert_eq!(migrator.current(&url).unwrap(), ["r002"]);
    assert!(migrator.pending(&url).unwrap().steps.is_empty());
    assert_eq!(
        *events.lock().unwrap(),
        [
            "upgrade  -> r000, step 0",
            "upgrade r000 -> r001, step 1",
            "upgrade r001 -> r002, step 2",
        ]
    );

    migrator.downgrade(&url, "-2").unwrap();
    assert_eq!(migrator.current(&url).unwrap(), ["r000"]);
    assert_eq!(
        tables(&db),
        ["alembic_version", "alembic_version_history", "t0"]
    );
}

#[test]
fn settings_name_the_version_table_and_sql_writes_the_same_steps() {
    let dir = tempfile::tempdir().unwrap();
    let scripts = dir.path().join("migrations");
    write_history(&scripts, 2);
    let db = dir.path().join("app.db");
    let url = format!("sqlite:///{}", db.display());
    let migrator = Migrator::new(ScriptSource::Directory(&scripts))
        .version_table("service_version")
        .lock_timeout(Duration::from_secs(1))
        .transaction_per_migration(false);
    migrator.upgrade(&url, "r000").unwrap();
    assert_eq!(
        tables(&db),
        ["service_version", "service_version_history", "t0"]
    );
    let plan = migrator.plan(&url, Operation::Upgrade("head")).unwrap();
    assert_eq!(plan.steps.len(), 1);

    let mut out = Vec::new();
    let start = migrator.current(&url).unwrap();
    let written = migrator
        .sql(
            Dialect::Sqlite,
            &start,
            Operation::Upgrade("head"),
            &mut out,
        )
        .unwrap();
    assert_eq!(written.steps.len(), 1);
    let sql = String::from_utf8(out).unwrap();
    assert!(sql.contains("CREATE TABLE t1"), "{sql}");
    assert!(
        sql.contains("UPDATE service_version SET version_num='r001'"),
        "{sql}"
    );
    assert!(!sql.contains("CREATE TABLE t0"), "{sql}");
}

#[test]
fn a_bad_url_and_an_unknown_target_are_errors_that_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let scripts = dir.path().join("migrations");
    write_history(&scripts, 1);
    let migrator = Migrator::new(ScriptSource::Directory(&scripts));
    let err = migrator.upgrade("mysql://x/y", "head").unwrap_err();
    assert!(err.to_string().contains("mysql://x/y"), "{err}");
    let db = dir.path().join("app.db");
    let url = format!("sqlite:///{}", db.display());
    let err = migrator.upgrade(&url, "nope").unwrap_err();
    assert!(err.to_string().contains("nope"), "{err}");
    assert_eq!(migrator.current(&url).unwrap(), Vec::<String>::new());
}

static BACKEND: crate::EmbeddedScripts = crate::embed!("backend/alembic");
static BACKEND_INI: crate::EmbeddedScripts = crate::embed!("backend/alembic.ini");

#[test]
fn the_embedded_backend_history_is_the_one_on_disk() {
    let disk = Project::from_source(
        ScriptSource::Directory(Path::new("backend/alembic")),
        Checksums::Compute,
    )
    .unwrap();
    for set in [&BACKEND, &BACKEND_INI] {
        let embedded = Project::from_source(set.into(), Checksums::Compute).unwrap();
        let mut ids: Vec<_> = embedded.scripts.keys().collect();
        ids.sort();
        let mut on_disk: Vec<_> = disk.scripts.keys().collect();
        on_disk.sort();
        assert_eq!(ids, on_disk);
        assert_eq!(embedded.map.heads(), disk.map.heads());
        for (id, script) in &embedded.scripts {
            assert_eq!(script.checksum, disk.scripts[id].checksum, "{id}");
            assert!(
                script.path.starts_with("backend/alembic/versions"),
                "{:?}",
                script.path
            );
        }
    }
    assert!(BACKEND_INI.ini().unwrap().contains("script_location"));
    assert_eq!(BACKEND.files().len(), 5);
}

#[test]
fn an_embedded_history_migrates_with_no_scripts_on_disk() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("app.db");
    let url = format!("sqlite:///{}", db.display());
    let migrator = Migrator::new(&BACKEND);
    assert_eq!(migrator.pending(&url).unwrap().steps.len(), 5);
    migrator.upgrade(&url, "head").unwrap();
    assert!(migrator.pending(&url).unwrap().steps.is_empty());
    assert_eq!(migrator.current(&url).unwrap(), ["e2a84c6d1f95"]);
    let tables = tables(&db);
    for table in ["collections", "documents", "chunks", "tags"] {
        assert!(tables.iter().any(|t| t == table), "{table}: {tables:?}");
    }
}

#[test]
fn an_unknown_version_row_names_the_embedded_location() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("app.db");
    let url = format!("sqlite:///{}", db.display());
    let migrator = Migrator::new(&BACKEND);
    migrator.upgrade(&url, "head").unwrap();
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute("UPDATE alembic_version SET version_num = 'abc'", [])
        .unwrap();
    let err = migrator.upgrade(&url, "head").unwrap_err().to_string();
    assert!(
        err.contains("no script in the embedded backend/alembic/versions has that id"),
        "{err}"
    );
}

#[test]
fn a_loaded_project_runs_as_loaded_and_refuses_settings_in_code() {
    let dir = tempfile::tempdir().unwrap();
    let scripts = dir.path().join("migrations");
    write_history(&scripts, 2);
    let url = format!("sqlite:///{}", dir.path().join("app.db").display());
    let project =
        Project::from_source(ScriptSource::Directory(&scripts), Checksums::Compute).unwrap();
    assert_eq!(
        Migrator::for_project(&project)
            .upgrade(&url, "head")
            .unwrap()
            .steps
            .len(),
        2
    );
    let err = Migrator::for_project(&project)
        .version_table("other")
        .current(&url)
        .unwrap_err();
    assert!(err.to_string().contains("settings"), "{err}");
}

/// A history whose second revision fails (it creates `t0` again).
fn write_failing_history(dir: &Path) {
    write_history(dir, 1);
    std::fs::write(
        dir.join("versions/r001.sql"),
        "-- revision: r001\n-- down_revision: r000\n-- message: fails\n\n\
         -- +upgrade\nCREATE TABLE t0 (id INTEGER PRIMARY KEY);\n\n\
         -- +downgrade\nSELECT 1;\n",
    )
    .unwrap();
}

#[test]
fn over_an_ini_the_setting_methods_beat_the_ini_and_the_ini_beats_the_defaults() {
    let dir = tempfile::tempdir().unwrap();
    write_failing_history(&dir.path().join("migrations"));
    let ini = dir.path().join("alembic.ini");
    std::fs::write(
        &ini,
        "[alembic]\nscript_location = %(here)s/migrations\nversion_table = ini_version\n\
         transaction_per_migration = false\n",
    )
    .unwrap();

    // The ini's settings: its version table, one transaction around the whole run (the
    // failure of r001 takes r000 back with it).
    let db = dir.path().join("ini.db");
    let url = format!("sqlite:///{}", db.display());
    let from_ini = Migrator::new(ScriptSource::Ini(&ini));
    from_ini.upgrade(&url, "head").unwrap_err();
    assert!(
        !tables(&db).contains(&"t0".to_string()),
        "{:?}",
        tables(&db)
    );
    from_ini.upgrade(&url, "r000").unwrap();
    assert_eq!(tables(&db), ["ini_version", "ini_version_history", "t0"]);
    assert_eq!(from_ini.current(&url).unwrap(), ["r000"]);

    // The methods' settings over the same ini: their table, a transaction per migration
    // (r000 stays applied when r001 fails).
    let db = dir.path().join("code.db");
    let url = format!("sqlite:///{}", db.display());
    let in_code = Migrator::new(ScriptSource::Ini(&ini))
        .version_table("code_version")
        .transaction_per_migration(true);
    in_code.upgrade(&url, "head").unwrap_err();
    assert_eq!(tables(&db), ["code_version", "code_version_history", "t0"]);
    assert_eq!(in_code.current(&url).unwrap(), ["r000"]);
    assert_eq!(from_ini.current(&url).unwrap(), Vec::<String>::new());
}
