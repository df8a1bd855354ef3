//! What SQLite needs besides the shared rendering: its auto-increment rule, and which
//! `ALTER TABLE` operations it can do in place.
//!
//! SQLite's `ALTER TABLE` can rename a table or a column, add a column and drop a column
//! (<https://www.sqlite.org/lang_altertable.html>). Anything else — changing a column's
//! type, nullability or default, adding or dropping a constraint, adding a `UNIQUE` or
//! `PRIMARY KEY` column, adding a `NOT NULL` column without a default or a column whose
//! default is not a constant (SQLite refuses both even on an empty table), dropping a column
//! that a key, constraint or index uses — is done by rebuilding the table
//! ([`crate::schema::rebuild`]).

use super::RenderError;
use crate::schema::model::{Constraint, Op, Schema, Table};

/// SQLite auto-increments only an `INTEGER PRIMARY KEY`: an identity column must be the
/// table's single-column, unnamed primary key.
pub fn check_identity(table: &Table, inline_pk: Option<&str>) -> Result<(), RenderError> {
    match table
        .columns
        .iter()
        .find(|c| c.identity && inline_pk != Some(c.name.as_str()))
    {
        Some(c) => Err(identity_error(&format!("{}.{}", table.name, c.name))),
        None => Ok(()),
    }
}

pub fn identity_error(column: &str) -> RenderError {
    RenderError::Identity {
        column: column.to_string(),
    }
}

/// Whether `op` needs a table rebuild on SQLite. `schema` is consulted only for
/// `DROP COLUMN`; without it, a drop is assumed to need one.
pub fn needs_rebuild(op: &Op, schema: Option<&Schema>) -> bool {
    match op {
        Op::AlterColumn { .. } | Op::AddConstraint { .. } | Op::DropConstraint { .. } => true,
        Op::AddColumn {
            column,
            constraints,
            ..
        } => {
            constraints
                .iter()
                .any(|c| matches!(c, Constraint::PrimaryKey(_) | Constraint::Unique(_)))
                || (!column.nullable && column.default.is_none())
                || column.default.as_deref().is_some_and(|d| !constant(d))
        }
        Op::DropColumn { table, column } => match schema {
            None => true,
            Some(s) => s.table(table).is_some_and(|t| t.is_constrained(column)),
        },
        _ => false,
    }
}

/// Whether a default is a constant, as `ADD COLUMN` requires on SQLite: a number, a string,
/// `NULL`, `TRUE` or `FALSE`, with or without parentheses and a sign.
fn constant(expr: &str) -> bool {
    let mut e = expr.trim();
    while let Some(inner) = e.strip_prefix('(').and_then(|x| x.strip_suffix(')')) {
        e = inner.trim();
    }
    let e = e.trim_start_matches(['-', '+']);
    (e.starts_with('\'') && e.ends_with('\'') && e.len() >= 2)
        || e.parse::<f64>().is_ok()
        || matches!(e.to_ascii_uppercase().as_str(), "NULL" | "TRUE" | "FALSE")
}
