//! The migration linter: a migration's statements and the schema before it → findings.
//!
//! Pure. [`lint_migration`] reads each statement of the upgrade section with sqlparser (for
//! what the schema model does not keep: `CONCURRENTLY`, `NOT VALID`, data statements) and
//! judges it against the schema as the earlier statements left it ([`statement`]); objects
//! created earlier in the same migration are exempt. The downgrade is judged only by the
//! reversibility rules ([`reversible`]), on the tables the migration touches. What the
//! linked SQLite refuses is [`sqlite`]'s. `-- lint: ignore CODE reason` comments in a
//! statement's text drop that statement's findings of `CODE`. Severities come from the
//! caller's [`Severities`]; codes and explanations from [`catalog`]. [`annotate`] writes
//! findings into a script's text as comments. A whole history is linted through a [`Store`]
//! ([`store`]), which gives each migration only the tables it touches. A lowered section's
//! [`Origin`]s turn a finding's column into the source's (a `.py` revision's call).

mod annotate;
pub mod catalog;
mod reversible;
mod sqlite;
mod statement;
mod store;
#[cfg(test)]
mod tests;

use std::collections::{HashMap, HashSet};

use crate::schema::{apply_parsed, parse_statement, Op, Parsed, Schema};
use crate::sql::{split_with, starts_with_ddl, Comments};
use crate::Dialect;

pub use annotate::annotate;
pub use catalog::{rule, RULES};
pub use store::Store;

/// How much a finding matters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Reported, never fails the run.
    Warning,
    /// Fails `alembic lint` (exit 3).
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// Per-rule severities: every rule is an error unless set otherwise; `None` turns it off.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Severities(HashMap<String, Option<Severity>>);

impl Severities {
    /// Sets `code`'s severity from a `[lint]` value: `error`, `warning` or `off`. The error
    /// is the message for an unknown code or value.
    pub fn set(&mut self, code: &str, value: &str) -> Result<(), String> {
        let Some(rule) = rule(code) else {
            return Err(format!("unknown lint rule '{code}'"));
        };
        let severity = match value.trim().to_ascii_lowercase().as_str() {
            "error" => Some(Severity::Error),
            "warning" => Some(Severity::Warning),
            "off" => None,
            other => {
                return Err(format!(
                    "lint rule {}: '{other}' is not error, warning or off",
                    rule.code
                ))
            }
        };
        self.0.insert(rule.code.to_string(), severity);
        Ok(())
    }

    fn of(&self, code: &str) -> Option<Severity> {
        self.0.get(code).copied().unwrap_or(Some(Severity::Error))
    }
}

/// One section of a migration, as the script holds it.
#[derive(Clone, Copy, Debug)]
pub struct Section<'a> {
    pub sql: &'a str,
    /// 1-based line in the file of the first line of `sql`.
    pub first_line: usize,
    /// Whether the section runs inside a transaction.
    pub transactional: bool,
    /// Whether its statements go through the translator, which rewrites what one engine
    /// can't run as written (a plain section, or a `.py` revision's batch operations), or
    /// run as written (a dialect's section).
    pub translated: bool,
    /// Where the statements of a section lowered from another source (a `.py` revision's
    /// calls) come from; empty when `sql` is the file's own text.
    pub origins: &'a [Origin],
}

/// A statement of a lowered section and its source: the statement that starts at `line`,
/// column `text_col` of the section's text (lines counted as in the file) comes from the
/// source construct at column `col` of that line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Origin {
    pub line: usize,
    pub text_col: usize,
    pub col: usize,
}

/// The column a finding at `line`:`col` of a section's text has in the source `origins`
/// describe: that of the last statement starting on that line at or before `col` (a
/// statement split out of a lowered one is the lowered one's); `col` itself without one.
fn source_column(origins: &[Origin], line: usize, col: usize) -> usize {
    origins
        .iter()
        .filter(|o| o.line == line && o.text_col <= col)
        .max_by_key(|o| o.text_col)
        .or_else(|| origins.iter().find(|o| o.line == line))
        .map_or(col, |o| o.col)
}

/// One migration: its upgrade section, and its downgrade (`None`: there is none).
#[derive(Clone, Copy, Debug)]
pub struct Migration<'a> {
    pub upgrade: Option<Section<'a>>,
    pub downgrade: Option<Section<'a>>,
}

/// One finding, at a 1-based line and column of the script.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub code: &'static str,
    pub severity: Severity,
    pub line: usize,
    pub col: usize,
    pub message: String,
}

/// A finding before severities and ignores: code, statement index and message.
#[derive(Debug)]
struct Raw {
    code: &'static str,
    message: String,
}

/// Lints `migration` on `dialect` against `schema` (the schema before it), and leaves
/// `schema` as the upgrade leaves it. Findings come in statement order. A whole history is
/// linted faster through a [`Store`], which gives each migration only the tables it touches.
pub fn lint_migration(
    schema: &mut Schema,
    migration: &Migration<'_>,
    dialect: Dialect,
    severities: &Severities,
) -> Vec<Finding> {
    let up = migration.upgrade.map(|s| parse_body(s, dialect));
    let down = migration.downgrade.map(|s| parse_body(s, dialect));
    lint_parsed(
        schema,
        up.as_ref(),
        down.as_ref(),
        (dialect, severities),
        &mut |_| {},
    )
}

/// One statement of a section, with what it means to the model.
struct Stmt<'a> {
    sql: &'a str,
    line_offset: usize,
    parsed: Parsed,
}

/// A section and its statements, each parsed once; `statements` is `None` when the splitter
/// refused the text.
struct Body<'a> {
    section: Section<'a>,
    statements: Option<Vec<Stmt<'a>>>,
}

fn parse_body<'a>(section: Section<'a>, dialect: Dialect) -> Body<'a> {
    let statements = split_with(section.sql, Comments::of(dialect))
        .ok()
        .map(|all| {
            all.into_iter()
                .map(|s| Stmt {
                    sql: s.sql,
                    line_offset: s.line_offset,
                    parsed: parse_statement(s.sql),
                })
                .collect()
        });
    Body {
        section,
        statements,
    }
}

/// [`lint_migration`] of parsed sections; `applied` sees the operations of each upgrade
/// statement the model applied, in order.
fn lint_parsed(
    schema: &mut Schema,
    up: Option<&Body<'_>>,
    down: Option<&Body<'_>>,
    (dialect, severities): (Dialect, &Severities),
    applied: &mut dyn FnMut(&[Op]),
) -> Vec<Finding> {
    // Reversibility is judged on the tables the migration touches: the others are the same
    // before the upgrade and after the downgrade.
    let bodies: Vec<&Body<'_>> = up.iter().chain(down.iter()).copied().collect();
    let names = store::touched(&*schema, &bodies);
    let before = restricted(schema, &names);
    let mut found = Vec::new();
    let mut at_start = (1, 1);
    let mut modelled = up.is_some_and(|b| b.statements.is_some());
    if let Some(Body {
        section,
        statements,
    }) = up
    {
        let mut ctx = statement::Context::new(dialect, section.transactional, section.translated);
        let mut previous_end = 0;
        for (i, stmt) in statements.iter().flatten().enumerate() {
            let start = offset_in(section.sql, stmt.sql);
            let line = section.first_line + stmt.line_offset;
            let col = source_column(section.origins, line, column(section.sql, start));
            if i == 0 {
                at_start = (line, col);
            }
            let raws = ctx.judge(schema, stmt.sql, &stmt.parsed);
            let model_read = apply_parsed(schema, &stmt.parsed);
            if let (true, Parsed::Ops { ops, .. }) = (model_read, &stmt.parsed) {
                applied(ops);
            }
            modelled &= model_read || !starts_with_ddl(stmt.sql);
            // The comments above a statement are the section's text since the last one.
            let lead = section.sql.get(previous_end..start).unwrap_or("");
            previous_end = start + stmt.sql.len();
            let text = format!("{lead}\n{}", stmt.sql);
            emit(&mut found, &text, (line, col), raws, severities);
        }
    }
    let after = restricted(schema, &names);
    let raws = reversible::judge(&before, &after, modelled, down);
    emit(&mut found, "", at_start, raws, severities);
    found
}

/// The tables of `schema` named in `names`, in its order.
fn restricted(schema: &Schema, names: &HashSet<String>) -> Schema {
    Schema {
        tables: schema
            .tables
            .iter()
            .filter(|t| names.contains(&t.name))
            .cloned()
            .collect(),
        ..Schema::default()
    }
}

/// Adds `raws` to `found`, with their severities, unless an ignore comment in `sql` drops them.
fn emit(
    found: &mut Vec<Finding>,
    sql: &str,
    (line, col): (usize, usize),
    raws: Vec<Raw>,
    severities: &Severities,
) {
    let ignores = ignores(sql);
    for (code, reason_missing) in &ignores {
        if *reason_missing {
            push(
                found,
                severities,
                (line, col),
                Raw {
                    code: "LN001",
                    message: format!("`lint: ignore {code}` needs a reason after the code"),
                },
            );
        }
    }
    for raw in raws {
        let ignored = ignores
            .iter()
            .any(|(code, missing)| !missing && code.eq_ignore_ascii_case(raw.code));
        if !ignored {
            push(found, severities, (line, col), raw);
        }
    }
}

fn push(found: &mut Vec<Finding>, severities: &Severities, (line, col): (usize, usize), raw: Raw) {
    if let Some(severity) = severities.of(raw.code) {
        found.push(Finding {
            code: raw.code,
            severity,
            line,
            col,
            message: raw.message,
        });
    }
}

/// The `-- lint: ignore CODE reason` comments of a statement's text: each code, and whether
/// its reason is missing.
fn ignores(sql: &str) -> Vec<(String, bool)> {
    crate::sql::lines(sql)
        .filter_map(|line| {
            let comment = line.trim_start().strip_prefix("--")?.trim_start();
            let rest = comment.strip_prefix("lint:")?.trim_start();
            let rest = rest.strip_prefix("ignore")?.trim();
            let (code, reason) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
            (!code.is_empty()).then(|| (code.to_string(), reason.trim().is_empty()))
        })
        .collect()
}

/// Where the slice `part` of `whole` starts in it (the splitter's statements are slices).
fn offset_in(whole: &str, part: &str) -> usize {
    let at = (part.as_ptr() as usize).wrapping_sub(whole.as_ptr() as usize);
    if at <= whole.len() {
        at
    } else {
        0
    }
}

/// The 1-based column of byte `at` of `text`.
fn column(text: &str, at: usize) -> usize {
    let before = text.get(..at).unwrap_or("");
    let line_start = before.rfind('\n').map_or(0, |n| n + 1);
    before[line_start..].chars().count() + 1
}
