//! Autogenerate: `models.sql` compared with the live database, for `revision --autogenerate`
//! and `check`.
//!
//! The database must be at the heads of the history (its version rows are exactly the
//! graph's heads), as in Alembic. Both sides become the portable model — `models.sql` through
//! [`read_models`](crate::schema::read_models) or the `models.py` reader (see [`crate::ops::models_target`]), the database through introspection without the tool's own tables — and
//! [`diff_with`] compares them by Alembic's default rules (server defaults only with
//! `compare_server_default = true` in `[alembic]`). Objects the model can't carry are not compared (see
//! [`crate::schema::diff`]), but `models.sql` may not declare one under the same name: that
//! would compare something the database holds in an engine-specific form.

use std::path::PathBuf;

use crate::db::{read_heads, Database};
use crate::history::HistoryTable;
use crate::ops::models_target::declared_schema;
use crate::project::{absolute, Project};
use crate::python::PythonError;
use crate::schema::render::RenderError;
use crate::schema::{diff_with, Change, Compare, ModelsError, Schema};

/// Why models and database could not be compared.
#[derive(Debug, thiserror::Error)]
pub enum AutogenerateError {
    #[error("Target database is not up to date.")]
    NotUpToDate,
    #[error("can't read {}: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}: {source}", path.display())]
    Models { path: PathBuf, source: ModelsError },
    /// A `models.py` the reader refuses: `path:line: what`.
    #[error("{0}")]
    Python(PythonError),
    #[error("no models to compare with: tried {}", tried.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", "))]
    NoTarget { tried: Vec<PathBuf> },
    #[error(
        "alembic.ini [models.types]: '{name} = {sql}' is not a column type of the portable model"
    )]
    ModelType { name: String, sql: String },
    #[error("{}: {what} exists in the database in an engine-specific form the portable model can't compare; leave it out of models.sql", path.display())]
    OutsideModel { path: PathBuf, what: String },
    #[error("can't render the generated script: {0}")]
    Render(#[from] RenderError),
}

/// What comparing `models.sql` with the database found.
#[derive(Debug)]
pub struct Comparison {
    /// The changes that would bring the database to `models.sql`, in order.
    pub changes: Vec<Change>,
    /// What `models.sql` declares that can't mean the same on both engines, one line a kind
    /// ([`crate::schema::portability`]).
    pub warnings: Vec<String>,
    /// The database's schema the changes start from (what autogenerate's `.py` output
    /// renders as reflected).
    pub live: Schema,
}

/// Compares `models.sql` with the database.
pub fn compare(project: &Project, db: &mut dyn Database) -> crate::Result<Comparison> {
    let rows = read_heads(db, &project.version_table)?;
    project.check_rows(&rows)?;
    if !project.map.is_at_heads(&rows) {
        return Err(AutogenerateError::NotUpToDate.into());
    }
    let path = absolute(&project.config.models_path());
    let dialect = db.dialect();
    let model = declared_schema(&project.config, dialect)?;
    let live = live_schema(project, db)?;
    if let Some(what) = outside_model(&live, &model) {
        return Err(AutogenerateError::OutsideModel { path, what }.into());
    }
    let rules = Compare {
        server_defaults: project.config.compare_server_default()?,
    };
    Ok(Comparison {
        changes: diff_with(&live, &model, dialect, rules),
        warnings: crate::schema::portability::warnings(&model),
        live,
    })
}

/// The database's schema without the version table and the history table beside it.
pub fn live_schema(project: &Project, db: &mut dyn Database) -> crate::Result<Schema> {
    let mut schema = db.introspect()?;
    let history = HistoryTable::beside(&project.version_table);
    let own = [project.version_table.name.as_str(), history.name()];
    schema.tables.retain(|t| !own.contains(&t.name.as_str()));
    schema.other_tables.retain(|t| !own.contains(&t.as_str()));
    Ok(schema)
}

/// The first object `model` declares that `live` holds outside the model.
fn outside_model(live: &Schema, model: &Schema) -> Option<String> {
    for t in &model.tables {
        if live.other_tables.contains(&t.name) {
            return Some(format!("table '{}'", t.name));
        }
        let Some(lt) = live.table(&t.name) else {
            continue;
        };
        if let Some(c) = t
            .columns
            .iter()
            .find(|c| lt.other_columns.contains(&c.name))
        {
            return Some(format!("column '{}.{}'", t.name, c.name));
        }
        if let Some(i) = t
            .indexes
            .iter()
            .find(|i| lt.other_indexes.contains(&i.name))
        {
            return Some(format!("index '{}'", i.name));
        }
    }
    None
}
