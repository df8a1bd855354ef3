//! A throwaway PostgreSQL server for the tests.
//!
//! The first call starts a private server for this test process: `initdb` into a fresh
//! directory under the system temp dir, then `postgres` listening on 127.0.0.1 only, on a free
//! port, with its Unix socket in that directory. Every [`database_url`] call creates a new,
//! uniquely named database on it, so tests never share state.
//!
//! The server never outlives the tests: it runs under a small shell watchdog that polls this
//! process's pid once a second; when the pid is gone it stops the server (fast shutdown) and
//! deletes the directory. As root, `initdb` and `postgres` refuse to run, so they run as the
//! `postgres` OS user (Debian's `postgresql` package creates it) through `runuser`.
//!
//! If no server can be started, the calling test panics with the reason: PostgreSQL tests
//! fail, never skip. `.ci/install-postgres` installs what is needed.
//!
//! Roles: `postgres` (superuser, trusted from 127.0.0.1 without a password) and
//! `alembic_test` with password `secret` (always asked for its password; see
//! [`password_database_url`]).
#![allow(dead_code)]

use std::fs;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// The role with a password, for authentication tests.
pub const PASSWORD_USER: &str = "alembic_test";
/// `PASSWORD_USER`'s password.
pub const PASSWORD: &str = "secret";

/// One running server.
struct Server {
    port: u16,
    dir: PathBuf,
}

static PLAIN: OnceLock<Server> = OnceLock::new();
static TLS: OnceLock<Server> = OnceLock::new();
static COUNTER: AtomicUsize = AtomicUsize::new(0);

fn plain() -> &'static Server {
    PLAIN.get_or_init(|| start(false))
}

fn tls() -> &'static Server {
    TLS.get_or_init(|| start(true))
}

/// The log file of the (plain-text) test server: statements show there for a database or
/// session with `log_statement = 'all'`.
pub fn log_file() -> PathBuf {
    let server = plain();
    server.dir.join(format!("postgres-{}.log", server.port))
}

/// The port of the (plain-text) test server.
pub fn port() -> u16 {
    plain().port
}

/// A URL (superuser `postgres`, no password) of a new, empty database.
pub fn database_url() -> String {
    let server = plain();
    let name = create_database(server, None);
    server.url(&name)
}

/// The name of a new, empty database on the plain-text server.
pub fn new_database() -> String {
    create_database(plain(), None)
}

/// A URL of a new, empty database owned by `alembic_test`, with its password in the URL.
pub fn password_database_url() -> String {
    let server = plain();
    let name = create_database(server, Some(PASSWORD_USER));
    format!(
        "postgresql://{PASSWORD_USER}:{PASSWORD}@127.0.0.1:{}/{name}",
        server.port
    )
}

/// A superuser URL of database `db` on the plain-text server.
pub fn admin_url(db: &str) -> String {
    plain().url(db)
}

/// A URL (superuser, no password, no `sslmode`) of a new database on a second server that
/// has TLS on (`ssl=on`, self-signed certificate). Append `?sslmode=…` as the test needs.
pub fn tls_database_url() -> String {
    let server = tls();
    let name = create_database(server, None);
    server.url(&name)
}

/// Runs `sql` (simple query protocol, any number of statements) against `url`; returns the
/// rows of every result, each value in PostgreSQL's text form.
pub fn query(url: &str, sql: &str) -> Vec<Vec<Option<String>>> {
    let mut client = admin_client(url);
    let messages = client
        .simple_query(sql)
        .unwrap_or_else(|e| panic!("query {sql:?} on {url} failed: {e:?}"));
    messages
        .iter()
        .filter_map(|m| match m {
            postgres::SimpleQueryMessage::Row(row) => Some(
                (0..row.len())
                    .map(|i| row.get(i).map(str::to_string))
                    .collect(),
            ),
            _ => None,
        })
        .collect()
}

/// The first column of every row of `sql`, `NULL` as `"NULL"`.
pub fn query_column(url: &str, sql: &str) -> Vec<String> {
    query(url, sql)
        .into_iter()
        .map(|row| {
            row.into_iter()
                .next()
                .flatten()
                .unwrap_or_else(|| "NULL".into())
        })
        .collect()
}

/// Runs statements against `url`, panicking on failure.
pub fn execute(url: &str, sql: &str) {
    admin_client(url)
        .batch_execute(sql)
        .unwrap_or_else(|e| panic!("{sql:?} on {url} failed: {e:?}"));
}

/// The tables of schema `public` in the database at `url`, sorted.
pub fn tables(url: &str) -> Vec<String> {
    query_column(
        url,
        "SELECT tablename FROM pg_catalog.pg_tables WHERE schemaname = 'public' ORDER BY 1",
    )
}

/// A plain-text client for `url` (a `postgresql://` URL), for test assertions.
pub fn admin_client(url: &str) -> postgres::Client {
    let mut config: postgres::Config = url
        .parse()
        .unwrap_or_else(|e| panic!("bad test URL {url}: {e}"));
    config.ssl_mode(postgres::config::SslMode::Disable);
    config
        .connect(postgres::NoTls)
        .unwrap_or_else(|e| panic!("can't connect to {url}: {e:?}"))
}

/// A TCP port on 127.0.0.1 that nothing listens on (bound, then released).
pub fn closed_port() -> u16 {
    free_port()
}

impl Server {
    fn url(&self, db: &str) -> String {
        format!("postgresql://postgres@127.0.0.1:{}/{db}", self.port)
    }
}

fn create_database(server: &Server, owner: Option<&str>) -> String {
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    let name = format!("t{}_{n}", std::process::id());
    let owner = owner.map(|o| format!(" OWNER {o}")).unwrap_or_default();
    execute(
        &server.url("postgres"),
        &format!("CREATE DATABASE {name}{owner}"),
    );
    name
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or_else(|e| panic!("PostgreSQL test server: no free port: {e}"))
}

/// Starts a server; panics with the reason when it can't.
fn start(with_tls: bool) -> Server {
    let bin = find_bin_dir().unwrap_or_else(|| {
        panic!(
            "PostgreSQL test server: initdb not found on PATH or in /usr/lib/postgresql/*/bin; \
             install PostgreSQL (run .ci/install-postgres)"
        )
    });
    let as_root = is_root();
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    let dir = std::env::temp_dir().join(format!("litekb-pg-{}-{n}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap_or_else(|e| fail(&dir, &format!("mkdir: {e}")));
    if as_root {
        let ok = Command::new("chown")
            .arg("postgres:")
            .arg(&dir)
            .status()
            .is_ok_and(|s| s.success());
        if !ok {
            fail(
                &dir,
                "running as root, and can't hand the data directory to the `postgres` OS user \
                 (does it exist? Debian's postgresql package creates it)",
            );
        }
    }
    let data = dir.join("data");
    let initdb = as_db_user(
        as_root,
        &bin.join("initdb"),
        &[
            "-D",
            path_str(&data),
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
            "--no-locale",
            "--no-sync",
        ],
    )
    .current_dir(&dir)
    .output();
    match initdb {
        Ok(out) if out.status.success() => {}
        Ok(out) => fail(
            &dir,
            &format!(
                "initdb failed: {}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ),
        ),
        Err(e) if as_root => fail(
            &dir,
            &format!("can't run initdb as the `postgres` OS user with `runuser`: {e}"),
        ),
        Err(e) => fail(&dir, &format!("can't run initdb: {e}")),
    }
    // alembic_test always needs its password; everything else from 127.0.0.1 is trusted.
    let hba = format!(
        "local all all trust\n\
         host all {PASSWORD_USER} 127.0.0.1/32 scram-sha-256\n\
         host all all 127.0.0.1/32 trust\n"
    );
    write_as_db_user(as_root, &dir, &data.join("pg_hba.conf"), &hba);
    if with_tls {
        let openssl = as_db_user(
            as_root,
            Path::new("openssl"),
            &[
                "req",
                "-new",
                "-x509",
                "-days",
                "3650",
                "-nodes",
                "-subj",
                "/CN=localhost",
                "-newkey",
                "rsa:2048",
                "-keyout",
                path_str(&data.join("server.key")),
                "-out",
                path_str(&data.join("server.crt")),
            ],
        )
        .current_dir(&dir)
        .output();
        match openssl {
            Ok(out) if out.status.success() => {}
            Ok(out) => fail(
                &dir,
                &format!(
                    "openssl can't make a certificate: {}",
                    String::from_utf8_lossy(&out.stderr)
                ),
            ),
            Err(e) => fail(&dir, &format!("can't run openssl (is it installed?): {e}")),
        }
    }

    let mut last_error = String::new();
    for _attempt in 0..3 {
        let port = free_port();
        match launch(as_root, &bin, &dir, &data, port, with_tls) {
            Ok(()) => {
                let server = Server { port, dir };
                execute(
                    &server.url("postgres"),
                    &format!("CREATE ROLE {PASSWORD_USER} LOGIN PASSWORD '{PASSWORD}'"),
                );
                return server;
            }
            Err(e) => last_error = e,
        }
    }
    fail(&dir, &last_error)
}

/// Starts `postgres` under the watchdog and waits until it accepts connections.
fn launch(
    as_root: bool,
    bin: &Path,
    dir: &Path,
    data: &Path,
    port: u16,
    with_tls: bool,
) -> Result<(), String> {
    let log = dir.join(format!("postgres-{port}.log"));
    let ssl = if with_tls { "on" } else { "off" };
    let test_pid = std::process::id();
    // The watchdog runs as the server's user, so it checks for this process in /proc (kill -0
    // is refused across users), with kill -0 as a fallback where there is no /proc. Its
    // background half waits for this process to end, then stops the server (fast shutdown)
    // and deletes the directory. Its foreground half exits when the server does, which is how
    // `launch` notices a server that failed to start.
    let script = format!(
        "{postgres} -D {data} -h 127.0.0.1 -p {port} -k {dir} \
         -c ssl={ssl} -c fsync=off -c synchronous_commit=off -c full_page_writes=off \
         -c max_connections=200 >{log} 2>&1 </dev/null &\n\
         p=$!\n\
         alive() {{ [ -d /proc/{test_pid} ] || kill -0 {test_pid} 2>/dev/null; }}\n\
         (\n\
           while alive; do sleep 1; done\n\
           kill -INT $p 2>/dev/null\n\
           while kill -0 $p 2>/dev/null; do sleep 0.1; done\n\
           rm -rf {dir}\n\
         ) </dev/null >/dev/null 2>&1 &\n\
         wait $p\n",
        postgres = sh_quote(path_str(&bin.join("postgres"))),
        data = sh_quote(path_str(data)),
        dir = sh_quote(path_str(dir)),
        log = sh_quote(path_str(&log)),
    );
    let mut watchdog = as_db_user(as_root, Path::new("sh"), &["-c", &script]);
    watchdog
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    let mut child = watchdog
        .spawn()
        .map_err(|e| format!("can't start the server: {e}"))?;

    let url = format!("postgresql://postgres@127.0.0.1:{port}/postgres");
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let mut config: postgres::Config = url.parse().map_err(|e| format!("{e}"))?;
        config.connect_timeout(Duration::from_secs(2));
        if config.connect(postgres::NoTls).is_ok() {
            return Ok(());
        }
        let exited = matches!(child.try_wait(), Ok(Some(_)));
        if exited || Instant::now() > deadline {
            let text = fs::read_to_string(&log).unwrap_or_default();
            if !exited {
                // Stop the server ourselves: killing the watchdog would orphan it.
                let pid = fs::read_to_string(data.join("postmaster.pid")).unwrap_or_default();
                if let Some(pid) = pid.lines().next().filter(|p| !p.is_empty()) {
                    let _ = Command::new("kill").args(["-INT", pid]).status();
                }
            }
            let _ = child.kill();
            return Err(format!(
                "postgres {} on port {port}; its log:\n{text}",
                if exited {
                    "exited"
                } else {
                    "did not accept connections within 60 s"
                }
            ));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The directory holding `initdb` and `postgres`: PATH first, then the highest version under
/// /usr/lib/postgresql.
fn find_bin_dir() -> Option<PathBuf> {
    let has_both = |d: &Path| d.join("initdb").is_file() && d.join("postgres").is_file();
    if let Some(path) = std::env::var_os("PATH") {
        for d in std::env::split_paths(&path) {
            if has_both(&d) {
                // Resolve symlinks (/usr/local/bin → /usr/lib/postgresql/N/bin) so that both
                // binaries come from one installation.
                let real = fs::canonicalize(d.join("initdb"))
                    .ok()
                    .and_then(|p| p.parent().map(Path::to_path_buf))
                    .filter(|p| has_both(p));
                return Some(real.unwrap_or(d));
            }
        }
    }
    let mut versions: Vec<(Vec<u32>, PathBuf)> = fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let version: Vec<u32> = name
                .split('.')
                .map(|p| p.parse().ok())
                .collect::<Option<_>>()?;
            let bin = e.path().join("bin");
            has_both(&bin).then_some((version, bin))
        })
        .collect();
    versions.sort();
    versions.pop().map(|(_, bin)| bin)
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// `program args…`, run as the `postgres` OS user when we are root.
fn as_db_user(as_root: bool, program: &Path, args: &[&str]) -> Command {
    if as_root {
        let mut cmd = Command::new("runuser");
        cmd.args(["-u", "postgres", "--"]).arg(program).args(args);
        cmd
    } else {
        let mut cmd = Command::new(program);
        cmd.args(args);
        cmd
    }
}

fn write_as_db_user(as_root: bool, dir: &Path, path: &Path, text: &str) {
    if let Err(e) = fs::write(path, text) {
        fail(dir, &format!("can't write {}: {e}", path.display()));
    }
    if as_root {
        let _ = Command::new("chown").arg("postgres:").arg(path).status();
    }
}

fn path_str(path: &Path) -> &str {
    path.to_str()
        .unwrap_or_else(|| panic!("PostgreSQL test server: non-UTF-8 path {}", path.display()))
}

fn sh_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// Removes the server directory and panics with `reason`.
fn fail(dir: &Path, reason: &str) -> ! {
    let _ = fs::remove_dir_all(dir);
    panic!("PostgreSQL test server could not be started: {reason}");
}
