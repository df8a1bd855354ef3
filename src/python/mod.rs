//! The static reader of Alembic's Python revision files: Python source in, a typed model
//! out, never run. Pure: no I/O; the caller hands over the text and a path label for
//! messages.
//!
//! - [`parse_module`] turns source text into a [`Module`] of [`Stmt`]s and [`Expr`]s. The
//!   model has variants for what revisions are made of (assignments, imports, `def`, `with`,
//!   `for`, `if`, calls with positional and keyword arguments, literals, names and
//!   attributes, tuples, lists, dicts, subscripts, operators, comparisons); every other
//!   construct is kept as an `Unsupported` node with a description and its line, so that a
//!   body's interpreter can refuse it precisely while the header stays readable. A file that
//!   is not valid Python is an error at the line of the first fault.
//! - [`RevisionHeader::read`] takes the revision's identity from a module: literal
//!   module-level `revision` / `down_revision` / `branch_labels` / `depends_on` and the
//!   docstring.
//! - [`render_python_ops`] goes the other way for autogenerate: a diff's changes as the
//!   `op.*` calls of a new revision's bodies.
//!
//! Parsing is done by tree-sitter with the `tree-sitter-python` grammar. Of the candidates,
//! it is the maintained one that fits: the tree-sitter project keeps the grammar current with
//! Python 3.12 syntax and publishes it on crates.io; rustpython-parser has had no release
//! since its project moved to ruff's parser; ruff's parser is published only as an
//! unofficial fork whose minimum Rust is newer than this crate's and whose API follows ruff's
//! internals; a hand-written parser would have to skip every construct a body may hold to
//! read the header reliably. tree-sitter's concrete tree is untyped (node kinds are strings),
//! so [`parse`] walks it once into the typed model and nothing else sees it.

mod ast;
mod header;
mod header_lexer;
mod lower;
pub mod models;
mod parse;
pub mod render;
mod strings;

pub use ast::{Expr, ExprKind, Keyword, Module, Stmt, StmtKind};
pub use header::RevisionHeader;
pub use header_lexer::quick_header;
pub use lower::{lower_bodies, lower_each, BodyResult, LoweredStatement, Refusal};
pub use parse::{parse_module, parse_module_header};
pub use render::render_python_ops;

/// A file the reader refuses: `path:line: message`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{path}:{line}: {message}")]
pub struct PythonError {
    /// The path label the caller gave.
    pub path: String,
    /// 1-based.
    pub line: usize,
    pub message: String,
}

#[cfg(test)]
mod tests;
