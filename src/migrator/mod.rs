//! The library's front door: a [`Migrator`] built from a [`ScriptSource`], with settings as
//! methods, that moves a database (a URL, or a connection the caller holds) or writes SQL.
//!
//! Every operation goes through the same code as the `alembic` binary: the migration lock,
//! the version table read after the lock is held, the history table's checksums. An embedded
//! source is parsed once, on first use, and kept; a source on disk is read again by each
//! call, so that a long-lived `Migrator` sees the scripts as they are.

mod connection;
mod guard;

use std::io::Write;
use std::sync::OnceLock;
use std::time::Duration;

use crate::config::TransactionScope;
use crate::db::{read_heads, Cancel, Cancellable, VersionTable};
use crate::ops::{apply_offline, apply_online, Operation};
use crate::project::Project;
use crate::revision::Plan;
use crate::runner::Event;
use crate::script::{Checksums, ScriptSource};
use crate::{Dialect, Result};

pub use connection::DbRef;
pub use guard::VerifyError;

/// A progress callback: each [`Event`] of a run, as it happens.
type Observer = Box<dyn Fn(&Event<'_>) + Send + Sync>;

/// Runs a history's migrations against databases; see the crate documentation.
pub struct Migrator<'s> {
    source: ScriptSource<'s>,
    /// A project the caller loaded (the `alembic` binary), used as it is.
    loaded: Option<&'s Project>,
    version_table: Option<String>,
    version_table_schema: Option<String>,
    lock_timeout: Option<Duration>,
    transaction_scope: Option<TransactionScope>,
    observer: Option<Observer>,
    /// Stops a run from another thread.
    cancel: Option<Cancel>,
    /// The embedded source, loaded.
    embedded: OnceLock<Project>,
}

impl std::fmt::Debug for Migrator<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Migrator")
            .field("source", &self.source)
            .field("version_table", &self.version_table)
            .field("version_table_schema", &self.version_table_schema)
            .field("lock_timeout", &self.lock_timeout)
            .field("transaction_scope", &self.transaction_scope)
            .finish_non_exhaustive()
    }
}

/// The setting methods: over an ini ([`ScriptSource::Ini`], or an embedded set built from an
/// ini), a value set here beats the ini's, and the ini's beats the default; a setting left
/// unset here is the ini's. Over a loaded project (`Migrator::for_project`, the `alembic`
/// binary's), the project's configuration is the only source and a call refuses them.
impl<'s> Migrator<'s> {
    /// A migrator over `source`: an embedded set (`Migrator::new(&MIGRATIONS)`), or
    /// [`ScriptSource::Ini`] / [`ScriptSource::Directory`] on disk.
    pub fn new(source: impl Into<ScriptSource<'s>>) -> Migrator<'s> {
        Migrator {
            source: source.into(),
            loaded: None,
            version_table: None,
            version_table_schema: None,
            lock_timeout: None,
            transaction_scope: None,
            observer: None,
            cancel: None,
            embedded: OnceLock::new(),
        }
    }

    /// A migrator over a project already loaded (how the `alembic` binary runs its commands
    /// through the same path): its configuration's settings are the ones used, and changing
    /// them with the setting methods is refused when a call starts.
    #[doc(hidden)]
    pub fn for_project(project: &'s Project) -> Migrator<'s> {
        Migrator {
            loaded: Some(project),
            ..Migrator::new(ScriptSource::Directory(&project.script_location))
        }
    }

    /// The version table's name (default `alembic_version`, or the ini's `version_table`).
    pub fn version_table(mut self, name: impl Into<String>) -> Self {
        self.version_table = Some(name.into());
        self
    }

    /// The schema that holds the version table (PostgreSQL; default the search path's).
    pub fn version_table_schema(mut self, schema: impl Into<String>) -> Self {
        self.version_table_schema = Some(schema.into());
        self
    }

    /// How long a run waits for another run's migration lock (default five minutes, or the
    /// ini's `lock_timeout`).
    pub fn lock_timeout(mut self, timeout: Duration) -> Self {
        self.lock_timeout = Some(timeout);
        self
    }

    /// One transaction per migration (`true`, the default) or one around the whole run.
    pub fn transaction_per_migration(mut self, yes: bool) -> Self {
        self.transaction_scope = Some(if yes {
            TransactionScope::PerMigration
        } else {
            TransactionScope::Whole
        });
        self
    }

    /// Calls `observer` with each [`Event`] of a run (waiting for the lock, each step started
    /// and finished), for progress logs.
    pub fn on_event(mut self, observer: impl Fn(&Event<'_>) + Send + Sync + 'static) -> Self {
        self.observer = Some(Box::new(observer));
        self
    }

    /// Lets `cancel` stop the runs of [`Migrator::apply`] (and `upgrade`, `downgrade`) from
    /// another thread: once [`Cancel::cancel`] is called, the running statement is
    /// interrupted, no other starts, a wait for the migration lock ends, the migration's
    /// transaction is rolled back and the lock released; the call returns the failure, whose
    /// cause is [`DbError::Cancelled`](crate::db::DbError::Cancelled). A handle once cancelled
    /// stays so: later runs through it stop before they start.
    pub fn cancel_with(mut self, cancel: &Cancel) -> Self {
        self.cancel = Some(cancel.clone());
        self
    }
}

impl Migrator<'_> {
    /// Upgrades the database to `target` (`"head"`, `"heads"`, a revision, `"+2"`, …);
    /// returns the plan that ran.
    pub fn upgrade<'c>(&self, db: impl Into<DbRef<'c>>, target: &str) -> Result<Plan> {
        self.apply(db.into(), Operation::Upgrade(target))
    }

    /// Downgrades the database to `target` (`"base"`, a revision, `"-1"`, …); returns the
    /// plan that ran.
    pub fn downgrade<'c>(&self, db: impl Into<DbRef<'c>>, target: &str) -> Result<Plan> {
        self.apply(db.into(), Operation::Downgrade(target))
    }

    /// Applies any [`Operation`] (upgrade, downgrade, stamp) under the migration lock.
    pub fn apply<'c>(&self, db: impl Into<DbRef<'c>>, op: Operation<'_>) -> Result<Plan> {
        self.with_project(Checksums::Compute, |project| {
            db.into().with_database(&|db| {
                let mut observe = |event: Event<'_>| self.observe(&event);
                match &self.cancel {
                    Some(cancel) => {
                        apply_online(project, &mut Cancellable::new(db, cancel), op, &mut observe)
                    }
                    None => apply_online(project, db, op, &mut observe),
                }
            })
        })
    }

    /// The database's current heads (its version rows), sorted; empty at base.
    pub fn current<'c>(&self, db: impl Into<DbRef<'c>>) -> Result<Vec<String>> {
        self.with_project(Checksums::Skip, |project| {
            db.into()
                .with_database(&|db| Ok(read_heads(db, &project.version_table)?))
        })
    }

    /// What `upgrade("head")` would run now, in order; empty when the database is at head.
    pub fn pending<'c>(&self, db: impl Into<DbRef<'c>>) -> Result<Plan> {
        self.plan(db, Operation::Upgrade("head"))
    }

    /// The plan `op` would run against the database now, without running it (and without
    /// the migration lock: a run that starts later plans again).
    pub fn plan<'c>(&self, db: impl Into<DbRef<'c>>, op: Operation<'_>) -> Result<Plan> {
        self.with_project(Checksums::Skip, |project| {
            db.into().with_database(&|db| {
                let rows = read_heads(db, &project.version_table)?;
                op.plan_from_rows(project, &rows)
            })
        })
    }

    /// Writes the SQL of `op` for `dialect` to `out`, from a database at the `start` heads
    /// (empty: from base), as `alembic upgrade --sql` does; returns the plan written.
    pub fn sql(
        &self,
        dialect: Dialect,
        start: &[String],
        op: Operation<'_>,
        out: &mut impl Write,
    ) -> Result<Plan> {
        self.with_project(Checksums::Compute, |project| {
            apply_offline(project, dialect, start, op, out, &mut |event| {
                self.observe(&event)
            })
        })
    }

    fn observe(&self, event: &Event<'_>) {
        if let Some(observer) = &self.observer {
            observer(event);
        }
    }

    /// Runs `f` on the loaded project: the embedded one, loaded once, or the one on disk,
    /// read now (with each script's checksum when the call records runs).
    fn with_project<T>(
        &self,
        checksums: Checksums,
        f: impl FnOnce(&Project) -> Result<T>,
    ) -> Result<T> {
        if let Some(project) = self.loaded {
            if self.version_table.is_some()
                || self.version_table_schema.is_some()
                || self.lock_timeout.is_some()
                || self.transaction_scope.is_some()
            {
                return Err(crate::Error::Usage(
                    "a Migrator over a loaded project takes its settings from the project's \
                     configuration"
                        .to_string(),
                ));
            }
            return f(project);
        }
        if let ScriptSource::Embedded(_) = self.source {
            if let Some(project) = self.embedded.get() {
                return f(project);
            }
            // Embedded bytes are in memory: their checksums cost no file read.
            let project = self.load(Checksums::Compute)?;
            return f(self.embedded.get_or_init(|| project));
        }
        f(&self.load(checksums)?)
    }

    fn load(&self, checksums: Checksums) -> Result<Project> {
        let mut project = Project::from_source(self.source, checksums)?;
        if self.version_table.is_some() || self.version_table_schema.is_some() {
            project.version_table = VersionTable {
                name: self
                    .version_table
                    .clone()
                    .unwrap_or_else(|| project.version_table.name.clone()),
                schema: self
                    .version_table_schema
                    .clone()
                    .or_else(|| project.version_table.schema.clone()),
            };
        }
        project.overrides.lock_timeout = self.lock_timeout;
        project.overrides.transaction_scope = self.transaction_scope;
        Ok(project)
    }
}

#[cfg(test)]
mod tests;
