//! Conditional expressions on the engine's name, `a if <dialect test> else b`, resolved per
//! engine (as an `if` statement on the dialect is, see [`super::scope`]): the statement that
//! holds one, and the rest of its body after it (a name bound to such a value is read by
//! the statements after the binding), is lowered once for each engine with every conditional
//! replaced by the branch its test picks there. A conditional whose test is not a dialect
//! test is refused at its line.
//!
//! A statement's own expressions are looked at (a call's arguments, an assignment's value, a
//! `for` loop's iterable, a `with` statement's items); in a `with` block, its whole body too,
//! since a batch's calls are read by [`super::batch`] rather than statement by statement.

use super::scope::test;
use super::walk::{self, map_expr};
use super::{LoweredStatement, Names, Refusal};
use crate::python::ast::{Expr, ExprKind, Stmt, StmtKind, WithItem};
use crate::Dialect;

/// The message for a conditional whose test is not a dialect test.
const NOT_A_DIALECT_TEST: &str =
    "a conditional expression whose test is not the engine's name (op.get_bind().dialect.name)";

/// Whether `stmt` holds a conditional expression (see the module comment for where).
pub fn has_conditional(stmt: &Stmt) -> bool {
    let mut found = false;
    let mut mark = |e: &Expr| -> Option<Result<Expr, Refusal>> {
        if matches!(e.kind, ExprKind::IfExp { .. }) {
            found = true;
            return Some(Ok(e.clone()));
        }
        None
    };
    let _ = map_stmt(stmt, &mut mark);
    found
}

/// `rest` (whose first statement holds a conditional) lowered once per engine with the
/// conditionals of its first statement resolved. A body that can't be lowered on one engine
/// is refused there; on both, it is refused.
pub fn per_engine(rest: &[Stmt], names: &Names) -> Result<Vec<LoweredStatement>, Refusal> {
    let Some((first, after)) = rest.split_first() else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    let mut refused: Vec<(Dialect, Refusal)> = Vec::new();
    for dialect in [Dialect::Sqlite, Dialect::Postgresql] {
        let mut pick = |e: &Expr| -> Option<Result<Expr, Refusal>> {
            let ExprKind::IfExp {
                body,
                test: cond,
                orelse,
            } = &e.kind
            else {
                return None;
            };
            Some(match test(cond, dialect, names) {
                Some(true) => Ok((**body).clone()),
                Some(false) => Ok((**orelse).clone()),
                None => Err(Refusal::new(e.line, NOT_A_DIALECT_TEST.to_string())),
            })
        };
        // Nested conditionals: resolved until none is left.
        let mut resolved = first.clone();
        while has_conditional(&resolved) {
            resolved = map_stmt(&resolved, &mut pick)?;
        }
        let mut body = vec![resolved];
        body.extend_from_slice(after);
        match super::lower_body(&body, names) {
            Ok(statements) => out.extend(statements.into_iter().map(|s| s.only_on(dialect))),
            Err(r) => refused.push((dialect, r)),
        }
    }
    super::scope::refused_per_engine(out, refused)
}

type Leaf<'f> = walk::Leaf<'f, Refusal>;

/// `stmt` with `leaf` applied to its expressions (see the module comment for which).
fn map_stmt(stmt: &Stmt, leaf: &mut Leaf<'_>) -> Result<Stmt, Refusal> {
    let kind = match &stmt.kind {
        StmtKind::Expr(e) => StmtKind::Expr(map_expr(e, leaf)?),
        StmtKind::Assign {
            targets,
            annotation,
            value,
        } => StmtKind::Assign {
            targets: targets.clone(),
            annotation: annotation.clone(),
            value: value.as_ref().map(|v| map_expr(v, leaf)).transpose()?,
        },
        StmtKind::For { target, iter, body } => StmtKind::For {
            target: target.clone(),
            iter: map_expr(iter, leaf)?,
            body: body.clone(),
        },
        StmtKind::With { items, body } => StmtKind::With {
            items: items
                .iter()
                .map(|i| {
                    Ok(WithItem {
                        context: map_expr(&i.context, leaf)?,
                        alias: i.alias.clone(),
                    })
                })
                .collect::<Result<_, Refusal>>()?,
            body: body
                .iter()
                .map(|s| map_stmt(s, leaf))
                .collect::<Result<_, _>>()?,
        },
        other => other.clone(),
    };
    Ok(Stmt {
        line: stmt.line,
        col: stmt.col,
        kind,
    })
}
