//! The reversibility rules: a downgrade exists (`RV001`), and applying it after the upgrade
//! gives back the schema before the upgrade (`RV002`), judged on the schema model.
//!
//! When either section holds a statement the model does not read, `RV002` says nothing: the
//! model can't tell what that statement did.

use super::{Migration, Raw};
use crate::schema::translate::apply_sql;
use crate::schema::Schema;
use crate::sql::{split_with, starts_with_ddl, Comments};
use crate::Dialect;

/// The reversibility findings for `migration`, given the schema `before` and `after` its
/// upgrade.
pub fn judge(
    before: &Schema,
    after: &Schema,
    migration: &Migration<'_>,
    dialect: Dialect,
) -> Vec<Raw> {
    let Some(downgrade) = migration.downgrade else {
        return vec![Raw {
            code: "RV001",
            message: "no downgrade: `alembic downgrade` stops here".into(),
        }];
    };
    let Some(upgrade) = migration.upgrade else {
        return Vec::new();
    };
    if !all_modelled(before.clone(), upgrade.sql, dialect) {
        return Vec::new();
    }
    let mut back = after.clone();
    let Ok(statements) = split_with(downgrade.sql, Comments::of(dialect)) else {
        return Vec::new();
    };
    if !statements.iter().all(|s| applies(&mut back, s.sql)) {
        return Vec::new();
    }
    if back.sorted() == before.sorted() {
        return Vec::new();
    }
    vec![Raw {
        code: "RV002",
        message: format!(
            "the downgrade does not undo the upgrade: {}",
            difference(before, &back)
        ),
    }]
}

/// Whether every statement of `sql` applies to the model.
fn all_modelled(mut schema: Schema, sql: &str, dialect: Dialect) -> bool {
    split_with(sql, Comments::of(dialect))
        .map(|statements| statements.iter().all(|s| applies(&mut schema, s.sql)))
        .unwrap_or(false)
}

/// Applies `sql` to `schema`; false when it is a schema statement the model does not read
/// (data statements change no schema and are passed over).
fn applies(schema: &mut Schema, sql: &str) -> bool {
    apply_sql(schema, sql) || !starts_with_ddl(sql)
}

/// What differs between the schema before the upgrade and after the downgrade, in words.
fn difference(before: &Schema, back: &Schema) -> String {
    let names = |s: &Schema| s.tables.iter().map(|t| t.name.clone()).collect::<Vec<_>>();
    let (b, a) = (names(before), names(back));
    if let Some(t) = a.iter().find(|t| !b.contains(t)) {
        return format!("table '{t}' is left behind");
    }
    if let Some(t) = b.iter().find(|t| !a.contains(t)) {
        return format!("table '{t}' is not restored");
    }
    let (before, back) = (before.sorted(), back.sorted());
    let changed = before
        .tables
        .iter()
        .find(|t| back.table(&t.name) != Some(*t));
    match changed {
        Some(t) => format!("table '{}' differs from before the upgrade", t.name),
        None => "the schema differs from before the upgrade".into(),
    }
}
