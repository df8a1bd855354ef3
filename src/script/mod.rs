//! Revision scripts: the `.sql` file format, reading script directories, and new files.
//!
//! A script is a header of `-- key: value` lines, then `-- +upgrade` / `-- +downgrade`
//! sections (the grammar is in `header.rs`; the README shows a file). This module parses and
//! writes files; it knows nothing of the revision graph beyond producing
//! [`crate::revision::Revision`] values from scripts.

mod checksum;
mod convert;
mod dir;
mod header;
mod hooks;
mod mako;
mod new_id;
mod python;
mod source;
mod template;

pub use checksum::checksum;
pub use convert::{convert_python, Conversion};
pub use dir::{
    check_sourceless, load_scripts, parse_script_bytes, write_new_script, Checksums, Loaded,
};
pub use header::{Script, ScriptOrigin, Section, TransactionMode};
pub use hooks::run_post_write_hook;
pub use mako::{render_mako, PythonBodies, TemplateArgs};
pub use new_id::random_revision_id;
pub use python::parse_python_script;
pub use source::{EmbeddedFile, EmbeddedScripts, ScriptSource};
pub use template::{
    file_name, format_create_date, now_in_timezone, render_script, slugify, NewScript,
    DEFAULT_TEMPLATE,
};

use std::path::PathBuf;

/// A script that cannot be read or parsed; every variant names the file.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ScriptError {
    #[error("could not read {path}: {source}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("could not write {path}: {source}")]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path} is not valid UTF-8")]
    NotUtf8 { path: PathBuf },
    /// A `.sql` file with no header at all: not a revision. Loading a version location skips
    /// such a file (with a warning); reading it as a revision is this error.
    #[error("{}:1: no '-- revision: <id>' header; this file is not a revision script", .path.display())]
    NotARevision { path: PathBuf },
    /// A malformed header or section marker.
    #[error("{}:{line}: {message}", .path.display())]
    Syntax {
        path: PathBuf,
        line: usize,
        message: String,
    },
    /// A `.py` revision that can't be read statically: `path:line: message`.
    #[error("{0}")]
    Python(crate::python::PythonError),
    #[error("Path doesn't exist: {path}.  Please use the 'init' command to create a new scripts folder.")]
    MissingDir { path: PathBuf },
    /// A script location that exists but is a file.
    #[error("Path {path} is not a directory; script_location and version_locations must name directories")]
    NotADirectory { path: PathBuf },
    #[error("template error: {0}")]
    Template(String),
    /// A post write hook that could not run or failed.
    #[error("post write hook '{name}' failed: {message}")]
    Hook { name: String, message: String },
    /// A `script.py.mako` that can't be rendered: the template's path and line.
    #[error("{}:{line}: {message}", .path.display())]
    Mako {
        path: PathBuf,
        line: usize,
        message: String,
    },
    /// A `timezone` setting that names no known time zone (Alembic's wording).
    #[error("Can't locate timezone: {0}")]
    Timezone(String),
}
