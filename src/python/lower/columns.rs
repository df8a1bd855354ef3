//! The column and index calls that `op` and `batch_op` share: `add_column`, `drop_column`,
//! `create_index`, `drop_index`.
//!
//! Each is the statement Alembic emits on each engine. In batch mode on SQLite, Alembic runs
//! an `add_column` and the index calls in place, and a `drop_column` as part of the table's
//! move-and-copy; here the drop is a portable `ALTER TABLE … DROP COLUMN`, which the schema
//! layer's translator does in place or by a rebuild, as the column's keys require.

use super::alter::Target;
use super::table::{create_index_sql, quote};
use super::values::{boolean, column, string, strings};
use super::{both, LoweredStatement, Names, Refusal};

/// `add_column(table, sa.Column(...))`.
pub fn add_column(t: &Target<'_, '_>, names: &Names) -> Result<Vec<LoweredStatement>, Refusal> {
    let t = t.table_at(0);
    t.check(2, &["table_name", "column", "schema"])?;
    let table = t.table(names, "table_name")?;
    let col = column(t.required(1, "column")?, names)?;
    if col.primary_key || col.unique || col.index || !col.foreign_keys.is_empty() {
        return Err(Refusal::new(
            t.call.line,
            format!(
                "{} of a key, unique, indexed or foreign-key column",
                t.call.short()
            ),
        ));
    }
    Ok(vec![both(t.call.line, |d| {
        format!(
            "ALTER TABLE {} ADD COLUMN {}",
            quote(&table, d),
            col.sql(d, false, false)
        )
    })])
}

/// `drop_column(table, name)`.
pub fn drop_column(t: &Target<'_, '_>, names: &Names) -> Result<Vec<LoweredStatement>, Refusal> {
    let t = t.table_at(0);
    t.check(2, &["table_name", "column_name", "schema"])?;
    let table = t.table(names, "table_name")?;
    let col = string(t.required(1, "column_name")?, names, "a column name")?;
    let statement = both(t.call.line, |d| {
        format!(
            "ALTER TABLE {} DROP COLUMN {}",
            quote(&table, d),
            quote(&col, d)
        )
    });
    Ok(vec![LoweredStatement {
        sqlite_portable: t.batch.is_some(),
        verbatim: false,
        ..statement
    }])
}

/// `create_index(name, table, columns, unique=)`.
pub fn create_index(t: &Target<'_, '_>, names: &Names) -> Result<Vec<LoweredStatement>, Refusal> {
    let t = t.table_at(1);
    t.check(
        3,
        &["index_name", "table_name", "columns", "unique", "schema"],
    )?;
    let name = string(t.required(0, "index_name")?, names, "an index name")?;
    let table = t.table(names, "table_name")?;
    let columns = strings(t.required(2, "columns")?, names, "an index column")?;
    let unique = boolean(t.call.keyword("unique"), false, "unique")?;
    Ok(vec![both(t.call.line, |d| {
        create_index_sql(&name, &table, &columns, unique, d)
    })])
}

/// `drop_index(name, table_name=)`.
pub fn drop_index(t: &Target<'_, '_>, names: &Names) -> Result<Vec<LoweredStatement>, Refusal> {
    let t = t.table_at(1);
    t.check(2, &["index_name", "table_name", "schema"])?;
    let name = string(t.required(0, "index_name")?, names, "an index name")?;
    Ok(vec![both(t.call.line, |d| {
        format!("DROP INDEX {}", quote(&name, d))
    })])
}
