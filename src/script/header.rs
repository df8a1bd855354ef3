//! Script header and sections. (stub: to be implemented)

use std::path::{Path, PathBuf};

use super::ScriptError;
use crate::revision::Revision;
use crate::Dialect;

/// Which way a section migrates.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SectionDirection {
    Upgrade,
    Downgrade,
}

/// Whether a section runs inside the migration's transaction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TransactionMode {
    Transactional,
    /// `no-transaction` on the marker: statements run in autocommit mode.
    None,
}

/// One `-- +upgrade [dialect] [no-transaction]` section.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Section {
    pub direction: SectionDirection,
    pub dialect: Option<Dialect>,
    pub transaction: TransactionMode,
    /// The SQL text of the section (marker line excluded).
    pub sql: String,
    /// 1-based line in the file of the first line of `sql`.
    pub first_line: usize,
}

/// A parsed revision script.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Script {
    pub path: PathBuf,
    pub revision: String,
    pub down_revisions: Vec<String>,
    pub branch_labels: Vec<String>,
    pub depends_on: Vec<String>,
    pub message: String,
    pub create_date: Option<String>,
    pub sections: Vec<Section>,
}

impl Script {
    /// Parses a script's text; `path` is used in errors and kept in the value.
    pub fn parse(path: &Path, text: &str) -> Result<Script, ScriptError> {
        let _ = (path, text);
        todo!()
    }

    /// The section to run for `direction` on `dialect`: the dialect's own, else the plain one.
    /// `None` for a downgrade means the revision is irreversible.
    pub fn section(&self, direction: SectionDirection, dialect: Dialect) -> Option<&Section> {
        let _ = (direction, dialect);
        todo!()
    }

    /// The graph's view of this script.
    pub fn to_revision(&self) -> Revision {
        todo!()
    }
}
