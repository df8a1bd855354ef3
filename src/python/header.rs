//! A revision's identity read from a parsed module, without running it: the module-level
//! assignments Alembic reads as attributes, and the module docstring.
//!
//! `revision`, `down_revision`, `branch_labels` and `depends_on` are taken from assignments at
//! the top level of the module, annotated or not (`down_revision: Union[str, None] = None`);
//! as when Python runs the module, a later assignment replaces an earlier one. A value must be
//! a literal: a string, `None`, or a tuple or list of strings. Anything else is refused at its
//! line, since its value would only be known by running the file. Nested blocks (`if`,
//! `try`) are not looked into.

use super::ast::{Expr, ExprKind, Module, StmtKind};
use super::PythonError;

/// The four attribute names Alembic reads, in the order the default template writes them.
pub const HEADER_NAMES: [&str; 4] = ["revision", "down_revision", "branch_labels", "depends_on"];

/// A header value and the line of its assignment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Assigned<T> {
    pub value: T,
    pub line: usize,
}

/// What a revision module declares about itself.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RevisionHeader {
    /// `revision = "…"` (`None` for a literal `None`).
    pub revision: Option<Assigned<Option<String>>>,
    /// `down_revision`: empty for `None`, several ids for a merge.
    pub down_revision: Option<Assigned<Vec<String>>>,
    pub branch_labels: Vec<String>,
    /// The line of the `branch_labels` assignment, when there is one.
    pub branch_labels_line: Option<usize>,
    pub depends_on: Vec<String>,
    /// The module docstring, stripped (Alembic's `longdoc`); empty when there is none.
    pub message: String,
    /// The `Create Date:` line of the docstring, as written.
    pub create_date: Option<String>,
}

impl RevisionHeader {
    /// Reads the header of `module`; `path` names the file in errors.
    pub fn read(path: &str, module: &Module) -> Result<RevisionHeader, PythonError> {
        let mut header = RevisionHeader::default();
        for stmt in &module.body {
            let StmtKind::Assign { targets, value, .. } = &stmt.kind else {
                continue;
            };
            for target in targets {
                header.assign(path, stmt.line, target, value.as_ref())?;
            }
        }
        let doc = module.docstring.as_deref().unwrap_or("").trim();
        header.message = doc.to_string();
        header.create_date = doc.lines().find_map(|l| {
            l.trim()
                .strip_prefix("Create Date:")
                .map(|d| d.trim().to_string())
        });
        Ok(header)
    }

    fn assign(
        &mut self,
        path: &str,
        line: usize,
        target: &Expr,
        value: Option<&Expr>,
    ) -> Result<(), PythonError> {
        let error = |line: usize, message: String| PythonError {
            path: path.to_string(),
            line,
            message,
        };
        let name = match &target.kind {
            ExprKind::Name(name) => name.as_str(),
            ExprKind::Tuple(items) | ExprKind::List(items) => {
                if let Some(name) = items
                    .iter()
                    .filter_map(Expr::as_name)
                    .find(|n| HEADER_NAMES.contains(n))
                {
                    return Err(error(
                        line,
                        format!("'{name}' is assigned by unpacking; write '{name} = <literal>' so that it can be read without running Python"),
                    ));
                }
                return Ok(());
            }
            _ => return Ok(()),
        };
        if !HEADER_NAMES.contains(&name) {
            return Ok(());
        }
        // An annotation without a value (`revision: str`) assigns nothing.
        let Some(value) = value else { return Ok(()) };
        let strings = literal_strings(value).ok_or_else(|| {
            error(
                value.line,
                format!("'{name}' is not a literal (a string, None, or a tuple or list of strings), so it can't be read without running Python"),
            )
        })?;
        match name {
            "revision" => {
                let value = match strings {
                    Literal::None => None,
                    Literal::One(s) => Some(s),
                    Literal::Many(_) => {
                        return Err(error(
                            value.line,
                            "'revision' must be one string".to_string(),
                        ))
                    }
                };
                self.revision = Some(Assigned { value, line });
            }
            "down_revision" => {
                self.down_revision = Some(Assigned {
                    value: strings.into_vec(),
                    line,
                })
            }
            "branch_labels" => {
                self.branch_labels = strings.into_vec();
                self.branch_labels_line = Some(line);
            }
            _ => self.depends_on = strings.into_vec(),
        }
        Ok(())
    }
}

/// A header literal.
enum Literal {
    None,
    One(String),
    Many(Vec<String>),
}

impl Literal {
    fn into_vec(self) -> Vec<String> {
        match self {
            Literal::None => Vec::new(),
            Literal::One(s) => vec![s],
            Literal::Many(v) => v,
        }
    }
}

/// `None`, a string, or a tuple or list of strings.
fn literal_strings(expr: &Expr) -> Option<Literal> {
    match &expr.kind {
        ExprKind::None => Some(Literal::None),
        ExprKind::Str(s) => Some(Literal::One(s.clone())),
        ExprKind::Tuple(items) | ExprKind::List(items) => items
            .iter()
            .map(|e| e.as_str().map(str::to_string))
            .collect::<Option<Vec<_>>>()
            .map(Literal::Many),
        _ => None,
    }
}
