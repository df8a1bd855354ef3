//! SQLite's table rebuild: the documented procedure for the `ALTER TABLE` changes SQLite can't
//! make in place (<https://www.sqlite.org/lang_altertable.html#otheralter>).
//!
//! Inside the migration's transaction: create the new table under a temporary name, copy the
//! rows of the columns both shapes share, drop the old table, rename the new one, recreate
//! the indexes and triggers (dropped with the old table), then check the foreign keys of the
//! table and of the tables that reference it. Views are left alone: the rename runs with
//! `PRAGMA legacy_alter_table = ON`, so SQLite neither rewrites nor re-checks them, and they
//! resolve to the new table by name. Rows are copied as they are: column affinity converts
//! values as an `INSERT` would, and a value that can't satisfy the new shape (a NULL in a
//! column that became `NOT NULL`) fails the copy, which fails the migration.
//!
//! The caller switches `PRAGMA foreign_keys` off *before* the transaction (inside one it is a
//! no-op), or dropping the old table would cascade deletes into the tables that reference it.

use crate::schema::model::{Op, Schema};
use crate::schema::render::{create_index, create_table, RenderError};
use crate::schema::state::apply_to_table;
use crate::schema::translate::Emit;
use crate::Dialect;

/// The prefix of the temporary name a table is rebuilt under.
pub const TEMP_PREFIX: &str = "_alembic_tmp_";

/// The statements that rebuild `table` of `schema` with `ops` applied to it.
pub fn rebuild(schema: &Schema, table: &str, ops: &[Op]) -> Result<Vec<Emit>, RenderError> {
    let d = Dialect::Sqlite;
    let q = |s: &str| d.quote_ident(s);
    let old = schema
        .table(table)
        .filter(|t| t.other_columns.is_empty() && t.other_indexes.is_empty());
    let Some(old) = old else {
        let outside = schema.table(table).is_some();
        let why = if outside || schema.other_tables.iter().any(|t| t == table) {
            "its definition is outside the schema model"
        } else {
            "the schema has no such table"
        };
        return Err(RenderError::CantRebuild {
            table: table.to_string(),
            why,
        });
    };
    let mut new = old.clone();
    for op in ops {
        apply_to_table(&mut new, op)?;
    }
    let temp = format!("{TEMP_PREFIX}{table}");
    let shared: Vec<String> = new
        .columns
        .iter()
        .filter(|c| old.column(&c.name).is_some())
        .map(|c| q(&c.name))
        .collect();
    let shared = shared.join(", ");
    let mut out = vec![
        Emit::Sql(create_table(&new, &temp, false, d)?),
        Emit::Sql(format!(
            "INSERT INTO {} ({shared}) SELECT {shared} FROM {}",
            q(&temp),
            q(table)
        )),
        Emit::Sql(format!("DROP TABLE {}", q(table))),
        Emit::Sql("PRAGMA legacy_alter_table = ON".into()),
        Emit::Sql(format!("ALTER TABLE {} RENAME TO {}", q(&temp), q(table))),
        Emit::Sql("PRAGMA legacy_alter_table = OFF".into()),
    ];
    for index in &new.indexes {
        out.push(Emit::Sql(create_index(index, false, d)));
    }
    for trigger in &new.triggers {
        out.push(Emit::Sql(trigger.sql.clone()));
    }
    let mut checked = vec![table.to_string()];
    checked.extend(schema.children_of(table).into_iter().map(str::to_string));
    out.push(Emit::ForeignKeyCheck {
        rebuilt: table.to_string(),
        tables: checked,
    });
    Ok(out)
}
