//! The line a command prints while a PostgreSQL server is slow to answer its connection:
//! after a second without an answer, "Waiting for the server at host:port to answer…", so
//! that a stalled server is not a silent hang (the attempt itself ends at `connect_timeout`).

use std::sync::mpsc;
use std::time::Duration;

use crate::config::{DatabaseUrl, UrlKind};

use crate::cli::output::Printer;

/// How long a connection attempt goes unremarked.
const QUIET: Duration = Duration::from_secs(1);

/// Runs `connect`; when `url` is a server's and `connect` takes longer than a second, the
/// waiting line is printed meanwhile.
pub fn connecting<T>(printer: Printer, url: &DatabaseUrl, connect: impl FnOnce() -> T) -> T {
    let UrlKind::Postgres(params) = url.kind() else {
        return connect();
    };
    let host = params.host_or_default();
    let port = params.port_or_default();
    let (done, finished) = mpsc::channel::<()>();
    let waiter = std::thread::spawn(move || {
        if finished.recv_timeout(QUIET) == Err(mpsc::RecvTimeoutError::Timeout) {
            printer.info(&format!(
                "Waiting for the server at {host}:{port} to answer (connect_timeout in the URL \
                 or $PGCONNECT_TIMEOUT sets how long, default 30s)..."
            ));
        }
    });
    let result = connect();
    let _ = done.send(());
    let _ = waiter.join();
    result
}
