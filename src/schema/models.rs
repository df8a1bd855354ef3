//! `models.sql`: the declared schema that `revision --autogenerate` and `check` compare with
//! the database.
//!
//! The file holds portable `CREATE TABLE` and `CREATE INDEX` statements (any statement the
//! schema layer reads into the model is accepted, applied in order). Like a revision script it
//! may have sections: `-- +models` opens the plain one (text before any marker belongs to it
//! too), `-- +models sqlite` and `-- +models postgresql` open one per engine; where a section
//! exists for the connected engine it is used instead of the plain one. Markers are read as
//! in revision scripts ([`crate::sql::parse_marker`]: any case, `postgres` for `postgresql`);
//! any other `-- +word` line is an error. A statement outside
//! the model (a virtual table, a generated column, `USING gin`, a trigger, a view) is an
//! error: such engine-specific objects live in dialect sections of revision scripts, and the
//! comparison leaves them alone (see [`crate::schema::diff`]).

use crate::schema::model::{Op, Schema};
use crate::schema::parse::{parse_statement, Parsed};
use crate::schema::state::apply;
use crate::sql::{parse_marker, split_with, Comments};
use crate::Dialect;

/// What is wrong with a `models.sql`, with the 1-based line it is on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct ModelsError {
    pub line: usize,
    pub message: String,
}

/// One section of the file.
struct Section {
    dialect: Option<Dialect>,
    sql: String,
    /// 1-based line of the first line of `sql`.
    first_line: usize,
}

/// The schema `text` declares for `dialect`.
pub fn read_models(text: &str, dialect: Dialect) -> Result<Schema, ModelsError> {
    let sections = sections(text)?;
    let chosen: Vec<&Section> = if sections.iter().any(|s| s.dialect == Some(dialect)) {
        sections
            .iter()
            .filter(|s| s.dialect == Some(dialect))
            .collect()
    } else {
        sections.iter().filter(|s| s.dialect.is_none()).collect()
    };
    let mut schema = Schema::default();
    for section in chosen {
        let statements =
            split_with(&section.sql, Comments::of(dialect)).map_err(|e| ModelsError {
                line: section.first_line + e.line_offset,
                message: e.to_string(),
            })?;
        for stmt in statements {
            let line = section.first_line + stmt.line_offset;
            let fail = |message: String| ModelsError { line, message };
            let ops = match parse_statement(stmt.sql) {
                Parsed::Ops { ops, .. } => ops,
                Parsed::Verbatim { .. } => {
                    return Err(fail(format!(
                        "'{}' is outside the portable schema model; models.sql holds CREATE \
                         TABLE and CREATE INDEX statements the schema layer reads (create \
                         engine-specific objects in a dialect section of a revision script)",
                        head(stmt.sql)
                    )))
                }
            };
            for op in &ops {
                if matches!(op, Op::CreateTrigger(_) | Op::DropTrigger { .. }) {
                    return Err(fail(
                        "triggers are not compared with the database; create them in a \
                         revision script"
                            .into(),
                    ));
                }
                apply(&mut schema, op).map_err(|e| fail(e.0))?;
            }
        }
    }
    Ok(schema.on(dialect))
}

/// The first line of a statement, shortened, for a message.
fn head(sql: &str) -> String {
    let first = sql.lines().next().unwrap_or("").trim();
    match first.char_indices().nth(60) {
        Some((at, _)) => format!("{}…", &first[..at]),
        None => first.to_string(),
    }
}

fn sections(text: &str) -> Result<Vec<Section>, ModelsError> {
    let mut out = vec![Section {
        dialect: None,
        sql: String::new(),
        first_line: 1,
    }];
    for (i, line) in crate::sql::lines(text).enumerate() {
        let Some(marker) = parse_marker(line) else {
            let current = out.last_mut().expect("one section at least");
            current.sql.push_str(line);
            current.sql.push('\n');
            continue;
        };
        let fail = |message: String| ModelsError {
            line: i + 1,
            message,
        };
        if !marker.is("models") {
            return Err(fail(format!(
                "unknown section marker '-- +{}' (use '-- +models', '-- +models sqlite' or \
                 '-- +models postgresql')",
                marker.word
            )));
        }
        let dialect = marker.options(false).map_err(fail)?.dialect;
        out.push(Section {
            dialect,
            sql: String::new(),
            first_line: i + 2,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_engine_section_replaces_the_plain_one() {
        let text = "CREATE TABLE a (id INTEGER PRIMARY KEY);\n\
                    -- +models postgresql\nCREATE TABLE b (id BIGINT PRIMARY KEY);\n";
        let lite = read_models(text, Dialect::Sqlite).unwrap();
        assert_eq!(lite.tables.len(), 1);
        assert_eq!(lite.tables[0].name, "a");
        let pg = read_models(text, Dialect::Postgresql).unwrap();
        assert_eq!(pg.tables.len(), 1);
        assert_eq!(pg.tables[0].name, "b");
    }

    #[test]
    fn markers_follow_the_revision_scripts_rule() {
        let text = "CREATE TABLE a (id INTEGER PRIMARY KEY);\n\
                    --+Models  POSTGRES\nCREATE TABLE b (id BIGINT PRIMARY KEY);\n";
        let pg = read_models(text, Dialect::Postgresql).unwrap();
        assert_eq!(pg.tables.len(), 1);
        assert_eq!(pg.tables[0].name, "b");
        let err = read_models("-- +models no-transaction\n", Dialect::Sqlite).unwrap_err();
        assert!(
            err.message.starts_with("unknown word 'no-transaction'"),
            "{err}"
        );
    }

    #[test]
    fn statements_outside_the_model_are_refused_with_their_line() {
        let text = "CREATE TABLE a (id INTEGER PRIMARY KEY);\n\n\
                    CREATE VIRTUAL TABLE f USING fts5(x);\n";
        let err = read_models(text, Dialect::Sqlite).unwrap_err();
        assert_eq!(err.line, 3);
        assert!(err
            .message
            .starts_with("'CREATE VIRTUAL TABLE f USING fts5(x)' is outside"));
        let err = read_models("-- +models mysql\n", Dialect::Sqlite).unwrap_err();
        assert_eq!(err.line, 1);
        let err = read_models("\n-- +upgrade\n", Dialect::Sqlite).unwrap_err();
        assert_eq!(
            err.to_string(),
            "line 2: unknown section marker '-- +upgrade' (use '-- +models', '-- +models sqlite' \
             or '-- +models postgresql')"
        );
        let err = read_models("CREATE INDEX ix ON nowhere (a);", Dialect::Postgresql).unwrap_err();
        assert_eq!(err.to_string(), "line 1: no table 'nowhere'");
    }
}
