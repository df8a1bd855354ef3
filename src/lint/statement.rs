//! The rules that judge one upgrade statement against the schema the earlier statements
//! left: PostgreSQL locking (`PG…`), data loss (`DL…`), SQLite rebuilds (`SQ001`, in a section
//! the translator rewrites) and statements SQLite refuses (`SQ002`, [`super::sqlite`]).
//!
//! A statement is read twice: as words (sqlparser's tokenizer; enough for `VACUUM FULL`,
//! `CLUSTER`, `TRUNCATE`, `DROP INDEX` and `CONCURRENTLY`, which the parser does not all
//! read), and as sqlparser's AST for the rest. Tables and indexes created earlier in the
//! same migration are exempt from every rule.

use std::collections::{HashMap, HashSet};

use sqlparser::ast::{
    AlterColumnOperation, AlterTableOperation, ColumnOption, Expr, ObjectName, ObjectType,
    RenameTableNameKind, Statement, TableConstraint,
};
use sqlparser::dialect::{Dialect as SqlDialect, GenericDialect, PostgreSqlDialect};
use sqlparser::parser::Parser;
use sqlparser::tokenizer::{Token, TokenWithSpan, Tokenizer};

use super::Raw;
use crate::schema::parse::ident;
use crate::schema::render::sqlite::needs_rebuild;
use crate::schema::types::spelled_type;
use crate::schema::{ColumnType, Op, Parsed, Schema};
use crate::sql::leading_word;
use crate::Dialect;

/// What the statements so far of one migration have made.
pub struct Context {
    dialect: Dialect,
    transactional: bool,
    /// The section goes through the translator (see [`super::Section::translated`]).
    translated: bool,
    created_tables: HashSet<String>,
    created_indexes: HashSet<String>,
    /// Checks added `NOT VALID` in this migration: name → (table, column) it proves NOT NULL.
    pending_checks: HashMap<String, (String, String)>,
    /// (table, column) pairs a validated `CHECK (column IS NOT NULL)` covers.
    not_null_proved: HashSet<(String, String)>,
}

fn raw(code: &'static str, message: String) -> Raw {
    Raw { code, message }
}

/// The last part of a possibly schema-qualified name, as the engines fold it.
fn name_of(name: &ObjectName) -> String {
    name.0
        .last()
        .and_then(|p| p.as_ident())
        .map(ident)
        .unwrap_or_default()
}

/// The statement's words, upper-cased (quoted names and strings are not words).
fn words(tokens: &[TokenWithSpan]) -> Vec<String> {
    tokens
        .iter()
        .filter_map(|t| match &t.token {
            Token::Word(w) if w.quote_style.is_none() => Some(w.value.to_ascii_uppercase()),
            _ => None,
        })
        .collect()
}

/// Whether some rule may fire on a statement starting with the word `first` (`None`: it
/// does not plainly start with one) or containing `sql`: the others need not be tokenized.
fn may_concern(first: Option<&str>, sql: &str) -> bool {
    const FIRST: [&str; 13] = [
        "ALTER", "CLUSTER", "COMMENT", "CREATE", "DELETE", "DROP", "GRANT", "REFRESH", "REINDEX",
        "REVOKE", "TRUNCATE", "UPDATE", "VACUUM",
    ];
    let Some(first) = first else {
        return true;
    };
    FIRST.iter().any(|w| w.eq_ignore_ascii_case(first))
        || sql
            .as_bytes()
            .windows(CONCURRENTLY.len())
            .any(|w| w.eq_ignore_ascii_case(CONCURRENTLY.as_bytes()))
}

const CONCURRENTLY: &str = "CONCURRENTLY";

impl Context {
    pub fn new(dialect: Dialect, transactional: bool, translated: bool) -> Context {
        Context {
            dialect,
            transactional,
            translated,
            created_tables: HashSet::new(),
            created_indexes: HashSet::new(),
            pending_checks: HashMap::new(),
            not_null_proved: HashSet::new(),
        }
    }

    fn existing(&self, table: &str) -> bool {
        !self.created_tables.contains(table)
    }

    fn pg(&self) -> bool {
        self.dialect == Dialect::Postgresql
    }

    /// The findings for `sql`, with `schema` as it stands before it.
    /// `parsed` is what `sql` means to the model.
    pub fn judge(&mut self, schema: &Schema, sql: &str, parsed: &Parsed) -> Vec<Raw> {
        let mut found = Vec::new();
        let mut words = Vec::new();
        if !self.created(parsed, &mut found) && may_concern(leading_word(sql), sql) {
            words = self.read(schema, sql, &mut found);
        }
        if self.dialect == Dialect::Sqlite {
            let refused = (&words[..], parsed);
            match super::sqlite::refusal(schema, refused, self.translated, &self.created_tables) {
                Some(why) => found.push(raw("SQ002", why)),
                // Only the translator rebuilds a table.
                None if self.translated => self.sqlite_rebuild(schema, parsed, &mut found),
                None => {}
            }
        }
        found
    }

    /// A `CREATE TABLE` or `CREATE INDEX` the model read, judged from its operation (as
    /// [`Context::read`] would from the words and the tree); false for any other statement.
    fn created(&mut self, parsed: &Parsed, found: &mut Vec<Raw>) -> bool {
        let Parsed::Ops { ops, native } = parsed else {
            return false;
        };
        match ops.as_slice() {
            [Op::CreateTable { table, .. }] => {
                self.created_tables.insert(table.name.clone());
            }
            [Op::CreateIndex { index, .. }] => {
                let concurrently = native.iter().any(|(_, what)| what.contains(CONCURRENTLY));
                self.created_indexes.insert(index.name.clone());
                if self.pg() && concurrently && self.transactional {
                    found.push(raw(
                        "PG011",
                        "CREATE … CONCURRENTLY cannot run inside a transaction; use a no-transaction section".into(),
                    ));
                }
                if self.pg() && !concurrently && self.existing(&index.table) {
                    found.push(raw(
                        "PG001",
                        format!("CREATE INDEX on existing table '{}' without CONCURRENTLY blocks its writes", index.table),
                    ));
                }
            }
            _ => return false,
        }
        true
    }

    /// The rules that read the statement's words and parser's tree; returns the words, which
    /// come from the tokens the parser reads.
    fn read(&mut self, schema: &Schema, sql: &str, found: &mut Vec<Raw>) -> Vec<String> {
        let parser_dialect: Box<dyn SqlDialect> = match self.dialect {
            Dialect::Postgresql => Box::new(PostgreSqlDialect {}),
            Dialect::Sqlite => Box::new(GenericDialect {}),
        };
        let tokens = Tokenizer::new(parser_dialect.as_ref(), sql).tokenize_with_location();
        let words = tokens.as_deref().map(words).unwrap_or_default();
        found.extend(self.by_words(schema, &words));
        // Only these statements have a rule that reads the parser's tree.
        let first = words.first().map_or("", String::as_str);
        if !matches!(first, "CREATE" | "DROP" | "ALTER" | "DELETE" | "UPDATE") {
            return words;
        }
        let statements = tokens.map_err(|_| ()).and_then(|tokens| {
            Parser::new(parser_dialect.as_ref())
                .with_tokens_with_locations(tokens)
                .parse_statements()
                .map_err(|_| ())
        });
        match statements {
            Ok(statements) => {
                for statement in &statements {
                    self.statement(schema, statement, found);
                }
            }
            Err(()) => self.unparsed(&words, found),
        }
        words
    }

    /// The rules read from words alone.
    fn by_words(&mut self, schema: &Schema, words: &[String]) -> Vec<Raw> {
        let mut found = Vec::new();
        let w = |i: usize| words.get(i).map_or("", String::as_str);
        let concurrently = words.iter().any(|x| x == CONCURRENTLY);
        if self.pg() && w(0) == "VACUUM" && words.iter().any(|x| x == "FULL") {
            found.push(raw(
                "PG009",
                "VACUUM FULL locks the table while it rewrites it".into(),
            ));
        }
        if self.pg() && w(0) == "CLUSTER" {
            found.push(raw(
                "PG009",
                "CLUSTER locks the table while it rewrites it".into(),
            ));
        }
        if self.pg() && concurrently && self.transactional {
            found.push(raw(
                "PG011",
                format!("{} … CONCURRENTLY cannot run inside a transaction; use a no-transaction section", w(0)),
            ));
        }
        if w(0) == "TRUNCATE" {
            let table = words.iter().skip(1).find(|x| *x != "TABLE" && *x != "ONLY");
            let table = table.map(|t| t.to_ascii_lowercase()).unwrap_or_default();
            if self.existing(&table) {
                found.push(raw(
                    "DL004",
                    format!("TRUNCATE deletes every row of '{table}'"),
                ));
            }
        }
        if self.pg() && w(0) == "DROP" && w(1) == "INDEX" && !concurrently {
            let name = words
                .iter()
                .skip(2)
                .find(|x| *x != "IF" && *x != "EXISTS")
                .map(|n| n.to_ascii_lowercase())
                .unwrap_or_default();
            let table = schema
                .tables
                .iter()
                .find(|t| t.indexes.iter().any(|i| i.name == name));
            let fresh = self.created_indexes.contains(&name)
                || table.is_some_and(|t| !self.existing(&t.name));
            if !fresh {
                found.push(raw(
                    "PG002",
                    format!("DROP INDEX {name} without CONCURRENTLY locks its table"),
                ));
            }
        }
        found
    }

    /// `DELETE`/`UPDATE` the parser could not read: judged by whether `WHERE` occurs.
    fn unparsed(&mut self, words: &[String], found: &mut Vec<Raw>) {
        let first = words.first().map_or("", String::as_str);
        if (first == "DELETE" || first == "UPDATE") && !words.iter().any(|w| w == "WHERE") {
            found.push(raw(
                "DL005",
                format!("{first} without WHERE changes every row"),
            ));
        }
    }

    fn statement(&mut self, schema: &Schema, statement: &Statement, found: &mut Vec<Raw>) {
        match statement {
            Statement::CreateTable(ct) => {
                self.created_tables.insert(name_of(&ct.name));
            }
            Statement::CreateIndex(ci) => {
                let table = name_of(&ci.table_name);
                if let Some(name) = &ci.name {
                    self.created_indexes.insert(name_of(name));
                }
                if self.pg() && !ci.concurrently && self.existing(&table) {
                    found.push(raw(
                        "PG001",
                        format!("CREATE INDEX on existing table '{table}' without CONCURRENTLY blocks its writes"),
                    ));
                }
            }
            Statement::Drop {
                object_type: ObjectType::Table,
                names,
                ..
            } => {
                for name in names.iter().map(name_of).filter(|n| self.existing(n)) {
                    found.push(raw(
                        "DL001",
                        format!("DROP TABLE deletes '{name}' and its rows"),
                    ));
                }
            }
            Statement::Delete(d) if d.selection.is_none() => {
                found.push(raw(
                    "DL005",
                    "DELETE without WHERE deletes every row".into(),
                ));
            }
            Statement::Update(u) if u.selection.is_none() => {
                found.push(raw(
                    "DL005",
                    "UPDATE without WHERE changes every row".into(),
                ));
            }
            Statement::AlterTable(at) => {
                let table = name_of(&at.name);
                if self.existing(&table) {
                    for op in &at.operations {
                        self.alter(schema, &table, op, found);
                    }
                }
            }
            _ => {}
        }
    }

    /// One operation of an `ALTER TABLE` on an existing table.
    fn alter(
        &mut self,
        schema: &Schema,
        table: &str,
        op: &AlterTableOperation,
        found: &mut Vec<Raw>,
    ) {
        match op {
            AlterTableOperation::AddColumn { column_def, .. } if self.pg() => {
                add_column(table, column_def, found);
            }
            AlterTableOperation::DropColumn { column_names, .. } => {
                for c in column_names {
                    found.push(raw(
                        "DL002",
                        format!("DROP COLUMN deletes '{table}.{}' and its data", ident(c)),
                    ));
                }
            }
            AlterTableOperation::RenameColumn {
                old_column_name,
                new_column_name,
            } if self.pg() => {
                found.push(raw(
                    "PG010",
                    format!(
                        "renaming '{table}.{}' to '{}' breaks the running application",
                        ident(old_column_name),
                        ident(new_column_name)
                    ),
                ));
            }
            AlterTableOperation::RenameTable { table_name } if self.pg() => {
                let (RenameTableNameKind::As(to) | RenameTableNameKind::To(to)) = table_name;
                found.push(raw(
                    "PG010",
                    format!(
                        "renaming table '{table}' to '{}' breaks the running application",
                        name_of(to)
                    ),
                ));
            }
            AlterTableOperation::AlterColumn { column_name, op } => {
                self.alter_column(schema, table, &ident(column_name), op, found);
            }
            AlterTableOperation::AddConstraint {
                constraint,
                not_valid,
            } => {
                self.add_constraint(table, constraint, *not_valid, found);
            }
            AlterTableOperation::ValidateConstraint { name } => {
                if let Some(pair) = self.pending_checks.remove(&ident(name)) {
                    self.not_null_proved.insert(pair);
                }
            }
            _ => {}
        }
    }

    fn add_constraint(
        &mut self,
        table: &str,
        constraint: &TableConstraint,
        not_valid: bool,
        found: &mut Vec<Raw>,
    ) {
        if !self.pg() {
            return;
        }
        match constraint {
            TableConstraint::ForeignKey(_) if !not_valid => found.push(raw(
                "PG006",
                format!("FOREIGN KEY on '{table}' without NOT VALID blocks writes while it checks every row"),
            )),
            TableConstraint::Check(c) => {
                let column = not_null_column(&c.expr);
                match (&c.name, column, not_valid) {
                    (Some(name), Some(col), true) => {
                        self.pending_checks.insert(ident(name), (table.to_string(), col));
                    }
                    (_, Some(col), false) => {
                        self.not_null_proved.insert((table.to_string(), col));
                    }
                    _ => {}
                }
                if !not_valid {
                    found.push(raw(
                        "PG006",
                        format!("CHECK on '{table}' without NOT VALID blocks writes while it checks every row"),
                    ));
                }
            }
            TableConstraint::PrimaryKey(_) | TableConstraint::Unique(_) => found.push(raw(
                "PG008",
                format!("adding a PRIMARY KEY or UNIQUE to '{table}' builds its index under an exclusive lock"),
            )),
            _ => {}
        }
    }

    fn alter_column(
        &mut self,
        schema: &Schema,
        table: &str,
        column: &str,
        op: &AlterColumnOperation,
        found: &mut Vec<Raw>,
    ) {
        match op {
            AlterColumnOperation::SetNotNull if self.pg() => {
                let proved = self
                    .not_null_proved
                    .contains(&(table.to_string(), column.to_string()))
                    || schema.table(table).is_some_and(|t| {
                        t.checks
                            .iter()
                            .any(|c| not_null_text(&c.expr).as_deref() == Some(column))
                    });
                if !proved {
                    found.push(raw(
                        "PG005",
                        format!("SET NOT NULL on '{table}.{column}' scans the table under an exclusive lock"),
                    ));
                }
            }
            AlterColumnOperation::SetDataType { data_type, .. } => {
                let old = schema
                    .table(table)
                    .and_then(|t| t.column(column))
                    .map(|c| c.ty.clone());
                let new = spelled_type(data_type).map(|s| s.ty);
                type_change(self.pg(), table, column, old, new, found);
            }
            _ => {}
        }
    }

    /// SQ001: an `ALTER` SQLite runs as a rebuild of a table other tables reference.
    fn sqlite_rebuild(&self, schema: &Schema, parsed: &Parsed, found: &mut Vec<Raw>) {
        let Parsed::Ops { ops, .. } = parsed else {
            return;
        };
        for op in ops {
            let Some(table) = op.altered_table() else {
                continue;
            };
            if !self.existing(table) || !needs_rebuild(op, Some(schema)) {
                continue;
            }
            let children = schema.children_of(table);
            if !children.is_empty() {
                found.push(raw(
                    "SQ001",
                    format!(
                        "on SQLite this rebuilds '{table}', which {} reference",
                        children.join(", ")
                    ),
                ));
            }
        }
    }
}

/// PG003 and PG004 for `ADD COLUMN` on an existing table.
fn add_column(table: &str, column: &sqlparser::ast::ColumnDef, found: &mut Vec<Raw>) {
    let name = ident(&column.name);
    let mut not_null = false;
    let mut default = None;
    for option in &column.options {
        match &option.option {
            ColumnOption::NotNull => not_null = true,
            ColumnOption::PrimaryKey(_) => not_null = true,
            ColumnOption::Default(expr) => default = Some(expr.to_string()),
            _ => {}
        }
    }
    let serial = spelled_type(&column.data_type).is_some_and(|s| s.serial);
    let volatile = serial || default.as_deref().is_some_and(is_volatile);
    if volatile {
        found.push(raw(
            "PG004",
            format!("ADD COLUMN '{table}.{name}' with a volatile default rewrites the table"),
        ));
    } else if not_null && default.is_none() {
        found.push(raw(
            "PG003",
            format!(
                "ADD COLUMN '{table}.{name}' NOT NULL without a default fails on a table with rows"
            ),
        ));
    }
}

/// Whether a default's SQL calls a function PostgreSQL evaluates for each row.
fn is_volatile(default: &str) -> bool {
    let d = default.to_ascii_lowercase();
    [
        "random(",
        "gen_random_uuid(",
        "uuid_generate_v",
        "clock_timestamp(",
        "timeofday(",
        "nextval(",
    ]
    .iter()
    .any(|f| d.contains(f))
}

/// The column `expr` proves NOT NULL, when it is `column IS NOT NULL`.
fn not_null_column(expr: &Expr) -> Option<String> {
    match expr {
        Expr::IsNotNull(inner) => match inner.as_ref() {
            Expr::Identifier(i) => Some(ident(i)),
            _ => None,
        },
        Expr::Nested(inner) => not_null_column(inner),
        _ => None,
    }
}

/// [`not_null_column`] for a check the model holds as text.
fn not_null_text(expr: &str) -> Option<String> {
    let parsed = Parser::new(&GenericDialect {})
        .try_with_sql(expr)
        .ok()?
        .parse_expr()
        .ok()?;
    not_null_column(&parsed)
}

/// PG007 (a rewrite) and DL003 (narrowing) for `ALTER COLUMN … TYPE`.
fn type_change(
    pg: bool,
    table: &str,
    column: &str,
    old: Option<ColumnType>,
    new: Option<ColumnType>,
    found: &mut Vec<Raw>,
) {
    let (Some(old), Some(new)) = (old, new) else {
        if pg {
            found.push(raw(
                "PG007",
                format!("changing the type of '{table}.{column}' may rewrite the table"),
            ));
        }
        return;
    };
    if old == new {
        return;
    }
    let (from, to) = (old.sql(Dialect::Postgresql), new.sql(Dialect::Postgresql));
    if narrows(&old, &new) {
        found.push(raw(
            "DL003",
            format!("'{table}.{column}' narrows from {from} to {to}"),
        ));
    }
    if pg && !binary_compatible(&old, &new) {
        found.push(raw(
            "PG007",
            format!("changing '{table}.{column}' from {from} to {to} rewrites the table"),
        ));
    }
}

/// Changes PostgreSQL makes without rewriting the table.
fn binary_compatible(old: &ColumnType, new: &ColumnType) -> bool {
    use ColumnType as T;
    match (old, new) {
        (T::Varchar(_), T::Text | T::Varchar(None)) | (T::Text, T::Varchar(None)) => true,
        (T::Varchar(Some(a)), T::Varchar(Some(b))) => b >= a,
        (T::Numeric(_), T::Numeric(None)) => true,
        (T::Numeric(Some((p, s))), T::Numeric(Some((q, t)))) => q >= p && s == t,
        _ => false,
    }
}

/// Whether `new` holds fewer values than `old`.
fn narrows(old: &ColumnType, new: &ColumnType) -> bool {
    use ColumnType as T;
    let int_width = |t: &T| match t {
        T::SmallInt => Some(2),
        T::Integer => Some(4),
        T::BigInt => Some(8),
        _ => None,
    };
    match (old, new) {
        (T::Varchar(None) | T::Text, T::Varchar(Some(_))) => true,
        (T::Varchar(Some(a)), T::Varchar(Some(b))) => b < a,
        (T::Double, T::Real) => true,
        (T::Numeric(None), T::Numeric(Some(_))) => true,
        (T::Numeric(Some((p, s))), T::Numeric(Some((q, t)))) => q < p || t < s,
        _ => matches!((int_width(old), int_width(new)), (Some(a), Some(b)) if b < a),
    }
}
