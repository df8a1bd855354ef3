//! Passwords never reach the output: real driver errors, provoked with a password in the URL
//! (as `user:pass@` and as `?password=`), on PostgreSQL and SQLite, with and without
//! `--raiseerr` (which adds the driver's own words, one `caused by:` line per cause).

use crate::support::{pg, run_in, Engine, Project};

/// Runs `args` with `url` given both ways (`-x url=` and the ini), with and without
/// `--raiseerr`; each run must fail with one `FAILED:` line (the same with `--raiseerr`)
/// and never show `password`. Returns the `FAILED:` message and the `--raiseerr` stderr of
/// the `-x url=` runs.
#[track_caller]
fn fails_without_showing(url: &str, password: &str, args: &[&str]) -> (String, String) {
    let p = Project::new(Engine::Sqlite);
    let x_url = format!("url={url}");
    let mut with_x = vec!["-x", x_url.as_str()];
    with_x.extend_from_slice(args);
    let plain = p.alembic(&with_x);
    assert!(!plain.stderr.contains("caused by:"), "{}", plain.stderr);
    let message = check(plain, password);
    let mut raised = vec!["--raiseerr"];
    raised.extend_from_slice(&with_x);
    let raised = p.alembic(&raised);
    let stderr = raised.stderr.clone();
    assert_eq!(check(raised, password), message);

    let in_ini = Project {
        url: url.to_string(),
        ..Project::new(Engine::Sqlite)
    };
    in_ini.write_ini("");
    check(in_ini.alembic(args), password);
    let mut raised = vec!["--raiseerr"];
    raised.extend_from_slice(args);
    check(in_ini.alembic(&raised), password);
    (message, stderr)
}

#[track_caller]
fn check(run: crate::support::Run, password: &str) -> String {
    let all = format!("{}{}", run.stdout, run.stderr);
    assert!(!all.contains(password), "password shown:\n{all}");
    run.failed()
}

#[test]
fn postgres_connect_errors_never_show_the_password() {
    let good = pg::password_database_url();
    let (base, db) = good.rsplit_once('/').unwrap();
    let hostport = base.rsplit_once('@').unwrap().1;
    let user = pg::PASSWORD_USER;
    let wrong = "Wr0ng-Passw0rd";

    // Wrong password, both forms.
    for url in [
        format!("postgresql://{user}:{wrong}@{hostport}/{db}"),
        format!("postgresql://{user}@{hostport}/{db}?password={wrong}"),
        format!("postgresql://{user}@{hostport}/{db}?sslmode=disable&password={wrong}"),
    ] {
        let (message, raised) = fails_without_showing(&url, wrong, &["current"]);
        assert!(
            message.ends_with(&format!(
                ": password authentication failed for user '{user}'"
            )),
            "{message}"
        );
        assert!(message.contains("***"), "{message}");
        assert!(
            raised.contains(&format!(
                "\n  caused by: db error\n  caused by: FATAL: password authentication failed for user \"{user}\""
            )),
            "{raised}"
        );
    }

    // The right password, a database that doesn't exist.
    let url = format!("{base}/no_such_db");
    let (message, _) = fails_without_showing(&url, pg::PASSWORD, &["current"]);
    assert!(
        message.ends_with(": database 'no_such_db' does not exist"),
        "{message}"
    );
    let url = format!(
        "postgresql://{user}@{hostport}/no_such_db?password={}",
        pg::PASSWORD
    );
    fails_without_showing(&url, pg::PASSWORD, &["upgrade", "head"]);

    // Nothing listening on the port.
    let port = pg::closed_port();
    let url = format!("postgresql://{user}:{wrong}@127.0.0.1:{port}/{db}");
    let (message, raised) = fails_without_showing(&url, wrong, &["upgrade", "head"]);
    assert!(message.contains("connection refused"), "{message}");
    assert!(
        raised.contains(
            "\n  caused by: error connecting to server\n  caused by: Connection refused (os error 111)"
        ),
        "{raised}"
    );
}

#[test]
fn sqlite_connect_errors_never_show_the_password() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a-file");
    std::fs::write(&file, "not a directory").unwrap();
    let secret = "Sq1ite-Passw0rd";
    let url = format!("sqlite:///{}/x.db?password={secret}", file.display());
    let (message, raised) = fails_without_showing(&url, secret, &["upgrade", "head"]);
    assert!(message.contains("password=***"), "{message}");
    assert!(message.contains("can't create directory"), "{message}");
    // The cause, "File exists", is in the line already.
    assert!(!raised.contains("caused by: "), "{raised}");

    // A file that is not a database: SQLite's own error, then the cause chain.
    let junk = dir.path().join("junk.db");
    std::fs::write(&junk, vec![b'x'; 4096]).unwrap();
    let url = format!("sqlite:///{}?password={secret}", junk.display());
    let (message, raised) = fails_without_showing(&url, secret, &["current"]);
    assert!(message.contains("not a database"), "{message}");
    assert!(
        raised.contains("\n  caused by: Error code 26: File opened that is not a database file"),
        "{raised}"
    );
}

#[test]
fn a_url_where_clap_expects_something_else_is_not_quoted_back() {
    let dir = tempfile::tempdir().unwrap();
    let run = run_in(
        dir.path(),
        &["current", "postgresql://u:Cl4p-Passw0rd@localhost/db"],
    );
    let all = format!("{}{}", run.stdout, run.stderr);
    assert!(!all.contains("Cl4p-Passw0rd"), "{all}");
    assert_eq!(run.code, 2, "{all}");
}

crate::engine_test!(
    raiseerr_adds_the_drivers_words_under_a_failed_statement,
    |p| {
        p.script("aaaa0001")
            .message("one")
            .upgrade("CREATE TABLE a (id INTEGER);\nINSERT INTO nope VALUES (1);")
            .downgrade("DROP TABLE a;")
            .write();
        let plain = p.alembic(&["upgrade", "head"]);
        assert!(!plain.stderr.contains("caused by:"), "{}", plain.stderr);
        let message = plain.failed();
        let raised = p.alembic(&["--raiseerr", "upgrade", "head"]);
        let stderr = raised.stderr.clone();
        assert_eq!(raised.failed(), message);
        let causes: Vec<&str> = stderr
            .lines()
            .skip_while(|l| !l.starts_with("FAILED: "))
            .skip(1)
            .collect();
        let expected: &[&str] = match p.engine {
            Engine::Sqlite => &["  caused by: Error code 1: SQL error or missing database"],
            Engine::Postgres => &[
                "  caused by: db error",
                "  caused by: ERROR: relation \"nope\" does not exist",
            ],
        };
        assert_eq!(causes, expected, "{stderr}");
        assert!(p.tables().iter().all(|t| t != "a"), "{:?}", p.tables());
    }
);

#[test]
fn a_revision_range_with_a_label_is_not_taken_for_a_password() {
    let p = crate::support::Project::new(crate::support::Engine::Sqlite);
    p.script("a1")
        .branch_labels("beta")
        .upgrade("CREATE TABLE t (id INTEGER);")
        .downgrade("DROP TABLE t;")
        .write();
    p.script("b2").down_revision("a1").write();
    let msg = p.alembic(&["downgrade", "--sql", "a1:beta@head"]).failed();
    assert_eq!(
        msg,
        "Destination beta@head is not a valid downgrade target from current head(s)"
    );
}
