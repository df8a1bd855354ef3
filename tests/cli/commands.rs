//! Smaller commands and global options: `edit`, `ensure_version`, `check`, `-n`, `-q`.

use std::process::Command;

use crate::engine_test;
use crate::support::{sqlite_column, Engine, Project};

#[test]
fn edit_opens_each_resolved_script_in_the_editor() {
    let p = Project::new(Engine::Sqlite);
    p.branchy(false);
    let out = Command::new(env!("CARGO_BIN_EXE_alembic"))
        .args(["edit", "heads"])
        .current_dir(p.dir.path())
        .env("EDITOR", "echo")
        .output()
        .expect("run");
    assert!(out.status.success());
    assert_eq!(
        p.normalize(&String::from_utf8_lossy(&out.stdout)),
        "$DIR/migrations/versions/cccc00000003.sql\n$DIR/migrations/versions/dddd00000004.sql\n"
    );
    assert_eq!(
        p.alembic(&["edit", "base"]).failed(),
        "No revision files indicated by symbol 'base'"
    );
    let failing = Command::new(env!("CARGO_BIN_EXE_alembic"))
        .args(["edit", "cccc"])
        .current_dir(p.dir.path())
        .env("EDITOR", "false")
        .output()
        .expect("run");
    assert_eq!(failing.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&failing.stderr).starts_with("FAILED: Error executing editor"));
}

engine_test!(ensure_version_creates_only_the_version_table, |p| {
    p.linear();
    p.alembic(&["ensure_version"]).ok();
    assert!(p.has_version_table());
    assert!(p.version_rows().is_empty());
    assert!(p.tables().is_empty());
    // Twice is fine.
    p.alembic(&["ensure_version"]).ok();
    let sql = p.alembic(&["ensure_version", "--sql"]).ok().stdout;
    assert_eq!(
        sql,
        "CREATE TABLE alembic_version (\n    version_num VARCHAR(32) NOT NULL, \n    CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)\n);\n\n"
    );
});

#[test]
fn name_selects_another_ini_section() {
    let p = Project::new(Engine::Sqlite);
    p.linear();
    let other_db = p.path("other.db");
    let ini = std::fs::read_to_string(p.path("alembic.ini")).expect("ini");
    let extra = format!(
        "{ini}\n[staging]\nscript_location = %(here)s/migrations\nsqlalchemy.url = sqlite:///{}\n",
        other_db.display()
    );
    std::fs::write(p.path("alembic.ini"), &extra).expect("write ini");
    p.alembic(&["-n", "staging", "upgrade", "head"]).ok();
    assert!(other_db.is_file());
    assert!(!p.path("test.db").exists());
    let ini_with_logging =
        format!("{extra}\n[loggers]\nkeys = root\n[logger_root]\nlevel = WARN\n");
    std::fs::write(p.path("alembic.ini"), ini_with_logging).expect("write ini");
    assert_eq!(
        p.normalize(&p.alembic(&["-n", "nosuch", "heads"]).failed()),
        "alembic.ini: no [nosuch] section (it has: alembic, staging)"
    );
}

#[test]
fn quiet_silences_results_and_log_lines_but_not_sql_or_errors() {
    let p = Project::new(Engine::Sqlite);
    p.linear();
    assert_eq!(p.alembic(&["-q", "heads"]).ok().stdout, "");
    let sql = p.alembic(&["-q", "upgrade", "--sql"]).ok();
    assert!(sql.stdout.contains("CREATE TABLE account"));
    assert_eq!(sql.stderr, "");
    let run = p.alembic(&["-q", "upgrade", "head"]).ok();
    assert_eq!((run.stdout.as_str(), run.stderr.as_str()), ("", ""));
    assert_eq!(p.version_rows(), ["1975ea83b712"]);
    assert_eq!(
        p.alembic(&["-q", "upgrade", "zzzz"]).failed(),
        "Can't locate revision identified by 'zzzz'"
    );
}

#[test]
fn pending_check_gates_ci() {
    let p = Project::new(Engine::Sqlite);
    p.linear();
    let run = p.alembic(&["pending", "--check"]);
    assert_eq!(
        run.stdout,
        "<base> -> ae1027a6acf, create account table\n\
ae1027a6acf -> 27c6a30d7c24, Add a column\n\
27c6a30d7c24 -> 1975ea83b712, add third\n"
    );
    assert_eq!(run.answered_no(), "3 migrations are pending");
    p.alembic(&["upgrade", "head"]).ok();
    let done = p.alembic(&["pending", "--check"]).ok();
    assert_eq!(done.stdout, "");
}

/// 0 done, 1 the command could not do its work, 3 it did and the answer is "no".
#[test]
fn exit_status_tells_an_answer_from_a_failure() {
    let p = Project::new(Engine::Sqlite);
    p.linear();
    assert_eq!(
        p.alembic(&["pending", "--check"]).answered_no(),
        "3 migrations are pending"
    );
    std::fs::write(
        p.path("models.sql"),
        "CREATE TABLE extra (id INTEGER PRIMARY KEY);\n",
    )
    .expect("models");
    p.alembic(&["upgrade", "head"]).ok();
    p.alembic(&["pending", "--check"]).ok();
    p.alembic(&["verify"]).ok();
    assert!(p
        .alembic(&["check"])
        .answered_no()
        .starts_with("New upgrade operations detected"));
    // The same commands, unable to answer: exit 1.
    p.script("bad0bad0")
        .down_revision("ffff0000")
        .message("orphan")
        .downgrade("")
        .write();
    for args in [&["pending", "--check"][..], &["verify"], &["check"]] {
        assert!(p.alembic(args).failed().contains("ffff0000"), "{args:?}");
    }
    std::fs::remove_file(p.versions().join("bad0bad0.sql")).expect("remove");
    // An I/O failure is a failure too.
    let blocked = p.path("blocked");
    std::fs::write(&blocked, "a file where init wants a directory").expect("write");
    let msg = p.alembic(&["init", "blocked/sub"]).failed();
    assert!(msg.contains("blocked"), "{msg}");
}

#[test]
fn read_only_commands_never_create_the_database() {
    let mut p = Project::new(Engine::Sqlite);
    p.url = "sqlite:///%(here)s/data/app.db".to_string();
    p.write_ini("");
    p.linear();
    std::fs::write(p.path("models.sql"), "").expect("models");
    let data = p.path("data");
    assert_eq!(p.alembic(&["current"]).ok().stdout, "");
    assert_eq!(p.alembic(&["heads"]).ok().stdout, "1975ea83b712 (head)\n");
    assert!(p
        .alembic(&["history", "--indicate-current"])
        .ok()
        .stdout
        .contains("ae1027a6acf"));
    assert_eq!(
        p.alembic(&["pending"]).ok().stdout.lines().count(),
        3,
        "pending lists the whole history"
    );
    p.alembic(&["verify"]).ok();
    p.alembic(&["show", "head"]).ok();
    p.alembic(&["upgrade", "head", "--sql"]).ok();
    assert_eq!(
        p.alembic(&["check"]).failed(),
        "Target database is not up to date."
    );
    assert!(
        !data.exists(),
        "a read-only command created {}",
        data.display()
    );
    // A command that writes creates it, beside the ini (from %(here)s), directory and all.
    p.alembic(&["upgrade", "head"]).ok();
    assert!(data.join("app.db").is_file());
    assert_eq!(
        sqlite_column(
            &data.join("app.db"),
            "SELECT version_num FROM alembic_version"
        ),
        ["1975ea83b712"]
    );
}

#[test]
fn the_ini_s_logging_levels_decide_the_info_lines() {
    let p = Project::new(Engine::Sqlite);
    p.linear();
    let logging = |alembic_level: &str| {
        format!(
            "[loggers]\nkeys = root,alembic\n[handlers]\nkeys = console\n[formatters]\nkeys = generic\n\
[logger_root]\nlevel = WARNING\nhandlers = console\nqualname =\n\
[logger_alembic]\nlevel = {alembic_level}\nhandlers =\nqualname = alembic\n"
        )
    };
    let ini = std::fs::read_to_string(p.path("alembic.ini")).expect("ini");
    std::fs::write(p.path("alembic.ini"), format!("{ini}\n{}", logging("WARN"))).expect("ini");
    let run = p.alembic(&["upgrade", "+1"]).ok();
    assert_eq!(run.stderr, "");
    std::fs::write(p.path("alembic.ini"), format!("{ini}\n{}", logging("INFO"))).expect("ini");
    let run = p.alembic(&["upgrade", "+1"]).ok();
    assert_eq!(
        run.stderr,
        "INFO  [alembic.runtime.migration] Context impl SQLiteImpl.\n\
INFO  [alembic.runtime.migration] Will assume transactional DDL.\n\
INFO  [alembic.runtime.migration] Running upgrade ae1027a6acf -> 27c6a30d7c24, Add a column\n"
    );
    // No level for alembic: root's WARNING decides, as with Python's fileConfig.
    std::fs::write(
        p.path("alembic.ini"),
        format!("{ini}\n{}", logging("NOTSET")),
    )
    .expect("ini");
    assert_eq!(p.alembic(&["upgrade", "+1"]).ok().stderr, "");
    assert_eq!(p.version_rows(), ["1975ea83b712"]);
}
