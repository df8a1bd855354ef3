//! The idioms of hand-written bodies, resolved statically: names bound in a body, `for`
//! loops over literals, and `if` tests of the engine's name.
//!
//! - `name = value` binds `name` for the statements after it, which then read `value` where
//!   they say `name` (the bound expression is substituted into them). A value may be a
//!   literal, `op.get_bind()`, `op.get_context()`, `sa.table(...)` / `sa.Table(...)`, or
//!   `op.create_table(...)`, which also runs.
//! - `for x in <literal list or tuple>:` (also `for a, b in` over tuples) is unrolled: its
//!   body once per item, the item substituted for the target.
//! - `if <dialect test>:` / `elif` / `else` is decided per engine: a dialect test compares
//!   `op.get_bind().dialect.name`, `.engine.name` or `op.get_context().dialect.name` (through
//!   any name bound to them) with a string, by `==`, `!=`, `in` or `not in`, combined with
//!   `and`, `or` and `not`.

use std::convert::Infallible;

use super::values::{short_expr, CallArgs};
use super::walk::map_expr;
use super::{LoweredStatement, Names, Refusal};
use crate::python::ast::{Expr, ExprKind, Stmt, StmtKind, WithItem};
use crate::Dialect;

/// `stmts` with every reference to `name` replaced by `value`, up to a statement that binds
/// `name` again.
pub fn substitute(stmts: &[Stmt], name: &str, value: &Expr) -> Vec<Stmt> {
    let mut out = Vec::with_capacity(stmts.len());
    let mut live = true;
    for stmt in stmts {
        if !live {
            out.push(stmt.clone());
            continue;
        }
        out.push(Stmt {
            line: stmt.line,
            col: stmt.col,
            kind: substitute_kind(&stmt.kind, name, value),
        });
        live = !binds(stmt, name);
    }
    out
}

/// Whether `stmt` assigns `name` (after which the earlier binding no longer holds).
fn binds(stmt: &Stmt, name: &str) -> bool {
    match &stmt.kind {
        StmtKind::Assign { targets, .. } => targets.iter().any(|t| mentions(t, name)),
        StmtKind::For { target, .. } => mentions(target, name),
        StmtKind::With { items, .. } => items.iter().any(|i| i.alias.as_deref() == Some(name)),
        _ => false,
    }
}

fn mentions(target: &Expr, name: &str) -> bool {
    match &target.kind {
        ExprKind::Name(n) => n == name,
        ExprKind::Tuple(items) | ExprKind::List(items) => items.iter().any(|i| mentions(i, name)),
        _ => false,
    }
}

fn substitute_kind(kind: &StmtKind, name: &str, value: &Expr) -> StmtKind {
    let e = |x: &Expr| substitute_expr(x, name, value);
    match kind {
        StmtKind::Assign {
            targets,
            annotation,
            value: v,
        } => StmtKind::Assign {
            targets: targets.clone(),
            annotation: annotation.clone(),
            value: v.as_ref().map(e),
        },
        StmtKind::Expr(x) => StmtKind::Expr(e(x)),
        StmtKind::With { items, body } => StmtKind::With {
            items: items
                .iter()
                .map(|i| WithItem {
                    context: e(&i.context),
                    alias: i.alias.clone(),
                })
                .collect(),
            body: match items.iter().any(|i| i.alias.as_deref() == Some(name)) {
                true => body.clone(),
                false => substitute(body, name, value),
            },
        },
        StmtKind::For { target, iter, body } => StmtKind::For {
            target: target.clone(),
            iter: e(iter),
            body: match mentions(target, name) {
                true => body.clone(),
                false => substitute(body, name, value),
            },
        },
        StmtKind::If { branches, orelse } => StmtKind::If {
            branches: branches
                .iter()
                .map(|(c, b)| (e(c), substitute(b, name, value)))
                .collect(),
            orelse: orelse.as_ref().map(|b| substitute(b, name, value)),
        },
        StmtKind::Return(x) => StmtKind::Return(x.as_ref().map(e)),
        other => other.clone(),
    }
}

/// `expr` with `name` replaced by `value`.
pub fn substitute_expr(expr: &Expr, name: &str, value: &Expr) -> Expr {
    let mut replace = |x: &Expr| match &x.kind {
        ExprKind::Name(n) if n == name => Some(Ok(Expr {
            line: x.line,
            kind: value.kind.clone(),
        })),
        _ => None,
    };
    match map_expr::<Infallible>(expr, &mut replace) {
        Ok(replaced) => replaced,
        Err(never) => match never {},
    }
}

/// The values a `for` loop's target takes: the items of a literal list or tuple, each a
/// literal (a string, number, `None`, or a tuple or list of them).
pub fn loop_items(iter: &Expr) -> Option<&[Expr]> {
    match &iter.kind {
        ExprKind::List(items) | ExprKind::Tuple(items) if items.iter().all(is_literal) => {
            Some(items)
        }
        _ => None,
    }
}

/// A literal: a string, a number, a boolean, `None`, or a tuple, list or dict of literals.
pub fn is_literal(expr: &Expr) -> bool {
    match &expr.kind {
        ExprKind::Str(_)
        | ExprKind::Int(_)
        | ExprKind::Float(_)
        | ExprKind::Bool(_)
        | ExprKind::None => true,
        ExprKind::Tuple(items) | ExprKind::List(items) => items.iter().all(is_literal),
        ExprKind::Dict(pairs) => pairs.iter().all(|(k, v)| is_literal(k) && is_literal(v)),
        _ => false,
    }
}

/// The loop body for one item: the item substituted for the target (a name, or a tuple of
/// names taking the item's parts). `None` when the shapes don't match.
pub fn unroll(target: &Expr, item: &Expr, body: &[Stmt]) -> Option<Vec<Stmt>> {
    match (&target.kind, &item.kind) {
        (ExprKind::Name(n), _) => Some(substitute(body, n, item)),
        (
            ExprKind::Tuple(names) | ExprKind::List(names),
            ExprKind::Tuple(parts) | ExprKind::List(parts),
        ) if names.len() == parts.len() => {
            let mut out = body.to_vec();
            for (name, part) in names.iter().zip(parts) {
                out = substitute(&out, name.as_name()?, part);
            }
            Some(out)
        }
        _ => None,
    }
}

/// Whether `expr` is `op.get_bind()` or `op.get_context()` (or `context.get_context()`).
pub fn is_connection(expr: &Expr, names: &Names) -> bool {
    CallArgs::of(expr, names).is_some_and(|c| {
        c.args.is_empty()
            && matches!(
                c.path.as_str(),
                "alembic.op.get_bind"
                    | "alembic.op.get_context"
                    | "alembic.context.get_context"
                    | "alembic.context.get_bind"
            )
    })
}

/// Whether `expr` names the engine: `<connection>.dialect.name`, `.engine.name`,
/// `.engine.dialect.name`, `.bind.dialect.name`.
fn is_dialect_name(expr: &Expr, names: &Names) -> bool {
    let ExprKind::Attribute { value, attr } = &expr.kind else {
        return false;
    };
    if attr != "name" {
        return false;
    }
    let mut base = value.as_ref();
    let mut hops = 0;
    while let ExprKind::Attribute { value, attr } = &base.kind {
        if !matches!(attr.as_str(), "dialect" | "engine" | "bind") || hops == 2 {
            return false;
        }
        base = value;
        hops += 1;
    }
    hops > 0 && is_connection(base, names)
}

/// The engine's name as SQLAlchemy gives it.
fn dialect_name(dialect: Dialect) -> &'static str {
    match dialect {
        Dialect::Sqlite => "sqlite",
        Dialect::Postgresql => "postgresql",
    }
}

/// A dialect test's value on `dialect`; `None` when `cond` is not a dialect test.
pub fn test(cond: &Expr, dialect: Dialect, names: &Names) -> Option<bool> {
    let name = dialect_name(dialect);
    match &cond.kind {
        ExprKind::Not(x) => test(x, dialect, names).map(|b| !b),
        ExprKind::BoolOp { op, left, right } => {
            let (l, r) = (test(left, dialect, names)?, test(right, dialect, names)?);
            match op.as_str() {
                "and" => Some(l && r),
                "or" => Some(l || r),
                _ => None,
            }
        }
        ExprKind::Compare { left, ops } => {
            let [(op, right)] = ops.as_slice() else {
                return None;
            };
            let other = match (is_dialect_name(left, names), is_dialect_name(right, names)) {
                (true, _) => right,
                (false, true) if matches!(op.as_str(), "==" | "!=") => left.as_ref(),
                _ => return None,
            };
            let among = |items: &[Expr]| -> Option<bool> {
                let strs: Option<Vec<&str>> = items.iter().map(Expr::as_str).collect();
                Some(strs?.contains(&name))
            };
            match (op.as_str(), &other.kind) {
                ("==", ExprKind::Str(s)) => Some(s == name),
                ("!=", ExprKind::Str(s)) => Some(s != name),
                ("in", ExprKind::Tuple(items) | ExprKind::List(items)) => among(items),
                ("not in", ExprKind::Tuple(items) | ExprKind::List(items)) => {
                    among(items).map(|b| !b)
                }
                _ => None,
            }
        }
        _ => None,
    }
}

/// What a binding `name = value` runs: `op.create_table(...)`'s statements, or nothing for
/// the values that are only read where the name is used.
pub fn bind(value: &Expr, names: &Names) -> Result<Vec<LoweredStatement>, Refusal> {
    if is_literal(value) || is_connection(value, names) {
        return Ok(Vec::new());
    }
    match CallArgs::of(value, names).map(|c| c.path) {
        Some(path) if path == "alembic.op.create_table" => super::lower_call(value, names),
        Some(path)
            if matches!(
                path.as_str(),
                "sqlalchemy.table"
                    | "sqlalchemy.sql.table"
                    | "sqlalchemy.sql.expression.table"
                    | "sqlalchemy.Table"
            ) =>
        {
            Ok(Vec::new())
        }
        _ => Err(Refusal::new(
            value.line,
            format!("an assignment of {} in a body", short_expr(value)),
        )),
    }
}

/// The name a binding assigns: one plain name.
pub fn bound_name(line: usize, targets: &[Expr]) -> Result<&str, Refusal> {
    match targets {
        [target] => target
            .as_name()
            .ok_or_else(|| Refusal::new(line, "an assignment to anything but a name".to_string())),
        _ => Err(Refusal::new(line, "a chained assignment".to_string())),
    }
}

/// A `for` loop over a literal list or tuple, unrolled.
pub fn unroll_loop(
    line: usize,
    target: &Expr,
    iter: &Expr,
    body: &[Stmt],
    names: &Names,
) -> Result<Vec<LoweredStatement>, Refusal> {
    let items = loop_items(iter).ok_or_else(|| {
        Refusal::new(
            line,
            format!(
                "a for loop over {} (not a literal list or tuple)",
                short_expr(iter)
            ),
        )
    })?;
    let mut out = Vec::new();
    for item in items {
        let unrolled = unroll(target, item, body).ok_or_else(|| {
            Refusal::new(
                line,
                "a for loop whose target doesn't fit its items".to_string(),
            )
        })?;
        out.extend(super::lower_body(&unrolled, names)?);
    }
    Ok(out)
}

/// An `if` / `elif` / `else` of dialect tests: on each engine, the branch its test picks.
/// A branch that can't be lowered is refused on the engine that would run it only.
pub fn dialect_branches(
    branches: &[(Expr, Vec<Stmt>)],
    orelse: Option<&[Stmt]>,
    names: &Names,
) -> Result<Vec<LoweredStatement>, Refusal> {
    let mut out = Vec::new();
    let mut refused: Vec<(Dialect, Refusal)> = Vec::new();
    for dialect in [Dialect::Sqlite, Dialect::Postgresql] {
        let mut chosen = orelse.unwrap_or(&[]);
        for (cond, body) in branches {
            let taken = test(cond, dialect, names).ok_or_else(|| {
                Refusal::new(
                    cond.line,
                    "an if statement whose test is not the engine's name (op.get_bind().dialect.name)"
                        .to_string(),
                )
            })?;
            if taken {
                chosen = body;
                break;
            }
        }
        match super::lower_body(chosen, names) {
            Ok(statements) => out.extend(statements.into_iter().map(|s| s.only_on(dialect))),
            Err(r) => refused.push((dialect, r)),
        }
    }
    refused_per_engine(out, refused)
}

/// `out` with a statement refused on each engine that `refused` names; refused on both, the
/// body is refused (the first engine's reason).
pub fn refused_per_engine(
    mut out: Vec<LoweredStatement>,
    mut refused: Vec<(Dialect, Refusal)>,
) -> Result<Vec<LoweredStatement>, Refusal> {
    if refused.len() == 2 {
        return Err(refused.swap_remove(0).1);
    }
    for (dialect, r) in refused {
        out.push(LoweredStatement {
            line: r.line,
            col: 0,
            sqlite: String::new(),
            postgresql: String::new(),
            refused_on: Some((dialect, r.what)),
            sqlite_portable: false,
            verbatim: false,
        });
    }
    Ok(out)
}

/// `conn.execute(...)` on a bound `op.get_bind()`: the argument, when the call is one.
pub fn connection_execute<'a>(expr: &'a Expr, names: &Names) -> Option<&'a [Expr]> {
    let ExprKind::Call {
        func,
        args,
        keywords,
    } = &expr.kind
    else {
        return None;
    };
    match &func.kind {
        ExprKind::Attribute { value, attr } if attr == "execute" && keywords.is_empty() => {
            is_connection(value, names).then_some(args.as_slice())
        }
        _ => None,
    }
}
