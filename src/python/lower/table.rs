//! The table shapes `op.*` calls describe, and the SQL SQLAlchemy 2.x compiles them to on each
//! engine (the spelling of Alembic's own `--sql` output: four-space indents, `, ` at line
//! ends, names quoted as SQLAlchemy's identifier preparer quotes them).

use crate::Dialect;

/// A column type, as SQLAlchemy's generic types render.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SaType {
    Integer,
    BigInteger,
    SmallInteger,
    /// `String(n)` / `Unicode(n)`.
    String(Option<u64>),
    Text,
    Boolean,
    DateTime {
        timezone: bool,
    },
    Date,
    Time,
    Float,
    /// `REAL`: single precision on both engines.
    Real,
    /// `DOUBLE_PRECISION`, as reflection spells a double: `DOUBLE PRECISION` on both.
    DoublePrecision,
    /// `TIMESTAMP`, as reflection spells it: `TIMESTAMP` on both engines.
    Timestamp {
        timezone: bool,
    },
    Numeric(Option<(u64, Option<u64>)>),
    LargeBinary,
    Json,
    Uuid,
    /// `UUID`, SQLAlchemy's upper-case type: `UUID` on both engines.
    NativeUuid,
}

impl SaType {
    pub fn sql(&self, dialect: Dialect) -> String {
        let pg = dialect == Dialect::Postgresql;
        match self {
            SaType::Integer => "INTEGER".into(),
            SaType::BigInteger => "BIGINT".into(),
            SaType::SmallInteger => "SMALLINT".into(),
            SaType::String(Some(n)) => format!("VARCHAR({n})"),
            SaType::String(None) => "VARCHAR".into(),
            SaType::Text => "TEXT".into(),
            SaType::Boolean => "BOOLEAN".into(),
            SaType::DateTime { timezone: true } if pg => "TIMESTAMP WITH TIME ZONE".into(),
            SaType::DateTime { .. } if pg => "TIMESTAMP WITHOUT TIME ZONE".into(),
            SaType::DateTime { .. } => "DATETIME".into(),
            SaType::Date => "DATE".into(),
            SaType::Time if pg => "TIME WITHOUT TIME ZONE".into(),
            SaType::Time => "TIME".into(),
            SaType::Float => "FLOAT".into(),
            SaType::Real => "REAL".into(),
            SaType::DoublePrecision => "DOUBLE PRECISION".into(),
            SaType::Timestamp { timezone: true } if pg => "TIMESTAMP WITH TIME ZONE".into(),
            SaType::Timestamp { .. } if pg => "TIMESTAMP WITHOUT TIME ZONE".into(),
            SaType::Timestamp { .. } => "TIMESTAMP".into(),
            SaType::Numeric(None) => "NUMERIC".into(),
            SaType::Numeric(Some((p, None))) => format!("NUMERIC({p})"),
            SaType::Numeric(Some((p, Some(s)))) => format!("NUMERIC({p}, {s})"),
            SaType::LargeBinary if pg => "BYTEA".into(),
            SaType::LargeBinary => "BLOB".into(),
            SaType::Json => "JSON".into(),
            SaType::Uuid if pg => "UUID".into(),
            SaType::Uuid => "CHAR(32)".into(),
            SaType::NativeUuid => "UUID".into(),
        }
    }

    fn is_integer(&self) -> bool {
        matches!(
            self,
            SaType::Integer | SaType::BigInteger | SaType::SmallInteger
        )
    }
}

/// A server default: a string literal (quoted), `sa.text(...)` (as written), or an SQL
/// function or constant SQLAlchemy spells per engine (`sa.func.now()`, `sa.false()`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Default {
    Literal(String),
    Text(String),
    PerEngine {
        sqlite: &'static str,
        postgresql: &'static str,
    },
}

impl Default {
    /// The default's expression as `DEFAULT` takes it on `dialect`.
    pub fn sql(&self, dialect: Dialect) -> String {
        match self {
            Default::Literal(v) => {
                let mut out = String::new();
                dialect.push_literal(&mut out, v);
                out
            }
            Default::Text(t) => t.clone(),
            Default::PerEngine { sqlite, postgresql } => match dialect {
                Dialect::Sqlite => sqlite.to_string(),
                Dialect::Postgresql => postgresql.to_string(),
            },
        }
    }
}

/// `ForeignKey` / `ForeignKeyConstraint`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ForeignKey {
    pub name: Option<String>,
    pub columns: Vec<String>,
    pub table: String,
    pub referred: Vec<String>,
    pub ondelete: Option<String>,
    pub onupdate: Option<String>,
}

/// A table-level constraint, in the order SQLAlchemy creates them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Constraint {
    Unique {
        name: Option<String>,
        columns: Vec<String>,
    },
    Check {
        name: Option<String>,
        sql: String,
    },
    ForeignKey(ForeignKey),
}

/// `sa.Column(...)`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Column {
    pub name: String,
    pub ty: SaType,
    pub nullable: Option<bool>,
    pub primary_key: bool,
    pub default: Option<Default>,
    pub unique: bool,
    pub index: bool,
    /// `autoincrement=False` rules out SERIAL.
    pub autoincrement: bool,
    pub foreign_keys: Vec<ForeignKey>,
}

/// `op.create_table(...)`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Table {
    pub name: String,
    pub columns: Vec<Column>,
    /// `PrimaryKeyConstraint(...)`, when given; else the `primary_key=True` columns.
    pub primary_key: Option<(Option<String>, Vec<String>)>,
    /// The explicit constraint arguments, in order.
    pub constraints: Vec<Constraint>,
}

/// A name as SQLAlchemy's identifier preparer writes it on `dialect`.
pub fn quote(name: &str, dialect: Dialect) -> String {
    let lower = name.to_lowercase();
    let reserved = dialect.reserves(&lower);
    let legal = !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'$')
        && !name.starts_with(|c: char| c.is_ascii_digit() || c == '$');
    if reserved || !legal || lower != name {
        format!("\"{}\"", name.replace('"', "\"\""))
    } else {
        name.to_string()
    }
}

pub fn quoted_list(names: &[String], dialect: Dialect) -> String {
    names
        .iter()
        .map(|n| quote(n, dialect))
        .collect::<Vec<_>>()
        .join(", ")
}

impl Table {
    /// The primary key's name and columns.
    fn key(&self) -> Option<(Option<String>, Vec<String>)> {
        if let Some(pk) = &self.primary_key {
            return Some(pk.clone());
        }
        let cols: Vec<String> = self
            .columns
            .iter()
            .filter(|c| c.primary_key)
            .map(|c| c.name.clone())
            .collect();
        (!cols.is_empty()).then_some((None, cols))
    }

    /// `CREATE TABLE`, then the `CREATE INDEX` of each `index=True` column.
    pub fn create_sql(&self, dialect: Dialect) -> Vec<String> {
        let key = self.key();
        let key_cols = key.as_ref().map(|(_, c)| c.clone()).unwrap_or_default();
        let serial = match key_cols.as_slice() {
            [only] => self
                .columns
                .iter()
                .find(|c| &c.name == only)
                .filter(|c| {
                    c.ty.is_integer()
                        && c.autoincrement
                        && c.default.is_none()
                        && c.foreign_keys.is_empty()
                })
                .map(|c| c.name.clone()),
            _ => None,
        };
        let mut lines: Vec<String> = self
            .columns
            .iter()
            .map(|c| {
                let in_key = key_cols.contains(&c.name);
                c.sql(dialect, in_key, serial.as_deref() == Some(&c.name))
            })
            .collect();
        if let Some((name, cols)) = &key {
            lines.push(format!(
                "{}PRIMARY KEY ({})",
                constraint_name(name, dialect),
                quoted_list(cols, dialect)
            ));
        }
        for constraint in self.all_constraints() {
            lines.push(constraint.sql(dialect));
        }
        let mut out = vec![format!(
            "CREATE TABLE {} (\n    {}\n)",
            quote(&self.name, dialect),
            lines.join(", \n    ")
        )];
        for column in self.columns.iter().filter(|c| c.index) {
            out.push(create_index_sql(
                &format!("ix_{}_{}", self.name, column.name),
                &self.name,
                std::slice::from_ref(&column.name),
                column.unique,
                dialect,
            ));
        }
        out
    }

    /// The explicit constraints, then each column's `unique=True` and `ForeignKey`s.
    fn all_constraints(&self) -> Vec<Constraint> {
        let mut all = self.constraints.clone();
        for column in &self.columns {
            if column.unique && !column.index {
                all.push(Constraint::Unique {
                    name: None,
                    columns: vec![column.name.clone()],
                });
            }
            all.extend(
                column
                    .foreign_keys
                    .iter()
                    .cloned()
                    .map(Constraint::ForeignKey),
            );
        }
        all
    }
}

pub fn constraint_name(name: &Option<String>, dialect: Dialect) -> String {
    name.as_ref().map_or_else(String::new, |n| {
        format!("CONSTRAINT {} ", quote(n, dialect))
    })
}

impl Constraint {
    pub fn sql(&self, dialect: Dialect) -> String {
        match self {
            Constraint::Unique { name, columns } => format!(
                "{}UNIQUE ({})",
                constraint_name(name, dialect),
                quoted_list(columns, dialect)
            ),
            Constraint::Check { name, sql } => {
                format!("{}CHECK ({sql})", constraint_name(name, dialect))
            }
            Constraint::ForeignKey(fk) => {
                let mut out = format!(
                    "{}FOREIGN KEY({}) REFERENCES {} ({})",
                    constraint_name(&fk.name, dialect),
                    quoted_list(&fk.columns, dialect),
                    quote(&fk.table, dialect),
                    quoted_list(&fk.referred, dialect)
                );
                if let Some(action) = &fk.ondelete {
                    out.push_str(&format!(" ON DELETE {action}"));
                }
                if let Some(action) = &fk.onupdate {
                    out.push_str(&format!(" ON UPDATE {action}"));
                }
                out
            }
        }
    }
}

impl Column {
    /// The column's line in `CREATE TABLE` (or `ADD COLUMN`): name, type, default, nullability.
    pub fn sql(&self, dialect: Dialect, in_key: bool, serial: bool) -> String {
        let ty = match (&self.ty, serial && dialect == Dialect::Postgresql) {
            (SaType::BigInteger, true) => "BIGSERIAL".to_string(),
            (SaType::SmallInteger, true) => "SMALLSERIAL".to_string(),
            (_, true) => "SERIAL".to_string(),
            (ty, false) => ty.sql(dialect),
        };
        let mut out = format!("{} {ty}", quote(&self.name, dialect));
        if let Some(default) = &self.default {
            out.push_str(" DEFAULT ");
            out.push_str(&default.sql(dialect));
        }
        let nullable = self.nullable.unwrap_or(!(self.primary_key || in_key));
        if !nullable || in_key {
            out.push_str(" NOT NULL");
        }
        out
    }
}

/// `CREATE [UNIQUE] INDEX name ON table (columns)`.
pub fn create_index_sql(
    name: &str,
    table: &str,
    columns: &[String],
    unique: bool,
    dialect: Dialect,
) -> String {
    format!(
        "CREATE {}INDEX {} ON {} ({})",
        if unique { "UNIQUE " } else { "" },
        quote(name, dialect),
        quote(table, dialect),
        quoted_list(columns, dialect)
    )
}
