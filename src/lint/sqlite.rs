//! `SQ002`: a statement the linked SQLite refuses, as this tool would run it there.
//!
//! The SQLite linked into the binary is the one rusqlite bundles (3.50), so `STRICT` tables,
//! `RETURNING`, `DROP COLUMN`, `RENAME COLUMN` and generated columns all run and are not
//! flagged. What is flagged:
//!
//! - statements SQLite has no form of (`TRUNCATE`, `COMMENT ON`, `GRANT`, `CREATE OR
//!   REPLACE`, `CREATE`/`ALTER`/`DROP` of a sequence, type, schema, extension…, `DROP …
//!   CASCADE`, `IF [NOT] EXISTS` on `ALTER TABLE` or a column, `DROP INDEX CONCURRENTLY`,
//!   adding a `STORED` generated column, a clause of PostgreSQL's that the model knows
//!   (`CREATE INDEX … USING`, `INCLUDE`, `GENERATED ALWAYS AS IDENTITY`));
//! - in a section that runs as written (a `-- +upgrade sqlite` section): the `ALTER TABLE`
//!   forms SQLite can't do in place (`ALTER COLUMN`, `ADD`/`DROP CONSTRAINT`, a `PRIMARY
//!   KEY` or `UNIQUE` column, a `NOT NULL` column without a default or a non-constant default
//!   on a table with rows, dropping a column a key, constraint or index uses), several
//!   changes in one `ALTER TABLE`, several tables in one `DROP`, and PostgreSQL's
//!   `CREATE INDEX CONCURRENTLY` and identity columns;
//! - in a plain section, only what the translator passes through as written: several
//!   changes in one `ALTER TABLE`, several tables in one `DROP`. The rest it rewrites for
//!   SQLite (a table rebuild, PostgreSQL's spellings rendered away), which runs.

use std::collections::HashSet;

use crate::schema::model::ColumnChange;
use crate::schema::render::sqlite::needs_rebuild;
use crate::schema::{Constraint, Op, Parsed, Schema};
use crate::Dialect;

/// The kinds of object SQLite has no `CREATE`, `ALTER` or `DROP` for.
const NO_SUCH_KIND: [&str; 12] = [
    "DATABASE",
    "DOMAIN",
    "EXTENSION",
    "FUNCTION",
    "MATERIALIZED",
    "POLICY",
    "PROCEDURE",
    "ROLE",
    "SCHEMA",
    "SEQUENCE",
    "TYPE",
    "USER",
];

/// Statements SQLite has none of, by their first word.
const NO_SUCH_STATEMENT: [&str; 6] = [
    "CLUSTER", "COMMENT", "GRANT", "REFRESH", "REVOKE", "TRUNCATE",
];

/// Why SQLite refuses the statement of `words` (its words, upper-cased) and `parsed` (what
/// it means to the model), given `schema` before it; `translated`: it goes through the
/// translator (a plain section) rather than running as written.
pub fn refusal(
    schema: &Schema,
    (words, parsed): (&[String], &Parsed),
    translated: bool,
    created: &HashSet<String>,
) -> Option<String> {
    by_words(words).or_else(|| by_model(schema, (words, parsed), translated, created))
}

/// The refusals read from the words alone, in any section.
fn by_words(words: &[String]) -> Option<String> {
    let w = |i: usize| words.get(i).map_or("", String::as_str);
    let has = |x: &str| words.iter().any(|y| y == x);
    let (first, second) = (w(0), w(1));
    if NO_SUCH_STATEMENT.contains(&first) {
        return Some(format!("SQLite has no {first} statement"));
    }
    if first == "CREATE" && second == "OR" {
        return Some("SQLite has no CREATE OR REPLACE".into());
    }
    if matches!(first, "CREATE" | "ALTER" | "DROP") && NO_SUCH_KIND.contains(&second) {
        return Some(format!("SQLite has no {first} {second}"));
    }
    if first == "ALTER" && second != "TABLE" && !second.is_empty() {
        return Some(format!("SQLite has no ALTER {second}; only ALTER TABLE"));
    }
    if first == "DROP"
        && matches!(
            words.last().map(String::as_str),
            Some("CASCADE" | "RESTRICT")
        )
    {
        return Some(format!("SQLite's DROP has no {}", w(words.len() - 1)));
    }
    if first == "DROP" && has("CONCURRENTLY") {
        return Some("SQLite has no DROP INDEX CONCURRENTLY".into());
    }
    if first == "ALTER" && second == "TABLE" {
        return alter_words(words);
    }
    None
}

/// `ALTER TABLE` clauses SQLite lacks, read from the words.
fn alter_words(words: &[String]) -> Option<String> {
    let w = |i: usize| words.get(i).map_or("", String::as_str);
    if matches!(w(2), "IF" | "ONLY") {
        return Some(format!("SQLite's ALTER TABLE has no {}", w(2)));
    }
    for i in 3..words.len() {
        if !matches!(w(i), "ADD" | "DROP") {
            continue;
        }
        let next = if w(i + 1) == "COLUMN" { i + 2 } else { i + 1 };
        if w(next) == "IF" {
            return Some(format!("SQLite's {} COLUMN has no IF [NOT] EXISTS", w(i)));
        }
    }
    let adds = words.iter().any(|x| x == "ADD");
    if adds && words.iter().any(|x| x == "STORED") {
        return Some("SQLite can't add a STORED generated column (a VIRTUAL one it can)".into());
    }
    None
}

/// The refusals of a statement the model reads: what runs as written on SQLite.
fn by_model(
    schema: &Schema,
    (words, parsed): (&[String], &Parsed),
    translated: bool,
    created: &HashSet<String>,
) -> Option<String> {
    let (ops, native) = match parsed {
        Parsed::Verbatim {
            only_on: Some((Dialect::Postgresql, what)),
        } => return Some(format!("{what} is PostgreSQL's; SQLite can't run it")),
        Parsed::Verbatim { .. } => return None,
        Parsed::Ops { ops, native } => (ops, native),
    };
    let foreign = native.iter().any(|(d, _)| *d == Dialect::Postgresql);
    let rebuilds = ops.iter().any(|op| needs_rebuild(op, Some(schema)));
    if translated && (foreign || rebuilds) {
        // The translator renders it for SQLite, or rebuilds the table.
        return None;
    }
    if ops.len() > 1 {
        return Some(match words.first().map(String::as_str) {
            Some("DROP") => "SQLite's DROP takes one name per statement".into(),
            _ => "SQLite's ALTER TABLE makes one change per statement".into(),
        });
    }
    if translated {
        return None;
    }
    if let Some((_, what)) = native.iter().find(|(d, what)| {
        *d == Dialect::Postgresql && (what.contains("CONCURRENTLY") || what.contains("IDENTITY"))
    }) {
        return Some(format!("SQLite has no {what}"));
    }
    ops.iter().find_map(|op| in_place(schema, op, created))
}

/// Why SQLite's `ALTER TABLE` can't make `op` in place, if it can't.
/// A column that only a table with rows refuses is fine on a table in `created`.
fn in_place(schema: &Schema, op: &Op, created: &HashSet<String>) -> Option<String> {
    if !needs_rebuild(op, Some(schema)) {
        return None;
    }
    Some(match op {
        Op::AlterColumn { change, .. } => {
            let what = match change {
                ColumnChange::SetType(_) => "TYPE",
                ColumnChange::SetNotNull | ColumnChange::DropNotNull => "SET/DROP NOT NULL",
                ColumnChange::SetDefault(_) | ColumnChange::DropDefault => "SET/DROP DEFAULT",
            };
            format!("SQLite's ALTER TABLE has no ALTER COLUMN … {what}")
        }
        Op::AddConstraint { .. } => "SQLite's ALTER TABLE has no ADD CONSTRAINT".into(),
        Op::DropConstraint { .. } => "SQLite's ALTER TABLE has no DROP CONSTRAINT".into(),
        Op::AddColumn {
            table,
            column,
            constraints,
        } => {
            let key = constraints.iter().find_map(|c| match c {
                Constraint::PrimaryKey(_) => Some("PRIMARY KEY"),
                Constraint::Unique(_) => Some("UNIQUE"),
                _ => None,
            });
            match key {
                Some(key) => format!("SQLite can't add a {key} column"),
                None if created.contains(table) => return None,
                None if !column.nullable && column.default.is_none() => {
                    "SQLite can't add a NOT NULL column without a default to a table with rows"
                        .into()
                }
                None => {
                    "SQLite can't add a column with a non-constant default to a table with rows"
                        .into()
                }
            }
        }
        Op::DropColumn { table, column } => {
            format!("SQLite can't drop '{table}.{column}': a key, constraint or index uses it")
        }
        _ => return None,
    })
}
