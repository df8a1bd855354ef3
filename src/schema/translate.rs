//! One script statement → the statements to run on the connected dialect.
//!
//! A statement runs byte for byte as written when the model does not understand it, or when
//! it does and it is already right for the dialect: no spelling that only the other engine
//! knows, nothing SQLite can't do in place. Otherwise it is rendered from the model, and on
//! SQLite an `ALTER TABLE` that needs it becomes a table rebuild. A statement the model keeps
//! out because of a clause of the *other* engine (`WITHOUT ROWID` on PostgreSQL, `CREATE INDEX
//! CONCURRENTLY` on SQLite) is refused with a message that says so, instead of failing inside
//! the engine.

use crate::schema::model::{Op, Schema};
use crate::schema::parse::{parse_statement, Parsed};
use crate::schema::rebuild::rebuild;
use crate::schema::render::{render_op, sqlite};
use crate::schema::state::apply;
use crate::sql::leading_word;
use crate::Dialect;

/// One thing to run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Emit {
    /// A statement.
    Sql(String),
    /// `PRAGMA foreign_key_check(t)` for each of `tables`; any row is a violation that must
    /// abort the migration (SQLite only, after rebuilding `rebuilt`).
    ForeignKeyCheck {
        rebuilt: String,
        tables: Vec<String>,
    },
}

/// Translates `sql` for `dialect`. `schema` gives the schema as it stands before the
/// statement; it is called only when SQLite needs it (a rebuild, or a `DROP COLUMN` that might
/// need one), at most once.
pub fn translate(
    sql: &str,
    dialect: Dialect,
    schema: &mut dyn FnMut() -> Result<Schema, String>,
) -> Result<Vec<Emit>, String> {
    if runs_as_written_on(sql, dialect) {
        return Ok(vec![Emit::Sql(sql.to_string())]);
    }
    translate_parsed(sql, dialect, schema)
}

/// Words that can make a `CREATE` or `DROP` statement anything but verbatim: each spelling
/// the parser marks as one engine's (`native`: the types of the map that only one engine
/// knows, `AUTOINCREMENT`, `GENERATED … AS IDENTITY`, `CONCURRENTLY`) and each clause that
/// keeps a statement out of the model as one engine's (`only_on`: `WITHOUT ROWID`, `STRICT`,
/// `USING`, `INCLUDE`, `GENERATED ALWAYS`). `SERIAL` covers every serial spelling; `PRIMARY`
/// catches a lone integer key, which PostgreSQL must make an identity column (see
/// [`crate::schema::Table::auto_key`]). A new
/// `native` or `only_on` in [`crate::schema::parse`] or [`crate::schema::types`] must add
/// its word here.
const ENGINE_WORDS: [&str; 14] = [
    "AUTOINCREMENT",
    "BLOB",
    "BYTEA",
    "CONCURRENTLY",
    "DATETIME",
    "GENERATED",
    "INCLUDE",
    "JSONB",
    "PRIMARY",
    "SERIAL",
    "STRICT",
    "TIMESTAMPTZ",
    "USING",
    "WITHOUT",
];

/// Whether [`translate`] returns `sql` unchanged on both engines, decided from the text
/// alone, without the parser (most statements of a history are): a statement that plainly
/// starts with a word other than `CREATE`, `ALTER` or `DROP` (the parser never sees it), or
/// a `CREATE` or `DROP` (whose operations never need a SQLite rebuild) in which no
/// [`ENGINE_WORDS`] occurs anywhere, even inside a name, a string or a comment. `false`
/// only means that the parser decides.
pub fn runs_as_written(sql: &str) -> bool {
    let Some(word) = leading_word(sql) else {
        return false;
    };
    let is = |w: &str| word.eq_ignore_ascii_case(w);
    if is("ALTER") {
        return false;
    }
    !(is("CREATE") || is("DROP")) || !mentions_engine_word(sql)
}

/// [`runs_as_written`] for one dialect, which also takes, on SQLite, a `CREATE TABLE` whose
/// only engine word is one `PRIMARY` right after a column declared `INTEGER` (`(id INTEGER
/// PRIMARY KEY` or `, id INTEGER PRIMARY`): SQLite's rowid, which is what the lone-integer-key
/// rule asks for there, or no lone key at all. Both engines still leave other statements
/// with `PRIMARY` to the parser (PostgreSQL must make such a key an identity column).
pub fn runs_as_written_on(sql: &str, dialect: Dialect) -> bool {
    if runs_as_written(sql) {
        return true;
    }
    if dialect != Dialect::Sqlite
        || !leading_word(sql).is_some_and(|w| w.eq_ignore_ascii_case("CREATE"))
    {
        return false;
    }
    let mut found = engine_words(sql);
    match (found.next(), found.next()) {
        (Some((at, "PRIMARY")), None) => follows_integer_column(&sql[..at]),
        _ => false,
    }
}

/// Whether `before` ends with `( name INTEGER ` or `, name INTEGER ` (any case, any
/// whitespace; `name` bare or in double quotes), so that the word after it belongs to a
/// column whose type is spelled exactly `INTEGER`.
fn follows_integer_column(before: &str) -> bool {
    let Some(rest) = before.strip_suffix(|c: char| c.is_ascii_whitespace()) else {
        return false;
    };
    let rest = rest.trim_end_matches(|c: char| c.is_ascii_whitespace());
    let Some(split) = rest.len().checked_sub("INTEGER".len()) else {
        return false;
    };
    if !rest.is_char_boundary(split) || !rest[split..].eq_ignore_ascii_case("INTEGER") {
        return false;
    }
    let rest = &rest[..split];
    let Some(rest) = rest.strip_suffix(|c: char| c.is_ascii_whitespace()) else {
        return false;
    };
    let rest = rest.trim_end_matches(|c: char| c.is_ascii_whitespace());
    let name_start = if let Some(quoted) = rest.strip_suffix('"') {
        match quoted.rfind('"') {
            Some(open) if !quoted[open + 1..].is_empty() => open,
            _ => return false,
        }
    } else {
        let bare = rest.trim_end_matches(|c: char| c.is_ascii_alphanumeric() || c == '_');
        let name = &rest[bare.len()..];
        if !name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
            return false;
        }
        bare.len()
    };
    rest[..name_start]
        .trim_end_matches(|c: char| c.is_ascii_whitespace())
        .ends_with(['(', ','])
}

/// Whether any of [`ENGINE_WORDS`] occurs in `sql` (ASCII case-insensitive, as a substring).
fn mentions_engine_word(sql: &str) -> bool {
    engine_words(sql).next().is_some()
}

/// Each occurrence of one of [`ENGINE_WORDS`] in `sql` (ASCII case-insensitive, as a
/// substring, even inside a name, a string or a comment): its byte offset and the word.
fn engine_words(sql: &str) -> impl Iterator<Item = (usize, &'static str)> + '_ {
    // For each byte, the range of ENGINE_WORDS that holds every word starting with it (in
    // either case); empty for most bytes.
    const CANDIDATES: [(usize, usize); 256] = {
        let mut ranges = [(0, 0); 256];
        let mut i = 0;
        while i < ENGINE_WORDS.len() {
            let first = ENGINE_WORDS[i].as_bytes()[0];
            let mut case = 0;
            while case < 2 {
                let b = if case == 0 {
                    first
                } else {
                    first.to_ascii_lowercase()
                } as usize;
                if ranges[b].1 == 0 {
                    ranges[b].0 = i;
                }
                ranges[b].1 = i + 1;
                case += 1;
            }
            i += 1;
        }
        ranges
    };
    let bytes = sql.as_bytes();
    bytes.iter().enumerate().filter_map(move |(i, &b)| {
        let (start, end) = CANDIDATES[usize::from(b)];
        ENGINE_WORDS[start..end]
            .iter()
            .find(|w| {
                bytes
                    .get(i..i + w.len())
                    .is_some_and(|s| s.eq_ignore_ascii_case(w.as_bytes()))
            })
            .map(|&w| (i, w))
    })
}

/// [`translate`] by way of the parser.
fn translate_parsed(
    sql: &str,
    dialect: Dialect,
    schema: &mut dyn FnMut() -> Result<Schema, String>,
) -> Result<Vec<Emit>, String> {
    let verbatim = || Ok(vec![Emit::Sql(sql.to_string())]);
    let (ops, native) = match parse_statement(sql) {
        Parsed::Verbatim {
            only_on: Some((engine, what)),
        } if engine != dialect => return Err(engine_only(engine, &what)),
        Parsed::Verbatim { .. } => return verbatim(),
        Parsed::Ops { ops, native } => (ops, native),
    };
    let foreign = native.iter().any(|(engine, _)| *engine != dialect);
    if dialect == Dialect::Postgresql {
        return if foreign {
            render_all(&ops, dialect)
        } else {
            verbatim()
        };
    }
    // SQLite: only a DROP COLUMN needs the schema to know whether it can be done in place.
    let mut current: Option<Schema> = None;
    if ops.iter().any(|op| sqlite::needs_rebuild(op, None)) {
        current = Some(schema()?);
    }
    let rebuilds = ops
        .iter()
        .any(|op| sqlite::needs_rebuild(op, current.as_ref()));
    if !rebuilds {
        return if foreign {
            render_all(&ops, dialect)
        } else {
            verbatim()
        };
    }
    let mut current = current.unwrap_or_default();
    let mut out = Vec::new();
    let mut pending: Vec<Op> = Vec::new();
    for op in ops {
        if sqlite::needs_rebuild(&op, Some(&current)) {
            pending.push(op);
            continue;
        }
        flush(&mut current, &mut pending, &mut out)?;
        out.extend(
            render_op(&op.with_auto_key(dialect), dialect)
                .map_err(|e| e.to_string())?
                .into_iter()
                .map(Emit::Sql),
        );
        apply(&mut current, &op).map_err(|e| e.to_string())?;
    }
    flush(&mut current, &mut pending, &mut out)?;
    Ok(out)
}

/// Rebuilds the table of the pending operations (all of one `ALTER TABLE`, so one table).
fn flush(current: &mut Schema, pending: &mut Vec<Op>, out: &mut Vec<Emit>) -> Result<(), String> {
    let Some(table) = pending
        .first()
        .and_then(|op| op.altered_table())
        .map(str::to_string)
    else {
        return Ok(());
    };
    out.extend(rebuild(current, &table, pending).map_err(|e| e.to_string())?);
    for op in pending.drain(..) {
        apply(current, &op).map_err(|e| e.to_string())?;
    }
    Ok(())
}

fn render_all(ops: &[Op], dialect: Dialect) -> Result<Vec<Emit>, String> {
    let mut out = Vec::new();
    for op in ops {
        out.extend(
            render_op(&op.with_auto_key(dialect), dialect)
                .map_err(|e| e.to_string())?
                .into_iter()
                .map(Emit::Sql),
        );
    }
    Ok(out)
}

fn engine_only(engine: Dialect, what: &str) -> String {
    format!(
        "{what} is {engine}-only; put this statement in a '-- +upgrade {engine}' section \
         (with its equivalent for the other engine in a section of its own)"
    )
}

/// Whether `sql` might become a table rebuild on `dialect` (decided without the schema, so
/// a `DROP COLUMN` counts): the runner switches foreign keys off before the transaction.
pub fn may_rebuild(sql: &str, dialect: Dialect) -> bool {
    // Only ALTER TABLE lowers into operations that can need a rebuild.
    if leading_word(sql).is_some_and(|w| !w.eq_ignore_ascii_case("ALTER")) {
        return false;
    }
    dialect == Dialect::Sqlite
        && matches!(parse_statement(sql), Parsed::Ops { ops, .. }
            if ops.iter().any(|op| sqlite::needs_rebuild(op, None)))
}

/// Applies a statement to `schema` when the model understands it (offline tracking); returns
/// whether it did. A statement outside the model that creates a table records its name in
/// [`Schema::other_tables`] when the name can be read.
pub fn apply_sql(schema: &mut Schema, sql: &str) -> bool {
    apply_parsed(schema, &parse_statement(sql))
}

/// [`apply_sql`] of a statement already parsed, for a caller that reads its operations too.
pub fn apply_parsed(schema: &mut Schema, parsed: &Parsed) -> bool {
    match parsed {
        // One operation that fails before it changes anything applies in place: no copy of
        // the whole schema for each CREATE or DROP of a long history.
        Parsed::Ops { ops, .. } if ops.len() == 1 && atomic(&ops[0]) => {
            apply(schema, &ops[0]).is_ok()
        }
        Parsed::Ops { ops, .. } => {
            let mut next = schema.clone();
            for op in ops {
                if apply(&mut next, op).is_err() {
                    return false;
                }
            }
            *schema = next;
            true
        }
        Parsed::Verbatim { .. } => false,
    }
}

/// Whether [`apply`] checks everything before it changes anything for `op`, so that a failure
/// leaves the schema as it was (an `ADD COLUMN` with constraints, by contrast, adds the column
/// before it checks them).
fn atomic(op: &Op) -> bool {
    matches!(
        op,
        Op::CreateTable { .. }
            | Op::DropTable { .. }
            | Op::RenameTable { .. }
            | Op::CreateIndex { .. }
            | Op::DropIndex { .. }
            | Op::CreateTrigger(_)
            | Op::DropTrigger { .. }
    )
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    const DIALECTS: [Dialect; 2] = [Dialect::Sqlite, Dialect::Postgresql];

    /// The fast path's promise: what it accepts, the parser would run as written on both
    /// engines (a schema is never needed for it).
    fn assert_agrees(sql: &str) {
        for d in DIALECTS {
            if runs_as_written(sql) || runs_as_written_on(sql, d) {
                let parsed = translate_parsed(sql, d, &mut || Err("no schema".into()));
                assert_eq!(parsed, Ok(vec![Emit::Sql(sql.into())]), "{d}: {sql}");
            }
        }
    }

    /// Statements of each kind the parser treats apart: one engine's spellings and clauses,
    /// rebuilds, statements outside the model, comments, quoted names, strings.
    const CORPUS: &[&str] = &[
        "CREATE TABLE a (id INTEGER PRIMARY KEY, name VARCHAR(64) NOT NULL, at VARCHAR(32))",
        "create index ix_a_name on a (name)",
        "CREATE UNIQUE INDEX IF NOT EXISTS ix_b ON a (lower(name)) WHERE id > 0",
        "CREATE INDEX CONCURRENTLY ix_c ON a (name)",
        "CREATE INDEX ix_d ON a USING gin (name)",
        "CREATE INDEX ix_e ON a (name) INCLUDE (id)",
        "create index concurrently ix_f on a (name)",
        "CREATE TABLE b (id INTEGER PRIMARY KEY AUTOINCREMENT)",
        "CREATE TABLE b (id BIGINT PRIMARY KEY, n TEXT)",
        "CREATE TABLE b (n TEXT, id integer primary key)",
        "CREATE TABLE b (id INTEGER PRIMARY KEY REFERENCES a (id))",
        "CREATE TABLE b (id INTEGER PRIMARY KEY DEFAULT 1)",
        "CREATE TABLE b (id INTEGER NOT NULL, PRIMARY KEY (id))",
        "CREATE TABLE b (\"id\" INTEGER PRIMARY KEY, \"n\" TEXT DEFAULT 'INTEGER PRIMARY KEY')",
        "CREATE TABLE b (id integer primary key autoincrement)",
        "CREATE TABLE b (id SERIAL PRIMARY KEY)",
        "CREATE TABLE b (id bigserial PRIMARY KEY)",
        "CREATE TABLE b (id SmallSerial PRIMARY KEY)",
        "CREATE TABLE b (id SERIAL8 PRIMARY KEY)",
        "CREATE TABLE b (id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY)",
        "CREATE TABLE b (id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY)",
        "CREATE TABLE b (body BYTEA, meta JSONB, at TIMESTAMPTZ, raw BLOB)",
        "CREATE TABLE b (raw blob)",
        "CREATE TABLE b (body bytea)",
        "CREATE TABLE b (meta Jsonb)",
        "CREATE TABLE b (at timestamptz)",
        "CREATE TABLE b (at TIMESTAMP WITHOUT TIME ZONE)",
        "CREATE TABLE b (at TIMESTAMP WITH TIME ZONE, j JSON, u UUID)",
        "CREATE TABLE b (id INTEGER PRIMARY KEY) WITHOUT ROWID",
        "CREATE TABLE b (id INTEGER PRIMARY KEY) STRICT",
        "CREATE TABLE b (id INTEGER PRIMARY KEY), strict",
        "CREATE TABLE b (id MONEY)",
        "CREATE TABLE s.b (id INTEGER)",
        "CREATE TABLE b AS SELECT 1",
        "CREATE TABLE \"Mixed\" (\"Id\" INT NOT NULL, note TEXT DEFAULT 'it''s BLOB')",
        "CREATE TABLE b (id INTEGER) -- strict, for now",
        "-- a comment\nCREATE TABLE b (id INTEGER)",
        "/* a comment */ CREATE TABLE b (id INTEGER PRIMARY KEY AUTOINCREMENT)",
        "CREATE TABLE b (id INTEGER REFERENCES a (id) ON DELETE CASCADE, CHECK (id > 0))",
        "CREATE VIEW v AS SELECT * FROM a",
        "CREATE TRIGGER t AFTER UPDATE ON a BEGIN SELECT 1; END",
        "DROP TRIGGER IF EXISTS t",
        "DROP TABLE a",
        "drop index if exists ix_a_name",
        "DROP TABLE a CASCADE",
        "ALTER TABLE a ADD COLUMN c INTEGER",
        "ALTER TABLE a DROP COLUMN name",
        "ALTER TABLE a ALTER COLUMN name TYPE TEXT USING name::text",
        "ALTER TABLE a ADD COLUMN c BLOB",
        "INSERT INTO a (id, name) VALUES (1, 'SERIAL BLOB')",
        "UPDATE a SET name = 'x'",
        "(SELECT 1)",
        "",
    ];

    #[test]
    fn runs_as_written_agrees_with_the_parser() {
        let fixture =
            crate::sql::split_statements(include_str!("../../tests/fixtures/schema/roundtrip.sql"))
                .unwrap();
        assert!(fixture.len() > 25);
        for sql in CORPUS.iter().copied().chain(fixture.iter().map(|s| s.sql)) {
            assert_agrees(sql);
        }
    }

    #[test]
    fn runs_as_written_takes_the_usual_statements_and_leaves_the_rest() {
        for sql in [
            "CREATE TABLE a (id INTEGER, name VARCHAR(64) NOT NULL)",
            "create index ix_a_name on a (name)",
            "CREATE TABLE b (at TIMESTAMP WITH TIME ZONE, j JSON, u UUID)",
            "DROP TABLE a",
            "INSERT INTO a (id, name) VALUES (1, 'SERIAL BLOB')",
        ] {
            assert!(runs_as_written(sql), "{sql}");
        }
        for sql in [
            "CREATE TABLE a (id INTEGER PRIMARY KEY, name VARCHAR(64) NOT NULL)",
            "CREATE INDEX CONCURRENTLY ix_c ON a (name)",
            "CREATE TABLE b (raw blob)",
            "CREATE TABLE b (id INTEGER) -- strict, for now",
            "CREATE TABLE b (note TEXT DEFAULT 'using')",
            "CREATE TABLE b_serial_numbers (id INTEGER)",
            "ALTER TABLE a ADD COLUMN c INTEGER",
            "/* a comment */ CREATE TABLE b (id INTEGER)",
        ] {
            assert!(!runs_as_written(sql), "{sql}");
        }
        // Every statement that one engine spells or refuses differently is left to the parser.
        for sql in CORPUS {
            let changed = DIALECTS.iter().any(|&d| {
                translate_parsed(sql, d, &mut || Ok(Schema::default()))
                    != Ok(vec![Emit::Sql(sql.to_string())])
            });
            if changed {
                assert!(!runs_as_written(sql), "{sql}");
            }
        }
    }

    #[test]
    fn on_sqlite_a_key_spelled_integer_runs_as_written_without_the_parser() {
        let bench = "CREATE TABLE t00001 (\n    id INTEGER PRIMARY KEY,\n    name VARCHAR(64) NOT NULL,\n    created_at VARCHAR(32)\n)";
        for sql in [
            bench,
            "create table t (\"Id\" integer primary key, n TEXT)",
            "CREATE TABLE t (n TEXT,id Integer\tPrimary KEY)",
        ] {
            assert!(runs_as_written_on(sql, Dialect::Sqlite), "{sql}");
            assert!(!runs_as_written_on(sql, Dialect::Postgresql), "{sql}");
            assert_agrees(sql);
        }
        for sql in [
            "CREATE TABLE t (id BIGINT PRIMARY KEY)",
            "CREATE TABLE t (id UNSIGNED INTEGER PRIMARY KEY)",
            "CREATE TABLE t (id INTEGER NOT NULL PRIMARY KEY)",
            "CREATE TABLE t (id INTEGER, PRIMARY KEY (id))",
            "CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT)",
            "CREATE TABLE t (id INTEGER PRIMARY KEY) STRICT",
            "CREATE TABLE t (id /* key */ INTEGER PRIMARY KEY)",
            "CREATE TABLE t (a INTEGER PRIMARY KEY, b INTEGER PRIMARY KEY)",
            "ALTER TABLE t ADD COLUMN id INTEGER PRIMARY KEY",
        ] {
            assert!(!runs_as_written_on(sql, Dialect::Sqlite), "{sql}");
            assert_agrees(sql);
        }
    }

    /// A word of a generated statement, in upper, lower or mixed case.
    fn cased(word: &'static str) -> impl Strategy<Value = String> {
        prop_oneof![
            Just(word.to_string()),
            Just(word.to_ascii_lowercase()),
            Just(
                word.char_indices()
                    .map(|(i, c)| if i % 2 == 0 {
                        c.to_ascii_lowercase()
                    } else {
                        c
                    })
                    .collect()
            ),
        ]
    }

    fn column() -> impl Strategy<Value = String> {
        let ty = prop::sample::select(vec![
            "INTEGER",
            "INT",
            "INT4",
            "INT8",
            "INT2",
            "BIGINT",
            "SMALLINT",
            "BOOL",
            "BOOLEAN",
            "REAL",
            "FLOAT4",
            "FLOAT8",
            "FLOAT",
            "DOUBLE",
            "DOUBLE PRECISION",
            "NUMERIC",
            "NUMERIC(10,2)",
            "DECIMAL(5)",
            "VARCHAR",
            "VARCHAR(20)",
            "CHARACTER VARYING(9)",
            "TEXT",
            "DATE",
            "TIME",
            "TIMETZ",
            "TIMESTAMP",
            "TIMESTAMP WITHOUT TIME ZONE",
            "TIMESTAMP WITH TIME ZONE",
            "TIMESTAMPTZ",
            "BLOB",
            "BYTEA",
            "JSON",
            "JSONB",
            "UUID",
            "SERIAL",
            "SERIAL4",
            "SERIAL8",
            "SERIAL2",
            "BIGSERIAL",
            "SMALLSERIAL",
            "MONEY",
            "TINYINT",
            "CHAR(3)",
            "\"serial\"",
        ]);
        let option = prop::sample::select(vec![
            "",
            "NOT NULL",
            "NULL",
            "PRIMARY KEY",
            "PRIMARY KEY AUTOINCREMENT",
            "UNIQUE",
            "DEFAULT 0",
            "DEFAULT 'x'",
            "DEFAULT CURRENT_TIMESTAMP",
            "REFERENCES a (id)",
            "CHECK (c > 0)",
            "GENERATED BY DEFAULT AS IDENTITY",
            "GENERATED ALWAYS AS IDENTITY",
            "GENERATED ALWAYS AS (1) STORED",
            "COLLATE nocase",
            "CONSTRAINT k PRIMARY KEY",
        ]);
        (
            ty.prop_flat_map(cased),
            prop::collection::vec(option.prop_flat_map(cased), 0..3),
        )
            .prop_map(|(ty, opts)| format!("c {ty} {}", opts.join(" ")))
    }

    fn statement() -> impl Strategy<Value = String> {
        let table_option = prop::sample::select(vec!["", " WITHOUT ROWID", " STRICT", ", STRICT"]);
        let index = prop::sample::select(vec![
            "CREATE INDEX ix ON a (c)",
            "CREATE UNIQUE INDEX IF NOT EXISTS ix ON a (c DESC) WHERE c > 0",
            "CREATE INDEX CONCURRENTLY ix ON a (c)",
            "CREATE INDEX ix ON a USING btree (c)",
            "CREATE INDEX ix ON a (c) INCLUDE (d)",
            "CREATE INDEX ix ON a (c) WITH (fillfactor = 70)",
            "DROP INDEX ix",
            "DROP TABLE IF EXISTS a",
        ]);
        prop_oneof![
            (
                prop::collection::vec(column(), 1..4),
                table_option.prop_flat_map(cased)
            )
                .prop_map(|(cols, opt)| format!(
                    "CREATE TABLE a (\n    {}\n){opt}",
                    cols.join(",\n    ")
                )),
            index.prop_flat_map(cased),
        ]
    }

    proptest! {
        #[test]
        fn runs_as_written_agrees_with_the_parser_on_generated_statements(sql in statement()) {
            assert_agrees(&sql);
        }
    }

    fn tables(schema: &Schema) -> Vec<(String, usize)> {
        schema
            .tables
            .iter()
            .map(|t| (t.name.clone(), t.indexes.len()))
            .collect()
    }

    #[test]
    fn apply_sql_leaves_the_schema_unchanged_when_a_statement_fails() {
        let mut schema = Schema::default();
        assert!(apply_sql(
            &mut schema,
            "CREATE TABLE a (id INTEGER PRIMARY KEY)"
        ));
        assert!(apply_sql(&mut schema, "CREATE INDEX ix_a ON a (id)"));
        let before = tables(&schema);
        for sql in [
            "CREATE TABLE a (x INTEGER)",
            "CREATE INDEX ix_a ON a (id)",
            "CREATE INDEX ix_b ON b (id)",
            "DROP TABLE b",
            "DROP INDEX ix_b",
            "ALTER TABLE b RENAME TO c",
            "ALTER TABLE a RENAME TO a",
            "INSERT INTO a (id) VALUES (1)",
        ] {
            assert!(!apply_sql(&mut schema, sql), "{sql}");
            assert_eq!(tables(&schema), before, "{sql}");
        }
        assert!(apply_sql(&mut schema, "-- a comment\ndrop index ix_a"));
        assert!(apply_sql(&mut schema, "DROP TABLE a"));
        assert!(schema.tables.is_empty());
    }

    #[test]
    fn only_alter_may_rebuild() {
        assert!(may_rebuild("ALTER TABLE a DROP COLUMN x", Dialect::Sqlite));
        assert!(may_rebuild(
            "-- why\n  alter table a drop column x",
            Dialect::Sqlite
        ));
        assert!(!may_rebuild(
            "ALTER TABLE a DROP COLUMN x",
            Dialect::Postgresql
        ));
        assert!(!may_rebuild("CREATE TABLE a (id INTEGER)", Dialect::Sqlite));
        assert!(!may_rebuild("INSERT INTO a VALUES (1)", Dialect::Sqlite));
    }
}
