//! Bad input: each a one-line `FAILED:` message on stderr, exit status 1, no panic, the
//! database untouched.

use crate::support::{run_in, Engine, Project};

/// Runs a command that must fail, and checks it left the version table and the schema as they
/// were. (Like Alembic, opening a SQLite URL creates an empty file where there was none.)
#[track_caller]
fn fails(p: &Project, args: &[&str]) -> String {
    let before = (p.version_rows(), p.tables());
    let msg = p.alembic(args).failed();
    assert_eq!(
        before,
        (p.version_rows(), p.tables()),
        "a failing command changed the database"
    );
    msg
}

#[test]
fn malformed_header() {
    let p = Project::new(Engine::Sqlite);
    std::fs::write(
        p.versions().join("bad.sql"),
        "-- revision: abc\n-- colour: blue\n-- +upgrade\n",
    )
    .expect("write");
    let msg = fails(&p, &["heads"]);
    assert!(msg.contains("bad.sql") && msg.contains("colour"), "{msg}");
}

#[test]
fn duplicate_revision_id() {
    let p = Project::new(Engine::Sqlite);
    p.linear();
    std::fs::copy(
        p.versions().join("ae1027a6acf.sql"),
        p.versions().join("copy.sql"),
    )
    .expect("copy");
    let msg = fails(&p, &["upgrade", "head"]);
    assert!(
        msg.contains("ae1027a6acf") && msg.contains("more than once"),
        "{msg}"
    );
}

#[test]
fn cycle() {
    let p = Project::new(Engine::Sqlite);
    p.script("aaaa")
        .down_revision("bbbb")
        .message("a")
        .downgrade("")
        .write();
    p.script("bbbb")
        .down_revision("aaaa")
        .message("b")
        .downgrade("")
        .write();
    let msg = fails(&p, &["history"]);
    assert!(msg.contains("ycle"), "{msg}");
}

#[test]
fn missing_parent() {
    let p = Project::new(Engine::Sqlite);
    p.script("aaaa1111")
        .down_revision("ffff9999")
        .message("a")
        .downgrade("")
        .write();
    let msg = fails(&p, &["upgrade", "head"]);
    assert!(
        msg.contains("ffff9999") && msg.contains("aaaa1111"),
        "{msg}"
    );
}

#[test]
fn ambiguous_prefix_names_the_choices() {
    let p = Project::new(Engine::Sqlite);
    p.script("2b2b2b2b0001")
        .message("one")
        .downgrade("")
        .write();
    p.script("2b2b2b2b0002")
        .down_revision("2b2b2b2b0001")
        .message("two")
        .downgrade("")
        .write();
    let msg = fails(&p, &["upgrade", "2b2b"]);
    assert!(
        msg.contains("2b2b2b2b0001") && msg.contains("2b2b2b2b0002"),
        "{msg}"
    );
    assert!(!p.has_version_table());
}

#[test]
fn downgrade_below_base() {
    let p = Project::new(Engine::Sqlite);
    p.linear();
    p.alembic(&["upgrade", "+1"]).ok();
    let msg = fails(&p, &["downgrade", "-2"]);
    assert_eq!(msg, "Relative revision -2 didn't produce 2 migrations");
    assert_eq!(p.version_rows(), ["ae1027a6acf"]);
}

#[test]
fn missing_config() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let dir = tmp.path().canonicalize().expect("canonical temp dir");
    let found_in = |name: &str| {
        format!(
            "No config file '{name}' found in {}; create one with 'alembic init DIRECTORY' or name it with -c",
            dir.display()
        )
    };
    assert_eq!(
        run_in(tmp.path(), &["heads"]).failed(),
        found_in("alembic.ini")
    );
    assert_eq!(
        run_in(tmp.path(), &["-c", "nowhere.ini", "upgrade", "head"]).failed(),
        found_in("nowhere.ini")
    );
    // A file with the section but not the key: Alembic's own words.
    std::fs::write(
        tmp.path().join("alembic.ini"),
        "[alembic]
",
    )
    .expect("ini");
    assert_eq!(
        run_in(tmp.path(), &["heads"]).failed(),
        "No 'script_location' key found in configuration."
    );
}

#[test]
fn missing_script_directory() {
    let tmp = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        tmp.path().join("alembic.ini"),
        "[alembic]\nscript_location = %(here)s/nowhere\n",
    )
    .expect("ini");
    let msg = run_in(tmp.path(), &["heads"]).failed();
    assert!(
        msg.starts_with("Path doesn't exist: ") && msg.contains("nowhere"),
        "{msg}"
    );
}

#[test]
fn unreadable_url_never_shows_the_password() {
    let p = Project::new(Engine::Sqlite);
    p.linear();
    let msg = fails(
        &p,
        &[
            "-x",
            "url=mysql://scott:tiger@localhost/test",
            "upgrade",
            "head",
        ],
    );
    assert!(msg.contains("mysql") && !msg.contains("tiger"), "{msg}");
    let msg = fails(
        &p,
        &[
            "-x",
            "url=postgresql://scott:tiger@127.0.0.1:1/test",
            "upgrade",
            "head",
        ],
    );
    assert!(msg.contains("***") && !msg.contains("tiger"), "{msg}");
}

#[test]
fn a_file_that_is_not_a_database() {
    let p = Project::new(Engine::Sqlite);
    p.linear();
    std::fs::write(
        p.path("test.db"),
        b"this is not a database, just text padded out to be long enough to matter",
    )
    .expect("write");
    let msg = p.alembic(&["upgrade", "head"]).failed();
    assert!(msg.contains("not a database"), "{msg}");
}

#[test]
fn unknown_command_and_bad_option_exit_2() {
    let tmp = tempfile::tempdir().expect("temp dir");
    for (args, named) in [
        (&["frobnicate"][..], "'frobnicate'"),
        (&["upgrade", "--bogus"], "'--bogus'"),
    ] {
        let run = run_in(tmp.path(), args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(run.stderr.starts_with("error: "), "{}", run.stderr);
        assert!(run.stderr.contains(named), "{}", run.stderr);
    }
}

#[test]
fn database_url_precedence() {
    let p = Project::new(Engine::Sqlite);
    p.linear();
    let other = p.path("other.db");
    let url = format!("sqlite:///{}", other.display());
    p.alembic(&["-x", &format!("url={url}"), "upgrade", "head"])
        .ok();
    assert!(other.is_file());
    assert!(!p.path("test.db").exists());
    let env_db = p.path("env.db");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_alembic"))
        .args(["upgrade", "+1"])
        .current_dir(p.dir.path())
        .env("DATABASE_URL", format!("sqlite:///{}", env_db.display()))
        .output()
        .expect("run");
    assert!(out.status.success());
    assert!(env_db.is_file());
    assert!(!p.path("test.db").exists());
}

/// `current` and `pending` read an existing SQLite file while the scripts load; what they
/// report must not depend on which finishes first.
#[test]
fn read_commands_report_script_errors_before_database_errors() {
    let p = Project::new(Engine::Sqlite);
    p.linear();
    let db = p.path("test.db");
    std::fs::write(
        &db,
        b"this is not a database, just text padded out to be long enough to matter",
    )
    .expect("write");
    for command in ["current", "pending"] {
        let run = p.alembic(&[command]);
        assert!(!run.stderr.contains("Context impl"), "{}", run.stderr);
        let msg = run.failed();
        assert_eq!(
            msg,
            format!("can't connect to {}: file is not a database", p.url)
        );
    }

    std::fs::write(p.versions().join("zz_broken.sql"), "-- revision: zz\n").expect("write");
    for command in ["current", "pending"] {
        let run = p.alembic(&[command]);
        assert!(!run.stderr.contains("Context impl"), "{}", run.stderr);
        let msg = run.failed();
        assert!(msg.contains("zz_broken.sql"), "{msg}");
        assert!(msg.contains("missing '-- down_revision:'"), "{msg}");
    }

    // A healthy database: the context lines, then the answer.
    std::fs::remove_file(&db).expect("remove");
    std::fs::remove_file(p.versions().join("zz_broken.sql")).expect("remove");
    p.alembic(&["upgrade", "head"]).ok();
    let run = p.alembic(&["current"]).ok();
    assert_eq!(
        run.stderr,
        "INFO  [alembic.runtime.migration] Context impl SQLiteImpl.\n\
         INFO  [alembic.runtime.migration] Will assume transactional DDL.\n"
    );
    assert!(run.stdout.ends_with(" (head)\n"), "{}", run.stdout);
    let run = p.alembic(&["pending"]).ok();
    assert_eq!(run.stdout, "");
}

#[test]
fn pending_refuses_an_unknown_version_row_as_upgrade_does() {
    let p = Project::new(Engine::Sqlite);
    p.linear();
    p.alembic(&["upgrade", "head"]).ok();
    let conn = rusqlite::Connection::open(p.path("test.db")).expect("open");
    conn.execute("UPDATE alembic_version SET version_num = 'abc'", [])
        .expect("update");
    let pending = p.alembic(&["pending"]).failed();
    assert!(
        pending.starts_with("Can't locate revision identified by 'abc': the version table"),
        "{pending}"
    );
    assert_eq!(pending, p.alembic(&["upgrade", "head"]).failed());
}

#[test]
fn an_empty_target_is_refused() {
    let p = Project::new(Engine::Sqlite);
    p.linear();
    p.alembic(&["upgrade", "+1"]).ok();
    for (command, target) in [("upgrade", ""), ("upgrade", " "), ("downgrade", "")] {
        let msg = fails(&p, &[command, target]);
        assert_eq!(
            msg,
            format!(
                "{command} needs a target revision, such as 'head', 'base' or '-1'; '' names none"
            )
        );
    }
    assert_eq!(p.version_rows(), ["ae1027a6acf"]);
}

#[test]
fn an_empty_x_url_is_refused_rather_than_falling_back() {
    let p = Project::new(Engine::Sqlite);
    p.linear();
    let msg = fails(&p, &["-x", "url=", "upgrade", "head"]);
    assert_eq!(
        msg,
        "-x url= is empty; give a database URL, or leave -x url out to use $DATABASE_URL or sqlalchemy.url"
    );
    assert!(!p.path("test.db").exists(), "the ini's database was opened");
}

#[test]
fn usage_errors_are_clap_s_whole_message_with_status_2() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let usage = |args: &[&str]| {
        let run = run_in(tmp.path(), args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert_eq!(run.stdout, "", "{args:?}");
        run.stderr
    };
    assert_eq!(
        usage(&["upgarde", "head"]),
        "error: unrecognized subcommand 'upgarde'\n\n  tip: a similar subcommand exists: 'upgrade'\n\n\
Usage: alembic [OPTIONS] <COMMAND>\n\nFor more information, try '--help'.\n"
    );
    assert_eq!(
        usage(&["stamp"]),
        "error: the following required arguments were not provided:\n  <REVISIONS>...\n\n\
Usage: alembic stamp <REVISIONS>...\n\nFor more information, try '--help'.\n"
    );
    assert_eq!(
        usage(&["upgrade", "head", "extra"]),
        "error: unexpected argument 'extra' found\n\n\
Usage: alembic upgrade [OPTIONS] [REVISION]\n\nFor more information, try '--help'.\n"
    );
    assert!(usage(&["upgrade", "--sqll"]).contains("tip: a similar argument exists: '--sql'"));
    // No command at all: the help, as a usage error.
    assert!(usage(&[]).contains("Usage: alembic [OPTIONS] <COMMAND>"));
    // A URL where clap expected nothing is quoted back without its password.
    let leaked = usage(&["current", "postgresql://u:sekrit@localhost/db"]);
    assert!(!leaked.contains("sekrit"), "{leaked}");
    assert!(
        leaked.contains("postgresql://u:***@localhost/db"),
        "{leaked}"
    );
}

#[test]
fn help_lists_the_exit_statuses() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let help = run_in(tmp.path(), &["--help"]).ok().stdout;
    assert!(
        help.ends_with(concat!(
            "Exit status:\n",
            "  0  success\n",
            "  1  the command failed\n",
            "  2  usage error (unknown command or option, missing argument)\n",
            "  3  the command ran and its answer is no: check found differences, pending --check found\n",
            "     pending revisions, verify found edited scripts, lint found error-level findings\n",
        )),
        "{help}"
    );
}

#[test]
fn an_unknown_revision_suggests_the_closest_ids_and_labels() {
    let p = Project::new(Engine::Sqlite);
    p.linear();
    let run = p.alembic(&["upgrade", "ae1027a6acg"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.ends_with(
            "FAILED: Can't locate revision identified by 'ae1027a6acg'\n  tip: a similar revision exists: 'ae1027a6acf'\n"
        ),
        "{}",
        run.stderr
    );
    // Nothing alike: Alembic's line alone.
    let run = p.alembic(&["show", "zzzz"]);
    assert!(
        run.stderr
            .ends_with("FAILED: Can't locate revision identified by 'zzzz'\n"),
        "{}",
        run.stderr
    );
}

#[test]
fn version_names_the_tool_and_the_alembic_it_follows() {
    let tmp = tempfile::tempdir().expect("temp dir");
    assert_eq!(
        run_in(tmp.path(), &["--version"]).ok().stdout,
        format!(
            "alembic {} (LiteKB migrations; follows Alembic 1.20.1)\n",
            env!("CARGO_PKG_VERSION")
        )
    );
}

#[test]
fn completions_are_scripts_the_shell_reads() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let bash = run_in(tmp.path(), &["completions", "bash"]).ok().stdout;
    assert!(bash.contains("complete -F _alembic"), "{bash}");
    for word in ["upgrade", "downgrade", "--indicate-current", "--format"] {
        assert!(bash.contains(word), "{word} in the bash completions");
    }
    let file = tmp.path().join("alembic.bash");
    std::fs::write(&file, &bash).expect("write");
    let syntax = std::process::Command::new("bash")
        .arg("-n")
        .arg(&file)
        .status()
        .expect("bash");
    assert!(syntax.success(), "bash -n rejects the completion script");
    for shell in ["zsh", "fish", "powershell", "elvish"] {
        assert!(!run_in(tmp.path(), &["completions", shell])
            .ok()
            .stdout
            .is_empty());
    }
    assert_eq!(run_in(tmp.path(), &["completions", "tcsh"]).code, 2);
}
