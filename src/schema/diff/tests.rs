use proptest::prelude::*;

use super::*;
use crate::schema::generate::script_bodies;
use crate::schema::models::read_models;
use crate::schema::parse::{parse_statement, Parsed};
use crate::schema::state::apply;
use crate::sql::split_statements;

fn schema(sql: &str) -> Schema {
    read_models(sql, Dialect::Postgresql).unwrap_or_else(|e| panic!("{e}\n{sql}"))
}

fn lines(changes: &[Change]) -> Vec<String> {
    changes.iter().map(Change::describe).collect()
}

/// `changes` applied to `schema` through their operations.
fn applied(schema: &Schema, changes: &[Change]) -> Schema {
    let mut s = schema.clone();
    for c in changes {
        apply(&mut s, &c.op()).unwrap_or_else(|e| panic!("{e}: {c:?}"));
    }
    s
}

/// A generated body's SQL, parsed back and applied to `schema`: what the script would do.
fn run_body(schema: &Schema, body: &str) -> Schema {
    let mut s = schema.clone();
    for stmt in split_statements(body).unwrap() {
        let Parsed::Ops { ops, .. } = parse_statement(stmt.sql) else {
            panic!("generated SQL outside the model: {}", stmt.sql);
        };
        for op in &ops {
            apply(&mut s, op).unwrap_or_else(|e| panic!("{e}: {}", stmt.sql));
        }
    }
    s
}

const D: Dialect = Dialect::Postgresql;

#[test]
fn equal_schemas_have_no_changes_whatever_the_spelling() {
    let a = schema(
        "CREATE TABLE city (id INT PRIMARY KEY, name CHARACTER VARYING(50) DEFAULT ('x'), n INT4 DEFAULT '0', ok BOOL DEFAULT false);
         CREATE TABLE address (id INTEGER PRIMARY KEY, city_id INTEGER REFERENCES city, CONSTRAINT address_city_id_key UNIQUE (city_id));",
    );
    let b = schema(
        "CREATE TABLE address (city_id INTEGER UNIQUE, id INTEGER NOT NULL, PRIMARY KEY (id), FOREIGN KEY (city_id) REFERENCES city (id));
         CREATE TABLE city (id INTEGER PRIMARY KEY, ok BOOLEAN DEFAULT FALSE, n INTEGER DEFAULT 0, name VARCHAR(50) DEFAULT 'x');",
    );
    assert_eq!(diff(&a, &b, D), []);
}

#[test]
fn typical_changes_in_dependency_order() {
    let a = schema(
        "CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(50) NOT NULL, email VARCHAR(100), age INTEGER DEFAULT 0);
         CREATE INDEX ix_users_name ON users (name);
         CREATE TABLE old (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users (id));",
    );
    let b = schema(
        "CREATE TABLE city (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
         CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(80), age BIGINT DEFAULT 5,
             city_id INTEGER REFERENCES city (id) ON DELETE CASCADE, CONSTRAINT uq_users_name UNIQUE (name));
         CREATE UNIQUE INDEX ix_users_age ON users (age);",
    );
    let changes = diff(&a, &b, D);
    assert_eq!(
        lines(&changes),
        [
            "drop index 'ix_users_name' on 'users'",
            "drop table 'old'",
            "drop column 'users.email'",
            "add column 'users.city_id'",
            "change type of 'users.name' from VARCHAR(50) to VARCHAR(80)",
            "drop NOT NULL on 'users.name'",
            "change type of 'users.age' from INTEGER to BIGINT",
            "change server default of 'users.age' from 0 to 5",
            "add unique index 'ix_users_age' on 'users' (age)",
            "add unique constraint 'uq_users_name' on 'users' (name)",
            "add table 'city'",
            "add foreign key on 'users' (city_id) -> city (id) ON DELETE CASCADE",
        ]
    );
    assert_eq!(comparable(&applied(&a, &changes), D), comparable(&b, D));
    let back: Vec<Change> = changes.iter().rev().map(Change::inverse).collect();
    assert_eq!(comparable(&applied(&b, &back), D), comparable(&a, D));
}

#[test]
fn alembic_rules_leave_server_defaults_alone() {
    let a = schema("CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER DEFAULT 0, m TEXT);");
    let b =
        schema("CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER DEFAULT 5, m TEXT NOT NULL);");
    assert_eq!(
        lines(&diff_with(&a, &b, D, Compare::ALEMBIC)),
        ["set NOT NULL on 't.m'"]
    );
    assert_eq!(
        lines(&diff_with(&a, &b, D, Compare::ALL)),
        [
            "change server default of 't.n' from 0 to 5",
            "set NOT NULL on 't.m'"
        ]
    );
    // A created table and an added column keep their defaults whatever the rules.
    let c = schema("CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER DEFAULT 0, k INTEGER DEFAULT 1, m TEXT);");
    let added = diff_with(&a, &c, D, Compare::ALEMBIC);
    assert!(
        matches!(&added[..], [Change::AddColumn { column, .. }] if column.default.as_deref() == Some("1"))
    );
}

#[test]
fn tables_are_created_referenced_first_and_dropped_children_first() {
    let a = schema("CREATE TABLE keep (id INTEGER PRIMARY KEY);");
    let b = schema(
        "CREATE TABLE keep (id INTEGER PRIMARY KEY);
         CREATE TABLE c (id INTEGER PRIMARY KEY, b_id INTEGER REFERENCES b (id));
         CREATE TABLE b (id INTEGER PRIMARY KEY, a_id INTEGER REFERENCES a (id));
         CREATE TABLE a (id INTEGER PRIMARY KEY, keep_id INTEGER REFERENCES keep (id));",
    );
    assert_eq!(
        lines(&diff(&a, &b, D)),
        ["add table 'a'", "add table 'b'", "add table 'c'"]
    );
    assert_eq!(
        lines(&diff(&b, &a, D)),
        ["drop table 'c'", "drop table 'b'", "drop table 'a'"]
    );
}

#[test]
fn a_foreign_key_cycle_is_closed_after_the_tables_exist() {
    let a = Schema::default();
    let b = schema(
        "CREATE TABLE p (id INTEGER PRIMARY KEY, q_id INTEGER);
         CREATE TABLE q (id INTEGER PRIMARY KEY, p_id INTEGER REFERENCES p (id));
         ALTER TABLE p ADD CONSTRAINT fk_p_q FOREIGN KEY (q_id) REFERENCES q (id);",
    );
    let changes = diff(&a, &b, D);
    assert_eq!(
        lines(&changes),
        [
            "add table 'p'",
            "add table 'q'",
            "add foreign key 'fk_p_q' on 'p' (q_id) -> q (id)"
        ]
    );
    assert_eq!(comparable(&applied(&a, &changes), D), comparable(&b, D));
    let down: Vec<Change> = changes.iter().rev().map(Change::inverse).collect();
    assert_eq!(applied(&b, &down).tables, []);
}

#[test]
fn a_foreign_key_on_a_retyped_column_is_remade() {
    let a = schema(
        "CREATE TABLE p (id INTEGER PRIMARY KEY);
         CREATE TABLE c (id INTEGER PRIMARY KEY, p_id INTEGER REFERENCES p (id));",
    );
    let b = schema(
        "CREATE TABLE p (id BIGINT PRIMARY KEY);
         CREATE TABLE c (id INTEGER PRIMARY KEY, p_id BIGINT REFERENCES p (id));",
    );
    assert_eq!(
        lines(&diff(&a, &b, D)),
        [
            "drop foreign key on 'c' (p_id) -> p (id)",
            "change type of 'c.p_id' from INTEGER to BIGINT",
            "change type of 'p.id' from INTEGER to BIGINT",
            "add foreign key on 'c' (p_id) -> p (id)",
        ]
    );
}

#[test]
fn engine_specific_parts_are_left_alone() {
    let mut live = schema("CREATE TABLE documents (id INTEGER PRIMARY KEY, title TEXT);");
    live.tables[0].other_columns.push("search_vector".into());
    live.tables[0]
        .other_indexes
        .push("ix_documents_search_vector".into());
    live.other_tables.push("documents_fts".into());
    let model = schema("CREATE TABLE documents (id INTEGER PRIMARY KEY, title TEXT);");
    assert_eq!(diff(&live, &model, D), []);
}

#[test]
fn sqlite_folds_jsonb_and_auto_increment_widths() {
    let live = schema("CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT, doc JSON);");
    let model = schema("CREATE TABLE t (id BIGSERIAL PRIMARY KEY, doc JSONB);");
    assert_eq!(diff(&live, &model, Dialect::Sqlite), []);
    assert_eq!(diff(&live, &model, D).len(), 2);
}

#[test]
fn primary_key_changes_drop_and_add_the_constraint() {
    let a = schema("CREATE TABLE t (a INTEGER NOT NULL, b INTEGER NOT NULL, PRIMARY KEY (a));");
    let b = schema("CREATE TABLE t (a INTEGER NOT NULL, b INTEGER NOT NULL, CONSTRAINT pk_t PRIMARY KEY (a, b));");
    let changes = diff(&a, &b, D);
    assert_eq!(
        lines(&changes),
        [
            "drop primary key on 't' (a)",
            "add primary key 'pk_t' on 't' (a, b)"
        ]
    );
    let (up, down) = script_bodies(&changes, "models.sql").unwrap();
    assert!(up.ends_with(
        "ALTER TABLE t DROP CONSTRAINT t_pkey;\n\nALTER TABLE t ADD CONSTRAINT pk_t PRIMARY KEY (a, b);"
    ), "{up}");
    assert_eq!(
        down,
        "ALTER TABLE t DROP CONSTRAINT pk_t;\n\nALTER TABLE t ADD PRIMARY KEY (a);"
    );
}

#[test]
fn generated_script_snapshot() {
    let a = schema(
        "CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(80) NOT NULL, email TEXT);
         CREATE TABLE old (id INTEGER PRIMARY KEY);",
    );
    let b = schema(
        "CREATE TABLE city (id SERIAL PRIMARY KEY, name TEXT NOT NULL UNIQUE);
         CREATE INDEX ix_city_name ON city (name);
         CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(50) NOT NULL,
             city_id INTEGER REFERENCES city (id));",
    );
    let (up, down) = script_bodies(&diff(&a, &b, D), "models.sql").unwrap();
    assert_eq!(
        up,
        "\
-- Generated from models.sql by `alembic revision --autogenerate`: review before applying.
-- Renames are not detected: a renamed table or column appears as a drop and an add.

-- WARNING: Drops table 'old' and all its rows.
DROP TABLE \"old\";

-- WARNING: Drops column 'users.email' and its data.
ALTER TABLE users DROP COLUMN email;

ALTER TABLE users ADD COLUMN city_id INTEGER;

-- WARNING: Narrows 'users.name' from VARCHAR(80) to VARCHAR(50): a value that doesn't fit fails the migration or loses precision.
ALTER TABLE users ALTER COLUMN name TYPE VARCHAR(50);

CREATE TABLE city (
    id INTEGER GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    name TEXT NOT NULL,
    UNIQUE (name)
);

CREATE INDEX ix_city_name ON city (name);

ALTER TABLE users ADD FOREIGN KEY (city_id) REFERENCES city (id);"
    );
    assert_eq!(
        down,
        "\
ALTER TABLE users DROP CONSTRAINT users_city_id_fkey;

DROP INDEX ix_city_name;

-- WARNING: Drops table 'city' and all its rows.
DROP TABLE city;

ALTER TABLE users ALTER COLUMN name TYPE VARCHAR(80);

-- WARNING: Drops column 'users.city_id' and its data.
ALTER TABLE users DROP COLUMN city_id;

ALTER TABLE users ADD COLUMN email TEXT;

CREATE TABLE \"old\" (
    id INTEGER PRIMARY KEY
);"
    );
}

// Random pairs of schemas: the diff applied to A gives B, its inverse gives A back, and the
// generated SQL, parsed again, does the same.

const TABLES: [&str; 4] = ["t0", "t1", "t2", "t3"];
const TYPES: [&[&str]; 5] = [
    &["INTEGER", "BIGINT", "SMALLINT"],
    &["VARCHAR(20)", "VARCHAR(50)", "TEXT"],
    &["REAL", "DOUBLE PRECISION", "NUMERIC(10,2)"],
    &["BOOLEAN"],
    &["DATE", "TIMESTAMP"],
];
const DEFAULTS: [&[&str]; 5] = [
    &["0", "7"],
    &["'x'", "'abc'"],
    &["0", "1.5"],
    &["TRUE", "FALSE"],
    &[],
];

#[derive(Clone, Debug)]
struct ColumnSpec {
    slot: usize,
    ty: usize,
    not_null: bool,
    default: Option<usize>,
    unique: Option<bool>,
    index: Option<bool>,
}

#[derive(Clone, Debug)]
struct TableSpec {
    columns: Vec<ColumnSpec>,
    pk: usize,
    refs: Vec<(usize, bool)>,
}

fn arb_column() -> impl Strategy<Value = ColumnSpec> {
    (
        0..5usize,
        0..3usize,
        any::<bool>(),
        prop::option::of(0..2usize),
        prop::option::weighted(0.2, any::<bool>()),
        prop::option::weighted(0.2, any::<bool>()),
    )
        .prop_map(|(slot, ty, not_null, default, unique, index)| ColumnSpec {
            slot,
            ty,
            not_null,
            default,
            unique,
            index,
        })
}

fn arb_table() -> impl Strategy<Value = TableSpec> {
    (
        prop::collection::vec(arb_column(), 0..4),
        0..3usize,
        prop::collection::vec((0..4usize, any::<bool>()), 0..2),
    )
        .prop_map(|(columns, pk, refs)| TableSpec { columns, pk, refs })
}

fn arb_schema() -> impl Strategy<Value = Vec<Option<TableSpec>>> {
    prop::collection::vec(prop::option::of(arb_table()), 4)
}

/// The models.sql text of a generated schema (foreign keys may form cycles: they are added
/// with `ALTER TABLE` once every table exists).
fn sql_of(spec: &[Option<TableSpec>]) -> String {
    let present: Vec<usize> = (0..4).filter(|&i| spec[i].is_some()).collect();
    let mut sql = String::new();
    let mut after = String::new();
    for &i in &present {
        let t = spec[i].as_ref().expect("present");
        let name = TABLES[i];
        let mut lines = vec!["id INTEGER NOT NULL".to_string()];
        let mut seen = Vec::new();
        for c in &t.columns {
            if seen.contains(&c.slot) {
                continue;
            }
            seen.push(c.slot);
            let family = TYPES[c.slot];
            let mut line = format!("c{} {}", c.slot, family[c.ty % family.len()]);
            if c.not_null {
                line.push_str(" NOT NULL");
            }
            let defaults = DEFAULTS[c.slot];
            if let Some(d) = c.default.filter(|_| !defaults.is_empty()) {
                line.push_str(&format!(" DEFAULT {}", defaults[d % defaults.len()]));
            }
            lines.push(line);
            match c.unique {
                Some(true) => {
                    lines.push(format!("CONSTRAINT uq_{name}_c{0} UNIQUE (c{0})", c.slot))
                }
                Some(false) => lines.push(format!("UNIQUE (c{})", c.slot)),
                None => {}
            }
            if let Some(unique) = c.index {
                after.push_str(&format!(
                    "CREATE {}INDEX ix_{name}_c{1} ON {name} (c{1});\n",
                    if unique { "UNIQUE " } else { "" },
                    c.slot
                ));
            }
        }
        match t.pk {
            0 => lines.push("PRIMARY KEY (id)".into()),
            1 => lines.push(format!("CONSTRAINT pk_{name} PRIMARY KEY (id)")),
            _ => {}
        }
        for &(target, cascade) in &t.refs {
            let Some(other) = spec[target].as_ref() else {
                continue;
            };
            if other.pk == 2
                || lines
                    .iter()
                    .any(|l| l.starts_with(&format!("{}_id ", TABLES[target])))
            {
                continue;
            }
            lines.push(format!("{}_id INTEGER", TABLES[target]));
            after.push_str(&format!(
                "ALTER TABLE {name} ADD FOREIGN KEY ({0}_id) REFERENCES {0} (id){1};\n",
                TABLES[target],
                if cascade { " ON DELETE CASCADE" } else { "" }
            ));
        }
        sql.push_str(&format!(
            "CREATE TABLE {name} (\n    {}\n);\n",
            lines.join(",\n    ")
        ));
    }
    sql + &after
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn diff_then_inverse_round_trips(a in arb_schema(), b in arb_schema()) {
        let (a, b) = (schema(&sql_of(&a)), schema(&sql_of(&b)));
        for d in [Dialect::Sqlite, Dialect::Postgresql] {
            let changes = diff(&a, &b, d);
            let there = applied(&a.on(d), &changes);
            prop_assert_eq!(comparable(&there, d), comparable(&b, d));
            prop_assert_eq!(diff(&there, &b, d), vec![]);
            let back: Vec<Change> = changes.iter().rev().map(Change::inverse).collect();
            prop_assert_eq!(comparable(&applied(&there, &back), d), comparable(&a, d));
            // The generated script does what the changes do.
            let (up, down) = script_bodies(&changes, "models.sql").expect("render");
            let there = run_body(&a.on(d), &up);
            prop_assert_eq!(comparable(&there, d), comparable(&b, d));
            prop_assert_eq!(comparable(&run_body(&there, &down), d), comparable(&a, d));
        }
    }
}

#[test]
fn a_foreign_key_on_a_dropped_referenced_key_is_remade() {
    let a = schema(
        "CREATE TABLE p (id INTEGER PRIMARY KEY, code INTEGER NOT NULL, CONSTRAINT uq_p_code UNIQUE (code));
         CREATE TABLE c (id INTEGER PRIMARY KEY, p_code INTEGER REFERENCES p (code));",
    );
    let b = schema(
        "CREATE TABLE p (id INTEGER PRIMARY KEY, code INTEGER NOT NULL, CONSTRAINT uq_p_code2 UNIQUE (code));
         CREATE TABLE c (id INTEGER PRIMARY KEY, p_code INTEGER REFERENCES p (code));",
    );
    assert_eq!(
        lines(&diff(&a, &b, D)),
        [
            "drop foreign key on 'c' (p_code) -> p (code)",
            "drop unique constraint 'uq_p_code' on 'p' (code)",
            "add unique constraint 'uq_p_code2' on 'p' (code)",
            "add foreign key on 'c' (p_code) -> p (code)",
        ]
    );
}

#[test]
fn a_dropped_foreign_key_cycle_is_opened_before_the_tables_go() {
    let a = schema(
        "CREATE TABLE keep (id INTEGER PRIMARY KEY);
         CREATE TABLE p (id INTEGER PRIMARY KEY, q_id INTEGER);
         CREATE INDEX ix_p_q_id ON p (q_id);
         CREATE TABLE q (id INTEGER PRIMARY KEY, p_id INTEGER REFERENCES p (id));
         ALTER TABLE p ADD CONSTRAINT fk_p_q FOREIGN KEY (q_id) REFERENCES q (id);",
    );
    let b = schema("CREATE TABLE keep (id INTEGER PRIMARY KEY);");
    let changes = diff(&a, &b, D);
    assert_eq!(
        lines(&changes),
        [
            "drop foreign key 'fk_p_q' on 'p' (q_id) -> q (id)",
            "drop table 'q'",
            "drop index 'ix_p_q_id' on 'p'",
            "drop table 'p'",
        ]
    );
    assert_eq!(comparable(&applied(&a, &changes), D), comparable(&b, D));
    let back: Vec<Change> = changes.iter().rev().map(Change::inverse).collect();
    assert_eq!(comparable(&applied(&b, &back), D), comparable(&a, D));
}
