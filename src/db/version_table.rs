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
        let mut out = String::new();
        self.push_qualified(&mut out, dialect);
        out
    }

    /// Appends [`VersionTable::qualified`] to `out`.
    fn push_qualified(&self, out: &mut String, dialect: Dialect) {
        if let Some(schema) = &self.schema {
            dialect.push_ident(out, schema);
            out.push('.');
        }
        dialect.push_ident(out, &self.name);
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

    /// The statement for one version-table change, made in one buffer.
    pub fn op_sql(&self, op: &VersionOp, dialect: Dialect) -> String {
        let mut sql = String::with_capacity(64 + 2 * self.name.len());
        let table = |sql: &mut String| self.push_qualified(sql, dialect);
        match op {
            VersionOp::Insert(rev) => {
                sql.push_str("INSERT INTO ");
                table(&mut sql);
                sql.push_str(" (version_num) VALUES (");
                dialect.push_literal(&mut sql, rev);
                sql.push(')');
            }
            VersionOp::Update { from, to } => {
                sql.push_str("UPDATE ");
                table(&mut sql);
                sql.push_str(" SET version_num=");
                dialect.push_literal(&mut sql, to);
                sql.push_str(" WHERE ");
                table(&mut sql);
                sql.push_str(".version_num = ");
                dialect.push_literal(&mut sql, from);
            }
            VersionOp::Delete(rev) => {
                sql.push_str("DELETE FROM ");
                table(&mut sql);
                sql.push_str(" WHERE ");
                table(&mut sql);
                sql.push_str(".version_num = ");
                dialect.push_literal(&mut sql, rev);
            }
            VersionOp::DeleteAll => {
                sql.push_str("DELETE FROM ");
                table(&mut sql);
            }
        }
        sql
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
            vt.op_sql(&VersionOp::Insert("c3".into()), d),
            "INSERT INTO alembic_version (version_num) VALUES ('c3')"
        );
        assert_eq!(
            vt.op_sql(&VersionOp::DeleteAll, d),
            "DELETE FROM alembic_version"
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
        assert_eq!(
            vt.op_sql(
                &VersionOp::Update {
                    from: "a1".into(),
                    to: "b2".into()
                },
                Dialect::Postgresql
            ),
            "UPDATE \"App\".alembic_version SET version_num='b2' WHERE \"App\".alembic_version.version_num = 'a1'"
        );
        assert_eq!(
            vt.op_sql(&VersionOp::Delete("a1".into()), Dialect::Postgresql),
            "DELETE FROM \"App\".alembic_version WHERE \"App\".alembic_version.version_num = 'a1'"
        );
    }
}
