//! The revision graph: validation, target resolution and migration plans. Pure: no I/O.
//!
//! Revisions arrive as values ([`Revision`]); [`RevisionMap::new`] validates them into a DAG
//! (duplicates, missing parents, cycles, unknown `depends_on`), then answers Alembic's
//! questions: heads, bases, branch and merge points, what a symbol such as `label@head` or
//! `ae10+2` names, and which steps (with their version-table updates) take the database from
//! its current heads to a target. Semantics follow Alembic's `RevisionMap`, with these
//! deliberate departures (the README lists them all):
//!
//! - an ambiguous prefix is [`RevisionError::AmbiguousPrefix`], listing the matches;
//! - walking past the ends of the graph (`REV+5` past head, `head-5` in upgrade) is
//!   [`RevisionError::Overwalk`] rather than a crash;
//! - `stamp A B` with `A` an ancestor of `B` is [`RevisionError::StampOverlap`];
//! - wherever Alembic iterates a hash set (unmerge order, labels, `current`), the order is
//!   fixed: load order or sorted, as each function documents.
//!
//! Files: `graph.rs` (the validated DAG and its queries), `target.rs` (symbol grammar and
//! resolution), `walk.rs` (ancestor/descendant iteration, topological order, range
//! collection, history), `plan.rs` (upgrade/downgrade/stamp plans with version-table ops).

mod bits;
mod direction;
mod graph;
mod id;
mod plan;
mod target;
mod walk;

#[cfg(test)]
mod tests;

pub use direction::Direction;
pub use graph::{Revision, RevisionMap};
pub use id::{is_valid_revision_id, BadRevisionId, RevisionId};
pub use plan::{plan_downgrade, plan_stamp, plan_upgrade, Plan, Step, StepKind, VersionOp};

/// A graph or target problem. The messages are Alembic's where Alembic has one.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RevisionError {
    #[error("Can't locate revision identified by '{0}'")]
    NotFound(String),
    /// A prefix that matches several revisions (Alembic hides this behind `NotFound`).
    #[error("Ambiguous revision prefix '{prefix}' matches {}", .matches.join(", "))]
    AmbiguousPrefix {
        prefix: String,
        matches: Vec<String>,
    },
    #[error("Multiple head revisions are present for given argument '{0}'; please specify a specific target revision, '<branchname>@{0}' to narrow to a specific head, or 'heads' for all heads")]
    MultipleHeads(String),
    #[error("Revision {id} is present more than once ({first} and {second})")]
    Duplicate {
        id: String,
        first: String,
        second: String,
    },
    /// A `down_revision` or `depends_on` entry that names no revision. `from` is
    /// `id (origin)` of the referring revision.
    #[error("Revision {missing} referenced from {from} is not present")]
    MissingParent { missing: String, from: String },
    /// A `depends_on` entry that is only the start of revision ids: an entry is a full id or a
    /// branch label.
    #[error("Revision {dep} referenced from {from} is not present; depends_on takes a full revision id or a branch label, and {dep} is only the start of {}", .matches.join(", "))]
    PartialDependency {
        dep: String,
        from: String,
        matches: Vec<String>,
    },
    /// `kind` is `Cycle` (through `down_revision`) or `Dependency cycle` (through `depends_on`).
    #[error("{kind} is detected in revisions ({}) [{}]", .revisions.join(", "), .origins.join(", "))]
    Cycle {
        kind: &'static str,
        revisions: Vec<String>,
        origins: Vec<String>,
    },
    /// `kind` is `Self-loop` or `Dependency self-loop`.
    #[error("{kind} is detected in revisions ({id}) [{origin}]")]
    SelfLoop {
        kind: &'static str,
        id: String,
        origin: String,
    },
    /// An id that Alembic's grammar cannot address (`@`, `-`, `+`, `:`), or an empty one.
    #[error("Character(s) '{chars}' not allowed in revision identifier '{id}' ({origin})")]
    InvalidId {
        chars: String,
        id: String,
        origin: String,
    },
    /// `id` is `revision (origin)` when raised while building the map.
    #[error("Branch name '{label}' in revision {id} already used by revision {other}")]
    DuplicateLabel {
        label: String,
        id: String,
        other: String,
    },
    /// `Relative revision {0} didn't produce {1} migrations`.
    #[error("Relative revision {0} didn't produce {1} migrations")]
    RelativeShort(String, String),
    /// `@` or `label@`: a target that names no revision.
    #[error("Revision target '{0}' names nothing after '@'; write label@head, label@base, label@REV or a revision id")]
    NothingAfterAt(String),
    /// `base-N`: a walk down from below every revision (Alembic starts it at the heads).
    #[error("Relative revision {0} walks below base; there is no revision under base")]
    BelowBase(String),
    /// Alembic's downgrade overwalk (`downgrade head-5`).
    #[error("Walked too far")]
    WalkedTooFar,
    /// An overwalk where Alembic crashes (`upgrade head-5`, `upgrade REV+5`, `show -9`).
    #[error("Relative revision {0} walks past the ends of the revision graph")]
    Overwalk(String),
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
    #[error(
        "Requested range {0} does not refer to ancestor/descendant revisions along the same branch"
    )]
    BadRange(String),
    #[error("History range requires [start]:[end], [start]:, or :[end]")]
    HistoryRange,
    /// A version-table move that the rows as they stand can't take (what the online UPDATE
    /// or DELETE would find wrong).
    #[error("Version table update is inconsistent: {0}")]
    InconsistentVersionTable(String),
    /// `downgrade label@-N` with several current revisions on the branch.
    #[error("Ambiguous downgrade: several current revisions are on branch '{label}': {}", .revisions.join(", "))]
    AmbiguousBranchDowngrade {
        label: String,
        revisions: Vec<String>,
    },
    /// A revision id used as `id@…` names a revision without exactly one branch label.
    #[error("Revision {0} is used as a branch name but does not carry exactly one branch label")]
    NotOneBranchLabel(String),
    /// A labelled downgrade target whose branch has none of the current heads' roots.
    #[error("Not a valid downgrade target from current heads")]
    NotOnCurrentBranch,
}
