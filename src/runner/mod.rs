//! The runner: walks a [`Plan`] into a [`Sink`], which is a live database or SQL text.
//!
//! Both sinks receive the same calls in the same order — a comment naming the step, `BEGIN`,
//! each statement of the script section, the version-table statements, `COMMIT` — so
//! `upgrade --sql` prints exactly what `upgrade` runs. Each migration is one transaction
//! together with its version-table update, unless its section says `no-transaction`: then its
//! statements run in autocommit mode and the version update gets a transaction of its own.
//! With one transaction for the whole run, such a step commits the run's transaction before
//! it and opens a new one after it. Before the first statement runs, every step is checked
//! ([`check`]): a downgrade through a revision without a downgrade section, a quote left
//! open, or a `COMMIT` in a transactional section fails with nothing done. A failure says
//! what stays applied ([`outcome`]). The runner never prints; it reports [`Event`]s to an
//! observer.

mod check;
mod outcome;
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
use crate::revision::{Direction, Plan, Step, VersionOp};
use crate::script::{Script, TransactionMode};
use check::Prepared;
use outcome::Progress;

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
    /// A statement of a migration failed; `outcome` says what was rolled back and what stays.
    #[error("{path}:{line}: {source} (revision {revision}; {outcome})")]
    Statement {
        revision: String,
        path: PathBuf,
        line: usize,
        #[source]
        source: Box<StatementError>,
        outcome: String,
    },
    /// A section can't be run as written: a quote or comment is never closed, a statement
    /// creates a table under the history table's name, or ends the migration's transaction.
    #[error("{path}:{line}: {message} (revision {revision}; nothing was run)")]
    Refused {
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
    /// The connection failed while committing a migration: whether the commit happened is
    /// unknown to the client.
    #[error(
        "the connection failed while committing revision {revision} ({path}): {source}; whether \
         it was applied is unknown ({known})"
    )]
    CommitUnknown {
        revision: String,
        path: PathBuf,
        #[source]
        source: Box<DbError>,
        /// What a new connection found, or how to find out.
        known: String,
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
#[non_exhaustive]
pub enum Event<'a> {
    /// Another run holds the migration lock; this one waits for it.
    WaitingForLock,
    /// The version table is being created.
    CreatingVersionTable,
    /// A step starts; `summary` is its `step_summary`, `doc` the revision's message (empty
    /// for stamps).
    StepStarted {
        step: &'a Step,
        summary: &'a str,
        doc: &'a str,
        /// Which step of the plan it is, from 1, and how many the plan has.
        number: usize,
        of: usize,
    },
    /// A step committed.
    StepFinished { step: &'a Step, elapsed: Duration },
    /// A statement of a step's section starts, as the script writes it (on SQLite a
    /// portable statement may run as several); offline, it is being written.
    StatementStarted { sql: &'a str },
    /// That statement ran (or was written); `elapsed` is how long it took.
    StatementFinished { sql: &'a str, elapsed: Duration },
    /// `ddl_lock_timeout` ended a statement of the step, which was rolled back; it runs
    /// again after `pause` (retry `attempt` of `retries`, the ini's `ddl_lock_retries`).
    RetryingAfterLockTimeout {
        step: &'a Step,
        attempt: u32,
        retries: u32,
        pause: Duration,
    },
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
    /// How many times a step that a lock timeout ended runs again (`ddl_lock_retries`).
    pub lock_retries: u32,
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

/// Runs `plan` into `sink`, reporting progress to `observe`.
pub fn run_plan(
    plan: &Plan,
    ctx: &RunContext<'_>,
    sink: &mut dyn Sink,
    observe: &mut dyn FnMut(Event<'_>),
) -> Result<(), RunError> {
    let dialect = sink.dialect();
    let history = HistoryTable::beside(ctx.version_table);
    let prepared = check::prepare(plan, ctx.scripts, dialect, &history)?;
    create_tables(ctx, &history, sink, observe)?;
    let whole = ctx.scope == TransactionScope::Whole && !plan.steps.is_empty();
    if whole {
        sink.begin()?;
    }
    let inserts = history.inserts(dialect);
    let mut progress = Progress {
        whole,
        ..Progress::default()
    };
    for (i, (step, prepared)) in plan.steps.iter().zip(&prepared).enumerate() {
        let started = Instant::now();
        if !step.is_purge() {
            let doc = prepared
                .as_ref()
                .map(|p| p.script.doc())
                .unwrap_or_default();
            let summary = step_summary(step);
            observe(Event::StepStarted {
                step,
                summary: &summary,
                doc: &doc,
                number: i + 1,
                of: plan.steps.len(),
            });
            sink.comment(&format!("Running {summary}"))?;
        }
        let autocommit = prepared
            .as_ref()
            .is_some_and(|p| p.section.transaction == TransactionMode::None);
        let result =
            run_step_retrying(step, prepared.as_ref(), ctx, &inserts, sink, whole, observe);
        if let Err(err) = result {
            sink.rollback();
            return Err(outcome::with_outcome(err, progress));
        }
        if autocommit && whole {
            // The step ended the run's transaction: everything so far is committed, and the
            // steps after it run in a new one.
            progress.committed = Some(step);
            sink.begin()?;
        }
        observe(Event::StepFinished {
            step,
            elapsed: started.elapsed(),
        });
        progress.last_good = Some(step);
    }
    if whole {
        let last = plan.steps.last().and_then(|s| s.revision.as_ref());
        let last = last.and_then(|r| ctx.scripts.get(r));
        commit(sink, last, "the whole run")?;
    }
    Ok(())
}

/// Runs a step; when a lock timeout ended it, rolls it back and runs it again after a pause
/// that doubles from one second (up to 30), as often as `ctx.lock_retries` allows. Only a
/// transactional step of a run with one transaction per migration is run again: then the
/// rollback undid all of it and nothing else.
fn run_step_retrying(
    step: &Step,
    prepared: Option<&Prepared<'_>>,
    ctx: &RunContext<'_>,
    inserts: &Inserts,
    sink: &mut dyn Sink,
    whole: bool,
    observe: &mut dyn FnMut(Event<'_>),
) -> Result<(), RunError> {
    let retryable =
        !whole && prepared.is_some_and(|p| p.section.transaction != TransactionMode::None);
    let mut attempt = 0;
    loop {
        match run_step(step, prepared, ctx, inserts, sink, whole, observe) {
            Err(err) if retryable && attempt < ctx.lock_retries && is_lock_timeout(&err) => {
                sink.rollback();
                attempt += 1;
                let pause = Duration::from_secs(1u64 << (attempt - 1).min(5)).min(MAX_PAUSE);
                observe(Event::RetryingAfterLockTimeout {
                    step,
                    attempt,
                    retries: ctx.lock_retries,
                    pause,
                });
                std::thread::sleep(pause);
            }
            other => return other,
        }
    }
}

/// The longest pause before a retry.
const MAX_PAUSE: Duration = Duration::from_secs(30);

/// Whether a lock timeout ended a statement of the step.
fn is_lock_timeout(err: &RunError) -> bool {
    match err {
        RunError::Statement { source, .. } => matches!(
            source.as_ref(),
            StatementError::Sink(SinkError::Db(db)) if db.is_lock_timeout()
        ),
        _ => false,
    }
}

/// Creates the version table and the history table when the context asks for them.
fn create_tables(
    ctx: &RunContext<'_>,
    history: &HistoryTable,
    sink: &mut dyn Sink,
    observe: &mut dyn FnMut(Event<'_>),
) -> Result<(), RunError> {
    let dialect = sink.dialect();
    if ctx.create_version_table {
        observe(Event::CreatingVersionTable);
        sink.statement(&ctx.version_table.create_sql(dialect))
            .map_err(RunError::CreateVersionTable)?;
    }
    if ctx.create_history_table {
        sink.statement(&history.create_sql(dialect))
            .map_err(|source| RunError::CreateHistoryTable {
                table: history.name().to_string(),
                source,
            })?;
    }
    Ok(())
}

/// Commits; a connection lost at the commit leaves the outcome unknown, which is said with
/// the revision (`what` describes what the commit covered).
fn commit(sink: &mut dyn Sink, script: Option<&Script>, what: &str) -> Result<(), RunError> {
    match sink.commit() {
        Err(SinkError::Commit(source)) if source.is_connection_lost() => {
            let (revision, path) = script.map_or_else(
                || (String::new(), PathBuf::new()),
                |s| (s.revision.clone(), s.path.clone()),
            );
            Err(RunError::CommitUnknown {
                revision: if what.is_empty() {
                    revision
                } else {
                    format!("{revision}, the last of {what}")
                },
                path,
                source: Box::new(source),
                known: "run 'alembic current' to see whether it is the current revision".into(),
            })
        }
        other => Ok(other?),
    }
}

/// Runs one step: its section's statements and its version-table updates.
fn run_step(
    step: &Step,
    prepared: Option<&Prepared<'_>>,
    ctx: &RunContext<'_>,
    inserts: &Inserts,
    sink: &mut dyn Sink,
    whole: bool,
    observe: &mut dyn FnMut(Event<'_>),
) -> Result<(), RunError> {
    let started = Instant::now();
    let dialect = sink.dialect();
    let autocommit = prepared.is_some_and(|p| p.section.transaction == TransactionMode::None);
    if autocommit && whole {
        // Like Alembic's autocommit_block: end the open transaction, run outside it.
        sink.commit()?;
    }
    let foreign_keys = portable::before_transaction(
        sink,
        prepared.map(|p| (p.section, p.statements.as_slice())),
        whole && !autocommit,
    )?;
    if !autocommit && !whole {
        sink.begin()?;
    }
    if let Some(prepared) = prepared {
        run_statements(prepared, sink, autocommit, observe)?;
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
        commit(sink, prepared.map(|p| p.script), "")?;
    }
    portable::after_transaction(sink, foreign_keys)
}

/// Runs a section's statements, reporting each to `observe`; in a `no-transaction` section,
/// a failure says which ran.
fn run_statements(
    prepared: &Prepared<'_>,
    sink: &mut dyn Sink,
    autocommit: bool,
    observe: &mut dyn FnMut(Event<'_>),
) -> Result<(), RunError> {
    let Prepared {
        script,
        section,
        statements,
    } = prepared;
    for (ran, stmt) in statements.iter().enumerate() {
        let started = Instant::now();
        observe(Event::StatementStarted { sql: stmt.sql });
        let result = portable::statement(sink, stmt.sql, section);
        if result.is_ok() {
            observe(Event::StatementFinished {
                sql: stmt.sql,
                elapsed: started.elapsed(),
            });
        }
        result.map_err(|source| RunError::Statement {
            revision: script.revision.clone(),
            path: script.path.clone(),
            line: section.first_line + stmt.line_offset,
            source: Box::new(source),
            outcome: if autocommit {
                outcome::partial(ran, statements.len())
            } else {
                String::new()
            },
        })?;
    }
    Ok(())
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

#[cfg(test)]
mod tests;
