//! The two sinks a plan runs into: a live database and SQL text.

use std::io::Write;

use crate::db::{Database, DbError};
use crate::schema::{apply_sql, Schema};
use crate::sql::starts_with_ddl;
use crate::Dialect;

/// Why a sink refused a call: the database's error, or the SQL output's.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SinkError {
    /// The database refused a statement or a query.
    #[error(transparent)]
    Db(#[from] DbError),
    /// A transaction could not start.
    #[error("can't begin a transaction: {0}")]
    Begin(#[source] DbError),
    /// A transaction could not commit.
    #[error("can't commit: {0}")]
    Commit(#[source] DbError),
    /// The SQL text could not be written.
    #[error("can't write SQL output: {0}")]
    Write(#[source] std::io::Error),
}

/// Where a plan's statements go.
pub trait Sink {
    /// The dialect statements are written for.
    fn dialect(&self) -> Dialect;
    /// Whether statements run now (online), so that timings mean something.
    fn is_live(&self) -> bool;
    /// A comment naming the step that follows (offline only).
    fn comment(&mut self, text: &str) -> Result<(), SinkError>;
    /// Starts a transaction.
    fn begin(&mut self) -> Result<(), SinkError>;
    /// Commits it.
    fn commit(&mut self) -> Result<(), SinkError>;
    /// Abandons the open transaction, if any (best effort: the caller is already failing).
    fn rollback(&mut self);
    /// Runs (or writes) one statement; online, returns the number of rows it changed.
    fn statement(&mut self, sql: &str) -> Result<Option<u64>, SinkError>;
    /// Runs (or writes) one statement of a migration, whose rows and count are not used.
    fn run(&mut self, sql: &str) -> Result<(), SinkError> {
        self.statement(sql).map(drop)
    }
    /// Online, runs a query and returns its first column; offline, writes nothing and
    /// returns `None`.
    fn query(&mut self, _sql: &str) -> Result<Option<Vec<String>>, SinkError> {
        Ok(None)
    }
    /// The schema as it stands: online, read from the database; offline, the model that the
    /// SQL written so far builds.
    fn schema(&mut self) -> Result<Schema, SinkError>;
}

/// Runs statements against a database.
pub struct OnlineSink<'a> {
    db: &'a mut dyn Database,
}

impl<'a> OnlineSink<'a> {
    pub fn new(db: &'a mut dyn Database) -> Self {
        OnlineSink { db }
    }
}

impl Sink for OnlineSink<'_> {
    fn dialect(&self) -> Dialect {
        self.db.dialect()
    }

    fn is_live(&self) -> bool {
        true
    }

    fn comment(&mut self, _text: &str) -> Result<(), SinkError> {
        Ok(())
    }

    fn begin(&mut self) -> Result<(), SinkError> {
        self.db.begin().map_err(SinkError::Begin)
    }

    fn commit(&mut self) -> Result<(), SinkError> {
        self.db.commit().map_err(SinkError::Commit)
    }

    fn rollback(&mut self) {
        // The original error is what the user needs; a failed rollback adds nothing, and the
        // connection closing discards the transaction anyway.
        let _ = self.db.rollback();
    }

    fn statement(&mut self, sql: &str) -> Result<Option<u64>, SinkError> {
        Ok(Some(self.db.execute(sql)?))
    }

    fn run(&mut self, sql: &str) -> Result<(), SinkError> {
        Ok(self.db.run(sql)?)
    }

    fn query(&mut self, sql: &str) -> Result<Option<Vec<String>>, SinkError> {
        Ok(Some(self.db.query_column(sql)?))
    }

    fn schema(&mut self) -> Result<Schema, SinkError> {
        Ok(self.db.introspect()?)
    }
}

/// Writes statements as SQL text, each followed by `;` and a blank line, as Alembic does.
pub struct OfflineSink<W: Write> {
    out: W,
    dialect: Dialect,
    /// The schema the SQL written so far builds (for SQLite rebuilds), brought up to date
    /// only when it is asked for: most runs never ask, and a long history then costs no
    /// parsing into the model.
    schema: Schema,
    /// The DDL written since `schema` was last brought up to date, in order: one text, each
    /// statement ending where `unapplied_ends` says.
    unapplied: String,
    unapplied_ends: Vec<usize>,
}

impl<W: Write> OfflineSink<W> {
    pub fn new(out: W, dialect: Dialect) -> Self {
        OfflineSink {
            out,
            dialect,
            schema: Schema::default(),
            unapplied: String::new(),
            unapplied_ends: Vec::new(),
        }
    }

    /// Starts from `schema` (the history before the run) instead of an empty database.
    pub fn with_schema(mut self, schema: Schema) -> Self {
        self.schema = schema;
        self.unapplied.clear();
        self.unapplied_ends.clear();
        self
    }

    /// Writes `parts` one after the other.
    fn write(&mut self, parts: &[&str]) -> Result<(), SinkError> {
        parts
            .iter()
            .try_for_each(|part| self.out.write_all(part.as_bytes()))
            .map_err(SinkError::Write)
    }
}

impl<W: Write> Sink for OfflineSink<W> {
    fn dialect(&self) -> Dialect {
        self.dialect
    }

    fn is_live(&self) -> bool {
        false
    }

    fn comment(&mut self, text: &str) -> Result<(), SinkError> {
        self.write(&["-- ", text, "\n\n"])
    }

    fn begin(&mut self) -> Result<(), SinkError> {
        self.write(&["BEGIN;\n\n"])
    }

    fn commit(&mut self) -> Result<(), SinkError> {
        self.write(&["COMMIT;\n\n"])
    }

    fn rollback(&mut self) {}

    fn statement(&mut self, sql: &str) -> Result<Option<u64>, SinkError> {
        self.write(&[sql.trim_end(), ";\n\n"])?;
        if starts_with_ddl(sql) {
            self.unapplied.push_str(sql);
            self.unapplied_ends.push(self.unapplied.len());
        }
        Ok(None)
    }

    fn schema(&mut self) -> Result<Schema, SinkError> {
        let mut start = 0;
        for end in self.unapplied_ends.drain(..) {
            apply_sql(&mut self.schema, &self.unapplied[start..end]);
            start = end;
        }
        self.unapplied.clear();
        Ok(self.schema.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_offline_schema_applies_the_ddl_written_so_far_in_order() {
        let mut out = Vec::new();
        let mut sink = OfflineSink::new(&mut out, Dialect::Sqlite);
        for sql in [
            "CREATE TABLE a (id INTEGER PRIMARY KEY)",
            "INSERT INTO a VALUES (1)",
            "CREATE TABLE b (id INTEGER)",
            "DROP TABLE a",
        ] {
            sink.statement(sql).unwrap();
        }
        let names = |s: &Schema| s.tables.iter().map(|t| t.name.clone()).collect::<Vec<_>>();
        assert_eq!(names(&sink.schema().unwrap()), ["b"]);
        sink.statement("CREATE TABLE c (id INTEGER)  \n").unwrap();
        assert_eq!(names(&sink.schema().unwrap()), ["b", "c"]);
        assert_eq!(names(&sink.schema().unwrap()), ["b", "c"]);
        drop(sink);
        assert!(String::from_utf8(out)
            .unwrap()
            .ends_with("DROP TABLE a;\n\nCREATE TABLE c (id INTEGER);\n\n"));
    }
}
