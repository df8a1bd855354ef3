//! Applying [`Op`]s to a [`Schema`]: what each operation leaves behind, on either engine.
//!
//! Pure. Used offline (the schema the SQL written so far builds), for replaying a history, and
//! to compute the new shape of a table that SQLite must rebuild. Where the engines differ, the
//! model follows PostgreSQL's stricter reading (dropping a column drops the indexes and
//! constraints on it; renaming a table or column updates the references to it).

use crate::schema::model::{ColumnChange, Constraint, Op, Schema, Table};
use crate::schema::names;

/// An operation that does not fit the schema it is applied to.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct StateError(pub String);

fn err<T>(text: String) -> Result<T, StateError> {
    Err(StateError(text))
}

/// Applies `op` to `schema`.
pub fn apply(schema: &mut Schema, op: &Op) -> Result<(), StateError> {
    match op {
        Op::CreateTable {
            table,
            if_not_exists,
        } => create_table(schema, table, *if_not_exists),
        Op::DropTable { name, if_exists } => {
            let before = schema.tables.len();
            schema.tables.retain(|t| &t.name != name);
            if before == schema.tables.len() && !if_exists {
                return err(format!("no table '{name}'"));
            }
            Ok(())
        }
        Op::RenameTable { from, to } => rename_table(schema, from, to),
        Op::RenameColumn { table, from, to } => {
            apply_to_table(table_mut(schema, table)?, op)?;
            for other in &mut schema.tables {
                for fk in &mut other.foreign_keys {
                    if &fk.ref_table == table {
                        rename_in(&mut fk.ref_columns, from, to);
                    }
                }
            }
            Ok(())
        }
        Op::AddColumn { table, .. }
        | Op::DropColumn { table, .. }
        | Op::AlterColumn { table, .. }
        | Op::AddConstraint { table, .. }
        | Op::DropConstraint { table, .. } => apply_to_table(table_mut(schema, table)?, op),
        Op::CreateIndex {
            index,
            if_not_exists,
        } => {
            if find_index(schema, &index.name).is_some() {
                if *if_not_exists {
                    return Ok(());
                }
                return err(format!("index '{}' already exists", index.name));
            }
            table_mut(schema, &index.table)?.indexes.push(index.clone());
            Ok(())
        }
        Op::DropIndex { name, if_exists } => match find_index(schema, name) {
            Some((t, i)) => {
                schema.tables[t].indexes.remove(i);
                Ok(())
            }
            None if *if_exists => Ok(()),
            None => err(format!("no index '{name}'")),
        },
        Op::CreateTrigger(trigger) => {
            let t = table_mut(schema, &trigger.table)?;
            t.triggers.push(trigger.clone());
            Ok(())
        }
        Op::DropTrigger { name, if_exists } => drop_trigger(schema, name, *if_exists),
    }
}

fn create_table(schema: &mut Schema, table: &Table, if_not_exists: bool) -> Result<(), StateError> {
    if schema.table(&table.name).is_some() {
        if if_not_exists {
            return Ok(());
        }
        return err(format!("table '{}' already exists", table.name));
    }
    schema.tables.push(table.clone());
    Ok(())
}

/// Renames a table, with its indexes and triggers and the foreign keys that reference it.
fn rename_table(schema: &mut Schema, from: &str, to: &str) -> Result<(), StateError> {
    if schema.table(to).is_some() {
        return err(format!("table '{to}' already exists"));
    }
    let Some(t) = schema.table_mut(from) else {
        return err(format!("no table '{from}'"));
    };
    t.name = to.to_string();
    for i in &mut t.indexes {
        i.table = to.to_string();
    }
    for tr in &mut t.triggers {
        tr.table = to.to_string();
    }
    for other in &mut schema.tables {
        for fk in &mut other.foreign_keys {
            if fk.ref_table == from {
                fk.ref_table = to.to_string();
            }
        }
    }
    Ok(())
}

fn drop_trigger(schema: &mut Schema, name: &str, if_exists: bool) -> Result<(), StateError> {
    let mut found = false;
    for t in &mut schema.tables {
        let before = t.triggers.len();
        t.triggers.retain(|tr| tr.name != name);
        found |= before != t.triggers.len();
    }
    if !found && !if_exists {
        return err(format!("no trigger '{name}'"));
    }
    Ok(())
}

fn table_mut<'a>(schema: &'a mut Schema, name: &str) -> Result<&'a mut Table, StateError> {
    match schema.table_mut(name) {
        Some(t) => Ok(t),
        None => err(format!("no table '{name}'")),
    }
}

fn find_index(schema: &Schema, name: &str) -> Option<(usize, usize)> {
    schema.tables.iter().enumerate().find_map(|(t, table)| {
        table
            .indexes
            .iter()
            .position(|i| i.name == name)
            .map(|i| (t, i))
    })
}

fn rename_in(columns: &mut [String], from: &str, to: &str) {
    for c in columns.iter_mut() {
        if c == from {
            *c = to.to_string();
        }
    }
}

/// Applies an `ALTER TABLE` operation to one table (references from other tables aside).
pub fn apply_to_table(t: &mut Table, op: &Op) -> Result<(), StateError> {
    match op {
        Op::AddColumn {
            column,
            constraints,
            ..
        } => {
            if t.column(&column.name).is_some() {
                return err(format!(
                    "column '{}.{}' already exists",
                    t.name, column.name
                ));
            }
            t.columns.push(column.clone());
            for c in constraints {
                add_constraint(t, c.clone())?;
            }
            Ok(())
        }
        Op::DropColumn { column, .. } => drop_column(t, column),
        Op::RenameColumn { from, to, .. } => rename_column(t, from, to),
        Op::AlterColumn { column, change, .. } => alter_column(t, column, change),
        Op::AddConstraint { constraint, .. } => add_constraint(t, constraint.clone()),
        Op::DropConstraint { name: cname, .. } => drop_constraint(t, cname),
        other => err(format!("not a table alteration: {other:?}")),
    }
}

/// Drops a column with the keys, foreign keys and indexes on it.
fn drop_column(t: &mut Table, column: &str) -> Result<(), StateError> {
    if t.column(column).is_none() {
        return err(format!("no column '{}.{column}'", t.name));
    }
    t.columns.retain(|c| c.name != column);
    let has = |cols: &[String]| cols.iter().any(|c| c == column);
    if t.primary_key.as_ref().is_some_and(|pk| has(&pk.columns)) {
        t.primary_key = None;
    }
    t.uniques.retain(|u| !has(&u.columns));
    t.foreign_keys.retain(|fk| !has(&fk.columns));
    t.indexes
        .retain(|i| !i.columns.iter().any(|p| p.is_column && p.expr == column));
    Ok(())
}

/// Renames a column, and every mention of it in the table's keys and indexes.
fn rename_column(t: &mut Table, from: &str, to: &str) -> Result<(), StateError> {
    let name = t.name.clone();
    if t.column(to).is_some() {
        return err(format!("column '{name}.{to}' already exists"));
    }
    let Some(c) = t.column_mut(from) else {
        return err(format!("no column '{name}.{from}'"));
    };
    c.name = to.to_string();
    if let Some(pk) = &mut t.primary_key {
        rename_in(&mut pk.columns, from, to);
    }
    for u in &mut t.uniques {
        rename_in(&mut u.columns, from, to);
    }
    for fk in &mut t.foreign_keys {
        rename_in(&mut fk.columns, from, to);
        if fk.ref_table == name {
            rename_in(&mut fk.ref_columns, from, to);
        }
    }
    for i in &mut t.indexes {
        for p in &mut i.columns {
            if p.is_column && p.expr == from {
                p.expr = to.to_string();
            }
        }
    }
    Ok(())
}

fn alter_column(t: &mut Table, column: &str, change: &ColumnChange) -> Result<(), StateError> {
    use ColumnChange as C;
    let name = t.name.clone();
    let in_key = t
        .primary_key
        .as_ref()
        .is_some_and(|pk| pk.columns.iter().any(|c| c == column));
    let Some(c) = t.column_mut(column) else {
        return err(format!("no column '{name}.{column}'"));
    };
    match change {
        C::SetType(ty) => c.ty = ty.clone(),
        C::SetNotNull => c.nullable = false,
        C::DropNotNull if in_key => {
            return err(format!(
                "column '{name}.{column}' is in the primary key; it can't be nullable"
            ))
        }
        C::DropNotNull => c.nullable = true,
        C::SetDefault(e) => c.default = Some(e.clone()),
        C::DropDefault => c.default = None,
    }
    Ok(())
}

fn add_constraint(t: &mut Table, c: Constraint) -> Result<(), StateError> {
    let name = t.name.clone();
    let columns: Vec<String> = match &c {
        Constraint::PrimaryKey(pk) => pk.columns.clone(),
        Constraint::Unique(u) => u.columns.clone(),
        Constraint::ForeignKey(fk) => fk.columns.clone(),
        Constraint::Check(_) => Vec::new(),
    };
    if let Some(missing) = columns.iter().find(|c| t.column(c).is_none()) {
        return err(format!("no column '{name}.{missing}'"));
    }
    if let Some(cname) = c.name() {
        if constraint_position(t, cname).is_some() {
            return err(format!("constraint '{cname}' already exists on '{name}'"));
        }
    }
    match c {
        Constraint::PrimaryKey(pk) => {
            if t.primary_key.is_some() {
                return err(format!("table '{name}' already has a primary key"));
            }
            for col in &mut t.columns {
                if pk.columns.contains(&col.name) {
                    col.nullable = false;
                }
            }
            t.primary_key = Some(pk);
        }
        Constraint::Unique(u) => t.uniques.push(u),
        Constraint::ForeignKey(fk) => t.foreign_keys.push(fk),
        Constraint::Check(ch) => t.checks.push(ch),
    }
    Ok(())
}

/// Where a constraint is, by its name or by the name PostgreSQL gives an unnamed one
/// (`t_pkey`, `t_a_b_key`, `t_a_fkey`, `t_a_check`), so that a history written against
/// PostgreSQL's generated names drops the same constraint on SQLite.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Position {
    PrimaryKey,
    Unique(usize),
    ForeignKey(usize),
    Check(usize),
}

fn constraint_position(t: &Table, cname: &str) -> Option<Position> {
    let named = |n: &Option<String>, default: String| match n {
        Some(n) => n == cname,
        None => default == cname,
    };
    let table = &t.name;
    if let Some(pk) = &t.primary_key {
        if named(&pk.name, names::primary_key(table)) {
            return Some(Position::PrimaryKey);
        }
    }
    if let Some(i) = t
        .uniques
        .iter()
        .position(|u| named(&u.name, names::unique(table, &u.columns)))
    {
        return Some(Position::Unique(i));
    }
    if let Some(i) = t
        .foreign_keys
        .iter()
        .position(|fk| named(&fk.name, names::foreign_key(table, &fk.columns)))
    {
        return Some(Position::ForeignKey(i));
    }
    let by_name = t
        .checks
        .iter()
        .position(|c| c.name.as_deref() == Some(cname));
    let by_default = || {
        let unnamed: Vec<usize> = (0..t.checks.len())
            .filter(|&i| t.checks[i].name.is_none())
            .collect();
        let pattern = cname.starts_with(&format!("{table}_")) && cname.ends_with("_check");
        (pattern && unnamed.len() == 1).then(|| unnamed[0])
    };
    by_name.or_else(by_default).map(Position::Check)
}

fn drop_constraint(t: &mut Table, cname: &str) -> Result<(), StateError> {
    match constraint_position(t, cname) {
        Some(Position::PrimaryKey) => t.primary_key = None,
        Some(Position::Unique(i)) => {
            t.uniques.remove(i);
        }
        Some(Position::ForeignKey(i)) => {
            t.foreign_keys.remove(i);
        }
        Some(Position::Check(i)) => {
            t.checks.remove(i);
        }
        None => return err(format!("no constraint '{cname}' on table '{}'", t.name)),
    }
    Ok(())
}

#[cfg(test)]
mod tests;
