//! The portable schema layer: one migration history for SQLite and PostgreSQL.
//!
//! - [`model`]: the dialect-neutral schema (tables, columns, keys, constraints, indexes;
//!   triggers and views as text) and the operations ([`Op`]) that change it.
//! - [`types`]: the type map, the one place where the engines' type names meet.
//! - [`parse`]: DDL text → operations, through sqlparser; anything outside the model stays
//!   verbatim.
//! - [`render`]: operations → SQL for a dialect; [`rebuild`]: SQLite's table rebuild.
//! - [`state`]: operations applied to a schema (pure).
//! - [`translate`]: one script statement → what to run on the connected engine.
//!
//! Everything here is pure: no connection, file or writer appears in a signature. Reading a
//! live database into the model is `db::introspect`.

pub mod model;
pub mod parse;
pub mod rebuild;
pub mod render;
pub mod state;
pub mod translate;
pub mod types;

pub use model::{
    Action, Check, Column, ColumnChange, Constraint, ForeignKey, Index, IndexPart, Op, PrimaryKey,
    Schema, Table, Trigger, Unique, View,
};
pub use parse::{parse_statement, Parsed};
pub use translate::{apply_sql, may_rebuild, translate, Emit};
pub use types::ColumnType;

#[cfg(test)]
mod tests;
