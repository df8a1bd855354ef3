//! Printing: results to stdout, log lines and errors to stderr, and Alembic's line formats.
//!
//! The two formats are Alembic's: the short line of `heads`/`history`/`current`
//! (`a1 -> b2 (head), message`) and the verbose `log_entry` block of `-v` and `show`.

use std::io::Write;

use crate::project::{absolute, Project};

use super::colour::{self, paint};
use crate::script::{Script, ScriptOrigin, Section, TransactionMode};

/// Where command output goes. `-q` silences stdout, as in Alembic, and the INFO lines too;
/// SQL, warnings and errors always speak.
#[derive(Clone, Copy, Debug)]
pub struct Printer {
    pub quiet: bool,
    /// Alembic's INFO lines are shown: not `-q`, and the ini's logging levels let them through.
    pub info: bool,
    /// stderr gets colour ([`super::colour`]).
    pub colour: bool,
    /// stdout gets colour (lint's findings), by the same rules for stdout.
    pub colour_stdout: bool,
}

impl Printer {
    /// Writes text to stdout as is (unless quiet). A closed stdout is not an error worth a panic.
    pub fn out(&self, text: &str) {
        if !self.quiet {
            let _ = std::io::stdout().lock().write_all(text.as_bytes());
        }
    }

    /// Writes generated SQL to stdout; `-q` does not silence it (it is the command's product).
    pub fn sql(&self, text: &[u8]) {
        let _ = std::io::stdout().lock().write_all(text);
    }

    /// Writes one line to stdout (unless quiet).
    pub fn line(&self, text: &str) {
        self.out(&format!("{text}\n"));
    }

    /// A log line on stderr, in the format of Alembic's default logging configuration.
    pub fn info(&self, message: &str) {
        let mut line = String::new();
        push_info(&mut line, message);
        self.log_info(&line);
    }

    /// A `WARNING: …` line on stderr (printed even when quiet).
    pub fn warning(&self, message: &str) {
        let label = paint("WARNING:", colour::WARNING, self.colour);
        self.warn(&format!("{label} {message}\n"));
    }

    /// Writes log lines made with [`push_info`] to stderr, in one write (stderr is not
    /// buffered: each `write` is a system call), when INFO lines are shown.
    pub fn log_info(&self, lines: &str) {
        if self.info {
            self.warn(lines);
        }
    }

    /// Writes warning lines to stderr, whatever the logging levels.
    pub fn warn(&self, lines: &str) {
        let _ = std::io::stderr().lock().write_all(lines.as_bytes());
    }
}

/// Appends the log line of `message` (see [`Printer::info`]) to `lines`.
pub fn push_info(lines: &mut String, message: &str) {
    lines.push_str("INFO  [alembic.runtime.migration] ");
    lines.push_str(message);
    lines.push('\n');
}

/// Appends `line` and a newline. Listings are built in one string and written once: stdout is
/// line-buffered, so printing them line by line would cost a system call per line.
pub fn push_line(out: &mut String, line: &str) {
    out.push_str(line);
    out.push('\n');
}

/// Which decorations a short line carries.
#[derive(Clone, Copy, Debug, Default)]
pub struct LineStyle<'a> {
    /// `parents -> rev` (history).
    pub parents: bool,
    /// `(label)` (heads, history, branches).
    pub labels: bool,
    /// `(branchpoint)` / `(mergepoint)` (history, current, branches).
    pub tree: bool,
    /// `, doc` (history; branches -v children).
    pub doc: bool,
    /// Rows of the version table to mark `(current)` (history -i).
    pub current: &'a [String],
}

/// Alembic's short form of a revision.
pub fn short_line(project: &Project, id: &str, style: LineStyle<'_>) -> String {
    let map = &project.map;
    let Some(rev) = map.get(id) else {
        return id.to_string();
    };
    let mut line = String::new();
    if style.parents {
        if rev.down_revisions.is_empty() {
            line.push_str("<base>");
        } else {
            line.push_str(&rev.down_revisions.join(", "));
        }
        if !rev.depends_on.is_empty() {
            line.push_str(&format!(" ({})", rev.depends_on.join(", ")));
        }
        line.push_str(" -> ");
    }
    line.push_str(id);
    if style.labels {
        let labels = map.labels(id);
        if !labels.is_empty() {
            line.push_str(&format!(" ({})", labels.join(", ")));
        }
    }
    if map.is_real_head(id) {
        line.push_str(" (head)");
    } else if map.is_head(id) {
        line.push_str(" (effective head)");
    }
    if style.current.iter().any(|c| c == id) {
        line.push_str(" (current)");
    }
    if style.tree {
        if map.is_branch_point(id) {
            line.push_str(" (branchpoint)");
        }
        if map.is_merge_point(id) {
            line.push_str(" (mergepoint)");
        }
    }
    if style.doc {
        line.push_str(&format!(", {}", rev.doc));
    }
    line
}

/// Alembic's verbose `log_entry` block, ending with a blank line.
pub fn log_entry(project: &Project, id: &str, current: bool) -> String {
    let map = &project.map;
    let Some(rev) = map.get(id) else {
        return format!("Rev: {id}\n\n");
    };
    let mut out = format!("Rev: {id}");
    if map.is_head(id) {
        out.push_str(" (head)");
    }
    if map.is_branch_point(id) {
        out.push_str(" (branchpoint)");
    }
    if map.is_merge_point(id) {
        out.push_str(" (mergepoint)");
    }
    if current {
        out.push_str(" (current)");
    }
    out.push('\n');
    if map.is_merge_point(id) {
        out.push_str(&format!("Merges: {}\n", rev.down_revisions.join(", ")));
    } else if rev.down_revisions.is_empty() {
        out.push_str("Parent: <base>\n");
    } else {
        out.push_str(&format!("Parent: {}\n", rev.down_revisions.join(", ")));
    }
    if !rev.depends_on.is_empty() {
        out.push_str(&format!("Also depends on: {}\n", rev.depends_on.join(", ")));
    }
    if map.is_branch_point(id) {
        let mut children = map.children(id);
        children.sort_unstable();
        out.push_str(&format!("Branches into: {}\n", children.join(", ")));
    }
    let labels = map.labels(id);
    if !labels.is_empty() {
        out.push_str(&format!("Branch names: {}\n", labels.join(", ")));
    }
    let script = project.scripts.get(id);
    let path = script.map_or_else(String::new, |s| absolute(&s.path).display().to_string());
    out.push_str(&format!("Path: {path}\n\n"));
    let doc = match script {
        // Alembic prints a module's docstring as it is written.
        Some(s) if matches!(s.origin, ScriptOrigin::Python { .. }) => s.message.clone(),
        _ => sql_long_doc(script, id, &rev.down_revisions),
    };
    // Alembic joins the indented lines with `\n` and ends the entry with one more.
    let indented: Vec<String> = python_lines(&doc).map(|l| format!("    {l}")).collect();
    out.push_str(&indented.join("\n"));
    out.push_str("\n\n");
    out
}

/// `show -v`'s addition to a revision's entry: each section the script runs, under its
/// marker line, indented as the entry is, then a blank line; for a `.py` revision, its
/// lowered statements and, when it cannot run, the construct that stops it.
pub fn sections_text(script: &Script) -> String {
    let mut out = String::new();
    for section in script.bodies() {
        out.push_str(&format!(
            "    {}
",
            marker_line(section)
        ));
        let sql = section.sql.trim_end().trim_start_matches(['\n', '\r']);
        for line in sql.lines() {
            match line.is_empty() {
                true => out.push('\n'),
                false => out.push_str(&format!("    {line}\n")),
            }
        }
        out.push('\n');
    }
    if let Some((dialect, line, construct)) = script.python_refusal() {
        let on = dialect.map_or_else(String::new, |d| format!(" on {d}"));
        out.push_str(&format!(
            "    cannot run{on}: line {line}: {construct} is not supported\n\n"
        ));
    }
    out
}

/// A section's marker as the file would write it: `-- +upgrade [dialect] [no-transaction]`.
fn marker_line(section: &Section) -> String {
    let mut line = format!("-- +{}", section.direction.as_str());
    if let Some(dialect) = section.dialect {
        line.push_str(&format!(" {dialect}"));
    }
    if section.transaction == TransactionMode::None {
        line.push_str(" no-transaction");
    }
    line
}

/// The docstring Alembic would have written for a `.sql` script's header.
fn sql_long_doc(script: Option<&Script>, id: &str, down_revisions: &[String]) -> String {
    let (message, date) = script.map_or((String::new(), String::new()), |s| {
        (s.message.clone(), s.create_date.clone().unwrap_or_default())
    });
    let message = if message.trim().is_empty() {
        "empty message".to_string()
    } else {
        message
    };
    format!(
        "{}\n\nRevision ID: {id}\nRevises: {}\nCreate Date: {date}",
        message.trim(),
        down_revisions.join(", ")
    )
}

/// The lines of `text` as Python's `str.splitlines()` makes them (no line for an empty text).
fn python_lines(text: &str) -> impl Iterator<Item = &str> {
    const BREAKS: [char; 10] = [
        '\n', '\r', '\u{b}', '\u{c}', '\u{1c}', '\u{1d}', '\u{1e}', '\u{85}', '\u{2028}',
        '\u{2029}',
    ];
    let mut rest = text;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let Some(at) = rest.find(BREAKS) else {
            return Some(std::mem::take(&mut rest));
        };
        let line = &rest[..at];
        let width = if rest[at..].starts_with("\r\n") {
            2
        } else {
            rest[at..].chars().next().map_or(1, char::len_utf8)
        };
        rest = &rest[at + width..];
        Some(line)
    })
}
