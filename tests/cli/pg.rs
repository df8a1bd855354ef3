//! The PostgreSQL engine at the library level, against the throwaway server of
//! `support::pg`. (The CLI suite will run on both engines later.)

use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use litekb_migrations::internals::config::DatabaseUrl;
use litekb_migrations::internals::db::{self, Database, DbError, VersionTable};
use litekb_migrations::Dialect;

use crate::support::pg;

fn parse(url: &str) -> DatabaseUrl {
    DatabaseUrl::parse(url).unwrap_or_else(|e| panic!("can't parse {url}: {e}"))
}

fn connect(url: &str) -> Box<dyn Database> {
    match db::connect(&parse(url)) {
        Ok(db) => db,
        Err(e) => panic!("can't connect to {url}: {e}"),
    }
}

fn connect_error(url: &str) -> DbError {
    match db::connect(&parse(url)) {
        Ok(_) => panic!("connecting to {url} should fail"),
        Err(e) => e,
    }
}

fn no_wait() -> impl FnMut() {
    || panic!("lock() should not have waited")
}

/// The connection's TLS state as the server sees it.
fn ssl_in_use(db: &mut dyn Database) -> String {
    let v = db
        .query_column("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
        .unwrap();
    v.join(",")
}

#[test]
fn execute_and_query_column() {
    let url = pg::database_url();
    let mut db = connect(&url);
    assert_eq!(db.dialect(), Dialect::Postgresql);
    assert_eq!(db.execute("CREATE TABLE t (a integer, b text)").unwrap(), 0);
    assert_eq!(
        db.execute("INSERT INTO t VALUES (1, 'x'), (2, NULL), (3, 'z')")
            .unwrap(),
        3
    );
    assert_eq!(db.execute("UPDATE t SET b = 'y' WHERE a >= 2").unwrap(), 2);
    assert_eq!(db.execute("DELETE FROM t WHERE a = 3").unwrap(), 1);
    assert_eq!(
        db.query_column("SELECT a FROM t ORDER BY a").unwrap(),
        ["1", "2"]
    );
    assert_eq!(
        db.query_column("SELECT b, a FROM t ORDER BY a").unwrap(),
        ["x", "y"]
    );
    assert!(db
        .query_column("SELECT a FROM t WHERE false")
        .unwrap()
        .is_empty());
    // Statements that the extended protocol or a transaction would refuse.
    db.execute("CREATE INDEX CONCURRENTLY t_a ON t (a)")
        .unwrap();
    db.execute("DO $$ BEGIN EXECUTE 'CREATE TABLE from_do (id int)'; END $$")
        .unwrap();
    assert_eq!(pg::tables(&url), ["from_do", "t"]);
}

#[test]
fn statement_errors_are_one_line() {
    let url = pg::database_url();
    let mut db = connect(&url);
    let err = db.execute("SELECT * FROM nope").unwrap_err();
    assert!(matches!(err, DbError::Statement { .. }), "{err:?}");
    assert_eq!(err.to_string(), r#"ERROR: relation "nope" does not exist"#);

    db.execute("CREATE TABLE p (id int PRIMARY KEY)").unwrap();
    db.execute("INSERT INTO p VALUES (1)").unwrap();
    let err = db
        .execute("INSERT INTO p VALUES (1)")
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with("ERROR: duplicate key value violates unique constraint \"p_pkey\"; DETAIL: Key (id)=(1) already exists."),
        "{err}"
    );
    assert!(!err.contains('\n'), "{err}");
    let err = db.query_column("SELEC 1").unwrap_err().to_string();
    assert_eq!(err, r#"ERROR: syntax error at or near "SELEC""#);
}

#[test]
fn table_exists_with_and_without_schema() {
    let url = pg::database_url();
    let mut db = connect(&url);
    let plain = VersionTable::default();
    let in_app = VersionTable {
        name: "alembic_version".into(),
        schema: Some("App".into()),
    };
    let odd_name = VersionTable {
        name: "Versions".into(),
        schema: None,
    };
    assert!(!db.table_exists(&plain).unwrap());
    assert!(db::read_heads(db.as_mut(), &plain).unwrap().is_empty());

    db.execute(r#"CREATE SCHEMA "App""#).unwrap();
    assert!(!db.table_exists(&in_app).unwrap());
    db.execute(&in_app.create_sql(Dialect::Postgresql)).unwrap();
    assert!(db.table_exists(&in_app).unwrap());
    // The schema-qualified table is not the default one.
    assert!(!db.table_exists(&plain).unwrap());

    db.execute(&plain.create_sql(Dialect::Postgresql)).unwrap();
    assert!(db.table_exists(&plain).unwrap());
    db.execute("INSERT INTO alembic_version VALUES ('b2'), ('a1')")
        .unwrap();
    assert_eq!(db::read_heads(db.as_mut(), &plain).unwrap(), ["a1", "b2"]);
    assert!(db::read_heads(db.as_mut(), &in_app).unwrap().is_empty());

    // Names are matched exactly, as quoted.
    assert!(!db.table_exists(&odd_name).unwrap());
    db.execute(&odd_name.create_sql(Dialect::Postgresql))
        .unwrap();
    assert!(db.table_exists(&odd_name).unwrap());
    let public = VersionTable {
        name: "Versions".into(),
        schema: Some("public".into()),
    };
    assert!(db.table_exists(&public).unwrap());
}

#[test]
fn default_schema_follows_the_search_path() {
    let url = pg::database_url();
    pg::execute(&url, "CREATE SCHEMA app");
    let mut db = connect(&format!("{url}?options=-csearch_path%3Dapp"));
    let table = VersionTable::default();
    assert_eq!(db.query_column("SELECT current_schema()").unwrap(), ["app"]);
    db.execute(&table.create_sql(Dialect::Postgresql)).unwrap();
    assert!(db.table_exists(&table).unwrap());
    assert_eq!(
        pg::query_column(
            &url,
            "SELECT schemaname FROM pg_tables WHERE tablename = 'alembic_version'"
        ),
        ["app"]
    );
    // Without the option, `public` comes first and the table is not visible.
    let mut other = connect(&url);
    assert!(!other.table_exists(&table).unwrap());
}

#[test]
fn rollback_leaves_nothing_and_commit_keeps() {
    let url = pg::database_url();
    let mut db = connect(&url);
    db.begin().unwrap();
    db.execute("CREATE TABLE gone (id int)").unwrap();
    db.execute("INSERT INTO gone VALUES (1)").unwrap();
    db.rollback().unwrap();
    assert!(pg::tables(&url).is_empty());

    // A failed statement aborts the transaction; rollback recovers the session.
    db.begin().unwrap();
    db.execute("CREATE TABLE gone (id int)").unwrap();
    assert!(db.execute("INSERT INTO gone VALUES ('x')").is_err());
    let err = db.execute("SELECT 1").unwrap_err().to_string();
    assert!(err.contains("current transaction is aborted"), "{err}");
    db.rollback().unwrap();
    assert!(pg::tables(&url).is_empty());

    db.begin().unwrap();
    db.execute("CREATE TABLE kept (id int)").unwrap();
    db.execute("INSERT INTO kept VALUES (1)").unwrap();
    db.commit().unwrap();
    assert_eq!(pg::tables(&url), ["kept"]);
    assert_eq!(pg::query_column(&url, "SELECT id FROM kept"), ["1"]);
}

#[test]
fn lock_waits_times_out_and_is_released_by_unlock_and_by_drop() {
    let url = pg::database_url();
    let mut first = connect(&url);
    let mut second = connect(&url);
    first.lock(Duration::from_secs(1), &mut no_wait()).unwrap();
    // Taking it again in the same session is a no-op, and one unlock releases it.
    first.lock(Duration::from_secs(1), &mut no_wait()).unwrap();

    let mut waits = 0;
    let start = Instant::now();
    let err = second
        .lock(Duration::from_millis(300), &mut || waits += 1)
        .unwrap_err();
    assert!(matches!(err, DbError::LockTimeout(_)), "{err:?}");
    assert!(start.elapsed() >= Duration::from_millis(300));
    assert_eq!(waits, 1);
    assert!(err.to_string().contains("migration lock"), "{err}");

    first.unlock().unwrap();
    second.lock(Duration::from_secs(1), &mut no_wait()).unwrap();
    second.unlock().unwrap();
    second.unlock().unwrap(); // not held: nothing to do

    first.lock(Duration::from_secs(1), &mut no_wait()).unwrap();
    drop(first);
    // The server frees a dropped session's locks; this may take a moment.
    second.lock(Duration::from_secs(10), &mut || ()).unwrap();
    second.unlock().unwrap();
}

#[test]
fn lock_waiter_proceeds_when_the_holder_ends() {
    let url = pg::database_url();
    let (locked_tx, locked_rx) = mpsc::channel();
    let holder_url = url.clone();
    let holder = thread::spawn(move || {
        let mut db = connect(&holder_url);
        db.lock(Duration::from_secs(1), &mut no_wait()).unwrap();
        locked_tx.send(()).unwrap();
        thread::sleep(Duration::from_millis(400));
        db.unlock().unwrap();
    });
    locked_rx.recv().unwrap();
    let mut db = connect(&url);
    let mut waits = 0;
    let start = Instant::now();
    db.lock(Duration::from_secs(20), &mut || waits += 1)
        .unwrap();
    assert_eq!(waits, 1);
    assert!(start.elapsed() >= Duration::from_millis(200));
    holder.join().unwrap();
}

#[test]
fn locks_on_different_databases_are_independent() {
    let mut one = connect(&pg::database_url());
    let mut two = connect(&pg::database_url());
    one.lock(Duration::from_secs(1), &mut no_wait()).unwrap();
    two.lock(Duration::from_secs(1), &mut no_wait()).unwrap();
}

fn assert_one_line_masked(message: &str, secret: &str) {
    assert!(!message.contains('\n'), "{message}");
    assert!(message.contains("***"), "{message}");
    assert!(!message.contains(secret), "{message}");
}

#[test]
fn refused_connection_is_explained() {
    let port = pg::closed_port();
    let err = connect_error(&format!(
        "postgresql://someone:hunter22@127.0.0.1:{port}/db"
    ));
    assert!(matches!(err, DbError::Connect { .. }), "{err:?}");
    let message = err.to_string();
    assert_eq!(
        message,
        format!(
            "can't connect to postgresql://someone:***@127.0.0.1:{port}/db: \
             connection refused: is the server running on 127.0.0.1:{port}?"
        )
    );
    assert_one_line_masked(&message, "hunter22");
}

#[test]
fn password_is_checked_and_never_shown() {
    let good = pg::password_database_url();
    let mut db = connect(&good);
    db.execute("CREATE TABLE owned (id int)").unwrap();
    assert_eq!(
        db.query_column("SELECT current_user").unwrap(),
        [pg::PASSWORD_USER]
    );

    let wrong = good.replace(&format!(":{}@", pg::PASSWORD), ":not-the-password@");
    let message = connect_error(&wrong).to_string();
    assert!(
        message.ends_with(&format!(
            ": password authentication failed for user '{}'",
            pg::PASSWORD_USER
        )),
        "{message}"
    );
    assert_one_line_masked(&message, "not-the-password");

    let none = good.replace(&format!(":{}@", pg::PASSWORD), "@");
    let message = connect_error(&none).to_string();
    assert!(message.contains("password"), "{message}");
    assert!(!message.contains('\n'), "{message}");
}

#[test]
fn missing_database_is_named() {
    let good = pg::password_database_url();
    let base = good.rsplit_once('/').unwrap().0;
    let message = connect_error(&format!("{base}/no_such_db")).to_string();
    assert!(
        message.ends_with(": database 'no_such_db' does not exist"),
        "{message}"
    );
    assert_one_line_masked(&message, pg::PASSWORD);
}

#[test]
fn sslmode_require_needs_a_tls_server() {
    let tls_url = pg::tls_database_url();
    let mut db = connect(&format!("{tls_url}?sslmode=require"));
    assert_eq!(ssl_in_use(db.as_mut()), "t");
    db.execute("CREATE TABLE over_tls (id int)").unwrap();

    // Password authentication over TLS (SCRAM with channel binding).
    let with_password = tls_url.replacen(
        "postgresql://postgres@",
        &format!("postgresql://{}:{}@", pg::PASSWORD_USER, pg::PASSWORD),
        1,
    );
    let mut db = connect(&format!("{with_password}?sslmode=require"));
    assert_eq!(ssl_in_use(db.as_mut()), "t");
    assert_eq!(
        db.query_column("SELECT current_user").unwrap(),
        [pg::PASSWORD_USER]
    );

    let mut db = connect(&tls_url); // prefer, the default
    assert_eq!(ssl_in_use(db.as_mut()), "t");
    let mut db = connect(&format!("{tls_url}?sslmode=disable"));
    assert_eq!(ssl_in_use(db.as_mut()), "f");

    let plain_url = pg::database_url();
    let message = connect_error(&format!("{plain_url}?sslmode=require")).to_string();
    assert!(message.contains("does not support TLS"), "{message}");
    assert!(message.contains("sslmode=require"), "{message}");
    assert!(!message.contains('\n'), "{message}");
}

#[test]
fn sslmode_disable_and_prefer_work_without_tls() {
    let url = pg::database_url();
    let mut db = connect(&format!("{url}?sslmode=disable"));
    assert_eq!(ssl_in_use(db.as_mut()), "f");
    let mut db = connect(&format!("{url}?sslmode=prefer"));
    assert_eq!(ssl_in_use(db.as_mut()), "f");
    assert_eq!(
        db.query_column(
            "SELECT application_name FROM pg_stat_activity WHERE pid = pg_backend_pid()"
        )
        .unwrap(),
        ["alembic"]
    );
}

#[test]
fn harness_gives_fresh_databases() {
    let one = pg::database_url();
    let two = pg::database_url();
    assert_ne!(one, two);
    pg::execute(&one, "CREATE TABLE only_here (id int)");
    assert_eq!(pg::tables(&one), ["only_here"]);
    assert!(pg::tables(&two).is_empty());
    let owned = pg::password_database_url();
    assert_eq!(
        pg::query_column(&owned, "SELECT current_user"),
        [pg::PASSWORD_USER]
    );
}

/// Definitions that come back NULL (an object dropped between the catalog scan and the
/// `pg_get_*def` call) mean the object is gone; a NULL where the catalog always has a value
/// is an error naming what was read. Neither panics.
#[test]
fn introspection_reads_null_answers_without_panicking() {
    use litekb_migrations::internals::db::introspect::postgres::{trigger, view, IntrospectError};

    let url = pg::database_url();
    let mut client = pg::admin_client(&url);
    let mut row = |sql: &str| {
        client
            .query_one(sql, &[])
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
    };
    // The server's own answer for an object that no longer exists.
    let gone = row("SELECT 'tg'::text, pg_get_triggerdef(0)");
    assert!(gone.try_get::<_, Option<String>>(1).unwrap().is_none());
    assert_eq!(trigger(&gone, "t").unwrap(), None);
    assert_eq!(view(&row("SELECT 'v'::text, NULL::text")).unwrap(), None);
    let v = view(&row("SELECT 'v'::text, ' SELECT 1;'::text")).unwrap();
    assert_eq!(
        v.map(|v| (v.name, v.sql)),
        Some(("v".to_string(), " SELECT 1;".to_string()))
    );

    let err = trigger(&row("SELECT NULL::text, 'CREATE TRIGGER …'::text"), "t").unwrap_err();
    assert!(
        matches!(err, IntrospectError::Decode { column: 0, .. }),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        "unexpected answer from pg_catalog for the triggers: column 0 is NULL"
    );
    let err = view(&row("SELECT 1, 'x'::text")).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("unexpected answer from pg_catalog for the views: column 0 can't be read"),
        "{err}"
    );
}
