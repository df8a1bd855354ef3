//! The calls that alter an existing table's constraints and columns: `create_foreign_key`,
//! `create_unique_constraint`, `create_primary_key`, `create_check_constraint`,
//! `drop_constraint` and `alter_column`, as `op.*` calls (the table is an argument) and as
//! `batch_op.*` calls (the table is the batch's).
//!
//! On PostgreSQL each is the `ALTER TABLE` (or `COMMENT ON COLUMN`) Alembic emits. On SQLite,
//! outside batch mode, Alembic refuses the constraint calls ("No support for ALTER of
//! constraints in SQLite dialect") and renders `alter_column`'s type, nullability, default and
//! comment changes as SQL that SQLite can't run; those calls are refused on SQLite here, before
//! anything runs, and only a rename (`ALTER TABLE … RENAME COLUMN`) goes through. In batch
//! mode the SQLite statement is the same portable `ALTER TABLE`, marked for the schema
//! layer's translator, which rebuilds the table as Alembic's move-and-copy does.

use super::table::{constraint_name, quote, quoted_list, Constraint, Default, ForeignKey};
use super::values::{
    optional_bool, optional_string, sa_type, server_default, string, strings, CallArgs,
};
use super::{no_schema, postgresql_only, LoweredStatement, Names, Refusal};
use crate::python::ast::{Expr, ExprKind};
use crate::Dialect;

/// Where a call's table comes from: its argument at `table_pos` (`op.*`), or the batch.
pub struct Target<'c, 'a> {
    pub call: &'c CallArgs<'a>,
    /// The batch's table, for `batch_op.*` calls.
    pub batch: Option<&'c str>,
    /// The position of the table argument in the `op.*` form.
    pub table_pos: usize,
}

impl<'a> Target<'_, 'a> {
    /// Argument `i` of the `op.*` form (or keyword `name`); the batch form lacks the table.
    pub fn arg(&self, i: usize, name: &str) -> Option<&'a Expr> {
        let i = match self.batch {
            Some(_) if i > self.table_pos => i - 1,
            _ => i,
        };
        self.call.arg(i, name)
    }

    pub fn required(&self, i: usize, name: &str) -> Result<&'a Expr, Refusal> {
        self.arg(i, name).ok_or_else(|| {
            Refusal::new(
                self.call.line,
                format!("{} without {name}", self.call.short()),
            )
        })
    }

    /// The table the call alters.
    pub fn table(&self, names: &Names, key: &str) -> Result<String, Refusal> {
        match self.batch {
            Some(table) => Ok(table.to_string()),
            None => string(self.required(self.table_pos, key)?, names, "a table name"),
        }
    }

    /// The same call, with its `op.*` form's table argument at `table_pos`.
    pub fn table_at(&self, table_pos: usize) -> Self {
        Target { table_pos, ..*self }
    }

    /// `check` of the `op.*` form's `max` positional arguments.
    pub fn check(&self, max: usize, allowed: &[&str]) -> Result<(), Refusal> {
        let max = if self.batch.is_some() { max - 1 } else { max };
        self.call.check(max, allowed)?;
        no_schema(self.call)
    }

    /// The statement, for both engines in batch mode; else refused on SQLite with `why`.
    fn statement(&self, why: &str, render: impl Fn(Dialect) -> String) -> LoweredStatement {
        let line = self.call.line;
        match self.batch {
            Some(_) => LoweredStatement {
                sqlite_portable: true,
                verbatim: false,
                ..super::both(line, render)
            },
            None => postgresql_only(
                line,
                format!(
                    "{} outside op.batch_alter_table() on SQLite ({why})",
                    self.call.short()
                ),
                render(Dialect::Postgresql),
            ),
        }
    }
}

const NO_CONSTRAINT_ALTER: &str =
    "SQLite has no ALTER of constraints; Alembic refuses it too, and points to batch mode";

/// Lowers one of this module's calls; `None` for any other call.
pub fn lower(
    target: &Target<'_, '_>,
    names: &Names,
) -> Option<Result<Vec<LoweredStatement>, Refusal>> {
    let path = &target.call.path;
    let op = path
        .strip_prefix("alembic.op.")
        .or_else(|| path.strip_prefix("alembic.batch_op."))?;
    Some(match op {
        "add_column" => super::columns::add_column(target, names),
        "drop_column" => super::columns::drop_column(target, names),
        "create_index" => super::columns::create_index(target, names),
        "drop_index" => super::columns::drop_index(target, names),
        "create_foreign_key" => create_foreign_key(target, names),
        "create_unique_constraint" | "create_primary_key" => create_key(target, names, op),
        "create_check_constraint" => create_check(target, names),
        "drop_constraint" => drop_constraint(target, names),
        "alter_column" => alter_column(target, names),
        _ => return None,
    })
}

/// `ALTER TABLE t ADD <constraint>` on each engine.
fn add_constraint(
    target: &Target<'_, '_>,
    table: &str,
    constraint: Constraint,
) -> LoweredStatement {
    target.statement(NO_CONSTRAINT_ALTER, |d| {
        format!("ALTER TABLE {} ADD {}", quote(table, d), constraint.sql(d))
    })
}

fn create_foreign_key(
    target: &Target<'_, '_>,
    names: &Names,
) -> Result<Vec<LoweredStatement>, Refusal> {
    let t = target.table_at(1);
    t.check(
        5,
        &[
            "constraint_name",
            "source_table",
            "referent_table",
            "local_cols",
            "remote_cols",
            "ondelete",
            "onupdate",
            "source_schema",
            "referent_schema",
        ],
    )?;
    for key in ["source_schema", "referent_schema"] {
        if let Some(e) = t.call.keyword(key).filter(|e| e.kind != ExprKind::None) {
            return Err(Refusal::new(
                e.line,
                format!("{key}= of {}", t.call.short()),
            ));
        }
    }
    let name = optional_string(t.arg(0, "constraint_name"), names, "a constraint name")?;
    let table = t.table(names, "source_table")?;
    let referent = string(t.required(2, "referent_table")?, names, "a table name")?;
    let fk = ForeignKey {
        name,
        columns: strings(t.required(3, "local_cols")?, names, "a column name")?,
        table: referent,
        referred: strings(t.required(4, "remote_cols")?, names, "a column name")?,
        ondelete: optional_string(t.call.keyword("ondelete"), names, "ondelete")?,
        onupdate: optional_string(t.call.keyword("onupdate"), names, "onupdate")?,
    };
    Ok(vec![add_constraint(&t, &table, Constraint::ForeignKey(fk))])
}

/// `create_unique_constraint` and `create_primary_key`.
fn create_key(
    target: &Target<'_, '_>,
    names: &Names,
    op: &str,
) -> Result<Vec<LoweredStatement>, Refusal> {
    let t = target.table_at(1);
    t.check(3, &["schema"])?;
    let name = optional_string(t.arg(0, "constraint_name"), names, "a constraint name")?;
    let table = t.table(names, "table_name")?;
    let columns = strings(t.required(2, "columns")?, names, "a column name")?;
    if op == "create_unique_constraint" {
        return Ok(vec![add_constraint(
            &t,
            &table,
            Constraint::Unique { name, columns },
        )]);
    }
    Ok(vec![t.statement(NO_CONSTRAINT_ALTER, |d| {
        format!(
            "ALTER TABLE {} ADD {}PRIMARY KEY ({})",
            quote(&table, d),
            constraint_name(&name, d),
            quoted_list(&columns, d)
        )
    })])
}

fn create_check(target: &Target<'_, '_>, names: &Names) -> Result<Vec<LoweredStatement>, Refusal> {
    let t = target.table_at(1);
    t.check(3, &["schema"])?;
    let name = optional_string(t.arg(0, "constraint_name"), names, "a constraint name")?;
    let table = t.table(names, "table_name")?;
    let sql = sql_text(t.required(2, "condition")?, names)?;
    Ok(vec![add_constraint(
        &t,
        &table,
        Constraint::Check { name, sql },
    )])
}

/// A literal SQL string, or `sa.text()` of one.
pub fn sql_text(expr: &Expr, names: &Names) -> Result<String, Refusal> {
    if let Some(s) = expr.as_str() {
        return Ok(s.to_string());
    }
    match CallArgs::of(expr, names) {
        Some(call) if call.path == "sqlalchemy.text" && call.args.len() == 1 => {
            call.check(1, &[])?;
            string(&call.args[0], names, "SQL text")
        }
        _ => Err(Refusal::new(
            expr.line,
            format!(
                "{} as SQL (not a string literal or sa.text() of one)",
                super::values::short_expr(expr)
            ),
        )),
    }
}

fn drop_constraint(
    target: &Target<'_, '_>,
    names: &Names,
) -> Result<Vec<LoweredStatement>, Refusal> {
    let t = target.table_at(1);
    t.check(
        3,
        &[
            "constraint_name",
            "table_name",
            "type_",
            "schema",
            "if_exists",
        ],
    )?;
    let name_expr = t.required(0, "constraint_name")?;
    if name_expr.kind == ExprKind::None {
        return Err(Refusal::new(
            name_expr.line,
            format!("{} of an unnamed constraint (None)", t.call.short()),
        ));
    }
    let name = string(name_expr, names, "a constraint name")?;
    let table = t.table(names, "table_name")?;
    if let Some(ty) = t.arg(2, "type_") {
        let kind = optional_string(Some(ty), names, "type_")?;
        if !matches!(
            kind.as_deref(),
            None | Some("foreignkey" | "unique" | "check" | "primary")
        ) {
            return Err(Refusal::new(
                ty.line,
                format!("type_={kind:?} of {}", t.call.short()),
            ));
        }
    }
    let if_exists = match t.call.keyword("if_exists") {
        Some(e) if e.kind != ExprKind::None => super::values::boolean(Some(e), false, "if_exists")?,
        _ => false,
    };
    Ok(vec![t.statement(NO_CONSTRAINT_ALTER, |d| {
        format!(
            "ALTER TABLE {} DROP CONSTRAINT {}{}",
            quote(&table, d),
            if if_exists { "IF EXISTS " } else { "" },
            quote(&name, d)
        )
    })])
}

/// What `alter_column` changes, in the order Alembic emits it on PostgreSQL.
struct ColumnAlter {
    ty: Option<super::table::SaType>,
    using: Option<String>,
    nullable: Option<bool>,
    /// `Some(None)`: `server_default=None`, the default dropped.
    default: Option<Option<Default>>,
    /// `Some(None)`: `comment=None`, the comment removed.
    comment: Option<Option<String>>,
    new_name: Option<String>,
}

const ALTER_KEYWORDS: &[&str] = &[
    "table_name",
    "column_name",
    "nullable",
    "comment",
    "server_default",
    "new_column_name",
    "type_",
    "existing_type",
    "existing_server_default",
    "existing_nullable",
    "existing_comment",
    "existing_autoincrement",
    "autoincrement",
    "postgresql_using",
    "schema",
];

fn read_alter(t: &Target<'_, '_>, names: &Names) -> Result<ColumnAlter, Refusal> {
    let call = t.call;
    let present = |k: &str| call.keyword(k);
    let default = match present("server_default") {
        None => None,
        Some(e) if e.kind == ExprKind::Bool(false) => None,
        Some(e) => Some(server_default(Some(e), names)?),
    };
    let comment = match present("comment") {
        None => None,
        Some(e) if e.kind == ExprKind::Bool(false) => None,
        Some(e) => Some(optional_string(Some(e), names, "a comment")?),
    };
    let ty = match present("type_").filter(|e| e.kind != ExprKind::None) {
        Some(e) => Some(sa_type(e, names)?),
        None => None,
    };
    let using = optional_string(present("postgresql_using"), names, "postgresql_using")?;
    if using.is_some() && ty.is_none() {
        return Err(Refusal::new(
            call.line,
            "postgresql_using= without type_= (Alembic refuses it too)".to_string(),
        ));
    }
    Ok(ColumnAlter {
        ty,
        using,
        nullable: optional_bool(present("nullable"), "nullable")?,
        default,
        comment,
        new_name: optional_string(present("new_column_name"), names, "a column name")?,
    })
}

fn alter_column(target: &Target<'_, '_>, names: &Names) -> Result<Vec<LoweredStatement>, Refusal> {
    let t = target.table_at(0);
    t.check(2, ALTER_KEYWORDS)?;
    let table = t.table(names, "table_name")?;
    let column = string(t.required(1, "column_name")?, names, "a column name")?;
    let alter = read_alter(&t, names)?;
    let alter_col = |d: Dialect| {
        format!(
            "ALTER TABLE {} ALTER COLUMN {}",
            quote(&table, d),
            quote(&column, d)
        )
    };
    let mut out = Vec::new();
    let cant = "SQLite's ALTER TABLE can't change a column; Alembic emits ALTER COLUMN, which SQLite rejects";
    if let Some(ty) = &alter.ty {
        let using = alter
            .using
            .as_ref()
            .map(|u| format!(" USING {u}"))
            .unwrap_or_default();
        out.push(t.statement(cant, |d| {
            format!(
                "{} TYPE {}{}",
                alter_col(d),
                ty.sql(d),
                match d {
                    Dialect::Postgresql => using.as_str(),
                    Dialect::Sqlite => "",
                }
            )
        }));
    }
    if let Some(nullable) = alter.nullable {
        let what = if nullable {
            "DROP NOT NULL"
        } else {
            "SET NOT NULL"
        };
        out.push(t.statement(cant, |d| format!("{} {what}", alter_col(d))));
    }
    if let Some(default) = &alter.default {
        out.push(t.statement(cant, |d| match default {
            Some(value) => format!("{} SET DEFAULT {}", alter_col(d), value.sql(d)),
            None => format!("{} DROP DEFAULT", alter_col(d)),
        }));
    }
    if let Some(comment) = &alter.comment {
        let mut text = String::new();
        match comment {
            Some(c) => Dialect::Postgresql.push_literal(&mut text, c),
            None => text.push_str("NULL"),
        }
        out.push(comment_statement(&t, &table, &column, text));
    }
    if let Some(new) = &alter.new_name {
        out.push(super::both(t.call.line, |d| {
            let rename = match d {
                Dialect::Sqlite => "RENAME COLUMN",
                Dialect::Postgresql => "RENAME",
            };
            format!(
                "ALTER TABLE {} {rename} {} TO {}",
                quote(&table, d),
                quote(&column, d),
                quote(new, d)
            )
        }));
    }
    Ok(out)
}

/// `COMMENT ON COLUMN`: PostgreSQL only; SQLite keeps no comments, and Alembic's SQLite
/// dialect can't render one outside batch mode; in batch mode the rebuilt table is created
/// without it.
fn comment_statement(
    t: &Target<'_, '_>,
    table: &str,
    column: &str,
    text: String,
) -> LoweredStatement {
    let d = Dialect::Postgresql;
    let sql = format!(
        "COMMENT ON COLUMN {}.{} IS {text}",
        quote(table, d),
        quote(column, d)
    );
    if t.batch.is_some() {
        // The rebuilt table is created without it, as SQLAlchemy's SQLite dialect does.
        return postgresql_only(t.call.line, String::new(), sql).on_sqlite_nothing();
    }
    postgresql_only(
        t.call.line,
        format!("comment= of {} on SQLite (SQLite keeps no column comments; Alembic can't render one there either)", t.call.short()),
        sql,
    )
}
