//! The revision script format: the `-- key: value` header and the `-- +upgrade` /
//! `-- +downgrade` sections.
//!
//! Grammar, line by line (a UTF-8 BOM is stripped; `\r\n` endings are accepted):
//!
//! ```text
//! script  := blank* header (blank | comment)* section*
//! header  := ("-- " key ":" value)+          -- keys: revision, down_revision, branch_labels,
//!                                            --       depends_on, message, create_date
//! section := marker line*                    -- the section's SQL, up to the next marker
//! marker  := "-- +" ("upgrade" | "downgrade") word*   -- words: a dialect, no-transaction
//! ```
//!
//! - The header is the leading run of `-- name: value` lines; within it every key must be one
//!   of the six above, and appear once. `revision` and `down_revision` are required (an empty
//!   `down_revision` is a base). List values are comma-separated; blanks are dropped.
//! - Between the header and the first marker only blank lines and `--` comments may appear.
//! - A marker word is a dialect (`sqlite`, `postgresql`/`postgres`) or `no-transaction`, in
//!   any order. Any other `-- +word` line (a misspelt marker) is an error, wherever it is.
//! - At least one upgrade section is required; two sections with the same direction and
//!   dialect are an error. No downgrade section at all makes the revision irreversible.

use std::path::{Path, PathBuf};

use super::python::{PythonBodies, Refused};
use super::ScriptError;
use crate::lint::Origin;
use crate::revision::{is_valid_revision_id, Direction, Revision, RevisionId};
use crate::Dialect;

/// Whether a section runs inside the migration's transaction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TransactionMode {
    Transactional,
    /// `no-transaction` on the marker: statements run in autocommit mode.
    None,
}

/// One `-- +upgrade [dialect] [no-transaction]` section.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Section {
    pub direction: Direction,
    pub dialect: Option<Dialect>,
    pub transaction: TransactionMode,
    /// The SQL text of the section (marker line excluded), lines joined with `\n`.
    pub sql: String,
    /// 1-based line in the file of the first line of `sql`.
    pub first_line: usize,
    /// A dialect's section whose statements still go through the portable translator, as a
    /// plain section's do (a `.py` revision's batch operations on SQLite, which rebuild).
    pub portable: bool,
    /// A `.py` revision's lowered section: the Python column of each statement's call
    /// (empty for a `.sql` file's own sections).
    pub origins: Vec<Origin>,
}

/// A parsed revision script.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Script {
    pub path: PathBuf,
    pub revision: String,
    pub down_revisions: Vec<String>,
    pub branch_labels: Vec<String>,
    pub depends_on: Vec<String>,
    pub message: String,
    pub create_date: Option<String>,
    pub sections: Vec<Section>,
    /// The [`checksum`](super::checksum) of the file's bytes, when it was loaded with
    /// [`Checksums::Compute`](super::Checksums::Compute): the bytes parsed are the bytes
    /// hashed, with no second read of the file in between.
    pub checksum: Option<String>,
    /// The kind of file the script was read from.
    pub origin: ScriptOrigin,
}

/// What a script was read from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ScriptOrigin {
    /// A `.sql` file: its sections are its bodies.
    Sql,
    /// An Alembic `.py` file whose header was read statically; its bodies are lowered the
    /// first time a section or the refusal is asked for (see [`PythonBodies`]).
    Python { bodies: PythonBodies },
}

/// The header keys, in the order new files write them.
pub const HEADER_KEYS: [&str; 6] = [
    "revision",
    "down_revision",
    "branch_labels",
    "depends_on",
    "message",
    "create_date",
];

/// A parsed section marker.
struct Marker {
    direction: Direction,
    dialect: Option<Dialect>,
    transaction: TransactionMode,
}

/// A syntax error: the 1-based line and the message.
type LineError = (usize, String);

impl Script {
    /// Parses a script's text; `path` is used in errors and kept in the value.
    pub fn parse(path: &Path, text: &str) -> Result<Script, ScriptError> {
        let syntax = |(line, message): LineError| ScriptError::Syntax {
            path: path.to_path_buf(),
            line,
            message,
        };
        let lines = script_lines(text);
        let mut i = lines.iter().take_while(|l| l.trim().is_empty()).count();
        let header = Header::read(&lines, &mut i).map_err(syntax)?;
        if header.entries.is_empty() {
            return Err(ScriptError::NotARevision {
                path: path.to_path_buf(),
            });
        }
        let revision = header.revision().map_err(syntax)?;
        let down_revisions = header.down_revisions().map_err(syntax)?;
        let sections = read_sections(&lines, i).map_err(syntax)?;
        Ok(Script {
            path: path.to_path_buf(),
            revision,
            down_revisions,
            branch_labels: header.branch_labels().map_err(syntax)?,
            depends_on: header.list("depends_on"),
            message: header
                .get("message")
                .map(|(v, _)| v.to_string())
                .unwrap_or_default(),
            create_date: header
                .get("create_date")
                .map(|(v, _)| v.to_string())
                .filter(|v| !v.is_empty()),
            sections,
            checksum: None,
            origin: ScriptOrigin::Sql,
        })
    }

    /// The section to run for `direction` on `dialect`: the dialect's own, else the plain one.
    /// `None` for a downgrade means the revision is irreversible.
    pub fn section(&self, direction: Direction, dialect: Dialect) -> Option<&Section> {
        let of_direction = || self.bodies().iter().filter(|s| s.direction == direction);
        of_direction()
            .find(|s| s.dialect == Some(dialect))
            .or_else(|| of_direction().find(|s| s.dialect.is_none()))
    }

    /// Whether the script has any downgrade section (for any dialect).
    pub fn has_downgrade(&self) -> bool {
        self.bodies()
            .iter()
            .any(|s| s.direction == Direction::Downgrade)
    }

    /// The sections to run: a `.sql` file's own, or a `.py` file's lowered bodies.
    pub fn bodies(&self) -> &[Section] {
        match &self.origin {
            ScriptOrigin::Sql => &self.sections,
            ScriptOrigin::Python { bodies } => &bodies.lowered(&self.path).sections,
        }
    }

    /// For a `.py` revision, the line and the construct that keep its bodies from running,
    /// if any: on every engine (`None`), or on one. Always `None` for a `.sql` file.
    pub fn python_refusal(&self) -> Option<&Refused> {
        match &self.origin {
            ScriptOrigin::Sql => None,
            ScriptOrigin::Python { bodies } => bodies.lowered(&self.path).refusal.as_ref(),
        }
    }

    /// The first paragraph of the message, as Alembic takes it from a docstring: the
    /// stripped text up to the first `\n\n`.
    pub fn doc(&self) -> String {
        let message = self.message.trim();
        message.split("\n\n").next().unwrap_or("").to_string()
    }

    /// The graph's view of this script.
    pub fn to_revision(&self) -> Revision {
        Revision {
            id: self.revision.clone(),
            down_revisions: self.down_revisions.clone(),
            branch_labels: self.branch_labels.clone(),
            depends_on: self.depends_on.clone(),
            doc: self.doc(),
            origin: self.path.display().to_string(),
        }
    }
}

/// The lines of a script: a BOM stripped, `\n`, `\r\n` and a lone `\r` alike, a final line
/// ending starting no line.
fn script_lines(text: &str) -> Vec<&str> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    crate::sql::lines(text).collect()
}

/// The header run: each known key with its value and 1-based line.
struct Header<'a> {
    entries: Vec<(&'static str, &'a str, usize)>,
    /// The line where a missing required key is reported: the one after the header (or the
    /// file's last).
    missing_line: usize,
}

impl<'a> Header<'a> {
    /// Reads the header lines from `lines[*i]` on, leaving `*i` on the first line after them.
    fn read(lines: &[&'a str], i: &mut usize) -> Result<Header<'a>, LineError> {
        let mut entries: Vec<(&'static str, &str, usize)> = Vec::with_capacity(HEADER_KEYS.len());
        while let Some((key, value)) = lines.get(*i).and_then(|l| header_line(l)) {
            let line_no = *i + 1;
            let lowered = key.to_ascii_lowercase();
            let Some(known) = HEADER_KEYS.iter().find(|k| **k == lowered) else {
                return Err((
                    line_no,
                    format!(
                        "unknown header key '{key}'; expected one of {}",
                        HEADER_KEYS.join(", ")
                    ),
                ));
            };
            if let Some((_, _, first)) = entries.iter().find(|(k, _, _)| k == known) {
                return Err((
                    line_no,
                    format!("duplicate header key '{known}' (first given on line {first})"),
                ));
            }
            entries.push((known, value, line_no));
            *i += 1;
        }
        Ok(Header {
            entries,
            missing_line: (*i + 1).min(lines.len().max(1)),
        })
    }

    fn get(&self, key: &str) -> Option<(&'a str, usize)> {
        self.entries
            .iter()
            .find(|(k, _, _)| *k == key)
            .map(|&(_, v, line)| (v, line))
    }

    fn list(&self, key: &str) -> Vec<String> {
        self.get(key)
            .map(|(v, _)| split_list(v))
            .unwrap_or_default()
    }

    fn revision(&self) -> Result<String, LineError> {
        match self.get("revision") {
            Some((value, line)) => {
                if !is_valid_revision_id(value) {
                    return Err((line, bad_id_message("revision", value)));
                }
                Ok(value.to_string())
            }
            None => Err((
                self.missing_line,
                "missing '-- revision: <id>' in the header (the header is the run of '-- key: value' lines at the top of the file)".to_string(),
            )),
        }
    }

    /// The `branch_labels` list; `head`, `heads` and `base` are refused, as every target
    /// naming such a label would mean something else.
    fn branch_labels(&self) -> Result<Vec<String>, LineError> {
        let Some((value, line)) = self.get("branch_labels") else {
            return Ok(Vec::new());
        };
        let labels = split_list(value);
        match reserved_label(&labels) {
            Some(message) => Err((line, message)),
            None => Ok(labels),
        }
    }

    fn down_revisions(&self) -> Result<Vec<String>, LineError> {
        match self.get("down_revision") {
            Some((value, line)) => {
                let ids = split_list(value);
                if let Some(bad) = ids.iter().find(|id| !is_valid_revision_id(id)) {
                    return Err((line, bad_id_message("down_revision", bad)));
                }
                Ok(ids)
            }
            None => Err((
                self.missing_line,
                "missing '-- down_revision:' in the header (leave it empty for a first revision)"
                    .to_string(),
            )),
        }
    }
}

/// The sections from `lines[start..]` on. Before the first marker only blank lines and
/// comments may appear; at least one upgrade section is required.
fn read_sections(lines: &[&str], start: usize) -> Result<Vec<Section>, LineError> {
    let mut sections: Vec<Section> = Vec::new();
    let mut open: Option<(Marker, usize)> = None; // marker, index of its first SQL line
    for (i, line) in lines.iter().enumerate().skip(start) {
        let line_no = i + 1;
        match parse_marker(line) {
            Some(Ok(marker)) => {
                if let Some((m, first)) = open.take() {
                    sections.push(make_section(m, lines, first, i));
                }
                check_second_section(&sections, &marker).map_err(|e| (line_no, e))?;
                open = Some((marker, i + 1));
            }
            Some(Err(message)) => return Err((line_no, message)),
            None => {
                let trimmed = line.trim();
                if open.is_none() && !trimmed.is_empty() && !trimmed.starts_with("--") {
                    return Err((
                        line_no,
                        "SQL outside of a section; start it with '-- +upgrade'".to_string(),
                    ));
                }
            }
        }
    }
    if let Some((m, first)) = open.take() {
        sections.push(make_section(m, lines, first, lines.len()));
    }
    if !sections.iter().any(|s| s.direction == Direction::Upgrade) {
        return Err((
            lines.len().max(1),
            "no '-- +upgrade' section (write one, even if empty)".to_string(),
        ));
    }
    Ok(sections)
}

/// Refuses a marker whose direction and dialect an earlier section already has.
fn check_second_section(sections: &[Section], marker: &Marker) -> Result<(), String> {
    let clash = sections
        .iter()
        .find(|s| s.direction == marker.direction && s.dialect == marker.dialect);
    let Some(first) = clash else {
        return Ok(());
    };
    let what = match marker.dialect {
        Some(d) => format!("'-- +{} {d}'", marker.direction.as_str()),
        None => format!("'-- +{}'", marker.direction.as_str()),
    };
    Err(format!(
        "a second {what} section (the first starts on line {})",
        first.first_line.saturating_sub(1)
    ))
}

/// Why a branch label among `labels` can't be used, if one is `head`, `heads` or `base`:
/// every target naming it would mean something else. Shared by `.sql` and `.py` headers.
pub(super) fn reserved_label(labels: &[String]) -> Option<String> {
    let word = labels.iter().find(|l| RevisionId::is_reserved_word(l))?;
    Some(format!(
        "branch label '{word}' is a word of revision targets (head, heads, base); \
         'upgrade {word}' would not mean this branch: choose another label"
    ))
}

fn bad_id_message(key: &str, value: &str) -> String {
    let rule = RevisionId::RULE;
    if value.is_empty() {
        format!("'{key}' is empty; a revision id is {rule}")
    } else if RevisionId::is_reserved_word(value) {
        format!("'{value}' in '{key}' is a word of revision targets (head, heads, base), not a revision id")
    } else {
        format!("invalid revision id '{value}' in '{key}'; a revision id is {rule}")
    }
}

/// `-- name: value` → `(name, value)`, the name a word (`[A-Za-z_][A-Za-z0-9_]*`) directly
/// followed by `:`. Markers (`-- +upgrade`) are not header lines.
fn header_line(line: &str) -> Option<(&str, &str)> {
    let rest = line.strip_prefix("--")?.trim_start();
    let colon = rest.find(':')?;
    let name = &rest[..colon];
    let mut chars = name.chars();
    let first = chars.next()?;
    if !(first.is_ascii_alphabetic() || first == '_')
        || !chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
    {
        return None;
    }
    Some((name, rest[colon + 1..].trim()))
}

/// Comma-separated list, items trimmed, empties dropped.
fn split_list(value: &str) -> Vec<String> {
    value
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// `None` when the line is not a marker; `Some(Err)` for a malformed one.
fn parse_marker(line: &str) -> Option<Result<Marker, String>> {
    let found = crate::sql::parse_marker(line)?;
    let Some(direction) = Direction::from_word(found.word) else {
        return Some(Err(format!(
            "unknown section marker '-- +{}'; expected '-- +upgrade' or '-- +downgrade'",
            found.word
        )));
    };
    Some(found.options(true).map(|options| Marker {
        direction,
        dialect: options.dialect,
        transaction: if options.no_transaction {
            TransactionMode::None
        } else {
            TransactionMode::Transactional
        },
    }))
}

/// The section opened by `marker`, its SQL being `lines[start..end]`.
fn make_section(marker: Marker, lines: &[&str], start: usize, end: usize) -> Section {
    let body = lines.get(start..end).unwrap_or(&[]);
    let mut sql = body.join("\n");
    if !body.is_empty() {
        sql.push('\n');
    }
    Section {
        direction: marker.direction,
        dialect: marker.dialect,
        transaction: marker.transaction,
        sql,
        first_line: start + 1,
        portable: false,
        origins: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXAMPLE: &str = "\
-- revision: 1a2b3c4d5e6f
-- down_revision: 0f9e8d7c6b5a
-- branch_labels:
-- depends_on:
-- message: add tags
-- create_date: 2026-11-24 05:50:51.123456

-- +upgrade
CREATE TABLE tags (
    id INTEGER PRIMARY KEY,
    name VARCHAR(64) NOT NULL UNIQUE
);

-- +downgrade
DROP TABLE tags;
";

    fn parse(text: &str) -> Script {
        match Script::parse(Path::new("versions/x.sql"), text) {
            Ok(script) => script,
            Err(err) => panic!("{err}"),
        }
    }

    /// The error's line and message.
    fn error(text: &str) -> (usize, String) {
        match Script::parse(Path::new("versions/x.sql"), text) {
            Err(err @ ScriptError::Syntax { .. }) => {
                let shown = err.to_string();
                assert!(
                    shown.starts_with(&format!(
                        "versions/x.sql:{}:",
                        match &err {
                            ScriptError::Syntax { line, .. } => *line,
                            _ => 0,
                        }
                    )),
                    "{shown}"
                );
                match err {
                    ScriptError::Syntax { line, message, .. } => (line, message),
                    _ => unreachable!(),
                }
            }
            other => panic!("expected a syntax error, got {other:?}"),
        }
    }

    #[test]
    fn parses_the_design_example() {
        let s = parse(EXAMPLE);
        assert_eq!(s.revision, "1a2b3c4d5e6f");
        assert_eq!(s.down_revisions, vec!["0f9e8d7c6b5a"]);
        assert!(s.branch_labels.is_empty());
        assert!(s.depends_on.is_empty());
        assert_eq!(s.message, "add tags");
        assert_eq!(s.create_date.as_deref(), Some("2026-11-24 05:50:51.123456"));
        assert_eq!(s.sections.len(), 2);
        let up = &s.sections[0];
        assert_eq!(up.direction, Direction::Upgrade);
        assert_eq!(up.dialect, None);
        assert_eq!(up.transaction, TransactionMode::Transactional);
        assert_eq!(up.first_line, 9);
        assert!(up.sql.starts_with("CREATE TABLE tags (\n"));
        assert!(up.sql.ends_with(");\n\n"));
        let down = &s.sections[1];
        assert_eq!(down.sql, "DROP TABLE tags;\n");
        assert_eq!(down.first_line, 15);
        let r = s.to_revision();
        assert_eq!(r.id, "1a2b3c4d5e6f");
        assert_eq!(r.doc, "add tags");
        assert_eq!(r.origin, "versions/x.sql");
    }

    #[test]
    fn bom_crlf_and_leading_blank_lines() {
        let text = format!("\u{feff}\r\n\r\n{}", EXAMPLE.replace('\n', "\r\n"));
        let s = parse(&text);
        assert_eq!(s.revision, "1a2b3c4d5e6f");
        assert_eq!(s.sections[0].first_line, 11);
        assert!(!s.sections[0].sql.contains('\r'));
        assert_eq!(s.sections[1].sql, "DROP TABLE tags;\n");
    }

    #[test]
    fn lists_merge_points_and_labels() {
        let s = parse(
            "-- revision: m1\n-- down_revision: a1, b2 ,, \n-- branch_labels: main, x\n-- depends_on: c3\n-- +upgrade\n",
        );
        assert_eq!(s.down_revisions, vec!["a1", "b2"]);
        assert_eq!(s.branch_labels, vec!["main", "x"]);
        assert_eq!(s.depends_on, vec!["c3"]);
        assert_eq!(s.message, "");
        assert_eq!(s.create_date, None);
        assert_eq!(s.to_revision().doc, "");
        assert_eq!(s.sections[0].sql, "");
        assert_eq!(s.sections[0].first_line, 6);
        let s = parse("-- revision: a\n-- down_revision:\n\n-- +upgrade\n");
        assert!(s.down_revisions.is_empty());
    }

    #[test]
    fn comments_between_header_and_first_section() {
        let s = parse("-- revision: a\n-- down_revision:\n\n-- Note: this is fine\n--\n\n-- +upgrade\nSELECT 1;\n");
        assert_eq!(s.sections.len(), 1);
        assert_eq!(s.sections[0].sql, "SELECT 1;\n");
    }

    #[test]
    fn dialect_sections_and_no_transaction() {
        let s = parse(
            "-- revision: a\n-- down_revision:\n-- +upgrade\nA;\n-- +upgrade no-transaction postgres\nB;\n-- +upgrade SQLITE\nC;\n-- +downgrade postgresql\nD;\n",
        );
        let up_pg = s.section(Direction::Upgrade, Dialect::Postgresql);
        assert_eq!(up_pg.map(|x| x.sql.as_str()), Some("B;\n"));
        assert_eq!(up_pg.map(|x| x.transaction), Some(TransactionMode::None));
        let up_lite = s.section(Direction::Upgrade, Dialect::Sqlite);
        assert_eq!(up_lite.map(|x| x.sql.as_str()), Some("C;\n"));
        let down_pg = s.section(Direction::Downgrade, Dialect::Postgresql);
        assert_eq!(down_pg.map(|x| x.sql.as_str()), Some("D;\n"));
        assert_eq!(s.section(Direction::Downgrade, Dialect::Sqlite), None);
        assert!(s.has_downgrade());

        let s = parse("-- revision: a\n-- down_revision:\n-- +upgrade\nA;\n");
        assert_eq!(
            s.section(Direction::Upgrade, Dialect::Sqlite)
                .map(|x| x.sql.as_str()),
            Some("A;\n")
        );
        assert_eq!(s.section(Direction::Downgrade, Dialect::Sqlite), None);
        assert!(!s.has_downgrade());
    }

    #[test]
    fn header_errors() {
        let (line, msg) = error("-- revision: a\n-- down_revision:\n-- foo: bar\n-- +upgrade\n");
        assert_eq!(line, 3);
        assert!(
            msg.starts_with("unknown header key 'foo'; expected one of revision, down_revision"),
            "{msg}"
        );

        let (line, msg) = error("-- revision: a\n-- revision: b\n-- down_revision:\n-- +upgrade\n");
        assert_eq!(line, 2);
        assert!(msg.contains("duplicate header key 'revision'"), "{msg}");

        let (_, msg) = error("-- down_revision:\n-- +upgrade\n");
        assert!(msg.contains("revision"), "{msg}");
        let (_, msg) = error("-- revision: a\n-- +upgrade\n");
        assert!(msg.contains("down_revision"), "{msg}");
        // No header at all: not a revision (a version location skips such a file).
        for text in ["", "-- notes\nSELECT 1;\n", "\n\n-- +upgrade\n"] {
            let err = Script::parse(Path::new("versions/x.sql"), text).expect_err(text);
            assert!(matches!(err, ScriptError::NotARevision { .. }), "{err:?}");
        }

        let (line, msg) = error("-- revision: a-b\n-- down_revision:\n-- +upgrade\n");
        assert_eq!(line, 1);
        assert!(msg.contains("'a-b'"), "{msg}");
        let (line, msg) = error("-- revision:\n-- down_revision:\n-- +upgrade\n");
        assert_eq!(line, 1);
        assert!(msg.contains("empty"), "{msg}");
        let (line, msg) = error("-- revision: a\n-- down_revision: b, c d\n-- +upgrade\n");
        assert_eq!(line, 2);
        assert!(msg.contains("'c d'"), "{msg}");
        let long = "a".repeat(33);
        let (line, _) = error(&format!(
            "-- revision: {long}\n-- down_revision:\n-- +upgrade\n"
        ));
        assert_eq!(line, 1);
    }

    #[test]
    fn section_errors() {
        let (line, msg) =
            error("-- revision: a\n-- down_revision:\n\nCREATE TABLE t (id int);\n-- +upgrade\n");
        assert_eq!(line, 4);
        assert_eq!(msg, "SQL outside of a section; start it with '-- +upgrade'");

        let (line, msg) = error("-- revision: a\n-- down_revision:\n-- +upgrade mysql\n");
        assert_eq!(line, 3);
        assert!(msg.contains("unknown word 'mysql'"), "{msg}");

        let (line, msg) =
            error("-- revision: a\n-- down_revision:\n-- +upgrade\nA;\n-- +downgrad\n");
        assert_eq!(line, 5);
        assert!(
            msg.contains("unknown section marker '-- +downgrad'"),
            "{msg}"
        );

        let (line, msg) =
            error("-- revision: a\n-- down_revision:\n-- +upgrade\nA;\n-- +upgrade\nB;\n");
        assert_eq!(line, 5);
        assert!(msg.contains("(the first starts on line 3)"), "{msg}");

        let (line, _) =
            error("-- revision: a\n-- down_revision:\n-- +upgrade sqlite\n-- +upgrade sqlite\n");
        assert_eq!(line, 4);
        let (line, _) = error("-- revision: a\n-- down_revision:\n-- +upgrade sqlite postgresql\n");
        assert_eq!(line, 3);
        let (line, _) =
            error("-- revision: a\n-- down_revision:\n-- +upgrade no-transaction no-transaction\n");
        assert_eq!(line, 3);

        let (_, msg) = error("-- revision: a\n-- down_revision:\n-- +downgrade\n");
        assert!(msg.contains("no '-- +upgrade' section"), "{msg}");
    }

    #[test]
    fn a_missing_key_or_section_is_reported_after_the_header() {
        assert_eq!(error("-- down_revision:\n-- +upgrade\n").0, 2);
        assert_eq!(error("-- revision: a\n-- +upgrade\n").0, 2);
        assert_eq!(error("\n\n-- revision: a\n").0, 3);
        assert_eq!(error("\n\n-- revision: a").0, 3);
        assert_eq!(
            error("-- revision: a\n-- down_revision:\n\n-- +downgrade\nA;\n"),
            (
                5,
                "no '-- +upgrade' section (write one, even if empty)".to_string()
            )
        );
    }

    #[test]
    fn non_marker_comments_inside_sections_are_sql() {
        let s = parse(
            "-- revision: a\n-- down_revision:\n-- +upgrade\n-- +1 for this\n--+\nSELECT 1;\n",
        );
        assert_eq!(s.sections[0].sql, "-- +1 for this\n--+\nSELECT 1;\n");
    }

    #[test]
    fn doc_is_first_paragraph() {
        let mut s =
            parse("-- revision: a\n-- down_revision:\n-- message: hello world\n-- +upgrade\n");
        assert_eq!(s.doc(), "hello world");
        s.message = "first\nstill first\n\nsecond".to_string();
        assert_eq!(s.doc(), "first\nstill first");
    }
}
