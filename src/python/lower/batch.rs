//! `with op.batch_alter_table("t") as batch_op:` and the `batch_op.*` calls in its body
//! (`add_column`, `drop_column`, `alter_column`, `create_index`, `drop_index`,
//! `create_foreign_key`, `create_unique_constraint`, `create_check_constraint`,
//! `create_primary_key`, `drop_constraint`).
//!
//! On PostgreSQL a batch is its calls as plain `op.*` calls on the batch's table, which is
//! what Alembic runs there. On SQLite, Alembic moves and copies the table for any call SQLite
//! can't do in place; here each call is the portable `ALTER TABLE` the schema layer's
//! translator turns into SQLite's table rebuild (create the new shape under a temporary
//! name, copy the rows, drop, rename, recreate the indexes), which leaves the schema and the
//! rows Alembic's move-and-copy leaves. `schema=` other than `None`, `copy_from=`,
//! `table_args=`, `reflect_args=`, `naming_convention=` and `partial_reordering=` are refused.

use super::alter::{self, Target};
use super::values::{short_expr, string, CallArgs};
use super::{describe, LoweredStatement, Names, Refusal};
use crate::python::ast::{Expr, ExprKind, Stmt, StmtKind, WithItem};

/// Whether `items` open a batch: `op.batch_alter_table(...)`.
pub fn is_batch(items: &[WithItem], names: &Names) -> bool {
    items.iter().any(|item| {
        CallArgs::of(&item.context, names).is_some_and(|c| c.path == "alembic.op.batch_alter_table")
    })
}

/// Lowers a `with op.batch_alter_table(...) as batch_op:` block.
pub fn lower(
    line: usize,
    items: &[WithItem],
    body: &[Stmt],
    names: &Names,
) -> Result<Vec<LoweredStatement>, Refusal> {
    let [item] = items else {
        return Err(Refusal::new(
            line,
            "a with statement of several items around op.batch_alter_table()".to_string(),
        ));
    };
    let Some(call) = CallArgs::of(&item.context, names) else {
        return Err(Refusal::new(line, "a with block".to_string()));
    };
    call.check(1, &["table_name", "schema", "recreate"])?;
    super::no_schema(&call)?;
    if let Some(e) = call.keyword("recreate") {
        if !matches!(e.as_str(), Some("auto" | "always")) {
            return Err(Refusal::new(
                e.line,
                format!("recreate={} of op.batch_alter_table()", short_expr(e)),
            ));
        }
    }
    let table_expr = call.arg(0, "table_name").ok_or_else(|| {
        Refusal::new(
            line,
            "op.batch_alter_table() without table_name".to_string(),
        )
    })?;
    let table = string(table_expr, names, "a table name")?;
    let alias = item
        .alias
        .as_deref()
        .ok_or_else(|| Refusal::new(line, "op.batch_alter_table() without 'as'".to_string()))?;
    let mut out = Vec::new();
    for stmt in body {
        match &stmt.kind {
            StmtKind::Pass => {}
            StmtKind::Expr(Expr {
                kind: ExprKind::Str(_),
                ..
            }) => {}
            StmtKind::Expr(expr) => {
                let mut lowered = batch_call(expr, alias, &table, names)?;
                super::at_column(&mut lowered, stmt.col);
                out.extend(lowered);
            }
            other => {
                return Err(Refusal::new(
                    stmt.line,
                    format!("{} in a batch", describe(other)),
                ))
            }
        }
    }
    Ok(out)
}

/// One `batch_op.method(...)` call.
fn batch_call(
    expr: &Expr,
    alias: &str,
    table: &str,
    names: &Names,
) -> Result<Vec<LoweredStatement>, Refusal> {
    let refused = || Refusal::new(expr.line, format!("{} in a batch", short_expr(expr)));
    let ExprKind::Call {
        func,
        args,
        keywords,
    } = &expr.kind
    else {
        return Err(refused());
    };
    let method = match &func.kind {
        ExprKind::Attribute { value, attr } if value.as_name() == Some(alias) => attr,
        _ => return Err(refused()),
    };
    let call = CallArgs {
        path: format!("alembic.batch_op.{method}"),
        line: expr.line,
        args,
        keywords,
    };
    let target = Target {
        call: &call,
        batch: Some(table),
        table_pos: 0,
    };
    alter::lower(&target, names)
        .unwrap_or_else(|| Err(Refusal::new(expr.line, format!("{alias}.{method}()"))))
}
