//! Database URLs. (stub: to be implemented)

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

/// A parsed database URL. `Display` and `Debug` print `***` in place of a password.
#[derive(Clone, PartialEq, Eq)]
pub struct DatabaseUrl {
    raw: String,
    kind: UrlKind,
}

impl DatabaseUrl {
    /// Parses a URL.
    pub fn parse(raw: &str) -> Result<DatabaseUrl, ConfigError> {
        let _ = raw;
        todo!()
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
}

impl fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let _ = (&self.raw, f);
        todo!()
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// Picks the URL by precedence: `-x url=…`, then `$DATABASE_URL`, then `sqlalchemy.url`.
pub fn resolve_url(
    x_url: Option<&str>,
    env_url: Option<&str>,
    ini_url: Option<&str>,
) -> Result<DatabaseUrl, ConfigError> {
    let raw = x_url
        .filter(|s| !s.is_empty())
        .or(env_url.filter(|s| !s.is_empty()))
        .or(ini_url.filter(|s| !s.is_empty()))
        .ok_or(ConfigError::NoUrl)?;
    DatabaseUrl::parse(raw)
}
