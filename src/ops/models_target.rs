//! The autogenerate target: which file or package the `models` key names (or, when it is
//! not set, `models.py` beside `alembic.ini` if it exists, else `models.sql`), its files
//! read, and the declared schema built from them.
//!
//! A `.py` file is read with the modules its relative imports name (`from .base import
//! Base`, `from . import mixins`), followed from file to file; nothing else is imported. A
//! directory is a package: every `.py` file under it is read, in path order.

use std::path::{Path, PathBuf};

use crate::config::Config;
use crate::ops::AutogenerateError;
use crate::python::models::{read_models_py, ReadOptions, SourceFile};
use crate::python::StmtKind;
use crate::schema::{parse_statement, read_models, Op, Parsed, Schema};
use crate::Dialect;

/// The declared schema of the project's target, for `dialect`.
pub fn declared_schema(config: &Config, dialect: Dialect) -> Result<Schema, AutogenerateError> {
    let path = target(config)?;
    if path.is_dir() || path.extension().is_some_and(|e| e == "py") {
        return read_python(&path, config, dialect);
    }
    let text = read(&path)?;
    read_models(&text, dialect).map_err(|source| AutogenerateError::Models { path, source })
}

/// The target path, which exists.
pub fn target(config: &Config) -> Result<PathBuf, AutogenerateError> {
    let tried = match config.models_key() {
        Some(path) => vec![path],
        None => vec![config.models_py_default(), config.models_path()],
    };
    let tried: Vec<PathBuf> = tried
        .into_iter()
        .map(|p| crate::project::absolute(&p))
        .collect();
    match tried.iter().find(|p| p.exists()) {
        Some(p) => Ok(p.clone()),
        None => Err(AutogenerateError::NoTarget { tried }),
    }
}

fn read(path: &Path) -> Result<String, AutogenerateError> {
    std::fs::read_to_string(path).map_err(|source| AutogenerateError::Read {
        path: path.to_path_buf(),
        source,
    })
}

fn read_python(
    path: &Path,
    config: &Config,
    dialect: Dialect,
) -> Result<Schema, AutogenerateError> {
    let files = if path.is_dir() {
        package_files(path)?
    } else {
        with_relative_imports(path)?
    };
    let options = read_options(config)?;
    let labels: Vec<String> = files.iter().map(|(p, _)| p.display().to_string()).collect();
    let sources: Vec<SourceFile<'_>> = files
        .iter()
        .zip(&labels)
        .map(|((_, text), label)| SourceFile { path: label, text })
        .collect();
    read_models_py(&sources, &options, dialect).map_err(AutogenerateError::Python)
}

/// Every `.py` file under `dir`, in path order.
fn package_files(dir: &Path) -> Result<Vec<(PathBuf, String)>, AutogenerateError> {
    let mut paths = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(d) = pending.pop() {
        let entries = std::fs::read_dir(&d).map_err(|source| AutogenerateError::Read {
            path: d.clone(),
            source,
        })?;
        for entry in entries.flatten() {
            let p = entry.path();
            if p.is_dir() {
                pending.push(p);
            } else if p.extension().is_some_and(|e| e == "py") {
                paths.push(p);
            }
        }
    }
    paths.sort();
    paths
        .into_iter()
        .map(|p| Ok((p.clone(), read(&p)?)))
        .collect()
}

/// `file` and the files its relative imports name, transitively, each once.
fn with_relative_imports(file: &Path) -> Result<Vec<(PathBuf, String)>, AutogenerateError> {
    let mut out: Vec<(PathBuf, String)> = Vec::new();
    let mut pending = vec![file.to_path_buf()];
    while let Some(p) = pending.pop() {
        if out.iter().any(|(q, _)| *q == p) {
            continue;
        }
        let text = read(&p)?;
        if !may_import_relatively(&text) {
            out.push((p, text));
            continue;
        }
        if let Ok(module) = crate::python::parse_module(&p.display().to_string(), &text) {
            for stmt in &module.body {
                if let StmtKind::ImportFrom { module, names, .. } = &stmt.kind {
                    pending.extend(relative(&p, module, names.iter().map(|n| n.name.as_str())));
                }
            }
        }
        out.push((p, text));
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(out)
}

/// Whether `text` may hold a relative import: `from`, blanks or line continuations, then a
/// dot. Most model files have none, and they are then parsed once (by the reader) instead of
/// twice: on a 200-table models.py the second parse was a third of `check`'s time.
fn may_import_relatively(text: &str) -> bool {
    text.match_indices("from").any(|(i, _)| {
        text[i + 4..]
            .trim_start_matches(|c: char| c.is_whitespace() || c == '\\')
            .starts_with('.')
    })
}

/// The existing files a `from <module> import <names>` of `file` names, if it is relative.
fn relative<'n>(file: &Path, module: &str, names: impl Iterator<Item = &'n str>) -> Vec<PathBuf> {
    let dots = module.chars().take_while(|c| *c == '.').count();
    if dots == 0 {
        return Vec::new();
    }
    let mut dir = file.parent().unwrap_or(Path::new(".")).to_path_buf();
    for _ in 1..dots {
        dir.pop();
    }
    let rest = &module[dots..];
    let candidates: Vec<PathBuf> = if rest.is_empty() {
        names.map(|n| dir.join(n)).collect()
    } else {
        vec![rest.split('.').fold(dir, |d, part| d.join(part))]
    };
    candidates
        .into_iter()
        .flat_map(|base| [base.with_extension("py"), base.join("__init__.py")])
        .filter(|p| p.is_file())
        .collect()
}

/// `[models.types]` of the ini, each SQL type read into the portable model.
fn read_options(config: &Config) -> Result<ReadOptions, AutogenerateError> {
    let mut types = Vec::new();
    for (name, sql) in config.model_types() {
        let bad = || AutogenerateError::ModelType {
            name: name.clone(),
            sql: sql.clone(),
        };
        let Parsed::Ops { ops, .. } = parse_statement(&format!("CREATE TABLE t (c {sql})")) else {
            return Err(bad());
        };
        let Some(Op::CreateTable { table, .. }) = ops.first() else {
            return Err(bad());
        };
        types.push((
            name.clone(),
            table.columns.first().ok_or_else(bad)?.ty.clone(),
        ));
    }
    Ok(ReadOptions { types })
}

#[cfg(test)]
mod tests {
    use super::may_import_relatively;

    #[test]
    fn relative_imports_are_found_before_parsing() {
        for text in [
            "from .base import Base\n",
            "from . import mixins\n",
            "from  ..pkg.base import Base\n",
            "from \\\n    .base import Base\n",
        ] {
            assert!(may_import_relatively(text), "{text}");
        }
        for text in [
            "from sqlalchemy import String\nfrom datetime import date\n",
            "import os.path\n",
            "# built from models\n",
        ] {
            assert!(!may_import_relatively(text), "{text}");
        }
    }
}
