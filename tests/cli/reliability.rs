//! Faults found by trying the tool as a hostile production week would: statements a parser
//! could silently lose (unterminated quotes and comments, nested comments, lone `\r` line
//! ends), transactions the tool does not control (a `no-transaction` step inside one
//! transaction for the run, transaction control in a script, a failing `no-transaction`
//! section, a connection lost at `COMMIT`) and messages that echo huge statements. Each test
//! runs the real binary on a real database and checks what a user would: the exit status,
//! the one `FAILED:` line, the tables and the version rows afterwards.

use crate::engine_test;
use crate::support::{Engine, Project};

/// Writes `versions/<rev>.sql` with `text` as its whole content.
fn raw_script(p: &Project, rev: &str, text: &str) {
    std::fs::write(p.versions().join(format!("{rev}.sql")), text).expect("write script");
}

/// Writes a revision script through the support's builder.
fn script(
    p: &Project,
    rev: &str,
    down: &str,
    message: &str,
    upgrade: &str,
    downgrade: Option<&str>,
) {
    let mut s = p
        .script(rev)
        .down_revision(down)
        .message(message)
        .upgrade(upgrade);
    if let Some(down) = downgrade {
        s = s.downgrade(down);
    }
    s.write();
}

/// Asserts that nothing was applied: no user table, no version row.
#[track_caller]
fn nothing_applied(p: &Project) {
    assert_eq!(p.tables(), Vec::<String>::new());
    assert_eq!(p.version_rows(), Vec::<String>::new());
}

engine_test!(
    unterminated_block_comment_is_an_error_naming_its_line,
    |p| {
        script(
            p,
            "a1",
            "",
            "open comment",
            "CREATE TABLE a (id INTEGER);\n/* the rest is lost\nCREATE TABLE b (id INTEGER);",
            None,
        );
        // The upgrade section starts on line 9: the comment opens on line 10.
        let msg = p.normalize(&p.alembic(&["upgrade", "head"]).failed());
        assert_eq!(
            msg,
            "$DIR/migrations/versions/a1.sql:10: the '/*' comment opened on this line is never \
         closed; everything after it would be lost (revision a1; nothing was run)"
        );
        nothing_applied(p);
        let offline = p.alembic(&["upgrade", "head", "--sql"]);
        assert!(p
            .normalize(&offline.failed())
            .starts_with("$DIR/migrations/versions/a1.sql:10: "));
    }
);

engine_test!(
    unterminated_quotes_and_dollar_bodies_are_errors_naming_their_line,
    |p| {
        for (body, line, what) in [
            (
                "SELECT 1;\nINSERT INTO t VALUES ('it;\nCREATE TABLE b (id INTEGER);",
                10,
                "the string literal (')",
            ),
            (
                "CREATE TABLE \"a (id INTEGER);\nCREATE TABLE b (id INTEGER);",
                9,
                "the quoted name (\" or `)",
            ),
            (
                "SELECT 1;\nSELECT 2;\nDO $$ BEGIN NULL; END;\nCREATE TABLE b (id INTEGER);",
                11,
                "the dollar-quoted body ($$ or $tag$)",
            ),
        ] {
            script(p, "a1", "", "open quote", body, None);
            let msg = p.normalize(&p.alembic(&["upgrade", "head"]).failed());
            assert_eq!(
                msg,
                format!(
                    "$DIR/migrations/versions/a1.sql:{line}: {what} opened on this line is never \
                 closed; everything after it would be lost (revision a1; nothing was run)"
                )
            );
            nothing_applied(p);
        }
    }
);

/// PostgreSQL nests block comments: a `;` inside the inner one splits nothing.
#[test]
fn nested_block_comments_on_postgres() {
    let p = &Project::new(Engine::Postgres);
    script(p,
        "a1",
        "",
        "nested",
        "CREATE TABLE a (id INTEGER /* outer /* inner; */ still; outer */);\nCREATE TABLE b (id INTEGER);",
        Some("DROP TABLE b;\nDROP TABLE a;"),
    );
    p.alembic(&["upgrade", "head"]).ok();
    assert_eq!(p.tables(), ["a", "b"]);
    assert_eq!(p.version_rows(), ["a1"]);
}

engine_test!(lone_cr_line_endings_in_scripts_and_ini, |p| {
    let ini = std::fs::read_to_string(p.path("alembic.ini")).expect("ini");
    std::fs::write(p.path("alembic.ini"), ini.replace('\n', "\r")).expect("ini");
    raw_script(
        p,
        "a1",
        "-- revision: a1\r-- down_revision:\r-- message: cr only\r\r-- +upgrade\r\
         -- a comment that must end here\rCREATE TABLE a (id INTEGER);\r\
         CREATE TABLE b (id INTEGER);\r\r-- +downgrade\rDROP TABLE b;\rDROP TABLE a;\r",
    );
    p.alembic(&["upgrade", "head"]).ok();
    assert_eq!(p.tables(), ["a", "b"]);
    assert_eq!(p.version_rows(), ["a1"]);
    p.alembic(&["downgrade", "base"]).ok();
    nothing_applied(p);
});

engine_test!(an_error_echoing_a_huge_statement_is_one_short_line, |p| {
    let huge = "ab\n".repeat(400_000);
    script(
        p,
        "a1",
        "",
        "huge",
        &format!("SELECT 1 \"{huge}\" \"{huge}\";"),
        None,
    );
    let run = p.alembic(&["upgrade", "head"]);
    assert!(
        run.stderr.len() < 4000,
        "stderr is {} bytes",
        run.stderr.len()
    );
    let msg = p.normalize(&run.failed());
    assert!(
        msg.starts_with("$DIR/migrations/versions/a1.sql:9: "),
        "{msg}"
    );
    assert!(
        msg.ends_with("(revision a1; this migration was rolled back; none were applied)"),
        "{msg}"
    );
    assert!(msg.contains("characters not shown"), "{msg}");
});

/// Three migrations in one transaction for the run, the middle one `no-transaction`, the
/// last one failing.
fn whole_run_with_a_no_transaction_step(p: &Project) {
    p.write_ini("transaction_per_migration = false");
    script(
        p,
        "a1",
        "",
        "first",
        "CREATE TABLE a (id INTEGER);",
        Some("DROP TABLE a;"),
    );
    raw_script(p,
        "a2",
        "-- revision: a2\n-- down_revision: a1\n\n-- +upgrade no-transaction\nCREATE TABLE b (id INTEGER);\n\n-- +downgrade\nDROP TABLE b;\n",
    );
    script(
        p,
        "a3",
        "a2",
        "third",
        "CREATE TABLE c (id INTEGER);\nINSERT INTO missing VALUES (1);",
        Some("DROP TABLE c;"),
    );
}

engine_test!(
    whole_run_transaction_reopens_after_a_no_transaction_step,
    |p| {
        whole_run_with_a_no_transaction_step(p);
        let msg = p.normalize(&p.alembic(&["upgrade", "head"]).failed());
        assert!(
            msg.ends_with(
                "(revision a3; the run's transaction was rolled back to where upgrade a1 -> a2 (a \
             no-transaction migration) committed it; that migration and those before it stay \
             applied)"
            ),
            "{msg}"
        );
        // a3's table was rolled back with its transaction; a1 and a2 stay.
        assert_eq!(p.tables(), ["a", "b"]);
        assert_eq!(p.version_rows(), ["a2"]);
    }
);

#[test]
fn whole_run_sql_begins_again_after_a_no_transaction_step() {
    let p = Project::new(Engine::Sqlite);
    whole_run_with_a_no_transaction_step(&p);
    let sql = p.alembic(&["upgrade", "head", "--sql"]).ok().stdout;
    let boundaries: Vec<&str> = sql
        .lines()
        .filter(|l| {
            ["BEGIN", "COMMIT", "CREATE TABLE "]
                .iter()
                .any(|k| l.starts_with(k))
        })
        .filter(|l| !l.contains("alembic_version"))
        .collect();
    assert_eq!(
        boundaries,
        [
            "BEGIN;",
            "CREATE TABLE a (id INTEGER);",
            "COMMIT;",
            "CREATE TABLE b (id INTEGER);",
            "BEGIN;",
            "COMMIT;",
            "BEGIN;",
            "CREATE TABLE c (id INTEGER);",
            "COMMIT;",
        ],
        "{sql}"
    );
}

engine_test!(
    transaction_control_in_a_transactional_section_is_refused,
    |p| {
        for (body, line, what, marker) in [
            (
                "CREATE TABLE a (id INTEGER);\nROLLBACK;",
                10,
                "ROLLBACK",
                "-- +upgrade no-transaction",
            ),
            (
                "CREATE TABLE a (id INTEGER);\n-- why\ncommit;\nCREATE TABLE b (id INTEGER);",
                11,
                "COMMIT",
                "-- +upgrade no-transaction",
            ),
            (
                "BEGIN TRANSACTION;\nCREATE TABLE a (id INTEGER);",
                9,
                "BEGIN TRANSACTION",
                "-- +upgrade no-transaction",
            ),
            (
                "SET TRANSACTION ISOLATION LEVEL SERIALIZABLE;",
                9,
                "SET TRANSACTION",
                "-- +upgrade no-transaction",
            ),
            (
                "CREATE TABLE a (id INTEGER);\nEND;",
                10,
                "END",
                "-- +upgrade no-transaction",
            ),
        ] {
            script(p, "a1", "", "tx", body, None);
            let msg = p.normalize(&p.alembic(&["upgrade", "head"]).failed());
            assert_eq!(
                msg,
                format!(
                    "$DIR/migrations/versions/a1.sql:{line}: '{what}' would end or restart the \
                 transaction this migration runs in, so the migration could be recorded half \
                 done; remove it (the tool begins and commits the transaction, together with \
                 the version update), or mark the section '{marker}' to run its statements one \
                 by one and control transactions yourself (revision a1; nothing was run)"
                )
            );
            nothing_applied(p);
        }
        // Savepoints stay inside the transaction.
        script(p,
        "a1",
        "",
        "savepoints",
        "SAVEPOINT s;\nCREATE TABLE a (id INTEGER);\nROLLBACK TO s;\nRELEASE s;\nCREATE TABLE b (id INTEGER);",
        None,
    );
        p.alembic(&["upgrade", "head"]).ok();
        assert_eq!(p.tables(), ["b"]);
    }
);

engine_test!(savepoint_misuse_fails_and_rolls_the_migration_back, |p| {
    // A savepoint that was never set (or already released) is an error of the statement:
    // the migration is rolled back whole and not recorded.
    for (body, line) in [
        ("CREATE TABLE a (id INTEGER);\nROLLBACK TO nosuch;", 10),
        (
            "SAVEPOINT s;\nCREATE TABLE a (id INTEGER);\nRELEASE s;\nRELEASE s;",
            12,
        ),
    ] {
        script(p, "a1", "", "savepoint", body, None);
        let msg = p.normalize(&p.alembic(&["upgrade", "head"]).failed());
        assert!(
            msg.starts_with(&format!("$DIR/migrations/versions/a1.sql:{line}: ")),
            "{msg}"
        );
        assert!(
            msg.ends_with("(revision a1; this migration was rolled back; none were applied)"),
            "{msg}"
        );
        nothing_applied(p);
    }
});

engine_test!(
    a_failing_no_transaction_section_says_what_stays_applied,
    |p| {
        script(
            p,
            "a0",
            "",
            "first",
            "CREATE TABLE z (id INTEGER);",
            Some("DROP TABLE z;"),
        );
        raw_script(p,
        "a1",
        "-- revision: a1\n-- down_revision: a0\n\n-- +upgrade no-transaction\nCREATE TABLE a (id INTEGER);\nCREATE TABLE b (id INTEGER);\nCREATE TABLE a (id INTEGER);\nCREATE TABLE c (id INTEGER);\n",
    );
        let msg = p.normalize(&p.alembic(&["upgrade", "head"]).failed());
        assert!(
            msg.starts_with("$DIR/migrations/versions/a1.sql:7: "),
            "{msg}"
        );
        assert!(
            msg.ends_with(
                "(revision a1; this migration runs without a transaction: the 2 statements before \
             this one stay applied, this one and the 1 after it did not run, and the revision \
             is not recorded; undo or finish those statements by hand, then run again; the \
             last one applied was upgrade  -> a0)"
            ),
            "{msg}"
        );
        assert_eq!(p.tables(), ["a", "b", "z"]);
        assert_eq!(p.version_rows(), ["a0"]);
    }
);

/// The server ends the session while it commits (a deferred constraint trigger that
/// terminates its own backend): the client can't know whether the commit happened.
#[test]
fn connection_lost_at_commit_names_the_revision_and_says_the_outcome_is_unknown() {
    let p = &Project::new(Engine::Postgres);
    script(p,
        "a1",
        "",
        "dies at commit",
        "CREATE TABLE a (id INTEGER);\n\
         CREATE FUNCTION die() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_terminate_backend(pg_backend_pid()); RETURN NULL; END $$;\n\
         CREATE CONSTRAINT TRIGGER die AFTER INSERT ON a DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION die();\n\
         INSERT INTO a VALUES (1);",
        None,
    );
    let msg = p.normalize(&p.alembic(&["upgrade", "head"]).failed());
    assert!(
        msg.starts_with(
            "the connection failed while committing revision a1 ($DIR/migrations/versions/a1.sql): "
        ),
        "{msg}"
    );
    assert!(
        msg.ends_with(
            "whether it was applied is unknown (a new connection finds that the version table \
             does not hold a1; its rows: none)"
        ),
        "{msg}"
    );
    // Here the server had not committed: the next look at the database says so.
    assert_eq!(p.version_rows(), Vec::<String>::new());
    assert_eq!(p.tables(), Vec::<String>::new());
}

engine_test!(a_huge_lock_timeout_is_refused_not_a_panic, |p| {
    p.linear();
    for value in ["1e30", "86401", "-1", "inf", "NaN"] {
        p.write_ini(&format!("lock_timeout = {value}"));
        assert_eq!(
            p.alembic(&["upgrade", "head"]).failed(),
            format!(
                "bad value for 'lock_timeout' in configuration: '{value}' is not a number of \
                 seconds from 0 to 86400"
            )
        );
    }
    assert_eq!(p.version_rows(), Vec::<String>::new());
    p.write_ini("lock_timeout = 86400");
    p.alembic(&["upgrade", "head"]).ok();
});

#[test]
fn reserved_words_are_refused_as_rev_ids_and_branch_labels() {
    let p = Project::new(Engine::Sqlite);
    for word in ["head", "heads", "base"] {
        assert_eq!(
            p.alembic(&["revision", "-m", "x", "--rev-id", word])
                .failed(),
            format!(
                "--rev-id '{word}' is refused: head, heads and base are words of revision \
                 targets ('upgrade {word}' would not mean this revision); choose another"
            )
        );
        assert_eq!(
            p.alembic(&["revision", "-m", "x", "--branch-label", word])
                .failed(),
            format!(
                "--branch-label '{word}' is refused: head, heads and base are words of \
                 revision targets ('upgrade {word}' would not mean this revision); choose \
                 another"
            )
        );
    }
    let written = std::fs::read_dir(p.versions()).unwrap().count();
    assert_eq!(written, 0, "a refused revision wrote a file");
    // A script that names itself `head` is refused where it stands.
    script(&p, "head", "", "bad", "SELECT 1;", None);
    let msg = p.normalize(&p.alembic(&["heads"]).failed());
    assert!(
        msg.contains("'head' in 'revision' is a word of revision targets (head, heads, base), not a revision id"),
        "{msg}"
    );
}

#[test]
fn a_script_branch_label_that_is_a_reserved_word_is_refused_with_file_and_line() {
    let p = Project::new(Engine::Sqlite);
    for word in ["head", "heads", "base"] {
        p.script("a1")
            .branch_labels(&format!("main, {word}"))
            .upgrade("CREATE TABLE t (id INTEGER);")
            .write();
        for args in [&["heads"][..], &["upgrade", "head"]] {
            let msg = p.normalize(&p.alembic(args).failed());
            assert_eq!(
                msg,
                format!(
                    "$DIR/migrations/versions/a1.sql:3: branch label '{word}' is a word of revision \
                     targets (head, heads, base); 'upgrade {word}' would not mean this branch: \
                     choose another label"
                )
            );
        }
        nothing_applied(&p);
    }
}

#[test]
fn a_py_branch_label_that_is_a_reserved_word_is_refused_with_file_and_line() {
    let p = Project::new(Engine::Sqlite);
    for (word, labels) in [
        ("head", "('main', 'head')"),
        ("heads", "['heads']"),
        ("base", "'base'"),
    ] {
        let text = format!(
            "\"\"\"labelled\"\"\"\nfrom alembic import op\n\nrevision = 'a1'\ndown_revision = None\n\
             branch_labels = {labels}\ndepends_on = None\n\n\ndef upgrade():\n    \
             op.execute('CREATE TABLE t (id INTEGER)')\n\n\ndef downgrade():\n    pass\n"
        );
        std::fs::write(p.versions().join("a1_labelled.py"), text).expect("write revision");
        for args in [&["heads"][..], &["history"], &["upgrade", "head"]] {
            let msg = p.normalize(&p.alembic(args).failed());
            assert_eq!(
                msg,
                format!(
                    "$DIR/migrations/versions/a1_labelled.py:6: branch label '{word}' is a word of \
                     revision targets (head, heads, base); 'upgrade {word}' would not mean this \
                     branch: choose another label"
                ),
                "{args:?}"
            );
        }
        nothing_applied(&p);
    }
}

engine_test!(
    a_bare_x_value_that_is_a_url_is_refused_and_others_warned,
    |p| {
        p.linear();
        let other = "postgresql://u:Bare-Secret@127.0.0.1:1/elsewhere";
        let run = p.alembic(&["-x", other, "upgrade", "head"]);
        assert!(!run.stderr.contains("Bare-Secret"), "{}", run.stderr);
        assert_eq!(
            run.failed(),
            "-x was given a database URL without a key; it would be ignored and the \
         configuration's database used: write -x url=<URL>"
        );
        assert_eq!(p.version_rows(), Vec::<String>::new());
        let run = p.alembic(&["-x", "dry", "upgrade", "head"]).ok();
        assert!(
            run.stderr.contains(
                "WARNING: -x 'dry' has no '=': it is read as the key 'dry' with an empty value \
             (write -x key=value to give it one)\n"
            ),
            "{}",
            run.stderr
        );
        assert_eq!(p.version_rows(), ["1975ea83b712"]);
    }
);

#[test]
fn a_dangling_sql_symlink_in_a_version_location_is_warned_about() {
    let p = Project::new(Engine::Sqlite);
    p.linear();
    std::os::unix::fs::symlink(p.path("nowhere.sql"), p.versions().join("zz_gone.sql")).unwrap();
    let run = p.alembic(&["upgrade", "head"]).ok();
    let warning = format!(
        "WARNING: {} is a symbolic link to nothing; it was skipped\n",
        p.versions().join("zz_gone.sql").display()
    );
    assert!(run.stderr.contains(&warning), "{}", run.stderr);
    assert_eq!(p.version_rows(), ["1975ea83b712"]);
}

/// Every output of a matrix of failing commands, the password given in every way a user
/// could give it, is searched for the password.
#[test]
fn no_output_of_a_failing_command_shows_the_password() {
    let secret = "Matr1x-S3cret";
    let port = crate::support::pg::closed_port();
    let file = tempfile::NamedTempFile::new().unwrap();
    let urls = [
        format!("postgresql://u:{secret}@127.0.0.1:{port}/db"),
        format!("postgresql://u@127.0.0.1:{port}/db?password={secret}"),
        format!("postgresql://u@127.0.0.1:{port}/db?sslmode=disable&password={secret}"),
        format!("sqlite:///{}/x.db?password={secret}", file.path().display()),
    ];
    let commands: [&[&str]; 6] = [
        &["current"],
        &["upgrade", "head"],
        &["downgrade", "base"],
        &["stamp", "head"],
        &["check"],
        &["upgrade", "nosuchrev"],
    ];
    let mut runs = 0;
    for url in &urls {
        for place in ["-x", "ini", "env", "indented", "positional", "bare -x"] {
            let p = Project::new(Engine::Sqlite);
            p.linear();
            let mut pre: Vec<String> = Vec::new();
            let mut env = None;
            let mut post: Vec<String> = Vec::new();
            match place {
                "-x" => pre = vec!["-x".into(), format!("url={url}")],
                "ini" => p.write_ini(&format!("sqlalchemy.url = {url}")),
                "env" => env = Some(url.clone()),
                // Continues script_location's value, which an error then quotes.
                "indented" => p.write_ini(&format!("  sqlalchemy.url = {url}")),
                "positional" => post = vec![url.clone()],
                _ => pre = vec!["-x".into(), url.clone()],
            }
            if place == "ini" || place == "indented" {
                // The project's own URL line comes first: drop it so that only ours is read.
                let ini = std::fs::read_to_string(p.path("alembic.ini")).unwrap();
                let ini = ini.replace(&format!("sqlalchemy.url = {}\n", p.url), "");
                std::fs::write(p.path("alembic.ini"), ini).unwrap();
            }
            for command in commands {
                for raise in [false, true] {
                    let mut args: Vec<String> = Vec::new();
                    if raise {
                        args.push("--raiseerr".into());
                    }
                    args.extend(pre.iter().cloned());
                    args.extend(command.iter().map(|s| s.to_string()));
                    args.extend(post.iter().cloned());
                    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_alembic"));
                    cmd.args(&args)
                        .current_dir(p.dir.path())
                        .env_remove("DATABASE_URL")
                        .env_remove("ALEMBIC_CONFIG")
                        .env("PGCONNECT_TIMEOUT", "2")
                        .stdin(std::process::Stdio::null());
                    if let Some(url) = &env {
                        cmd.env("DATABASE_URL", url);
                    }
                    let run = crate::support::Run::from(cmd.output().unwrap());
                    let all = format!("{}{}", run.stdout, run.stderr);
                    assert!(
                        !all.contains(secret),
                        "password shown by {args:?} ({place}):\n{all}"
                    );
                    runs += 1;
                }
            }
        }
    }
    assert_eq!(runs, 4 * 6 * 6 * 2);
}

/// 32 `ensure_version` runs at once on a database without a version table: each takes the
/// migration lock, so none finds the table missing after another made it.
#[test]
fn concurrent_ensure_version_runs_all_succeed_on_postgres() {
    let p = Project::new(Engine::Postgres);
    for round in 0..3 {
        p.execute("DROP TABLE IF EXISTS alembic_version");
        let runs: Vec<crate::support::Run> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..32)
                .map(|_| s.spawn(|| p.alembic(&["ensure_version"])))
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        for run in runs {
            assert_eq!(run.code, 0, "round {round}: {}", run.stderr);
        }
        assert!(p.has_version_table());
    }
}

/// A second run while a long one holds the SQLite database (its migration lock and an open
/// write transaction) says it is waiting, and gives up after `lock_timeout`, not after a
/// silent fixed minute.
#[test]
fn sqlite_waits_for_a_running_migration_as_long_as_lock_timeout_says() {
    let p = Project::new(Engine::Sqlite);
    p.linear();
    p.write_ini("lock_timeout = 1");
    p.execute("CREATE TABLE busy (id INTEGER)");
    let db = p.path("test.db");
    let held = std::fs::File::open(&db).unwrap();
    held.lock().unwrap();
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute_batch("BEGIN EXCLUSIVE; INSERT INTO busy VALUES (1);")
        .unwrap();
    let started = std::time::Instant::now();
    let run = p.alembic(&["upgrade", "head"]);
    let took = started.elapsed();
    let stderr = run.stderr.clone();
    assert_eq!(
        run.failed(),
        "timed out after 1s waiting for the migration lock held by another process"
    );
    assert!(
        stderr.contains(
            "INFO  [alembic.runtime.migration] Waiting for another alembic run to release the \
             migration lock...\n"
        ),
        "{stderr}"
    );
    assert!(took < std::time::Duration::from_secs(15), "took {took:?}");
    conn.execute_batch("ROLLBACK").unwrap();
    held.unlock().unwrap();
    p.alembic(&["upgrade", "head"]).ok();
    assert_eq!(p.version_rows(), ["1975ea83b712"]);
}

/// A read-only command while another process writes the SQLite database says it is waiting
/// and gives up after `lock_timeout`; once the write has ended it reads at once.
#[test]
fn sqlite_read_only_commands_wait_as_long_as_lock_timeout_says() {
    let p = Project::new(Engine::Sqlite);
    p.linear();
    p.alembic(&["upgrade", "ae1027a6acf"]).ok();
    p.write_ini("lock_timeout = 1");
    let conn = rusqlite::Connection::open(p.path("test.db")).unwrap();
    conn.execute_batch("BEGIN EXCLUSIVE; INSERT INTO account VALUES (1, 'x');")
        .unwrap();
    for args in [&["current"][..], &["check"], &["history", "-i"]] {
        let started = std::time::Instant::now();
        let run = p.alembic(args);
        let took = started.elapsed();
        let stderr = run.stderr.clone();
        assert_eq!(
            run.failed(),
            "timed out after 1s waiting for another process's write to the database to end \
             (lock_timeout sets the limit)",
            "{args:?}"
        );
        assert!(
            stderr.contains(
                "INFO  [alembic.runtime.migration] Waiting for another process's write to the \
                 database to end...\n"
            ),
            "{args:?}: {stderr}"
        );
        assert!(
            took < std::time::Duration::from_secs(10),
            "{args:?} took {took:?}"
        );
    }
    conn.execute_batch("ROLLBACK").unwrap();
    let run = p.alembic(&["current"]).ok();
    assert!(run.stdout.contains("ae1027a6acf"), "{}", run.stdout);
    assert!(!run.stderr.contains("Waiting"), "{}", run.stderr);
}

/// A server that accepts and never answers: the connection attempt gives up after
/// `connect_timeout` (the URL's, or `$PGCONNECT_TIMEOUT`) and says what it waited for.
#[test]
fn a_server_that_never_answers_times_out_with_connect_timeout() {
    use crate::support::{run_with_deadline, StallingServer};
    let server = StallingServer::start();
    let port = server.port;
    let dir = tempfile::tempdir().unwrap();
    let deadline = std::time::Duration::from_secs(20);
    let cases = [
        (
            format!("postgresql://u@127.0.0.1:{port}/db?connect_timeout=2"),
            None,
        ),
        (format!("postgresql://u@127.0.0.1:{port}/db"), Some("2")),
    ];
    for (url, env) in cases {
        std::fs::write(
            dir.path().join("alembic.ini"),
            format!("[alembic]\nscript_location = %(here)s\nsqlalchemy.url = {url}\n"),
        )
        .unwrap();
        std::fs::create_dir_all(dir.path().join("versions")).unwrap();
        let env: Vec<(&str, &str)> = env.map(|v| ("PGCONNECT_TIMEOUT", v)).into_iter().collect();
        let started = std::time::Instant::now();
        let run = run_with_deadline(dir.path(), &["current"], &env, deadline);
        let took = started.elapsed();
        // While it waits, it says for what.
        assert!(
            run.stderr.contains(&format!(
                "INFO  [alembic.runtime.migration] Waiting for the server at 127.0.0.1:{port} to \
                 answer (connect_timeout in the URL or $PGCONNECT_TIMEOUT sets how long, default \
                 30s)...\n"
            )),
            "{}",
            run.stderr
        );
        assert_eq!(
            run.failed(),
            format!(
                "can't connect to {url}: timed out after 2s waiting for the server at \
                 127.0.0.1:{port} to answer (connect_timeout in the URL or $PGCONNECT_TIMEOUT \
                 sets the limit)"
            )
        );
        assert!(took < std::time::Duration::from_secs(10), "took {took:?}");
    }
}

/// With neither the URL nor `$PGCONNECT_TIMEOUT` saying, a server that accepts and never
/// answers is given up on after the default 30 seconds, not waited for forever.
#[test]
fn a_server_that_never_answers_times_out_after_the_default_30s() {
    use crate::support::{run_with_deadline, StallingServer};
    let server = StallingServer::start();
    let port = server.port;
    let dir = tempfile::tempdir().unwrap();
    let url = format!("postgresql://u@127.0.0.1:{port}/db");
    std::fs::write(
        dir.path().join("alembic.ini"),
        format!("[alembic]\nscript_location = %(here)s\nsqlalchemy.url = {url}\n"),
    )
    .unwrap();
    std::fs::create_dir_all(dir.path().join("versions")).unwrap();
    let started = std::time::Instant::now();
    let run = run_with_deadline(
        dir.path(),
        &["upgrade", "head"],
        &[],
        std::time::Duration::from_secs(60),
    );
    let took = started.elapsed();
    assert!(
        run.stderr.contains("Waiting for the server at"),
        "{}",
        run.stderr
    );
    assert_eq!(
        run.failed(),
        format!(
            "can't connect to {url}: timed out after 30s waiting for the server at \
             127.0.0.1:{port} to answer (connect_timeout in the URL or $PGCONNECT_TIMEOUT \
             sets the limit)"
        )
    );
    assert!(took >= std::time::Duration::from_secs(29), "took {took:?}");
    assert!(took < std::time::Duration::from_secs(45), "took {took:?}");
}

/// An `ALTER TABLE` behind a session idle in a transaction that read the table fails after
/// `ddl_lock_timeout` (instead of waiting forever and stalling every new reader of the table
/// behind it), rolls back, and says what it waited for.
#[test]
fn a_ddl_lock_wait_on_postgres_is_bounded_by_ddl_lock_timeout() {
    use crate::support::run_with_deadline;
    let p = Project::new(Engine::Postgres);
    p.linear();
    p.alembic(&["upgrade", "ae1027a6acf"]).ok();
    p.write_ini("ddl_lock_timeout = 1");
    let mut reader = crate::support::pg::admin_client(&p.url);
    reader
        .batch_execute(
            "SET application_name = 'report-reader'; BEGIN; SELECT count(*) FROM account;",
        )
        .unwrap();
    let (pid, query_start) = reader_session(&mut reader);
    let started = std::time::Instant::now();
    let run = run_with_deadline(
        p.dir.path(),
        &["upgrade", "head"],
        &[],
        std::time::Duration::from_secs(30),
    );
    let took = started.elapsed();
    let msg = p.normalize(&run.failed());
    // The blocking session is named: pid, application, state, query start, lock; never its
    // query text.
    assert_eq!(
        msg,
        format!(
            "$DIR/migrations/versions/27c6a30d7c24.sql:9: ERROR: canceling statement due to \
             lock timeout (it waited ddl_lock_timeout for a lock on table account that another \
             session holds: pid {pid} (application 'report-reader', state 'idle in \
             transaction', query started {query_start}, holds AccessShareLock on account); end \
             that session (SELECT pg_terminate_backend({pid})) or let it finish, or raise \
             ddl_lock_timeout or set ddl_lock_retries) (revision 27c6a30d7c24; this migration \
             was rolled back; none were applied)"
        )
    );
    assert!(!msg.contains("count(*)"), "{msg}");
    assert!(took < std::time::Duration::from_secs(15), "took {took:?}");
    assert_eq!(p.version_rows(), ["ae1027a6acf"]);
    reader.batch_execute("COMMIT").unwrap();
    p.alembic(&["upgrade", "head"]).ok();
    assert_eq!(p.version_rows(), ["1975ea83b712"]);
}

/// The pid and query start (as the lock report writes it) of a test's own session.
fn reader_session(client: &mut postgres::Client) -> (String, String) {
    let row = client
        .query_one(
            "SELECT pg_backend_pid()::text, to_char(query_start, 'YYYY-MM-DD HH24:MI:SS TZ') \
             FROM pg_stat_activity WHERE pid = pg_backend_pid()",
            &[],
        )
        .unwrap();
    // The report reads the start of the session's last query, the SELECT above.
    (row.get(0), row.get(1))
}

/// With `ddl_lock_retries`, a migration that `ddl_lock_timeout` ended is rolled back and run
/// again after a pause; once the blocking session lets go it applies, and each retry is
/// logged. Without retries left, it fails as without the setting.
#[test]
fn ddl_lock_retries_run_a_migration_again_after_a_lock_timeout() {
    use crate::support::run_with_deadline;
    let p = Project::new(Engine::Postgres);
    p.linear();
    p.alembic(&["upgrade", "ae1027a6acf"]).ok();
    p.write_ini("ddl_lock_timeout = 1\nddl_lock_retries = 5");
    let mut reader = crate::support::pg::admin_client(&p.url);
    reader
        .batch_execute("BEGIN; SELECT count(*) FROM account;")
        .unwrap();
    let released = std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_millis(2500));
        reader.batch_execute("COMMIT").unwrap();
    });
    let run = run_with_deadline(
        p.dir.path(),
        &["upgrade", "head"],
        &[],
        std::time::Duration::from_secs(60),
    )
    .ok();
    released.join().unwrap();
    let retries: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.contains("ddl_lock_timeout ended"))
        .collect();
    assert!(!retries.is_empty(), "{}", run.stderr);
    assert_eq!(
        retries[0],
        "INFO  [alembic.runtime.migration] ddl_lock_timeout ended upgrade ae1027a6acf -> \
         27c6a30d7c24, which was rolled back; running it again in 1s (retry 1 of 5, \
         ddl_lock_retries)"
    );
    assert_eq!(p.version_rows(), ["1975ea83b712"]);
    // Retries run out: the last failure is reported as without them.
    p.alembic(&["downgrade", "ae1027a6acf"]).ok();
    p.write_ini("ddl_lock_timeout = 1\nddl_lock_retries = 1");
    let mut reader = crate::support::pg::admin_client(&p.url);
    reader
        .batch_execute("BEGIN; SELECT count(*) FROM account;")
        .unwrap();
    let run = run_with_deadline(
        p.dir.path(),
        &["upgrade", "head"],
        &[],
        std::time::Duration::from_secs(60),
    );
    assert_eq!(
        run.stderr.matches("ddl_lock_timeout ended").count(),
        1,
        "{}",
        run.stderr
    );
    assert!(run
        .failed()
        .contains("canceling statement due to lock timeout"));
    assert_eq!(p.version_rows(), ["ae1027a6acf"]);
    reader.batch_execute("COMMIT").unwrap();
    p.write_ini("ddl_lock_retries = 11");
    assert_eq!(
        p.alembic(&["upgrade", "head"]).failed(),
        "bad value for 'ddl_lock_retries' in configuration: '11' is not a whole number from 0 \
         to 10"
    );
}

/// A migration's `SELECT` of millions of rows on PostgreSQL drops the rows as they arrive:
/// the run's memory stays bounded instead of growing with the result.
#[test]
fn a_huge_select_in_a_postgres_migration_takes_no_memory_for_its_rows() {
    use crate::support::run_measuring_peak_memory;
    let p = Project::new(Engine::Postgres);
    script(
        &p,
        "a1",
        "",
        "big read",
        "SELECT g, repeat('x', 20) FROM generate_series(1, 3000000) AS g;\nCREATE TABLE t (id INTEGER);",
        None,
    );
    let (run, peak_kb) = run_measuring_peak_memory(p.dir.path(), &["upgrade", "head"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(p.version_rows(), ["a1"]);
    assert!(peak_kb > 0, "no memory reading");
    assert!(peak_kb < 100 * 1024, "peak resident memory {peak_kb} kB");
}
