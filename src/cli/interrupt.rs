//! Ctrl-C and SIGTERM during a command that moves the database.
//!
//! [`watch`] catches both signals on a thread of its own, from before the connection is
//! made. While a run is going through the [`Cancel`] handle it returns, the first signal
//! cancels the run (the running statement is interrupted on the server, the migration's
//! transaction rolled back, the lock released) and the command ends with one line and exit
//! status 130 (SIGINT) or 143 (SIGTERM), see [`received`]. A signal when no run is going
//! through the handle (still connecting, or done), or a second signal, ends the process at
//! once with that status: there is nothing to roll back, or the user does not want to wait,
//! and the server ends the session's transaction when its connection closes.

#![allow(clippy::print_stderr)]

use std::sync::atomic::{AtomicI32, Ordering};

use crate::db::Cancel;
use signal_hook::consts::{SIGINT, SIGTERM};
use signal_hook::iterator::Signals;

/// The signal that cancelled the run, 0 while none has.
static RECEIVED: AtomicI32 = AtomicI32::new(0);

/// Starts catching SIGINT and SIGTERM; the handle stops the run it is given to. `None`
/// when the signals can't be caught (they then end the process as they would anyway).
pub fn watch() -> Option<Cancel> {
    let mut signals = Signals::new([SIGINT, SIGTERM]).ok()?;
    let cancel = Cancel::new();
    let handle = cancel.clone();
    std::thread::Builder::new()
        .name("signals".into())
        .spawn(move || {
            for signal in signals.forever() {
                let first = RECEIVED
                    .compare_exchange(0, signal, Ordering::SeqCst, Ordering::SeqCst)
                    .is_ok();
                if first && handle.is_armed() {
                    handle.cancel();
                    continue;
                }
                if first {
                    eprintln!("FAILED: interrupted by {}", name(signal));
                } else {
                    eprintln!(
                        "FAILED: {} again: exiting without waiting for the rollback (the server \
                         rolls the transaction back when the connection closes)",
                        name(signal)
                    );
                }
                std::process::exit(status(signal).into());
            }
        })
        .ok()?;
    Some(cancel)
}

/// The signal that cancelled the run, if one did, with its exit status.
pub fn received() -> Option<(&'static str, u8)> {
    match RECEIVED.load(Ordering::SeqCst) {
        0 => None,
        signal => Some((name(signal), status(signal))),
    }
}

/// The one line for a command a signal cancelled, from how the run ended: `failed` is its
/// failure's first line, `FAILED: …` (`None` when the run had finished all the same).
pub fn cancelled_line(signal: &str, failed: Option<&str>) -> String {
    match failed.map(|l| l.strip_prefix("FAILED: ").unwrap_or(l)) {
        // A wait for the lock ended before this run held it.
        Some(why) if why.contains("waiting for the migration lock") => {
            format!("FAILED: interrupted by {signal}: {why}")
        }
        Some(why) => {
            format!("FAILED: interrupted by {signal}: {why}; the migration lock is released")
        }
        None => format!("FAILED: interrupted by {signal} as the run ended: all of it was applied"),
    }
}

fn name(signal: i32) -> &'static str {
    if signal == SIGTERM {
        "SIGTERM"
    } else {
        "SIGINT"
    }
}

/// 128 plus the signal's number, as a shell reports a process the signal ended.
fn status(signal: i32) -> u8 {
    u8::try_from(128 + signal).unwrap_or(130)
}
