//! What PostgreSQL needs besides the shared rendering: `ALTER COLUMN`.

use crate::schema::model::ColumnChange;
use crate::Dialect;

/// `ALTER TABLE t ALTER COLUMN c …`.
pub fn alter_column(table: &str, column: &str, change: &ColumnChange) -> String {
    let d = Dialect::Postgresql;
    let what = match change {
        ColumnChange::SetType(ty) => format!("TYPE {}", ty.sql(d)),
        ColumnChange::SetNotNull => "SET NOT NULL".to_string(),
        ColumnChange::DropNotNull => "DROP NOT NULL".to_string(),
        ColumnChange::SetDefault(e) => format!("SET DEFAULT {e}"),
        ColumnChange::DropDefault => "DROP DEFAULT".to_string(),
    };
    format!(
        "ALTER TABLE {} ALTER COLUMN {} {what}",
        d.quote_ident(table),
        d.quote_ident(column)
    )
}
