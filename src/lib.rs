//! LiteKB migrations: Alembic's migration model, rebuilt in Rust, for SQLite and PostgreSQL.
//!
//! # Migrating at start-up
//!
//! A service compiles its history in with [`embed!`], builds a [`Migrator`] from it and
//! brings the database to head before it serves:
//!
//! ```no_run
//! use litekb_migrations::{EmbeddedScripts, Event, Migrator};
//!
//! static MIGRATIONS: EmbeddedScripts = litekb_migrations::embed!("backend/alembic");
//!
//! fn main() -> litekb_migrations::Result<()> {
//!     let migrator = Migrator::new(&MIGRATIONS).on_event(|event| {
//!         if let Event::StepStarted { summary, .. } = event {
//!             eprintln!("migrating: {summary}");
//!         }
//!     });
//!     let url = "sqlite:///./data/litekb.db";
//!     migrator.upgrade(url, "head")?;
//!     // Or on a connection the service already holds:
//!     let mut conn = rusqlite::Connection::open("data/litekb.db").expect("open");
//!     assert!(migrator.pending(&mut conn)?.steps.is_empty());
//!     Ok(())
//! }
//! ```
//!
//! The scripts can also be read at run time: `Migrator::new(ScriptSource::Ini(path))` (an
//! `alembic.ini`) or [`ScriptSource::Directory`]. The nouns a service needs are at the crate
//! root: [`Migrator`] (settings as methods; `upgrade`, `downgrade`, `apply`, `current`,
//! `pending`, `plan`, `sql`, and `verify`, a start-up guard with its [`VerifyError`]), [`ScriptSource`] and [`EmbeddedScripts`] (where the scripts come
//! from), [`DbRef`] (a URL or the caller's `rusqlite::Connection` / `postgres::Client`),
//! [`Plan`] and [`Step`] (what a call runs), [`Event`] (progress), [`Operation`] and
//! [`Error`] (its kinds in [`error`]). The same lock, version table, history table and checksums serve the `alembic`
//! binary. The library reads no environment variable for the URL: the caller passes it. It
//! never prints.
//!
//! # Async services
//!
//! The Migrator is synchronous (no async runtime of its own). A tokio service runs it on the
//! blocking pool before it starts serving:
//!
//! ```ignore
//! let heads = tokio::task::spawn_blocking(move || {
//!     let migrator = Migrator::new(&MIGRATIONS);
//!     migrator.upgrade(&url, "head")?;
//!     migrator.current(&url)
//! })
//! .await??;
//! ```
//!
//! (`examples/tokio_service.rs` is the whole program, run by the tests on both engines.)
//! Called straight from an async task, it still works: PostgreSQL work, whose client blocks on
//! a runtime of its own and would panic on a runtime's worker thread, runs on a thread of its
//! own for each call; only the calling worker waits.
//!
//! # Layers
//!
//! The modules, in layers (each uses only its own layer and those below; the layering test in
//! `layering_tests.rs` holds the list and checks it):
//!
//! ```text
//! migrator, ops,          the Migrator; operations: migrate, verify, compare; the loaded
//!   project, error        project; Error
//! runner                  a revision::Plan walked into a live database or SQL text
//! db, history             SQLite and PostgreSQL; the version and history tables
//! config, script          alembic.ini and URLs; script files
//! dialect, sql, revision, schema, parallel    pure: SQL text, the revision graph, the model
//!   lint                  pure: migrations' statements judged against the model
//! ```
//!
//! `revision` is pure: it knows revisions as values and produces a [`Plan`]. The
//! `runner` walks a plan into a sink, which is either a live database or an SQL writer, so
//! online and offline modes emit the same statements. The library never prints; the `alembic`
//! binary (module `cli`, feature `cli`) renders events and errors.

// Without the `cli` feature the parts only the command line uses (autogenerate, lint, writing
// new revisions, …) are still compiled, but nothing calls them.
#![cfg_attr(not(feature = "cli"), allow(dead_code, unused_imports))]

// The service's API is the re-exports at the end of this file. Every module below is
// private to the crate; the `alembic` binary is the `cli` module (feature `cli`) and
// src/main.rs only calls it. The project's own integration tests, benches and fuzz targets
// reach the few internals they check through `internals`, which is not API.
#[cfg(feature = "cli")]
#[doc(hidden)]
pub mod cli;
pub(crate) mod config;
pub(crate) mod db;
mod dialect;
pub mod error;
pub(crate) mod history;
#[doc(hidden)]
pub mod internals;
pub(crate) mod lint;
mod migrator;
pub(crate) mod ops;
mod parallel;
pub(crate) mod project;
pub(crate) mod python;
pub(crate) mod revision;
pub(crate) mod runner;
pub(crate) mod schema;
pub(crate) mod script;
pub(crate) mod sql;

/// Compiles a migration history into the binary: `embed!("backend/alembic")` (a script
/// directory: its `versions/` folder) or `embed!("backend/alembic.ini")` (the ini's
/// `script_location` and `version_locations`, and its settings), relative to the calling
/// crate's manifest directory. The value is an [`EmbeddedScripts`], usable in a `static`:
///
/// ```no_run
/// use litekb_migrations::{EmbeddedScripts, Migrator};
///
/// static MIGRATIONS: EmbeddedScripts = litekb_migrations::embed!("backend/alembic");
///
/// fn main() -> litekb_migrations::Result<()> {
///     Migrator::new(&MIGRATIONS).upgrade("sqlite:///./data/litekb.db", "head")?;
///     Ok(())
/// }
/// ```
///
/// Every `.sql` and `.py` file the directory loader would read is included, with the same
/// rules and order. Cargo rebuilds the crate when an embedded file changes or is removed;
/// for it to see a file *added* to a version location too, the crate's `build.rs` names the
/// location (stable Rust lets no macro watch a directory):
///
/// ```ignore
/// // build.rs (a build script is its own program; not compiled here)
/// fn main() {
///     println!("cargo:rerun-if-changed=backend/alembic/versions");
/// }
/// ```
#[macro_export]
macro_rules! embed {
    ($path:literal) => {
        $crate::__embed!($crate, $path)
    };
}

#[doc(hidden)]
pub use litekb_migrations_macros::embed as __embed;

#[cfg(test)]
mod layering_tests;

#[cfg(test)]
mod function_length_tests;

pub use dialect::Dialect;
pub use error::{Error, Result};
pub use migrator::{DbRef, Migrator, VerifyError};
pub use ops::{Operation, Verification};
pub use revision::{Direction, Plan, Step, StepKind, VersionOp};
pub use runner::Event;
pub use script::{EmbeddedScripts, ScriptSource};
