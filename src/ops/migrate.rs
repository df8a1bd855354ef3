//! Operations that move a database: upgrade, downgrade and stamp, online or as SQL text.
//!
//! Online, the sequence is: take the migration lock, read the version table *after* the lock
//! is held (so a run that waited sees what the previous one applied), plan, check the plan,
//! create the version table if it is missing, run. Offline, the starting heads come from the
//! caller (the left side of `FROM:TO`) and the same runner writes SQL text.

use std::collections::{HashMap, HashSet};
use std::io::Write;

use crate::db::{read_heads, Database};
use crate::history::HistoryTable;
use crate::parallel::in_order_on_threads;
use crate::project::Project;
use crate::revision::{plan_downgrade, plan_stamp, plan_upgrade, Plan, StepKind};
use crate::runner::{run_plan, Event, OfflineSink, OnlineSink, RunContext};
use crate::schema::Schema;
use crate::{Dialect, Result};

/// What to do to the version table.
#[derive(Clone, Copy, Debug)]
pub enum Operation<'a> {
    Upgrade(&'a str),
    Downgrade(&'a str),
    Stamp { targets: &'a [String], purge: bool },
}

impl Operation<'_> {
    /// The plan from the version table's `rows`, which must all be revisions of the history
    /// (except for `stamp --purge`, which exists to repair a table that names unknown ones).
    /// Every path plans through it: a run under the lock, the Migrator's `plan` and
    /// `pending`, and `alembic pending`.
    pub fn plan_from_rows(&self, project: &Project, rows: &[String]) -> Result<Plan> {
        if !matches!(self, Operation::Stamp { purge: true, .. }) {
            project.check_rows(rows)?;
        }
        self.plan(project, rows)
    }

    /// The plan from `current` heads.
    pub fn plan(&self, project: &Project, current: &[String]) -> Result<Plan> {
        Ok(match *self {
            Operation::Upgrade(target) => plan_upgrade(&project.map, current, target)?,
            Operation::Downgrade(target) => plan_downgrade(&project.map, current, target)?,
            Operation::Stamp { targets, purge } => {
                plan_stamp(&project.map, current, targets, purge)?
            }
        })
    }
}

/// Applies `op` to a live database, holding the migration lock throughout.
pub fn apply_online(
    project: &Project,
    db: &mut dyn Database,
    op: Operation<'_>,
    observe: &mut dyn FnMut(Event<'_>),
) -> Result<Plan> {
    db.lock(project.lock_timeout()?, &mut || {
        observe(Event::WaitingForLock)
    })?;
    let result =
        bounded_lock_waits(project, db).and_then(|()| apply_locked(project, db, op, observe));
    if db.dialect() == Dialect::Postgresql {
        let _ = db.execute("RESET lock_timeout");
    }
    // A failed unlock is harmless: the lock goes with the connection.
    let _ = db.unlock();
    result
}

/// On PostgreSQL, bounds how long each statement of the run waits for a table lock
/// (`ddl_lock_timeout`).
fn bounded_lock_waits(project: &Project, db: &mut dyn Database) -> Result<()> {
    if db.dialect() == Dialect::Postgresql {
        let ms = project.ddl_lock_timeout()?.as_millis();
        db.execute(&format!("SET lock_timeout = {ms}"))?;
    }
    Ok(())
}

fn apply_locked(
    project: &Project,
    db: &mut dyn Database,
    op: Operation<'_>,
    observe: &mut dyn FnMut(Event<'_>),
) -> Result<Plan> {
    let exists = db.table_exists(&project.version_table)?;
    let current = read_heads(db, &project.version_table)?;
    let plan = op.plan_from_rows(project, &current)?;
    let checksums = script_checksums(project, &plan)?;
    let history = HistoryTable::beside(&project.version_table);
    let create_history_table = !checksums.is_empty() && !db.table_exists(history.location())?;
    if !checksums.is_empty() && !create_history_table {
        check_history_table(db, &history)?;
    }
    let ctx = RunContext {
        scripts: &project.scripts,
        version_table: &project.version_table,
        scope: project.transaction_scope()?,
        create_version_table: !exists,
        checksums: &checksums,
        create_history_table,
        lock_retries: project.ddl_lock_retries()?,
    };
    run_plan(&plan, &ctx, &mut OnlineSink::new(db), observe)?;
    Ok(plan)
}

/// Refuses an existing table under the history table's name that lacks the tool's columns (a
/// user's own table), before anything runs.
fn check_history_table(db: &mut dyn Database, history: &HistoryTable) -> Result<()> {
    match db.query_column(&history.probe_sql(db.dialect())) {
        Ok(_) => Ok(()),
        Err(source) => Err(crate::runner::RunError::ForeignHistoryTable {
            message: history.clash("the database has a table of its own named"),
            source,
        }
        .into()),
    }
}

/// Writes the SQL for `op` from the `start` heads to `out`.
pub fn apply_offline(
    project: &Project,
    dialect: Dialect,
    start: &[String],
    op: Operation<'_>,
    out: &mut dyn Write,
    observe: &mut dyn FnMut(Event<'_>),
) -> Result<Plan> {
    let plan = op.plan(project, start)?;
    let checksums = script_checksums(project, &plan)?;
    let ctx = RunContext {
        scripts: &project.scripts,
        version_table: &project.version_table,
        scope: project.transaction_scope()?,
        create_version_table: start.is_empty(),
        // `IF NOT EXISTS`: the SQL may be run against a database that already has it.
        create_history_table: !checksums.is_empty(),
        checksums: &checksums,
        lock_retries: 0,
    };
    let before = schema_at(project, start, dialect)?;
    let mut sink = OfflineSink::new(out, dialect).with_schema(before);
    run_plan(&plan, &ctx, &mut sink, observe)?;
    Ok(plan)
}

/// The revisions whose scripts the plan runs (upgrade and downgrade steps), each once, in
/// plan order: the ones the history table records a checksum for.
fn hashed_revisions(plan: &Plan) -> Vec<&String> {
    let mut seen = HashSet::new();
    plan.steps
        .iter()
        .filter(|step| step.kind != StepKind::Stamp)
        .filter_map(|step| step.revision.as_ref())
        .filter(|rev| seen.insert(*rev))
        .collect()
}

/// The schema the history builds up to the `heads` (for offline SQLite rebuilds): the upgrade
/// sections of every revision before them, in plan order.
fn schema_at(project: &Project, heads: &[String], dialect: Dialect) -> Result<Schema> {
    let mut rows: Vec<String> = Vec::new();
    let mut schema = Schema::default();
    for head in heads {
        let plan = plan_upgrade(&project.map, &rows, head)?;
        crate::runner::replay(&mut schema, &plan, &project.scripts, dialect);
        rows = plan.apply_to(&rows)?;
    }
    Ok(schema)
}

/// The checksums of the scripts the plan runs (upgrade and downgrade steps), for the history
/// table: the ones taken when the project was loaded ([`Project::load_with_checksums`]), or
/// else read from disk now, before anything runs. An error is the one of the first failing
/// script in plan order, as a one-by-one read would report.
fn script_checksums(project: &Project, plan: &Plan) -> Result<HashMap<String, String>> {
    let revisions = hashed_revisions(plan);
    let sums = in_order_on_threads(&revisions, |rev, buf| -> Result<String> {
        Ok(project.script(rev)?.checksum_with(buf)?)
    });
    revisions
        .into_iter()
        .zip(sums)
        .map(|(rev, sum)| Ok((rev.clone(), sum?)))
        .collect()
}

/// Creates the version table when it is missing (`ensure_version`).
pub fn ensure_version_table(project: &Project, db: &mut dyn Database) -> Result<()> {
    // Under the migration lock: two runs that both find no table would both create it, and
    // on PostgreSQL the second `CREATE TABLE` fails on the catalog's unique index.
    db.lock(project.lock_timeout()?, &mut || {})?;
    let result = create_version_table_if_missing(project, db);
    // A failed unlock is harmless: the lock goes with the connection.
    let _ = db.unlock();
    result
}

fn create_version_table_if_missing(project: &Project, db: &mut dyn Database) -> Result<()> {
    if !db.table_exists(&project.version_table)? {
        db.begin()?;
        let sql = project.version_table.create_sql(db.dialect());
        if let Err(e) = db.execute(&sql) {
            let _ = db.rollback();
            return Err(e.into());
        }
        db.commit()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::history::checksum;

    /// A project of `n` revisions in a line, each creating a table, in a temporary directory.
    fn project(n: usize) -> (tempfile::TempDir, Project) {
        let dir = tempfile::tempdir().unwrap();
        let versions = dir.path().join("migrations/versions");
        std::fs::create_dir_all(&versions).unwrap();
        let ini = dir.path().join("alembic.ini");
        std::fs::write(
            &ini,
            "[alembic]\nscript_location = %(here)s/migrations\nsqlalchemy.url = sqlite:///x.db\n",
        )
        .unwrap();
        for i in 0..n {
            let down = if i == 0 {
                String::new()
            } else {
                format!("r{:03}", i - 1)
            };
            std::fs::write(
                versions.join(format!("r{i:03}.sql")),
                format!(
                    "-- revision: r{i:03}\n-- down_revision: {down}\n-- message: step {i}\n\n\
                     -- +upgrade\nCREATE TABLE t{i} (id INTEGER PRIMARY KEY);\n\n\
                     -- +downgrade\nDROP TABLE t{i};\n"
                ),
            )
            .unwrap();
        }
        let project = Project::load(Config::load(&ini, "alembic").unwrap()).unwrap();
        (dir, project)
    }

    /// An [`Event`] as an owned value, to compare whole sequences of them.
    #[derive(Debug, PartialEq, Eq)]
    enum Seen {
        WaitingForLock,
        CreatingVersionTable,
        Started { summary: String, doc: String },
        Finished { summary: String },
        Statement(String),
        StatementDone,
        Retry(u32),
    }

    impl From<Event<'_>> for Seen {
        fn from(event: Event<'_>) -> Seen {
            match event {
                Event::WaitingForLock => Seen::WaitingForLock,
                Event::CreatingVersionTable => Seen::CreatingVersionTable,
                Event::StepStarted { summary, doc, .. } => Seen::Started {
                    summary: summary.to_string(),
                    doc: doc.to_string(),
                },
                Event::StepFinished { step, .. } => Seen::Finished {
                    summary: crate::runner::step_summary(step),
                },
                Event::StatementStarted { sql } => Seen::Statement(sql.to_string()),
                Event::StatementFinished { .. } => Seen::StatementDone,
                Event::RetryingAfterLockTimeout { attempt, .. } => Seen::Retry(attempt),
            }
        }
    }

    fn offline(
        project: &Project,
        start: &[String],
        op: Operation<'_>,
    ) -> (Result<Plan>, String, Vec<Seen>) {
        let mut out = Vec::new();
        let mut events = Vec::new();
        let result = apply_offline(project, Dialect::Sqlite, start, op, &mut out, &mut |e| {
            events.push(Seen::from(e))
        });
        (result, String::from_utf8(out).unwrap(), events)
    }

    #[test]
    fn offline_records_each_scripts_checksum_and_reports_every_step_in_order() {
        let (_dir, project) = project(3);
        let (plan, sql, events) = offline(&project, &[], Operation::Upgrade("head"));
        assert_eq!(plan.unwrap().steps.len(), 3);
        for rev in ["r000", "r001", "r002"] {
            let bytes = std::fs::read(&project.script(rev).unwrap().path).unwrap();
            assert!(
                sql.contains(&format!("'{rev}', 'upgrade', '{}'", checksum(&bytes))),
                "{sql}"
            );
        }
        let mut expected = vec![Seen::CreatingVersionTable];
        for (i, from) in ["", "r000", "r001"].into_iter().enumerate() {
            let summary = format!("upgrade {from} -> r00{i}");
            expected.push(Seen::Started {
                summary: summary.clone(),
                doc: format!("step {i}"),
            });
            let sql = format!("CREATE TABLE t{i} (id INTEGER PRIMARY KEY)");
            expected.push(Seen::Statement(sql));
            expected.push(Seen::StatementDone);
            expected.push(Seen::Finished { summary });
        }
        assert_eq!(events, expected);
    }

    #[test]
    fn offline_fails_on_the_first_unreadable_script_before_reporting_any_step() {
        let (_dir, project) = project(300);
        // Gone after loading: the checksum pass can't read them.
        for rev in ["r150", "r250"] {
            std::fs::remove_file(&project.script(rev).unwrap().path).unwrap();
        }
        let (result, _, events) = offline(&project, &[], Operation::Upgrade("head"));
        let err = result.unwrap_err().to_string();
        assert!(err.contains("r150.sql"), "{err}");
        assert!(events.is_empty(), "{events:?}");
        // The same failure before a step that can't run: the unreadable script still wins.
        let (result, _, events) = offline(&project, &["r299".into()], Operation::Downgrade("base"));
        let err = result.unwrap_err().to_string();
        assert!(err.contains("r250.sql"), "{err}");
        assert!(events.is_empty(), "{events:?}");
    }

    #[test]
    fn checksums_taken_at_load_are_used_without_reading_the_files_again() {
        let (dir, _) = project(3);
        let ini = dir.path().join("alembic.ini");
        let project = Project::load_with_checksums(Config::load(&ini, "alembic").unwrap()).unwrap();
        let mut expected = Vec::new();
        for rev in ["r000", "r001", "r002"] {
            let path = &project.script(rev).unwrap().path;
            expected.push((rev, checksum(&std::fs::read(path).unwrap())));
            std::fs::remove_file(path).unwrap();
        }
        let (plan, sql, _) = offline(&project, &[], Operation::Upgrade("head"));
        assert_eq!(plan.unwrap().steps.len(), 3);
        for (rev, sum) in expected {
            assert!(
                sql.contains(&format!("'{rev}', 'upgrade', '{sum}'")),
                "{sql}"
            );
        }
    }
}
