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
        let mut out = String::with_capacity(value.len() + 2);
        self.push_literal(&mut out, value);
        out
    }

    /// Appends [`Dialect::quote_literal`] of `value` to `out`.
    pub fn push_literal(self, out: &mut String, value: &str) {
        push_quoted(out, value, '\'');
    }

    /// Quotes an identifier when it needs quoting (not a plain lowercase word).
    pub fn quote_ident(self, ident: &str) -> String {
        let mut out = String::with_capacity(ident.len() + 2);
        self.push_ident(&mut out, ident);
        out
    }

    /// Appends [`Dialect::quote_ident`] of `ident` to `out`.
    pub fn push_ident(self, out: &mut String, ident: &str) {
        let plain = ident
            .bytes()
            .next()
            .is_some_and(|b| b.is_ascii_lowercase() || b == b'_')
            && ident
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        if plain {
            out.push_str(ident);
        } else {
            push_quoted(out, ident, '"');
        }
    }
}

/// Appends `text` between two `quote`s, each `quote` inside it doubled.
fn push_quoted(out: &mut String, text: &str, quote: char) {
    out.push(quote);
    let mut rest = text;
    while let Some(at) = rest.find(quote) {
        out.push_str(&rest[..=at]);
        out.push(quote);
        rest = &rest[at + 1..];
    }
    out.push_str(rest);
    out.push(quote);
}

impl fmt::Display for Dialect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::Dialect;

    #[test]
    fn literals_double_their_quotes() {
        let d = Dialect::Sqlite;
        assert_eq!(d.quote_literal(""), "''");
        assert_eq!(d.quote_literal("abc123"), "'abc123'");
        assert_eq!(d.quote_literal("it's"), "'it''s'");
        assert_eq!(d.quote_literal("''x'"), "'''''x'''");
        assert_eq!(Dialect::Postgresql.quote_literal("é'ü"), "'é''ü'");
        let mut out = String::from("VALUES (");
        d.push_literal(&mut out, "a'b");
        assert_eq!(out, "VALUES ('a''b'");
    }

    #[test]
    fn identifiers_are_quoted_only_when_needed() {
        let d = Dialect::Postgresql;
        assert_eq!(d.quote_ident("alembic_version"), "alembic_version");
        assert_eq!(d.quote_ident("_t2"), "_t2");
        assert_eq!(d.quote_ident(""), "\"\"");
        assert_eq!(d.quote_ident("2t"), "\"2t\"");
        assert_eq!(d.quote_ident("App"), "\"App\"");
        assert_eq!(d.quote_ident("we\"ird"), "\"we\"\"ird\"");
        assert_eq!(d.quote_ident("tablé"), "\"tablé\"");
        let mut out = String::from("x.");
        d.push_ident(&mut out, "Y");
        assert_eq!(out, "x.\"Y\"");
    }
}
