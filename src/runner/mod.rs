//! The runner: walks a [`Plan`] into a [`Sink`], which is a live database or SQL text.
//!
//! Both sinks receive the same calls in the same order — a comment naming the step, `BEGIN`,
//! each statement of the script section, the version-table statements, `COMMIT` — so
//! `upgrade --sql` prints exactly what `upgrade` runs. Each migration is one transaction
//! together with its version-table update, unless its section says `no-transaction`: then its
//! statements run in autocommit mode and the version update gets a transaction of its own.
//! Before the first statement runs, every step is checked: a downgrade through a revision
//! without a downgrade section fails with nothing done. The runner never prints; it reports
//! [`Event`]s to an observer.

mod portable;
mod sink;

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};

pub use portable::replay;
pub use portable::StatementError;
pub use sink::{OfflineSink, OnlineSink, Sink, SinkError};

use crate::config::TransactionScope;
use crate::db::{DbError, VersionTable};
use crate::history::{HistoryTable, Inserts, Record};
use crate::revision::{Direction, Plan, Step, StepKind, VersionOp};
use crate::script::{Script, ScriptOrigin, TransactionMode};
use crate::sql::split_statements;
use crate::Dialect;

/// A failure while running a plan.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RunError {
    /// A downgrade would pass through a revision that has no downgrade section.
    #[error("revision {revision} has no '-- +downgrade' section ({path}); it can't be downgraded")]
    Irreversible { revision: String, path: PathBuf },
    /// A step names a revision that has no script (the plan and the scripts disagree).
    #[error("no script for revision {0}")]
    MissingScript(String),
    /// A statement of a migration failed; its transaction was rolled back.
    #[error("{path}:{line}: {source} (revision {revision}; {outcome})")]
    Statement {
        revision: String,
        path: PathBuf,
        line: usize,
        #[source]
        source: Box<StatementError>,
        outcome: String,
    },
    /// A script creates a table under the history table's name.
    #[error("{path}:{line}: {message} (revision {revision}; nothing was run)")]
    HistoryName {
        revision: String,
        path: PathBuf,
        line: usize,
        message: String,
    },
    /// A step would run the body of a `.py` revision that this tool can't interpret.
    #[error("{path}:{line}: {what} is not supported (revision {revision})")]
    Unsupported {
        revision: String,
        path: PathBuf,
        line: usize,
        what: String,
    },
    /// The database has a table of its own under the history table's name (the tool's
    /// columns can't be read from it).
    #[error("{message}")]
    ForeignHistoryTable {
        message: String,
        #[source]
        source: DbError,
    },
    /// The version table could not be created.
    #[error("can't create the version table: {0}")]
    CreateVersionTable(#[source] SinkError),
    /// The history table could not be created.
    #[error("can't create the history table {table}: {source}")]
    CreateHistoryTable {
        table: String,
        #[source]
        source: SinkError,
    },
    /// A version-table statement failed.
    #[error(transparent)]
    VersionUpdate(SinkError),
    /// A version-table UPDATE or DELETE matched other than one row
    /// ([`DbError::VersionRowMismatch`]).
    #[error(transparent)]
    VersionRows(DbError),
    /// The plan runs a script whose checksum was not taken.
    #[error("no checksum of the script of revision {0}")]
    MissingChecksum(String),
    /// A step's history row could not be written.
    #[error("can't record revision {revision} in the history table {table}: {source}")]
    RecordHistory {
        revision: String,
        table: String,
        #[source]
        source: SinkError,
    },
    /// A SQLite table rebuild inside the one transaction of `transaction_per_migration = false`.
    #[error(
        "a table rebuild needs foreign keys off, which SQLite can't switch inside the \
         transaction that transaction_per_migration = false opens; set it to true"
    )]
    RebuildInWholeRun,
    /// The sink itself failed (writing SQL text, or a transaction boundary).
    #[error(transparent)]
    Sink(#[from] SinkError),
}

/// What the runner reports while it works.
#[derive(Debug)]
pub enum Event<'a> {
    /// Another run holds the migration lock; this one waits for it.
    WaitingForLock,
    /// The version table is being created.
    CreatingVersionTable,
    /// A step starts; `summary` is its [`step_summary`], `doc` the revision's message (empty
    /// for stamps).
    StepStarted {
        step: &'a Step,
        summary: &'a str,
        doc: &'a str,
    },
    /// A step committed.
    StepFinished { step: &'a Step, elapsed: Duration },
}

/// Everything the runner needs besides the plan and the sink.
pub struct RunContext<'a> {
    pub scripts: &'a HashMap<String, Script>,
    pub version_table: &'a VersionTable,
    pub scope: TransactionScope,
    /// Emit the version table's `CREATE TABLE` first.
    pub create_version_table: bool,
    /// Checksums (see [`crate::history::checksum`]) of the scripts of the plan's upgrade and
    /// downgrade steps, recorded in the history table.
    pub checksums: &'a HashMap<String, String>,
    /// Emit the history table's `CREATE TABLE IF NOT EXISTS` before the first step.
    pub create_history_table: bool,
}

/// The line Alembic logs for a step, without the doc: `upgrade a -> b`, `stamp_revision  -> c`.
pub fn step_summary(step: &Step) -> String {
    let verb = step
        .kind
        .direction()
        .map_or("stamp_revision", Direction::as_str);
    let ids = |list: &[String]| list.iter().map(|id| id.len() + 2).sum::<usize>();
    let mut out = String::with_capacity(verb.len() + 4 + ids(&step.from) + ids(&step.to));
    out.push_str(verb);
    out.push(' ');
    push_joined(&mut out, &step.from);
    out.push_str(" -> ");
    push_joined(&mut out, &step.to);
    out
}

/// Appends `items` joined by `, `.
fn push_joined(out: &mut String, items: &[String]) {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str(item);
    }
}

/// Checks that every step can run: scripts exist, downgrades are reversible, and no script
/// creates a table under the name of `history`.
pub fn check_plan(
    plan: &Plan,
    scripts: &HashMap<String, Script>,
    dialect: Dialect,
    history: &HistoryTable,
) -> Result<(), RunError> {
    for step in &plan.steps {
        let Some(rev) = &step.revision else { continue };
        let script = scripts
            .get(rev)
            .ok_or_else(|| RunError::MissingScript(rev.clone()))?;
        check_python_body(step, script)?;
        check_history_name(step, script, dialect, history)?;
        if step.kind == StepKind::Migrate(Direction::Downgrade)
            && script.section(Direction::Downgrade, dialect).is_none()
        {
            return Err(RunError::Irreversible {
                revision: rev.clone(),
                path: script.path.clone(),
            });
        }
    }
    Ok(())
}

/// Refuses a step that would run a `.py` revision's body the reader could not lower.
fn check_python_body(step: &Step, script: &Script) -> Result<(), RunError> {
    match (&script.origin, step.kind) {
        (
            ScriptOrigin::Python {
                refusal: Some((line, what)),
            },
            StepKind::Migrate(_),
        ) => Err(RunError::Unsupported {
            revision: script.revision.clone(),
            path: script.path.clone(),
            line: *line,
            what: what.clone(),
        }),
        _ => Ok(()),
    }
}

/// Refuses a step whose section creates a table named like the history table: the tool
/// creates that table before the first step, so the script would fail, or, offline, write
/// its rows into the tool's table.
fn check_history_name(
    step: &Step,
    script: &Script,
    dialect: Dialect,
    history: &HistoryTable,
) -> Result<(), RunError> {
    let Some(direction) = step.kind.direction() else {
        return Ok(());
    };
    let Some(section) = script.section(direction, dialect) else {
        return Ok(());
    };
    if !history.mentioned_in(&section.sql) {
        return Ok(());
    }
    match split_statements(&section.sql)
        .into_iter()
        .find(|s| history.created_by(s.sql))
    {
        Some(stmt) => Err(RunError::HistoryName {
            revision: script.revision.clone(),
            path: script.path.clone(),
            line: section.first_line + stmt.line_offset,
            message: history.clash("this statement creates a table"),
        }),
        None => Ok(()),
    }
}

/// Runs `plan` into `sink`, reporting progress to `observe`.
pub fn run_plan(
    plan: &Plan,
    ctx: &RunContext<'_>,
    sink: &mut dyn Sink,
    observe: &mut dyn FnMut(Event<'_>),
) -> Result<(), RunError> {
    let dialect = sink.dialect();
    check_plan(
        plan,
        ctx.scripts,
        dialect,
        &HistoryTable::beside(ctx.version_table),
    )?;
    if ctx.create_version_table {
        observe(Event::CreatingVersionTable);
        sink.statement(&ctx.version_table.create_sql(dialect))
            .map_err(RunError::CreateVersionTable)?;
    }
    if ctx.create_history_table {
        let history = HistoryTable::beside(ctx.version_table);
        sink.statement(&history.create_sql(dialect))
            .map_err(|source| RunError::CreateHistoryTable {
                table: history.name().to_string(),
                source,
            })?;
    }
    let whole = ctx.scope == TransactionScope::Whole && !plan.steps.is_empty();
    if whole {
        sink.begin()?;
    }
    let inserts = HistoryTable::beside(ctx.version_table).inserts(dialect);
    let mut last_good: Option<&Step> = None;
    for step in &plan.steps {
        let started = Instant::now();
        let script = step.revision.as_ref().and_then(|r| ctx.scripts.get(r));
        let doc = script.map(Script::doc).unwrap_or_default();
        if !step.is_purge() {
            let summary = step_summary(step);
            observe(Event::StepStarted {
                step,
                summary: &summary,
                doc: &doc,
            });
            sink.comment(&format!("Running {summary}"))?;
        }
        let result = run_step(step, script, ctx, &inserts, sink, whole);
        if let Err(err) = result {
            sink.rollback();
            return Err(with_outcome(err, last_good, whole));
        }
        observe(Event::StepFinished {
            step,
            elapsed: started.elapsed(),
        });
        last_good = Some(step);
    }
    if whole {
        sink.commit()?;
    }
    Ok(())
}

/// Runs one step: its section's statements and its version-table updates.
fn run_step(
    step: &Step,
    script: Option<&Script>,
    ctx: &RunContext<'_>,
    inserts: &Inserts,
    sink: &mut dyn Sink,
    whole: bool,
) -> Result<(), RunError> {
    let started = Instant::now();
    let dialect = sink.dialect();
    let section = match (step.kind.direction(), script) {
        (Some(direction), Some(script)) => script.section(direction, dialect).map(|s| (script, s)),
        _ => None,
    };
    let autocommit = section.is_some_and(|(_, s)| s.transaction == TransactionMode::None);
    if autocommit && whole {
        // Like Alembic's autocommit_block: end the open transaction, run outside it.
        sink.commit()?;
    }
    let statements = section.map_or_else(Vec::new, |(_, s)| split_statements(&s.sql));
    let foreign_keys = portable::before_transaction(
        sink,
        section.map(|(_, s)| (s, statements.as_slice())),
        whole && !autocommit,
    )?;
    if !autocommit && !whole {
        sink.begin()?;
    }
    if let Some((script, section)) = section {
        for stmt in &statements {
            portable::statement(sink, stmt.sql, section).map_err(|source| RunError::Statement {
                revision: script.revision.clone(),
                path: script.path.clone(),
                line: section.first_line + stmt.line_offset,
                source: Box::new(source),
                outcome: String::new(),
            })?;
        }
    }
    if autocommit {
        sink.begin()?;
    }
    for op in &step.version_ops {
        let sql = ctx.version_table.op_sql(op, dialect);
        let changed = sink.statement(&sql).map_err(RunError::VersionUpdate)?;
        check_row_count(op, changed, &ctx.version_table.name)?;
    }
    record_history(step, ctx, inserts, sink, started)?;
    if autocommit || !whole {
        sink.commit()?;
    }
    portable::after_transaction(sink, foreign_keys)
}

/// Inserts the history row of an upgrade or downgrade step (stamps record nothing), in the
/// transaction of its version-table update. Offline, the duration is unknown: `NULL`.
fn record_history(
    step: &Step,
    ctx: &RunContext<'_>,
    inserts: &Inserts,
    sink: &mut dyn Sink,
    started: Instant,
) -> Result<(), RunError> {
    let Some(direction) = step.kind.direction() else {
        return Ok(());
    };
    let Some(revision) = &step.revision else {
        return Ok(());
    };
    let checksum = ctx
        .checksums
        .get(revision)
        .ok_or_else(|| RunError::MissingChecksum(revision.clone()))?;
    let record = Record {
        revision,
        direction,
        checksum,
        duration_ms: sink
            .is_live()
            .then(|| u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX)),
    };
    sink.statement(&inserts.sql(&record))
        .map_err(|source| RunError::RecordHistory {
            revision: revision.clone(),
            table: inserts.table().to_string(),
            source,
        })?;
    Ok(())
}

/// Online, an UPDATE or DELETE of one version row must match exactly one row.
fn check_row_count(op: &VersionOp, changed: Option<u64>, table: &str) -> Result<(), RunError> {
    let Some(found) = changed else { return Ok(()) };
    let action = match op {
        VersionOp::Update { from, to } => format!("updating '{from}' to '{to}'"),
        VersionOp::Delete(rev) => format!("deleting '{rev}'"),
        VersionOp::Insert(_) | VersionOp::DeleteAll => return Ok(()),
    };
    if found == 1 {
        return Ok(());
    }
    Err(RunError::VersionRows(DbError::VersionRowMismatch {
        action,
        table: table.to_string(),
        found,
    }))
}

/// Adds to a statement failure what state the database was left in.
fn with_outcome(err: RunError, last_good: Option<&Step>, whole: bool) -> RunError {
    match err {
        RunError::Statement {
            revision,
            path,
            line,
            source,
            ..
        } => {
            let outcome = match (whole, last_good) {
                (true, _) => "the whole run was rolled back".to_string(),
                (false, Some(step)) => format!(
                    "this migration was rolled back; the last one applied was {}",
                    step_summary(step)
                ),
                (false, None) => "this migration was rolled back; none were applied".to_string(),
            };
            RunError::Statement {
                revision,
                path,
                line,
                source,
                outcome,
            }
        }
        other => other,
    }
}

#[cfg(test)]
mod tests;
