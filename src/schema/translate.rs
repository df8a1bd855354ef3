//! One script statement → the statements to run on the connected dialect.
//!
//! A statement runs byte for byte as written when the model does not understand it, or when
//! it does and it is already right for the dialect: no spelling that only the other engine
//! knows, nothing SQLite can't do in place. Otherwise it is rendered from the model, and on
//! SQLite an `ALTER TABLE` that needs it becomes a table rebuild. A statement the model keeps
//! out because of a clause of the *other* engine (`WITHOUT ROWID` on PostgreSQL, `CREATE INDEX
//! CONCURRENTLY` on SQLite) is refused with a message that says so, instead of failing inside
//! the engine.

use crate::schema::model::{Op, Schema};
use crate::schema::parse::{leading_word, parse_statement, Parsed};
use crate::schema::rebuild::rebuild;
use crate::schema::render::{render_op, sqlite};
use crate::schema::state::apply;
use crate::Dialect;

/// One thing to run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Emit {
    /// A statement.
    Sql(String),
    /// `PRAGMA foreign_key_check(t)` for each of `tables`; any row is a violation that must
    /// abort the migration (SQLite only, after rebuilding `rebuilt`).
    ForeignKeyCheck {
        rebuilt: String,
        tables: Vec<String>,
    },
}

/// Translates `sql` for `dialect`. `schema` gives the schema as it stands before the
/// statement; it is called only when SQLite needs it (a rebuild, or a `DROP COLUMN` that might
/// need one), at most once.
pub fn translate(
    sql: &str,
    dialect: Dialect,
    schema: &mut dyn FnMut() -> Result<Schema, String>,
) -> Result<Vec<Emit>, String> {
    let verbatim = || Ok(vec![Emit::Sql(sql.to_string())]);
    let (ops, native) = match parse_statement(sql) {
        Parsed::Verbatim {
            only_on: Some((engine, what)),
        } if engine != dialect => return Err(engine_only(engine, &what)),
        Parsed::Verbatim { .. } => return verbatim(),
        Parsed::Ops { ops, native } => (ops, native),
    };
    let foreign = native.iter().any(|(engine, _)| *engine != dialect);
    if dialect == Dialect::Postgresql {
        return if foreign {
            render_all(&ops, dialect)
        } else {
            verbatim()
        };
    }
    // SQLite: only a DROP COLUMN needs the schema to know whether it can be done in place.
    let mut current: Option<Schema> = None;
    if ops.iter().any(|op| sqlite::needs_rebuild(op, None)) {
        current = Some(schema()?);
    }
    let rebuilds = ops
        .iter()
        .any(|op| sqlite::needs_rebuild(op, current.as_ref()));
    if !rebuilds {
        return if foreign {
            render_all(&ops, dialect)
        } else {
            verbatim()
        };
    }
    let mut current = current.unwrap_or_default();
    let mut out = Vec::new();
    let mut pending: Vec<Op> = Vec::new();
    for op in ops {
        if sqlite::needs_rebuild(&op, Some(&current)) {
            pending.push(op);
            continue;
        }
        flush(&mut current, &mut pending, &mut out)?;
        out.extend(
            render_op(&op, dialect)
                .map_err(|e| e.0)?
                .into_iter()
                .map(Emit::Sql),
        );
        apply(&mut current, &op).map_err(|e| e.0)?;
    }
    flush(&mut current, &mut pending, &mut out)?;
    Ok(out)
}

/// Rebuilds the table of the pending operations (all of one `ALTER TABLE`, so one table).
fn flush(current: &mut Schema, pending: &mut Vec<Op>, out: &mut Vec<Emit>) -> Result<(), String> {
    let Some(table) = pending
        .first()
        .and_then(|op| op.altered_table())
        .map(str::to_string)
    else {
        return Ok(());
    };
    out.extend(rebuild(current, &table, pending).map_err(|e| e.0)?);
    for op in pending.drain(..) {
        apply(current, &op).map_err(|e| e.0)?;
    }
    Ok(())
}

fn render_all(ops: &[Op], dialect: Dialect) -> Result<Vec<Emit>, String> {
    let mut out = Vec::new();
    for op in ops {
        out.extend(
            render_op(op, dialect)
                .map_err(|e| e.0)?
                .into_iter()
                .map(Emit::Sql),
        );
    }
    Ok(out)
}

fn engine_only(engine: Dialect, what: &str) -> String {
    format!(
        "{what} is {engine}-only; put this statement in a '-- +upgrade {engine}' section \
         (with its equivalent for the other engine in a section of its own)"
    )
}

/// Whether `sql` might become a table rebuild on `dialect` (decided without the schema, so
/// a `DROP COLUMN` counts): the runner switches foreign keys off before the transaction.
pub fn may_rebuild(sql: &str, dialect: Dialect) -> bool {
    // Only ALTER TABLE lowers into operations that can need a rebuild.
    if leading_word(sql).is_some_and(|w| !w.eq_ignore_ascii_case("ALTER")) {
        return false;
    }
    dialect == Dialect::Sqlite
        && matches!(parse_statement(sql), Parsed::Ops { ops, .. }
            if ops.iter().any(|op| sqlite::needs_rebuild(op, None)))
}

/// Applies a statement to `schema` when the model understands it (offline tracking); returns
/// whether it did. A statement outside the model that creates a table records its name in
/// [`Schema::other_tables`] when the name can be read.
pub fn apply_sql(schema: &mut Schema, sql: &str) -> bool {
    match parse_statement(sql) {
        // One operation that fails before it changes anything applies in place: no copy of
        // the whole schema for each CREATE or DROP of a long history.
        Parsed::Ops { ops, .. } if ops.len() == 1 && atomic(&ops[0]) => {
            apply(schema, &ops[0]).is_ok()
        }
        Parsed::Ops { ops, .. } => {
            let mut next = schema.clone();
            for op in &ops {
                if apply(&mut next, op).is_err() {
                    return false;
                }
            }
            *schema = next;
            true
        }
        Parsed::Verbatim { .. } => false,
    }
}

/// Whether [`apply`] checks everything before it changes anything for `op`, so that a failure
/// leaves the schema as it was (an `ADD COLUMN` with constraints, by contrast, adds the column
/// before it checks them).
fn atomic(op: &Op) -> bool {
    matches!(
        op,
        Op::CreateTable { .. }
            | Op::DropTable { .. }
            | Op::RenameTable { .. }
            | Op::CreateIndex { .. }
            | Op::DropIndex { .. }
            | Op::CreateTrigger(_)
            | Op::DropTrigger { .. }
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tables(schema: &Schema) -> Vec<(String, usize)> {
        schema
            .tables
            .iter()
            .map(|t| (t.name.clone(), t.indexes.len()))
            .collect()
    }

    #[test]
    fn apply_sql_leaves_the_schema_unchanged_when_a_statement_fails() {
        let mut schema = Schema::default();
        assert!(apply_sql(
            &mut schema,
            "CREATE TABLE a (id INTEGER PRIMARY KEY)"
        ));
        assert!(apply_sql(&mut schema, "CREATE INDEX ix_a ON a (id)"));
        let before = tables(&schema);
        for sql in [
            "CREATE TABLE a (x INTEGER)",
            "CREATE INDEX ix_a ON a (id)",
            "CREATE INDEX ix_b ON b (id)",
            "DROP TABLE b",
            "DROP INDEX ix_b",
            "ALTER TABLE b RENAME TO c",
            "ALTER TABLE a RENAME TO a",
            "INSERT INTO a (id) VALUES (1)",
        ] {
            assert!(!apply_sql(&mut schema, sql), "{sql}");
            assert_eq!(tables(&schema), before, "{sql}");
        }
        assert!(apply_sql(&mut schema, "-- a comment\ndrop index ix_a"));
        assert!(apply_sql(&mut schema, "DROP TABLE a"));
        assert!(schema.tables.is_empty());
    }

    #[test]
    fn only_alter_may_rebuild() {
        assert!(may_rebuild("ALTER TABLE a DROP COLUMN x", Dialect::Sqlite));
        assert!(may_rebuild(
            "-- why\n  alter table a drop column x",
            Dialect::Sqlite
        ));
        assert!(!may_rebuild(
            "ALTER TABLE a DROP COLUMN x",
            Dialect::Postgresql
        ));
        assert!(!may_rebuild("CREATE TABLE a (id INTEGER)", Dialect::Sqlite));
        assert!(!may_rebuild("INSERT INTO a VALUES (1)", Dialect::Sqlite));
    }
}
