//! The migration lock seen from the command line: a second run waits, says so, and gives up
//! after `lock_timeout`; once the first run is done, a rerun finds nothing left to do.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::engine_test;
use crate::support::{pg, Engine, Project};

/// Starts `alembic upgrade head` in the background.
fn spawn_upgrade(p: &Project) -> Child {
    Command::new(env!("CARGO_BIN_EXE_alembic"))
        .args(["upgrade", "head"])
        .current_dir(p.dir.path())
        .env_remove("DATABASE_URL")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn alembic")
}

/// Polls `held` until it is true (the first run holds the migration lock), for up to 30 s.
fn wait_until(first: &mut Child, mut held: impl FnMut() -> bool) {
    let start = Instant::now();
    while !held() {
        if let Ok(Some(status)) = first.try_wait() {
            let mut err = String::new();
            if let Some(mut e) = first.stderr.take() {
                let _ = std::io::Read::read_to_string(&mut e, &mut err);
            }
            panic!("the first run ended ({status}) before it was seen holding the lock:\n{err}");
        }
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "the first run never took the lock"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

engine_test!(a_second_run_waits_for_the_lock_then_times_out, |p| {
    p.write_ini("lock_timeout = 0.5");
    p.script("10c0000001")
        .message("setup")
        .upgrade("CREATE TABLE blocker (id INTEGER);")
        .downgrade("DROP TABLE blocker;")
        .write();
    p.alembic(&["upgrade", "head"]).ok();
    p.script("10c0000002")
        .down_revision("10c0000001")
        .message("reads the blocker")
        .upgrade("CREATE TABLE after_wait (id INTEGER);\nINSERT INTO blocker VALUES (1);")
        .downgrade("DROP TABLE after_wait;")
        .write();

    // Probing the SQLite lock opens the database file; it must stay open until the stall ends,
    // because closing any descriptor of a file drops all of this process's SQLite locks on it.
    let probe = std::fs::File::open(p.path("test.db")).ok();
    // Stall the first run inside its migration, while it holds the migration lock.
    let stall = match p.engine {
        Engine::Sqlite => {
            let conn = rusqlite::Connection::open(p.path("test.db")).expect("open");
            conn.execute_batch("BEGIN IMMEDIATE").expect("write lock");
            Stall::Sqlite(conn)
        }
        Engine::Postgres => {
            let mut client = pg::admin_client(&p.url);
            client
                .batch_execute("BEGIN; LOCK TABLE blocker IN ACCESS EXCLUSIVE MODE")
                .expect("lock");
            Stall::Postgres(client)
        }
    };
    let mut first = spawn_upgrade(p);
    match p.engine {
        Engine::Sqlite => wait_until(&mut first, || {
            let file = probe.as_ref().expect("database file");
            match file.try_lock() {
                Ok(()) => {
                    file.unlock().expect("unlock probe");
                    false
                }
                Err(_) => true,
            }
        }),
        Engine::Postgres => wait_until(&mut first, || {
            pg::query_column(
                &p.url,
                // pg_locks is server-wide: count this test's database only, since other tests
                // run migrations on the same server at the same time.
                "SELECT count(*)::text FROM pg_locks WHERE locktype = 'advisory' AND granted \
                 AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
            ) == ["1"]
        }),
    }

    let second = p.alembic(&["upgrade", "head"]);
    assert!(
        second
            .stderr
            .contains("Waiting for another alembic run to release the migration lock..."),
        "{second:?}"
    );
    let msg = second.failed();
    assert!(
        msg.contains("timed out") && msg.contains("migration lock"),
        "{msg}"
    );

    drop(stall);
    let out = first.wait_with_output().expect("first run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(p.version_rows(), ["10c0000002"]);
    assert_eq!(p.tables(), ["after_wait", "blocker"]);
    // The work is done: a rerun has nothing to apply.
    assert!(p.alembic(&["upgrade", "head"]).ok().running().is_empty());
});

/// What keeps the first run stalled; dropping it commits and lets the run go on.
enum Stall {
    Sqlite(rusqlite::Connection),
    Postgres(postgres::Client),
}

impl Drop for Stall {
    fn drop(&mut self) {
        match self {
            Stall::Sqlite(conn) => conn.execute_batch("COMMIT").expect("commit"),
            Stall::Postgres(client) => client.batch_execute("COMMIT").expect("commit"),
        }
    }
}

/// Runs `upgrade head` through the library on an open SQLite connection; after each step,
/// `during` gets a second connection to the file (no busy timeout). Returns the first
/// connection, still open.
fn upgrade_watching(
    p: &Project,
    mut during: impl FnMut(&rusqlite::Connection),
) -> Box<dyn litekb_migrations::internals::db::Database> {
    use litekb_migrations::internals::ops::{apply_online, Operation};
    use litekb_migrations::internals::runner::Event;

    let config =
        litekb_migrations::internals::config::Config::load(&p.path("alembic.ini"), "alembic")
            .expect("config");
    let url =
        litekb_migrations::internals::config::resolve_url(None, None, config.sqlalchemy_url())
            .expect("url");
    let project =
        litekb_migrations::internals::project::Project::load_with_checksums(config).expect("load");
    let mut db = litekb_migrations::internals::db::connect(&url).expect("connect");
    let other = rusqlite::Connection::open(p.path("test.db")).expect("open");
    let mut steps = 0;
    apply_online(
        &project,
        db.as_mut(),
        Operation::Upgrade("head"),
        &mut |event| {
            if let Event::StepFinished { .. } = event {
                steps += 1;
                during(&other);
            }
        },
    )
    .expect("upgrade");
    assert_eq!(steps, 3);
    db
}

fn read_version(conn: &rusqlite::Connection) -> rusqlite::Result<i64> {
    conn.query_row("SELECT count(*) FROM alembic_version", [], |r| r.get(0))
}

#[test]
fn sqlite_holds_its_locks_for_the_run_and_lets_go_when_it_ends() {
    let p = Project::new(Engine::Sqlite);
    p.linear();
    let mut blocked = 0;
    let db = upgrade_watching(&p, |other| match read_version(other) {
        Err(e) => {
            assert!(e.to_string().contains("database is locked"), "{e}");
            blocked += 1;
        }
        Ok(n) => panic!("read {n} rows in the middle of the run"),
    });
    assert_eq!(blocked, 3);

    // The run is over but its connection is still open: others can read and write.
    let other = rusqlite::Connection::open(p.path("test.db")).expect("open");
    assert_eq!(read_version(&other).expect("read"), 1);
    other
        .execute("CREATE TABLE after_the_run (id INTEGER)", [])
        .expect("write");
    drop(db);
    // The journal kept open during the run is gone, and the file's settings are untouched.
    assert!(!p.path("test.db-journal").exists());
    let mode: String = other
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .expect("journal mode");
    assert_eq!(mode, "delete");
}

#[test]
fn a_sqlite_database_in_wal_mode_stays_readable_during_the_run() {
    let p = Project::new(Engine::Sqlite);
    p.linear();
    let conn = rusqlite::Connection::open(p.path("test.db")).expect("open");
    let mode: String = conn
        .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
        .expect("wal");
    assert_eq!(mode, "wal");
    drop(conn);
    let mut seen = Vec::new();
    let db = upgrade_watching(&p, |other| seen.push(read_version(other).expect("read")));
    assert_eq!(seen, [1, 1, 1]);
    drop(db);
    let conn = rusqlite::Connection::open(p.path("test.db")).expect("open");
    let mode: String = conn
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .expect("journal mode");
    assert_eq!(mode, "wal");
}
