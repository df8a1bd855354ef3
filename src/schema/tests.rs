//! Round trips (parse → render → parse gives the same model on both dialects), translation
//! decisions, and the SQLite rebuild's statements. No database: see tests/cli/schema.rs.

use proptest::prelude::*;

use super::model::{Check, PrimaryKey, Unique};
use super::render::{create_table, render_op, sqlite};
use super::*;
use crate::sql::split_statements;
use crate::Dialect;

const DIALECTS: [Dialect; 2] = [Dialect::Sqlite, Dialect::Postgresql];

fn ops_of(sql: &str) -> Vec<Op> {
    match parse_statement(sql) {
        Parsed::Ops { ops, .. } => ops,
        Parsed::Verbatim { only_on } => panic!("not understood ({only_on:?}): {sql}"),
    }
}

fn reparse(rendered: &[String]) -> Vec<Op> {
    rendered.iter().flat_map(|s| ops_of(s)).collect()
}

fn fixture() -> Vec<String> {
    split_statements(include_str!("../../tests/fixtures/schema/roundtrip.sql"))
        .unwrap()
        .into_iter()
        .map(|s| s.sql.to_string())
        .collect()
}

#[test]
fn every_fixture_statement_round_trips_on_both_dialects() {
    let statements = fixture();
    assert!(statements.len() > 25);
    for sql in &statements {
        for d in DIALECTS {
            for op in ops_of(sql) {
                if d == Dialect::Sqlite && sqlite::needs_rebuild(&op, Some(&Schema::default())) {
                    continue; // a rebuild: see rebuilt_tables_round_trip
                }
                let rendered = render_op(&op.on(d), d).unwrap();
                assert_eq!(
                    reparse(&rendered),
                    vec![op.on(d)],
                    "{d}: {sql}\n{rendered:?}"
                );
            }
        }
    }
}

/// The schema the ALTER fixtures apply to.
fn account_schema() -> Schema {
    let mut s = Schema::default();
    for sql in [
        "CREATE TABLE account (id INTEGER PRIMARY KEY AUTOINCREMENT, name VARCHAR(50) NOT NULL, \
         parent_id INTEGER, last_transaction_date TIMESTAMP)",
        "CREATE INDEX ix_account_name ON account (name)",
        "CREATE TABLE child (id INTEGER PRIMARY KEY, account_id INTEGER REFERENCES account (id))",
        "CREATE TRIGGER account_touch AFTER UPDATE ON account BEGIN SELECT 1; END",
    ] {
        assert!(apply_sql(&mut s, sql), "{sql}");
    }
    s
}

#[test]
fn rebuilt_tables_round_trip() {
    for sql in fixture()
        .iter()
        .filter(|s| s.starts_with("ALTER TABLE account"))
    {
        let ops = ops_of(sql);
        if !ops
            .iter()
            .any(|op| sqlite::needs_rebuild(op, Some(&account_schema())))
        {
            continue;
        }
        let mut expected = account_schema();
        let fits = ops.iter().all(|op| state::apply(&mut expected, op).is_ok());
        let emitted = translate(sql, Dialect::Sqlite, &mut || Ok(account_schema()));
        if !fits {
            assert!(emitted.is_err(), "{sql}");
            continue;
        }
        let emitted = emitted.unwrap();
        let Emit::Sql(create) = &emitted[0] else {
            panic!("{emitted:?}")
        };
        let Op::CreateTable { mut table, .. } = ops_of(create).remove(0) else {
            panic!("{create}")
        };
        table.name = "account".into();
        let mut want = expected.table("account").unwrap().on(Dialect::Sqlite);
        want.indexes.clear();
        want.triggers.clear();
        assert_eq!(table, want, "{sql}");
        // Replaying what was emitted builds the same schema the operation describes.
        let mut replayed = account_schema();
        for e in &emitted {
            if let Emit::Sql(s) = e {
                if !s.starts_with("PRAGMA") && !s.starts_with("INSERT") {
                    assert!(apply_sql(&mut replayed, s), "{s}");
                }
            }
        }
        assert_eq!(
            replayed.sorted(),
            expected.on(Dialect::Sqlite).sorted(),
            "{sql}"
        );
    }
}

#[test]
fn statements_valid_for_the_dialect_run_byte_for_byte() {
    let sql =
        "CREATE TABLE account (\n    code VARCHAR(8) PRIMARY KEY,\n    name VARCHAR(50) NOT NULL\n)";
    for d in DIALECTS {
        assert_eq!(
            translate(sql, d, &mut || unreachable!()).unwrap(),
            vec![Emit::Sql(sql.into())]
        );
    }
    // SQLite's rowid key runs as written there.
    let rowid = "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT)";
    assert_eq!(
        translate(rowid, Dialect::Sqlite, &mut || unreachable!()).unwrap(),
        vec![Emit::Sql(rowid.into())]
    );
    let pg_only = "ALTER TABLE account ALTER COLUMN name TYPE TEXT";
    assert_eq!(
        translate(pg_only, Dialect::Postgresql, &mut || unreachable!()).unwrap(),
        vec![Emit::Sql(pg_only.into())]
    );
    let autoinc = "CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT, b BLOB)";
    assert_eq!(
        translate(autoinc, Dialect::Sqlite, &mut || unreachable!()).unwrap(),
        vec![Emit::Sql(autoinc.into())]
    );
}

/// A lone integer key is auto-assigned on both engines (SQLAlchemy's `autoincrement="auto"`):
/// the rowid on SQLite, an identity column on PostgreSQL. Composite keys, keys with a default
/// or a foreign key, and non-integer keys are not.
#[test]
fn a_lone_integer_key_is_auto_assigned_on_both_engines() {
    let pg = |sql: &str| match &translate(sql, Dialect::Postgresql, &mut || unreachable!()).unwrap()
        [..]
    {
        [Emit::Sql(s)] => s.clone(),
        other => panic!("{other:?}"),
    };
    let sqlite =
        |sql: &str| match &translate(sql, Dialect::Sqlite, &mut || unreachable!()).unwrap()[..] {
            [Emit::Sql(s)] => s.clone(),
            other => panic!("{other:?}"),
        };
    assert_eq!(
        pg("CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT)"),
        "CREATE TABLE items (\n    id INTEGER GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,\n    name TEXT\n)"
    );
    assert_eq!(
        pg("CREATE TABLE items (id BIGINT NOT NULL, name TEXT, CONSTRAINT pk_items PRIMARY KEY (id))"),
        "CREATE TABLE items (\n    id BIGINT GENERATED BY DEFAULT AS IDENTITY NOT NULL,\n    name TEXT,\n    CONSTRAINT pk_items PRIMARY KEY (id)\n)"
    );
    assert_eq!(
        pg("CREATE TABLE items (id SMALLINT, PRIMARY KEY (id))"),
        "CREATE TABLE items (\n    id SMALLINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY\n)"
    );
    // Only `INTEGER` makes the rowid on SQLite: other integer spellings are rendered so.
    for sql in [
        "CREATE TABLE items (id BIGINT PRIMARY KEY)",
        "CREATE TABLE items (id INT PRIMARY KEY)",
        "CREATE TABLE items (id int8, PRIMARY KEY (id))",
    ] {
        assert_eq!(
            sqlite(sql),
            "CREATE TABLE items (\n    id INTEGER PRIMARY KEY\n)",
            "{sql}"
        );
    }
    for sql in [
        "CREATE TABLE t (a INTEGER, b INTEGER, PRIMARY KEY (a, b))",
        "CREATE TABLE t (id INTEGER PRIMARY KEY DEFAULT 5)",
        "CREATE TABLE t (id INTEGER PRIMARY KEY REFERENCES p (id))",
        "CREATE TABLE t (id NUMERIC(10) PRIMARY KEY)",
        "CREATE TABLE t (id VARCHAR(10) PRIMARY KEY)",
    ] {
        for d in DIALECTS {
            assert_eq!(
                translate(sql, d, &mut || unreachable!()).unwrap(),
                vec![Emit::Sql(sql.into())],
                "{d}: {sql}"
            );
        }
    }
}

#[test]
fn one_engine_spellings_are_mapped_for_the_other() {
    let autoinc = "CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT, b BLOB)";
    assert_eq!(
        translate(autoinc, Dialect::Postgresql, &mut || unreachable!()).unwrap(),
        vec![Emit::Sql(
            "CREATE TABLE t (\n    id INTEGER GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,\n    b BYTEA\n)"
                .into()
        )]
    );
    let serial = "CREATE TABLE t (id BIGSERIAL PRIMARY KEY, j JSONB)";
    assert_eq!(
        translate(serial, Dialect::Sqlite, &mut || unreachable!()).unwrap(),
        vec![Emit::Sql(
            "CREATE TABLE t (\n    id INTEGER PRIMARY KEY AUTOINCREMENT,\n    j JSON\n)".into()
        )]
    );
    let concurrently = "CREATE INDEX CONCURRENTLY ix ON t (a)";
    assert_eq!(
        translate(concurrently, Dialect::Sqlite, &mut || unreachable!()).unwrap(),
        vec![Emit::Sql("CREATE INDEX ix ON t (a)".into())]
    );
    assert_eq!(
        translate(concurrently, Dialect::Postgresql, &mut || unreachable!()).unwrap(),
        vec![Emit::Sql(concurrently.into())]
    );
    let err = translate(
        "CREATE TABLE t (a INTEGER, id SERIAL)",
        Dialect::Sqlite,
        &mut || unreachable!(),
    )
    .unwrap_err();
    assert_eq!(
        err,
        "column t.id auto-increments but is not the table's only primary-key column; \
         SQLite can auto-increment only an INTEGER PRIMARY KEY"
    );
}

#[test]
fn clauses_of_one_engine_are_refused_on_the_other() {
    let cases = [
        (
            "CREATE TABLE t (id INTEGER PRIMARY KEY) WITHOUT ROWID",
            Dialect::Postgresql,
            "WITHOUT ROWID is sqlite-only",
        ),
        (
            "CREATE INDEX ix ON t USING gin (a)",
            Dialect::Sqlite,
            "CREATE INDEX … USING is postgresql-only",
        ),
        (
            "CREATE TABLE t (id INTEGER GENERATED ALWAYS AS IDENTITY PRIMARY KEY)",
            Dialect::Sqlite,
            "GENERATED ALWAYS AS IDENTITY is postgresql-only",
        ),
    ];
    for (sql, d, message) in cases {
        let err = translate(sql, d, &mut || unreachable!()).unwrap_err();
        assert!(err.starts_with(message), "{sql}: {err}");
        // ... and run as written on their own engine.
        let other = if d == Dialect::Sqlite {
            Dialect::Postgresql
        } else {
            Dialect::Sqlite
        };
        assert_eq!(
            translate(sql, other, &mut || unreachable!()).unwrap(),
            vec![Emit::Sql(sql.into())]
        );
    }
}

#[test]
fn statements_outside_the_model_run_verbatim() {
    for sql in [
        "CREATE TABLE t (a CHAR(3))",
        "CREATE TABLE t AS SELECT 1",
        "CREATE TABLE s.t (a INTEGER)",
        "INSERT INTO t VALUES (1)",
        "CREATE VIEW v AS SELECT 1",
        "ALTER TABLE t ALTER COLUMN a TYPE CHAR(3)",
        "CREATE TABLE t (a INTEGER COLLATE nocase)",
        "DROP TABLE t CASCADE",
    ] {
        for d in DIALECTS {
            assert_eq!(
                translate(sql, d, &mut || Ok(Schema::default())).unwrap(),
                vec![Emit::Sql(sql.into())],
                "{sql}"
            );
        }
    }
}

#[test]
fn sqlite_rebuild_follows_the_documented_procedure() {
    let got = translate(
        "ALTER TABLE account ALTER COLUMN name TYPE TEXT",
        Dialect::Sqlite,
        &mut || Ok(account_schema()),
    )
    .unwrap();
    let sql = |s: &str| Emit::Sql(s.to_string());
    assert_eq!(
        got,
        vec![
            sql("CREATE TABLE _alembic_tmp_account (\n    id INTEGER PRIMARY KEY AUTOINCREMENT,\n    name TEXT NOT NULL,\n    parent_id INTEGER,\n    last_transaction_date TIMESTAMP\n)"),
            sql("INSERT INTO _alembic_tmp_account (id, name, parent_id, last_transaction_date) SELECT id, name, parent_id, last_transaction_date FROM account"),
            sql("DROP TABLE account"),
            sql("PRAGMA legacy_alter_table = ON"),
            sql("ALTER TABLE _alembic_tmp_account RENAME TO account"),
            sql("PRAGMA legacy_alter_table = OFF"),
            sql("CREATE INDEX ix_account_name ON account (name)"),
            sql("CREATE TRIGGER account_touch AFTER UPDATE ON account BEGIN SELECT 1; END"),
            Emit::ForeignKeyCheck {
                rebuilt: "account".into(),
                tables: vec!["account".into(), "child".into()]
            },
        ]
    );
    // A DROP COLUMN is done in place unless something depends on the column.
    let plain = "ALTER TABLE account DROP COLUMN last_transaction_date";
    assert_eq!(
        translate(plain, Dialect::Sqlite, &mut || Ok(account_schema())).unwrap(),
        vec![Emit::Sql(plain.into())]
    );
    let indexed = translate(
        "ALTER TABLE account DROP COLUMN name",
        Dialect::Sqlite,
        &mut || Ok(account_schema()),
    )
    .unwrap();
    assert_eq!(indexed.len(), 8, "{indexed:?}"); // the index on `name` goes with it
    assert!(may_rebuild(plain, Dialect::Sqlite));
    assert!(!may_rebuild(plain, Dialect::Postgresql));
}

#[test]
fn a_rebuild_needs_the_table_in_the_model() {
    let err = translate(
        "ALTER TABLE nowhere ALTER COLUMN a SET NOT NULL",
        Dialect::Sqlite,
        &mut || Ok(Schema::default()),
    )
    .unwrap_err();
    assert_eq!(
        err,
        "can't rebuild table 'nowhere' for SQLite: the schema has no such table; write this \
         change for SQLite by hand in a '-- +upgrade sqlite' section"
    );
}

#[test]
fn constraints_can_be_dropped_by_postgresql_generated_names() {
    let mut s = account_schema();
    assert!(apply_sql(
        &mut s,
        "ALTER TABLE account ADD COLUMN code VARCHAR(10) UNIQUE"
    ));
    assert!(apply_sql(
        &mut s,
        "ALTER TABLE account DROP CONSTRAINT account_code_key"
    ));
    assert!(apply_sql(
        &mut s,
        "ALTER TABLE child DROP CONSTRAINT child_account_id_fkey"
    ));
    assert!(s.table("account").unwrap().uniques.is_empty());
    assert!(s.table("child").unwrap().foreign_keys.is_empty());
}

fn arb_type() -> impl Strategy<Value = ColumnType> {
    prop_oneof![
        Just(ColumnType::Integer),
        Just(ColumnType::BigInt),
        Just(ColumnType::SmallInt),
        Just(ColumnType::Boolean),
        Just(ColumnType::Real),
        Just(ColumnType::Double),
        (1u64..40, prop::option::of(0i64..10)).prop_map(|(p, s)| ColumnType::Numeric(Some((p, s)))),
        prop::option::of(1u64..500).prop_map(ColumnType::Varchar),
        Just(ColumnType::Text),
        Just(ColumnType::Date),
        Just(ColumnType::Time),
        Just(ColumnType::Timestamp),
        Just(ColumnType::TimestampTz),
        Just(ColumnType::Blob),
        Just(ColumnType::Json),
        Just(ColumnType::Jsonb),
        Just(ColumnType::Uuid),
    ]
}

fn arb_name() -> impl Strategy<Value = String> {
    prop_oneof!["[a-z][a-z0-9_]{0,8}", "[A-Z][a-zA-Z ]{0,6}"]
}

prop_compose! {
    fn arb_table()(
        name in arb_name(),
        cols in prop::collection::btree_map(arb_name(), (arb_type(), any::<bool>(),
            prop::option::of(prop_oneof![Just("0".to_string()), Just("'x'".to_string()),
                Just("CURRENT_TIMESTAMP".to_string()), Just("-3".to_string())])), 1..6),
        pk_kind in 0u8..4,
        unique in any::<bool>(),
        check in any::<bool>(),
        fk in any::<bool>(),
    ) -> Table {
        let mut t = Table::new(&name);
        for (n, (ty, nullable, default)) in cols {
            t.columns.push(Column { name: n, ty, nullable, default, identity: false });
        }
        let first = t.columns[0].name.clone();
        match pk_kind {
            1 => t.primary_key = Some(PrimaryKey { name: None, columns: vec![first.clone()] }),
            2 => {
                t.columns[0].ty = ColumnType::Integer;
                t.columns[0].identity = true;
                t.columns[0].default = None;
                t.primary_key = Some(PrimaryKey { name: None, columns: vec![first.clone()] });
            }
            3 => t.primary_key = Some(PrimaryKey {
                name: Some("pk_x".into()),
                columns: t.columns.iter().map(|c| c.name.clone()).collect(),
            }),
            _ => {}
        }
        let keys = t.primary_key.as_ref().map(|p| p.columns.clone()).unwrap_or_default();
        for c in &mut t.columns {
            if keys.contains(&c.name) {
                c.nullable = false;
            }
        }
        let last = t.columns.last().map(|c| c.name.clone()).unwrap_or_default();
        if unique {
            t.uniques.push(Unique { name: Some("uq_x".into()), columns: vec![last.clone()] });
        }
        if check {
            t.checks.push(Check { name: None, expr: format!("{} IS NOT NULL", Dialect::Sqlite.quote_ident(&last)) });
        }
        if fk {
            t.foreign_keys.push(ForeignKey {
                name: None,
                columns: vec![last.clone()],
                ref_table: "parent".into(),
                ref_columns: vec!["id".into()],
                on_delete: Action::Cascade,
                on_update: Action::NoAction,
            });
        }
        t
    }
}

proptest! {
    #[test]
    fn generated_tables_round_trip(table in arb_table()) {
        for d in DIALECTS {
            let sql = create_table(&table, &table.name, false, d).unwrap();
            let Parsed::Ops { mut ops, .. } = parse_statement(&sql) else {
                panic!("not understood: {sql}")
            };
            let Op::CreateTable { table: back, .. } = ops.remove(0) else { panic!("{sql}") };
            prop_assert_eq!(back, table.on(d), "{}", sql);
        }
    }
}

#[test]
fn an_operation_sqlite_cant_do_in_place_is_named_by_its_sql_not_its_debug_form() {
    let op = ops_of("ALTER TABLE t ALTER COLUMN a TYPE TEXT").remove(0);
    let err = render_op(&op, Dialect::Sqlite).unwrap_err();
    assert!(
        matches!(err, render::RenderError::NeedsRebuild(_)),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        "SQLite can't do this in place; it needs a table rebuild: ALTER TABLE t ALTER COLUMN a TYPE TEXT"
    );
}

#[test]
fn a_column_named_key_is_a_column() {
    let ops = ops_of("CREATE TABLE settings (key VARCHAR(64) PRIMARY KEY, value TEXT)");
    let [Op::CreateTable { table, .. }] = ops.as_slice() else {
        panic!("{ops:?}")
    };
    let names: Vec<_> = table.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["key", "value"]);
    assert_eq!(table.primary_key.as_ref().unwrap().columns, ["key"]);
}
