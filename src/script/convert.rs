//! `alembic convert`'s product: the `.sql` revision equivalent to a `.py` one. Pure: a parsed
//! script and its source in, the new file's text and the list of what needs hand work out.
//!
//! The header keeps the revision's identity (id, `down_revision`, `branch_labels`,
//! `depends_on`, the docstring's first paragraph as the message, its `Create Date`), so the
//! graph is unchanged and databases at any of its revisions need no stamp.
//!
//! Each body is the SQL the `.py` file runs, statement for statement, as [`crate::python`]
//! lowers it:
//!
//! - when both engines run the same statements and none of them is one the portable
//!   translator would change ([`runs_as_written_on`] both), one plain section (`-- +upgrade`);
//! - otherwise one section per engine. Where the `.py` revision's SQLite statements go
//!   through the translator (batch mode: an `ALTER` SQLite can't do in place becomes a table
//!   rebuild), they are the plain section, which SQLite runs through the translator too,
//!   and PostgreSQL's are `-- +upgrade postgresql`; else `-- +upgrade sqlite` and
//!   `-- +upgrade postgresql`, each run as written.
//!
//! A body outside the reader's subset is written as its Python source in comments under the
//! section's marker, after a comment saying what stopped it, and followed by
//! `SELECT alembic_convert_unfinished();`, a statement no engine can run: until someone
//! writes the SQL and deletes that line, running the revision fails at that line instead of
//! recording it as applied with nothing done. A call that only one engine can't run (as
//! Python Alembic can't either) gets that treatment in that engine's section alone.

use std::fmt;

use super::Script;
use crate::python::{
    lower_each, parse_module, BodyResult, LoweredStatement, Module, Refusal, StmtKind,
};
use crate::revision::Direction;
use crate::schema::runs_as_written_on;
use crate::sql::parse_marker;
use crate::Dialect;

/// The statement left where SQL must be written by hand (see the module comment).
pub const UNFINISHED: &str = "SELECT alembic_convert_unfinished();";

/// A converted revision.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Conversion {
    /// The `.sql` file's text.
    pub text: String,
    /// What could not be converted, in the file's order; empty when the file is complete.
    pub hand_work: Vec<HandWork>,
}

/// A body (or one engine's part of it) left for hand work.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HandWork {
    pub direction: Direction,
    /// The engine whose section it is; `None` for the whole body.
    pub dialect: Option<Dialect>,
    /// The line of the `.py` file at fault.
    pub line: usize,
    /// The construct, as in "… is not supported".
    pub what: String,
}

impl fmt::Display for HandWork {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}()", function_name(self.direction))?;
        if let Some(dialect) = self.dialect {
            write!(f, " on {}", engine_name(dialect))?;
        }
        write!(f, ", line {}: {} is not supported", self.line, self.what)
    }
}

fn function_name(direction: Direction) -> &'static str {
    match direction {
        Direction::Upgrade => "upgrade",
        Direction::Downgrade => "downgrade",
    }
}

fn engine_name(dialect: Dialect) -> &'static str {
    match dialect {
        Dialect::Sqlite => "SQLite",
        Dialect::Postgresql => "PostgreSQL",
    }
}

/// The `.sql` revision for `script`, a `.py` revision whose text is `source`; `from_name`
/// is the `.py` file's name, for the comment that says where the file came from.
pub fn convert_python(script: &Script, source: &str, from_name: &str) -> Conversion {
    let mut text = header(script);
    text.push_str(&format!(
        "-- Converted from {from_name} by alembic convert.\n"
    ));
    let mut hand_work = Vec::new();
    match parse_module(from_name, source) {
        Ok(module) => {
            let (upgrade, downgrade) = lower_each(&module);
            let upgrade = upgrade.or_else(|| {
                Some(Err(Refusal {
                    line: 1,
                    what: "a Python revision without an upgrade() function".to_string(),
                }))
            });
            for (direction, body) in [
                (Direction::Upgrade, upgrade),
                (Direction::Downgrade, downgrade),
            ] {
                let Some(body) = body else { continue };
                let python = function_source(&module, source, function_name(direction));
                text.push('\n');
                text.push_str(&body_sections(direction, body, &python, &mut hand_work));
            }
        }
        Err(e) => {
            for direction in [Direction::Upgrade, Direction::Downgrade] {
                let work = HandWork {
                    direction,
                    dialect: None,
                    line: e.line,
                    what: e.message.clone(),
                };
                text.push('\n');
                text.push_str(&marker(direction, None));
                text.push_str(&unfinished(&work, source));
                hand_work.push(work);
            }
        }
    }
    Conversion { text, hand_work }
}

/// The header lines, in the layout of the default template.
fn header(script: &Script) -> String {
    let line = |key: &str, value: &str| {
        if value.is_empty() {
            format!("-- {key}:\n")
        } else {
            format!("-- {key}: {value}\n")
        }
    };
    let one_line = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    [
        line("revision", &script.revision),
        line("down_revision", &script.down_revisions.join(", ")),
        line("branch_labels", &script.branch_labels.join(", ")),
        line("depends_on", &script.depends_on.join(", ")),
        line("message", &one_line(&script.doc())),
        line(
            "create_date",
            &one_line(script.create_date.as_deref().unwrap_or("")),
        ),
    ]
    .concat()
}

/// The sections of one direction: lowered statements as SQL, or the Python left for hand
/// work (recorded in `hand_work`).
fn body_sections(
    direction: Direction,
    body: BodyResult,
    python: &str,
    hand_work: &mut Vec<HandWork>,
) -> String {
    let statements = match body.and_then(no_marker_lines) {
        Ok(statements) => statements,
        Err(refusal) => {
            let work = HandWork {
                direction,
                dialect: None,
                line: refusal.line,
                what: refusal.what,
            };
            let text = format!("{}{}", marker(direction, None), unfinished(&work, python));
            hand_work.push(work);
            return text;
        }
    };
    let of = |dialect: Dialect| -> Vec<&str> {
        statements
            .iter()
            .map(|s| s.sql(dialect))
            .filter(|sql| !sql.is_empty())
            .collect()
    };
    let (sqlite, postgresql) = (of(Dialect::Sqlite), of(Dialect::Postgresql));
    let refused = |dialect: Dialect| refused_on(&statements, dialect, direction);
    let sqlite_portable = statements.iter().any(|s| s.sqlite_portable);
    if sqlite == postgresql
        && !sqlite_portable
        && refused(Dialect::Sqlite).is_none()
        && refused(Dialect::Postgresql).is_none()
        && sqlite.iter().all(|sql| {
            runs_as_written_on(sql, Dialect::Sqlite) && runs_as_written_on(sql, Dialect::Postgresql)
        })
    {
        return format!("{}{}", marker(direction, None), statements_text(&sqlite));
    }
    let mut text = String::new();
    for (dialect, sql) in [(Dialect::Sqlite, sqlite), (Dialect::Postgresql, postgresql)] {
        if !text.is_empty() {
            text.push('\n');
        }
        match refused(dialect) {
            Some(work) => {
                text.push_str(&marker(direction, Some(dialect)));
                text.push_str(&unfinished(&work, python));
                hand_work.push(work);
            }
            None if dialect == Dialect::Sqlite && sqlite_portable => {
                text.push_str(&marker(direction, None));
                text.push_str(
                    "-- SQLite's statements (PostgreSQL has its own section): a plain section, so\n\
                     -- that an ALTER SQLite can't do in place is rebuilt, as Alembic's batch mode does.\n",
                );
                text.push_str(&statements_text(&sql));
            }
            None => {
                text.push_str(&marker(direction, Some(dialect)));
                text.push_str(&statements_text(&sql));
            }
        }
    }
    text
}

/// The statements, unless one has a line that reads as a section marker (which can't be
/// written in a `.sql` file as it is).
fn no_marker_lines(statements: Vec<LoweredStatement>) -> BodyResult {
    let marked = statements.iter().find(|s| {
        [Dialect::Sqlite, Dialect::Postgresql]
            .iter()
            .any(|d| s.sql(*d).lines().any(|l| parse_marker(l).is_some()))
    });
    match marked {
        Some(s) => Err(Refusal {
            line: s.line,
            what: "SQL with a line that reads as a section marker ('-- +word')".to_string(),
        }),
        None => Ok(statements),
    }
}

/// The first statement refused on `dialect`, as hand work.
fn refused_on(
    statements: &[LoweredStatement],
    dialect: Dialect,
    direction: Direction,
) -> Option<HandWork> {
    statements.iter().find_map(|s| match &s.refused_on {
        Some((d, what)) if *d == dialect => Some(HandWork {
            direction,
            dialect: Some(dialect),
            line: s.line,
            what: what.clone(),
        }),
        _ => None,
    })
}

fn marker(direction: Direction, dialect: Option<Dialect>) -> String {
    let dialect = match dialect {
        None => "",
        Some(Dialect::Sqlite) => " sqlite",
        Some(Dialect::Postgresql) => " postgresql",
    };
    format!("-- +{}{dialect}\n", function_name(direction))
}

/// Statements, each ended by one `;`.
fn statements_text(statements: &[&str]) -> String {
    statements
        .iter()
        .map(|sql| {
            let sql = sql.trim_end();
            format!("{};\n", sql.strip_suffix(';').unwrap_or(sql))
        })
        .collect()
}

/// A section left for hand work: what stopped the conversion, the Python as comments, and
/// the statement that fails until the SQL is written.
fn unfinished(work: &HandWork, python: &str) -> String {
    let mut text = format!(
        "-- alembic convert could not translate this body (.py line {}: {} is not supported).\n\
         -- Write its SQL here from the Python below, then delete the SELECT line.\n",
        work.line, work.what
    );
    for line in python.lines() {
        // A comment line must not read as a section marker (`-- +word`).
        text.push_str(&match line {
            "" => "--\n".to_string(),
            _ if line.trim_start().starts_with('+') => {
                format!("-- {}\n", line.replacen('+', "\\+", 1))
            }
            _ => format!("-- {line}\n"),
        });
    }
    text.push_str(UNFINISHED);
    text.push('\n');
    text
}

/// The source lines of the module-level function `name`: from its `def` line to the last
/// non-blank line before the next module-level statement.
fn function_source(module: &Module, source: &str, name: &str) -> String {
    let mut lines = module.body.iter().map(|s| s.line);
    let Some(start) = module
        .body
        .iter()
        .find(|s| matches!(&s.kind, StmtKind::FunctionDef { name: n, .. } if n == name))
        .map(|s| s.line)
    else {
        return String::new();
    };
    let end = lines.find(|&l| l > start).unwrap_or(usize::MAX);
    let taken: Vec<&str> = source
        .lines()
        .enumerate()
        .filter(|(i, _)| (start..end).contains(&(i + 1)))
        .map(|(_, l)| l.trim_end())
        .collect();
    // Blank lines and unindented comments after the body are the module's, not its.
    let keep = taken
        .iter()
        .rposition(|l| !l.is_empty() && !l.starts_with('#'))
        .map_or(0, |i| i + 1);
    taken[..keep].join("\n")
}

#[cfg(test)]
mod tests;
