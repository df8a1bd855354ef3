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
use super::{LoweredStatement, Names, Refusal};
use crate::python::ast::{Expr, ExprKind, FPart, Keyword, Stmt, StmtKind, WithItem};
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

/// A leaf rule for [`map_expr`]: `Some` replaces the expression (its children are not
/// visited), `None` visits them.
type Leaf<'f> = dyn FnMut(&Expr) -> Option<Result<Expr, Refusal>> + 'f;

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

/// `expr` with `leaf` applied to it and, where it gives nothing, to its parts.
fn map_expr(expr: &Expr, leaf: &mut Leaf<'_>) -> Result<Expr, Refusal> {
    if let Some(replaced) = leaf(expr) {
        return replaced;
    }
    let kind = match &expr.kind {
        ExprKind::Attribute { value, attr } => ExprKind::Attribute {
            value: Box::new(map_expr(value, leaf)?),
            attr: attr.clone(),
        },
        ExprKind::Call {
            func,
            args,
            keywords,
        } => ExprKind::Call {
            func: Box::new(map_expr(func, leaf)?),
            args: map_all(args, leaf)?,
            keywords: keywords
                .iter()
                .map(|k| {
                    Ok(Keyword {
                        name: k.name.clone(),
                        value: map_expr(&k.value, leaf)?,
                    })
                })
                .collect::<Result<_, Refusal>>()?,
        },
        ExprKind::Tuple(items) => ExprKind::Tuple(map_all(items, leaf)?),
        ExprKind::List(items) => ExprKind::List(map_all(items, leaf)?),
        ExprKind::Dict(pairs) => ExprKind::Dict(
            pairs
                .iter()
                .map(|(k, v)| Ok((map_expr(k, leaf)?, map_expr(v, leaf)?)))
                .collect::<Result<_, Refusal>>()?,
        ),
        ExprKind::FString(parts) => ExprKind::FString(
            parts
                .iter()
                .map(|p| match p {
                    FPart::Expr(x) => Ok(FPart::Expr(map_expr(x, leaf)?)),
                    text => Ok(text.clone()),
                })
                .collect::<Result<_, Refusal>>()?,
        ),
        _ => return map_operators(expr, leaf),
    };
    Ok(Expr {
        line: expr.line,
        kind,
    })
}

/// [`map_expr`] of subscripts, operators and conditionals (leaves are kept as they are).
fn map_operators(expr: &Expr, leaf: &mut Leaf<'_>) -> Result<Expr, Refusal> {
    let mut b = |e: &Expr| map_expr(e, leaf).map(Box::new);
    let kind = match &expr.kind {
        ExprKind::Subscript { value, index } => ExprKind::Subscript {
            value: b(value)?,
            index: b(index)?,
        },
        ExprKind::BinOp { left, op, right } => ExprKind::BinOp {
            left: b(left)?,
            op: op.clone(),
            right: b(right)?,
        },
        ExprKind::BoolOp { op, left, right } => ExprKind::BoolOp {
            op: op.clone(),
            left: b(left)?,
            right: b(right)?,
        },
        ExprKind::Not(x) => ExprKind::Not(b(x)?),
        ExprKind::IfExp { body, test, orelse } => ExprKind::IfExp {
            body: b(body)?,
            test: b(test)?,
            orelse: b(orelse)?,
        },
        ExprKind::Compare { left, ops } => ExprKind::Compare {
            left: b(left)?,
            ops: ops
                .iter()
                .map(|(o, x)| Ok((o.clone(), *b(x)?)))
                .collect::<Result<_, Refusal>>()?,
        },
        other => other.clone(),
    };
    Ok(Expr {
        line: expr.line,
        kind,
    })
}

fn map_all(items: &[Expr], leaf: &mut Leaf<'_>) -> Result<Vec<Expr>, Refusal> {
    items.iter().map(|e| map_expr(e, leaf)).collect()
}
