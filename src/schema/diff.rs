//! The schema diff: the ordered [`Change`]s that turn one schema into another, each with an
//! exact inverse, so that a generated downgrade is the upgrade undone.
//!
//! Compared: tables, columns, types, nullability, primary keys, unique constraints, foreign
//! keys (with their `ON DELETE` / `ON UPDATE` actions) and indexes; server defaults only when
//! [`Compare::server_defaults`] is set (Alembic's `compare_server_default`, off by default as
//! in Alembic). Not compared: column order, `CHECK` constraints of a table that exists on both
//! sides (as in Alembic; a created or dropped table carries its checks), triggers and views (the model keeps them as text), auto-increment on an existing
//! column, and whatever the model can't carry (`other_tables`, a table's `other_columns` and
//! `other_indexes`: engine-specific objects such as SQLite's FTS5 tables or PostgreSQL's
//! generated `tsvector` columns and GIN indexes, which are neither added nor dropped).
//!
//! Equivalent spellings are not differences: both sides go through [`canonical`] first, which
//! folds type aliases (the parser already did), the engine's view of a type
//! ([`Schema::on`]), default quoting (`(0)`, `'0'` for a number, `NULL`, keyword case), the
//! names PostgreSQL generates for unnamed constraints, and a foreign key that omits the
//! referenced columns.
//!
//! Order, so that every intermediate schema is valid on both engines: drop the foreign keys
//! that go or must be re-made (one whose columns change type, or whose referenced key is
//! dropped), drop indexes, drop tables (children first, each after its indexes), drop primary
//! keys and unique constraints, drop columns, add columns, alter columns (type, default,
//! nullability), create the indexes of kept tables, add primary keys and unique constraints
//! (indexes before unique constraints, as Alembic orders them), create tables (referenced
//! tables first, each followed by its indexes; a foreign-key cycle is closed by an added
//! foreign key afterwards), add foreign keys. Pure.

use std::collections::BTreeSet;

use crate::schema::model::{
    Column, ColumnChange, Constraint, ForeignKey, Index, Op, Schema, Table,
};
use crate::schema::names;
use crate::schema::types::ColumnType;
use crate::Dialect;

/// One difference between two schemas, carrying what its inverse needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
    /// A table with its columns and constraints (its indexes are separate changes).
    CreateTable(Table),
    DropTable(Table),
    AddColumn {
        table: String,
        column: Column,
    },
    DropColumn {
        table: String,
        column: Column,
    },
    AlterType {
        table: String,
        column: String,
        from: ColumnType,
        to: ColumnType,
    },
    AlterNullable {
        table: String,
        column: String,
        nullable: bool,
    },
    AlterDefault {
        table: String,
        column: String,
        from: Option<String>,
        to: Option<String>,
    },
    /// A primary key, unique constraint or foreign key (never a check).
    AddConstraint {
        table: String,
        constraint: Constraint,
    },
    DropConstraint {
        table: String,
        constraint: Constraint,
    },
    CreateIndex(Index),
    DropIndex(Index),
}

impl Change {
    /// The change that undoes this one.
    pub fn inverse(&self) -> Change {
        match self.clone() {
            Change::CreateTable(t) => Change::DropTable(t),
            Change::DropTable(t) => Change::CreateTable(t),
            Change::AddColumn { table, column } => Change::DropColumn { table, column },
            Change::DropColumn { table, column } => Change::AddColumn { table, column },
            Change::AlterType {
                table,
                column,
                from,
                to,
            } => Change::AlterType {
                table,
                column,
                from: to,
                to: from,
            },
            Change::AlterNullable {
                table,
                column,
                nullable,
            } => Change::AlterNullable {
                table,
                column,
                nullable: !nullable,
            },
            Change::AlterDefault {
                table,
                column,
                from,
                to,
            } => Change::AlterDefault {
                table,
                column,
                from: to,
                to: from,
            },
            Change::AddConstraint { table, constraint } => {
                Change::DropConstraint { table, constraint }
            }
            Change::DropConstraint { table, constraint } => {
                Change::AddConstraint { table, constraint }
            }
            Change::CreateIndex(i) => Change::DropIndex(i),
            Change::DropIndex(i) => Change::CreateIndex(i),
        }
    }

    /// The schema operation that makes this change.
    pub fn op(&self) -> Op {
        let alter = |table: &str, column: &str, change: ColumnChange| Op::AlterColumn {
            table: table.to_string(),
            column: column.to_string(),
            change,
        };
        match self {
            Change::CreateTable(t) => Op::CreateTable {
                table: t.clone(),
                if_not_exists: false,
            },
            Change::DropTable(t) => Op::DropTable {
                name: t.name.clone(),
                if_exists: false,
            },
            Change::AddColumn { table, column } => Op::AddColumn {
                table: table.clone(),
                column: column.clone(),
                constraints: Vec::new(),
            },
            Change::DropColumn { table, column } => Op::DropColumn {
                table: table.clone(),
                column: column.name.clone(),
            },
            Change::AlterType {
                table, column, to, ..
            } => alter(table, column, ColumnChange::SetType(to.clone())),
            Change::AlterNullable {
                table,
                column,
                nullable,
            } => alter(
                table,
                column,
                if *nullable {
                    ColumnChange::DropNotNull
                } else {
                    ColumnChange::SetNotNull
                },
            ),
            Change::AlterDefault {
                table, column, to, ..
            } => alter(
                table,
                column,
                match to {
                    Some(e) => ColumnChange::SetDefault(e.clone()),
                    None => ColumnChange::DropDefault,
                },
            ),
            Change::AddConstraint { table, constraint } => Op::AddConstraint {
                table: table.clone(),
                constraint: constraint.clone(),
            },
            Change::DropConstraint { table, constraint } => Op::DropConstraint {
                table: table.clone(),
                name: constraint_name(table, constraint),
            },
            Change::CreateIndex(i) => Op::CreateIndex {
                index: i.clone(),
                if_not_exists: false,
            },
            Change::DropIndex(i) => Op::DropIndex {
                name: i.name.clone(),
                if_exists: false,
            },
        }
    }

    /// One readable line, as `check` prints it: `add table 'city'`, `add column 'a.b'`…
    pub fn describe(&self) -> String {
        let cols = |c: &[String]| c.join(", ");
        match self {
            Change::CreateTable(t) => format!("add table '{}'", t.name),
            Change::DropTable(t) => format!("drop table '{}'", t.name),
            Change::AddColumn { table, column } => {
                format!("add column '{table}.{}'", column.name)
            }
            Change::DropColumn { table, column } => {
                format!("drop column '{table}.{}'", column.name)
            }
            Change::AlterType {
                table,
                column,
                from,
                to,
            } => format!("change type of '{table}.{column}' from {from} to {to}"),
            Change::AlterNullable {
                table,
                column,
                nullable: true,
            } => format!("drop NOT NULL on '{table}.{column}'"),
            Change::AlterNullable { table, column, .. } => {
                format!("set NOT NULL on '{table}.{column}'")
            }
            Change::AlterDefault {
                table,
                column,
                from,
                to,
            } => format!(
                "change server default of '{table}.{column}' from {} to {}",
                from.as_deref().unwrap_or("none"),
                to.as_deref().unwrap_or("none")
            ),
            Change::AddConstraint { table, constraint } => {
                format!("add {}", describe_constraint(table, constraint, &cols))
            }
            Change::DropConstraint { table, constraint } => {
                format!("drop {}", describe_constraint(table, constraint, &cols))
            }
            Change::CreateIndex(i) => format!(
                "add {}index '{}' on '{}' ({})",
                if i.unique { "unique " } else { "" },
                i.name,
                i.table,
                index_parts(i)
            ),
            Change::DropIndex(i) => format!("drop index '{}' on '{}'", i.name, i.table),
        }
    }

    /// Why the change can lose data, when it can: a comment for the generated script.
    pub fn destructive(&self) -> Option<String> {
        match self {
            Change::DropTable(t) => Some(format!("Drops table '{}' and all its rows.", t.name)),
            Change::DropColumn { table, column } => Some(format!(
                "Drops column '{table}.{}' and its data.",
                column.name
            )),
            Change::AlterType {
                table,
                column,
                from,
                to,
            } if !widens(from, to) => Some(format!(
                "Narrows '{table}.{column}' from {from} to {to}: a value that doesn't fit \
                 fails the migration or loses precision."
            )),
            _ => None,
        }
    }
}

fn describe_constraint(table: &str, c: &Constraint, cols: &dyn Fn(&[String]) -> String) -> String {
    let named = |n: &Option<String>| match n {
        Some(n) => format!(" '{n}'"),
        None => String::new(),
    };
    match c {
        Constraint::PrimaryKey(pk) => format!(
            "primary key{} on '{table}' ({})",
            named(&pk.name),
            cols(&pk.columns)
        ),
        Constraint::Unique(u) => format!(
            "unique constraint{} on '{table}' ({})",
            named(&u.name),
            cols(&u.columns)
        ),
        Constraint::ForeignKey(fk) => format!(
            "foreign key{} on '{table}' ({}) -> {} ({}){}",
            named(&fk.name),
            cols(&fk.columns),
            fk.ref_table,
            cols(&fk.ref_columns),
            fk_actions(fk)
        ),
        Constraint::Check(ch) => format!("check constraint{} on '{table}'", named(&ch.name)),
    }
}

/// ` ON DELETE …` / ` ON UPDATE …` for the actions a foreign key sets.
fn fk_actions(fk: &ForeignKey) -> String {
    let mut out = String::new();
    for (what, action) in [("DELETE", fk.on_delete), ("UPDATE", fk.on_update)] {
        if action != crate::schema::model::Action::NoAction {
            out.push_str(&format!(" ON {what} {}", action.sql()));
        }
    }
    out
}

fn index_parts(i: &Index) -> String {
    i.columns
        .iter()
        .map(|p| {
            if p.descending {
                format!("{} DESC", p.expr)
            } else {
                p.expr.clone()
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The name a constraint is dropped by: its own, or the one PostgreSQL gives an unnamed one
/// (which the schema state also resolves on SQLite).
pub fn constraint_name(table: &str, c: &Constraint) -> String {
    if let Some(n) = c.name() {
        return n.to_string();
    }
    match c {
        Constraint::PrimaryKey(_) => names::primary_key(table),
        Constraint::Unique(u) => names::unique(table, &u.columns),
        Constraint::ForeignKey(fk) => names::foreign_key(table, &fk.columns),
        Constraint::Check(_) => names::check(table),
    }
}

/// Whether changing a column from `from` to `to` keeps every value.
pub fn widens(from: &ColumnType, to: &ColumnType) -> bool {
    use ColumnType as T;
    let int_rank = |t: &T| match t {
        T::SmallInt => Some(1),
        T::Integer => Some(2),
        T::BigInt => Some(3),
        _ => None,
    };
    match (from, to) {
        _ if from == to => true,
        (_, T::Text) => !matches!(from, T::Blob),
        (T::Varchar(Some(a)), T::Varchar(b)) => b.is_none_or(|b| b >= *a),
        (T::Real, T::Double) => true,
        (T::Date, T::Timestamp | T::TimestampTz) | (T::Timestamp, T::TimestampTz) => true,
        (T::Json, T::Jsonb) | (T::Jsonb, T::Json) => true,
        (a, b) if int_rank(a).is_some() && int_rank(b).is_some() => int_rank(a) <= int_rank(b),
        (a, T::Numeric(None)) => a.is_integer() || matches!(a, T::Numeric(_)),
        _ => false,
    }
}

/// [`canonical`] with columns sorted by name, defaults as [`default_key`]s and a lone integer
/// key's auto-increment folded ([`Table::stored_keys`]): equal for two
/// schemas the diff finds no change between (what the diff does not compare aside).
pub fn comparable(schema: &Schema, dialect: Dialect) -> Schema {
    let mut s = canonical(schema, dialect);
    for t in &mut s.tables {
        *t = t.stored_keys(dialect, true);
        t.columns.sort_by(|a, b| a.name.cmp(&b.name));
        for c in &mut t.columns {
            c.default = c.default.as_deref().map(default_key);
        }
    }
    s
}

/// The schema as the diff compares it on `dialect`: types as the engine holds them, tables
/// sorted by name, defaults and constraint names in one canonical spelling, and foreign keys
/// naming their referenced columns. On SQLite a `TIMESTAMP WITH TIME ZONE` compares equal
/// to a `TIMESTAMP` (SQLite has one kind of timestamp, which SQLAlchemy spells `DATETIME`
/// whatever the time zone flag says).
pub fn canonical(schema: &Schema, dialect: Dialect) -> Schema {
    let mut s = schema.on(dialect).sorted();
    for t in &mut s.tables {
        // The diff does not compare auto-increment, so only SQLite's key type is folded here.
        *t = t.stored_keys(dialect, false);
        for c in &mut t.columns {
            if dialect == Dialect::Sqlite && c.ty == ColumnType::TimestampTz {
                c.ty = ColumnType::Timestamp;
            }
        }
    }
    let keys: Vec<(String, Vec<String>)> = s
        .tables
        .iter()
        .filter_map(|t| Some((t.name.clone(), t.primary_key.as_ref()?.columns.clone())))
        .collect();
    for t in &mut s.tables {
        let name = t.name.clone();
        for c in &mut t.columns {
            c.default = c
                .default
                .as_deref()
                .and_then(|d| canonical_default(d, &c.ty));
        }
        if let Some(pk) = &mut t.primary_key {
            pk.name = pk.name.take().filter(|n| *n != names::primary_key(&name));
        }
        for u in &mut t.uniques {
            let generated = names::unique(&name, &u.columns);
            u.name = u.name.take().filter(|n| *n != generated);
        }
        for fk in &mut t.foreign_keys {
            let generated = names::foreign_key(&name, &fk.columns);
            fk.name = fk.name.take().filter(|n| *n != generated);
            if fk.ref_columns.is_empty() {
                if let Some((_, cols)) = keys.iter().find(|(t, _)| *t == fk.ref_table) {
                    fk.ref_columns = cols.clone();
                }
            }
        }
        t.other_columns.sort();
        t.other_indexes.sort();
    }
    s
}

/// A default in one spelling: outer parentheses dropped, a quoted number unquoted for a
/// numeric column, `NULL` as no default. Keyword case is kept (the generated script shows the
/// model's text); [`default_key`] folds it for comparing.
pub fn canonical_default(expr: &str, ty: &ColumnType) -> Option<String> {
    let mut e = expr.trim();
    while e.starts_with('(') && e.ends_with(')') && balanced(&e[1..e.len() - 1]) {
        e = e[1..e.len() - 1].trim();
    }
    let numeric = ty.is_integer()
        || matches!(
            ty,
            ColumnType::Real | ColumnType::Double | ColumnType::Numeric(_)
        );
    if numeric && e.len() > 2 && e.starts_with('\'') && e.ends_with('\'') {
        let inner = &e[1..e.len() - 1];
        if inner.parse::<f64>().is_ok() {
            e = inner;
        }
    }
    (!e.eq_ignore_ascii_case("NULL")).then(|| e.to_string())
}

/// A canonical default with everything outside quotes upper-cased: two defaults are the same
/// when their keys are.
pub fn default_key(expr: &str) -> String {
    let mut out = String::new();
    let mut quote: Option<char> = None;
    for ch in expr.chars() {
        match quote {
            Some(q) if ch == q => quote = None,
            Some(_) => {}
            None if ch == '\'' || ch == '"' => quote = Some(ch),
            None => {}
        }
        if quote.is_none() && ch != '\'' && ch != '"' {
            out.extend(ch.to_uppercase());
        } else {
            out.push(ch);
        }
    }
    out
}

/// Whether the parentheses of `s` balance (so that `(a) + (b)` keeps its outer pair).
fn balanced(s: &str) -> bool {
    let mut depth = 0i32;
    for ch in s.chars() {
        match ch {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth < 0 {
                    return false;
                }
            }
            _ => {}
        }
    }
    depth == 0
}

/// What a diff compares beyond tables, columns, types, nullability, keys and indexes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Compare {
    /// Whether a changed server default is a difference (Alembic's `compare_server_default`).
    pub server_defaults: bool,
}

impl Compare {
    /// Alembic's defaults: server defaults are not compared.
    #[cfg(test)]
    pub const ALEMBIC: Compare = Compare {
        server_defaults: false,
    };
    /// Everything the model carries.
    pub const ALL: Compare = Compare {
        server_defaults: true,
    };
}

/// The changes that turn `from` into `to`, both as `dialect` holds them, comparing
/// everything the model carries ([`Compare::ALL`]).
#[cfg(test)]
pub fn diff(from: &Schema, to: &Schema, dialect: Dialect) -> Vec<Change> {
    diff_with(from, to, dialect, Compare::ALL)
}

/// The changes that turn `from` into `to` by the rules of `compare`.
pub fn diff_with(from: &Schema, to: &Schema, dialect: Dialect, compare: Compare) -> Vec<Change> {
    let a = canonical(from, dialect);
    let b = canonical(to, dialect);
    let ignored: BTreeSet<&str> = a.other_tables.iter().map(String::as_str).collect();
    let kept: Vec<(&Table, &Table)> = b
        .tables
        .iter()
        .filter_map(|tb| a.table(&tb.name).map(|ta| (ta, tb)))
        .collect();
    let dropped: Vec<&Table> = a
        .tables
        .iter()
        .filter(|t| b.table(&t.name).is_none())
        .collect();
    let created: Vec<&Table> = b
        .tables
        .iter()
        .filter(|t| a.table(&t.name).is_none() && !ignored.contains(t.name.as_str()))
        .collect();

    let mut phases = Phases {
        compare,
        ..Phases::default()
    };
    let remade = Remade::of(&kept);
    for (ta, tb) in &kept {
        phases.foreign_keys(ta, tb, &remade);
        phases.indexes(ta, tb);
        phases.keys(ta, tb);
        phases.columns(ta, tb);
    }
    phases.created_tables(&created);
    phases.dropped_tables(&dropped);
    phases.in_order()
}

/// The changes of a diff, one list per phase, in the order the phases run.
struct Phases {
    compare: Compare,
    fk_drops: Vec<Change>,
    index_drops: Vec<Change>,
    table_drops: Vec<Change>,
    key_drops: Vec<Change>,
    column_drops: Vec<Change>,
    column_adds: Vec<Change>,
    alters: Vec<Change>,
    key_adds: Vec<Change>,
    table_creates: Vec<Change>,
    index_adds: Vec<Change>,
    fk_adds: Vec<Change>,
}

impl Default for Phases {
    fn default() -> Phases {
        Phases {
            compare: Compare::ALL,
            fk_drops: Vec::new(),
            index_drops: Vec::new(),
            table_drops: Vec::new(),
            key_drops: Vec::new(),
            column_drops: Vec::new(),
            column_adds: Vec::new(),
            alters: Vec::new(),
            key_adds: Vec::new(),
            table_creates: Vec::new(),
            index_adds: Vec::new(),
            fk_adds: Vec::new(),
        }
    }
}

impl Phases {
    /// Foreign keys of a kept table that go, come, or must be re-made.
    fn foreign_keys(&mut self, ta: &Table, tb: &Table, remade: &Remade) {
        let t = &tb.name;
        for fk in &ta.foreign_keys {
            if !tb.foreign_keys.contains(fk) || remade.needs(t, fk) {
                self.fk_drops
                    .push(drop_constraint(t, Constraint::ForeignKey(fk.clone())));
            }
        }
        for fk in &tb.foreign_keys {
            if !ta.foreign_keys.contains(fk) || remade.needs(t, fk) {
                self.fk_adds
                    .push(add_constraint(t, Constraint::ForeignKey(fk.clone())));
            }
        }
    }

    /// Indexes of a kept table, leaving the engine-specific ones alone.
    fn indexes(&mut self, ta: &Table, tb: &Table) {
        for i in &ta.indexes {
            if !tb.indexes.contains(i) && !tb.other_indexes.contains(&i.name) {
                self.index_drops.push(Change::DropIndex(i.clone()));
            }
        }
        for i in &tb.indexes {
            if !ta.indexes.contains(i) && !ta.other_indexes.contains(&i.name) {
                self.index_adds.push(Change::CreateIndex(i.clone()));
            }
        }
    }

    /// The primary key and unique constraints of a kept table.
    fn keys(&mut self, ta: &Table, tb: &Table) {
        let t = &tb.name;
        if ta.primary_key != tb.primary_key {
            if let Some(pk) = &ta.primary_key {
                self.key_drops
                    .push(drop_constraint(t, Constraint::PrimaryKey(pk.clone())));
            }
            if let Some(pk) = &tb.primary_key {
                self.key_adds
                    .push(add_constraint(t, Constraint::PrimaryKey(pk.clone())));
            }
        }
        for u in &ta.uniques {
            if !tb.uniques.contains(u) {
                self.key_drops
                    .push(drop_constraint(t, Constraint::Unique(u.clone())));
            }
        }
        for u in &tb.uniques {
            if !ta.uniques.contains(u) {
                self.key_adds
                    .push(add_constraint(t, Constraint::Unique(u.clone())));
            }
        }
    }

    /// Columns of a kept table that go, come, or change type, default or nullability.
    fn columns(&mut self, ta: &Table, tb: &Table) {
        let t = &tb.name;
        for ca in &ta.columns {
            if tb.column(&ca.name).is_none() && !tb.other_columns.contains(&ca.name) {
                self.column_drops.push(Change::DropColumn {
                    table: t.clone(),
                    column: ca.clone(),
                });
            }
        }
        for cb in &tb.columns {
            match ta.column(&cb.name) {
                Some(ca) => self.alters.extend(column_alters(t, ca, cb, self.compare)),
                None if !ta.other_columns.contains(&cb.name) => {
                    self.column_adds.push(Change::AddColumn {
                        table: t.clone(),
                        column: cb.clone(),
                    });
                }
                None => {}
            }
        }
    }

    /// Created tables, referenced first, each followed by its indexes; the foreign keys that
    /// close a cycle are added afterwards.
    fn created_tables(&mut self, created: &[&Table]) {
        let (order, cut) = creation_order(created);
        for t in order {
            self.table_creates
                .push(Change::CreateTable(without_cut_keys(t, &cut)));
            self.table_creates
                .extend(t.indexes.iter().cloned().map(Change::CreateIndex));
        }
        for (table, fk) in cut {
            self.fk_adds
                .push(add_constraint(&table, Constraint::ForeignKey(fk)));
        }
    }

    /// Dropped tables, in the reverse of the order that would create them (so that the
    /// inverse of a diff is a diff), each after its indexes.
    fn dropped_tables(&mut self, dropped: &[&Table]) {
        let (order, cut) = creation_order(dropped);
        for t in order.into_iter().rev() {
            self.table_drops
                .extend(t.indexes.iter().rev().cloned().map(Change::DropIndex));
            self.table_drops
                .push(Change::DropTable(without_cut_keys(t, &cut)));
        }
        for (table, fk) in cut.into_iter().rev() {
            self.fk_drops
                .push(drop_constraint(&table, Constraint::ForeignKey(fk)));
        }
    }

    fn in_order(self) -> Vec<Change> {
        [
            self.fk_drops,
            self.index_drops,
            self.table_drops,
            self.key_drops,
            self.column_drops,
            self.column_adds,
            self.alters,
            self.index_adds,
            self.key_adds,
            self.table_creates,
            self.fk_adds,
        ]
        .into_iter()
        .flatten()
        .collect()
    }
}

/// The changes to a column kept under the same name: type, then default, then nullability.
fn column_alters(table: &str, ca: &Column, cb: &Column, compare: Compare) -> Vec<Change> {
    let mut alters = Vec::new();
    if ca.ty != cb.ty {
        alters.push(Change::AlterType {
            table: table.to_string(),
            column: cb.name.clone(),
            from: ca.ty.clone(),
            to: cb.ty.clone(),
        });
    }
    if compare.server_defaults
        && ca.default.as_deref().map(default_key) != cb.default.as_deref().map(default_key)
    {
        alters.push(Change::AlterDefault {
            table: table.to_string(),
            column: cb.name.clone(),
            from: ca.default.clone(),
            to: cb.default.clone(),
        });
    }
    if ca.nullable != cb.nullable {
        alters.push(Change::AlterNullable {
            table: table.to_string(),
            column: cb.name.clone(),
            nullable: cb.nullable,
        });
    }
    alters
}

/// A table to create or drop without its indexes (separate changes) and without the foreign
/// keys `cut` to break a cycle.
fn without_cut_keys(t: &Table, cut: &[(String, ForeignKey)]) -> Table {
    let mut table = t.clone();
    table.indexes.clear();
    table
        .foreign_keys
        .retain(|fk| !cut.contains(&(t.name.clone(), fk.clone())));
    table
}

/// What forces a foreign key of a kept table to be dropped and added again though it is
/// unchanged: a column on either side whose type changes, or a referenced key that is dropped.
struct Remade {
    retyped: BTreeSet<(String, String)>,
    dropped_keys: BTreeSet<(String, Vec<String>)>,
}

impl Remade {
    fn of(kept: &[(&Table, &Table)]) -> Remade {
        let mut retyped = BTreeSet::new();
        let mut dropped_keys = BTreeSet::new();
        for (ta, tb) in kept {
            for cb in &tb.columns {
                if let Some(ca) = ta.column(&cb.name) {
                    if ca.ty != cb.ty {
                        retyped.insert((tb.name.clone(), cb.name.clone()));
                    }
                }
            }
            if ta.primary_key != tb.primary_key {
                if let Some(pk) = &ta.primary_key {
                    dropped_keys.insert((ta.name.clone(), pk.columns.clone()));
                }
            }
            for u in &ta.uniques {
                if !tb.uniques.contains(u) {
                    dropped_keys.insert((ta.name.clone(), u.columns.clone()));
                }
            }
        }
        Remade {
            retyped,
            dropped_keys,
        }
    }

    fn needs(&self, table: &str, fk: &ForeignKey) -> bool {
        fk.columns
            .iter()
            .any(|c| self.retyped.contains(&(table.to_string(), c.clone())))
            || fk
                .ref_columns
                .iter()
                .any(|c| self.retyped.contains(&(fk.ref_table.clone(), c.clone())))
            || self
                .dropped_keys
                .contains(&(fk.ref_table.clone(), fk.ref_columns.clone()))
    }
}

fn add_constraint(table: &str, constraint: Constraint) -> Change {
    Change::AddConstraint {
        table: table.to_string(),
        constraint,
    }
}

fn drop_constraint(table: &str, constraint: Constraint) -> Change {
    Change::DropConstraint {
        table: table.to_string(),
        constraint,
    }
}

/// `tables` in an order that creates referenced tables first, and the foreign keys that must
/// be left out of their `CREATE TABLE` and added afterwards to break a cycle.
fn creation_order<'a>(tables: &[&'a Table]) -> (Vec<&'a Table>, Vec<(String, ForeignKey)>) {
    let mut left: Vec<&Table> = tables.to_vec();
    let mut order = Vec::new();
    let mut cut = Vec::new();
    let waits_for = |t: &Table, left: &[&Table]| -> Vec<ForeignKey> {
        t.foreign_keys
            .iter()
            .filter(|fk| fk.ref_table != t.name && left.iter().any(|o| o.name == fk.ref_table))
            .cloned()
            .collect()
    };
    while !left.is_empty() {
        let ready = left.iter().position(|t| waits_for(t, &left).is_empty());
        let at = match ready {
            Some(at) => at,
            None => {
                let t = left[0];
                for fk in waits_for(t, &left) {
                    cut.push((t.name.clone(), fk));
                }
                0
            }
        };
        order.push(left.remove(at));
    }
    (order, cut)
}

#[cfg(test)]
mod tests;
