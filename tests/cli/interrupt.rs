//! Ctrl-C and SIGTERM during a run (issue #19, point 7): the binary runs a migration with a
//! long statement on a real database, the test sends the signal, and checks what a user
//! would: exit status 130 or 143, one `FAILED:` line, the version rows and tables unchanged,
//! the migration lock free (the next run starts at once) and, on PostgreSQL, no backend
//! still running the statement.

use std::io::Read;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::engine_test;
use crate::support::{pg, Engine, Project};

/// A statement that runs for a minute or more on the engine.
fn long_statement(engine: Engine) -> &'static str {
    match engine {
        Engine::Postgres => "SELECT pg_sleep(120);",
        Engine::Sqlite => {
            "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 5000000000) \
             SELECT count(*) FROM c;"
        }
    }
}

/// The binary running in the background, its stderr collected as it comes.
pub(crate) struct Background {
    child: Child,
    stderr: Arc<Mutex<String>>,
}

impl Background {
    pub(crate) fn start(p: &Project, args: &[&str]) -> Background {
        let mut child = Command::new(env!("CARGO_BIN_EXE_alembic"))
            .args(args)
            .current_dir(p.dir.path())
            .env_remove("DATABASE_URL")
            .env_remove("ALEMBIC_CONFIG")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run alembic");
        let stderr = Arc::new(Mutex::new(String::new()));
        let mut pipe = child.stderr.take().expect("stderr");
        let sink = Arc::clone(&stderr);
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n @ 1..) = pipe.read(&mut buf) {
                sink.lock()
                    .unwrap()
                    .push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        });
        Background { child, stderr }
    }

    pub(crate) fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// Waits up to 30 s for `text` on stderr.
    pub(crate) fn wait_for(&self, text: &str) {
        let start = Instant::now();
        while !self.stderr().contains(text) {
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "never printed {text:?}; stderr:\n{}",
                self.stderr()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn signal(&self, name: &str) {
        let status = Command::new("kill")
            .args([&format!("-{name}"), &self.child.id().to_string()])
            .status()
            .expect("run kill");
        assert!(status.success(), "kill -{name} failed");
    }

    /// Whether it is still running.
    pub(crate) fn running(&mut self) -> bool {
        self.child.try_wait().expect("wait").is_none()
    }

    /// Ends it with SIGKILL.
    pub(crate) fn kill(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Waits up to 20 s for the exit; returns the status and the whole stderr.
    pub(crate) fn finish(mut self) -> (i32, String) {
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                // Let the reader thread take the last bytes.
                std::thread::sleep(Duration::from_millis(100));
                return (status.code().unwrap_or(-1), self.stderr());
            }
            if start.elapsed() > Duration::from_secs(20) {
                let _ = self.child.kill();
                panic!(
                    "still running 20 s after the signal; stderr:\n{}",
                    self.stderr()
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

/// Waits until the long statement is running: on PostgreSQL it shows in `pg_stat_activity`;
/// SQLite is given a moment once the step has started.
fn wait_until_running(p: &Project, run: &Background) {
    run.wait_for("Running upgrade  -> a1, slow");
    match p.engine {
        Engine::Sqlite => std::thread::sleep(Duration::from_millis(500)),
        Engine::Postgres => {
            let start = Instant::now();
            while sleeping_backends(p) == 0 {
                assert!(
                    start.elapsed() < Duration::from_secs(30),
                    "pg_sleep never ran"
                );
                std::thread::sleep(Duration::from_millis(20));
            }
        }
    }
}

/// Backends of the project's database running the long statement.
fn sleeping_backends(p: &Project) -> usize {
    let db = p.url.rsplit('/').next().unwrap().to_string();
    pg::query_column(
        &pg::admin_url("postgres"),
        &format!(
            "SELECT pid FROM pg_stat_activity WHERE datname = '{db}' AND state = 'active' \
             AND query LIKE 'SELECT pg_sleep(120)%'"
        ),
    )
    .len()
}

/// Runs the slow migration, sends `signal` while its long statement runs, and checks the
/// whole outcome; `status` is the exit status the signal must give.
fn interrupted(p: &Project, signal: &str, status: i32) {
    p.script("a1")
        .message("slow")
        .upgrade(&format!(
            "CREATE TABLE t (id INTEGER);\n{}",
            long_statement(p.engine)
        ))
        .write();
    let run = Background::start(p, &["upgrade", "head"]);
    wait_until_running(p, &run);
    let sent = Instant::now();
    run.signal(signal);
    let (code, stderr) = run.finish();
    let took = sent.elapsed();
    assert_eq!(code, status, "stderr:\n{stderr}");
    let failed: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("FAILED:"))
        .collect();
    assert_eq!(
        p.normalize(&failed.join("\n")),
        format!(
            "FAILED: interrupted by SIG{signal}: $DIR/migrations/versions/a1.sql:10: the statement \
             was cancelled (revision a1; this migration was rolled back; none were applied); \
             the migration lock is released"
        ),
        "stderr:\n{stderr}"
    );
    assert!(took < Duration::from_secs(10), "took {took:?} to stop");
    assert_eq!(p.tables(), Vec::<String>::new());
    assert_eq!(p.version_rows(), Vec::<String>::new());
    if p.engine == Engine::Postgres {
        // The server is not left running the statement.
        let start = Instant::now();
        while sleeping_backends(p) > 0 {
            assert!(
                start.elapsed() < Duration::from_secs(5),
                "the server still runs the cancelled statement"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
    // The lock is free: the next run does not wait for it, and applies the revision.
    p.script("a1")
        .message("slow")
        .upgrade("CREATE TABLE t (id INTEGER);")
        .write();
    p.write_ini("lock_timeout = 2");
    let next = p.alembic(&["upgrade", "head"]).ok();
    assert!(!next.stderr.contains("Waiting"), "{}", next.stderr);
    assert_eq!(p.tables(), ["t"]);
    assert_eq!(p.version_rows(), ["a1"]);
}

engine_test!(ctrl_c_cancels_the_running_statement_and_rolls_back, |p| {
    interrupted(p, "INT", 130);
});

engine_test!(sigterm_cancels_the_running_statement_and_rolls_back, |p| {
    interrupted(p, "TERM", 143);
});

engine_test!(ctrl_c_ends_a_wait_for_the_migration_lock, |p| {
    p.script("a1")
        .message("slow")
        .upgrade(&format!(
            "CREATE TABLE t (id INTEGER);\n{}",
            long_statement(p.engine)
        ))
        .write();
    let first = Background::start(p, &["upgrade", "head"]);
    wait_until_running(p, &first);
    let second = Background::start(p, &["upgrade", "head"]);
    second.wait_for("Waiting for another alembic run to release the migration lock...");
    let sent = Instant::now();
    second.signal("INT");
    let (code, stderr) = second.finish();
    assert!(sent.elapsed() < Duration::from_secs(5), "{stderr}");
    assert_eq!(code, 130, "stderr:\n{stderr}");
    let failed: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("FAILED:"))
        .collect();
    assert_eq!(
        failed,
        [
            "FAILED: interrupted by SIGINT: cancelled while waiting for the migration lock held \
          by another process"
        ]
    );
    first.signal("INT");
    assert_eq!(first.finish().0, 130);
    assert_eq!(p.version_rows(), Vec::<String>::new());
});

/// On SQLite, a run waiting for another connection's write lock (SQLite's busy wait, up to
/// `lock_timeout`) stops at the signal too, though `sqlite3_interrupt` does not reach that
/// wait.
#[test]
fn ctrl_c_ends_a_sqlite_wait_for_another_connections_write() {
    let p = Project::new(Engine::Sqlite);
    p.write_ini("lock_timeout = 120");
    p.script("a1")
        .message("quick")
        .upgrade("CREATE TABLE t (id INTEGER);")
        .write();
    let writer = rusqlite::Connection::open(p.path("test.db")).unwrap();
    writer
        .execute_batch(
            "CREATE TABLE other (id INTEGER); BEGIN EXCLUSIVE; INSERT INTO other VALUES (1);",
        )
        .unwrap();
    let run = Background::start(&p, &["upgrade", "head"]);
    run.wait_for("Will assume transactional DDL.");
    std::thread::sleep(Duration::from_millis(500));
    let sent = Instant::now();
    run.signal("INT");
    let (code, stderr) = run.finish();
    assert!(sent.elapsed() < Duration::from_secs(5), "{stderr}");
    assert_eq!(code, 130, "stderr:\n{stderr}");
    let failed: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("FAILED:"))
        .collect();
    assert_eq!(failed.len(), 1, "{stderr}");
    assert!(
        failed[0].starts_with("FAILED: interrupted by SIGINT: "),
        "{stderr}"
    );
    writer.execute_batch("COMMIT").unwrap();
    assert_eq!(p.version_rows(), Vec::<String>::new());
    p.alembic(&["upgrade", "head"]).ok();
    assert_eq!(p.version_rows(), ["a1"]);
}

/// A signal while the connection is still being made (a server that never answers) ends the
/// command at once with the signal's status and one line: there is nothing to roll back.
#[test]
fn sigterm_while_connecting_ends_the_command_at_once() {
    let server = crate::support::StallingServer::start();
    let p = Project::new(Engine::Sqlite);
    p.linear();
    let url = format!(
        "postgresql://u@127.0.0.1:{}/db?connect_timeout=60",
        server.port
    );
    let ini = std::fs::read_to_string(p.path("alembic.ini")).unwrap();
    std::fs::write(p.path("alembic.ini"), ini.replace(&p.url, &url)).unwrap();
    let run = Background::start(&p, &["upgrade", "head"]);
    run.wait_for("Waiting for the server at");
    let sent = Instant::now();
    run.signal("TERM");
    let (code, stderr) = run.finish();
    assert!(sent.elapsed() < Duration::from_secs(5), "{stderr}");
    assert_eq!(code, 143, "stderr:\n{stderr}");
    let failed: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("FAILED:"))
        .collect();
    assert_eq!(failed, ["FAILED: interrupted by SIGTERM"], "{stderr}");
}
