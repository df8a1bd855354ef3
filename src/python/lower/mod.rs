//! A revision's `upgrade()` and `downgrade()` lowered to the SQL each engine runs, without
//! running Python.
//!
//! The subset read so far: module-level imports of `alembic`, `sqlalchemy` (and its
//! submodules), `typing`, `collections.abc` and `__future__`; literal module-level
//! assignments; and bodies made of `pass`, docstrings and these calls with literal arguments:
//!
//! - `op.create_table(name, *columns_and_constraints)` with `sa.Column(name, type,
//!   *sa.ForeignKey(...), nullable=, primary_key=, server_default=, unique=, index=,
//!   autoincrement=)` (server defaults: a string, `sa.text(...)`, `sa.literal_column(...)`,
//!   `sa.func.now()`, `sa.func.current_timestamp()`, `sa.false()`, `sa.true()`),
//!   `sa.PrimaryKeyConstraint`, `sa.ForeignKeyConstraint` (`name`, `ondelete`, `onupdate`),
//!   `sa.UniqueConstraint`, `sa.CheckConstraint`;
//! - `op.drop_table`, `op.rename_table`, `op.add_column(table, sa.Column(...))`,
//!   `op.drop_column`;
//! - `op.create_index(name, table, columns, unique=)`, `op.drop_index(name, table_name=)`,
//!   names given as literals or `op.f(...)`;
//! - `op.execute(...)` of a string literal or `sa.text(...)` of one;
//! - `op.create_foreign_key`, `op.create_unique_constraint`, `op.create_primary_key`,
//!   `op.create_check_constraint`, `op.drop_constraint(type_=)` and `op.alter_column`
//!   (`nullable`, `type_`, `server_default`, `comment`, `new_column_name`,
//!   `postgresql_using`; the `existing_*` hints are read and ignored, as Alembic ignores them
//!   outside batch mode) — see [`alter`] for what each engine makes of them;
//! - `with op.batch_alter_table(name) as batch_op:` around `batch_op.*` forms of the column,
//!   index and constraint calls ([`batch`]);
//! - `op.bulk_insert` of literal rows into a `sa.table`, `sa.Table` or created table, with
//!   `op.inline_literal` ([`rows`]);
//! - names bound in a body, `for` loops over literals, `if` tests of the engine's name, and
//!   `conn.execute(...)` on a bound `op.get_bind()` ([`scope`]); conditional expressions
//!   (`a if <test of the engine's name> else b`) anywhere in a statement ([`conditional`]).
//!
//! Types: `Integer`, `BigInteger`, `SmallInteger`, `String(n)`, `Unicode(n)`, `Text`,
//! `Boolean`, `DateTime(timezone=)`, `Date`, `Time`, `Float`, `REAL`, `Numeric(p, s)`,
//! `LargeBinary`, `JSON`, `Uuid`, `UUID`. Each call renders as SQLAlchemy 2.x compiles it for SQLite and for
//! PostgreSQL (an integer primary key is `SERIAL` on PostgreSQL, names are quoted as
//! SQLAlchemy quotes them), so the schema a `.py` revision builds is Python Alembic's.
//! Anything else is a [`Refusal`] naming the construct and its line; a call that only one
//! engine can't run is a statement refused there ([`LoweredStatement::refused_on`]).

mod alter;
mod batch;
mod columns;
mod conditional;
mod rows;
mod scope;
mod table;
mod values;
mod walk;

use std::collections::HashMap;

use self::table::{quote, Table};
use self::values::{column, string, table_constraint, CallArgs, TableArg};
use super::ast::{Expr, ExprKind, Module, Stmt, StmtKind};
use crate::Dialect;

/// What stops a body from being lowered: the construct (for "… is not supported") and its line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refusal {
    pub line: usize,
    pub what: String,
}

impl Refusal {
    fn new(line: usize, what: String) -> Refusal {
        Refusal { line, what }
    }
}

/// One statement of a lowered body: the Python line it comes from and its SQL per engine.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoweredStatement {
    pub line: usize,
    /// The 1-based column of the Python statement it comes from (the `op.*` call, or the
    /// assignment binding its result); 0 until [`lower_body`] sets it.
    pub col: usize,
    pub sqlite: String,
    pub postgresql: String,
    /// An engine on which the call can't run, and why (Alembic refuses it there too, or
    /// emits SQL the engine rejects); the statement's SQL for that engine is empty.
    pub refused_on: Option<(Dialect, String)>,
    /// The SQLite statement is a portable `ALTER TABLE` for the schema layer's translator,
    /// which rebuilds the table where SQLite can't alter it in place (batch mode).
    pub sqlite_portable: bool,
    /// The statement is SQL the revision wrote (`op.execute`, `conn.execute`), to run as
    /// written: its text is never re-laid out.
    pub verbatim: bool,
}

impl LoweredStatement {
    pub fn sql(&self, dialect: Dialect) -> &str {
        match dialect {
            Dialect::Sqlite => &self.sqlite,
            Dialect::Postgresql => &self.postgresql,
        }
    }
}

/// Both bodies of a revision; `None` when the module has no such function.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoweredBodies {
    pub upgrade: Option<Vec<LoweredStatement>>,
    pub downgrade: Option<Vec<LoweredStatement>>,
}

/// Lowers `module`'s `upgrade()` and `downgrade()`; the first construct outside the subset
/// (in the module's imports, then in the bodies) is refused.
pub fn lower_bodies(module: &Module) -> Result<LoweredBodies, Refusal> {
    let names = Names::of(module)?;
    let mut bodies = LoweredBodies {
        upgrade: None,
        downgrade: None,
    };
    for stmt in &module.body {
        if let StmtKind::FunctionDef { name, params, body } = &stmt.kind {
            let slot = match name.as_str() {
                "upgrade" => &mut bodies.upgrade,
                "downgrade" => &mut bodies.downgrade,
                _ => continue,
            };
            if !params.is_empty() {
                return Err(Refusal::new(
                    stmt.line,
                    format!("{name}() with parameters (a multi-database template)"),
                ));
            }
            *slot = Some(lower_body(body, &names)?);
        }
    }
    Ok(bodies)
}

/// One body's lowering on its own: its statements, or what stops it.
pub type BodyResult = Result<Vec<LoweredStatement>, Refusal>;

/// Each of `module`'s `upgrade()` and `downgrade()` lowered on its own (`None` when the
/// module has no such function), so that one body outside the subset leaves the other
/// readable (`alembic convert` writes what it can). A refusal of the module's imports is
/// each body's.
pub fn lower_each(module: &Module) -> (Option<BodyResult>, Option<BodyResult>) {
    let names = Names::of(module);
    let (mut upgrade, mut downgrade) = (None, None);
    for stmt in &module.body {
        if let StmtKind::FunctionDef { name, params, body } = &stmt.kind {
            let slot = match name.as_str() {
                "upgrade" => &mut upgrade,
                "downgrade" => &mut downgrade,
                _ => continue,
            };
            *slot = Some(match &names {
                Err(refusal) => Err(refusal.clone()),
                Ok(_) if !params.is_empty() => Err(Refusal::new(
                    stmt.line,
                    format!("{name}() with parameters (a multi-database template)"),
                )),
                Ok(names) => lower_body(body, names),
            });
        }
    }
    (upgrade, downgrade)
}

/// The module's imported names, each mapped to the dotted path it stands for.
pub struct Names {
    map: HashMap<String, String>,
}

/// Modules a revision may import.
const ALLOWED_IMPORTS: &[&str] = &[
    "alembic",
    "sqlalchemy",
    "typing",
    "collections",
    "__future__",
];

impl Names {
    fn of(module: &Module) -> Result<Names, Refusal> {
        let mut map = HashMap::new();
        for stmt in &module.body {
            match &stmt.kind {
                StmtKind::Import(imports) => {
                    for import in imports {
                        check_import(&import.name, stmt.line)?;
                        let bound = import.alias.clone().unwrap_or_else(|| {
                            import.name.split('.').next().unwrap_or("").to_string()
                        });
                        let path = match &import.alias {
                            Some(_) => import.name.clone(),
                            None => bound.clone(),
                        };
                        map.insert(bound, path);
                    }
                }
                StmtKind::ImportFrom {
                    module,
                    names,
                    star,
                } => {
                    check_import(module, stmt.line)?;
                    if *star {
                        return Err(Refusal::new(stmt.line, format!("from {module} import *")));
                    }
                    for name in names {
                        let bound = name.alias.clone().unwrap_or_else(|| name.name.clone());
                        map.insert(bound, format!("{module}.{}", name.name));
                    }
                }
                _ => {}
            }
        }
        Ok(Names { map })
    }

    /// The dotted path a name or attribute chain stands for: `sa.Column` →
    /// `sqlalchemy.Column`; `None` for anything else.
    pub fn resolve(&self, expr: &Expr) -> Option<String> {
        let dotted = expr.dotted()?;
        let (head, rest) = dotted.split_once('.').unwrap_or((&dotted, ""));
        let base = self.map.get(head)?;
        Some(if rest.is_empty() {
            base.clone()
        } else {
            format!("{base}.{rest}")
        })
    }
}

fn check_import(module: &str, line: usize) -> Result<(), Refusal> {
    let top = module.split('.').next().unwrap_or("");
    if ALLOWED_IMPORTS.contains(&top) {
        return Ok(());
    }
    Err(Refusal::new(line, format!("an import of {module}")))
}

fn lower_body(body: &[Stmt], names: &Names) -> Result<Vec<LoweredStatement>, Refusal> {
    let mut out = Vec::new();
    for (i, stmt) in body.iter().enumerate() {
        let first = out.len();
        if conditional::has_conditional(stmt) {
            // The rest of the body was lowered once per engine.
            out.extend(conditional::per_engine(&body[i..], names)?);
            at_column(&mut out[first..], stmt.col);
            break;
        }
        lower_stmt(&mut out, (i, stmt), body, names)?;
        at_column(&mut out[first..], stmt.col);
        if matches!(stmt.kind, StmtKind::Assign { value: Some(_), .. }) {
            // The rest of the body was lowered with the assignment's name bound.
            break;
        }
    }
    Ok(out)
}

/// Gives the statements that have no column yet (those of a nested block have theirs) the
/// column `col`.
pub(super) fn at_column(statements: &mut [LoweredStatement], col: usize) {
    for s in statements.iter_mut().filter(|s| s.col == 0) {
        s.col = col;
    }
}

/// Lowers the `i`th statement of `body` into `out` (an assignment: with the rest of `body`).
fn lower_stmt(
    out: &mut Vec<LoweredStatement>,
    (i, stmt): (usize, &Stmt),
    body: &[Stmt],
    names: &Names,
) -> Result<(), Refusal> {
    match &stmt.kind {
        StmtKind::Pass => {}
        StmtKind::Expr(Expr {
            kind: ExprKind::Str(_),
            ..
        }) => {}
        StmtKind::Expr(expr) => out.extend(lower_call(expr, names)?),
        StmtKind::With { items, body } if batch::is_batch(items, names) => {
            out.extend(batch::lower(stmt.line, items, body, names)?)
        }
        StmtKind::Assign {
            targets,
            value: Some(value),
            ..
        } => {
            let name = scope::bound_name(stmt.line, targets)?;
            let mut bound = scope::bind(value, names)?;
            at_column(&mut bound, stmt.col);
            out.extend(bound);
            let rest = scope::substitute(&body[i + 1..], name, value);
            out.extend(lower_body(&rest, names)?);
        }
        StmtKind::For {
            target,
            iter,
            body: inner,
        } => out.extend(scope::unroll_loop(stmt.line, target, iter, inner, names)?),
        StmtKind::If { branches, orelse } => {
            out.extend(scope::dialect_branches(branches, orelse.as_deref(), names)?)
        }
        other => return Err(Refusal::new(stmt.line, describe(other))),
    }
    Ok(())
}

/// How a message names a statement outside the subset.
fn describe(stmt: &StmtKind) -> String {
    match stmt {
        StmtKind::Assign { .. } => "an assignment in a body".to_string(),
        StmtKind::For { .. } => "a for loop".to_string(),
        StmtKind::If { .. } => "an if statement".to_string(),
        StmtKind::With { .. } => "a with block".to_string(),
        StmtKind::Return(_) => "a return".to_string(),
        StmtKind::FunctionDef { .. } => "a nested function".to_string(),
        StmtKind::ClassDef { .. } => "a class definition".to_string(),
        StmtKind::Import(_) | StmtKind::ImportFrom { .. } => "an import in a body".to_string(),
        StmtKind::DecoratedFunction { .. } => "a decorated definition".to_string(),
        StmtKind::Unsupported(what) => what.clone(),
        StmtKind::Expr(_) | StmtKind::Pass => "this statement".to_string(),
    }
}

/// Both engines' SQL of one call.
fn both(line: usize, render: impl Fn(Dialect) -> String) -> LoweredStatement {
    LoweredStatement {
        line,
        col: 0,
        sqlite: render(Dialect::Sqlite),
        postgresql: render(Dialect::Postgresql),
        refused_on: None,
        sqlite_portable: false,
        verbatim: false,
    }
}

impl LoweredStatement {
    /// The statement marked as SQL the revision wrote.
    fn verbatim(mut self) -> LoweredStatement {
        self.verbatim = true;
        self
    }

    /// The statement with nothing to run on SQLite (and nothing refused there).
    fn on_sqlite_nothing(mut self) -> LoweredStatement {
        self.sqlite.clear();
        self.refused_on = None;
        self
    }

    /// The statement as it runs on `dialect` alone: nothing on the other engine.
    fn only_on(mut self, dialect: Dialect) -> LoweredStatement {
        match dialect {
            Dialect::Sqlite => self.postgresql.clear(),
            Dialect::Postgresql => {
                self.sqlite.clear();
                self.sqlite_portable = false;
            }
        }
        if self.refused_on.as_ref().is_some_and(|(d, _)| *d != dialect) {
            self.refused_on = None;
        }
        self
    }
}

/// A call that runs on PostgreSQL only: on SQLite it is refused with `why`.
fn postgresql_only(line: usize, why: String, postgresql: String) -> LoweredStatement {
    LoweredStatement {
        line,
        col: 0,
        sqlite: String::new(),
        postgresql,
        refused_on: Some((Dialect::Sqlite, why)),
        sqlite_portable: false,
        verbatim: false,
    }
}

fn lower_call(expr: &Expr, names: &Names) -> Result<Vec<LoweredStatement>, Refusal> {
    if let Some(args) = scope::connection_execute(expr, names) {
        let [sql] = args else {
            return Err(Refusal::new(
                expr.line,
                "a connection's execute() with parameters".to_string(),
            ));
        };
        let sql = execute_text(sql, names)?;
        return Ok(vec![both(expr.line, |_| sql.clone()).verbatim()]);
    }
    let call = CallArgs::of(expr, names).ok_or_else(|| {
        Refusal::new(
            expr.line,
            match &expr.kind {
                ExprKind::Call { func, .. } => format!(
                    "a call of {}()",
                    func.dotted().unwrap_or_else(|| "an expression".to_string())
                ),
                ExprKind::Unsupported(what) => what.clone(),
                _ => "an expression statement".to_string(),
            },
        )
    })?;
    let line = call.line;
    let one = |s: LoweredStatement| Ok(vec![s]);
    match call.path.as_str() {
        "alembic.op.create_table" => create_table(&call, names),
        "alembic.op.bulk_insert" => rows::bulk_insert(&call, names),
        "alembic.op.execute" => {
            call.check(1, &[])?;
            let sql = execute_text(required(&call, 0, "sqltext")?, names)?;
            one(both(line, |_| sql.clone()).verbatim())
        }
        _ => table_op(&call, names),
    }
}

/// `op.drop_table`, `op.rename_table`, and the calls that alter a table ([`alter`]); any
/// other call is refused.
fn table_op(call: &CallArgs<'_>, names: &Names) -> Result<Vec<LoweredStatement>, Refusal> {
    let line = call.line;
    let one = |s: LoweredStatement| Ok(vec![s]);
    match call.path.as_str() {
        "alembic.op.drop_table" => {
            call.check(1, &["schema"])?;
            no_schema(call)?;
            let table = string(required(call, 0, "table_name")?, names, "a table name")?;
            one(both(line, |d| format!("DROP TABLE {}", quote(&table, d))))
        }
        "alembic.op.rename_table" => {
            call.check(2, &["schema"])?;
            no_schema(call)?;
            let old = string(required(call, 0, "old_table_name")?, names, "a table name")?;
            let new = string(required(call, 1, "new_table_name")?, names, "a table name")?;
            one(both(line, |d| {
                format!(
                    "ALTER TABLE {} RENAME TO {}",
                    quote(&old, d),
                    quote(&new, d)
                )
            }))
        }
        _ => {
            let target = alter::Target {
                call,
                batch: None,
                table_pos: 0,
            };
            alter::lower(&target, names).unwrap_or_else(|| Err(Refusal::new(line, call.short())))
        }
    }
}

/// Positional argument `i` (or keyword `name`), which the call must have.
fn required<'a>(call: &CallArgs<'a>, i: usize, name: &str) -> Result<&'a Expr, Refusal> {
    call.arg(i, name)
        .ok_or_else(|| Refusal::new(call.line, format!("{} without {name}", call.short())))
}

/// `schema=` other than `None`.
fn no_schema(call: &CallArgs<'_>) -> Result<(), Refusal> {
    match call.keyword("schema") {
        Some(e) if e.kind != ExprKind::None => {
            Err(Refusal::new(e.line, format!("schema= of {}", call.short())))
        }
        _ => Ok(()),
    }
}

/// `op.execute("...")` / `op.execute(sa.text("..."))`.
fn execute_text(expr: &Expr, names: &Names) -> Result<String, Refusal> {
    if let Some(s) = expr.as_str() {
        return Ok(s.to_string());
    }
    match CallArgs::of(expr, names) {
        Some(call) if call.path == "sqlalchemy.text" => {
            call.check(1, &[])?;
            string(required(&call, 0, "text")?, names, "SQL text")
        }
        _ => Err(Refusal::new(
            expr.line,
            "op.execute() of anything but a string literal or sa.text() of one".to_string(),
        )),
    }
}

fn create_table(call: &CallArgs<'_>, names: &Names) -> Result<Vec<LoweredStatement>, Refusal> {
    call.check(usize::MAX, &["schema"])?;
    no_schema(call)?;
    let name = string(required(call, 0, "table_name")?, names, "a table name")?;
    let mut table = Table {
        name,
        columns: Vec::new(),
        primary_key: None,
        constraints: Vec::new(),
    };
    for arg in call.args.iter().skip(1) {
        let inner = CallArgs::of(arg, names);
        match inner.as_ref().map(|c| c.path.as_str()) {
            Some("sqlalchemy.Column") => table.columns.push(column(arg, names)?),
            Some(
                "sqlalchemy.PrimaryKeyConstraint"
                | "sqlalchemy.UniqueConstraint"
                | "sqlalchemy.ForeignKeyConstraint"
                | "sqlalchemy.CheckConstraint",
            ) => match inner
                .as_ref()
                .map(|c| table_constraint(c, names))
                .transpose()?
            {
                Some(TableArg::PrimaryKey(n, cols)) => table.primary_key = Some((n, cols)),
                Some(TableArg::Constraint(c)) => table.constraints.push(c),
                None => {}
            },
            _ => {
                return Err(Refusal::new(
                    arg.line,
                    format!("{} in op.create_table()", values::short_expr(arg)),
                ))
            }
        }
    }
    let sqlite = table.create_sql(Dialect::Sqlite);
    let postgresql = table.create_sql(Dialect::Postgresql);
    Ok(sqlite
        .into_iter()
        .zip(postgresql)
        .map(|(sqlite, postgresql)| LoweredStatement {
            line: call.line,
            col: 0,
            sqlite,
            postgresql,
            refused_on: None,
            sqlite_portable: false,
            verbatim: false,
        })
        .collect())
}

#[cfg(test)]
mod tests;
