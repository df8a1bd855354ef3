//! Database URLs: parsing SQLAlchemy-style URLs and printing them with the password masked.
//!
//! Owns the accepted forms (`sqlite:///relative.db`, `sqlite:////abs.db`, `sqlite://`,
//! `sqlite:///:memory:`, `postgresql://user:pass@host:port/db?sslmode=…&options=…`, also
//! `postgres://`, each with an optional `+driver` suffix that is ignored) and the URL
//! precedence. User, password, database name and query values are percent-decoded.
//!
//! A password never leaves this module in clear text except through [`PgParams::password`]:
//! `Display` and `Debug` of [`DatabaseUrl`] and [`PgParams`] print `***` in its place, and
//! [`ConfigError::BadUrl`] carries the masked URL and messages that never quote the
//! authority part of the URL.

use std::fmt;
use std::path::PathBuf;

use super::ConfigError;
use crate::Dialect;

/// `sslmode` of a PostgreSQL URL.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum SslMode {
    Disable,
    #[default]
    Prefer,
    Require,
}

/// Connection parameters of a `postgresql://` URL.
#[derive(Clone, PartialEq, Eq)]
pub struct PgParams {
    pub user: Option<String>,
    pub password: Option<String>,
    pub host: Option<String>,
    pub port: Option<u16>,
    pub dbname: Option<String>,
    pub sslmode: SslMode,
    /// The `options` query parameter (for instance `-csearch_path=app`).
    pub options: Option<String>,
    /// libpq's `connect_timeout` query parameter, in whole seconds (`0`: the default).
    pub connect_timeout: Option<u64>,
}

impl PgParams {
    /// The host to connect to: the URL's, or libpq's default `localhost` when it names none.
    pub fn host_or_default(&self) -> String {
        self.host
            .clone()
            .filter(|h| !h.is_empty())
            .unwrap_or_else(|| "localhost".to_string())
    }

    /// The port to connect to: the URL's, or PostgreSQL's default 5432.
    pub fn port_or_default(&self) -> u16 {
        self.port.unwrap_or(5432)
    }
}

impl fmt::Debug for PgParams {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PgParams")
            .field("user", &self.user)
            .field("password", &self.password.as_ref().map(|_| "***"))
            .field("host", &self.host)
            .field("port", &self.port)
            .field("dbname", &self.dbname)
            .field("sslmode", &self.sslmode)
            .field("options", &self.options)
            .field("connect_timeout", &self.connect_timeout)
            .finish()
    }
}

/// What a URL points at.
#[derive(Clone, PartialEq, Eq)]
pub enum UrlKind {
    /// `sqlite://` (or `sqlite:///:memory:`).
    SqliteMemory,
    /// `sqlite:///relative.db` or `sqlite:////abs.db`.
    SqliteFile(PathBuf),
    /// `postgresql://…`, with or without a `+driver` suffix.
    Postgres(PgParams),
}

impl fmt::Debug for UrlKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UrlKind::SqliteMemory => f.write_str("SqliteMemory"),
            UrlKind::SqliteFile(path) => f.debug_tuple("SqliteFile").field(path).finish(),
            UrlKind::Postgres(params) => f.debug_tuple("Postgres").field(params).finish(),
        }
    }
}

/// A parsed database URL. `Display` and `Debug` print `***` in place of a password.
#[derive(Clone, PartialEq, Eq)]
pub struct DatabaseUrl {
    raw: String,
    kind: UrlKind,
    /// `raw` with the password replaced by `***`.
    masked: String,
}

const SUPPORTED: &str =
    "sqlite://, postgresql:// (or postgres://), optionally with a +driver suffix";

impl DatabaseUrl {
    /// Parses a URL.
    pub fn parse(raw: &str) -> Result<DatabaseUrl, ConfigError> {
        let bad = |message: String| ConfigError::BadUrl {
            url: mask_loosely(raw),
            message,
        };
        let trimmed = raw.trim();
        let Some((scheme, rest)) = trimmed.split_once("://") else {
            return Err(bad(format!("expected a URL of the form {SUPPORTED}")));
        };
        let backend = scheme
            .split_once('+')
            .map_or(scheme, |(backend, _driver)| backend)
            .to_ascii_lowercase();
        match backend.as_str() {
            "sqlite" => {
                let kind = parse_sqlite(rest).map_err(bad)?;
                Ok(DatabaseUrl {
                    raw: raw.to_string(),
                    kind,
                    masked: mask_password_keywords(trimmed),
                })
            }
            "postgresql" | "postgres" => {
                let start = trimmed.len() - rest.len();
                let (params, password_span) = parse_postgres(rest).map_err(bad)?;
                let masked = match password_span {
                    Some((from, to)) => {
                        format!("{}***{}", &trimmed[..start + from], &trimmed[start + to..])
                    }
                    None => trimmed.to_string(),
                };
                Ok(DatabaseUrl {
                    raw: raw.to_string(),
                    kind: UrlKind::Postgres(params),
                    masked: mask_password_keywords(&masked),
                })
            }
            _ => Err(bad(format!(
                "unknown database scheme '{scheme}'; supported: {SUPPORTED}"
            ))),
        }
    }

    /// What the URL points at.
    pub fn kind(&self) -> &UrlKind {
        &self.kind
    }

    /// The dialect of the URL's scheme.
    pub fn dialect(&self) -> Dialect {
        match self.kind {
            UrlKind::Postgres(_) => Dialect::Postgresql,
            _ => Dialect::Sqlite,
        }
    }

    /// The URL exactly as given, password included. Only for handing to a driver.
    pub fn as_unmasked_str(&self) -> &str {
        &self.raw
    }
}

impl fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked)
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// The part after `sqlite://`: empty or `/` or `/:memory:` → memory; `/path` → the path
/// (relative unless it starts with another `/`). A query string is ignored.
fn parse_sqlite(rest: &str) -> Result<UrlKind, String> {
    let rest = rest.split_once('?').map_or(rest, |(path, _query)| path);
    if rest.is_empty() {
        return Ok(UrlKind::SqliteMemory);
    }
    let Some(path) = rest.strip_prefix('/') else {
        return Err(
            "a sqlite URL has no host: use sqlite:///relative/path.db, sqlite:////absolute/path.db or sqlite:// (in memory)"
                .to_string(),
        );
    };
    if path.is_empty() || path == ":memory:" {
        return Ok(UrlKind::SqliteMemory);
    }
    Ok(UrlKind::SqliteFile(PathBuf::from(path)))
}

/// The part after `postgresql://`. Returns the parameters and, when there is a password,
/// its byte span within `rest`.
type PgParse = (PgParams, Option<(usize, usize)>);

fn parse_postgres(rest: &str) -> Result<PgParse, String> {
    let (before_query, query) = match rest.split_once('?') {
        Some((before, query)) => (before, Some(query)),
        None => (rest, None),
    };
    // Userinfo ends at the last '@' before the query, provided the user name (before any
    // ':') has no '/': SQLAlchemy's `[^:/]*(:[^@]*)?@`, tolerant of '@' in passwords.
    let mut user = None;
    let mut password = None;
    let mut span = None;
    let mut host_part = before_query;
    if let Some(at) = before_query.rfind('@') {
        let userinfo = &before_query[..at];
        let (name, pass) = match userinfo.split_once(':') {
            Some((name, pass)) => (name, Some(pass)),
            None => (userinfo, None),
        };
        if !name.contains('/') {
            user = non_empty(percent_decode(name, false));
            if let Some(pass) = pass {
                let from = name.len() + 1;
                span = Some((from, from + pass.len()));
                password = Some(percent_decode(pass, false));
            }
            host_part = &before_query[at + 1..];
        }
    }
    let (hostport, database) = match host_part.split_once('/') {
        Some((hostport, database)) => (hostport, Some(database)),
        None => (host_part, None),
    };
    let (host, port) = split_host_port(hostport)?;
    let mut params = PgParams {
        user,
        password,
        host,
        port,
        dbname: database.and_then(|db| non_empty(percent_decode(db, false))),
        sslmode: SslMode::default(),
        options: None,
        connect_timeout: None,
    };
    read_query(&mut params, query.unwrap_or(""))?;
    Ok((params, span))
}

/// The query parameters of a PostgreSQL URL, into `params`.
fn read_query(params: &mut PgParams, query: &str) -> Result<(), String> {
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let key = percent_decode(key, true);
        let value = percent_decode(value, true);
        match key.as_str() {
            "sslmode" => {
                params.sslmode = match value.as_str() {
                    "disable" => SslMode::Disable,
                    "prefer" => SslMode::Prefer,
                    "require" => SslMode::Require,
                    other => {
                        return Err(format!(
                            "unsupported sslmode{}; expected disable, prefer or require",
                            quoted_if_plain(other)
                        ))
                    }
                }
            }
            "options" => params.options = non_empty(value),
            "connect_timeout" => match value.trim().parse::<u64>() {
                Ok(secs) if secs <= 86_400 => params.connect_timeout = Some(secs),
                _ => {
                    return Err(format!(
                        "connect_timeout{} is not a whole number of seconds from 0 to 86400",
                        quoted_if_plain(&value)
                    ))
                }
            },
            // libpq's keyword form of the password; masked like the userinfo one.
            "password" => params.password = Some(value),
            // libpq's way to name a Unix socket directory (`?host=/var/run/postgresql`).
            "host" => params.host = non_empty(value),
            other => {
                return Err(format!(
                    "unsupported query parameter{}; supported: sslmode, options, host, password, \
                     connect_timeout",
                    quoted_if_plain(other)
                ))
            }
        }
    }
    Ok(())
}

/// `host`, `host:port`, `[v6]`, `[v6]:port`, or empty.
fn split_host_port(hostport: &str) -> Result<(Option<String>, Option<u16>), String> {
    let (host, port) = if let Some(v6) = hostport.strip_prefix('[') {
        let Some((host, after)) = v6.split_once(']') else {
            return Err("unclosed '[' in the host".to_string());
        };
        let port = match after.strip_prefix(':') {
            Some(port) => Some(port),
            None if after.is_empty() => None,
            None => return Err("unexpected text after ']' in the host".to_string()),
        };
        (host, port)
    } else {
        match hostport.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (hostport, None),
        }
    };
    let port = match port {
        None | Some("") => None,
        Some(port) => match port.parse::<u16>() {
            Ok(port) if port > 0 => Some(port),
            _ => return Err("the port must be a number from 1 to 65535".to_string()),
        },
    };
    Ok((non_empty(percent_decode(host, false)), port))
}

/// ` 'word'` for a plain word, else nothing: text that is not a plain word may be a piece of
/// a password cut by a stray `?`, and must not reach a message.
fn quoted_if_plain(word: &str) -> String {
    let plain = !word.is_empty()
        && word.len() <= 32
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if plain {
        format!(" '{word}'")
    } else {
        String::new()
    }
}

fn non_empty(s: String) -> Option<String> {
    (!s.is_empty()).then_some(s)
}

/// Python's `unquote` (invalid escapes kept, invalid UTF-8 replaced); with `plus`, `+` is a
/// space first (`unquote_plus`, used for query strings).
fn percent_decode(s: &str, plus: bool) -> String {
    let decode = |s: &str| {
        percent_encoding::percent_decode_str(s)
            .decode_utf8_lossy()
            .into_owned()
    };
    if plus {
        decode(&s.replace('+', " "))
    } else {
        decode(s)
    }
}

/// Masks anything that could be a password in a URL that may not parse: everything between
/// the first `:` of the userinfo and the last `@`.
fn mask_loosely(raw: &str) -> String {
    mask_password_keywords(&mask_userinfo(raw.trim()))
}

/// Masks everything between the first `:` of the userinfo and the last `@`.
fn mask_userinfo(raw: &str) -> String {
    let Some((scheme, rest)) = raw.split_once("://") else {
        // No authority to find; mask from the first ':' to the last '@' if both exist.
        return match (raw.find(':'), raw.rfind('@')) {
            (Some(colon), Some(at)) if colon < at => {
                format!("{}***{}", &raw[..=colon], &raw[at..])
            }
            _ => raw.to_string(),
        };
    };
    match rest.rfind('@') {
        Some(at) => match rest[..at].find(':') {
            Some(colon) => format!("{scheme}://{}***{}", &rest[..=colon], &rest[at..]),
            None => raw.to_string(),
        },
        None => raw.to_string(),
    }
}

/// Replaces the value of every `password=` keyword (a URL's query parameter, or libpq's
/// `key=value` connection string) with `***`. The value ends at `&`, white space or the end,
/// or, quoted, at the closing quote.
pub fn mask_password_keywords(text: &str) -> String {
    const KEY: &str = "password=";
    let lower = text.to_ascii_lowercase();
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut search = 0;
    while let Some(found) = lower[search..].find(KEY) {
        let start = search + found;
        let value = start + KEY.len();
        search = value;
        let at_boundary = lower[..start]
            .chars()
            .next_back()
            .is_none_or(|c| matches!(c, '?' | '&' | ';') || c.is_whitespace());
        if !at_boundary {
            continue;
        }
        let rest = &text[value..];
        let len = match rest.strip_prefix('\'') {
            Some(quoted) => quoted.find('\'').map_or(rest.len(), |q| q + 2),
            None => rest
                .find(|c: char| c == '&' || c.is_whitespace())
                .unwrap_or(rest.len()),
        };
        out.push_str(&text[copied..value]);
        out.push_str("***");
        copied = value + len;
        search = copied;
    }
    out.push_str(&text[copied..]);
    out
}

/// Every text in `raw` that may be a password, for scrubbing messages that a driver or a
/// parser built from it: the userinfo password as written and percent-decoded, and each
/// `password=` keyword's value. Works on text that does not parse as a URL too, but userinfo
/// is only looked for after a `scheme://`.
pub fn passwords_in(raw: &str) -> Vec<String> {
    let raw = raw.trim();
    let mut found = Vec::new();
    if let Ok(url) = DatabaseUrl::parse(raw) {
        if let UrlKind::Postgres(params) = url.kind() {
            found.extend(params.password.clone());
        }
    }
    // Only a URL has `user:password@`: `FROM:label@head` is a revision range.
    let authority = raw.split_once("://").map_or("", |(_, rest)| rest);
    let before_query = authority.split('?').next().unwrap_or("");
    if let Some(at) = before_query.rfind('@') {
        if let Some((_, pass)) = before_query[..at].split_once(':') {
            found.push(pass.to_string());
            found.push(percent_decode(pass, false));
        }
    }
    let lower = raw.to_ascii_lowercase();
    for (start, _) in lower.match_indices("password=") {
        let rest = &raw[start + "password=".len()..];
        let value = match rest.strip_prefix('\'') {
            Some(quoted) => quoted.split('\'').next().unwrap_or(""),
            None => rest
                .split(|c: char| c == '&' || c.is_whitespace())
                .next()
                .unwrap_or(""),
        };
        found.push(value.to_string());
        found.push(percent_decode(value, true));
    }
    found.retain(|p| !p.is_empty());
    found.sort();
    found.dedup();
    found
}

/// Picks the URL by precedence: `-x url=…`, then `$DATABASE_URL`, then `sqlalchemy.url`.
/// An empty `-x url=` is an error (an unset shell variable, most likely), not a fall-back; an
/// empty `$DATABASE_URL` or `sqlalchemy.url` counts as unset.
pub fn resolve_url(
    x_url: Option<&str>,
    env_url: Option<&str>,
    ini_url: Option<&str>,
) -> Result<DatabaseUrl, ConfigError> {
    if x_url.is_some_and(|s| s.trim().is_empty()) {
        return Err(ConfigError::EmptyXUrl);
    }
    let raw = x_url
        .or(env_url.filter(|s| !s.is_empty()))
        .or(ini_url.filter(|s| !s.is_empty()))
        .ok_or(ConfigError::NoUrl)?;
    DatabaseUrl::parse(raw)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(raw: &str) -> DatabaseUrl {
        match DatabaseUrl::parse(raw) {
            Ok(url) => url,
            Err(err) => panic!("{raw}: {err}"),
        }
    }

    fn pg(raw: &str) -> PgParams {
        match parse(raw).kind() {
            UrlKind::Postgres(params) => params.clone(),
            other => panic!("{raw}: not postgres: {other:?}"),
        }
    }

    fn bad(raw: &str) -> String {
        match DatabaseUrl::parse(raw) {
            Err(err @ ConfigError::BadUrl { .. }) => err.to_string(),
            other => panic!("{raw}: expected BadUrl, got {other:?}"),
        }
    }

    #[test]
    fn host_and_port_default_as_libpq_does() {
        let given = pg("postgresql://u@db.example:6543/app");
        assert_eq!(given.host_or_default(), "db.example");
        assert_eq!(given.port_or_default(), 6543);
        let silent = pg("postgresql:///app");
        assert_eq!(silent.host_or_default(), "localhost");
        assert_eq!(silent.port_or_default(), 5432);
    }

    #[test]
    fn sqlite_forms() {
        let kind = |raw: &str| parse(raw).kind().clone();
        assert_eq!(kind("sqlite://"), UrlKind::SqliteMemory);
        assert_eq!(kind("sqlite:///:memory:"), UrlKind::SqliteMemory);
        assert_eq!(kind("sqlite:///"), UrlKind::SqliteMemory);
        assert_eq!(
            kind("sqlite:///relative.db"),
            UrlKind::SqliteFile(PathBuf::from("relative.db"))
        );
        assert_eq!(
            kind("sqlite:///./data/litekb.db"),
            UrlKind::SqliteFile(PathBuf::from("./data/litekb.db"))
        );
        assert_eq!(
            kind("sqlite:////abs/path.db"),
            UrlKind::SqliteFile(PathBuf::from("/abs/path.db"))
        );
        assert_eq!(
            kind("sqlite+pysqlite:///x.db?timeout=5"),
            UrlKind::SqliteFile(PathBuf::from("x.db"))
        );
        assert_eq!(parse("sqlite:///x.db").dialect(), Dialect::Sqlite);
        assert!(bad("sqlite://host/x.db").contains("sqlite:///"));
    }

    #[test]
    fn postgres_forms() {
        let p = pg("postgresql://scott:tiger@localhost:5433/test?sslmode=require&options=-csearch_path%3Dapp");
        assert_eq!(p.user.as_deref(), Some("scott"));
        assert_eq!(p.password.as_deref(), Some("tiger"));
        assert_eq!(p.host.as_deref(), Some("localhost"));
        assert_eq!(p.port, Some(5433));
        assert_eq!(p.dbname.as_deref(), Some("test"));
        assert_eq!(p.sslmode, SslMode::Require);
        assert_eq!(p.options.as_deref(), Some("-csearch_path=app"));

        let p = pg("postgres+psycopg2://u%40x:p%40ss%2Fw@db.example/my%20db");
        assert_eq!(p.user.as_deref(), Some("u@x"));
        assert_eq!(p.password.as_deref(), Some("p@ss/w"));
        assert_eq!(p.dbname.as_deref(), Some("my db"));
        assert_eq!(p.port, None);
        assert_eq!(p.sslmode, SslMode::Prefer);

        let p = pg("postgresql://user@[::1]:5432/db");
        assert_eq!(p.host.as_deref(), Some("::1"));
        assert_eq!(p.password, None);

        let p = pg("postgresql:///db?host=/var/run/postgresql&sslmode=disable");
        assert_eq!(p.host.as_deref(), Some("/var/run/postgresql"));
        assert_eq!(p.sslmode, SslMode::Disable);
        assert_eq!(p.user, None);

        let p = pg("postgresql://u:p@ss@host/db");
        assert_eq!(p.password.as_deref(), Some("p@ss"));
        assert_eq!(p.host.as_deref(), Some("host"));

        let p = pg("postgresql://host/db@odd");
        assert_eq!(p.host.as_deref(), Some("host"));
        assert_eq!(p.dbname.as_deref(), Some("db@odd"));
        assert_eq!(parse("postgresql://h/d").dialect(), Dialect::Postgresql);
    }

    #[test]
    fn bad_urls() {
        assert!(bad("mysql://u@h/db").contains("postgresql://"));
        assert!(bad("not a url").contains("sqlite://"));
        assert!(bad("postgresql://h/d?sslmode=verify-full").contains("sslmode"));
        assert!(bad("postgresql://h:port/d").contains("port"));
        assert!(bad("postgresql://h:70000/d").contains("port"));
        assert!(bad("postgresql://h/d?foo=1").contains("foo"));
    }

    #[test]
    fn display_and_debug_mask_the_password() {
        let url = parse("postgresql://scott:tiger@localhost/test");
        assert_eq!(url.to_string(), "postgresql://scott:***@localhost/test");
        assert_eq!(format!("{url:?}"), "postgresql://scott:***@localhost/test");
        assert_eq!(
            url.as_unmasked_str(),
            "postgresql://scott:tiger@localhost/test"
        );

        let url = parse("postgresql+psycopg2://u:p%40s/s@h:1/d?sslmode=prefer");
        assert_eq!(
            url.to_string(),
            "postgresql+psycopg2://u:***@h:1/d?sslmode=prefer"
        );

        let url = parse("postgresql://scott@localhost/test");
        assert_eq!(url.to_string(), "postgresql://scott@localhost/test");
        let url = parse("sqlite:///x.db");
        assert_eq!(url.to_string(), "sqlite:///x.db");

        let params = pg("postgresql://scott:tiger@localhost/test");
        let debug = format!("{params:?} {:?}", UrlKind::Postgres(params.clone()));
        assert!(!debug.contains("tiger"), "{debug}");
        assert!(debug.contains("***"), "{debug}");
    }

    #[test]
    fn errors_never_contain_the_password() {
        for raw in [
            "postgresql://scott:tiger@localhost:bad/test",
            "postgresql://scott:tiger@localhost/test?sslmode=bogus",
            "postgresql://scott:tiger@localhost/test?bogus=1",
            "mysql://scott:tiger@localhost/test",
            "postgresql://scott:ti?ger@localhost:5/test",
            "postgresql://scott:ti?ger@host/test",
            "scott:tiger@localhost",
            "postgresql://scott@localhost/test?password=tiger&sslmode=bogus",
            "postgresql://scott@localhost/test?sslmode=disable&PASSWORD=tiger",
            "sqlite:///x.db?password=tiger",
            "host=localhost password=tiger dbname=test",
            "host=localhost password='ti ger' dbname=test",
        ] {
            let message = match DatabaseUrl::parse(raw) {
                Err(err) => format!("{err} {err:?}"),
                Ok(url) => format!("{url} {url:?}"),
            };
            assert!(!message.contains("tiger"), "{raw}: {message}");
            assert!(!message.contains("ger"), "{raw}: {message}");
        }
        let url = parse("postgresql://scott@localhost/test?password=tiger&sslmode=disable");
        assert_eq!(
            url.to_string(),
            "postgresql://scott@localhost/test?password=***&sslmode=disable"
        );
        let UrlKind::Postgres(params) = url.kind() else {
            panic!("{url}")
        };
        assert_eq!(params.password.as_deref(), Some("tiger"));
        assert_eq!(
            mask_password_keywords("a password=x b mypassword=y c&password='q r'&d"),
            "a password=*** b mypassword=y c&password=***&d"
        );
        assert_eq!(
            bad("mysql://scott:tiger@localhost/test"),
            "can't parse database URL 'mysql://scott:***@localhost/test': unknown database scheme 'mysql'; supported: sqlite://, postgresql:// (or postgres://), optionally with a +driver suffix"
        );
    }

    #[test]
    fn passwords_are_found_in_every_form() {
        assert_eq!(
            passwords_in("postgresql://u:p%40ss@h/db"),
            ["p%40ss", "p@ss"]
        );
        assert_eq!(
            passwords_in("postgresql://u@h/db?sslmode=disable&password=tiger"),
            ["tiger"]
        );
        assert_eq!(passwords_in("host=h password='a b' user=u"), ["a b"]);
        assert_eq!(passwords_in("nonsense://u:tiger@"), ["tiger"]);
        assert!(passwords_in("sqlite:///x.db").is_empty());
        // A revision range with a branch label is not a URL with a password.
        assert!(passwords_in("b708c93c:beta@head").is_empty());
    }

    #[test]
    fn precedence() {
        let url = resolve_url(
            Some("sqlite:///x.db"),
            Some("sqlite:///y.db"),
            Some("sqlite://"),
        );
        assert_eq!(
            url.ok().map(|u| u.to_string()).as_deref(),
            Some("sqlite:///x.db")
        );
        let url = resolve_url(None, Some("sqlite:///y.db"), Some("sqlite://"));
        assert_eq!(
            url.ok().map(|u| u.to_string()).as_deref(),
            Some("sqlite:///y.db")
        );
        let url = resolve_url(None, None, Some("sqlite://"));
        assert_eq!(
            url.ok().map(|u| u.to_string()).as_deref(),
            Some("sqlite://")
        );
        assert!(matches!(
            resolve_url(None, None, None),
            Err(ConfigError::NoUrl)
        ));
        // An empty -x url= is refused rather than falling back to $DATABASE_URL or the ini.
        for empty in ["", " "] {
            assert!(matches!(
                resolve_url(
                    Some(empty),
                    Some("sqlite:///y.db"),
                    Some("sqlite:///ini.db")
                ),
                Err(ConfigError::EmptyXUrl)
            ));
        }
    }

    #[test]
    fn percent_decoding() {
        assert_eq!(percent_decode("a%40b%zz%4", false), "a@b%zz%4");
        assert_eq!(percent_decode("a+b%2B", true), "a b+");
        assert_eq!(percent_decode("%ff", false), "\u{fffd}");
        assert_eq!(percent_decode("a+b", false), "a+b");
        // Only two hex digits make an escape, as in Python (not a sign and one digit).
        assert_eq!(percent_decode("%+f%-1%C3%A9", false), "%+f%-1\u{e9}");
    }
}
