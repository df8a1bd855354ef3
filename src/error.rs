//! The crate's error: one variant per module, messages worded for the user. The kinds
//! each variant carries are re-exported here, so a caller can match on them.

pub use crate::config::ConfigError;
pub use crate::db::DbError;
pub use crate::ops::AutogenerateError;
pub use crate::revision::RevisionError;
pub use crate::runner::RunError;
pub use crate::script::ScriptError;

/// Any failure of the engine.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Script(#[from] ScriptError),
    #[error(transparent)]
    Revision(#[from] RevisionError),
    #[error(transparent)]
    Db(#[from] DbError),
    #[error(transparent)]
    Run(#[from] RunError),
    #[error(transparent)]
    Autogenerate(#[from] AutogenerateError),
    /// The version table names a revision that no script defines.
    #[error("Can't locate revision identified by '{id}': the version table '{table}' names it, but no script in {locations} has that id (deleted, renamed, or from another branch?); `alembic stamp --purge <revision>` resets the table")]
    UnknownVersionRow {
        id: String,
        table: String,
        locations: String,
    },
    /// A usage problem found by a command (wrong combination of options, and so on).
    #[error("{0}")]
    Usage(String),
    /// A file or program the command needed failed; `message` says which and why.
    #[error("{message}")]
    Io {
        message: String,
        #[source]
        source: std::io::Error,
    },
}

/// The crate's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
