//! The SQL dialects the tool speaks, and the per-dialect facts the runner needs.

use std::fmt;

/// A database engine family. Chosen by the URL scheme; named in script section markers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Dialect {
    Sqlite,
    Postgresql,
}

impl Dialect {
    /// The name used in URLs and in `-- +upgrade <dialect>` markers.
    pub fn name(self) -> &'static str {
        match self {
            Dialect::Sqlite => "sqlite",
            Dialect::Postgresql => "postgresql",
        }
    }

    /// Parses a dialect name as written in a section marker (`postgres` is accepted too).
    pub fn from_name(name: &str) -> Option<Dialect> {
        match name.to_ascii_lowercase().as_str() {
            "sqlite" => Some(Dialect::Sqlite),
            "postgresql" | "postgres" => Some(Dialect::Postgresql),
            _ => None,
        }
    }

    /// The name Alembic gives its implementation class, shown in the first log line.
    pub fn impl_name(self) -> &'static str {
        match self {
            Dialect::Sqlite => "SQLiteImpl",
            Dialect::Postgresql => "PostgresqlImpl",
        }
    }

    /// Quotes a string literal: single quotes, embedded quotes doubled. Same on both engines.
    pub fn quote_literal(self, value: &str) -> String {
        format!("'{}'", value.replace('\'', "''"))
    }

    /// Quotes an identifier when it needs quoting (not a plain lowercase word).
    pub fn quote_ident(self, ident: &str) -> String {
        let plain = !ident.is_empty()
            && ident
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_lowercase() || c == '_')
            && ident
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if plain {
            ident.to_string()
        } else {
            format!("\"{}\"", ident.replace('"', "\"\""))
        }
    }
}

impl fmt::Display for Dialect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
