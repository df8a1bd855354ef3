//! The validated revision DAG. (stub: to be implemented)

use super::RevisionError;

/// One revision as the graph sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Revision {
    pub id: String,
    /// Empty for a base; several for a merge point.
    pub down_revisions: Vec<String>,
    pub branch_labels: Vec<String>,
    /// As written in the script: full ids, prefixes or branch labels.
    pub depends_on: Vec<String>,
    /// First paragraph of the message, for log and history lines.
    pub doc: String,
    /// Where the revision came from (a file path), for error messages.
    pub origin: String,
}

/// A validated revision graph.
#[derive(Clone, Debug, Default)]
pub struct RevisionMap {
    revisions: Vec<Revision>,
}

impl RevisionMap {
    /// Validates revisions into a graph.
    pub fn new(revisions: Vec<Revision>) -> Result<RevisionMap, RevisionError> {
        Ok(RevisionMap { revisions })
    }

    /// All revisions in load order.
    pub fn revisions(&self) -> &[Revision] {
        &self.revisions
    }

    /// A revision by exact id.
    pub fn get(&self, id: &str) -> Option<&Revision> {
        self.revisions.iter().find(|r| r.id == id)
    }
}
