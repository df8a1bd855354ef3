//! `check`: compares `models.sql` with the database; exit 1 when an upgrade would be generated.

use std::io::Write;

use crate::ops::compare;
use crate::project::Project;
use crate::schema::{Change, Schema};
use crate::{Dialect, Result};

use serde_json::Value;

use super::migrate::connect_to_read;
use crate::cli::args::FormatArg;
use crate::cli::json;
use crate::cli::settings::Settings;
use crate::cli::ExitStatus;

/// `check`: `No new upgrade operations detected.` (exit 0), or one line per difference and
/// `FAILED: New upgrade operations detected: N` (exit 3). With `--format json`, the
/// differences as a JSON document on stdout instead of the lines (the status is the same).
pub fn check(settings: &Settings, args: &FormatArg) -> Result<ExitStatus> {
    let project = settings.project()?;
    let changes = detect(settings, project)?;
    if args.json() {
        let list = changes.iter().map(json::difference).collect();
        json::print(settings.printer, "differences", Value::Array(list));
    } else if changes.is_empty() {
        settings.printer.line("No new upgrade operations detected.");
        return Ok(ExitStatus::Success);
    }
    if changes.is_empty() {
        return Ok(ExitStatus::Success);
    }
    if !args.json() {
        for change in &changes {
            settings.printer.line(&change.describe());
        }
    }
    Ok(ExitStatus::No(format!(
        "New upgrade operations detected: {}",
        changes.len()
    )))
}

/// Connects to the project's database and compares it with `models.sql`; prints on stderr,
/// once per kind, what `models.sql` declares that can't mean the same on both engines.
pub fn detect(settings: &Settings, project: &Project) -> Result<Vec<Change>> {
    Ok(detect_on(settings, project)?.0)
}

/// [`detect`], with the engine the database runs on.
pub fn detect_on(settings: &Settings, project: &Project) -> Result<(Vec<Change>, Schema, Dialect)> {
    let url = settings.url(&project.config)?;
    let mut db = connect_to_read(super::ReadWait::of(settings, &project.config)?, &url)?;
    let found = compare(project, db.as_mut())?;
    let mut lines = String::new();
    for warning in &found.warnings {
        lines.push_str(&format!("WARNING: {warning}\n"));
    }
    settings.printer.warn(&lines);
    Ok((found.changes, found.live, db.dialect()))
}

/// Logs each difference on stderr, as Alembic's autogenerate does.
pub fn log_detected(changes: &[Change]) {
    let mut err = std::io::stderr().lock();
    for change in changes {
        let _ = writeln!(
            err,
            "INFO  [alembic.autogenerate.compare] Detected {}",
            change.describe()
        );
    }
}
