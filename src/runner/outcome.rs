//! What a failed run left behind, in words: which migrations stay applied, what was rolled
//! back, and, for a section that runs without a transaction, which of its statements ran.

use super::{step_summary, RunError};
use crate::revision::Step;

/// How far a run got when a step failed.
#[derive(Clone, Copy, Default)]
pub(super) struct Progress<'p> {
    /// The last step that finished.
    pub last_good: Option<&'p Step>,
    /// With one transaction for the whole run: the last step whose work is committed (a
    /// `no-transaction` step commits the run's transaction before it and its own work).
    pub committed: Option<&'p Step>,
    /// One transaction for the whole run.
    pub whole: bool,
}

/// The failing statement's place in a `no-transaction` section: `ran` statements before it
/// ran and stay applied.
pub(super) fn partial(ran: usize, total: usize) -> String {
    let rest = total - ran;
    match ran {
        0 => "this migration runs without a transaction and nothing of it was applied".into(),
        _ => format!(
            "this migration runs without a transaction: the {ran} statement{} before this one \
             stay applied, this one and the {} after it did not run, and the revision is not \
             recorded; undo or finish those statements by hand, then run again",
            plural(ran),
            rest - 1
        ),
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// Adds to a statement failure what state the database was left in. A `no-transaction`
/// step's failure comes with its [`partial`] words in `outcome` already.
pub(super) fn with_outcome(err: RunError, progress: Progress<'_>) -> RunError {
    match err {
        RunError::Statement {
            revision,
            path,
            line,
            source,
            outcome,
        } => {
            let others = if outcome.is_empty() {
                rolled_back(progress)
            } else {
                format!("{outcome}; {}", applied_before(progress.last_good))
            };
            RunError::Statement {
                revision,
                path,
                line,
                source,
                outcome: others,
            }
        }
        other => other,
    }
}

/// What a transactional step's failure rolled back.
fn rolled_back(progress: Progress<'_>) -> String {
    match (progress.whole, progress.committed, progress.last_good) {
        (true, None, _) => "the whole run was rolled back".to_string(),
        (true, Some(done), _) => format!(
            "the run's transaction was rolled back to where {} (a no-transaction migration) \
             committed it; that migration and those before it stay applied",
            step_summary(done)
        ),
        (false, _, Some(step)) => format!(
            "this migration was rolled back; the last one applied was {}",
            step_summary(step)
        ),
        (false, _, None) => "this migration was rolled back; none were applied".to_string(),
    }
}

/// The migrations applied before the failing one.
fn applied_before(last: Option<&Step>) -> String {
    match last {
        Some(step) => format!("the last one applied was {}", step_summary(step)),
        None => "none were applied before it".to_string(),
    }
}
