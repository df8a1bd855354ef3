//! Alembic's own `.py` revision files as [`Script`]s: the header read statically by
//! [`crate::python`], the bodies lowered by [`lower_bodies`] into one section per direction
//! and engine holding the SQL SQLAlchemy would emit there.
//!
//! A `.py` revision takes part in every command that reads the graph (`heads`, `history`,
//! `show`, `current`, `branches`, `stamp`, …) whatever its `upgrade()` and `downgrade()`
//! hold. Loading reads the header only, with [`quick_header`]'s tokenizer where it is sure of
//! the file and with the parser otherwise (so a body's syntax error shows when the body is
//! lowered, not when the header is read); the bodies are lowered the first time a command asks for a section or the refusal, once per
//! script ([`PythonBodies`]), so that the read-only commands never pay for them. A body
//! outside the reader's subset is kept as a refusal: running it fails before a run starts,
//! naming the construct and its line. Each lowered statement sits in its section's text at
//! the line of the call it comes from, so an error from the database names the Python line.
//!
//! As Alembic does, a file with no `revision` assignment takes its id from a legacy file name
//! of hex digits (`1975ea83b712.py`), and is otherwise an error; `down_revision` is required.

use std::fmt;
use std::path::Path;
use std::sync::{Arc, OnceLock};

use super::header::reserved_label;
use super::{Script, ScriptError, ScriptOrigin, Section, TransactionMode};
use crate::lint::Origin;
use crate::python::{
    lower_bodies, parse_module, parse_module_header, quick_header, LoweredStatement, PythonError,
    RevisionHeader,
};
use crate::revision::{is_valid_revision_id, Direction, RevisionId};
use crate::Dialect;

/// Parses a `.py` revision file's text; `path` is used in errors and kept in the value.
pub fn parse_python_script(path: &Path, text: &str) -> Result<Script, ScriptError> {
    let label = path.display().to_string();
    let error = |line: usize, message: String| {
        ScriptError::Python(PythonError {
            path: label.clone(),
            line,
            message,
        })
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let header = match quick_header(text) {
        Some(header) => header,
        None => {
            let module = parse_module_header(&label, text).map_err(ScriptError::Python)?;
            RevisionHeader::read(&label, &module).map_err(ScriptError::Python)?
        }
    };
    let revision = match &header.revision {
        Some(assigned) => match &assigned.value {
            Some(id) => checked_id("revision", id, assigned.line).map_err(|(l, m)| error(l, m))?,
            None => return Err(error(assigned.line, "'revision' is None".to_string())),
        },
        None => legacy_id(path).ok_or_else(|| error(1, no_revision_message(path)))?,
    };
    let Some(down) = &header.down_revision else {
        return Err(error(
            1,
            "no 'down_revision' assignment (write 'down_revision = None' for a first revision)"
                .to_string(),
        ));
    };
    for id in &down.value {
        checked_id("down_revision", id, down.line).map_err(|(l, m)| error(l, m))?;
    }
    if let Some(message) = reserved_label(&header.branch_labels) {
        return Err(error(header.branch_labels_line.unwrap_or(1), message));
    }
    Ok(Script {
        path: path.to_path_buf(),
        revision,
        down_revisions: down.value.clone(),
        branch_labels: header.branch_labels,
        depends_on: header.depends_on,
        message: header.message,
        create_date: header.create_date,
        sections: Vec::new(),
        checksum: None,
        origin: ScriptOrigin::Python {
            bodies: PythonBodies {
                source: Arc::from(text),
                lowered: Arc::new(OnceLock::new()),
            },
        },
    })
}

/// Why a `.py` revision's bodies can't run: the engine (`None` for every engine), the line
/// and the construct.
pub type Refused = (Option<Dialect>, usize, String);

/// A `.py` revision's source, lowered into sections on first use and kept (clones of a
/// script share the result). Two values are equal when their sources are.
#[derive(Clone)]
pub struct PythonBodies {
    source: Arc<str>,
    lowered: Arc<OnceLock<Lowered>>,
}

/// The sections of both directions, and the refusal if any.
pub struct Lowered {
    pub sections: Vec<Section>,
    pub refusal: Option<Refused>,
}

impl PythonBodies {
    /// The file's text (a byte-order mark stripped).
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The lowered bodies; `path` names the file in a refusal the parse gives.
    pub fn lowered(&self, path: &Path) -> &Lowered {
        self.lowered
            .get_or_init(|| lower(&path.display().to_string(), &self.source))
    }
}

impl PartialEq for PythonBodies {
    fn eq(&self, other: &Self) -> bool {
        self.source == other.source
    }
}

impl Eq for PythonBodies {}

impl fmt::Debug for PythonBodies {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PythonBodies")
            .field("lowered", &self.lowered.get().is_some())
            .finish_non_exhaustive()
    }
}

/// Parses the whole module and lowers its bodies into sections, or records why they can't
/// run.
fn lower(label: &str, source: &str) -> Lowered {
    let mut lowered = Lowered {
        sections: Vec::new(),
        refusal: None,
    };
    let module = match parse_module(label, source) {
        Ok(module) => module,
        Err(e) => {
            lowered.refusal = Some((None, e.line, e.message));
            return lowered;
        }
    };
    lowered.refusal = match lower_bodies(&module) {
        Ok(bodies) => match bodies.upgrade {
            Some(upgrade) => {
                lowered.sections = sections(Direction::Upgrade, &upgrade);
                if let Some(downgrade) = &bodies.downgrade {
                    lowered
                        .sections
                        .extend(sections(Direction::Downgrade, downgrade));
                }
                upgrade
                    .iter()
                    .chain(bodies.downgrade.iter().flatten())
                    .find_map(|s| {
                        s.refused_on
                            .as_ref()
                            .map(|(d, what)| (Some(*d), s.line, what.clone()))
                    })
            }
            None => Some((
                None,
                1,
                "a Python revision without an upgrade() function".to_string(),
            )),
        },
        Err(refusal) => Some((None, refusal.line, refusal.what)),
    };
    lowered
}

/// One section per engine for a lowered body; SQLite's is portable when a statement needs
/// the translator (batch mode).
fn sections(direction: Direction, statements: &[LoweredStatement]) -> Vec<Section> {
    [Dialect::Sqlite, Dialect::Postgresql]
        .into_iter()
        .map(|dialect| {
            let (sql, origins) = section_text(statements, dialect);
            Section {
                direction,
                dialect: Some(dialect),
                transaction: TransactionMode::Transactional,
                sql,
                first_line: 1,
                portable: dialect == Dialect::Sqlite
                    && statements.iter().any(|s| s.sqlite_portable),
                origins,
            }
        })
        .collect()
}

/// The statements as section text, each starting on the line of the call it comes from, so
/// that the runner's line of a failing statement is the Python line, and where each starts
/// in it with its call's column. A generated statement that would run into the next one's
/// line is written on one line; statements of one call share it. SQL the revision wrote
/// (`op.execute`) is kept as written (its text, string literals included, is what Alembic
/// runs), and the statements after it shift down.
fn section_text(statements: &[LoweredStatement], dialect: Dialect) -> (String, Vec<Origin>) {
    let mut text = String::new();
    let mut origins = Vec::new();
    let mut line = 1;
    let statements: Vec<&LoweredStatement> = statements
        .iter()
        .filter(|s| !s.sql(dialect).is_empty())
        .collect();
    for (i, statement) in statements.iter().enumerate() {
        while line < statement.line {
            text.push('\n');
            line += 1;
        }
        let next = statements.get(i + 1).map(|n| n.line);
        let sql = statement.sql(dialect);
        let room = next.map(|n| n.saturating_sub(line));
        // SQL the revision wrote runs as written, even if the lines after it shift.
        let sql = match room {
            Some(room) if !statement.verbatim && sql.matches('\n').count() >= room => one_line(sql),
            _ => sql.to_string(),
        };
        let line_start = text.rfind('\n').map_or(0, |n| n + 1);
        origins.push(Origin {
            line,
            text_col: text[line_start..].chars().count() + 1,
            col: statement.col.max(1),
        });
        text.push_str(&sql);
        text.push(';');
        if next == Some(statement.line) {
            text.push(' ');
        } else {
            text.push('\n');
            line += 1 + sql.matches('\n').count();
        }
    }
    (text, origins)
}

/// A statement rendered over several lines (`CREATE TABLE t (\n    a, \n    b\n)`) on one.
fn one_line(sql: &str) -> String {
    sql.replace("(\n    ", "(")
        .replace(", \n    ", ", ")
        .replace("\n)", ")")
        .replace('\n', " ")
}

/// `id` if it is a revision id this tool accepts.
fn checked_id(key: &str, id: &str, line: usize) -> Result<String, (usize, String)> {
    if is_valid_revision_id(id) {
        return Ok(id.to_string());
    }
    Err((
        line,
        format!(
            "invalid revision id '{id}' in '{key}'; a revision id is {}",
            RevisionId::RULE
        ),
    ))
}

/// The id of a legacy file named by its revision alone: `[a-f0-9]+.py`.
fn legacy_id(path: &Path) -> Option<String> {
    let name = path.file_name()?.to_str()?;
    let stem = name.strip_suffix(".py")?;
    let hex = !stem.is_empty() && stem.bytes().all(|b| matches!(b, b'a'..=b'f' | b'0'..=b'9'));
    hex.then(|| stem.to_string())
}

/// Alembic's message for a module with no `revision`.
fn no_revision_message(path: &Path) -> String {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    format!(
        "Could not determine revision id from filename {name}. Be sure the 'revision' variable is declared inside the script (please see 'Upgrading from Alembic 0.1 to 0.2' in the documentation)."
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(name: &str, text: &str) -> Result<Script, String> {
        parse_python_script(Path::new(name), text).map_err(|e| e.to_string())
    }

    #[test]
    fn a_revision_with_an_annotated_header() {
        let script = match parse(
            "v/ae10_x.py",
            "\"\"\"add tags\n\nRevision ID: ae10\nRevises: 1a2b\nCreate Date: 2026-01-02 03:04:05\n\n\"\"\"\nfrom alembic import op\nrevision: str = 'ae10'\ndown_revision: Union[str, None] = '1a2b'\nbranch_labels = ('tags',)\ndepends_on = ['base_x']\n\ndef upgrade():\n    op.drop_table('x')\n",
        ) {
            Ok(s) => s,
            Err(e) => panic!("{e}"),
        };
        assert_eq!(script.revision, "ae10");
        assert_eq!(script.down_revisions, vec!["1a2b"]);
        assert_eq!(script.branch_labels, vec!["tags"]);
        assert_eq!(script.depends_on, vec!["base_x"]);
        assert_eq!(script.doc(), "add tags");
        assert_eq!(script.create_date.as_deref(), Some("2026-01-02 03:04:05"));
        assert_eq!(script.python_refusal(), None);
        let up = script.section(Direction::Upgrade, Dialect::Postgresql);
        assert_eq!(
            up.map(|s| (s.sql.as_str(), s.first_line)),
            Some(("\n\n\n\n\n\n\n\n\n\n\n\n\n\nDROP TABLE x;\n", 1))
        );
        // No downgrade() is irreversible, as a .sql file without a downgrade section.
        assert!(!script.has_downgrade());
    }

    #[test]
    fn a_body_outside_the_subset_is_kept_as_a_refusal() {
        let script = parse(
            "v/b.py",
            "from alembic import op\nrevision = 'b'\ndown_revision = None\n\ndef upgrade():\n    op.drop_table('x')\n    op.create_exclude_constraint('y', 'z')\n",
        );
        let Ok(script) = script else {
            panic!("{script:?}")
        };
        assert_eq!(
            script.python_refusal(),
            Some(&(None, 7, "op.create_exclude_constraint()".to_string()))
        );
        assert!(script
            .section(Direction::Upgrade, Dialect::Sqlite)
            .is_none());
        // A call one engine can't run is refused there only.
        let script = parse(
            "v/b.py",
            "from alembic import op\nrevision = 'b'\ndown_revision = None\n\ndef upgrade():\n    op.drop_table('x')\n    op.alter_column('y', 'z', nullable=True)\n",
        );
        let Ok(script) = script else {
            panic!("{script:?}")
        };
        assert_eq!(
            script.python_refusal(),
            Some(&(Some(Dialect::Sqlite), 7, "op.alter_column() outside op.batch_alter_table() on SQLite (SQLite's ALTER TABLE can't change a column; Alembic emits ALTER COLUMN, which SQLite rejects)".to_string()))
        );
        let pg = script.section(Direction::Upgrade, Dialect::Postgresql);
        assert_eq!(
            pg.map(|s| s.sql.as_str()),
            Some("\n\n\n\n\nDROP TABLE x;\nALTER TABLE y ALTER COLUMN z DROP NOT NULL;\n")
        );
        let none = parse("v/c.py", "revision = 'c'\ndown_revision = None\n");
        assert_eq!(
            none.map(|s| s.python_refusal().cloned()),
            Ok(Some((
                None,
                1,
                "a Python revision without an upgrade() function".to_string()
            )))
        );
    }

    #[test]
    fn statements_start_on_their_call_lines() {
        let at = |line: usize, sql: &str| LoweredStatement {
            line,
            col: 5,
            sqlite: sql.to_string(),
            postgresql: sql.to_string(),
            refused_on: None,
            sqlite_portable: false,
            verbatim: false,
        };
        let text = |statements: &[LoweredStatement]| section_text(statements, Dialect::Sqlite).0;
        let table = "CREATE TABLE t (\n    a INTEGER, \n    b INTEGER\n)";
        // Room for the four lines: kept as rendered.
        assert_eq!(
            text(&[at(2, table), at(6, "DROP TABLE u")]),
            format!("\n{table};\nDROP TABLE u;\n")
        );
        // No room: one line; a second statement of the same call shares it.
        let statements = [
            at(1, table),
            at(1, "CREATE INDEX i ON t (a)"),
            at(2, "DROP TABLE u"),
        ];
        assert_eq!(
            text(&statements),
            "CREATE TABLE t (a INTEGER, b INTEGER); CREATE INDEX i ON t (a);\nDROP TABLE u;\n"
        );
        // Each statement's place in the text, and its call's column.
        let origin = |line, text_col| Origin {
            line,
            text_col,
            col: 5,
        };
        assert_eq!(
            section_text(&statements, Dialect::Sqlite).1,
            [origin(1, 1), origin(1, 40), origin(2, 1)]
        );
        // SQL the revision wrote keeps its lines; the next statement comes after it.
        let written = LoweredStatement {
            verbatim: true,
            ..at(1, "INSERT INTO t VALUES ('a\nb')")
        };
        assert_eq!(
            text(&[written, at(2, "DROP TABLE u")]),
            "INSERT INTO t VALUES ('a\nb');\nDROP TABLE u;\n"
        );
    }

    #[test]
    fn ids_come_from_the_header_or_a_legacy_name() {
        let legacy = parse("v/1975ea83b712.py", "down_revision = None\n");
        assert_eq!(legacy.map(|s| s.revision), Ok("1975ea83b712".to_string()));
        assert_eq!(
            parse("v/add_x.py", "down_revision = None\n").err().as_deref(),
            Some("v/add_x.py:1: Could not determine revision id from filename add_x.py. Be sure the 'revision' variable is declared inside the script (please see 'Upgrading from Alembic 0.1 to 0.2' in the documentation).")
        );
        assert_eq!(
            parse("v/a.py", "revision = 'a'\n").err().as_deref(),
            Some("v/a.py:1: no 'down_revision' assignment (write 'down_revision = None' for a first revision)")
        );
        assert_eq!(
            parse("v/a.py", "revision = 'a'\ndown_revision = ('b', 'c-d')\n").err().as_deref(),
            Some("v/a.py:2: invalid revision id 'c-d' in 'down_revision'; a revision id is 1 to 32 characters of 0-9, a-z, A-Z and _")
        );
        assert_eq!(
            parse("v/a.py", "revision = None\ndown_revision = None\n")
                .err()
                .as_deref(),
            Some("v/a.py:1: 'revision' is None")
        );
    }
}
