//! LiteKB migrations: Alembic's migration model, rebuilt in Rust, for SQLite and PostgreSQL.
//!
//! The modules, in layers (each uses only its own layer and those below; the layering test in
//! `layering_tests.rs` holds the list and checks it):
//!
//! ```text
//! ops, project, error     operations: migrate, verify, compare; the loaded project; Error
//! runner                  a revision::Plan walked into a live database or SQL text
//! db, history             SQLite and PostgreSQL; the version and history tables
//! config, script          alembic.ini and URLs; script files
//! dialect, sql, revision, schema, parallel    pure: SQL text, the revision graph, the model
//! ```
//!
//! `revision` is pure: it knows revisions as values and produces a [`revision::Plan`]. The
//! [`runner`] walks a plan into a sink, which is either a live database or an SQL writer, so
//! online and offline modes emit the same statements. The library never prints; the `alembic`
//! binary (module `cli`, feature `cli`) renders events and errors.

pub mod config;
pub mod db;
pub mod dialect;
pub mod error;
pub mod history;
pub mod ops;
pub mod parallel;
pub mod project;
pub mod python;
pub mod revision;
pub mod runner;
pub mod schema;
pub mod script;
pub mod sql;

#[cfg(test)]
mod layering_tests;

#[cfg(test)]
mod function_length_tests;

pub use dialect::Dialect;
pub use error::{Error, Result};
