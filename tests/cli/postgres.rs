//! PostgreSQL-only behaviour through the CLI: the version table in its own schema, and
//! `no-transaction` sections for statements that can't run in a transaction.

use crate::support::{pg, Engine, Project};

#[test]
fn version_table_schema_puts_the_table_there() {
    let p = Project::new(Engine::Postgres);
    pg::execute(&p.url, "CREATE SCHEMA meta");
    p.write_ini("version_table_schema = meta");
    p.linear();
    p.alembic(&["upgrade", "head"]).ok();
    assert_eq!(
        pg::query_column(&p.url, "SELECT version_num FROM meta.alembic_version"),
        ["1975ea83b712"]
    );
    assert_eq!(pg::tables(&p.url), ["account"]);
    assert_eq!(p.alembic(&["current"]).ok().stdout, "1975ea83b712 (head)\n");
    let sql = p.alembic(&["upgrade", "--sql"]).ok().stdout;
    assert!(
        sql.starts_with("CREATE TABLE meta.alembic_version ("),
        "{sql}"
    );
    assert!(sql.contains("UPDATE meta.alembic_version SET version_num='27c6a30d7c24' WHERE meta.alembic_version.version_num = 'ae1027a6acf';"), "{sql}");
}

#[test]
fn no_transaction_sections_can_create_indexes_concurrently() {
    let p = Project::new(Engine::Postgres);
    p.linear();
    p.script(
        "5c0000000004",
        "1975ea83b712",
        "concurrent index",
        "CREATE INDEX CONCURRENTLY ix_account_date ON account (last_transaction_date);",
        Some("DROP INDEX CONCURRENTLY ix_account_date;"),
    );
    // Without `no-transaction`, PostgreSQL refuses, and the migration is rolled back.
    let msg = p.alembic(&["upgrade", "head"]).failed();
    assert!(
        msg.contains("CREATE INDEX CONCURRENTLY cannot run inside a transaction block"),
        "{msg}"
    );
    assert_eq!(p.version_rows(), ["1975ea83b712"]);
    let path = p.versions().join("5c0000000004.sql");
    let text = std::fs::read_to_string(&path).expect("read");
    std::fs::write(
        &path,
        text.replace("-- +upgrade\n", "-- +upgrade no-transaction\n")
            .replace("-- +downgrade\n", "-- +downgrade no-transaction\n"),
    )
    .expect("write");
    p.alembic(&["upgrade", "head"]).ok();
    assert_eq!(p.version_rows(), ["5c0000000004"]);
    let indexes = pg::query_column(
        &p.url,
        "SELECT indexname FROM pg_indexes WHERE tablename = 'account' ORDER BY 1",
    );
    assert!(
        indexes.contains(&"ix_account_date".to_string()),
        "{indexes:?}"
    );
    p.alembic(&["downgrade", "-1"]).ok();
    let indexes = pg::query_column(
        &p.url,
        "SELECT indexname FROM pg_indexes WHERE tablename = 'account' ORDER BY 1",
    );
    assert!(
        !indexes.contains(&"ix_account_date".to_string()),
        "{indexes:?}"
    );
    // Offline, the statement sits outside BEGIN/COMMIT and the version update inside.
    let sql = p
        .alembic(&["upgrade", "1975ea83b712:head", "--sql"])
        .ok()
        .stdout;
    assert_eq!(
        sql,
        "-- Running upgrade 1975ea83b712 -> 5c0000000004\n\n\
CREATE INDEX CONCURRENTLY ix_account_date ON account (last_transaction_date);\n\n\
BEGIN;\n\n\
UPDATE alembic_version SET version_num='5c0000000004' WHERE alembic_version.version_num = '1975ea83b712';\n\n\
COMMIT;\n\n"
    );
}
