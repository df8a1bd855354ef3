//! Operations that move a database: upgrade, downgrade and stamp, online or as SQL text.
//!
//! Online, the sequence is: take the migration lock, read the version table *after* the lock
//! is held (so a run that waited sees what the previous one applied), plan, check the plan,
//! create the version table if it is missing, run. Offline, the starting heads come from the
//! caller (the left side of `FROM:TO`) and the same runner writes SQL text.

use std::collections::{HashMap, HashSet};
use std::io::Write;

use crate::db::{read_heads, Database};
use crate::history::{checksum, HistoryTable};
use crate::parallel::{in_order_on_threads, read_into};
use crate::project::Project;
use crate::revision::{plan_downgrade, plan_stamp, plan_upgrade, Plan, StepKind};
use crate::runner::{run_plan, Event, OfflineSink, OnlineSink, RunContext};
use crate::schema::Schema;
use crate::script::ScriptError;
use crate::{Dialect, Result};

/// What to do to the version table.
#[derive(Clone, Copy, Debug)]
pub enum Operation<'a> {
    Upgrade(&'a str),
    Downgrade(&'a str),
    Stamp { targets: &'a [String], purge: bool },
}

impl Operation<'_> {
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
    let result = apply_locked(project, db, op, observe);
    // A failed unlock is harmless: the lock goes with the connection.
    let _ = db.unlock();
    result
}

fn apply_locked(
    project: &Project,
    db: &mut dyn Database,
    op: Operation<'_>,
    observe: &mut dyn FnMut(Event<'_>),
) -> Result<Plan> {
    let exists = db.table_exists(&project.version_table)?;
    let current = read_heads(db, &project.version_table)?;
    // `stamp --purge` exists to repair a table that names unknown revisions.
    if !matches!(op, Operation::Stamp { purge: true, .. }) {
        project.check_rows(&current)?;
    }
    let plan = op.plan(project, &current)?;
    let checksums = script_checksums(project, &plan)?;
    let history = HistoryTable::beside(&project.version_table);
    let create_history_table = !checksums.is_empty() && !db.table_exists(history.location())?;
    let ctx = RunContext {
        scripts: &project.scripts,
        version_table: &project.version_table,
        scope: project.transaction_scope()?,
        create_version_table: !exists,
        checksums: &checksums,
        create_history_table,
    };
    run_plan(&plan, &ctx, &mut OnlineSink::new(db), observe)?;
    Ok(plan)
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
    };
    let before = schema_at(project, start, dialect)?;
    let mut sink = OfflineSink::new(out, dialect).with_schema(before);
    run_plan(&plan, &ctx, &mut sink, observe)?;
    Ok(plan)
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

/// The checksums of the scripts the plan runs (upgrade and downgrade steps), read from disk
/// before anything runs, for the history table. An error is the one of the first failing
/// script in plan order, as a one-by-one read would report.
fn script_checksums(project: &Project, plan: &Plan) -> Result<HashMap<String, String>> {
    let mut revisions: Vec<&String> = Vec::new();
    let mut seen = HashSet::new();
    for step in &plan.steps {
        let Some(rev) = &step.revision else { continue };
        if step.kind != StepKind::Stamp && seen.insert(rev) {
            revisions.push(rev);
        }
    }
    let sums = in_order_on_threads(&revisions, |rev, buf| -> Result<String> {
        let path = &project.script(rev)?.path;
        match read_into(path, buf) {
            Ok(bytes) => Ok(checksum(bytes)),
            Err(source) => Err(ScriptError::Read {
                path: path.clone(),
                source,
            }
            .into()),
        }
    });
    revisions
        .into_iter()
        .zip(sums)
        .map(|(rev, sum)| Ok((rev.clone(), sum?)))
        .collect()
}

/// Creates the version table when it is missing (`ensure_version`).
pub fn ensure_version_table(project: &Project, db: &mut dyn Database) -> Result<()> {
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

/// Upgrades the database of the project described by `ini` to `target` (usually `"head"`),
/// as `alembic -c ini upgrade target` does: the URL comes from `$DATABASE_URL` or the ini's
/// `sqlalchemy.url`. For a service that migrates at start-up without shelling out.
pub fn upgrade(ini: &std::path::Path, target: &str) -> Result<Plan> {
    let config = crate::config::Config::load(ini, "alembic")?;
    let env_url = std::env::var("DATABASE_URL").ok();
    let url = crate::config::resolve_url(None, env_url.as_deref(), config.sqlalchemy_url())?;
    let project = Project::load(config)?;
    let mut db = crate::db::connect(&url)?;
    apply_online(
        &project,
        db.as_mut(),
        Operation::Upgrade(target),
        &mut |_| {},
    )
}
