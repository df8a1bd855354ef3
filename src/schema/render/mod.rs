//! [`Op`]s → SQL for one dialect.
//!
//! Identifiers go through [`Dialect::quote_ident`] (quoted only when they must be); types
//! through the type map in [`crate::schema::types`]. What the dialects share is here; what
//! differs (auto-increment keys, `ALTER COLUMN`) is in [`sqlite`] and [`postgres`]. The
//! operations SQLite can't do in place are not rendered here: see [`crate::schema::rebuild`].

pub mod postgres;
pub mod sqlite;

use crate::schema::model::{Action, Column, Constraint, ForeignKey, Index, Op, PrimaryKey, Table};
use crate::schema::state::StateError;
use crate::Dialect;

/// A model that the dialect cannot express.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RenderError {
    /// An operation SQLite's `ALTER TABLE` can't do; shown as the SQL PostgreSQL would run.
    #[error("SQLite can't do this in place; it needs a table rebuild: {}", sql_of(.0))]
    NeedsRebuild(Box<Op>),
    /// A table rebuild of a table the model can't carry (or that does not exist).
    #[error(
        "can't rebuild table '{table}' for SQLite: {why}; write this change for SQLite by hand \
         in a '-- +upgrade sqlite' section"
    )]
    CantRebuild { table: String, why: &'static str },
    /// An auto-increment column that is not SQLite's `INTEGER PRIMARY KEY`.
    #[error(
        "column {column} auto-increments but is not the table's only primary-key column; \
         SQLite can auto-increment only an INTEGER PRIMARY KEY"
    )]
    Identity { column: String },
    /// An operation that does not fit the table it is applied to.
    #[error(transparent)]
    State(#[from] StateError),
}

/// `op` as the statements PostgreSQL runs for it, which does every operation in place.
fn sql_of(op: &Op) -> String {
    render_op(op, Dialect::Postgresql).map_or_else(|e| e.to_string(), |sql| sql.join("; "))
}

/// Renders one operation that `dialect` can do in place.
pub fn render_op(op: &Op, d: Dialect) -> Result<Vec<String>, RenderError> {
    let q = |s: &str| d.quote_ident(s);
    Ok(match op {
        Op::CreateTable {
            table,
            if_not_exists,
        } => vec![create_table(table, &table.name, *if_not_exists, d)?],
        Op::DropTable { name, if_exists } => vec![drop("TABLE", name, *if_exists, d)],
        Op::RenameTable { from, to } => {
            vec![format!("ALTER TABLE {} RENAME TO {}", q(from), q(to))]
        }
        Op::AddColumn {
            table,
            column,
            constraints,
        } => vec![add_column(table, column, constraints, d)?],
        Op::DropColumn { table, column } => {
            vec![format!(
                "ALTER TABLE {} DROP COLUMN {}",
                q(table),
                q(column)
            )]
        }
        Op::RenameColumn { table, from, to } => vec![format!(
            "ALTER TABLE {} RENAME COLUMN {} TO {}",
            q(table),
            q(from),
            q(to)
        )],
        Op::AlterColumn {
            table,
            column,
            change,
        } => match d {
            Dialect::Postgresql => vec![postgres::alter_column(table, column, change)],
            Dialect::Sqlite => return Err(needs_rebuild(op)),
        },
        Op::AddConstraint { table, constraint } => match d {
            Dialect::Postgresql => vec![format!(
                "ALTER TABLE {} ADD {}",
                q(table),
                table_constraint(constraint, d)
            )],
            Dialect::Sqlite => return Err(needs_rebuild(op)),
        },
        Op::DropConstraint { table, name } => match d {
            Dialect::Postgresql => vec![format!(
                "ALTER TABLE {} DROP CONSTRAINT {}",
                q(table),
                q(name)
            )],
            Dialect::Sqlite => return Err(needs_rebuild(op)),
        },
        Op::CreateIndex {
            index,
            if_not_exists,
        } => vec![create_index(index, *if_not_exists, d)],
        Op::DropIndex { name, if_exists } => vec![drop("INDEX", name, *if_exists, d)],
        Op::CreateTrigger(t) => vec![t.sql.clone()],
        Op::DropTrigger { name, if_exists } => vec![drop("TRIGGER", name, *if_exists, d)],
    })
}

/// `DROP TABLE|INDEX|TRIGGER [IF EXISTS] name`.
fn drop(kind: &str, name: &str, if_exists: bool, d: Dialect) -> String {
    format!(
        "DROP {kind} {}{}",
        if_exists_sql(if_exists),
        d.quote_ident(name)
    )
}

/// `ALTER TABLE … ADD COLUMN`, with the column's inline constraints.
fn add_column(
    table: &str,
    column: &Column,
    constraints: &[Constraint],
    d: Dialect,
) -> Result<String, RenderError> {
    let mut def = column_def(column, false, d)?;
    for c in constraints {
        def.push(' ');
        def.push_str(&inline_constraint(c, d));
    }
    Ok(format!(
        "ALTER TABLE {} ADD COLUMN {def}",
        d.quote_ident(table)
    ))
}

fn needs_rebuild(op: &Op) -> RenderError {
    RenderError::NeedsRebuild(Box::new(op.clone()))
}

fn if_exists_sql(flag: bool) -> &'static str {
    if flag {
        "IF EXISTS "
    } else {
        ""
    }
}

/// `CREATE TABLE name (…)`, one column or constraint a line. `name` may differ from the
/// table's own (a rebuild creates the new table under a temporary name).
pub fn create_table(
    table: &Table,
    name: &str,
    if_not_exists: bool,
    d: Dialect,
) -> Result<String, RenderError> {
    let inline_pk = inline_key_column(table);
    if d == Dialect::Sqlite {
        sqlite::check_identity(table, inline_pk.as_deref())?;
    }
    let mut lines = Vec::new();
    for c in &table.columns {
        lines.push(column_def(c, inline_pk.as_deref() == Some(&c.name), d)?);
    }
    if let (Some(pk), None) = (&table.primary_key, &inline_pk) {
        lines.push(table_constraint(&Constraint::PrimaryKey(pk.clone()), d));
    }
    for u in &table.uniques {
        lines.push(table_constraint(&Constraint::Unique(u.clone()), d));
    }
    for fk in &table.foreign_keys {
        lines.push(table_constraint(&Constraint::ForeignKey(fk.clone()), d));
    }
    for c in &table.checks {
        lines.push(table_constraint(&Constraint::Check(c.clone()), d));
    }
    Ok(format!(
        "CREATE TABLE {}{} (\n    {}\n)",
        if if_not_exists { "IF NOT EXISTS " } else { "" },
        d.quote_ident(name),
        lines.join(",\n    ")
    ))
}

/// The column that carries the primary key inline: the single column of an unnamed key.
pub fn inline_key_column(table: &Table) -> Option<String> {
    match &table.primary_key {
        Some(PrimaryKey {
            name: None,
            columns,
        }) if columns.len() == 1 => Some(columns[0].clone()),
        _ => None,
    }
}

/// A column definition; `inline_pk` adds `PRIMARY KEY` (and the auto-increment clause).
pub fn column_def(c: &Column, inline_pk: bool, d: Dialect) -> Result<String, RenderError> {
    let mut s = format!("{} ", d.quote_ident(&c.name));
    match (d, c.identity) {
        (Dialect::Sqlite, true) => {
            if !inline_pk {
                return Err(sqlite::identity_error(&c.name));
            }
            s.push_str("INTEGER PRIMARY KEY AUTOINCREMENT");
        }
        (Dialect::Postgresql, true) => {
            s.push_str(&c.ty.sql(d));
            s.push_str(" GENERATED BY DEFAULT AS IDENTITY");
            if inline_pk {
                s.push_str(" PRIMARY KEY");
            }
        }
        (_, false) => {
            s.push_str(&c.ty.sql(d));
            if inline_pk {
                s.push_str(" PRIMARY KEY");
            }
        }
    }
    if !c.nullable && !inline_pk {
        s.push_str(" NOT NULL");
    }
    if let Some(default) = &c.default {
        s.push_str(" DEFAULT ");
        s.push_str(&default_sql(default));
    }
    Ok(s)
}

/// A default as both engines accept it: SQLite wants anything but a literal in parentheses.
pub fn default_sql(expr: &str) -> String {
    let literal = expr.starts_with('\'')
        || expr.starts_with('(')
        || expr.parse::<f64>().is_ok()
        || matches!(
            expr.to_ascii_uppercase().as_str(),
            "NULL" | "TRUE" | "FALSE" | "CURRENT_TIMESTAMP" | "CURRENT_DATE" | "CURRENT_TIME"
        );
    if literal {
        expr.to_string()
    } else {
        format!("({expr})")
    }
}

fn columns_sql(cols: &[String], d: Dialect) -> String {
    cols.iter()
        .map(|c| d.quote_ident(c))
        .collect::<Vec<_>>()
        .join(", ")
}

fn constraint_name(name: &Option<String>, d: Dialect) -> String {
    match name {
        Some(n) => format!("CONSTRAINT {} ", d.quote_ident(n)),
        None => String::new(),
    }
}

fn references(fk: &ForeignKey, d: Dialect) -> String {
    let mut s = format!("REFERENCES {}", d.quote_ident(&fk.ref_table));
    if !fk.ref_columns.is_empty() {
        s.push_str(&format!(" ({})", columns_sql(&fk.ref_columns, d)));
    }
    if fk.on_delete != Action::NoAction {
        s.push_str(&format!(" ON DELETE {}", fk.on_delete.sql()));
    }
    if fk.on_update != Action::NoAction {
        s.push_str(&format!(" ON UPDATE {}", fk.on_update.sql()));
    }
    s
}

/// A constraint as a line of `CREATE TABLE` or the tail of `ADD`.
pub fn table_constraint(c: &Constraint, d: Dialect) -> String {
    match c {
        Constraint::PrimaryKey(pk) => format!(
            "{}PRIMARY KEY ({})",
            constraint_name(&pk.name, d),
            columns_sql(&pk.columns, d)
        ),
        Constraint::Unique(u) => format!(
            "{}UNIQUE ({})",
            constraint_name(&u.name, d),
            columns_sql(&u.columns, d)
        ),
        Constraint::ForeignKey(fk) => format!(
            "{}FOREIGN KEY ({}) {}",
            constraint_name(&fk.name, d),
            columns_sql(&fk.columns, d),
            references(fk, d)
        ),
        Constraint::Check(ch) => format!("{}CHECK ({})", constraint_name(&ch.name, d), ch.expr),
    }
}

/// A constraint written after a column definition (`ADD COLUMN … REFERENCES …`).
fn inline_constraint(c: &Constraint, d: Dialect) -> String {
    match c {
        Constraint::PrimaryKey(pk) => format!("{}PRIMARY KEY", constraint_name(&pk.name, d)),
        Constraint::Unique(u) => format!("{}UNIQUE", constraint_name(&u.name, d)),
        Constraint::ForeignKey(fk) => {
            format!("{}{}", constraint_name(&fk.name, d), references(fk, d))
        }
        Constraint::Check(ch) => format!("{}CHECK ({})", constraint_name(&ch.name, d), ch.expr),
    }
}

/// `CREATE [UNIQUE] INDEX name ON table (…) [WHERE …]`.
pub fn create_index(index: &Index, if_not_exists: bool, d: Dialect) -> String {
    let parts = index
        .columns
        .iter()
        .map(|p| {
            let mut s = if p.is_column {
                d.quote_ident(&p.expr)
            } else {
                p.expr.clone()
            };
            if p.descending {
                s.push_str(" DESC");
            }
            s
        })
        .collect::<Vec<_>>()
        .join(", ");
    let mut s = format!(
        "CREATE {}INDEX {}{} ON {} ({parts})",
        if index.unique { "UNIQUE " } else { "" },
        if if_not_exists { "IF NOT EXISTS " } else { "" },
        d.quote_ident(&index.name),
        d.quote_ident(&index.table),
    );
    if let Some(w) = &index.predicate {
        s.push_str(" WHERE ");
        s.push_str(w);
    }
    s
}
