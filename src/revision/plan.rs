//! Migration plans. (stub: to be implemented)

/// What a step does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StepKind {
    /// Runs the revision's upgrade section.
    Upgrade,
    /// Runs the revision's downgrade section.
    Downgrade,
    /// Only moves the version table (`stamp`).
    Stamp,
}

/// One change to the version table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum VersionOp {
    Insert(String),
    Update { from: String, to: String },
    Delete(String),
    /// `stamp --purge`: empty the table first.
    DeleteAll,
}

/// One step of a plan: run a script section (or nothing, for a stamp) and move the version table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    pub kind: StepKind,
    /// The revision whose section runs; `None` for stamp steps.
    pub revision: Option<String>,
    /// Shown left of `->` in `Running upgrade a -> b`.
    pub from: Vec<String>,
    /// Shown right of `->`.
    pub to: Vec<String>,
    pub version_ops: Vec<VersionOp>,
}

/// An ordered list of steps; computing it never touches a database.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Plan {
    pub steps: Vec<Step>,
}
