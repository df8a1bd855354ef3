//! What the runner checks before the first statement runs: every step has a script, a
//! downgrade has a section to run, a `.py` body was understood, and each section splits into
//! statements (no quote or comment left open) of which none creates the history table or, in
//! a section that runs inside the tool's transaction, ends or restarts that transaction.
//! The statements are split here once and handed to the run.

use std::collections::HashMap;

use super::RunError;
use crate::history::HistoryTable;
use crate::revision::{Direction, Plan, Step, StepKind};
use crate::script::{Script, Section, TransactionMode};
use crate::sql::{split_with, Comments, Statement};
use crate::Dialect;

/// A step's script, the section it runs and that section's statements.
pub(super) struct Prepared<'s> {
    pub script: &'s Script,
    pub section: &'s Section,
    pub statements: Vec<Statement<'s>>,
}

/// Checks every step of `plan`, and splits the section each one runs (`None` for a step that
/// runs none: a stamp, a purge).
pub(super) fn prepare<'s>(
    plan: &Plan,
    scripts: &'s HashMap<String, Script>,
    dialect: Dialect,
    history: &HistoryTable,
) -> Result<Vec<Option<Prepared<'s>>>, RunError> {
    let mut out = Vec::with_capacity(plan.steps.len());
    for step in &plan.steps {
        let Some(rev) = &step.revision else {
            out.push(None);
            continue;
        };
        let script = scripts
            .get(rev)
            .ok_or_else(|| RunError::MissingScript(rev.clone()))?;
        check_python_body(step, script, dialect)?;
        let section = step
            .kind
            .direction()
            .and_then(|d| script.section(d, dialect));
        if step.kind == StepKind::Migrate(Direction::Downgrade) && section.is_none() {
            return Err(RunError::Irreversible {
                revision: rev.clone(),
                path: script.path.clone(),
            });
        }
        out.push(match section {
            Some(section) => Some(prepare_section(script, section, dialect, history)?),
            None => None,
        });
    }
    Ok(out)
}

/// Splits one section and checks its statements.
fn prepare_section<'s>(
    script: &'s Script,
    section: &'s Section,
    dialect: Dialect,
    history: &HistoryTable,
) -> Result<Prepared<'s>, RunError> {
    let refuse = |line_offset: usize, message: String| RunError::Refused {
        revision: script.revision.clone(),
        path: script.path.clone(),
        line: section.first_line + line_offset,
        message,
    };
    let statements = split_with(&section.sql, Comments::of(dialect))
        .map_err(|e| refuse(e.line_offset, e.to_string()))?;
    if history.mentioned_in(&section.sql) {
        if let Some(stmt) = statements.iter().find(|s| history.created_by(s.sql)) {
            let message = history.clash("this statement creates a table");
            return Err(refuse(stmt.line_offset, message));
        }
    }
    if section.transaction == TransactionMode::Transactional {
        for stmt in &statements {
            if let Some(what) = transaction_control(stmt.sql) {
                return Err(refuse(stmt.line_offset, transaction_message(what, section)));
            }
        }
    }
    Ok(Prepared {
        script,
        section,
        statements,
    })
}

/// Refuses a step that would run a `.py` revision's body the reader could not lower.
fn check_python_body(step: &Step, script: &Script, dialect: Dialect) -> Result<(), RunError> {
    match (script.python_refusal(), step.kind) {
        (Some((on, line, what)), StepKind::Migrate(_)) if on.is_none_or(|d| d == dialect) => {
            Err(RunError::Unsupported {
                revision: script.revision.clone(),
                path: script.path.clone(),
                line: *line,
                what: what.clone(),
            })
        }
        _ => Ok(()),
    }
}

/// The statement's transaction-control words (`COMMIT`, `ROLLBACK`, `BEGIN`, `END`, `ABORT`,
/// `START TRANSACTION`, `SET TRANSACTION`, `PREPARE TRANSACTION`) when it is one of those;
/// savepoints (`SAVEPOINT`, `RELEASE`, `ROLLBACK TO`) stay inside the transaction and pass.
fn transaction_control(sql: &str) -> Option<String> {
    let words: Vec<String> = sql
        .split(|c: char| !c.is_ascii_alphabetic())
        .filter(|w| !w.is_empty())
        .take(3)
        .map(str::to_ascii_uppercase)
        .collect();
    let word = |i: usize| words.get(i).map_or("", String::as_str);
    // A statement starts at its first word: the splitter trims leading comments.
    if !sql.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return None;
    }
    let control = match word(0) {
        "COMMIT" | "BEGIN" | "END" | "ABORT" => true,
        "ROLLBACK" => {
            let after = if matches!(word(1), "WORK" | "TRANSACTION") {
                word(2)
            } else {
                word(1)
            };
            after != "TO"
        }
        "START" | "SET" | "PREPARE" => word(1) == "TRANSACTION",
        _ => false,
    };
    control.then(|| {
        let n = if word(1) == "TRANSACTION" { 2 } else { 1 };
        words[..n].join(" ")
    })
}

/// Why a transaction-control statement is refused, and how to write the migration instead.
fn transaction_message(what: String, section: &Section) -> String {
    let marker = match section.dialect {
        Some(d) => format!(
            "-- +{} {} no-transaction",
            section.direction.as_str(),
            d.name()
        ),
        None => format!("-- +{} no-transaction", section.direction.as_str()),
    };
    format!(
        "'{what}' would end or restart the transaction this migration runs in, so the \
         migration could be recorded half done; remove it (the tool begins and commits the \
         transaction, together with the version update), or mark the section \
         '{marker}' to run its statements one by one and control transactions yourself"
    )
}

#[cfg(test)]
mod tests {
    use super::transaction_control;

    #[test]
    fn transaction_control_statements_are_known_by_their_first_words() {
        for (sql, what) in [
            ("COMMIT", "COMMIT"),
            ("commit transaction", "COMMIT TRANSACTION"),
            ("ROLLBACK", "ROLLBACK"),
            ("rollback work", "ROLLBACK"),
            ("BEGIN", "BEGIN"),
            ("BEGIN IMMEDIATE", "BEGIN"),
            ("END", "END"),
            ("end transaction", "END TRANSACTION"),
            ("ABORT", "ABORT"),
            ("START TRANSACTION", "START TRANSACTION"),
            (
                "SET TRANSACTION ISOLATION LEVEL SERIALIZABLE",
                "SET TRANSACTION",
            ),
            ("PREPARE TRANSACTION 'x'", "PREPARE TRANSACTION"),
        ] {
            assert_eq!(transaction_control(sql).as_deref(), Some(what), "{sql}");
        }
        for sql in [
            "SAVEPOINT a",
            "RELEASE SAVEPOINT a",
            "ROLLBACK TO a",
            "rollback transaction to savepoint a",
            "SET search_path = x",
            "START",
            "CREATE TRIGGER t AFTER INSERT ON a BEGIN SELECT 1; END",
            "DO $$ BEGIN COMMIT; END $$",
            "COMMITTED",
            "\"COMMIT\"",
            "ENDS",
        ] {
            assert_eq!(transaction_control(sql), None, "{sql}");
        }
    }
}
