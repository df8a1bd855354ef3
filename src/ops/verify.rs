//! Verification: which applied scripts changed on disk since they ran.
//!
//! The applied revisions are the version table's heads and everything below them (what a
//! downgrade to `base` would undo). Each is compared with the checksum of its most recent
//! `upgrade` row in the history table. A revision with no row — applied by Python Alembic,
//! by a version of this tool before the history table, or stamped — is reported as such,
//! not as changed. A `.sql` revision that `alembic convert` wrote from the `.py` file that
//! ran is unchanged while that file, kept beside it as `<name>.py.converted`, is.

use std::collections::HashMap;
use std::path::PathBuf;

use crate::db::{read_heads, Database};
use crate::history::HistoryTable;
use crate::project::Project;
use crate::revision::plan_downgrade;
use crate::Result;

/// What [`verify`] found, each list oldest revision first.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Verification {
    /// Applied revisions whose script differs from the one that ran, with its path.
    pub changed: Vec<(String, PathBuf)>,
    /// Applied revisions with no recorded checksum.
    pub unrecorded: Vec<String>,
    /// Applied revisions whose script is the one that ran.
    pub unchanged: Vec<String>,
}

/// Compares every applied revision's script with the checksum recorded when it ran.
pub fn verify(project: &Project, db: &mut dyn Database) -> Result<Verification> {
    let heads = read_heads(db, &project.version_table)?;
    project.check_rows(&heads)?;
    let mut applied: Vec<String> = plan_downgrade(&project.map, &heads, "base")?
        .steps
        .into_iter()
        .filter_map(|step| step.revision)
        .collect();
    applied.reverse();

    let table = HistoryTable::beside(&project.version_table);
    let mut recorded: HashMap<String, String> = HashMap::new();
    if db.table_exists(table.location())? {
        for row in db.query_column(&table.select_upgrades_sql(db.dialect()))? {
            if let Some((rev, sum)) = row.split_once(' ') {
                recorded.insert(rev.to_string(), sum.trim().to_string());
            }
        }
    }

    let mut found = Verification::default();
    let mut buf = Vec::new();
    for rev in applied {
        let script = project.script(&rev)?;
        let Some(expected) = recorded.get(&rev) else {
            found.unrecorded.push(rev);
            continue;
        };
        if &script.checksum_with(&mut buf)? == expected || converted_from(&script.path, expected) {
            found.unchanged.push(rev);
        } else {
            found.changed.push((rev, script.path.clone()));
        }
    }
    Ok(found)
}

/// Whether `path` is a `.sql` file converted from a `.py` file, kept beside it as
/// `<name>.py.converted`, whose checksum is `expected` (the `.py` revision that ran).
fn converted_from(path: &std::path::Path, expected: &str) -> bool {
    if path.extension().is_none_or(|e| e != "sql") {
        return false;
    }
    let aside = path.with_extension("py.converted");
    std::fs::read(aside).is_ok_and(|bytes| crate::script::checksum(&bytes) == expected)
}
