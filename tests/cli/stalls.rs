//! A PostgreSQL connection that goes bad mid-run (issue #19, point 5), through the test
//! support's TCP [`Proxy`] on 127.0.0.1: dropped, the run fails at once naming the revision
//! and the server frees the migration lock; stalled, the server ends the session that sits
//! idle in its transaction (`idle_in_transaction_session_timeout`), which frees the lock for
//! the next run. Every wait is bounded.

use std::time::{Duration, Instant};

use crate::interrupt::Background;
use crate::support::{pg, Engine, Project, Proxy};

/// The project's database name.
fn db_name(p: &Project) -> String {
    p.url.rsplit('/').next().unwrap().to_string()
}

/// Sessions of the tool (application `alembic`) on the project's database, as `state`.
fn tool_sessions(p: &Project) -> Vec<String> {
    pg::query_column(
        &pg::admin_url("postgres"),
        &format!(
            "SELECT coalesce(state, '') FROM pg_stat_activity WHERE datname = '{}' \
             AND application_name = 'alembic'",
            db_name(p)
        ),
    )
}

/// Waits up to `limit` for `done`.
fn wait_until(limit: Duration, what: &str, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(
            start.elapsed() < limit,
            "{what} did not happen within {limit:?}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A project whose ini points at the server through `proxy`, with `query` appended to the URL.
fn through(p: &Project, proxy: &Proxy, query: &str) {
    let url = format!(
        "postgresql://postgres@127.0.0.1:{}/{}{query}",
        proxy.port,
        db_name(p)
    );
    let ini = std::fs::read_to_string(p.path("alembic.ini")).unwrap();
    std::fs::write(p.path("alembic.ini"), ini.replace(&p.url, &url)).unwrap();
}

#[test]
fn a_connection_dropped_mid_statement_fails_at_once_and_the_server_frees_the_lock() {
    let p = Project::new(Engine::Postgres);
    p.script("a1")
        .message("slow")
        .upgrade("CREATE TABLE t (id INTEGER);\nSELECT pg_sleep(3);")
        .write();
    let proxy = Proxy::start(pg::port());
    through(&p, &proxy, "");
    let run = Background::start(&p, &["upgrade", "head"]);
    run.wait_for("Running upgrade  -> a1, slow");
    wait_until(Duration::from_secs(20), "the statement starting", || {
        tool_sessions(&p).iter().any(|s| s == "active")
    });
    let dropped = Instant::now();
    proxy.drop_all();
    let (code, stderr) = run.finish();
    assert!(dropped.elapsed() < Duration::from_secs(5), "{stderr}");
    assert_eq!(code, 1, "{stderr}");
    let failed: Vec<String> = stderr
        .lines()
        .filter(|l| l.starts_with("FAILED:"))
        .map(|l| p.normalize(l))
        .collect();
    assert_eq!(failed.len(), 1, "{stderr}");
    assert!(
        failed[0].starts_with("FAILED: $DIR/migrations/versions/a1.sql:10: ")
            && failed[0].contains("(revision a1; "),
        "{}",
        failed[0]
    );
    // The server ends the orphaned session (at the latest when its statement ends), which
    // rolls it back and frees the migration lock: a direct run applies the revision.
    wait_until(Duration::from_secs(20), "the session ending", || {
        tool_sessions(&p).is_empty()
    });
    let ini = std::fs::read_to_string(p.path("alembic.ini")).unwrap();
    let proxied = format!(
        "postgresql://postgres@127.0.0.1:{}/{}",
        proxy.port,
        db_name(&p)
    );
    std::fs::write(p.path("alembic.ini"), ini.replace(&proxied, &p.url)).unwrap();
    assert_eq!(p.tables(), Vec::<String>::new());
    p.alembic(&["upgrade", "head"]).ok();
    assert_eq!(p.version_rows(), ["a1"]);
}

#[test]
fn a_connection_stalled_mid_run_does_not_keep_the_migration_lock() {
    let p = Project::new(Engine::Postgres);
    p.script("a1")
        .message("slow")
        .upgrade("CREATE TABLE t (id INTEGER);\nSELECT pg_sleep(1);\nCREATE TABLE u (id INTEGER);")
        .write();
    let proxy = Proxy::start(pg::port());
    // The server's bound on a session idle in its transaction, shortened for the test (`%%`
    // is the ini's literal `%`; the
    // tool's own is ten minutes).
    through(
        &p,
        &proxy,
        "?options=-c%%20idle_in_transaction_session_timeout%%3D2000",
    );
    let mut run = Background::start(&p, &["upgrade", "head"]);
    run.wait_for("Running upgrade  -> a1, slow");
    wait_until(Duration::from_secs(20), "the statement starting", || {
        tool_sessions(&p).iter().any(|s| s == "active")
    });
    proxy.stall();
    // The answer never reaches the client: the session sits idle in its transaction,
    // holding the migration lock, until the server ends it.
    wait_until(
        Duration::from_secs(20),
        "the server ending the stalled session",
        || tool_sessions(&p).is_empty(),
    );
    assert!(run.running(), "the stalled client ended: {}", run.stderr());
    // The lock is free and nothing of the migration stayed: a direct run applies it.
    p.write_ini("lock_timeout = 5");
    assert_eq!(p.tables(), Vec::<String>::new());
    p.alembic(&["upgrade", "head"]).ok();
    assert_eq!(p.version_rows(), ["a1"]);
    assert_eq!(p.tables(), ["t", "u"]);
    run.kill();
}
