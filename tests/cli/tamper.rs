//! The history table and `verify`: each applied script's checksum is recorded with its step,
//! and `verify` reports the applied scripts that changed since they ran.

use litekb_migrations::internals::history::{checksum, TOOL_VERSION};

use crate::engine_test;
use crate::support::{Engine, Project};

/// `revision direction` of every history row, in the order they were written.
fn history(p: &Project) -> Vec<String> {
    p.query_column("SELECT revision || ' ' || direction FROM alembic_version_history ORDER BY id")
}

fn file_checksum(p: &Project, rev: &str) -> String {
    checksum(&std::fs::read(p.versions().join(format!("{rev}.sql"))).expect("read script"))
}

fn has_history_table(p: &Project) -> bool {
    let sql = match p.engine {
        Engine::Sqlite => "SELECT name FROM sqlite_master WHERE name = 'alembic_version_history'",
        Engine::Postgres => {
            "SELECT tablename FROM pg_tables WHERE tablename = 'alembic_version_history'"
        }
    };
    !p.query_column(sql).is_empty()
}

engine_test!(each_step_records_its_checksum_in_its_transaction, |p| {
    p.linear();
    p.alembic(&["upgrade", "head"]).ok();
    p.alembic(&["downgrade", "-1"]).ok();
    assert_eq!(
        history(p),
        [
            "ae1027a6acf upgrade",
            "27c6a30d7c24 upgrade",
            "1975ea83b712 upgrade",
            "1975ea83b712 downgrade",
        ]
    );
    assert_eq!(
        p.query_column("SELECT checksum FROM alembic_version_history ORDER BY id"),
        [
            file_checksum(p, "ae1027a6acf"),
            file_checksum(p, "27c6a30d7c24"),
            file_checksum(p, "1975ea83b712"),
            file_checksum(p, "1975ea83b712"),
        ]
    );
    assert_eq!(
        p.query_column(
            "SELECT DISTINCT tool_version FROM alembic_version_history \
             WHERE applied_at IS NOT NULL AND duration_ms >= 0"
        ),
        [TOOL_VERSION]
    );
    // Stamps run no script and record nothing.
    p.alembic(&["stamp", "head"]).ok();
    assert_eq!(history(p).len(), 4);
    // A migration that fails leaves no history row behind: it shares the rolled-back
    // transaction.
    p.script("0bad00000004")
        .down_revision("1975ea83b712")
        .message("broken")
        .upgrade("CREATE TABLE t4 (id INTEGER);\nINSERT INTO no_such_table VALUES (1);")
        .downgrade("DROP TABLE t4;")
        .write();
    p.alembic(&["upgrade", "head"]).failed();
    assert_eq!(history(p).len(), 4);
    assert_eq!(p.version_rows(), ["1975ea83b712"]);
});

engine_test!(verify_reports_edited_applied_scripts, |p| {
    p.linear();
    p.alembic(&["upgrade", "27c6a30d7c24"]).ok();
    let clean = p.alembic(&["verify"]).ok();
    assert_eq!(clean.stdout, "");

    // Another OS's checkout: CRLF line endings and a byte-order mark are not an edit.
    let first = p.versions().join("ae1027a6acf.sql");
    let text = std::fs::read_to_string(&first).expect("read");
    std::fs::write(&first, format!("\u{feff}{}", text.replace('\n', "\r\n"))).expect("write");
    // An edit of a script that has not been applied is not reported either.
    let third = p.versions().join("1975ea83b712.sql");
    let text = std::fs::read_to_string(&third).expect("read");
    std::fs::write(&third, text.replace("(name)", "(name, id)")).expect("write");
    assert_eq!(p.alembic(&["verify"]).ok().stdout, "");

    // An edit of an applied one is.
    let second = p.versions().join("27c6a30d7c24.sql");
    let text = std::fs::read_to_string(&second).expect("read");
    std::fs::write(&second, text.replace("TIMESTAMP", "DATE")).expect("write");
    let run = p.alembic(&["verify"]);
    assert_eq!(
        p.normalize(&run.stdout),
        "27c6a30d7c24 changed since it was applied: $DIR/migrations/versions/27c6a30d7c24.sql\n"
    );
    assert_eq!(
        run.answered_no(),
        "1 applied script changed since it ran: 27c6a30d7c24"
    );
    // Running it again (down and up) records the new text, and verify is satisfied.
    p.alembic(&["downgrade", "-1"]).ok();
    p.alembic(&["upgrade", "+1"]).ok();
    assert_eq!(p.alembic(&["verify"]).ok().stdout, "");
});

engine_test!(a_database_made_by_python_alembic_keeps_working, |p| {
    p.linear();
    // What Python Alembic leaves: the version table and the schema, no history table.
    p.execute(
        "CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL, \
         CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num));
         INSERT INTO alembic_version (version_num) VALUES ('27c6a30d7c24');
         CREATE TABLE account (id INTEGER PRIMARY KEY, name VARCHAR(50) NOT NULL, \
         last_transaction_date TIMESTAMP);",
    );
    let run = p.alembic(&["verify"]).ok();
    assert_eq!(
        run.stdout,
        "ae1027a6acf has no recorded checksum (applied by Python Alembic or stamped)\n\
         27c6a30d7c24 has no recorded checksum (applied by Python Alembic or stamped)\n"
    );
    assert!(!has_history_table(p), "verify must not write");
    // `current` and a no-op run leave it alone too.
    p.alembic(&["current"]).ok();
    p.alembic(&["upgrade", "27c6a30d7c24"]).ok();
    assert!(!has_history_table(p));
    // The next run that applies something creates it and records what it ran.
    p.alembic(&["upgrade", "head"]).ok();
    assert_eq!(history(p), ["1975ea83b712 upgrade"]);
    assert_eq!(p.version_rows(), ["1975ea83b712"]);
    assert_eq!(
        p.alembic(&["verify"]).ok().stdout,
        "ae1027a6acf has no recorded checksum (applied by Python Alembic or stamped)\n\
         27c6a30d7c24 has no recorded checksum (applied by Python Alembic or stamped)\n"
    );
});

#[test]
fn verify_on_an_empty_database_says_nothing_and_creates_nothing() {
    let p = Project::new(Engine::Sqlite);
    p.linear();
    assert_eq!(p.alembic(&["verify"]).ok().stdout, "");
    assert!(!p.has_version_table());
}

// A user's table under the history table's name is refused before anything runs: an existing
// one without the tool's columns, and a script that would create one.
engine_test!(a_user_table_named_like_the_history_table_is_refused, |p| {
    p.execute("CREATE TABLE alembic_version_history (note TEXT)");
    p.linear();
    let msg = p.alembic(&["upgrade", "head"]).failed();
    assert_eq!(
        msg,
        "the database has a table of its own named 'alembic_version_history', the name of this \
         tool's history table (the version table's name plus '_history'); rename that table, \
         or set version_table in the configuration to another name"
    );
    assert!(!p.tables().contains(&"account".to_string()));
    p.execute("DROP TABLE alembic_version_history");
    p.script("f00d")
        .down_revision("1975ea83b712")
        .message("clash")
        .upgrade(
            "CREATE TABLE notes (id INTEGER);\nCREATE TABLE alembic_version_history (id INTEGER);",
        )
        .downgrade("DROP TABLE alembic_version_history;")
        .write();
    let msg = p.normalize(&p.alembic(&["upgrade", "head"]).failed());
    assert_eq!(
        msg,
        "$DIR/migrations/versions/f00d.sql:10: this statement creates a table \
         'alembic_version_history', the name of this tool's history table (the version \
         table's name plus '_history'); rename that table, or set version_table in the \
         configuration to another name (revision f00d; nothing was run)"
    );
    assert!(p.version_rows().is_empty());
    assert!(p.tables().is_empty(), "{:?}", p.tables());
    // Under another version_table the same script runs.
    p.write_ini("version_table = versions");
    p.alembic(&["upgrade", "head"]).ok();
    assert!(p.tables().contains(&"notes".to_string()));
});
