//! A rewriter of expression trees: an expression rebuilt with a rule applied at each node,
//! the one walk behind resolving conditional expressions per engine ([`super::conditional`])
//! and substituting a loop's or a binding's value for its name ([`super::scope`]).

use crate::python::ast::{Expr, ExprKind, FPart, Keyword};

/// A leaf rule for [`map_expr`]: `Some` replaces the expression (its children are not
/// visited), `None` visits them.
pub type Leaf<'f, E> = dyn FnMut(&Expr) -> Option<Result<Expr, E>> + 'f;

/// `expr` with `leaf` applied to it and, where it gives nothing, to its parts.
pub fn map_expr<E>(expr: &Expr, leaf: &mut Leaf<'_, E>) -> Result<Expr, E> {
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
                .collect::<Result<_, E>>()?,
        },
        ExprKind::Tuple(items) => ExprKind::Tuple(map_all(items, leaf)?),
        ExprKind::List(items) => ExprKind::List(map_all(items, leaf)?),
        ExprKind::Dict(pairs) => ExprKind::Dict(
            pairs
                .iter()
                .map(|(k, v)| Ok((map_expr(k, leaf)?, map_expr(v, leaf)?)))
                .collect::<Result<_, E>>()?,
        ),
        ExprKind::FString(parts) => ExprKind::FString(
            parts
                .iter()
                .map(|p| match p {
                    FPart::Expr(x) => Ok(FPart::Expr(map_expr(x, leaf)?)),
                    text => Ok(text.clone()),
                })
                .collect::<Result<_, E>>()?,
        ),
        _ => return map_operators(expr, leaf),
    };
    Ok(Expr {
        line: expr.line,
        kind,
    })
}

/// [`map_expr`] of subscripts, operators and conditionals (leaves are kept as they are).
fn map_operators<E>(expr: &Expr, leaf: &mut Leaf<'_, E>) -> Result<Expr, E> {
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
                .collect::<Result<_, E>>()?,
        },
        other => other.clone(),
    };
    Ok(Expr {
        line: expr.line,
        kind,
    })
}

fn map_all<E>(items: &[Expr], leaf: &mut Leaf<'_, E>) -> Result<Vec<Expr>, E> {
    items.iter().map(|e| map_expr(e, leaf)).collect()
}
