//! The dialect-neutral schema model, and the operations that change it.
//!
//! Names are stored as the engines resolve them: an unquoted identifier folded to lower case,
//! a quoted one as written. Expressions (defaults, checks, index expressions, partial-index
//! predicates) are kept as SQL text in sqlparser's canonical formatting, so two spellings that
//! parse alike compare equal. Triggers and views are kept as their original SQL: the model
//! does not look inside them, it only carries them through SQLite table rebuilds.

use crate::schema::types::ColumnType;
use crate::Dialect;

/// A database schema: its tables (in creation order) and views.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Schema {
    pub tables: Vec<Table>,
    pub views: Vec<View>,
    /// Tables that exist but whose definition is outside the model (introspected, or created
    /// by a verbatim statement): they can't be rebuilt.
    pub other_tables: Vec<String>,
}

impl Schema {
    pub fn table(&self, name: &str) -> Option<&Table> {
        self.tables.iter().find(|t| t.name == name)
    }

    pub fn table_mut(&mut self, name: &str) -> Option<&mut Table> {
        self.tables.iter_mut().find(|t| t.name == name)
    }

    /// The tables whose foreign keys reference `table`.
    pub fn children_of(&self, table: &str) -> Vec<&str> {
        self.tables
            .iter()
            .filter(|t| t.name != table && t.foreign_keys.iter().any(|fk| fk.ref_table == table))
            .map(|t| t.name.as_str())
            .collect()
    }

    /// The schema with tables and their parts in a canonical order (by name), for comparing
    /// two schemas whose statements ran in different orders or engines.
    pub fn sorted(&self) -> Schema {
        let mut s = self.clone();
        s.tables.sort_by(|a, b| a.name.cmp(&b.name));
        for t in &mut s.tables {
            t.uniques.sort_by(|a, b| a.columns.cmp(&b.columns));
            t.foreign_keys.sort_by(|a, b| a.columns.cmp(&b.columns));
            t.checks.sort_by(|a, b| a.expr.cmp(&b.expr));
            t.indexes.sort_by(|a, b| a.name.cmp(&b.name));
            t.triggers.sort_by(|a, b| a.name.cmp(&b.name));
        }
        s.views.sort_by(|a, b| a.name.cmp(&b.name));
        s.other_tables.sort();
        s
    }

    /// The schema as `dialect` can hold it (see [`Table::on`]).
    pub fn on(&self, dialect: Dialect) -> Schema {
        let mut s = self.clone();
        s.tables = s.tables.iter().map(|t| t.on(dialect)).collect();
        s
    }
}

/// A table and everything attached to it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Table {
    pub name: String,
    pub columns: Vec<Column>,
    pub primary_key: Option<PrimaryKey>,
    pub uniques: Vec<Unique>,
    pub foreign_keys: Vec<ForeignKey>,
    pub checks: Vec<Check>,
    pub indexes: Vec<Index>,
    pub triggers: Vec<Trigger>,
    /// Columns the engine has but the model can't carry (a generated column, a type outside
    /// the map), by name: introspection lists them so that the rest of the table stays
    /// comparable. A table with any can't be rebuilt.
    pub other_columns: Vec<String>,
    /// Indexes the model can't carry (`USING gin`, an engine-only clause), by name; as above.
    pub other_indexes: Vec<String>,
}

impl Table {
    pub fn new(name: &str) -> Table {
        Table {
            name: name.to_string(),
            columns: Vec::new(),
            primary_key: None,
            uniques: Vec::new(),
            foreign_keys: Vec::new(),
            checks: Vec::new(),
            indexes: Vec::new(),
            triggers: Vec::new(),
            other_columns: Vec::new(),
            other_indexes: Vec::new(),
        }
    }

    /// The table as `dialect` can hold it: types through [`ColumnType::on`], and on SQLite an
    /// auto-increment key is an `INTEGER` whatever width the script gave it.
    pub fn on(&self, dialect: Dialect) -> Table {
        let mut t = self.clone();
        for c in &mut t.columns {
            c.ty = c.ty.on(dialect);
            if dialect == Dialect::Sqlite && c.identity {
                c.ty = ColumnType::Integer;
            }
        }
        t
    }

    /// The portable section's auto-assigned key, by SQLAlchemy's `autoincrement="auto"`
    /// rule: the table's only primary-key column, of an integer type, with no default and
    /// no foreign key, and not already declared auto-incrementing. SQLite assigns it as the
    /// rowid (when it is spelled `INTEGER`); PostgreSQL needs it to be an identity column.
    pub fn auto_key(&self) -> Option<&Column> {
        self.key_candidate().filter(|c| !c.identity)
    }

    /// [`Table::auto_key`] whether or not the column is already marked as auto-incrementing.
    fn key_candidate(&self) -> Option<&Column> {
        let pk = self.primary_key.as_ref()?;
        let [name] = pk.columns.as_slice() else {
            return None;
        };
        let referenced = self.foreign_keys.iter().any(|fk| fk.columns.contains(name));
        self.column(name)
            .filter(|c| c.ty.is_integer() && c.default.is_none() && !referenced)
    }

    /// The table as a portable section means it on `dialect`: on PostgreSQL the
    /// [`Table::auto_key`] becomes an identity column, on SQLite an `INTEGER` (its rowid).
    pub fn with_auto_key(&self, dialect: Dialect) -> Table {
        let mut t = self.clone();
        if let Some(key) = self.auto_key().map(|c| c.name.clone()) {
            if let Some(c) = t.column_mut(&key) {
                match dialect {
                    Dialect::Postgresql => c.identity = true,
                    Dialect::Sqlite => c.ty = ColumnType::Integer,
                }
            }
        }
        t
    }

    /// The table with its lone integer key as both engines store it when a portable section
    /// created it, for comparing a declared table with a live one: on SQLite the key is an
    /// `INTEGER` (the rowid; `fold_identity` false leaves an auto-increment key as it is), and
    /// on PostgreSQL, with `fold_identity`, it is not marked auto-incrementing (a portable key
    /// and a declared identity are the same column on the server).
    pub fn stored_keys(&self, dialect: Dialect, fold_identity: bool) -> Table {
        let mut t = self.clone();
        let Some(key) = self.key_candidate().map(|c| c.name.clone()) else {
            return t;
        };
        if let Some(c) = t.column_mut(&key) {
            match dialect {
                Dialect::Postgresql if fold_identity => c.identity = false,
                Dialect::Sqlite if !c.identity => c.ty = ColumnType::Integer,
                _ => {}
            }
        }
        t
    }

    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }

    pub fn column_mut(&mut self, name: &str) -> Option<&mut Column> {
        self.columns.iter_mut().find(|c| c.name == name)
    }

    /// Whether `column` takes part in any key, constraint or index of the table.
    pub fn is_constrained(&self, column: &str) -> bool {
        let has = |cols: &[String]| cols.iter().any(|c| c == column);
        self.primary_key.as_ref().is_some_and(|pk| has(&pk.columns))
            || self.uniques.iter().any(|u| has(&u.columns))
            || self.foreign_keys.iter().any(|fk| has(&fk.columns))
            || self.checks.iter().any(|c| mentions(&c.expr, column))
            || self.indexes.iter().any(|i| {
                i.columns.iter().any(|p| mentions(&p.expr, column))
                    || i.predicate.as_deref().is_some_and(|w| mentions(w, column))
            })
    }
}

/// Whether the SQL text `expr` mentions the identifier `name` (a conservative word match).
fn mentions(expr: &str, name: &str) -> bool {
    expr.split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .any(|w| w.eq_ignore_ascii_case(name))
}

/// A column.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Column {
    pub name: String,
    pub ty: ColumnType,
    /// Primary-key columns are never nullable (the model says so even where SQLite would let
    /// a non-integer key hold NULL).
    pub nullable: bool,
    /// The server default as SQL text.
    pub default: Option<String>,
    /// An auto-increment key: `AUTOINCREMENT` on SQLite, an identity column (or a serial) on
    /// PostgreSQL.
    pub identity: bool,
}

/// What a foreign key does when the row it references is deleted or updated.
// `NoAction` is SQL's own name for the default (`ON DELETE NO ACTION`).
#[allow(clippy::enum_variant_names)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Action {
    #[default]
    NoAction,
    Restrict,
    Cascade,
    SetNull,
    SetDefault,
}

impl Action {
    pub fn sql(self) -> &'static str {
        match self {
            Action::NoAction => "NO ACTION",
            Action::Restrict => "RESTRICT",
            Action::Cascade => "CASCADE",
            Action::SetNull => "SET NULL",
            Action::SetDefault => "SET DEFAULT",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PrimaryKey {
    pub name: Option<String>,
    pub columns: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unique {
    pub name: Option<String>,
    pub columns: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ForeignKey {
    pub name: Option<String>,
    pub columns: Vec<String>,
    pub ref_table: String,
    /// Empty means the referenced table's primary key.
    pub ref_columns: Vec<String>,
    pub on_delete: Action,
    pub on_update: Action,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Check {
    pub name: Option<String>,
    pub expr: String,
}

/// A table constraint, as `ADD CONSTRAINT` adds it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Constraint {
    PrimaryKey(PrimaryKey),
    Unique(Unique),
    ForeignKey(ForeignKey),
    Check(Check),
}

impl Constraint {
    pub fn name(&self) -> Option<&str> {
        match self {
            Constraint::PrimaryKey(c) => c.name.as_deref(),
            Constraint::Unique(c) => c.name.as_deref(),
            Constraint::ForeignKey(c) => c.name.as_deref(),
            Constraint::Check(c) => c.name.as_deref(),
        }
    }
}

/// One key of an index: a column name or an expression, ascending or descending.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IndexPart {
    /// A column name, or an expression's SQL text.
    pub expr: String,
    /// Whether `expr` is a plain column name.
    pub is_column: bool,
    pub descending: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Index {
    pub name: String,
    pub table: String,
    pub unique: bool,
    pub columns: Vec<IndexPart>,
    /// The `WHERE` of a partial index, as SQL text.
    pub predicate: Option<String>,
}

/// A trigger, carried as the SQL that created it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Trigger {
    pub name: String,
    pub table: String,
    pub sql: String,
}

/// A view, carried as the SQL that created it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct View {
    pub name: String,
    pub sql: String,
}

/// A change to a column, as `ALTER COLUMN` makes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ColumnChange {
    SetType(ColumnType),
    SetNotNull,
    DropNotNull,
    SetDefault(String),
    DropDefault,
}

/// One schema operation: what a DDL statement does, independent of its spelling.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Op {
    CreateTable {
        table: Table,
        if_not_exists: bool,
    },
    DropTable {
        name: String,
        if_exists: bool,
    },
    RenameTable {
        from: String,
        to: String,
    },
    /// `ADD COLUMN`; `constraints` are the column's inline keys and references.
    AddColumn {
        table: String,
        column: Column,
        constraints: Vec<Constraint>,
    },
    DropColumn {
        table: String,
        column: String,
    },
    RenameColumn {
        table: String,
        from: String,
        to: String,
    },
    AlterColumn {
        table: String,
        column: String,
        change: ColumnChange,
    },
    AddConstraint {
        table: String,
        constraint: Constraint,
    },
    DropConstraint {
        table: String,
        name: String,
    },
    CreateIndex {
        index: Index,
        if_not_exists: bool,
    },
    DropIndex {
        name: String,
        if_exists: bool,
    },
    CreateTrigger(Trigger),
    DropTrigger {
        name: String,
        if_exists: bool,
    },
}

impl Op {
    /// The operation as `dialect` can hold it (see [`Table::on`]).
    pub fn on(&self, dialect: Dialect) -> Op {
        let mut op = self.clone();
        match &mut op {
            Op::CreateTable { table, .. } => *table = table.on(dialect),
            Op::AddColumn { column, .. } => {
                let mut t = Table::new("");
                t.columns.push(column.clone());
                *column = t.on(dialect).columns.remove(0);
            }
            Op::AlterColumn {
                change: ColumnChange::SetType(ty),
                ..
            } => *ty = ty.on(dialect),
            _ => {}
        }
        op
    }

    /// The operation as a portable section means it on `dialect`: a `CREATE TABLE` through
    /// [`Table::with_auto_key`].
    pub fn with_auto_key(&self, dialect: Dialect) -> Op {
        match self {
            Op::CreateTable {
                table,
                if_not_exists,
            } => Op::CreateTable {
                table: table.with_auto_key(dialect),
                if_not_exists: *if_not_exists,
            },
            other => other.clone(),
        }
    }

    /// The table an `ALTER TABLE` operation changes.
    pub fn altered_table(&self) -> Option<&str> {
        match self {
            Op::AddColumn { table, .. }
            | Op::DropColumn { table, .. }
            | Op::RenameColumn { table, .. }
            | Op::AlterColumn { table, .. }
            | Op::AddConstraint { table, .. }
            | Op::DropConstraint { table, .. } => Some(table),
            _ => None,
        }
    }
}
