//! Alembic's version table: its DDL and the statements that move it.
//!
//! The table is Alembic's byte for byte (`version_num VARCHAR(32) NOT NULL` with primary key
//! `<table>_pkc`), so a database can move between Python Alembic and this tool. Values are
//! revision ids, which are checked against `[0-9a-zA-Z_]{1,32}` when scripts load; they are
//! still written through [`Dialect::quote_literal`] so that offline SQL and online SQL are the
//! same text.

use crate::revision::VersionOp;
use crate::Dialect;

/// The version table's name and optional schema.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VersionTable {
    pub name: String,
    pub schema: Option<String>,
}

impl Default for VersionTable {
    fn default() -> Self {
        VersionTable {
            name: "alembic_version".to_string(),
            schema: None,
        }
    }
}

impl VersionTable {
    /// The table name as written in SQL, schema-qualified when a schema is set.
    pub fn qualified(&self, dialect: Dialect) -> String {
        match &self.schema {
            Some(schema) => format!(
                "{}.{}",
                dialect.quote_ident(schema),
                dialect.quote_ident(&self.name)
            ),
            None => dialect.quote_ident(&self.name),
        }
    }

    /// `CREATE TABLE` for the version table, as Alembic writes it.
    pub fn create_sql(&self, dialect: Dialect) -> String {
        format!(
            "CREATE TABLE {} (\n    version_num VARCHAR(32) NOT NULL, \n    CONSTRAINT {} PRIMARY KEY (version_num)\n)",
            self.qualified(dialect),
            dialect.quote_ident(&format!("{}_pkc", self.name))
        )
    }

    /// The query that reads the current heads.
    pub fn select_sql(&self, dialect: Dialect) -> String {
        format!("SELECT version_num FROM {}", self.qualified(dialect))
    }

    /// The statement for one version-table change.
    pub fn op_sql(&self, op: &VersionOp, dialect: Dialect) -> String {
        let table = self.qualified(dialect);
        let lit = |v: &str| dialect.quote_literal(v);
        match op {
            VersionOp::Insert(rev) => {
                format!("INSERT INTO {table} (version_num) VALUES ({})", lit(rev))
            }
            VersionOp::Update { from, to } => format!(
                "UPDATE {table} SET version_num={} WHERE {table}.version_num = {}",
                lit(to),
                lit(from)
            ),
            VersionOp::Delete(rev) => {
                format!(
                    "DELETE FROM {table} WHERE {table}.version_num = {}",
                    lit(rev)
                )
            }
            VersionOp::DeleteAll => format!("DELETE FROM {table}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statements_match_alembic_text() {
        let vt = VersionTable::default();
        let d = Dialect::Sqlite;
        assert_eq!(
            vt.op_sql(
                &VersionOp::Update {
                    from: "a1".into(),
                    to: "b2".into()
                },
                d
            ),
            "UPDATE alembic_version SET version_num='b2' WHERE alembic_version.version_num = 'a1'"
        );
        assert_eq!(
            vt.op_sql(&VersionOp::Delete("a1".into()), d),
            "DELETE FROM alembic_version WHERE alembic_version.version_num = 'a1'"
        );
        assert_eq!(
            vt.create_sql(d),
            "CREATE TABLE alembic_version (\n    version_num VARCHAR(32) NOT NULL, \n    CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)\n)"
        );
    }

    #[test]
    fn schema_is_qualified() {
        let vt = VersionTable {
            name: "alembic_version".into(),
            schema: Some("App".into()),
        };
        assert_eq!(vt.qualified(Dialect::Postgresql), "\"App\".alembic_version");
    }
}
