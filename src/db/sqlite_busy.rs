//! SQLite's wait for another connection's write lock, made to end early on a [`Cancel`].
//!
//! `sqlite3_interrupt` does not reach SQLite's own busy wait (`busy_timeout`), so while a
//! run can be cancelled its connection waits through [`cancellable`] instead: a busy handler
//! that sleeps in short steps up to the same limit and gives up once the handle is asked to
//! stop. SQLite takes a plain function as busy handler, and calls it on the thread running
//! the statement, so the limit and the handle are kept per thread ([`arm`]).

use std::cell::RefCell;
use std::time::Duration;

use rusqlite::Connection;

use super::Cancel;

/// One step of the wait.
const STEP: Duration = Duration::from_millis(10);

thread_local! {
    /// The limit of the wait and the handle that ends it, for the connection this thread runs.
    static WAIT: RefCell<Option<(Duration, Cancel)>> = const { RefCell::new(None) };
}

/// Sets how long `conn` waits for another connection's write lock: SQLite's own busy
/// timeout, or with `cancel` the handler that also gives up when it is asked to stop.
pub fn set(conn: &Connection, limit: Duration, cancel: Option<&Cancel>) -> rusqlite::Result<()> {
    match cancel {
        None => {
            WAIT.with(|w| *w.borrow_mut() = None);
            conn.busy_timeout(limit)
        }
        Some(cancel) => {
            WAIT.with(|w| *w.borrow_mut() = Some((limit, cancel.clone())));
            conn.busy_handler(Some(cancellable))
        }
    }
}

/// SQLite's busy handler: `true` to try again after a step, `false` to give up (the
/// statement then fails with `SQLITE_BUSY`). `count` is how often it was called for this
/// wait.
fn cancellable(count: i32) -> bool {
    let waited = STEP.saturating_mul(u32::try_from(count).unwrap_or(u32::MAX));
    let go_on = WAIT.with(|w| match &*w.borrow() {
        Some((limit, cancel)) => !cancel.is_requested() && waited < *limit,
        None => false,
    });
    if go_on {
        std::thread::sleep(STEP);
    }
    go_on
}
