//! Stopping a run from another thread: a [`Cancel`] handle (a signal handler's, a service's
//! shutdown) and [`Cancellable`], the [`Database`] a run goes through while the handle can
//! stop it.
//!
//! Asking a [`Cancel`] to stop does two things: no further statement, transaction start or
//! lock wait begins (each fails with [`DbError::Cancelled`]), and the statement in flight is
//! interrupted through its engine (PostgreSQL's cancel request on a connection of its own,
//! SQLite's `sqlite3_interrupt`). The interruption is repeated while that same statement is
//! still running, since a cancel request that reaches the server just before the statement
//! does is ignored there. Rolling back and releasing the migration lock pass through
//! untouched, so that the run ends as a failed run does: rolled back, unlocked. A wait for
//! the migration lock looks at the handle between its tries.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use super::{Database, DbError, VersionTable};
use crate::Dialect;

/// Interrupts the statement a connection is running, from any thread.
pub type Interrupter = Arc<dyn Fn() + Send + Sync>;

/// How often a statement that is still running after a cancel is interrupted again.
const REPEAT: Duration = Duration::from_millis(200);

/// A handle that stops a run; clones share it. See the module documentation.
#[derive(Clone, Default)]
pub struct Cancel {
    inner: Arc<Inner>,
}

#[derive(Default)]
struct Inner {
    requested: AtomicBool,
    state: Mutex<State>,
}

/// The connection a run goes through, and the statement it is running.
#[derive(Default)]
struct State {
    interrupt: Option<Interrupter>,
    /// The number of the statement in flight, if one is.
    running: Option<u64>,
    started: u64,
}

impl std::fmt::Debug for Cancel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cancel")
            .field("requested", &self.is_requested())
            .finish_non_exhaustive()
    }
}

impl Cancel {
    /// A handle nothing has asked to stop yet.
    pub fn new() -> Cancel {
        Cancel::default()
    }

    /// Asks the run to stop: nothing new starts, and the statement in flight is interrupted
    /// (again every 200 ms, on a thread of its own, while that statement still runs).
    pub fn cancel(&self) {
        self.inner.requested.store(true, Ordering::SeqCst);
        let Some((interrupt, statement)) = self.in_flight() else {
            return;
        };
        interrupt();
        let handle = self.clone();
        let _ = std::thread::Builder::new()
            .name("litekb-cancel".into())
            .spawn(move || loop {
                std::thread::sleep(REPEAT);
                match handle.in_flight() {
                    Some((interrupt, now)) if now == statement => interrupt(),
                    _ => return,
                }
            });
    }

    /// Whether [`Cancel::cancel`] was called.
    pub fn is_requested(&self) -> bool {
        self.inner.requested.load(Ordering::SeqCst)
    }

    /// Whether a run is going through this handle now (a [`Cancellable`] exists).
    pub fn is_armed(&self) -> bool {
        self.state().interrupt.is_some()
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.inner
            .state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The interrupter and the number of the statement in flight, if one is.
    fn in_flight(&self) -> Option<(Interrupter, u64)> {
        let state = self.state();
        Some((state.interrupt.clone()?, state.running?))
    }
}

/// A [`Database`] whose statements a [`Cancel`] stops; see the module documentation.
pub struct Cancellable<'d> {
    db: &'d mut dyn Database,
    cancel: Cancel,
}

impl<'d> Cancellable<'d> {
    /// `db`, stopped by `cancel` from now until the value is dropped. A connection whose
    /// engine can't interrupt a statement still refuses to start new ones.
    pub fn new(db: &'d mut dyn Database, cancel: &Cancel) -> Cancellable<'d> {
        let interrupt = db.interrupter().unwrap_or_else(|| Arc::new(|| {}));
        cancel.state().interrupt = Some(interrupt);
        db.watch(Some(cancel));
        Cancellable {
            db,
            cancel: cancel.clone(),
        }
    }

    /// Runs `work` as the statement in flight, unless a cancel came first; an error while a
    /// cancel is asked for is the cancel's.
    fn guarded<T>(
        &mut self,
        work: impl FnOnce(&mut dyn Database) -> Result<T, DbError>,
    ) -> Result<T, DbError> {
        {
            let mut state = self.cancel.state();
            if self.cancel.is_requested() {
                return Err(DbError::Cancelled);
            }
            state.started += 1;
            state.running = Some(state.started);
        }
        let result = work(&mut *self.db);
        self.cancel.state().running = None;
        match result {
            Err(_) if self.cancel.is_requested() => Err(DbError::Cancelled),
            other => other,
        }
    }
}

impl Drop for Cancellable<'_> {
    fn drop(&mut self) {
        self.db.watch(None);
        let mut state = self.cancel.state();
        state.interrupt = None;
        state.running = None;
    }
}

impl Database for Cancellable<'_> {
    fn dialect(&self) -> Dialect {
        self.db.dialect()
    }

    fn execute(&mut self, sql: &str) -> Result<u64, DbError> {
        self.guarded(|db| db.execute(sql))
    }

    fn run(&mut self, sql: &str) -> Result<(), DbError> {
        self.guarded(|db| db.run(sql))
    }

    fn query_column(&mut self, sql: &str) -> Result<Vec<String>, DbError> {
        self.guarded(|db| db.query_column(sql))
    }

    fn begin(&mut self) -> Result<(), DbError> {
        self.guarded(|db| db.begin())
    }

    /// A commit is not refused: the work before it is done, and committing it keeps the
    /// version table true to the schema.
    fn commit(&mut self) -> Result<(), DbError> {
        self.db.commit()
    }

    fn rollback(&mut self) -> Result<(), DbError> {
        self.db.rollback()
    }

    fn table_exists(&mut self, table: &VersionTable) -> Result<bool, DbError> {
        self.guarded(|db| db.table_exists(table))
    }

    /// The engine's wait looks at the handle between its tries (see [`Database::watch`]).
    fn lock(&mut self, timeout: Duration, on_wait: &mut dyn FnMut()) -> Result<(), DbError> {
        if self.cancel.is_requested() {
            return Err(DbError::LockWaitCancelled);
        }
        match self.db.lock(timeout, on_wait) {
            Err(_) if self.cancel.is_requested() => Err(DbError::LockWaitCancelled),
            other => other,
        }
    }

    fn unlock(&mut self) -> Result<(), DbError> {
        self.db.unlock()
    }

    fn wait_readable(
        &mut self,
        timeout: Duration,
        on_wait: &mut dyn FnMut(),
    ) -> Result<(), DbError> {
        self.guarded(|db| db.wait_readable(timeout, on_wait))
    }

    fn introspect(&mut self) -> Result<crate::schema::Schema, DbError> {
        self.guarded(|db| db.introspect())
    }

    fn interrupter(&self) -> Option<Interrupter> {
        self.db.interrupter()
    }

    fn watch(&mut self, cancel: Option<&Cancel>) {
        self.db.watch(cancel);
    }
}
