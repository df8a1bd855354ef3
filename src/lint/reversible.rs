//! The reversibility rules: a downgrade exists (`RV001`), and applying it after the upgrade
//! gives back the schema before the upgrade (`RV002`), judged on the schema model of the
//! tables the migration touches (the caller's choice; the others are the same before and
//! after).
//!
//! When either section holds a statement the model does not read, `RV002` says nothing: the
//! model can't tell what that statement did.

use super::{Body, Raw, Stmt};
use crate::schema::{apply_parsed, Schema};
use crate::sql::starts_with_ddl;

/// The reversibility findings for a migration, given the schema `before` and `after` its
/// upgrade (the tables it touches: the others can't differ), whether the model read every
/// schema statement of the upgrade (`modelled`), and its downgrade.
pub fn judge(before: &Schema, after: &Schema, modelled: bool, down: Option<&Body<'_>>) -> Vec<Raw> {
    let Some(down) = down else {
        return vec![Raw {
            code: "RV001",
            message: "no downgrade: `alembic downgrade` stops here".into(),
        }];
    };
    let Some(statements) = down.statements.as_ref().filter(|_| modelled) else {
        return Vec::new();
    };
    let mut back = after.clone();
    if !statements.iter().all(|s| applies(&mut back, s)) {
        return Vec::new();
    }
    let (sorted_before, sorted_back) = (before.sorted(), back.sorted());
    if sorted_back == sorted_before {
        return Vec::new();
    }
    vec![Raw {
        code: "RV002",
        message: format!(
            "the downgrade does not undo the upgrade: {}",
            difference((before, &sorted_before), (&back, &sorted_back))
        ),
    }]
}

/// Applies `statement` to `schema`; false when it is a schema statement the model does not
/// read (data statements change no schema and are passed over).
fn applies(schema: &mut Schema, statement: &Stmt<'_>) -> bool {
    apply_parsed(schema, &statement.parsed) || !starts_with_ddl(statement.sql)
}

/// What differs between the schema before the upgrade and after the downgrade, in words;
/// each schema comes as it is and sorted.
fn difference(
    (before, sorted_before): (&Schema, &Schema),
    (back, sorted_back): (&Schema, &Schema),
) -> String {
    let names = |s: &Schema| s.tables.iter().map(|t| t.name.clone()).collect::<Vec<_>>();
    let (b, a) = (names(before), names(back));
    if let Some(t) = a.iter().find(|t| !b.contains(t)) {
        return format!("table '{t}' is left behind");
    }
    if let Some(t) = b.iter().find(|t| !a.contains(t)) {
        return format!("table '{t}' is not restored");
    }
    let changed = sorted_before
        .tables
        .iter()
        .find(|t| sorted_back.table(&t.name) != Some(*t));
    match changed {
        Some(t) => format!("table '{}' differs from before the upgrade", t.name),
        None => "the schema differs from before the upgrade".into(),
    }
}
