//! PostgreSQL engine. (stub: to be implemented)

use std::time::Duration;

use super::{Database, DbError, VersionTable};
use crate::config::{DatabaseUrl, PgParams};
use crate::Dialect;

/// A PostgreSQL connection.
pub struct PgDatabase {}

impl PgDatabase {
    /// Connects with the URL's parameters.
    pub fn connect(url: &DatabaseUrl, params: &PgParams) -> Result<PgDatabase, DbError> {
        let _ = params;
        Err(DbError::Connect {
            url: url.to_string(),
            message: "PostgreSQL is not supported yet".into(),
        })
    }
}

impl Database for PgDatabase {
    fn dialect(&self) -> Dialect {
        Dialect::Postgresql
    }
    fn execute(&mut self, _sql: &str) -> Result<u64, DbError> {
        unimplemented!()
    }
    fn query_column(&mut self, _sql: &str) -> Result<Vec<String>, DbError> {
        unimplemented!()
    }
    fn begin(&mut self) -> Result<(), DbError> {
        unimplemented!()
    }
    fn commit(&mut self) -> Result<(), DbError> {
        unimplemented!()
    }
    fn rollback(&mut self) -> Result<(), DbError> {
        unimplemented!()
    }
    fn table_exists(&mut self, _table: &VersionTable) -> Result<bool, DbError> {
        unimplemented!()
    }
    fn lock(&mut self, _timeout: Duration, _on_wait: &mut dyn FnMut()) -> Result<(), DbError> {
        unimplemented!()
    }
    fn unlock(&mut self) -> Result<(), DbError> {
        unimplemented!()
    }
}
