//! The rules on migrations that trigger them and on their safe rewrites.

use super::*;
use crate::schema::translate::apply_sql;

fn schema_of(sql: &str) -> Schema {
    let mut s = Schema::default();
    for stmt in split_with(sql, Comments::of(Dialect::Postgresql)).unwrap() {
        assert!(apply_sql(&mut s, stmt.sql), "{}", stmt.sql);
    }
    s
}

const BASE: &str = "CREATE TABLE users (id INTEGER PRIMARY KEY, email VARCHAR(200), name TEXT);
CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users (id), body TEXT);
CREATE INDEX ix_posts_body ON posts (body);";

/// The codes the upgrade `sql` (with an empty, therefore wrong, downgrade dropped) yields on
/// `dialect` in a transactional section.
fn codes_on(sql: &str, dialect: Dialect, transactional: bool) -> Vec<&'static str> {
    let mut schema = schema_of(BASE);
    let m = Migration {
        upgrade: Some(Section {
            sql,
            first_line: 1,
            transactional,
        }),
        downgrade: Some(Section {
            sql: "SELECT 1",
            first_line: 1,
            transactional: true,
        }),
    };
    lint_migration(&mut schema, &m, dialect, &Severities::default())
        .into_iter()
        .map(|f| f.code)
        .filter(|c| *c != "RV002")
        .collect()
}

fn codes(sql: &str) -> Vec<&'static str> {
    codes_on(sql, Dialect::Postgresql, true)
}

#[test]
fn each_rule_fires_and_its_safe_rewrite_does_not() {
    let cases: &[(&str, &str, bool, &str)] = &[
        ("PG001", "CREATE INDEX ix ON users (email)", false, "CREATE INDEX CONCURRENTLY ix ON users (email)"),
        ("PG002", "DROP INDEX ix_posts_body", false, "DROP INDEX CONCURRENTLY ix_posts_body"),
        ("PG003", "ALTER TABLE users ADD COLUMN age INTEGER NOT NULL", true, "ALTER TABLE users ADD COLUMN age INTEGER NOT NULL DEFAULT 0"),
        ("PG004", "ALTER TABLE users ADD COLUMN token UUID DEFAULT gen_random_uuid()", true, "ALTER TABLE users ADD COLUMN token UUID"),
        ("PG005", "ALTER TABLE users ALTER COLUMN name SET NOT NULL", true,
         "ALTER TABLE users ADD CONSTRAINT name_nn CHECK (name IS NOT NULL) NOT VALID; ALTER TABLE users VALIDATE CONSTRAINT name_nn; ALTER TABLE users ALTER COLUMN name SET NOT NULL"),
        ("PG006", "ALTER TABLE posts ADD CONSTRAINT fk FOREIGN KEY (user_id) REFERENCES users (id)", true,
         "ALTER TABLE posts ADD CONSTRAINT fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID; ALTER TABLE posts VALIDATE CONSTRAINT fk"),
        ("PG007", "ALTER TABLE users ALTER COLUMN name TYPE INTEGER", true, "ALTER TABLE users ALTER COLUMN email TYPE VARCHAR(300)"),
        ("PG008", "ALTER TABLE users ADD CONSTRAINT u UNIQUE (email)", true, "CREATE UNIQUE INDEX CONCURRENTLY u ON users (email)"),
        ("PG009", "VACUUM FULL users", true, "VACUUM users"),
        ("PG010", "ALTER TABLE users RENAME COLUMN name TO full_name", true, "ALTER TABLE users ADD COLUMN full_name TEXT"),
        ("PG011", "CREATE INDEX CONCURRENTLY ix ON users (email)", true, "CREATE INDEX CONCURRENTLY ix ON users (email)"),
        ("DL001", "DROP TABLE posts", true, "CREATE TABLE t (id INTEGER PRIMARY KEY); DROP TABLE t"),
        ("DL002", "ALTER TABLE users DROP COLUMN name", true, "ALTER TABLE users ADD COLUMN x TEXT"),
        ("DL003", "ALTER TABLE users ALTER COLUMN email TYPE VARCHAR(20)", true, "ALTER TABLE users ALTER COLUMN email TYPE TEXT"),
        ("DL004", "TRUNCATE users", true, "DELETE FROM users WHERE id < 10"),
        ("DL005", "UPDATE users SET name = 'x'", true, "UPDATE users SET name = 'x' WHERE id = 1"),
    ];
    for (code, bad, bad_in_tx, good) in cases {
        let got = codes_on(bad, Dialect::Postgresql, *bad_in_tx);
        assert!(got.contains(code), "{code} on {bad}: {got:?}");
        // The safe rewrite of PG011 is the same statement outside a transaction.
        let good_tx = *code != "PG011" && *code != "PG001" && *code != "PG002" && *code != "PG008";
        let got = codes_on(good, Dialect::Postgresql, good_tx);
        assert!(!got.contains(code), "{code} on {good}: {got:?}");
    }
}

#[test]
fn nothing_fires_for_a_table_created_in_the_same_migration() {
    let sql = "CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT, b TEXT);
        CREATE INDEX ix_t ON t (a);
        ALTER TABLE t ADD COLUMN c INTEGER NOT NULL;
        ALTER TABLE t ALTER COLUMN a SET NOT NULL;
        ALTER TABLE t ADD CONSTRAINT u UNIQUE (b);
        ALTER TABLE t ALTER COLUMN a TYPE VARCHAR(5);
        ALTER TABLE t RENAME COLUMN b TO bb;
        ALTER TABLE t DROP COLUMN bb;
        DROP INDEX ix_t;
        DROP TABLE t";
    assert_eq!(codes(sql), Vec::<&str>::new());
}

#[test]
fn a_missing_or_wrong_downgrade_is_found() {
    let lint = |down: Option<&str>| {
        let mut schema = schema_of(BASE);
        let m = Migration {
            upgrade: Some(Section {
                sql: "CREATE TABLE t (id INTEGER PRIMARY KEY)",
                first_line: 3,
                transactional: true,
            }),
            downgrade: down.map(|sql| Section {
                sql,
                first_line: 6,
                transactional: true,
            }),
        };
        lint_migration(&mut schema, &m, Dialect::Postgresql, &Severities::default())
    };
    let codes = |down| lint(down).iter().map(|f| f.code).collect::<Vec<_>>();
    assert_eq!(codes(None), ["RV001"]);
    assert_eq!(codes(Some("SELECT 1")), ["RV002"]);
    assert_eq!(
        lint(Some("SELECT 1"))[0].message,
        "the downgrade does not undo the upgrade: table 't' is left behind"
    );
    assert_eq!(codes(Some("DROP TABLE t")), Vec::<&str>::new());
}

#[test]
fn ignore_comments_need_a_reason_and_severities_can_be_lowered() {
    let sql = "-- lint: ignore DL001 the table was emptied in 1.4\nDROP TABLE posts";
    assert_eq!(codes(sql), Vec::<&str>::new());
    assert_eq!(
        codes("-- lint: ignore DL001\nDROP TABLE posts"),
        ["LN001", "DL001"]
    );
    let mut severities = Severities::default();
    severities.set("dl001", "warning").unwrap();
    severities.set("RV001", "off").unwrap();
    assert!(severities.set("XX001", "off").is_err());
    assert!(severities.set("DL001", "loud").is_err());
    let mut schema = schema_of(BASE);
    let m = Migration {
        upgrade: Some(Section {
            sql: "\n\n  DROP TABLE posts",
            first_line: 4,
            transactional: true,
        }),
        downgrade: None,
    };
    let found = lint_migration(&mut schema, &m, Dialect::Postgresql, &severities);
    assert_eq!(
        found,
        [Finding {
            code: "DL001",
            severity: Severity::Warning,
            line: 6,
            col: 3,
            message: "DROP TABLE deletes 'posts' and its rows".into()
        }]
    );
}

#[test]
fn sqlite_rebuilds_of_referenced_tables_are_found() {
    let got = codes_on(
        "ALTER TABLE users ALTER COLUMN name SET NOT NULL",
        Dialect::Sqlite,
        true,
    );
    assert_eq!(got, ["SQ001"]);
    let got = codes_on(
        "ALTER TABLE posts ALTER COLUMN body SET NOT NULL",
        Dialect::Sqlite,
        true,
    );
    assert_eq!(got, Vec::<&str>::new());
}

#[test]
fn every_code_is_explained_once() {
    for (i, r) in RULES.iter().enumerate() {
        assert!(RULES[..i].iter().all(|o| o.code != r.code), "{}", r.code);
        assert!(rule(&r.code.to_lowercase()).is_some());
    }
}
