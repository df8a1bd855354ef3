//! Test support: a project in a temp dir, run through the real `alembic` binary, on SQLite or
//! on the throwaway PostgreSQL server of [`pg`].
//!
//! [`engine_test!`] writes one test body once and runs it on both engines.

#![allow(dead_code)]

pub mod pg;
pub mod pty;
pub mod snapshot;

use std::path::{Path, PathBuf};
use std::process::Command;

/// Which database a test runs against.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

/// What a run of the binary gave back.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl From<std::process::Output> for Run {
    fn from(out: std::process::Output) -> Run {
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }
}

impl Run {
    /// Panics with the whole output unless the run succeeded.
    #[track_caller]
    pub fn ok(self) -> Run {
        assert_eq!(
            self.code, 0,
            "expected success\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }

    /// Panics unless the run failed with status 1 and exactly one `FAILED:` line on stderr;
    /// returns that line without the prefix.
    #[track_caller]
    pub fn failed(self) -> String {
        self.failed_with(1)
    }

    /// Panics unless the command ran and answered "no" (`check`, `pending --check`,
    /// `verify`): status 3 and exactly one `FAILED:` line on stderr, which it returns without
    /// the prefix.
    #[track_caller]
    pub fn answered_no(self) -> String {
        self.failed_with(3)
    }

    #[track_caller]
    fn failed_with(self, code: i32) -> String {
        assert_eq!(
            self.code, code,
            "expected exit status {code}\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        let failed: Vec<&str> = self
            .stderr
            .lines()
            .filter(|l| l.starts_with("FAILED: "))
            .collect();
        assert_eq!(
            failed.len(),
            1,
            "expected one FAILED line, stderr:\n{}",
            self.stderr
        );
        assert!(!self.stderr.contains("panicked"), "panic: {}", self.stderr);
        failed[0].trim_start_matches("FAILED: ").to_string()
    }

    /// The `Running ...` log lines, without the log prefix.
    pub fn running(&self) -> Vec<String> {
        self.stderr
            .lines()
            .filter_map(|l| l.strip_prefix("INFO  [alembic.runtime.migration] Running "))
            .map(str::to_string)
            .collect()
    }
}

/// A migration project in a temp dir: `alembic.ini`, `migrations/versions/`, a database.
pub struct Project {
    pub dir: tempfile::TempDir,
    pub engine: Engine,
    pub url: String,
}

impl Project {
    /// A fresh project and database on `engine`.
    pub fn new(engine: Engine) -> Project {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = match engine {
            Engine::Sqlite => format!("sqlite:///{}", dir.path().join("test.db").display()),
            Engine::Postgres => pg::database_url(),
        };
        let project = Project { dir, engine, url };
        project.write_ini("");
        std::fs::create_dir_all(project.versions()).expect("versions dir");
        project
    }

    /// Rewrites `alembic.ini` with extra `[alembic]` lines.
    pub fn write_ini(&self, extra: &str) {
        let ini = format!(
            "[alembic]\nscript_location = %(here)s/migrations\nsqlalchemy.url = {}\n{extra}\n",
            self.url
        );
        std::fs::write(self.path("alembic.ini"), ini).expect("write ini");
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    pub fn versions(&self) -> PathBuf {
        self.path("migrations/versions")
    }

    /// A revision script to write: `p.script("ae10").message("…").upgrade("…").write()`.
    /// Without [`Script::downgrade`] the script has no downgrade section (irreversible).
    pub fn script<'p>(&'p self, rev: &str) -> Script<'p> {
        Script {
            project: self,
            rev: rev.to_string(),
            down_revision: String::new(),
            branch_labels: String::new(),
            depends_on: String::new(),
            message: String::new(),
            upgrade: String::new(),
            downgrade: None,
        }
    }

    /// Runs the binary in the project directory.
    pub fn alembic(&self, args: &[&str]) -> Run {
        run_in(self.dir.path(), args)
    }

    /// The rows of the version table, sorted.
    pub fn version_rows(&self) -> Vec<String> {
        if !self.has_version_table() {
            return Vec::new();
        }
        let mut rows = self.query_column("SELECT version_num FROM alembic_version");
        rows.sort();
        rows
    }

    /// User tables (not the version table or the history table beside it), sorted.
    pub fn tables(&self) -> Vec<String> {
        if self.engine == Engine::Sqlite && !self.path("test.db").exists() {
            return Vec::new();
        }
        let mut t = match self.engine {
            Engine::Sqlite => self.query_column(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
            ),
            Engine::Postgres => pg::tables(&self.url),
        };
        t.retain(|n| n != "alembic_version" && n != "alembic_version_history");
        t.sort();
        t
    }

    /// Whether the version table exists.
    pub fn has_version_table(&self) -> bool {
        match self.engine {
            Engine::Sqlite => {
                self.path("test.db").exists()
                    && !self
                        .query_column(
                            "SELECT name FROM sqlite_master WHERE name = 'alembic_version'",
                        )
                        .is_empty()
            }
            Engine::Postgres => pg::tables(&self.url).iter().any(|t| t == "alembic_version"),
        }
    }

    /// The live schema as the tool introspects it, without the tool's own tables.
    pub fn introspect(&self) -> litekb_migrations::internals::schema::Schema {
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

    /// The first column of a query, as text.
    pub fn query_column(&self, sql: &str) -> Vec<String> {
        match self.engine {
            Engine::Sqlite => sqlite_column(&self.path("test.db"), sql),
            Engine::Postgres => pg::query_column(&self.url, sql),
        }
    }

    /// Runs SQL directly on the database.
    pub fn execute(&self, sql: &str) {
        match self.engine {
            Engine::Sqlite => {
                let conn = rusqlite::Connection::open(self.path("test.db")).expect("open db");
                conn.execute_batch(sql).expect("execute");
            }
            Engine::Postgres => pg::execute(&self.url, sql),
        }
    }

    /// Replaces the temp dir (and the database URL) in output with stable names.
    pub fn normalize(&self, text: &str) -> String {
        let dir = self.dir.path().display().to_string();
        text.replace(&self.url, "$URL").replace(&dir, "$DIR")
    }

    /// The a1 fixture: three linear revisions (account table, a column, an index).
    pub fn linear(&self) {
        self.script("ae1027a6acf")
            .message("create account table")
            .upgrade("CREATE TABLE account (\n    id INTEGER PRIMARY KEY,\n    name VARCHAR(50) NOT NULL\n);")
            .downgrade("DROP TABLE account;")
            .write();
        self.script("27c6a30d7c24")
            .down_revision("ae1027a6acf")
            .message("Add a column")
            .upgrade("ALTER TABLE account ADD COLUMN last_transaction_date TIMESTAMP;")
            .downgrade("ALTER TABLE account DROP COLUMN last_transaction_date;")
            .write();
        self.script("1975ea83b712")
            .down_revision("27c6a30d7c24")
            .message("add third")
            .upgrade("CREATE INDEX ix_account_name ON account (name);")
            .downgrade("DROP INDEX ix_account_name;")
            .write();
    }

    /// The a2 fixture: a base, a branch point, two branches, and their merge.
    pub fn branchy(&self, with_merge: bool) {
        self.script("aaaa00000001")
            .message("base rev")
            .upgrade("CREATE TABLE a (id INTEGER);")
            .downgrade("DROP TABLE a;")
            .write();
        self.script("bbbb00000002")
            .down_revision("aaaa00000001")
            .message("rev b")
            .upgrade("CREATE TABLE b (id INTEGER);")
            .downgrade("DROP TABLE b;")
            .write();
        self.script("cccc00000003")
            .down_revision("bbbb00000002")
            .message("branch one")
            .upgrade("CREATE TABLE c (id INTEGER);")
            .downgrade("DROP TABLE c;")
            .write();
        self.script("dddd00000004")
            .down_revision("bbbb00000002")
            .message("branch two")
            .upgrade("CREATE TABLE d (id INTEGER);")
            .downgrade("DROP TABLE d;")
            .write();
        if with_merge {
            self.script("eeee00000005")
                .down_revision("cccc00000003, dddd00000004")
                .message("merge c and d")
                .downgrade("")
                .write();
        }
    }
}

/// A revision script being described; [`Script::write`] puts it in `migrations/versions/`.
#[must_use = "a script is written only by .write()"]
pub struct Script<'p> {
    project: &'p Project,
    rev: String,
    down_revision: String,
    branch_labels: String,
    depends_on: String,
    message: String,
    upgrade: String,
    downgrade: Option<String>,
}

impl Script<'_> {
    /// The parent revision(s), comma-separated; none makes a base revision.
    pub fn down_revision(mut self, down: &str) -> Self {
        self.down_revision = down.to_string();
        self
    }

    /// Branch labels, comma-separated.
    pub fn branch_labels(mut self, labels: &str) -> Self {
        self.branch_labels = labels.to_string();
        self
    }

    /// Revisions this one depends on, comma-separated.
    pub fn depends_on(mut self, revs: &str) -> Self {
        self.depends_on = revs.to_string();
        self
    }

    pub fn message(mut self, message: &str) -> Self {
        self.message = message.to_string();
        self
    }

    /// The upgrade section's SQL.
    pub fn upgrade(mut self, sql: &str) -> Self {
        self.upgrade = sql.to_string();
        self
    }

    /// The downgrade section's SQL (`""` for an empty but present section).
    pub fn downgrade(mut self, sql: &str) -> Self {
        self.downgrade = Some(sql.to_string());
        self
    }

    /// The script's text, as `write` would put it in the file.
    pub fn text(&self) -> String {
        let mut text = format!(
            "-- revision: {}\n-- down_revision: {}\n-- branch_labels: {}\n-- depends_on: {}\n-- message: {}\n-- create_date: 2026-11-24 05:53:53.500615\n\n-- +upgrade\n{}\n",
            self.rev, self.down_revision, self.branch_labels, self.depends_on, self.message, self.upgrade
        );
        if let Some(down) = &self.downgrade {
            text.push_str(&format!("\n-- +downgrade\n{down}\n"));
        }
        text
    }

    /// Writes `migrations/versions/REV.sql`.
    pub fn write(self) {
        let path = self.project.versions().join(format!("{}.sql", self.rev));
        std::fs::write(path, self.text()).expect("write script");
    }
}

/// The first column of a query on a SQLite file, as text.
pub fn sqlite_column(db: &Path, sql: &str) -> Vec<String> {
    let conn = rusqlite::Connection::open(db).expect("open db");
    let mut stmt = conn.prepare(sql).expect("prepare");
    let rows = stmt
        .query_map([], |r| r.get::<_, rusqlite::types::Value>(0))
        .expect("query");
    rows.map(|v| match v.expect("row") {
        rusqlite::types::Value::Text(t) => t,
        rusqlite::types::Value::Integer(i) => i.to_string(),
        other => format!("{other:?}"),
    })
    .collect()
}

/// Runs the binary in `dir` with a clean environment for the variables it reads.
pub fn run_in(dir: &Path, args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_alembic"))
        .args(args)
        .current_dir(dir)
        .env_remove("DATABASE_URL")
        .env_remove("ALEMBIC_CONFIG")
        .env("TZ", "UTC")
        .stdin(std::process::Stdio::null())
        .output()
        .expect("run alembic");
    Run::from(out)
}

/// Defines `mod $name { fn sqlite(); fn postgres(); }` running one body on both engines:
/// `engine_test!(name, |p| { … })` hands the body a fresh [`Project`] on each engine;
/// `engine_test!(name, engine |e| { … })` hands it the [`Engine`], for tests that build their
/// own fixtures.
#[macro_export]
macro_rules! engine_test {
    ($name:ident, engine |$e:ident| $body:block) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            fn body($e: $crate::support::Engine) $body
            #[test]
            fn sqlite() {
                body($crate::support::Engine::Sqlite);
            }
            #[test]
            fn postgres() {
                body($crate::support::Engine::Postgres);
            }
        }
    };
    ($name:ident, |$p:ident| $body:block) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            fn body($p: &$crate::support::Project) $body
            #[test]
            fn sqlite() {
                body(&$crate::support::Project::new($crate::support::Engine::Sqlite));
            }
            #[test]
            fn postgres() {
                body(&$crate::support::Project::new($crate::support::Engine::Postgres));
            }
        }
    };
}

/// A TCP server on 127.0.0.1 that accepts connections and never says a word: a database
/// server that hangs. Connections are held open until the value is dropped.
pub struct StallingServer {
    pub port: u16,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

impl StallingServer {
    pub fn start() -> StallingServer {
        use std::sync::atomic::{AtomicBool, Ordering};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.set_nonblocking(true).expect("nonblocking");
        let port = listener.local_addr().expect("addr").port();
        let stop = std::sync::Arc::new(AtomicBool::new(false));
        let stopping = stop.clone();
        std::thread::spawn(move || {
            let mut held = Vec::new();
            while !stopping.load(Ordering::Relaxed) {
                match listener.accept() {
                    Ok((stream, _)) => held.push(stream),
                    Err(_) => std::thread::sleep(std::time::Duration::from_millis(20)),
                }
            }
        });
        StallingServer { port, stop }
    }
}

impl Drop for StallingServer {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
    }
}

/// Runs the binary in `dir` with extra environment variables, killing it after `deadline`
/// (then the run's code is -1 and its stderr says it was killed).
/// Runs the binary in `dir` and returns its run and its peak resident memory in kB
/// (`VmHWM`, read from `/proc` while it runs).
pub fn run_measuring_peak_memory(dir: &Path, args: &[&str]) -> (Run, u64) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_alembic"))
        .args(args)
        .current_dir(dir)
        .env_remove("DATABASE_URL")
        .env_remove("ALEMBIC_CONFIG")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run alembic");
    let status = format!("/proc/{}/status", child.id());
    let mut peak = 0;
    while child.try_wait().expect("wait").is_none() {
        let hwm = std::fs::read_to_string(&status)
            .ok()
            .and_then(|s| {
                let line = s.lines().find(|l| l.starts_with("VmHWM:"))?.to_string();
                line.split_whitespace().nth(1)?.parse::<u64>().ok()
            })
            .unwrap_or(0);
        peak = peak.max(hwm);
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    (Run::from(child.wait_with_output().expect("output")), peak)
}

pub fn run_with_deadline(
    dir: &Path,
    args: &[&str],
    env: &[(&str, &str)],
    deadline: std::time::Duration,
) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_alembic"))
        .args(args)
        .current_dir(dir)
        .env_remove("DATABASE_URL")
        .env_remove("ALEMBIC_CONFIG")
        .env_remove("PGCONNECT_TIMEOUT")
        .envs(env.iter().copied())
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run alembic");
    let started = std::time::Instant::now();
    while child.try_wait().expect("wait").is_none() {
        if started.elapsed() > deadline {
            let _ = child.kill();
            let out = child.wait_with_output().expect("output");
            let mut run = Run::from(out);
            run.stderr
                .push_str(&format!("\n(killed after {deadline:?})"));
            return run;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    Run::from(child.wait_with_output().expect("output"))
}

/// A TCP proxy on 127.0.0.1 in front of a server, that a test can make misbehave mid-run:
/// [`Proxy::stall`] stops passing bytes either way (the sockets stay open, as with a hung
/// middlebox), [`Proxy::drop_all`] closes every connection (as a crashed one does).
pub struct Proxy {
    pub port: u16,
    mode: std::sync::Arc<std::sync::atomic::AtomicU8>,
}

const PROXY_FORWARD: u8 = 0;
const PROXY_STALL: u8 = 1;
const PROXY_DROP: u8 = 2;
const PROXY_STOP: u8 = 3;

impl Proxy {
    /// Starts forwarding to `127.0.0.1:target`.
    pub fn start(target: u16) -> Proxy {
        use std::sync::atomic::Ordering;
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.set_nonblocking(true).expect("nonblocking");
        let port = listener.local_addr().expect("addr").port();
        let mode = std::sync::Arc::new(std::sync::atomic::AtomicU8::new(PROXY_FORWARD));
        let state = mode.clone();
        std::thread::spawn(move || {
            while state.load(Ordering::SeqCst) != PROXY_STOP {
                let Ok((client, _)) = listener.accept() else {
                    std::thread::sleep(std::time::Duration::from_millis(10));
                    continue;
                };
                let _ = client.set_nonblocking(false);
                let Ok(server) = std::net::TcpStream::connect(("127.0.0.1", target)) else {
                    continue;
                };
                for (from, to) in [
                    (client.try_clone().unwrap(), server.try_clone().unwrap()),
                    (server, client),
                ] {
                    let state = state.clone();
                    std::thread::spawn(move || pump(from, to, &state));
                }
            }
        });
        Proxy { port, mode }
    }

    /// Stops passing bytes; connections stay open.
    pub fn stall(&self) {
        self.mode
            .store(PROXY_STALL, std::sync::atomic::Ordering::SeqCst);
    }

    /// Closes every connection, both ways.
    pub fn drop_all(&self) {
        self.mode
            .store(PROXY_DROP, std::sync::atomic::Ordering::SeqCst);
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.mode
            .store(PROXY_STOP, std::sync::atomic::Ordering::SeqCst);
    }
}

/// Copies `from` to `to` while the proxy forwards; holds still while it stalls; closes
/// both when it drops or stops.
fn pump(
    mut from: std::net::TcpStream,
    mut to: std::net::TcpStream,
    mode: &std::sync::atomic::AtomicU8,
) {
    use std::io::{Read, Write};
    let _ = from.set_read_timeout(Some(std::time::Duration::from_millis(20)));
    let mut buf = [0u8; 16 * 1024];
    loop {
        match mode.load(std::sync::atomic::Ordering::SeqCst) {
            PROXY_FORWARD => {}
            PROXY_STALL => {
                std::thread::sleep(std::time::Duration::from_millis(20));
                continue;
            }
            _ => break,
        }
        match from.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => {
                if to.write_all(&buf[..n]).is_err() {
                    break;
                }
            }
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) => {}
            Err(_) => break,
        }
    }
    let _ = from.shutdown(std::net::Shutdown::Both);
    let _ = to.shutdown(std::net::Shutdown::Both);
}
