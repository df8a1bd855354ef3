//! Where one portable schema can't mean the same on both engines: the warnings `check` and
//! `revision --autogenerate` print once per kind, naming the columns.
//!
//! Only what the translator can't bridge is listed (it already maps the spellings, gives a
//! lone integer key an identity on PostgreSQL, and refuses one engine's clauses on the other):
//! - a `VARCHAR(n)` length, enforced by PostgreSQL and not by SQLite, which stores longer
//!   text;
//! - `TIMESTAMP WITH TIME ZONE`, converted to UTC by PostgreSQL and kept as written by SQLite;
//! - an `INTEGER` primary key with a foreign key, which SQLite still assigns (it is the rowid)
//!   and PostgreSQL does not;
//! - `DEFAULT CURRENT_TIMESTAMP` on a `TIMESTAMP`: UTC on SQLite, the session's time zone on
//!   PostgreSQL;
//! - `BOOLEAN`, stored as 1/0 by SQLite (which reads back 1/0 and accepts any value);
//! - `JSON` and `UUID`, validated by PostgreSQL only;
//! - foreign keys, enforced by SQLite only on connections that switch them on.

use crate::schema::model::{Column, Schema, Table};
use crate::schema::types::ColumnType;

/// How many columns a warning names before it says how many more there are.
const NAMED: usize = 3;

/// One line per kind of difference in `schema`, in a fixed order; empty when there is none.
pub fn warnings(schema: &Schema) -> Vec<String> {
    let kinds = [
        (
            columns(schema, |_, c| matches!(c.ty, ColumnType::Varchar(Some(_)))),
            "VARCHAR(n) lengths are enforced on PostgreSQL only; SQLite stores longer text",
        ),
        (
            columns(schema, |_, c| c.ty == ColumnType::TimestampTz),
            "TIMESTAMP WITH TIME ZONE is converted to UTC on PostgreSQL and kept as written on \
             SQLite; store UTC values",
        ),
        (
            columns(schema, rowid_with_foreign_key),
            "an integer primary key with a foreign key is assigned by SQLite (the rowid) but \
             not by PostgreSQL; insert its value",
        ),
        (
            columns(schema, |_, c| timestamp_defaulting_to_now(c)),
            "DEFAULT CURRENT_TIMESTAMP on a TIMESTAMP is UTC on SQLite and the session's time \
             zone on PostgreSQL; set PostgreSQL's TimeZone to UTC",
        ),
        (
            columns(schema, |_, c| c.ty == ColumnType::Boolean),
            "BOOLEAN is stored as 1/0 on SQLite, which accepts any value; write TRUE and FALSE",
        ),
        (
            columns(schema, |_, c| {
                matches!(
                    c.ty,
                    ColumnType::Json | ColumnType::Jsonb | ColumnType::Uuid
                )
            }),
            "JSON and UUID values are validated on PostgreSQL only",
        ),
        (
            schema
                .tables
                .iter()
                .filter(|t| !t.foreign_keys.is_empty())
                .map(|t| t.name.clone())
                .collect(),
            "SQLite enforces foreign keys only on connections that run PRAGMA foreign_keys = ON",
        ),
    ];
    kinds
        .into_iter()
        .filter(|(names, _)| !names.is_empty())
        .map(|(names, message)| format!("{message} ({})", list(&names)))
        .collect()
}

/// `table.column` of each column that `keep` selects.
fn columns(schema: &Schema, keep: impl Fn(&Table, &Column) -> bool) -> Vec<String> {
    schema
        .tables
        .iter()
        .flat_map(|t| {
            t.columns
                .iter()
                .filter(|c| keep(t, c))
                .map(move |c| format!("{}.{}", t.name, c.name))
        })
        .collect()
}

/// An integer primary key on its own, not an identity, with a foreign key on it.
fn rowid_with_foreign_key(t: &Table, c: &Column) -> bool {
    c.ty.is_integer()
        && !c.identity
        && t.primary_key
            .as_ref()
            .is_some_and(|pk| pk.columns == [c.name.clone()])
        && t.foreign_keys.iter().any(|fk| fk.columns.contains(&c.name))
}

fn timestamp_defaulting_to_now(c: &Column) -> bool {
    c.ty == ColumnType::Timestamp
        && c.default.as_deref().is_some_and(|d| {
            let d = d.to_ascii_uppercase();
            d.contains("CURRENT_TIMESTAMP") || d.contains("NOW()")
        })
}

/// `a.b, c.d, e.f and 4 more`.
fn list(names: &[String]) -> String {
    let shown = names[..names.len().min(NAMED)].join(", ");
    match names.len().saturating_sub(NAMED) {
        0 => shown,
        more => format!("{shown} and {more} more"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::read_models;
    use crate::Dialect;

    fn warned(sql: &str) -> Vec<String> {
        warnings(&read_models(sql, Dialect::Postgresql).unwrap())
    }

    #[test]
    fn each_kind_is_warned_once_with_its_columns() {
        let got = warned(
            "CREATE TABLE p (id INTEGER PRIMARY KEY, a VARCHAR(5), b VARCHAR(5), at TIMESTAMPTZ);
             CREATE TABLE q (id INTEGER PRIMARY KEY REFERENCES p (id), c VARCHAR(9), d VARCHAR(1));",
        );
        assert_eq!(
            got,
            [
                "VARCHAR(n) lengths are enforced on PostgreSQL only; SQLite stores longer text \
                 (p.a, p.b, q.c and 1 more)",
                "TIMESTAMP WITH TIME ZONE is converted to UTC on PostgreSQL and kept as written \
                 on SQLite; store UTC values (p.at)",
                "an integer primary key with a foreign key is assigned by SQLite (the rowid) but \
                 not by PostgreSQL; insert its value (q.id)",
                "SQLite enforces foreign keys only on connections that run PRAGMA foreign_keys \
                 = ON (q)",
            ]
        );
    }

    #[test]
    fn the_other_kinds() {
        let got = warned(
            "CREATE TABLE p (id INTEGER PRIMARY KEY, at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
                 on_ BOOLEAN DEFAULT TRUE, j JSONB, u UUID, plain TIMESTAMP);",
        );
        assert_eq!(
            got,
            [
                "DEFAULT CURRENT_TIMESTAMP on a TIMESTAMP is UTC on SQLite and the session's \
                 time zone on PostgreSQL; set PostgreSQL's TimeZone to UTC (p.at)",
                "BOOLEAN is stored as 1/0 on SQLite, which accepts any value; write TRUE and \
                 FALSE (p.on_)",
                "JSON and UUID values are validated on PostgreSQL only (p.j, p.u)",
            ]
        );
    }

    #[test]
    fn a_schema_that_means_the_same_everywhere_has_none() {
        assert!(warned(
            "CREATE TABLE p (id INTEGER PRIMARY KEY, a TEXT, b VARCHAR, n BIGINT NOT NULL DEFAULT 0);
             CREATE TABLE q (p_id INTEGER, k INTEGER, PRIMARY KEY (p_id, k));"
        )
        .is_empty());
    }
}
