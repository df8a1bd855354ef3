//! A module's top-level statements sorted into what the models are made of: declarative
//! bases made by a call (`declarative_base()`, Flask-SQLAlchemy's `SQLAlchemy()`), classes,
//! `Table(...)` assignments and the plain values other statements name (a `MetaData(...)`,
//! a naming-convention dict). Imports, functions, `if TYPE_CHECKING:` and `if __name__ ==
//! "__main__":` blocks are passed over; other control flow and bare calls are refused.

use crate::python::{Expr, ExprKind, Keyword, Module, Stmt, StmtKind};

use super::types::last;
use super::Refusal;

/// A class of the files, as written, or the base class a call makes.
#[derive(Clone, Debug)]
pub(crate) struct ClassInfo {
    pub path: String,
    pub line: usize,
    pub name: String,
    /// Dotted names of the bases (`Base`, `db.Model`); a base that is not a name is refused.
    pub bases: Vec<String>,
    /// `table=True` among the class keywords (a SQLModel table).
    pub table: bool,
    pub body: Vec<Stmt>,
    /// Set for the declarative base a call makes: `Base = declarative_base(...)`, or the
    /// `db.Model` of `db = SQLAlchemy(...)`.
    pub made: Option<MadeBase>,
}

/// A declarative base made by a call.
#[derive(Clone, Debug)]
pub(crate) struct MadeBase {
    /// The `metadata=` the call was given.
    pub metadata: Option<Expr>,
    /// Flask-SQLAlchemy's: a mapped class without `__tablename__` is named after its class.
    pub autoname: bool,
}

/// What the files hold, in the order of the files and of their statements.
#[derive(Clone, Debug, Default)]
pub(crate) struct Found {
    pub classes: Vec<ClassInfo>,
    /// `Table(...)` calls: the file, the names they are bound to, and the call.
    pub tables: Vec<(String, Vec<String>, Expr)>,
    /// Module-level `name = value` assignments, for the names other statements use.
    pub values: Vec<(String, Expr)>,
    /// The names bound to `SQLAlchemy(...)` (Flask-SQLAlchemy's extension object).
    pub flask: Vec<String>,
}

impl Found {
    /// The last value bound to `name` at module level.
    pub fn value(&self, name: &str) -> Option<&Expr> {
        self.values
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v)
    }
}

/// Sorts `module`'s statements into `found`.
pub(crate) fn scan(module: &Module, path: &str, found: &mut Found) -> Result<(), Refusal> {
    statements(&module.body, path, found)
}

fn statements(body: &[Stmt], path: &str, found: &mut Found) -> Result<(), Refusal> {
    for stmt in body {
        match &stmt.kind {
            StmtKind::Import(_)
            | StmtKind::ImportFrom { .. }
            | StmtKind::FunctionDef { .. }
            | StmtKind::Pass => {}
            StmtKind::Expr(e) if e.as_str().is_some() => {}
            StmtKind::Expr(e) if is_init_app(e, found) => {}
            StmtKind::DecoratedFunction { .. } => {}
            StmtKind::Assign { targets, value, .. } => {
                assignment(targets, value.as_ref(), stmt.line, path, found)?;
            }
            StmtKind::ClassDef {
                name,
                bases,
                keywords,
                body,
                ..
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
                    table: keywords
                        .iter()
                        .any(|k| k.name == "table" && k.value.kind == ExprKind::Bool(true)),
                    body: body.clone(),
                    made: None,
                });
            }
            StmtKind::If { branches, orelse } if skipped_if(branches) => {
                if let Some(orelse) = orelse {
                    statements(orelse, path, found)?;
                }
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

/// `if TYPE_CHECKING:` (imports for the type checker only) and `if __name__ ==
/// "__main__":` (not run on import), without `elif`: their bodies are passed over.
fn skipped_if(branches: &[(Expr, Vec<Stmt>)]) -> bool {
    let [(test, _)] = branches else {
        return false;
    };
    if test.dotted().is_some_and(|d| last(&d) == "TYPE_CHECKING") {
        return true;
    }
    let ExprKind::Compare { left, ops } = &test.kind else {
        return false;
    };
    left.as_name() == Some("__name__")
        && matches!(ops.as_slice(), [(op, e)] if op == "==" && e.as_str() == Some("__main__"))
}

/// `db.init_app(app)` of a Flask-SQLAlchemy extension: binds it to an application, no DDL.
fn is_init_app(e: &Expr, found: &Found) -> bool {
    let ExprKind::Call { func, .. } = &e.kind else {
        return false;
    };
    func.dotted()
        .and_then(|d| {
            d.strip_suffix(".init_app")
                .map(|db| found.flask.iter().any(|f| f == db))
        })
        .unwrap_or(false)
}

fn assignment(
    targets: &[Expr],
    value: Option<&Expr>,
    line: usize,
    path: &str,
    found: &mut Found,
) -> Result<(), Refusal> {
    for t in targets {
        if t.dotted()
            .is_some_and(|d| d.contains('.') && d.contains("metadata"))
            || t.dotted()
                .is_some_and(|d| d.ends_with(".naming_convention"))
        {
            return Err((
                line,
                "an assignment to a metadata's attribute (give MetaData(...) its arguments)"
                    .to_string(),
            ));
        }
    }
    let names: Vec<String> = targets
        .iter()
        .filter_map(|t| t.as_name().map(str::to_string))
        .collect();
    let Some(value) = value else {
        return Ok(());
    };
    for n in &names {
        found.values.push((n.clone(), value.clone()));
    }
    let ExprKind::Call { func, keywords, .. } = &value.kind else {
        return Ok(());
    };
    let func = func.dotted().unwrap_or_default();
    let kw = |name: &str| keywords.iter().find(|k| k.name == name).map(|k| &k.value);
    match last(&func) {
        "declarative_base" => {
            let cls = kw("cls").map(|c| {
                c.dotted()
                    .ok_or_else(|| (c.line, "cls= must name a class".to_string()))
            });
            let bases: Vec<String> = cls.transpose()?.into_iter().collect();
            for n in &names {
                found
                    .classes
                    .push(made(path, line, n, bases.clone(), kw("metadata"), false));
            }
        }
        "SQLAlchemy" => flask(&names, keywords, line, path, found)?,
        "Table" => found.tables.push((path.to_string(), names, value.clone())),
        _ => {}
    }
    Ok(())
}

/// `db = SQLAlchemy(app, metadata=..., model_class=..., disable_autonaming=...)`: `db.Model`
/// is a declarative base made from `model_class` (a 2.0 `DeclarativeBase` subclass or a
/// plain class whose attributes every model gets), with the extension's metadata if it
/// was given one.
fn flask(
    names: &[String],
    keywords: &[Keyword],
    line: usize,
    path: &str,
    found: &mut Found,
) -> Result<(), Refusal> {
    let kw = |name: &str| keywords.iter().find(|k| k.name == name).map(|k| &k.value);
    let bases: Vec<String> = match kw("model_class") {
        Some(c) => vec![c
            .dotted()
            .ok_or_else(|| (c.line, "model_class= must name a class".to_string()))?],
        None => Vec::new(),
    };
    // A base made by `declarative_base()` is used as it is, without automatic names.
    let made_by_call = bases.iter().any(|b| {
        found
            .classes
            .iter()
            .any(|c| c.name == *b && c.made.as_ref().is_some_and(|m| !m.autoname))
    });
    let autoname = match kw("disable_autonaming").map(|v| &v.kind) {
        None | Some(ExprKind::Bool(false)) => !made_by_call,
        Some(ExprKind::Bool(true)) => false,
        Some(_) => return Err((line, "disable_autonaming must be True or False".to_string())),
    };
    for n in names {
        found.flask.push(n.clone());
        let model = format!("{n}.Model");
        found.classes.push(made(
            path,
            line,
            &model,
            bases.clone(),
            kw("metadata"),
            autoname,
        ));
    }
    Ok(())
}

fn made(
    path: &str,
    line: usize,
    name: &str,
    bases: Vec<String>,
    metadata: Option<&Expr>,
    autoname: bool,
) -> ClassInfo {
    ClassInfo {
        path: path.to_string(),
        line,
        name: name.to_string(),
        bases,
        table: false,
        body: Vec::new(),
        made: Some(MadeBase {
            metadata: metadata.cloned(),
            autoname,
        }),
    }
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
