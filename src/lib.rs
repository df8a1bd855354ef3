//! LiteKB migrations: Alembic's migration model, rebuilt in Rust, for SQLite and PostgreSQL.
//!
//! The pipeline, each stage its own module:
//!
//! ```text
//! config (alembic.ini, URL) ──┐
//! script (files on disk) ──> revision (graph, targets, Plan) ──> runner ──> db (SQLite | PostgreSQL)
//!                                                                      └──> SQL text (--sql)
//! ```
//!
//! `revision` is pure: it knows revisions as values and produces a [`revision::Plan`]. The
//! [`runner`] walks a plan into a sink, which is either a live database or an SQL writer, so
//! online and offline modes emit the same statements. The library never prints; the `alembic`
//! binary (module `cli`, feature `cli`) renders events and errors.

pub mod autogenerate;
pub mod config;
pub mod db;
pub mod dialect;
pub mod error;
pub mod history;
pub mod migrate;
pub mod parallel;
pub mod project;
pub mod revision;
pub mod runner;
pub mod schema;
pub mod script;

pub use dialect::Dialect;
pub use error::{Error, Result};
