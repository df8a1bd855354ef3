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

    /// Whether `word` (lowercase) is one of the engine's reserved words, which a name must be
    /// quoted to use (the lists SQLAlchemy's identifier preparers quote).
    pub fn reserves(self, word: &str) -> bool {
        match self {
            Dialect::Postgresql => PG_RESERVED.contains(&word),
            Dialect::Sqlite => SQLITE_RESERVED.contains(&word),
        }
    }

    /// Quotes an identifier when it needs quoting (not a plain lowercase word, or a reserved
    /// word of the engine).
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
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
            && !self.reserves(ident);
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

/// SQLAlchemy's reserved words for SQLite (`SQLiteIdentifierPreparer.reserved_words`).
const SQLITE_RESERVED: &[&str] = &[
    "add",
    "after",
    "all",
    "alter",
    "analyze",
    "and",
    "as",
    "asc",
    "attach",
    "autoincrement",
    "before",
    "begin",
    "between",
    "by",
    "cascade",
    "case",
    "cast",
    "check",
    "collate",
    "column",
    "commit",
    "conflict",
    "constraint",
    "create",
    "cross",
    "current_date",
    "current_time",
    "current_timestamp",
    "database",
    "default",
    "deferrable",
    "deferred",
    "delete",
    "desc",
    "detach",
    "distinct",
    "drop",
    "each",
    "else",
    "end",
    "escape",
    "except",
    "exclusive",
    "exists",
    "explain",
    "fail",
    "false",
    "for",
    "foreign",
    "from",
    "full",
    "glob",
    "group",
    "having",
    "if",
    "ignore",
    "immediate",
    "in",
    "index",
    "indexed",
    "initially",
    "inner",
    "insert",
    "instead",
    "intersect",
    "into",
    "is",
    "isnull",
    "join",
    "key",
    "left",
    "like",
    "limit",
    "match",
    "natural",
    "not",
    "notnull",
    "null",
    "of",
    "offset",
    "on",
    "or",
    "order",
    "outer",
    "plan",
    "pragma",
    "primary",
    "query",
    "raise",
    "references",
    "reindex",
    "rename",
    "replace",
    "restrict",
    "right",
    "rollback",
    "row",
    "select",
    "set",
    "table",
    "temp",
    "temporary",
    "then",
    "to",
    "transaction",
    "trigger",
    "true",
    "union",
    "unique",
    "update",
    "using",
    "vacuum",
    "values",
    "view",
    "virtual",
    "when",
    "where",
];

/// SQLAlchemy's reserved words for PostgreSQL (`PGIdentifierPreparer.reserved_words`).
const PG_RESERVED: &[&str] = &[
    "all",
    "analyse",
    "analyze",
    "and",
    "any",
    "array",
    "as",
    "asc",
    "asymmetric",
    "authorization",
    "between",
    "binary",
    "both",
    "case",
    "cast",
    "check",
    "collate",
    "column",
    "constraint",
    "create",
    "cross",
    "current_catalog",
    "current_date",
    "current_role",
    "current_schema",
    "current_time",
    "current_timestamp",
    "current_user",
    "default",
    "deferrable",
    "desc",
    "distinct",
    "do",
    "else",
    "end",
    "except",
    "false",
    "fetch",
    "for",
    "foreign",
    "freeze",
    "from",
    "full",
    "grant",
    "group",
    "having",
    "ilike",
    "in",
    "initially",
    "inner",
    "intersect",
    "into",
    "is",
    "isnull",
    "join",
    "leading",
    "left",
    "like",
    "limit",
    "localtime",
    "localtimestamp",
    "natural",
    "new",
    "not",
    "notnull",
    "null",
    "of",
    "off",
    "offset",
    "old",
    "on",
    "only",
    "or",
    "order",
    "outer",
    "over",
    "overlaps",
    "placing",
    "primary",
    "references",
    "returning",
    "right",
    "select",
    "session_user",
    "similar",
    "some",
    "symmetric",
    "table",
    "then",
    "to",
    "trailing",
    "true",
    "union",
    "unique",
    "user",
    "using",
    "variadic",
    "verbose",
    "when",
    "where",
    "window",
    "with",
];

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

    #[test]
    fn reserved_words_are_quoted_as_names() {
        for d in [Dialect::Sqlite, Dialect::Postgresql] {
            assert_eq!(d.quote_ident("null"), "\"null\"");
            assert_eq!(d.quote_ident("select"), "\"select\"");
            assert_eq!(d.quote_ident("users"), "users");
        }
    }
}
