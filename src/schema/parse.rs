//! DDL text → [`Op`]s, through sqlparser's AST.
//!
//! A statement is lowered into the model only when every clause of it has a place there; a
//! statement with anything else (a type outside the map, `USING gin`, `CREATE TABLE … AS`,
//! `WITHOUT ROWID`, a schema-qualified name…) is [`Parsed::Verbatim`] and runs as written.
//! When the clause that kept it out belongs to one engine only, `only_on` says which, so the
//! translator can refuse it on the other engine with a clear message rather than let the
//! engine fail on it. Triggers are recognised by their first words only (name and table);
//! their bodies are carried as text.

use sqlparser::ast::{
    self, AlterColumnOperation, AlterTableOperation, ColumnOption, CreateTable, DataType, Expr,
    GeneratedAs, ObjectName, ObjectType, ReferentialAction, Statement, TableConstraint,
};
use sqlparser::dialect::GenericDialect;
use sqlparser::keywords::Keyword;
use sqlparser::parser::Parser;
use sqlparser::tokenizer::{Token, Tokenizer};

use crate::schema::model::{
    Action, Check, Column, ColumnChange, Constraint, ForeignKey, Index, IndexPart, Op, PrimaryKey,
    Table, Trigger, Unique,
};
use crate::schema::types::spelled_type;
use crate::sql::{is_ddl_word, leading_word};
use crate::Dialect;

/// What a statement means to the model.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Parsed {
    /// The statement's operations, and the engine whose vocabulary it is written in when it
    /// uses one engine's spelling (`AUTOINCREMENT`, `SERIAL`, `BYTEA`…).
    Ops {
        ops: Vec<Op>,
        native: Vec<(Dialect, String)>,
    },
    /// Outside the model: run as written. `only_on` names the engine an engine-only clause
    /// belongs to, with the clause.
    Verbatim { only_on: Option<(Dialect, String)> },
}

/// Why a statement stays verbatim.
struct Unsupported(Option<(Dialect, String)>);

type Lowered<T> = Result<T, Unsupported>;

fn unsupported<T>() -> Lowered<T> {
    Err(Unsupported(None))
}

fn only_on<T>(dialect: Dialect, what: &str) -> Lowered<T> {
    Err(Unsupported(Some((dialect, what.to_string()))))
}

/// Parses one statement (as the splitter cut it, without its `;`).
pub fn parse_statement(sql: &str) -> Parsed {
    // Only CREATE, ALTER and DROP statements lower into the model; anything that plainly
    // starts with another word (INSERT, UPDATE…) is verbatim without running the parser.
    if leading_word(sql).is_some_and(|w| !is_ddl_word(w)) {
        return Parsed::Verbatim { only_on: None };
    }
    if let Some(parsed) = parse_trigger(sql) {
        return parsed;
    }
    // GenericDialect reads MySQL's `KEY name (cols)` in a table body, so a column named
    // `key` fails there; PostgreSQL's grammar, which has no such clause, reads it.
    let parsed = Parser::parse_sql(&GenericDialect {}, sql)
        .or_else(|_| Parser::parse_sql(&sqlparser::dialect::PostgreSqlDialect {}, sql));
    let Ok(mut statements) = parsed else {
        return Parsed::Verbatim { only_on: None };
    };
    if statements.len() != 1 {
        return Parsed::Verbatim { only_on: None };
    }
    let mut lower = Lower { native: Vec::new() };
    match lower.statement(statements.remove(0)) {
        Ok(ops) => Parsed::Ops {
            ops,
            native: lower.native,
        },
        Err(Unsupported(only_on)) => Parsed::Verbatim { only_on },
    }
}

/// The words of a statement, upper-cased, up to `limit` of them (quoted identifiers keep
/// their case and come back as `Err(name)`).
fn words(sql: &str, limit: usize) -> Option<Vec<Result<String, String>>> {
    let tokens = Tokenizer::new(&GenericDialect {}, sql).tokenize().ok()?;
    let mut out = Vec::new();
    for token in tokens {
        match token {
            Token::Whitespace(_) => {}
            Token::Word(w) if w.quote_style.is_some() => out.push(Err(w.value)),
            Token::Word(w) => out.push(Ok(w.value.to_ascii_uppercase())),
            Token::Period => return None,
            _ => out.push(Ok(String::new())),
        }
        if out.len() >= limit {
            break;
        }
    }
    Some(out)
}

fn word_ident(word: &Result<String, String>) -> Option<String> {
    match word {
        Ok(w) if w.is_empty() => None,
        Ok(w) => Some(w.to_ascii_lowercase()),
        Err(quoted) => Some(quoted.clone()),
    }
}

/// `CREATE TRIGGER [IF NOT EXISTS] name … ON table …` and `DROP TRIGGER [IF EXISTS] name`.
fn parse_trigger(sql: &str) -> Option<Parsed> {
    // Tokenizing is the cost: a statement without the word anywhere is no trigger.
    if !sql
        .as_bytes()
        .windows(b"TRIGGER".len())
        .any(|w| w.eq_ignore_ascii_case(b"TRIGGER"))
    {
        return None;
    }
    let head = words(sql, 3)?;
    let is = |i: usize, w: &str| head.get(i).is_some_and(|x| x.as_deref() == Ok(w));
    if !(is(1, "TRIGGER") && (is(0, "CREATE") || is(0, "DROP"))) {
        return None;
    }
    let all = words(sql, 64)?;
    let is = |i: usize, w: &str| all.get(i).is_some_and(|x| x.as_deref() == Ok(w));
    let (if_flag, name_at) = if is(2, "IF") {
        (true, if is(3, "NOT") { 5 } else { 4 })
    } else {
        (false, 2)
    };
    let name = all.get(name_at).and_then(word_ident);
    let verbatim = Parsed::Verbatim { only_on: None };
    let Some(name) = name else {
        return Some(verbatim);
    };
    let op = if is(0, "DROP") {
        if all.len() != name_at + 1 {
            return Some(verbatim);
        }
        Op::DropTrigger {
            name,
            if_exists: if_flag,
        }
    } else {
        let on = (name_at + 1..all.len()).find(|&i| is(i, "ON"));
        let Some(table) = on.and_then(|i| all.get(i + 1)).and_then(word_ident) else {
            return Some(verbatim);
        };
        if if_flag {
            return Some(verbatim);
        }
        Op::CreateTrigger(Trigger {
            name,
            table,
            sql: sql.trim().to_string(),
        })
    };
    Some(Parsed::Ops {
        ops: vec![op],
        native: Vec::new(),
    })
}

/// A name as the engines resolve it: unquoted folded to lower case, quoted as written.
pub fn ident(i: &ast::Ident) -> String {
    match i.quote_style {
        Some(_) => i.value.clone(),
        None => i.value.to_ascii_lowercase(),
    }
}

fn object_name(name: &ObjectName) -> Lowered<String> {
    match name.0.as_slice() {
        [part] => match part.as_ident() {
            Some(i) => Ok(ident(i)),
            None => unsupported(),
        },
        _ => unsupported(),
    }
}

fn action(a: &Option<ReferentialAction>) -> Action {
    match a {
        None | Some(ReferentialAction::NoAction) => Action::NoAction,
        Some(ReferentialAction::Restrict) => Action::Restrict,
        Some(ReferentialAction::Cascade) => Action::Cascade,
        Some(ReferentialAction::SetNull) => Action::SetNull,
        Some(ReferentialAction::SetDefault) => Action::SetDefault,
    }
}

/// SQL text of an expression, in sqlparser's canonical form.
pub fn expr_sql(e: &Expr) -> String {
    e.to_string()
}

/// An expression without its outer parentheses (`DEFAULT (0)` is `DEFAULT 0`).
pub fn unnest(mut e: &Expr) -> &Expr {
    while let Expr::Nested(inner) = e {
        e = inner;
    }
    e
}

/// Normalises an expression as an engine prints it back towards what a script says: casts
/// PostgreSQL adds are removed (`'x'::character varying` → `'x'`, `'-1'::integer` → `-1`), and
/// parentheses around a whole expression or a single term are dropped. Text that doesn't
/// parse is returned as it is.
pub fn normalize_expr(text: &str) -> String {
    let dialect = sqlparser::dialect::PostgreSqlDialect {};
    let parsed = Parser::new(&dialect)
        .try_with_sql(text)
        .and_then(|mut p| p.parse_expr());
    match parsed {
        Ok(e) => expr_sql(unnest(&strip_casts(e))),
        Err(_) => text.to_string(),
    }
}

fn strip_casts(e: Expr) -> Expr {
    use sqlparser::ast::{CastKind, Value};
    let b = |e: Box<Expr>| Box::new(strip_casts(*e));
    match e {
        Expr::Cast {
            kind: CastKind::DoubleColon,
            expr,
            data_type,
            ..
        } => {
            let inner = strip_casts(*expr);
            let numeric = spelled_type(&data_type).is_some_and(|t| {
                t.ty.is_integer()
                    || matches!(
                        t.ty,
                        crate::schema::ColumnType::Numeric(_)
                            | crate::schema::ColumnType::Real
                            | crate::schema::ColumnType::Double
                    )
            });
            match &inner {
                Expr::Value(v) if numeric => match &v.value {
                    Value::SingleQuotedString(s) if s.parse::<f64>().is_ok() => {
                        Parser::new(&GenericDialect {})
                            .try_with_sql(s)
                            .and_then(|mut p| p.parse_expr())
                            .unwrap_or(inner)
                    }
                    _ => inner,
                },
                _ => inner,
            }
        }
        Expr::Nested(inner) => match strip_casts(*inner) {
            atom @ (Expr::Value(_) | Expr::Identifier(_) | Expr::Function(_)) => atom,
            other => Expr::Nested(Box::new(other)),
        },
        Expr::BinaryOp { left, op, right } => Expr::BinaryOp {
            left: b(left),
            op,
            right: b(right),
        },
        Expr::UnaryOp { op, expr } => Expr::UnaryOp { op, expr: b(expr) },
        Expr::IsNull(e) => Expr::IsNull(b(e)),
        Expr::IsNotNull(e) => Expr::IsNotNull(b(e)),
        Expr::Between {
            expr,
            negated,
            low,
            high,
        } => Expr::Between {
            expr: b(expr),
            negated,
            low: b(low),
            high: b(high),
        },
        Expr::Function(mut f) => {
            if let ast::FunctionArguments::List(list) = &mut f.args {
                for arg in &mut list.args {
                    if let ast::FunctionArg::Unnamed(ast::FunctionArgExpr::Expr(e)) = arg {
                        *e = strip_casts(e.clone());
                    }
                }
            }
            Expr::Function(f)
        }
        other => other,
    }
}

struct Lower {
    native: Vec<(Dialect, String)>,
}

impl Lower {
    fn statement(&mut self, statement: Statement) -> Lowered<Vec<Op>> {
        match statement {
            Statement::CreateTable(ct) => self.create_table(ct),
            Statement::AlterTable(at) => self.alter_table(at),
            Statement::CreateIndex(ci) => Ok(vec![self.create_index(ci)?]),
            Statement::Drop {
                object_type,
                if_exists,
                names,
                cascade: false,
                restrict: false,
                purge: false,
                temporary: false,
                table: None,
            } => names
                .iter()
                .map(|n| {
                    let name = object_name(n)?;
                    match object_type {
                        ObjectType::Table => Ok(Op::DropTable { name, if_exists }),
                        ObjectType::Index => Ok(Op::DropIndex { name, if_exists }),
                        _ => unsupported(),
                    }
                })
                .collect(),
            _ => unsupported(),
        }
    }

    fn create_table(&mut self, ct: CreateTable) -> Lowered<Vec<Op>> {
        if !ct.sqlite_table_options.options.is_empty() {
            let what = ct
                .sqlite_table_options
                .options
                .iter()
                .map(|o| o.to_string())
                .collect::<Vec<_>>()
                .join(", ");
            return only_on(Dialect::Sqlite, &what);
        }
        // Everything but the parts the model holds must be at its default value.
        let plain =
            sqlparser::ast::helpers::stmt_create_table::CreateTableBuilder::new(ct.name.clone())
                .columns(ct.columns.clone())
                .constraints(ct.constraints.clone())
                .if_not_exists(ct.if_not_exists)
                .build();
        if plain != ct {
            return unsupported();
        }
        let mut table = Table::new(&object_name(&ct.name)?);
        for def in &ct.columns {
            let (column, constraints) = self.column(def)?;
            table.columns.push(column);
            for c in constraints {
                add_constraint(&mut table, c)?;
            }
        }
        for c in &ct.constraints {
            let c = self.table_constraint(c)?;
            add_constraint(&mut table, c)?;
        }
        normalize_key_columns(&mut table);
        self.mark_auto_key(&table, &ct.columns);
        Ok(vec![Op::CreateTable {
            table,
            if_not_exists: ct.if_not_exists,
        }])
    }

    /// A lone integer key ([`Table::auto_key`]) means SQLite's rowid: PostgreSQL must render
    /// it as an identity column, and SQLite too unless it is spelled `INTEGER` (only that
    /// spelling makes a column the rowid).
    fn mark_auto_key(&mut self, table: &Table, defs: &[ast::ColumnDef]) {
        let Some(key) = table.auto_key() else { return };
        self.native
            .push((Dialect::Sqlite, "INTEGER PRIMARY KEY".into()));
        let def = defs.iter().find(|d| ident(&d.name) == key.name);
        if let Some(def) = def.filter(|d| !matches!(d.data_type, ast::DataType::Integer(None))) {
            self.native.push((
                Dialect::Postgresql,
                format!("{} PRIMARY KEY", def.data_type),
            ));
        }
    }

    /// A column definition: the column and its inline constraints.
    fn column(&mut self, def: &ast::ColumnDef) -> Lowered<(Column, Vec<Constraint>)> {
        let name = ident(&def.name);
        let Some(spelled) = spelled_type(&def.data_type) else {
            return unsupported();
        };
        if let Some(d) = spelled.native_to {
            self.native.push((d, def.data_type.to_string()));
        }
        let mut column = Column {
            name: name.clone(),
            ty: spelled.ty,
            nullable: true,
            default: None,
            identity: spelled.serial,
        };
        let mut constraints = Vec::new();
        for opt in &def.options {
            let cname = opt.name.as_ref().map(ident);
            if let Some(c) = self.column_option(&opt.option, cname, &mut column)? {
                constraints.push(c);
            }
        }
        if column.identity && !column.ty.is_integer() {
            return unsupported();
        }
        Ok((column, constraints))
    }

    /// One option of a column definition: it either sets something on `column` or is an inline
    /// constraint named `cname` (when written `CONSTRAINT cname …`).
    fn column_option(
        &mut self,
        option: &ColumnOption,
        cname: Option<String>,
        column: &mut Column,
    ) -> Lowered<Option<Constraint>> {
        let name = &column.name;
        let constraint = match option {
            ColumnOption::Null => {
                column.nullable = true;
                return Ok(None);
            }
            ColumnOption::NotNull => {
                column.nullable = false;
                return Ok(None);
            }
            ColumnOption::Default(e) => {
                column.default = Some(expr_sql(unnest(e)));
                return Ok(None);
            }
            ColumnOption::PrimaryKey(pk) => {
                Constraint::PrimaryKey(inline_primary_key(pk, name, cname)?)
            }
            ColumnOption::Unique(u) => Constraint::Unique(inline_unique(u, name, cname)?),
            ColumnOption::ForeignKey(fk) => {
                let mut fk = self.foreign_key(fk)?;
                fk.columns = vec![name.clone()];
                if fk.name.is_none() {
                    fk.name = cname;
                }
                Constraint::ForeignKey(fk)
            }
            ColumnOption::Check(c) => {
                let mut c = check(c)?;
                if c.name.is_none() {
                    c.name = cname;
                }
                Constraint::Check(c)
            }
            ColumnOption::DialectSpecific(tokens)
                if matches!(tokens.as_slice(),
                    [Token::Word(w)] if w.keyword == Keyword::AUTOINCREMENT) =>
            {
                column.identity = true;
                self.native.push((Dialect::Sqlite, "AUTOINCREMENT".into()));
                return Ok(None);
            }
            ColumnOption::Generated {
                generated_as,
                sequence_options,
                generation_expr: None,
                generation_expr_mode: None,
                generated_keyword: true,
            } if sequence_options.as_ref().is_none_or(|s| s.is_empty()) => match generated_as {
                GeneratedAs::ByDefault => {
                    column.identity = true;
                    self.native.push((
                        Dialect::Postgresql,
                        "GENERATED BY DEFAULT AS IDENTITY".into(),
                    ));
                    return Ok(None);
                }
                _ => return only_on(Dialect::Postgresql, "GENERATED ALWAYS AS IDENTITY"),
            },
            _ => return unsupported(),
        };
        Ok(Some(constraint))
    }

    fn foreign_key(&mut self, fk: &ast::ForeignKeyConstraint) -> Lowered<ForeignKey> {
        if fk.index_name.is_some() || fk.match_kind.is_some() || fk.characteristics.is_some() {
            return unsupported();
        }
        Ok(ForeignKey {
            name: fk.name.as_ref().map(ident),
            columns: fk.columns.iter().map(ident).collect(),
            ref_table: object_name(&fk.foreign_table)?,
            ref_columns: fk.referred_columns.iter().map(ident).collect(),
            on_delete: action(&fk.on_delete),
            on_update: action(&fk.on_update),
        })
    }

    fn table_constraint(&mut self, c: &TableConstraint) -> Lowered<Constraint> {
        match c {
            TableConstraint::PrimaryKey(pk) => {
                if pk.index_name.is_some()
                    || pk.index_type.is_some()
                    || !pk.include.is_empty()
                    || !pk.index_options.is_empty()
                    || pk.characteristics.is_some()
                {
                    return unsupported();
                }
                Ok(Constraint::PrimaryKey(PrimaryKey {
                    name: pk.name.as_ref().map(ident),
                    columns: plain_columns(&pk.columns)?,
                }))
            }
            TableConstraint::Unique(u) => {
                if u.index_name.is_some()
                    || u.index_type.is_some()
                    || !u.include.is_empty()
                    || !u.index_options.is_empty()
                    || u.characteristics.is_some()
                    || u.nulls_distinct != ast::NullsDistinctOption::None
                    || u.index_type_display != ast::KeyOrIndexDisplay::None
                {
                    return unsupported();
                }
                Ok(Constraint::Unique(Unique {
                    name: u.name.as_ref().map(ident),
                    columns: plain_columns(&u.columns)?,
                }))
            }
            TableConstraint::ForeignKey(fk) => Ok(Constraint::ForeignKey(self.foreign_key(fk)?)),
            TableConstraint::Check(c) => Ok(Constraint::Check(check(c)?)),
            _ => unsupported(),
        }
    }

    fn alter_table(&mut self, at: ast::AlterTable) -> Lowered<Vec<Op>> {
        if at.if_exists
            || at.only
            || at.location.is_some()
            || at.on_cluster.is_some()
            || at.table_type.is_some()
        {
            return unsupported();
        }
        let table = object_name(&at.name)?;
        let mut ops = Vec::new();
        for op in &at.operations {
            self.alter_operation(&table, op, &mut ops)?;
        }
        if ops.is_empty() {
            return unsupported();
        }
        Ok(ops)
    }

    /// One operation of an `ALTER TABLE table`, pushed onto `ops` (a `DROP COLUMN` may name
    /// several columns).
    fn alter_operation(
        &mut self,
        table: &str,
        op: &AlterTableOperation,
        ops: &mut Vec<Op>,
    ) -> Lowered<()> {
        let table = table.to_string();
        match op {
            AlterTableOperation::AddColumn {
                if_not_exists: false,
                column_def,
                column_position: None,
                ..
            } => {
                let (column, constraints) = self.column(column_def)?;
                ops.push(Op::AddColumn {
                    table,
                    column,
                    constraints,
                });
            }
            AlterTableOperation::DropColumn {
                column_names,
                if_exists: false,
                drop_behavior: None,
                ..
            } => {
                for c in column_names {
                    ops.push(Op::DropColumn {
                        table: table.clone(),
                        column: ident(c),
                    });
                }
            }
            AlterTableOperation::RenameColumn {
                old_column_name,
                new_column_name,
            } => ops.push(Op::RenameColumn {
                table,
                from: ident(old_column_name),
                to: ident(new_column_name),
            }),
            AlterTableOperation::RenameTable { table_name } => {
                let (ast::RenameTableNameKind::To(to) | ast::RenameTableNameKind::As(to)) =
                    table_name;
                ops.push(Op::RenameTable {
                    from: table,
                    to: object_name(to)?,
                });
            }
            AlterTableOperation::AlterColumn { column_name, op } => ops.push(Op::AlterColumn {
                table,
                column: ident(column_name),
                change: self.column_change(op)?,
            }),
            AlterTableOperation::AddConstraint {
                constraint,
                not_valid: false,
            } => ops.push(Op::AddConstraint {
                table,
                constraint: self.table_constraint(constraint)?,
            }),
            AlterTableOperation::DropConstraint {
                if_exists: false,
                name,
                drop_behavior: None,
            } => ops.push(Op::DropConstraint {
                table,
                name: ident(name),
            }),
            _ => return unsupported(),
        }
        Ok(())
    }

    /// What an `ALTER COLUMN` does.
    fn column_change(&mut self, op: &AlterColumnOperation) -> Lowered<ColumnChange> {
        Ok(match op {
            AlterColumnOperation::SetNotNull => ColumnChange::SetNotNull,
            AlterColumnOperation::DropNotNull => ColumnChange::DropNotNull,
            AlterColumnOperation::SetDefault { value } => {
                ColumnChange::SetDefault(expr_sql(unnest(value)))
            }
            AlterColumnOperation::DropDefault => ColumnChange::DropDefault,
            AlterColumnOperation::SetDataType {
                data_type, using, ..
            } => {
                if using.is_some() {
                    return only_on(Dialect::Postgresql, "ALTER COLUMN … TYPE … USING");
                }
                ColumnChange::SetType(self.plain_type(data_type)?)
            }
            _ => return unsupported(),
        })
    }

    /// A type outside any column definition (`ALTER COLUMN … TYPE`): serials don't belong.
    fn plain_type(&mut self, data_type: &DataType) -> Lowered<crate::schema::ColumnType> {
        match spelled_type(data_type) {
            Some(s) if !s.serial => {
                if let Some(d) = s.native_to {
                    self.native.push((d, data_type.to_string()));
                }
                Ok(s.ty)
            }
            _ => unsupported(),
        }
    }

    fn create_index(&mut self, ci: ast::CreateIndex) -> Lowered<Op> {
        let ast::CreateIndex {
            name,
            table_name,
            using,
            columns,
            unique,
            concurrently,
            r#async,
            if_not_exists,
            include,
            nulls_distinct,
            with,
            predicate,
            index_options,
            alter_options,
        } = ci;
        if concurrently {
            // How PostgreSQL builds the index, not what the index is: SQLite builds it plainly.
            self.native
                .push((Dialect::Postgresql, "CREATE INDEX CONCURRENTLY".into()));
        }
        if using.is_some() {
            return only_on(Dialect::Postgresql, "CREATE INDEX … USING");
        }
        if !include.is_empty() {
            return only_on(Dialect::Postgresql, "CREATE INDEX … INCLUDE");
        }
        if r#async
            || nulls_distinct.is_some()
            || !with.is_empty()
            || !index_options.is_empty()
            || !alter_options.is_empty()
        {
            return unsupported();
        }
        let Some(name) = name else {
            return unsupported();
        };
        let mut parts = Vec::new();
        for c in &columns {
            if c.operator_class.is_some()
                || c.column.with_fill.is_some()
                || c.column.options.nulls_first.is_some()
            {
                return unsupported();
            }
            let descending = match &c.column.options.sort {
                None | Some(ast::OrderBySort::Asc) => false,
                Some(ast::OrderBySort::Desc) => true,
                Some(_) => return unsupported(),
            };
            let (expr, is_column) = match &c.column.expr {
                Expr::Identifier(i) => (ident(i), true),
                other => (expr_sql(other), false),
            };
            parts.push(IndexPart {
                expr,
                is_column,
                descending,
            });
        }
        Ok(Op::CreateIndex {
            index: Index {
                name: object_name(&name)?,
                table: object_name(&table_name)?,
                unique,
                columns: parts,
                predicate: predicate.as_ref().map(|p| expr_sql(unnest(p))),
            },
            if_not_exists,
        })
    }
}

/// `PRIMARY KEY` written on column `name`, with none of the index options the model can't carry.
fn inline_primary_key(
    pk: &ast::PrimaryKeyConstraint,
    name: &str,
    cname: Option<String>,
) -> Lowered<PrimaryKey> {
    if pk.index_name.is_some()
        || pk.index_type.is_some()
        || !pk.columns.is_empty()
        || !pk.include.is_empty()
        || !pk.index_options.is_empty()
        || pk.characteristics.is_some()
    {
        return unsupported();
    }
    Ok(PrimaryKey {
        name: cname.or_else(|| pk.name.as_ref().map(ident)),
        columns: vec![name.to_string()],
    })
}

/// `UNIQUE` written on column `name`, with none of the index options the model can't carry.
fn inline_unique(u: &ast::UniqueConstraint, name: &str, cname: Option<String>) -> Lowered<Unique> {
    if u.index_name.is_some()
        || u.index_type.is_some()
        || !u.columns.is_empty()
        || !u.include.is_empty()
        || !u.index_options.is_empty()
        || u.characteristics.is_some()
        || u.nulls_distinct != ast::NullsDistinctOption::None
    {
        return unsupported();
    }
    Ok(Unique {
        name: cname.or_else(|| u.name.as_ref().map(ident)),
        columns: vec![name.to_string()],
    })
}

fn check(c: &ast::CheckConstraint) -> Lowered<Check> {
    if c.no_inherit || c.enforced.is_some() {
        return unsupported();
    }
    Ok(Check {
        name: c.name.as_ref().map(ident),
        expr: expr_sql(&c.expr),
    })
}

fn plain_columns(cols: &[ast::IndexColumn]) -> Lowered<Vec<String>> {
    cols.iter()
        .map(|c| match &c.column {
            ast::OrderByExpr {
                expr: Expr::Identifier(i),
                options:
                    ast::OrderByOptions {
                        sort: None,
                        nulls_first: None,
                    },
                with_fill: None,
            } if c.operator_class.is_none() => Ok(ident(i)),
            _ => unsupported(),
        })
        .collect()
}

/// Adds a constraint to a table being built; a second primary key is not a table.
fn add_constraint(table: &mut Table, c: Constraint) -> Lowered<()> {
    match c {
        Constraint::PrimaryKey(pk) => {
            if table.primary_key.is_some() {
                return unsupported();
            }
            table.primary_key = Some(pk);
        }
        Constraint::Unique(u) => table.uniques.push(u),
        Constraint::ForeignKey(fk) => table.foreign_keys.push(fk),
        Constraint::Check(c) => table.checks.push(c),
    }
    Ok(())
}

/// Primary-key columns are not nullable, whatever the text said (see [`Column::nullable`]).
fn normalize_key_columns(table: &mut Table) {
    let keys = table
        .primary_key
        .as_ref()
        .map(|pk| pk.columns.clone())
        .unwrap_or_default();
    for c in &mut table.columns {
        if keys.contains(&c.name) {
            c.nullable = false;
        }
    }
}
