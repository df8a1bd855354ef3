use super::*;
use crate::schema::model::Column;
use crate::schema::parse::{parse_statement, Parsed};
use crate::schema::types::ColumnType;
use crate::sql::split_statements;

/// The schema `sql` builds, statement by statement, or the first statement's error.
fn run(sql: &str) -> Result<Schema, String> {
    let mut schema = Schema::default();
    for stmt in split_statements(sql).unwrap() {
        let stmt = stmt.sql.trim_end_matches(';');
        let Parsed::Ops { ops, .. } = parse_statement(stmt) else {
            panic!("outside the model: {stmt}");
        };
        for op in &ops {
            apply(&mut schema, op).map_err(|e| format!("{stmt}: {e}"))?;
        }
    }
    Ok(schema)
}

fn err_of(sql: &str) -> String {
    run(sql).expect_err(sql)
}

const BASE: &str = "CREATE TABLE p (id INTEGER PRIMARY KEY, code INTEGER);
    CREATE TABLE c (id INTEGER PRIMARY KEY, p_id INTEGER REFERENCES p (id), n INTEGER);
    CREATE INDEX ix_c_n ON c (n);
    CREATE TRIGGER tr_c AFTER INSERT ON c BEGIN SELECT 1; END;";

#[test]
fn operations_that_do_not_fit_the_schema_are_refused() {
    let cases = [
        ("CREATE TABLE p (x INTEGER)", "table 'p' already exists"),
        ("DROP TABLE nope", "no table 'nope'"),
        ("ALTER TABLE p RENAME TO c", "table 'c' already exists"),
        ("ALTER TABLE nope RENAME TO z", "no table 'nope'"),
        (
            "ALTER TABLE p ADD COLUMN code TEXT",
            "column 'p.code' already exists",
        ),
        ("ALTER TABLE p DROP COLUMN nope", "no column 'p.nope'"),
        (
            "ALTER TABLE p RENAME COLUMN code TO id",
            "column 'p.id' already exists",
        ),
        (
            "ALTER TABLE p RENAME COLUMN nope TO z",
            "no column 'p.nope'",
        ),
        (
            "ALTER TABLE p ALTER COLUMN nope SET NOT NULL",
            "no column 'p.nope'",
        ),
        (
            "ALTER TABLE p ALTER COLUMN id DROP NOT NULL",
            "column 'p.id' is in the primary key; it can't be nullable",
        ),
        (
            "ALTER TABLE p ADD PRIMARY KEY (code)",
            "table 'p' already has a primary key",
        ),
        (
            "ALTER TABLE p ADD CONSTRAINT p_pkey UNIQUE (code)",
            "constraint 'p_pkey' already exists on 'p'",
        ),
        ("ALTER TABLE p ADD UNIQUE (nope)", "no column 'p.nope'"),
        (
            "ALTER TABLE p DROP CONSTRAINT nope",
            "no constraint 'nope' on table 'p'",
        ),
        (
            "CREATE INDEX ix_c_n ON p (code)",
            "index 'ix_c_n' already exists",
        ),
        ("CREATE INDEX ix_z ON nope (a)", "no table 'nope'"),
        ("DROP INDEX nope", "no index 'nope'"),
        ("DROP TRIGGER nope", "no trigger 'nope'"),
    ];
    for (stmt, message) in cases {
        assert_eq!(
            err_of(&format!("{BASE}{stmt}")),
            format!("{stmt}: {message}")
        );
    }
}

#[test]
fn if_exists_and_if_not_exists_make_a_misfit_a_no_op() {
    let base = run(BASE).unwrap();
    let tolerant = "CREATE TABLE IF NOT EXISTS p (x INTEGER); DROP TABLE IF EXISTS nope;
        CREATE INDEX IF NOT EXISTS ix_c_n ON p (code); DROP INDEX IF EXISTS nope;
        DROP TRIGGER IF EXISTS nope;";
    assert_eq!(run(&format!("{BASE}{tolerant}")).unwrap(), base);
}

#[test]
fn renames_follow_references_and_drops_take_what_depends_on_them() {
    let s = run(&format!(
        "{BASE} ALTER TABLE p RENAME COLUMN id TO pid; ALTER TABLE c RENAME TO kids;
         ALTER TABLE kids RENAME COLUMN n TO m;"
    ))
    .unwrap();
    let kids = s.table("kids").unwrap();
    assert_eq!(kids.foreign_keys[0].ref_table, "p");
    assert_eq!(kids.foreign_keys[0].ref_columns, ["pid"]);
    assert_eq!(kids.indexes[0].table, "kids");
    assert_eq!(kids.indexes[0].columns[0].expr, "m");
    assert_eq!(kids.triggers[0].table, "kids");
    assert_eq!(
        s.table("p").unwrap().primary_key.as_ref().unwrap().columns,
        ["pid"]
    );

    let s = run(&format!(
        "{BASE} ALTER TABLE c DROP COLUMN n; ALTER TABLE c DROP COLUMN p_id;"
    ))
    .unwrap();
    let c = s.table("c").unwrap();
    assert!(c.indexes.is_empty() && c.foreign_keys.is_empty());
    let s = run(&format!(
        "{BASE} DROP INDEX ix_c_n; DROP TRIGGER tr_c; DROP TABLE c;"
    ))
    .unwrap();
    assert_eq!(s.tables.len(), 1);
}

#[test]
fn column_alterations_and_constraints_land_on_the_table() {
    let s = run(&format!(
        "{BASE} ALTER TABLE p ADD COLUMN name TEXT NOT NULL DEFAULT 'x';
         ALTER TABLE p ALTER COLUMN code TYPE BIGINT; ALTER TABLE p ALTER COLUMN code SET NOT NULL;
         ALTER TABLE p ALTER COLUMN code SET DEFAULT 7; ALTER TABLE p ALTER COLUMN name DROP DEFAULT;
         ALTER TABLE p ALTER COLUMN name DROP NOT NULL;
         ALTER TABLE p ADD CONSTRAINT uq_code UNIQUE (code); ALTER TABLE p DROP CONSTRAINT p_pkey;
         ALTER TABLE p ADD PRIMARY KEY (code, id);"
    ))
    .unwrap();
    let p = s.table("p").unwrap();
    assert_eq!(
        p.column("code"),
        Some(&Column {
            name: "code".into(),
            ty: ColumnType::BigInt,
            nullable: false,
            default: Some("7".into()),
            identity: false,
        })
    );
    let name = p.column("name").unwrap();
    assert!(name.nullable && name.default.is_none());
    assert_eq!(p.uniques[0].columns, ["code"]);
    assert_eq!(p.primary_key.as_ref().unwrap().columns, ["code", "id"]);
    assert!(!p.column("id").unwrap().nullable);
}
