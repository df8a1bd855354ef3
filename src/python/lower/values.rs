//! The argument values of `op.*` calls: literals, `op.f(...)`, `sa.text(...)`, and the
//! SQLAlchemy objects (`sa.Column`, types, constraints) read into [`super::table`] shapes.

use super::table::{Column, Constraint, Default, ForeignKey, SaType};
use super::{Names, Refusal};
use crate::python::ast::{Expr, ExprKind, FPart, Keyword};

/// A call's parts, with its canonical function path (`sqlalchemy.Column`).
pub struct CallArgs<'a> {
    pub path: String,
    pub line: usize,
    pub args: &'a [Expr],
    pub keywords: &'a [Keyword],
}

impl<'a> CallArgs<'a> {
    /// The call `expr` is, its function resolved through the module's imports.
    pub fn of(expr: &'a Expr, names: &Names) -> Option<CallArgs<'a>> {
        match &expr.kind {
            ExprKind::Call {
                func,
                args,
                keywords,
            } => Some(CallArgs {
                path: names.resolve(func)?,
                line: expr.line,
                args,
                keywords,
            }),
            _ => None,
        }
    }

    pub fn keyword(&self, name: &str) -> Option<&'a Expr> {
        self.keywords
            .iter()
            .find(|k| k.name == name)
            .map(|k| &k.value)
    }

    /// Positional argument `i`, else keyword `name`.
    pub fn arg(&self, i: usize, name: &str) -> Option<&'a Expr> {
        self.args.get(i).or_else(|| self.keyword(name))
    }

    /// Refuses any keyword not in `allowed`, and more than `max` positional arguments.
    pub fn check(&self, max: usize, allowed: &[&str]) -> Result<(), Refusal> {
        if let Some(extra) = self.args.get(max) {
            return Err(Refusal::new(
                extra.line,
                format!("argument {} of {}", max + 1, self.short()),
            ));
        }
        match self
            .keywords
            .iter()
            .find(|k| !allowed.contains(&k.name.as_str()))
        {
            Some(k) => Err(Refusal::new(
                k.value.line,
                format!("{}={} of {}", k.name, short_expr(&k.value), self.short()),
            )),
            None => Ok(()),
        }
    }

    /// The call's name as a revision writes it: `sa.Column`, `op.create_table`.
    pub fn short(&self) -> String {
        let path = self
            .path
            .strip_prefix("alembic.")
            .or_else(|| self.path.strip_prefix("sqlalchemy."))
            .map_or(self.path.clone(), |rest| {
                match self.path.starts_with("alembic.") {
                    true => rest.to_string(),
                    false => format!("sa.{rest}"),
                }
            });
        format!("{path}()")
    }
}

/// How an expression is named in a message.
pub fn short_expr(expr: &Expr) -> String {
    match &expr.kind {
        ExprKind::Str(s) => format!("{s:?}"),
        ExprKind::Int(i) => i.to_string(),
        ExprKind::Bool(b) => if *b { "True" } else { "False" }.to_string(),
        ExprKind::None => "None".to_string(),
        ExprKind::Unsupported(what) => what.clone(),
        _ => call_chain(expr).unwrap_or_else(|| "an expression".to_string()),
    }
}

/// A chain of names, attributes and calls as a message names it: `conn.execute(...).fetchall()`.
fn call_chain(expr: &Expr) -> Option<String> {
    match &expr.kind {
        ExprKind::Name(n) => Some(n.clone()),
        ExprKind::Attribute { value, attr } => Some(format!("{}.{attr}", call_chain(value)?)),
        ExprKind::Call {
            func,
            args,
            keywords,
        } => {
            let parens = if args.is_empty() && keywords.is_empty() {
                "()"
            } else {
                "(...)"
            };
            Some(format!("{}{parens}", call_chain(func)?))
        }
        _ => None,
    }
}

/// A string literal's value, also an f-string whose parts are literals (as a loop's
/// unrolled variable leaves it).
pub fn literal_str(expr: &Expr) -> Option<String> {
    match &expr.kind {
        ExprKind::Str(s) => Some(s.clone()),
        ExprKind::FString(parts) => parts
            .iter()
            .map(|p| match p {
                FPart::Text(t) => Some(t.clone()),
                FPart::Expr(e) => match &e.kind {
                    ExprKind::Str(s) => Some(s.clone()),
                    ExprKind::Int(i) => Some(i.to_string()),
                    _ => None,
                },
            })
            .collect(),
        _ => None,
    }
}

/// A string: a literal, or `op.f("literal")` (also `batch_op.f`).
pub fn string(expr: &Expr, names: &Names, what: &str) -> Result<String, Refusal> {
    if let Some(s) = literal_str(expr) {
        return Ok(s);
    }
    if let ExprKind::Call { func, args, .. } = &expr.kind {
        // `batch_op` is no import: a name the imports don't know, as a batch's alias.
        let is_f = names.resolve(func).as_deref() == Some("alembic.op.f")
            || matches!(&func.kind, ExprKind::Attribute { value, attr }
                if attr == "f" && value.as_name().is_some() && names.resolve(value).is_none());
        if let (true, [only]) = (is_f, args.as_slice()) {
            if let Some(s) = literal_str(only) {
                return Ok(s);
            }
        }
    }
    Err(Refusal::new(
        expr.line,
        format!("{what} {} (not a string literal)", short_expr(expr)),
    ))
}

/// `None` or a string.
pub fn optional_string(
    expr: Option<&Expr>,
    names: &Names,
    what: &str,
) -> Result<Option<String>, Refusal> {
    match expr {
        None => Ok(None),
        Some(e) if e.kind == ExprKind::None => Ok(None),
        Some(e) => string(e, names, what).map(Some),
    }
}

/// A list or tuple of strings (or one string).
pub fn strings(expr: &Expr, names: &Names, what: &str) -> Result<Vec<String>, Refusal> {
    match &expr.kind {
        ExprKind::List(items) | ExprKind::Tuple(items) => {
            items.iter().map(|e| string(e, names, what)).collect()
        }
        _ => string(expr, names, what).map(|s| vec![s]),
    }
}

/// `True` / `False`, or `default` when absent.
pub fn boolean(expr: Option<&Expr>, default: bool, what: &str) -> Result<bool, Refusal> {
    match expr.map(|e| (e, &e.kind)) {
        None => Ok(default),
        Some((_, ExprKind::Bool(b))) => Ok(*b),
        Some((e, _)) => Err(Refusal::new(
            e.line,
            format!("{what}={} (not True or False)", short_expr(e)),
        )),
    }
}

/// `nullable=`: `True`, `False`, or absent.
pub fn optional_bool(expr: Option<&Expr>, what: &str) -> Result<Option<bool>, Refusal> {
    match expr {
        None => Ok(None),
        Some(e) if e.kind == ExprKind::None => Ok(None),
        Some(e) => boolean(Some(e), false, what).map(Some),
    }
}

/// `sa.Column(name, type, *ForeignKey, **options)`.
pub fn column(expr: &Expr, names: &Names) -> Result<Column, Refusal> {
    let call = CallArgs::of(expr, names)
        .filter(|c| c.path == "sqlalchemy.Column")
        .ok_or_else(|| Refusal::new(expr.line, format!("{} as a column", short_expr(expr))))?;
    call.check(
        usize::MAX,
        &[
            "nullable",
            "primary_key",
            "server_default",
            "unique",
            "index",
            "autoincrement",
        ],
    )?;
    let name_expr = call
        .args
        .first()
        .ok_or_else(|| Refusal::new(call.line, "sa.Column() without a name".to_string()))?;
    let name = string(name_expr, names, "a column name")?;
    let ty_expr = call
        .args
        .get(1)
        .ok_or_else(|| Refusal::new(call.line, format!("column '{name}' without a type")))?;
    let mut foreign_keys = Vec::new();
    for extra in call.args.iter().skip(2) {
        foreign_keys.push(column_foreign_key(extra, &name, names)?);
    }
    Ok(Column {
        ty: sa_type(ty_expr, names)?,
        nullable: optional_bool(call.keyword("nullable"), "nullable")?,
        primary_key: boolean(call.keyword("primary_key"), false, "primary_key")?,
        default: server_default(call.keyword("server_default"), names)?,
        unique: boolean(call.keyword("unique"), false, "unique")?,
        index: boolean(call.keyword("index"), false, "index")?,
        autoincrement: match call.keyword("autoincrement") {
            Some(e) if e.as_str() == Some("auto") => true,
            other => boolean(other, true, "autoincrement")?,
        },
        foreign_keys,
        name,
    })
}

/// `server_default='0'` or `server_default=sa.text('now()')`.
pub fn server_default(expr: Option<&Expr>, names: &Names) -> Result<Option<Default>, Refusal> {
    let Some(expr) = expr.filter(|e| e.kind != ExprKind::None) else {
        return Ok(None);
    };
    if let Some(s) = expr.as_str() {
        return Ok(Some(Default::Literal(s.to_string())));
    }
    let refused = |what: String| Err(Refusal::new(expr.line, format!("server_default={what}")));
    let Some(call) = CallArgs::of(expr, names) else {
        return refused(short_expr(expr));
    };
    let per_engine = |sqlite, postgresql| Ok(Some(Default::PerEngine { sqlite, postgresql }));
    if call.path == "sqlalchemy.text" || call.path == "sqlalchemy.literal_column" {
        call.check(1, &[])?;
        let text =
            call.args.first().and_then(Expr::as_str).ok_or_else(|| {
                Refusal::new(call.line, format!("{} of a non-literal", call.short()))
            })?;
        return Ok(Some(Default::Text(text.to_string())));
    }
    if !call.args.is_empty() || !call.keywords.is_empty() {
        return refused(call.short());
    }
    match call.path.as_str() {
        "sqlalchemy.func.now" => per_engine("CURRENT_TIMESTAMP", "now()"),
        "sqlalchemy.func.current_timestamp" => per_engine("CURRENT_TIMESTAMP", "CURRENT_TIMESTAMP"),
        "sqlalchemy.false" => per_engine("0", "false"),
        "sqlalchemy.true" => per_engine("1", "true"),
        _ => refused(call.short()),
    }
}

/// A type: `sa.Integer`, `sa.Integer()`, `sa.String(length=50)`, `sa.Numeric(10, 2)`, and the
/// forms Alembic writes for reflected columns (`sa.VARCHAR(length=50)`,
/// `postgresql.TIMESTAMP()`, `sqlite.JSON()`).
pub fn sa_type(expr: &Expr, names: &Names) -> Result<SaType, Refusal> {
    let (path, call) = match CallArgs::of(expr, names) {
        Some(call) => (call.path.clone(), Some(call)),
        None => (
            names
                .resolve(expr)
                .ok_or_else(|| Refusal::new(expr.line, format!("the type {}", short_expr(expr))))?,
            None,
        ),
    };
    let name = path
        .strip_prefix("sqlalchemy.types.")
        .or_else(|| path.strip_prefix("sqlalchemy.dialects.postgresql."))
        .or_else(|| path.strip_prefix("sqlalchemy.dialects.sqlite."))
        .or_else(|| path.strip_prefix("sqlalchemy."))
        .unwrap_or("");
    let call = call.as_ref();
    if let Some(ty) = parameterized(name, call)? {
        return Ok(ty);
    }
    let Some(ty) = plain_type(name) else {
        return Err(Refusal::new(
            expr.line,
            format!("the type {}", path.replacen("sqlalchemy.", "sa.", 1)),
        ));
    };
    if let Some(c) = call {
        c.check(0, &[])?;
    }
    Ok(ty)
}

/// A type that takes no arguments, by its SQLAlchemy name.
fn plain_type(name: &str) -> Option<SaType> {
    Some(match name {
        "Integer" | "INTEGER" => SaType::Integer,
        "BigInteger" | "BIGINT" => SaType::BigInteger,
        "SmallInteger" | "SMALLINT" => SaType::SmallInteger,
        "Text" | "UnicodeText" | "TEXT" => SaType::Text,
        "Boolean" | "BOOLEAN" => SaType::Boolean,
        "Date" | "DATE" => SaType::Date,
        "Time" | "TIME" => SaType::Time,
        "Float" | "FLOAT" => SaType::Float,
        "REAL" => SaType::Real,
        "LargeBinary" | "BLOB" | "BYTEA" => SaType::LargeBinary,
        "Uuid" => SaType::Uuid,
        "UUID" => SaType::NativeUuid,
        _ => return None,
    })
}

/// A type that takes arguments (`String(length=)`, `DateTime(timezone=)`, `Numeric(p, s)`…),
/// or `None` when `name` is not one.
fn parameterized(name: &str, call: Option<&CallArgs<'_>>) -> Result<Option<SaType>, Refusal> {
    let int_arg = |i: usize, key: &str| -> Result<Option<u64>, Refusal> {
        match call.and_then(|c| c.arg(i, key)) {
            None => Ok(None),
            Some(Expr {
                kind: ExprKind::Int(n),
                ..
            }) if *n >= 0 => Ok(Some(*n as u64)),
            Some(e) => Err(Refusal::new(e.line, format!("{key}={}", short_expr(e)))),
        }
    };
    let allow = |max: usize, keys: &[&str]| call.map_or(Ok(()), |c| c.check(max, keys));
    let timezone = || boolean(call.and_then(|c| c.keyword("timezone")), false, "timezone");
    Ok(Some(match name {
        "String" | "Unicode" | "VARCHAR" => {
            allow(1, &["length"])?;
            SaType::String(int_arg(0, "length")?)
        }
        "DateTime" | "DATETIME" => {
            allow(0, &["timezone"])?;
            SaType::DateTime {
                timezone: timezone()?,
            }
        }
        "TIMESTAMP" => {
            allow(0, &["timezone"])?;
            SaType::Timestamp {
                timezone: timezone()?,
            }
        }
        "DOUBLE_PRECISION" => {
            allow(0, &["precision"])?;
            SaType::DoublePrecision
        }
        "Numeric" | "NUMERIC" => {
            allow(2, &["precision", "scale"])?;
            SaType::Numeric(
                int_arg(0, "precision")?.map(|p| (p, int_arg(1, "scale").ok().flatten())),
            )
        }
        "JSON" => {
            // PostgreSQL's reflected JSON names the type its `->>` returns; DDL ignores it.
            allow(0, &["astext_type"])?;
            SaType::Json
        }
        _ => return Ok(None),
    }))
}

/// The keywords PostgreSQL's reflection adds to a unique constraint, accepted with the values
/// that change nothing (`postgresql_include=[]`, `postgresql_nulls_not_distinct=False`).
fn neutral_unique_options(call: &CallArgs<'_>) -> Result<(), Refusal> {
    if let Some(e) = call.keyword("postgresql_include") {
        if !matches!(&e.kind, ExprKind::List(items) if items.is_empty()) {
            return Err(Refusal::new(
                e.line,
                "postgresql_include other than []".to_string(),
            ));
        }
    }
    let nulls = call.keyword("postgresql_nulls_not_distinct");
    if boolean(nulls, false, "postgresql_nulls_not_distinct")? {
        return Err(Refusal::new(
            call.line,
            "postgresql_nulls_not_distinct=True".to_string(),
        ));
    }
    Ok(())
}

/// `sa.ForeignKey('table.column', ondelete=, onupdate=, name=)` on a column.
fn column_foreign_key(expr: &Expr, column: &str, names: &Names) -> Result<ForeignKey, Refusal> {
    let call = CallArgs::of(expr, names)
        .filter(|c| c.path == "sqlalchemy.ForeignKey")
        .ok_or_else(|| Refusal::new(expr.line, format!("{} in a column", short_expr(expr))))?;
    call.check(1, &["ondelete", "onupdate", "name"])?;
    let target = call
        .args
        .first()
        .ok_or_else(|| Refusal::new(call.line, "sa.ForeignKey() without a target".to_string()))?;
    let (table, referred) =
        split_target(&string(target, names, "a foreign key target")?, target.line)?;
    Ok(ForeignKey {
        name: optional_string(call.keyword("name"), names, "a constraint name")?,
        columns: vec![column.to_string()],
        table,
        referred: vec![referred],
        ondelete: optional_string(call.keyword("ondelete"), names, "ondelete")?,
        onupdate: optional_string(call.keyword("onupdate"), names, "onupdate")?,
    })
}

/// `'table.column'` → (`table`, `column`).
pub fn split_target(target: &str, line: usize) -> Result<(String, String), Refusal> {
    match target.rsplit_once('.') {
        Some((table, column)) if !table.contains('.') => {
            Ok((table.to_string(), column.to_string()))
        }
        _ => Err(Refusal::new(
            line,
            format!("the foreign key target '{target}' (expected 'table.column')"),
        )),
    }
}

/// A constraint argument of `create_table`: `(name, columns)` of a primary key, or another
/// constraint.
pub enum TableArg {
    PrimaryKey(Option<String>, Vec<String>),
    Constraint(Constraint),
}

/// `sa.PrimaryKeyConstraint`, `sa.UniqueConstraint`, `sa.ForeignKeyConstraint`,
/// `sa.CheckConstraint`.
pub fn table_constraint(call: &CallArgs<'_>, names: &Names) -> Result<TableArg, Refusal> {
    let name = optional_string(call.keyword("name"), names, "a constraint name")?;
    let positional = |what: &str| -> Result<Vec<String>, Refusal> {
        call.args.iter().map(|e| string(e, names, what)).collect()
    };
    match call.path.as_str() {
        "sqlalchemy.PrimaryKeyConstraint" => {
            call.check(usize::MAX, &["name"])?;
            Ok(TableArg::PrimaryKey(name, positional("a column name")?))
        }
        "sqlalchemy.UniqueConstraint" => {
            call.check(
                usize::MAX,
                &[
                    "name",
                    "postgresql_include",
                    "postgresql_nulls_not_distinct",
                ],
            )?;
            neutral_unique_options(call)?;
            Ok(TableArg::Constraint(Constraint::Unique {
                name,
                columns: positional("a column name")?,
            }))
        }
        "sqlalchemy.CheckConstraint" => {
            call.check(1, &["name"])?;
            let sql = call
                .args
                .first()
                .map(|e| string(e, names, "a check condition"))
                .transpose()?
                .unwrap_or_default();
            Ok(TableArg::Constraint(Constraint::Check { name, sql }))
        }
        _ => {
            call.check(2, &["name", "ondelete", "onupdate"])?;
            let (Some(cols), Some(refs)) = (call.args.first(), call.args.get(1)) else {
                return Err(Refusal::new(
                    call.line,
                    format!("{} without columns", call.short()),
                ));
            };
            let targets = strings(refs, names, "a foreign key target")?
                .iter()
                .map(|t| split_target(t, refs.line))
                .collect::<Result<Vec<_>, _>>()?;
            let table = targets.first().map(|(t, _)| t.clone()).unwrap_or_default();
            Ok(TableArg::Constraint(Constraint::ForeignKey(ForeignKey {
                name,
                columns: strings(cols, names, "a column name")?,
                table,
                referred: targets.into_iter().map(|(_, c)| c).collect(),
                ondelete: optional_string(call.keyword("ondelete"), names, "ondelete")?,
                onupdate: optional_string(call.keyword("onupdate"), names, "onupdate")?,
            })))
        }
    }
}
