//! PostgreSQL engine, on the synchronous `postgres` crate.
//!
//! Statements go through the simple query protocol, so any single statement works as written
//! (`DO $$ … $$`, `CREATE INDEX CONCURRENTLY` outside a transaction) and results come back as
//! text. Transactions are plain `BEGIN`/`COMMIT`/`ROLLBACK`; the runner decides the
//! boundaries. The migration lock is a session-level advisory lock, which the server also
//! releases when the connection ends, however the process ends.
//!
//! Every error is one line; the URL in it is the masked `Display` form, and the password is
//! never echoed.

use std::error::Error as _;
use std::io;
use std::thread;
use std::time::{Duration, Instant};

use postgres::error::SqlState;
use postgres::{Client, NoTls, SimpleQueryMessage};

use super::lock_wait;
use super::{Cancel, Database, DbError, DriverError, Interrupter, VersionTable};
use crate::config::{DatabaseUrl, PgParams, SslMode};
use crate::Dialect;

/// The key of the migration lock: the 64-bit FNV-1a hash of `"litekb-migrations"`, as a
/// `bigint`.
///
/// Every run of this tool against one database uses the same key, whatever the version
/// table, so concurrent runs on one database are serialised. Advisory locks are per
/// database, so runs against different databases on one server don't wait for each other.
pub const LOCK_KEY: i64 = fnv1a_64(b"litekb-migrations") as i64;

/// How long a connection attempt may take when neither the URL's `connect_timeout` nor
/// `$PGCONNECT_TIMEOUT` says (libpq waits forever; a server that accepts and never answers
/// would hang the tool).
const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(30);

/// TCP keepalives: probes after this much silence, so that a connection whose peer vanished
/// fails instead of hanging a read forever.
const KEEPALIVE_IDLE: Duration = Duration::from_secs(30);

/// Between keepalive probes, and how many go unanswered before the connection is dropped:
/// a vanished peer is noticed within about a minute of silence.
const KEEPALIVE_INTERVAL: Duration = Duration::from_secs(10);
const KEEPALIVE_RETRIES: u32 = 3;

/// How long sent data may stay unacknowledged before the kernel drops the connection.
const TCP_USER_TIMEOUT: Duration = Duration::from_secs(120);

/// The server ends a session of ours that sits idle inside a transaction this long (a
/// stalled or vanished client), releasing its locks and the migration lock with it.
const IDLE_IN_TRANSACTION_TIMEOUT: &str = "10min";

/// How often a waiting [`PgDatabase::lock`] retries.
const LOCK_POLL: Duration = Duration::from_millis(100);

const fn fnv1a_64(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut i = 0;
    while i < bytes.len() {
        hash ^= bytes[i] as u64;
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        i += 1;
    }
    hash
}

/// The client a [`PgDatabase`] works through.
enum PgClient<'c> {
    Owned(Box<Client>),
    /// A client the library's caller holds.
    Borrowed(&'c mut Client),
}

impl std::ops::Deref for PgClient<'_> {
    type Target = Client;
    fn deref(&self) -> &Client {
        match self {
            PgClient::Owned(client) => client,
            PgClient::Borrowed(client) => client,
        }
    }
}

impl std::ops::DerefMut for PgClient<'_> {
    fn deref_mut(&mut self) -> &mut Client {
        match self {
            PgClient::Owned(client) => client,
            PgClient::Borrowed(client) => client,
        }
    }
}

/// A PostgreSQL connection: opened here, or the caller's own client.
pub struct PgDatabase<'c> {
    client: PgClient<'c>,
    /// Whether this session holds the migration lock (advisory locks nest; take it once).
    locked: bool,
    /// The password in use, to scrub from any server text before it is shown.
    password: Option<String>,
    /// What ends a wait for the migration lock early.
    cancel: Option<Cancel>,
}

impl<'c> PgDatabase<'c> {
    /// Works through the caller's client (its password unknown here: the server's messages
    /// are shown as they come).
    pub fn borrowed(client: &'c mut Client) -> PgDatabase<'c> {
        PgDatabase {
            client: PgClient::Borrowed(client),
            locked: false,
            password: None,
            cancel: None,
        }
    }
}

impl PgDatabase<'static> {
    /// Connects with the URL's parameters.
    ///
    /// Defaults follow libpq where the URL is silent: host `localhost`, port 5432, user
    /// `$PGUSER` or the login name, password `$PGPASSWORD`, database named like the user.
    /// `sslmode=disable` connects in plain text; `prefer` tries TLS and falls back to plain
    /// text when the server has none; `require` insists on TLS. As with libpq's `require`,
    /// the server's certificate is not verified: the connection is encrypted, not
    /// authenticated.
    pub fn connect(url: &DatabaseUrl, params: &PgParams) -> Result<PgDatabase<'static>, DbError> {
        let host = params.host_or_default();
        let port = params.port_or_default();
        let user = params
            .user
            .clone()
            .filter(|u| !u.is_empty())
            .or_else(|| non_empty_env("PGUSER"))
            .or_else(|| non_empty_env("USER"))
            .or_else(|| non_empty_env("USERNAME"))
            .unwrap_or_else(|| "postgres".to_string());
        let password = params
            .password
            .clone()
            .or_else(|| non_empty_env("PGPASSWORD"));

        let mut config = pg_config(params, &host, port, &user, password.as_deref());
        let connect_timeout = connect_timeout(params);

        let connect_error = |message: String, source: Box<DriverError>| DbError::Connect {
            url: url.to_string(),
            message: scrub(&message, password.as_deref()),
            source,
        };

        let result = match params.sslmode {
            SslMode::Disable => {
                config.ssl_mode(postgres::config::SslMode::Disable);
                connect_within(config, NoTls, connect_timeout)
            }
            SslMode::Prefer | SslMode::Require => {
                config.ssl_mode(match params.sslmode {
                    SslMode::Require => postgres::config::SslMode::Require,
                    _ => postgres::config::SslMode::Prefer,
                });
                let connector = super::tls::unverified_connector().map_err(|e| {
                    connect_error(format!("can't set up TLS: {e}"), DriverError::boxed(e))
                })?;
                connect_within(config, connector, connect_timeout)
            }
        };
        let result = result.map_err(|stalled| {
            let message = format!(
                "timed out after {}s waiting for the server at {host}:{port} to answer \
                 (connect_timeout in the URL or $PGCONNECT_TIMEOUT sets the limit)",
                connect_timeout.as_secs()
            );
            connect_error(message, DriverError::boxed(stalled))
        })?;
        let mut client = result.map_err(|e| {
            let dbname = params
                .dbname
                .as_deref()
                .filter(|d| !d.is_empty())
                .unwrap_or(&user);
            connect_error(
                connect_message(&e, &host, port, &user, dbname),
                DriverError::boxed(e),
            )
        })?;
        bound_idle_transactions(&mut client, params);
        Ok(PgDatabase {
            client: PgClient::Owned(Box::new(client)),
            locked: false,
            password,
            cancel: None,
        })
    }
}

impl PgDatabase<'_> {
    fn statement_error(&self, err: postgres::Error) -> DbError {
        self.statement_error_with(err, None)
    }

    /// The error of a statement; `waited` says what a lock timeout waited on.
    fn statement_error_with(&self, err: postgres::Error, waited: Option<String>) -> DbError {
        let mut message = error_message(&err);
        if err.code() == Some(&SqlState::LOCK_NOT_AVAILABLE) {
            let why = waited.unwrap_or_else(|| {
                "it waited ddl_lock_timeout for a lock on a table that another session holds: \
                 find that session in pg_stat_activity and end it, or raise ddl_lock_timeout"
                    .to_string()
            });
            message.push_str(&format!(" ({why})"));
        }
        DbError::Statement {
            message: scrub(&message, self.password.as_deref()),
            source: DriverError::boxed(err),
        }
    }

    /// The error of `sql`; after a lock timeout, with the sessions it waited on.
    fn failed(&mut self, sql: &str, err: postgres::Error) -> DbError {
        if err.code() != Some(&SqlState::LOCK_NOT_AVAILABLE) {
            return self.statement_error(err);
        }
        let waited = self.blockers(sql);
        self.statement_error_with(err, waited)
    }

    /// Who holds locks on the tables `sql` names ([`lock_wait`]). The statement's transaction
    /// is aborted, so it is rolled back first (the runner's rollback then finds none open).
    fn blockers(&mut self, sql: &str) -> Option<String> {
        let names = lock_wait::candidate_names(sql);
        if names.is_empty() {
            return None;
        }
        self.client.batch_execute("ROLLBACK").ok()?;
        let messages = self
            .client
            .simple_query(&lock_wait::blockers_sql(&names))
            .ok()?;
        let blockers: Vec<lock_wait::Blocker> = messages
            .iter()
            .filter_map(|m| match m {
                SimpleQueryMessage::Row(row) => {
                    let col = |i| {
                        row.try_get(i)
                            .ok()
                            .flatten()
                            .unwrap_or_default()
                            .to_string()
                    };
                    Some(lock_wait::Blocker {
                        table: col(0),
                        pid: col(1),
                        application: col(2),
                        state: col(3),
                        query_start: col(4),
                        mode: col(5),
                    })
                }
                _ => None,
            })
            .collect();
        lock_wait::describe(&blockers)
    }

    fn simple(&mut self, sql: &str) -> Result<Vec<SimpleQueryMessage>, DbError> {
        self.client
            .simple_query(sql)
            .map_err(|e| self.failed(sql, e))
    }

    fn try_lock(&mut self) -> Result<bool, DbError> {
        let got = self.query_column(&format!("SELECT pg_try_advisory_lock({LOCK_KEY})"))?;
        Ok(got.first().is_some_and(|v| v == "t"))
    }
}

impl Database for PgDatabase<'_> {
    fn dialect(&self) -> Dialect {
        Dialect::Postgresql
    }

    /// Runs the statement; the count is the sum over its command tags (one for one statement).
    fn execute(&mut self, sql: &str) -> Result<u64, DbError> {
        let messages = self.simple(sql)?;
        Ok(messages
            .iter()
            .map(|m| match m {
                SimpleQueryMessage::CommandComplete(n) => *n,
                _ => 0,
            })
            .sum())
    }

    /// `batch_execute` reads the server's answer message by message and keeps none of the
    /// rows: a migration's `SELECT` of millions of rows takes no memory for them
    /// (`simple_query`, which `execute` needs for the count, collects them all).
    fn run(&mut self, sql: &str) -> Result<(), DbError> {
        self.client
            .batch_execute(sql)
            .map_err(|e| self.failed(sql, e))
    }

    /// The first column of every row, as PostgreSQL's text form; SQL NULL becomes `""`.
    fn query_column(&mut self, sql: &str) -> Result<Vec<String>, DbError> {
        let messages = self.simple(sql)?;
        let mut values = Vec::new();
        for message in &messages {
            if let SimpleQueryMessage::Row(row) = message {
                if row.is_empty() {
                    continue;
                }
                let value = row.try_get(0).map_err(|e| self.statement_error(e))?;
                values.push(value.unwrap_or_default().to_string());
            }
        }
        Ok(values)
    }

    fn begin(&mut self) -> Result<(), DbError> {
        self.simple("BEGIN").map(drop)
    }

    fn commit(&mut self) -> Result<(), DbError> {
        self.simple("COMMIT").map(drop)
    }

    fn rollback(&mut self) -> Result<(), DbError> {
        self.simple("ROLLBACK").map(drop)
    }

    /// Whether the table exists: in `table.schema` when set, otherwise visible on the
    /// `search_path` (as Alembic's SQLAlchemy `has_table` decides; the unqualified `SELECT`
    /// that follows reads the same table).
    fn table_exists(&mut self, table: &VersionTable) -> Result<bool, DbError> {
        let d = Dialect::Postgresql;
        let scope = match &table.schema {
            Some(schema) => format!("n.nspname = {}", d.quote_literal(schema)),
            None => "pg_catalog.pg_table_is_visible(c.oid) AND n.nspname <> 'pg_catalog'".into(),
        };
        let sql = format!(
            "SELECT c.relname FROM pg_catalog.pg_class c \
             JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
             WHERE c.relname = {} AND c.relkind IN ('r', 'p', 'v', 'm', 'f') AND {scope}",
            d.quote_literal(&table.name)
        );
        Ok(!self.query_column(&sql)?.is_empty())
    }

    /// Takes the advisory lock [`LOCK_KEY`] for this session, polling every 100 ms while
    /// another session holds it.
    fn lock(&mut self, timeout: Duration, on_wait: &mut dyn FnMut()) -> Result<(), DbError> {
        if self.locked {
            return Ok(());
        }
        let start = Instant::now();
        let mut waited = false;
        loop {
            if self.try_lock()? {
                self.locked = true;
                return Ok(());
            }
            if self.cancel.as_ref().is_some_and(Cancel::is_requested) {
                return Err(DbError::LockWaitCancelled);
            }
            let elapsed = start.elapsed();
            if elapsed >= timeout {
                return Err(DbError::LockTimeout(timeout));
            }
            if !waited {
                waited = true;
                on_wait();
            }
            thread::sleep(LOCK_POLL.min(timeout - elapsed));
        }
    }

    fn introspect(&mut self) -> Result<crate::schema::Schema, DbError> {
        Ok(super::introspect::postgres::introspect(&mut self.client)?)
    }

    /// The server's cancel request, sent on a connection of its own (through TLS when the
    /// session's `sslmode` asks for it).
    fn interrupter(&self) -> Option<Interrupter> {
        let token = self.client.cancel_token();
        Some(std::sync::Arc::new(move || {
            let _ = match super::tls::unverified_connector() {
                Ok(tls) => token.cancel_query(tls),
                Err(_) => token.cancel_query(NoTls),
            };
        }))
    }

    fn watch(&mut self, cancel: Option<&Cancel>) {
        self.cancel = cancel.cloned();
    }

    fn unlock(&mut self) -> Result<(), DbError> {
        if !self.locked {
            return Ok(());
        }
        self.query_column(&format!("SELECT pg_advisory_unlock({LOCK_KEY})"))?;
        self.locked = false;
        Ok(())
    }
}

/// Has the server end this session when it sits idle inside a transaction for
/// [`IDLE_IN_TRANSACTION_TIMEOUT`], unless the URL's `options` set a bound of the user's.
/// Best effort: a server without the setting (before 9.6) runs without it.
fn bound_idle_transactions(client: &mut Client, params: &PgParams) {
    let given = params
        .options
        .as_deref()
        .is_some_and(|o| o.contains("idle_in_transaction_session_timeout"));
    if !given {
        let _ = client.batch_execute(&format!(
            "SET idle_in_transaction_session_timeout = '{IDLE_IN_TRANSACTION_TIMEOUT}'"
        ));
    }
}

/// The driver's configuration for one connection: where, who, and the socket's timeouts.
fn pg_config(
    params: &PgParams,
    host: &str,
    port: u16,
    user: &str,
    password: Option<&str>,
) -> postgres::Config {
    let mut config = postgres::Config::new();
    config
        .host(host)
        .port(port)
        .user(user)
        .application_name("alembic")
        .connect_timeout(connect_timeout(params))
        .keepalives(true)
        .keepalives_idle(KEEPALIVE_IDLE)
        .keepalives_interval(KEEPALIVE_INTERVAL)
        .keepalives_retries(KEEPALIVE_RETRIES)
        .tcp_user_timeout(TCP_USER_TIMEOUT);
    if let Some(password) = password {
        config.password(password);
    }
    if let Some(dbname) = params.dbname.as_deref().filter(|d| !d.is_empty()) {
        config.dbname(dbname);
    }
    if let Some(options) = params.options.as_deref().filter(|o| !o.is_empty()) {
        config.options(options);
    }
    config
}

/// Connects on a thread of its own and waits at most `timeout` for it: the driver's own
/// timeout covers the TCP connection only, not a server that accepts and then never
/// answers. On time out the thread is left to the process's end.
fn connect_within<T>(
    config: postgres::Config,
    tls: T,
    timeout: Duration,
) -> Result<Result<Client, postgres::Error>, io::Error>
where
    T: postgres::tls::MakeTlsConnect<postgres::Socket> + Send + 'static,
    T::TlsConnect: Send,
    T::Stream: Send,
    <T::TlsConnect as postgres::tls::TlsConnect<postgres::Socket>>::Future: Send,
{
    let (send, receive) = std::sync::mpsc::channel();
    thread::spawn(move || {
        let _ = send.send(config.connect(tls));
    });
    receive
        .recv_timeout(timeout)
        .map_err(|_| io::Error::new(io::ErrorKind::TimedOut, "the server did not answer"))
}

/// The URL's `connect_timeout`, else `$PGCONNECT_TIMEOUT`, else the default; as in libpq,
/// `0` (or a value that is not a number, from the environment) means the default here, and
/// a value under two seconds counts as two.
fn connect_timeout(params: &PgParams) -> Duration {
    let secs = params
        .connect_timeout
        .or_else(|| non_empty_env("PGCONNECT_TIMEOUT").and_then(|v| v.trim().parse().ok()))
        .filter(|&s| s > 0)
        .map(|s: u64| s.clamp(2, 86_400));
    secs.map_or(DEFAULT_CONNECT_TIMEOUT, Duration::from_secs)
}

fn non_empty_env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

/// Joins lines with spaces, so that a message stays on one line.
fn one_line(text: &dyn std::fmt::Display) -> String {
    text.to_string()
        .split(['\n', '\r'])
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Replaces the password, should any server text contain it, with `***`.
fn scrub(message: &str, password: Option<&str>) -> String {
    match password {
        Some(p) if p.len() >= 3 => message.replace(p, "***"),
        _ => message.to_string(),
    }
}

/// `ERROR: relation "x" does not exist; DETAIL: …; HINT: …` for a server error, otherwise
/// the client error with its causes.
pub(super) fn error_message(err: &postgres::Error) -> String {
    if let Some(db) = err.as_db_error() {
        let mut text = format!("{}: {}", db.severity(), one_line(&db.message()));
        if let Some(detail) = db.detail() {
            text.push_str(&format!("; DETAIL: {}", one_line(&detail)));
        }
        if let Some(hint) = db.hint() {
            text.push_str(&format!("; HINT: {}", one_line(&hint)));
        }
        return text;
    }
    let mut text = one_line(err);
    let mut source = err.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&one_line(cause));
        source = cause.source();
    }
    text
}

/// Words a failed connection attempt for the user.
fn connect_message(
    err: &postgres::Error,
    host: &str,
    port: u16,
    user: &str,
    dbname: &str,
) -> String {
    if let Some(db) = err.as_db_error() {
        let code = db.code();
        if *code == SqlState::INVALID_PASSWORD {
            return format!("password authentication failed for user '{user}'");
        }
        if *code == SqlState::INVALID_CATALOG_NAME {
            return format!("database '{dbname}' does not exist");
        }
        return error_message(err);
    }
    let mut source = err.source();
    while let Some(cause) = source {
        if let Some(io) = cause.downcast_ref::<io::Error>() {
            return match io.kind() {
                io::ErrorKind::ConnectionRefused => {
                    format!("connection refused: is the server running on {host}:{port}?")
                }
                io::ErrorKind::TimedOut => format!("timed out connecting to {host}:{port}"),
                _ => format!("can't reach {host}:{port}: {}", one_line(io)),
            };
        }
        source = cause.source();
    }
    let text = error_message(err);
    if text.contains("server does not support TLS") {
        return format!(
            "the server at {host}:{port} does not support TLS, which sslmode=require needs \
             (use sslmode=prefer or sslmode=disable to connect without it)"
        );
    }
    if text.contains("password missing") {
        return format!(
            "the server asks for a password for user '{user}' and none was given \
             (put it in the URL or in $PGPASSWORD)"
        );
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lock_key_is_the_documented_hash() {
        // FNV-1a 64 of "litekb-migrations"; changing it would let old and new versions of the
        // tool migrate one database at the same time.
        assert_eq!(fnv1a_64(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a_64(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(LOCK_KEY, fnv1a_64(b"litekb-migrations") as i64);
    }

    #[test]
    fn scrub_and_one_line() {
        assert_eq!(scrub("bad hunter2 here", Some("hunter2")), "bad *** here");
        assert_eq!(one_line(&"a\n  b\r\nc"), "a b c");
    }
}
