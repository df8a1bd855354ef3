//! PostgreSQL introspection: the tables of the current schema (the first on the
//! `search_path`), from `pg_catalog`.
//!
//! Columns come from `pg_attribute` with `format_type`; constraints and indexes come back as
//! the DDL PostgreSQL prints for them and go through the model's parser. The text PostgreSQL
//! prints is normalised towards what a script would say: casts it adds to literals and
//! columns (`'x'::character varying`, `(0)::numeric`) are removed, an index's `USING btree`
//! and schema prefix are dropped, a serial's `nextval(…)` default is an auto-increment flag,
//! and a constraint named the way PostgreSQL names an unnamed one (`t_pkey`, `t_a_key`,
//! `t_a_fkey`, `t_a_check`) is unnamed in the model, as it was in the script (see [`unname`]).
//! A column of a type outside the map, a generated column or an index the model can't read
//! (`USING gin`, or one on such a column) is listed by name in the table's `other_columns` /
//! `other_indexes`, and the rest of the table is read as usual; a constraint the model can't
//! read puts the whole table in `other_tables`.

use postgres::types::Oid;
use postgres::Client;

use crate::schema::names;
use crate::schema::parse::normalize_expr;
use crate::schema::{
    parse_statement, Column, ColumnType, Constraint, Op, Parsed, Schema, Table, Trigger, View,
};

/// Reads the current schema.
pub fn introspect(client: &mut Client) -> Result<Schema, postgres::Error> {
    let mut schema = Schema::default();
    let tables = client.query(
        "SELECT c.oid, c.relname FROM pg_catalog.pg_class c \
         JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
         WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') ORDER BY c.oid",
        &[],
    )?;
    for row in tables {
        let oid: Oid = row.get(0);
        let name: String = row.get(1);
        match table(client, oid, &name)? {
            Some(t) => schema.tables.push(t),
            None => schema.other_tables.push(name),
        }
    }
    for row in client.query(
        "SELECT viewname::text, definition FROM pg_catalog.pg_views \
         WHERE schemaname = current_schema() ORDER BY viewname",
        &[],
    )? {
        schema.views.push(View {
            name: row.get(0),
            sql: row.get(1),
        });
    }
    Ok(schema)
}

/// One table; `None` when something of it is outside the model.
fn table(client: &mut Client, oid: Oid, name: &str) -> Result<Option<Table>, postgres::Error> {
    let mut t = Table::new(name);
    for row in client.query(
        "SELECT a.attname::text, format_type(a.atttypid, a.atttypmod), a.attnotnull, \
                pg_get_expr(d.adbin, d.adrelid), a.attidentity::text, a.attgenerated::text \
         FROM pg_catalog.pg_attribute a \
         LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum \
         WHERE a.attrelid = $1 AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum",
        &[&oid],
    )? {
        let type_name: String = row.get(1);
        let default: Option<String> = row.get(3);
        let identity: String = row.get(4);
        let generated: String = row.get(5);
        let ty = column_type(&type_name).filter(|_| identity != "a" && generated.is_empty());
        let Some(ty) = ty else {
            t.other_columns.push(row.get(0));
            continue;
        };
        let serial = default
            .as_deref()
            .is_some_and(|d| d.starts_with("nextval("));
        t.columns.push(Column {
            name: row.get(0),
            ty,
            nullable: !row.get::<_, bool>(2),
            default: if serial {
                None
            } else {
                default.as_deref().map(normalize_expr)
            },
            identity: identity == "d" || serial,
        });
    }
    for row in client.query(
        "SELECT conname::text, pg_get_constraintdef(oid) FROM pg_catalog.pg_constraint \
         WHERE conrelid = $1 AND contype IN ('p', 'u', 'f', 'c') ORDER BY conname",
        &[&oid],
    )? {
        let cname: String = row.get(0);
        let def: String = row.get(1);
        let sql = format!("ALTER TABLE t ADD CONSTRAINT {} {def}", quote(&cname));
        let Parsed::Ops { mut ops, .. } = parse_statement(&sql) else {
            return Ok(None);
        };
        let Some(Op::AddConstraint { constraint, .. }) = ops.pop() else {
            return Ok(None);
        };
        let constraint = unname(&t.name, constraint);
        add(&mut t, constraint);
    }
    for row in client.query(
        "SELECT ic.relname::text, pg_get_indexdef(i.indexrelid) FROM pg_catalog.pg_index i \
         JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid \
         WHERE i.indrelid = $1 AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint c \
             WHERE c.conindid = i.indexrelid AND c.contype IN ('p', 'u', 'x')) \
         ORDER BY i.indexrelid",
        &[&oid],
    )? {
        let index_name: String = row.get(0);
        let def: String = row.get(1);
        let sql = strip_schema(&def.replacen(" USING btree ", " ", 1));
        let parsed = match parse_statement(&sql) {
            Parsed::Ops { mut ops, .. } => ops.pop(),
            Parsed::Verbatim { .. } => None,
        };
        let index = match parsed {
            Some(Op::CreateIndex { index, .. })
                if !index
                    .columns
                    .iter()
                    .any(|p| t.other_columns.contains(&p.expr)) =>
            {
                Some(index)
            }
            _ => None,
        };
        let Some(mut index) = index else {
            t.other_indexes.push(index_name);
            continue;
        };
        for p in &mut index.columns {
            if !p.is_column {
                p.expr = normalize_expr(&p.expr);
            }
        }
        index.predicate = index.predicate.as_deref().map(normalize_expr);
        t.indexes.push(index);
    }
    for row in client.query(
        "SELECT tgname::text, pg_get_triggerdef(oid) FROM pg_catalog.pg_trigger \
         WHERE tgrelid = $1 AND NOT tgisinternal ORDER BY tgname",
        &[&oid],
    )? {
        t.triggers.push(Trigger {
            name: row.get(0),
            table: name.to_string(),
            sql: row.get(1),
        });
    }
    let keys = t.primary_key.as_ref().map(|pk| pk.columns.clone());
    for c in &mut t.columns {
        if keys.as_ref().is_some_and(|k| k.contains(&c.name)) {
            c.nullable = false;
        }
    }
    Ok(Some(t))
}

/// `CREATE INDEX ix ON public.t (a)` → `CREATE INDEX ix ON t (a)`.
fn strip_schema(def: &str) -> String {
    let Some(at) = def.find(" ON ") else {
        return def.to_string();
    };
    let (head, tail) = def.split_at(at + 4);
    let first = tail.split(' ').next().unwrap_or("");
    match first.find('.') {
        Some(dot) if !first.starts_with('"') => format!("{head}{}", &tail[dot + 1..]),
        _ => def.to_string(),
    }
}

fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

fn add(t: &mut Table, c: Constraint) {
    match c {
        Constraint::PrimaryKey(pk) => t.primary_key = Some(pk),
        Constraint::Unique(u) => t.uniques.push(u),
        Constraint::ForeignKey(fk) => t.foreign_keys.push(fk),
        Constraint::Check(mut ch) => {
            ch.expr = normalize_expr(&ch.expr);
            t.checks.push(ch)
        }
    }
}

/// Forgets a name PostgreSQL generated for an unnamed constraint: `<table>_pkey`,
/// `<table>_<columns>_key`, `<table>_<columns>_fkey`, `<table>_<column>_check`. Any table
/// prefix is accepted, because PostgreSQL keeps the generated name when the table is renamed
/// (SQLite has no name to keep), so a constraint named like that by hand is read as unnamed too.
/// A name the server cut to 63 bytes is recognised by computing it as the server does
/// ([`names`]).
fn unname(table: &str, c: Constraint) -> Constraint {
    let generated = |name: &Option<String>, suffix: String, full: String| {
        name.as_deref()
            .is_some_and(|n| (n.len() > suffix.len() && n.ends_with(&suffix)) || n == full)
    };
    match c {
        Constraint::PrimaryKey(mut pk) => {
            if generated(&pk.name, "_pkey".into(), names::primary_key(table)) {
                pk.name = None;
            }
            Constraint::PrimaryKey(pk)
        }
        Constraint::Unique(mut u) => {
            let full = names::unique(table, &u.columns);
            if generated(&u.name, format!("_{}_key", u.columns.join("_")), full) {
                u.name = None;
            }
            Constraint::Unique(u)
        }
        Constraint::ForeignKey(mut fk) => {
            let full = names::foreign_key(table, &fk.columns);
            if generated(&fk.name, format!("_{}_fkey", fk.columns.join("_")), full) {
                fk.name = None;
            }
            Constraint::ForeignKey(fk)
        }
        Constraint::Check(mut ch) => {
            if generated(&ch.name, "_check".into(), String::new()) {
                ch.name = None;
            }
            Constraint::Check(ch)
        }
    }
}

/// The model type of a `format_type` result.
fn column_type(name: &str) -> Option<ColumnType> {
    let (base, args) = match name.split_once('(') {
        Some((b, rest)) => (b, Some(rest.trim_end_matches(')'))),
        None => (name, None),
    };
    let number = |s: &str| s.trim().parse::<u64>().ok();
    Some(match (base, args) {
        ("integer", None) => ColumnType::Integer,
        ("bigint", None) => ColumnType::BigInt,
        ("smallint", None) => ColumnType::SmallInt,
        ("boolean", None) => ColumnType::Boolean,
        ("real", None) => ColumnType::Real,
        ("double precision", None) => ColumnType::Double,
        ("numeric", None) => ColumnType::Numeric(None),
        ("numeric", Some(a)) => match a.split_once(',') {
            Some((p, s)) => ColumnType::Numeric(Some((number(p)?, Some(s.trim().parse().ok()?)))),
            None => ColumnType::Numeric(Some((number(a)?, None))),
        },
        ("character varying", None) => ColumnType::Varchar(None),
        ("character varying", Some(n)) => ColumnType::Varchar(Some(number(n)?)),
        ("text", None) => ColumnType::Text,
        ("date", None) => ColumnType::Date,
        ("time without time zone", None) => ColumnType::Time,
        ("timestamp without time zone", None) => ColumnType::Timestamp,
        ("timestamp with time zone", None) => ColumnType::TimestampTz,
        ("bytea", None) => ColumnType::Blob,
        ("json", None) => ColumnType::Json,
        ("jsonb", None) => ColumnType::Jsonb,
        ("uuid", None) => ColumnType::Uuid,
        _ => return None,
    })
}
