//! The runner's hook into the portable schema layer ([`crate::schema`]).
//!
//! Each statement of a plain (non-dialect) section goes through the translator, which returns
//! what to run on the sink's dialect (the statement itself unless it must change); a
//! dialect-specific section runs verbatim. When a step's plain section may rebuild a SQLite
//! table, foreign keys are switched off *before* its transaction (inside one, `PRAGMA
//! foreign_keys` is a no-op, and dropping the old table would cascade deletes into the tables
//! that reference it) and switched back on after it; every rebuild ends with `PRAGMA
//! foreign_key_check` on the rebuilt table and its children, and a violation fails the
//! migration, which rolls it back. Online, the translator reads the schema from the live
//! database (inside the transaction); offline, from the model the SQL written so far builds,
//! starting from [`replay`] of the history before the run.

use super::{RunError, Sink, SinkError};
use crate::revision::{Direction, Plan, StepKind};
use crate::schema::{apply_sql, may_rebuild, runs_as_written_on, translate, Emit, Schema};
use crate::script::{Script, Section};
use crate::sql::{split_with, Comments, Statement};
use crate::Dialect;

/// Whether foreign keys were switched off for a step, to switch them on again after it.
#[must_use]
pub(super) struct ForeignKeys {
    restore: bool,
}

/// Before the step's transaction: switches SQLite's foreign keys off when the step may
/// rebuild a table. `section` comes with its statements; `in_transaction`: a transaction is
/// already open (one around the whole run), where the switch can't be made.
pub(super) fn before_transaction(
    sink: &mut dyn Sink,
    section: Option<(&Section, &[Statement<'_>])>,
    in_transaction: bool,
) -> Result<ForeignKeys, RunError> {
    let none = ForeignKeys { restore: false };
    let Some((_, statements)) = section.filter(|(s, _)| s.dialect.is_none() || s.portable) else {
        return Ok(none);
    };
    if sink.dialect() != Dialect::Sqlite || !rebuilds(sink, statements)? {
        return Ok(none);
    }
    let on = match sink.query("PRAGMA foreign_keys")? {
        Some(rows) => rows.first().is_some_and(|v| v == "1"),
        None => true, // offline: as SQLite's procedure assumes
    };
    if !on {
        return Ok(none);
    }
    if in_transaction {
        if sink.query("SELECT 1")?.is_none() {
            return Ok(none);
        }
        return Err(RunError::RebuildInWholeRun);
    }
    sink.statement("PRAGMA foreign_keys = OFF")?;
    Ok(ForeignKeys { restore: true })
}

/// Whether the section's statements will rebuild a table: a dry run of their translation on
/// a copy of the schema as it stands (read outside the transaction; nothing is written). A
/// statement the dry run can't translate counts as a rebuild, to stay on the safe side.
fn rebuilds(sink: &mut dyn Sink, statements: &[Statement<'_>]) -> Result<bool, RunError> {
    if !statements
        .iter()
        .any(|s| may_rebuild(s.sql, Dialect::Sqlite))
    {
        return Ok(false);
    }
    let mut model = sink.schema()?;
    for stmt in statements {
        let Ok(emits) = translate(stmt.sql, Dialect::Sqlite, &mut || Ok(model.clone())) else {
            return Ok(true);
        };
        for emit in emits {
            match emit {
                Emit::ForeignKeyCheck { .. } => return Ok(true),
                Emit::Sql(sql) => {
                    apply_sql(&mut model, &sql);
                }
            }
        }
    }
    Ok(false)
}

/// After the step's transaction: switches foreign keys back on if they were switched off.
pub(super) fn after_transaction(sink: &mut dyn Sink, fk: ForeignKeys) -> Result<(), RunError> {
    if fk.restore {
        sink.statement("PRAGMA foreign_keys = ON")?;
    }
    Ok(())
}

/// Why a statement of a migration failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StatementError {
    /// The database (or the SQL output) refused it.
    #[error(transparent)]
    Sink(#[from] SinkError),
    /// A plain section's statement that can't be translated for the dialect.
    #[error("{0}")]
    Translate(String),
    /// A SQLite table rebuild left rows whose foreign keys point nowhere.
    #[error(
        "foreign key violation after rebuilding table '{rebuilt}': {rows} row(s) of table \
         '{table}' reference rows that don't exist (PRAGMA foreign_key_check)"
    )]
    ForeignKeyViolation {
        rebuilt: String,
        table: String,
        rows: usize,
    },
}

/// Runs one statement of `section`, translated for the sink's dialect when the section is
/// plain.
pub(super) fn statement(
    sink: &mut dyn Sink,
    sql: &str,
    section: &Section,
) -> Result<(), StatementError> {
    if (section.dialect.is_some() && !section.portable) || runs_as_written_on(sql, sink.dialect()) {
        return Ok(sink.run(sql)?);
    }
    let dialect = sink.dialect();
    // The translator reads the schema through a closure that speaks in messages; a sink
    // error met there is kept aside, so that it reaches the user whole.
    let mut schema_error = None;
    let translated = translate(sql, dialect, &mut || {
        sink.schema().map_err(|e| {
            let message = e.to_string();
            schema_error = Some(e);
            message
        })
    });
    let emits = match (translated, schema_error) {
        (Ok(emits), _) => emits,
        (Err(_), Some(e)) => return Err(e.into()),
        (Err(message), None) => return Err(StatementError::Translate(message)),
    };
    for emit in emits {
        match emit {
            Emit::Sql(sql) => sink.run(&sql)?,
            Emit::ForeignKeyCheck { rebuilt, tables } => {
                for table in tables {
                    let check =
                        format!("PRAGMA foreign_key_check({})", dialect.quote_ident(&table));
                    match sink.query(&check)? {
                        Some(rows) if !rows.is_empty() => {
                            return Err(StatementError::ForeignKeyViolation {
                                rebuilt,
                                table,
                                rows: rows.len(),
                            })
                        }
                        Some(_) => {}
                        None => {
                            sink.statement(&check)?;
                        }
                    }
                }
            }
        }
    }
    Ok(())
}

/// Applies to `schema` the upgrade sections of `plan` on `dialect` (offline mode's starting
/// point when the run starts after base). Statements outside the model are skipped.
pub fn replay(
    schema: &mut Schema,
    plan: &Plan,
    scripts: &std::collections::HashMap<String, Script>,
    dialect: Dialect,
) {
    for step in plan
        .steps
        .iter()
        .filter(|s| s.kind == StepKind::Migrate(Direction::Upgrade))
    {
        let Some(script) = step.revision.as_ref().and_then(|r| scripts.get(r)) else {
            continue;
        };
        if let Some(section) = script.section(Direction::Upgrade, dialect) {
            // A section that does not split fails the run's own check before anything runs.
            let statements = split_with(&section.sql, Comments::of(dialect)).unwrap_or_default();
            for stmt in statements {
                apply_sql(schema, stmt.sql);
            }
        }
    }
}
