//! `op.bulk_insert(table, rows)`: a table described by `sa.table(name, sa.column(...), …)`,
//! `sa.Table(name, metadata, sa.Column(...), …)` or the `op.create_table(...)` it came from
//! (through a name bound to it), and rows given as a literal list of dicts whose values are
//! literals or `op.inline_literal(...)` of one.
//!
//! Each row is one `INSERT INTO t (columns) VALUES (values)`, its columns the row's keys in
//! the table's column order, as SQLAlchemy compiles an insert of that row; Alembic's online
//! run binds the same values. A boolean is `1`/`0` on SQLite and `true`/`false` on
//! PostgreSQL, as SQLAlchemy's `Boolean` binds it. A key that is not one of the table's
//! columns is refused, as SQLAlchemy refuses it. With `multiinsert=True` (the default)
//! Alembic's online run is one `executemany` of the first row's keys, which fails on a row
//! with other keys and on an `op.inline_literal` value; both are refused unless the call
//! says `multiinsert=False`.

use super::table::quote;
use super::values::{short_expr, string, CallArgs};
use super::{both, LoweredStatement, Names, Refusal};
use crate::python::ast::{Expr, ExprKind};
use crate::Dialect;

/// `op.bulk_insert(table, rows, multiinsert=)`.
pub fn bulk_insert(call: &CallArgs<'_>, names: &Names) -> Result<Vec<LoweredStatement>, Refusal> {
    call.check(2, &["table", "rows", "multiinsert"])?;
    let table_expr = call
        .arg(0, "table")
        .ok_or_else(|| Refusal::new(call.line, "op.bulk_insert() without table".to_string()))?;
    let (table, columns) = table_shape(table_expr, names)?;
    let rows_expr = call
        .arg(1, "rows")
        .ok_or_else(|| Refusal::new(call.line, "op.bulk_insert() without rows".to_string()))?;
    let ExprKind::List(rows) = &rows_expr.kind else {
        return Err(Refusal::new(
            rows_expr.line,
            format!(
                "rows {} of op.bulk_insert() (not a literal list of dicts)",
                short_expr(rows_expr)
            ),
        ));
    };
    let multi = super::values::boolean(call.keyword("multiinsert"), true, "multiinsert")?;
    let mut out = Vec::new();
    let mut first_keys: Option<Vec<String>> = None;
    for row in rows {
        let values = row_values(row, &columns, names, multi)?;
        let keys: Vec<String> = values.iter().map(|(k, _)| k.clone()).collect();
        if multi && first_keys.get_or_insert_with(|| keys.clone()) != &keys {
            return Err(Refusal::new(
                row.line,
                "rows of op.bulk_insert() with different keys (Alembic's executemany fails on \
                 them; say multiinsert=False)"
                    .to_string(),
            ));
        }
        out.push(both(call.line, |d| insert_sql(&table, &values, d)));
    }
    Ok(out)
}

/// A value of a row.
#[derive(Clone, Debug, PartialEq)]
enum Value {
    Null,
    Int(i64),
    Float(f64),
    Str(String),
    Bool(bool),
}

fn insert_sql(table: &str, values: &[(String, Value)], d: Dialect) -> String {
    let cols: Vec<String> = values.iter().map(|(c, _)| quote(c, d)).collect();
    let vals: Vec<String> = values
        .iter()
        .map(|(_, v)| match v {
            Value::Null => "NULL".to_string(),
            Value::Int(i) => i.to_string(),
            Value::Float(f) => format!("{f:?}"),
            Value::Bool(b) => match (d, b) {
                (Dialect::Sqlite, true) => "1".to_string(),
                (Dialect::Sqlite, false) => "0".to_string(),
                (Dialect::Postgresql, b) => b.to_string(),
            },
            Value::Str(s) => {
                let mut out = String::new();
                d.push_literal(&mut out, s);
                out
            }
        })
        .collect();
    format!(
        "INSERT INTO {} ({}) VALUES ({})",
        quote(table, d),
        cols.join(", "),
        vals.join(", ")
    )
}

/// One row: its keys in the table's column order, with their values.
fn row_values(
    row: &Expr,
    columns: &[String],
    names: &Names,
    multi: bool,
) -> Result<Vec<(String, Value)>, Refusal> {
    let ExprKind::Dict(pairs) = &row.kind else {
        return Err(Refusal::new(
            row.line,
            format!(
                "a row {} of op.bulk_insert() (not a dict literal)",
                short_expr(row)
            ),
        ));
    };
    let mut given = Vec::new();
    for (key, value) in pairs {
        let key = key.as_str().ok_or_else(|| {
            Refusal::new(
                key.line,
                format!("a row key {} (not a string)", short_expr(key)),
            )
        })?;
        if !columns.iter().any(|c| c == key) {
            return Err(Refusal::new(
                row.line,
                format!(
                    "a row of op.bulk_insert() with '{key}', which is not a column of the table"
                ),
            ));
        }
        given.push((key.to_string(), literal(value, names, multi)?));
    }
    Ok(columns
        .iter()
        .filter_map(|c| given.iter().find(|(k, _)| k == c).cloned())
        .collect())
}

/// A literal value, or `op.inline_literal(literal)` (not in an executemany: `multi`).
fn literal(expr: &Expr, names: &Names, multi: bool) -> Result<Value, Refusal> {
    Ok(match &expr.kind {
        ExprKind::None => Value::Null,
        ExprKind::Int(i) => Value::Int(*i),
        ExprKind::Float(f) => Value::Float(*f),
        ExprKind::Bool(b) => Value::Bool(*b),
        ExprKind::Str(s) => Value::Str(s.clone()),
        _ => match CallArgs::of(expr, names) {
            Some(call) if call.path == "alembic.op.inline_literal" => {
                call.check(1, &["value", "type_"])?;
                if multi {
                    return Err(Refusal::new(
                        call.line,
                        "op.inline_literal() in op.bulk_insert() rows (Alembic's executemany \
                         can't bind it; say multiinsert=False)"
                            .to_string(),
                    ));
                }
                let inner = call.arg(0, "value").ok_or_else(|| {
                    Refusal::new(call.line, "op.inline_literal() without value".to_string())
                })?;
                return literal(inner, names, multi);
            }
            _ => {
                return Err(Refusal::new(
                    expr.line,
                    format!(
                        "the value {} in op.bulk_insert() (not a literal)",
                        short_expr(expr)
                    ),
                ))
            }
        },
    })
}

/// The table's name and column names, from `sa.table`, `sa.Table` or `op.create_table`.
fn table_shape(expr: &Expr, names: &Names) -> Result<(String, Vec<String>), Refusal> {
    let refused = || {
        Refusal::new(
            expr.line,
            format!(
                "op.bulk_insert() into {} (not sa.table(), sa.Table() or op.create_table())",
                short_expr(expr)
            ),
        )
    };
    let call = CallArgs::of(expr, names).ok_or_else(refused)?;
    let skip = match call.path.as_str() {
        "sqlalchemy.table" | "sqlalchemy.sql.table" | "sqlalchemy.sql.expression.table" => 1,
        "sqlalchemy.Table" => 2,
        "alembic.op.create_table" => 1,
        _ => return Err(refused()),
    };
    let name = string(
        call.args.first().ok_or_else(refused)?,
        names,
        "a table name",
    )?;
    let mut columns = Vec::new();
    for arg in call.args.iter().skip(skip) {
        let Some(col) = CallArgs::of(arg, names) else {
            return Err(refused());
        };
        match col.path.as_str() {
            "sqlalchemy.column" | "sqlalchemy.sql.column" | "sqlalchemy.Column" => {
                let first = col.args.first().ok_or_else(refused)?;
                columns.push(string(first, names, "a column name")?);
            }
            // The constraints of op.create_table's table hold no columns.
            _ if skip == 1 && call.path == "alembic.op.create_table" => {}
            _ => return Err(refused()),
        }
    }
    Ok((name, columns))
}
