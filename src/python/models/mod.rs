//! The static reader of SQLAlchemy declarative models: the texts of a `models.py` (or of a
//! package's modules) in, the portable [`Schema`] that `Base.metadata.create_all()` would
//! build out, never run. Pure: the caller reads the files and hands over their texts.
//!
//! Read: 2.0 style (`class Base(DeclarativeBase)`, `Mapped[...]` annotations, with or without
//! `mapped_column(...)`, nullability from `Optional[...]` / `X | None`, the Python-type map and
//! a literal `type_annotation_map` on the base), 1.x style (`Base = declarative_base()`,
//! `Column(...)`), Flask-SQLAlchemy (`db = SQLAlchemy(...)`, `db.Model`, `db.Column`,
//! `db.Table`, its automatic table names), `Table("name", metadata, ...)`, abstract bases and
//! mixins of the same files, `__tablename__`, `__table_args__` (a tuple of
//! `UniqueConstraint`, `Index`, `CheckConstraint`, `ForeignKeyConstraint`, optionally ending
//! with a dict), `ForeignKey` by string or by attribute of a class or table of the files,
//! with `ondelete`/`onupdate`, `primary_key`, `unique`, `index`, `nullable`,
//! `server_default` (`text(...)`, `func.now()`, literals), `Identity()`, and the metadata's
//! `naming_convention`. `default=`, `onupdate=`, `comment=`, `doc=`, relationships and methods are
//! ignored (they are not DDL), and so are `if TYPE_CHECKING:` blocks. Anything else is
//! refused at its line, never guessed.
//!
//! - [`scan`] sorts a module's statements into bases, classes and tables;
//! - [`classes`] turns each mapped class into a table, its mixins' columns included;
//! - [`columns`] reads one `mapped_column(...)` / `Column(...)`;
//! - [`enums`] reads `Enum(...)` columns;
//! - [`naming`] names constraints and indexes by the metadata's naming convention;
//! - [`sqlmodel`] reads SQLModel's `table=True` classes;
//! - [`types`] maps SQLAlchemy and Python types to [`ColumnType`].

mod classes;
mod columns;
mod declared;
mod enums;
mod naming;
mod scan;
mod sqlmodel;
mod types;

#[cfg(test)]
mod tests;

use crate::python::{parse_module, PythonError};
use crate::schema::{ColumnType, Schema};
use crate::Dialect;

/// One file of the models: the path label used in messages, and its text.
pub struct SourceFile<'a> {
    pub path: &'a str,
    pub text: &'a str,
}

/// What the reader is told besides the files.
#[derive(Clone, Debug, Default)]
pub struct ReadOptions {
    /// Column types the reader does not know, by the name the model spells them with (the
    /// last segment of a dotted name: `MyType` for `mytypes.MyType`).
    pub types: Vec<(String, ColumnType)>,
}

/// A refusal before the path is known: the line and what is wrong.
pub(crate) type Refusal = (usize, String);

/// The schema `files` declare, as `dialect` holds it.
pub fn read_models_py(
    files: &[SourceFile<'_>],
    options: &ReadOptions,
    dialect: Dialect,
) -> Result<Schema, PythonError> {
    let mut found = scan::Found::default();
    for file in files {
        let module = parse_module(file.path, file.text)?;
        scan::scan(&module, file.path, &mut found).map_err(|(line, message)| PythonError {
            path: file.path.to_string(),
            line,
            message,
        })?;
    }
    let schema = classes::build(&found, options, dialect)?;
    Ok(schema.on(dialect))
}
