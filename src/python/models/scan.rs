//! A module's top-level statements sorted into what the models are made of: declarative
//! bases made by a call, classes, and `Table(...)` assignments. Imports, functions and
//! plain assignments are passed over; control flow and bare calls are refused.

use crate::python::{Expr, ExprKind, Module, Stmt, StmtKind};

use super::types::last;
use super::Refusal;

/// A class of the files, as written.
#[derive(Clone, Debug)]
pub(crate) struct ClassInfo {
    pub path: String,
    pub line: usize,
    pub name: String,
    /// Dotted names of the bases (`Base`, `db.Model`); a base that is not a name is refused.
    pub bases: Vec<String>,
    pub body: Vec<Stmt>,
}

/// What the files hold, in the order of the files and of their statements.
#[derive(Clone, Debug, Default)]
pub(crate) struct Found {
    /// Names bound to `declarative_base()` (1.x style).
    pub call_bases: Vec<String>,
    pub classes: Vec<ClassInfo>,
    /// `Table(...)` calls: the file and the call.
    pub tables: Vec<(String, Expr)>,
}

/// Sorts `module`'s statements into `found`.
pub(crate) fn scan(module: &Module, path: &str, found: &mut Found) -> Result<(), Refusal> {
    for stmt in &module.body {
        match &stmt.kind {
            StmtKind::Import(_)
            | StmtKind::ImportFrom { .. }
            | StmtKind::FunctionDef { .. }
            | StmtKind::Pass => {}
            StmtKind::Expr(e) if e.as_str().is_some() => {}
            StmtKind::Unsupported(what) if what == "a decorated definition" => {}
            StmtKind::Assign { targets, value, .. } => {
                assignment(targets, value.as_ref(), path, found)?;
            }
            StmtKind::ClassDef {
                name, bases, body, ..
            } => {
                let bases = bases
                    .iter()
                    .map(|b| {
                        b.dotted().ok_or_else(|| {
                            (b.line, "a base class this reader can't read".to_string())
                        })
                    })
                    .collect::<Result<_, _>>()?;
                found.classes.push(ClassInfo {
                    path: path.to_string(),
                    line: stmt.line,
                    name: name.clone(),
                    bases,
                    body: body.clone(),
                });
            }
            StmtKind::Expr(_) => {
                return Err((
                    stmt.line,
                    "a call at module level (the models are read, never run)".to_string(),
                ))
            }
            other => return Err((stmt.line, format!("{} at module level", describe(other)))),
        }
    }
    Ok(())
}

fn assignment(
    targets: &[Expr],
    value: Option<&Expr>,
    path: &str,
    found: &mut Found,
) -> Result<(), Refusal> {
    let Some(Expr {
        kind: ExprKind::Call { func, keywords, .. },
        line,
    }) = value
    else {
        return Ok(());
    };
    let func = func.dotted().unwrap_or_default();
    match last(&func) {
        "declarative_base" => {
            found.call_bases.extend(
                targets
                    .iter()
                    .filter_map(|t| t.as_name().map(str::to_string)),
            );
        }
        "Table" => found
            .tables
            .push((path.to_string(), value.cloned().expect("a call"))),
        "MetaData" if keywords.iter().any(|k| k.name == "naming_convention") => {
            return Err((
                *line,
                "MetaData(naming_convention=...) is not read yet".to_string(),
            ))
        }
        "SQLAlchemy" => {
            return Err((
                *line,
                "Flask-SQLAlchemy models are not read yet".to_string(),
            ))
        }
        _ => {}
    }
    Ok(())
}

fn describe(stmt: &StmtKind) -> String {
    match stmt {
        StmtKind::For { .. } => "a for loop".to_string(),
        StmtKind::If { .. } => "an if statement".to_string(),
        StmtKind::With { .. } => "a with block".to_string(),
        StmtKind::Return(_) => "a return".to_string(),
        StmtKind::Unsupported(what) => what.clone(),
        _ => "this statement".to_string(),
    }
}
