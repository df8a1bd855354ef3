//! SQLite engine. (stub: to be implemented)

use std::path::Path;
use std::time::Duration;

use super::{Database, DbError, VersionTable};
use crate::config::DatabaseUrl;
use crate::Dialect;

/// A SQLite connection.
pub struct SqliteDatabase {}

impl SqliteDatabase {
    /// Opens (creating when missing) a database file.
    pub fn open(url: &DatabaseUrl, path: &Path) -> Result<SqliteDatabase, DbError> {
        let _ = (url, path);
        todo!()
    }

    /// Opens an in-memory database.
    pub fn open_memory(url: &DatabaseUrl) -> Result<SqliteDatabase, DbError> {
        let _ = url;
        todo!()
    }
}

impl Database for SqliteDatabase {
    fn dialect(&self) -> Dialect {
        Dialect::Sqlite
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
