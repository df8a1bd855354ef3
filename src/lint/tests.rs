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
            origins: &[],
            translated: true,
        }),
        downgrade: Some(Section {
            sql: "SELECT 1",
            first_line: 1,
            transactional: true,
            origins: &[],
            translated: true,
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
                origins: &[],
                translated: true,
            }),
            downgrade: down.map(|sql| Section {
                sql,
                first_line: 6,
                transactional: true,
                origins: &[],
                translated: true,
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
            origins: &[],
            translated: true,
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

#[test]
fn reversibility_is_judged_on_the_touched_tables_alone() {
    // `keep` is in the schema and untouched; `users` is altered, `posts` references it.
    let base = format!("{BASE}\nCREATE TABLE keep (id INTEGER PRIMARY KEY, x TEXT);");
    let lint = |up: &str, down: &str| {
        let mut schema = schema_of(&base);
        let section = |sql| Section {
            sql,
            first_line: 1,
            transactional: true,
            origins: &[],
            translated: true,
        };
        let m = Migration {
            upgrade: Some(section(up)),
            downgrade: Some(section(down)),
        };
        let found = lint_migration(&mut schema, &m, Dialect::Sqlite, &Severities::default());
        assert!(schema.table("keep").is_some());
        found
            .into_iter()
            .map(|f| format!("{} {}", f.code, f.message))
            .collect::<Vec<_>>()
    };
    let add = "ALTER TABLE users ADD COLUMN age INTEGER";
    assert_eq!(
        lint(add, "ALTER TABLE users DROP COLUMN age"),
        Vec::<String>::new()
    );
    assert_eq!(
        lint(add, "SELECT 1"),
        ["RV002 the downgrade does not undo the upgrade: table 'users' differs from before the upgrade"]
    );
    // A downgrade that changes an untouched table is still seen.
    assert_eq!(
        lint(add, "ALTER TABLE users DROP COLUMN age; ALTER TABLE keep DROP COLUMN x"),
        ["RV002 the downgrade does not undo the upgrade: table 'keep' differs from before the upgrade"]
    );
    // Renaming a referenced table reaches into the table referencing it: renaming back
    // restores it, recreating the name does not.
    let rename = "ALTER TABLE users RENAME TO members";
    assert_eq!(
        lint(rename, "ALTER TABLE members RENAME TO users"),
        Vec::<String>::new()
    );
    assert_eq!(
        lint(
            rename,
            "DROP TABLE members; CREATE TABLE users (id INTEGER PRIMARY KEY, email VARCHAR(200), name TEXT)"
        ),
        ["RV002 the downgrade does not undo the upgrade: table 'posts' differs from before the upgrade"]
    );
    // Dropping an index of an untouched table by name brings the table in.
    assert_eq!(
        lint(
            "DROP INDEX ix_posts_body",
            "CREATE INDEX ix_posts_body ON posts (body)"
        ),
        Vec::<String>::new()
    );
    assert_eq!(
        lint("DROP INDEX ix_posts_body", "SELECT 1"),
        ["RV002 the downgrade does not undo the upgrade: table 'posts' differs from before the upgrade"]
    );
}

/// A history of migrations linted one by one through a [`Store`] and on one whole schema.
#[test]
fn a_store_lints_a_history_as_the_whole_schema_does() {
    let history: &[(&str, Option<&str>)] = &[
        (BASE, Some("DROP TABLE posts; DROP TABLE users")),
        ("CREATE TABLE tags (id INTEGER PRIMARY KEY, post_id INTEGER REFERENCES posts (id), name TEXT); CREATE INDEX ix_tags ON tags (name)", Some("DROP TABLE tags")),
        ("ALTER TABLE posts RENAME TO articles", Some("ALTER TABLE articles RENAME TO posts")),
        ("ALTER TABLE articles ALTER COLUMN body SET NOT NULL; DROP INDEX ix_tags", None),
        ("ALTER TABLE articles RENAME COLUMN id TO article_id", Some("SELECT 1")),
        ("DROP TABLE users; CREATE TABLE users (id INTEGER PRIMARY KEY)", Some("DROP TABLE users")),
        ("CREATE INDEX ix_tags ON tags (post_id); ALTER TABLE users ADD COLUMN a TEXT NOT NULL", Some("DROP INDEX ix_tags")),
        ("CREATE TABLE users (id INTEGER)", Some("SELECT 1")),
    ];
    for dialect in [Dialect::Sqlite, Dialect::Postgresql] {
        let mut store = Store::default();
        let mut whole = Schema::default();
        for (i, (up, down)) in history.iter().enumerate() {
            let section = |sql| Section {
                sql,
                first_line: 1,
                transactional: true,
                origins: &[],
                translated: true,
            };
            let m = Migration {
                upgrade: Some(section(up)),
                downgrade: down.map(section),
            };
            let expected = lint_migration(&mut whole, &m, dialect, &Severities::default());
            if i % 3 == 2 {
                // A revision that is not linted only builds the schema.
                store.apply(up, dialect);
            } else {
                let got = store.lint(&m, dialect, &Severities::default());
                assert_eq!(got, expected, "{dialect:?} migration {i}");
            }
        }
        assert_eq!(store.into_schema(), whole, "{dialect:?}");
    }
}

#[test]
fn statements_sqlite_refuses_are_found_where_they_run_as_written() {
    let sq = |sql: &str, translated: bool| {
        let mut schema = schema_of(BASE);
        let section = Section {
            sql,
            first_line: 1,
            transactional: true,
            origins: &[],
            translated,
        };
        let m = Migration {
            upgrade: Some(section),
            downgrade: None,
        };
        lint_migration(&mut schema, &m, Dialect::Sqlite, &Severities::default())
            .into_iter()
            .filter(|f| f.code == "SQ002" || f.code == "SQ001")
            .map(|f| format!("{} {}", f.code, f.message))
            .collect::<Vec<_>>()
    };
    let alter = "ALTER TABLE users ALTER COLUMN name SET NOT NULL";
    assert_eq!(
        sq(alter, false),
        ["SQ002 SQLite's ALTER TABLE has no ALTER COLUMN … SET/DROP NOT NULL"]
    );
    // A plain section rebuilds the table: SQ001 says what that means, nothing fails.
    assert_eq!(
        sq(alter, true),
        ["SQ001 on SQLite this rebuilds 'users', which posts reference"]
    );
    assert_eq!(
        sq("TRUNCATE posts", true),
        ["SQ002 SQLite has no TRUNCATE statement"]
    );
    assert_eq!(
        sq(
            "ALTER TABLE posts ADD COLUMN a INTEGER, ADD COLUMN b INTEGER",
            true
        ),
        ["SQ002 SQLite's ALTER TABLE makes one change per statement"]
    );
    // A column only a table with rows refuses is fine on a table created just before.
    let created =
        "CREATE TABLE t (id INTEGER PRIMARY KEY); ALTER TABLE t ADD COLUMN c INTEGER NOT NULL";
    assert_eq!(sq(created, false), Vec::<String>::new());
    assert_eq!(
        sq("ALTER TABLE posts ADD COLUMN c INTEGER NOT NULL", false),
        ["SQ002 SQLite can't add a NOT NULL column without a default to a table with rows"]
    );
    for fine in [
        "CREATE TABLE s (id INTEGER PRIMARY KEY) STRICT",
        "DELETE FROM posts WHERE id = 1 RETURNING id",
        "ALTER TABLE posts DROP COLUMN body",
        "CREATE INDEX CONCURRENTLY ix ON posts (body)",
    ] {
        assert_eq!(sq(fine, true), Vec::<String>::new(), "{fine}");
    }
}
