//! Operations: the library's user-level jobs, each taking a loaded [`Project`] and a
//! database (or a dialect and a writer, offline).
//!
//! - [`migrate`]: upgrade, downgrade and stamp, online or as SQL text;
//! - [`verify`]: which applied scripts changed on disk since they ran;
//! - [`autogenerate`]: `models.sql` compared with the live database.
//!
//! This is the top layer of the library: it may use every other module, and nothing in the
//! library uses it (the `alembic` binary's commands do). The runner below it knows plans and
//! sinks, not projects.
//!
//! [`Project`]: crate::project::Project

pub mod autogenerate;
pub mod migrate;
pub mod models_target;
pub mod verify;

pub use autogenerate::{compare, AutogenerateError};
pub use migrate::{apply_offline, apply_online, ensure_version_table, Operation};
pub use verify::{verify, Verification};
