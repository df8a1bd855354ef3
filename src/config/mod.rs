//! Configuration: `alembic.ini` (Python configparser syntax) and database URLs.
//!
//! Owns reading the ini file (and `[tool.alembic]` of a `pyproject.toml`), `%(here)s` interpolation and `%%` escapes, the typed accessors
//! for `[alembic]` keys, and the URL precedence `-x url=` > `$DATABASE_URL` > `sqlalchemy.url`.
//! It does not open databases or read scripts.

mod hooks;
mod ini;
mod logging;
mod pyproject;
mod url;

pub use hooks::PostWriteHook;
pub use ini::Config;
pub use url::{passwords_in, resolve_url, DatabaseUrl, PgParams, SslMode, UrlKind};

/// How a run groups its migrations into transactions: the `transaction_per_migration` setting.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TransactionScope {
    /// One transaction per migration (the default).
    PerMigration,
    /// One transaction around the whole plan (`transaction_per_migration = false`).
    Whole,
}

/// What `upgrade` does with the linter's findings on the revisions it would run: the `lint`
/// setting.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LintGate {
    /// Nothing is linted (the default).
    Off,
    /// The findings are printed and the upgrade goes on (`lint = warn`).
    Warn,
    /// The findings are printed, and an error-level one stops the upgrade before anything
    /// runs (`lint = error`).
    Error,
}

/// A configuration or URL problem, worded for the user.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The ini file exists but could not be read.
    #[error("could not read {path}: {source}")]
    Read {
        path: std::path::PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A syntax error in the ini file.
    #[error("{}:{line}: {message}", .path.display())]
    Syntax {
        path: std::path::PathBuf,
        line: usize,
        message: String,
    },
    /// A `%(name)s` reference to a key that does not exist, or a lone `%`.
    #[error("{path}: bad interpolation in '{key}': {message}")]
    Interpolation {
        path: std::path::PathBuf,
        key: String,
        message: String,
    },
    /// `script_location` is absent from the section.
    #[error("No 'script_location' key found in configuration.")]
    NoScriptLocation,
    /// The configuration file does not exist (Alembic says only that `script_location` is
    /// missing; naming the file and where it was looked for is more use).
    #[error(
        "No config file '{}' found in {}; create one with 'alembic init DIRECTORY' or name it with -c",
        .path.display(), .directory.display()
    )]
    NoConfigFile {
        path: std::path::PathBuf,
        directory: std::path::PathBuf,
    },
    /// The file has no section of the requested name (`-n`).
    #[error("{}: no [{section}] section (it has: {present})", .path.display())]
    NoSection {
        path: std::path::PathBuf,
        section: String,
        present: String,
    },
    /// A key with a value that cannot be used.
    #[error("bad value for '{key}' in configuration: {message}")]
    BadValue { key: String, message: String },
    /// A `[post_write_hooks]` definition that can't be run (Alembic's words where it has
    /// them).
    #[error("{0}")]
    Hook(String),
    /// No URL from any source.
    #[error(
        "no database URL: set sqlalchemy.url in the configuration, $DATABASE_URL, or -x url=..."
    )]
    NoUrl,
    /// `-x url=` with nothing after the `=`: a mistake (an unset shell variable), not a wish
    /// for the configured URL.
    #[error("-x url= is empty; give a database URL, or leave -x url out to use $DATABASE_URL or sqlalchemy.url")]
    EmptyXUrl,
    /// A URL that cannot be parsed; the password is already masked in `url`.
    #[error("can't parse database URL '{url}': {message}")]
    BadUrl { url: String, message: String },
}
