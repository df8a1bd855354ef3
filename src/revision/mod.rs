//! The revision graph: validation, target resolution and migration plans. Pure: no I/O.
//!
//! Revisions arrive as values ([`Revision`]); [`RevisionMap::new`] validates them into a DAG
//! (duplicates, missing parents, cycles, unknown `depends_on`), then answers Alembic's
//! questions: heads, bases, branch and merge points, what a symbol such as `label@head` or
//! `ae10+2` names, and which steps (with their version-table updates) take the database from
//! its current heads to a target. Semantics follow Alembic's `RevisionMap`.

mod graph;
mod id;
mod plan;
mod target;

pub use graph::{Revision, RevisionMap};
pub use id::{is_valid_revision_id, random_revision_id};
pub use plan::{Plan, Step, StepKind, VersionOp};

/// A graph or target problem. The messages are Alembic's where Alembic has one.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RevisionError {
    #[error("Can't locate revision identified by '{0}'")]
    NotFound(String),
    /// A prefix that matches several revisions (Alembic hides this behind `NotFound`).
    #[error("Ambiguous revision prefix '{prefix}' matches {}", .matches.join(", "))]
    AmbiguousPrefix { prefix: String, matches: Vec<String> },
    #[error("Multiple head revisions are present for given argument '{0}'; please specify a specific target revision, '<branchname>@{0}' to narrow to a specific head, or 'heads' for all heads")]
    MultipleHeads(String),
    #[error("Revision {id} is present more than once ({first} and {second})")]
    Duplicate {
        id: String,
        first: String,
        second: String,
    },
    #[error("Revision {missing} referenced from {from} is not present")]
    MissingParent { missing: String, from: String },
    #[error("Cycle is detected in revisions ({})", .0.join(", "))]
    Cycle(Vec<String>),
    #[error("Branch name '{label}' in revision {id} already used by revision {other}")]
    DuplicateLabel {
        label: String,
        id: String,
        other: String,
    },
    #[error("Relative revision {0} didn't produce {1} migrations")]
    RelativeShort(String, usize),
    /// Walking past the head or below the base (Alembic: "Walked too far" or an assertion).
    #[error("Walked too far: {0} goes beyond the ends of the revision graph")]
    WalkedTooFar(String),
    #[error("Ambiguous walk")]
    AmbiguousWalk,
    #[error("Ambiguous upgrade from multiple current revisions")]
    AmbiguousUpgrade,
    #[error("Destination {0} is not a valid downgrade target from current head(s)")]
    NotValidDowngradeTarget(String),
    #[error("Range revision not allowed")]
    RangeNotAllowed,
    #[error("Requested revision {0} overlaps with other requested revisions {1}")]
    Overlap(String, String),
    #[error("Multiple heads are present; please specify a single target revision")]
    StampMultipleHeads,
    /// `stamp A B` where one target is an ancestor of another (Alembic inserts both).
    #[error("Stamp targets {0} and {1} overlap: {1} is an ancestor of {0}")]
    StampOverlap(String, String),
    #[error("Requested range {0} does not refer to ancestor/descendant revisions along the same branch")]
    BadRange(String),
    /// `downgrade` to a revision that is a descendant of the current heads, or similar.
    #[error("{0}")]
    Other(String),
}
