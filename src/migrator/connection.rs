//! The database a [`Migrator`](super::Migrator) call works on: a URL it connects to for the
//! call, or a connection the caller already holds.

use crate::config::DatabaseUrl;
use crate::db::{connect, Database};
use crate::project::Project;
use crate::Result;

/// A database for one call: a URL (`"sqlite:///app.db"`, `"postgresql://…"`; a `&str` or a
/// parsed [`DatabaseUrl`]) connected to for the call and closed after it.
#[derive(Debug)]
#[non_exhaustive]
pub enum DbRef<'c> {
    /// A URL, parsed when the call starts.
    Url(&'c str),
    /// A parsed URL.
    Parsed(&'c DatabaseUrl),
}

impl<'c> From<&'c str> for DbRef<'c> {
    fn from(url: &'c str) -> Self {
        DbRef::Url(url)
    }
}

impl<'c> From<&'c String> for DbRef<'c> {
    fn from(url: &'c String) -> Self {
        DbRef::Url(url)
    }
}

impl<'c> From<&'c DatabaseUrl> for DbRef<'c> {
    fn from(url: &'c DatabaseUrl) -> Self {
        DbRef::Parsed(url)
    }
}

impl DbRef<'_> {
    /// Runs `f` on the database.
    pub(super) fn with_database<T>(
        self,
        _project: &Project,
        f: &mut dyn FnMut(&mut dyn Database) -> Result<T>,
    ) -> Result<T> {
        let parsed;
        let url = match self {
            DbRef::Url(raw) => {
                parsed = DatabaseUrl::parse(raw)?;
                &parsed
            }
            DbRef::Parsed(url) => url,
        };
        let mut db = connect(url)?;
        f(db.as_mut())
    }
}
