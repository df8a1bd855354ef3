//! `verify`: lists applied scripts that changed on disk since they ran.
//!
//! A dedicated command rather than part of `check`, which compares `models.sql` with the
//! database (Alembic's meaning): the two answer different questions and a CI gate may want
//! one without the other. Each applied revision whose script's checksum differs from the one
//! recorded in the history table is listed on stdout, and the answer is "no" (exit 3). Applied
//! revisions with no recorded checksum — applied by Python Alembic or stamped — are listed
//! too, but are not a failure: nothing says they changed.

use crate::ops::{verify as verify_applied, Verification};
use crate::project::absolute;
use crate::Result;

use super::migrate::connect_to_read;
use crate::cli::args::FormatArg;
use crate::cli::json;
use crate::cli::output::Printer;
use crate::cli::settings::Settings;
use crate::cli::ExitStatus;

/// `verify`; with `--format json`, the same findings as a JSON document (same status).
pub fn verify(settings: &Settings, args: &FormatArg) -> Result<ExitStatus> {
    let project = settings.project_with_checksums()?;
    let url = settings.url(&project.config)?;
    let mut db = connect_to_read(super::ReadWait::of(settings, &project.config)?, &url)?;
    let found = verify_applied(project, db.as_mut())?;
    let p = settings.printer;
    if args.json() {
        json::print(p, "scripts", json::verification(project, &found));
    } else {
        print_lines(p, &found);
    }
    if found.changed.is_empty() {
        return Ok(ExitStatus::Success);
    }
    let ids: Vec<&str> = found.changed.iter().map(|(rev, _)| rev.as_str()).collect();
    Ok(ExitStatus::No(format!(
        "{} applied script{} changed since {} ran: {}",
        ids.len(),
        if ids.len() == 1 { "" } else { "s" },
        if ids.len() == 1 { "it" } else { "they" },
        ids.join(", ")
    )))
}

/// The findings as lines: the revisions without a checksum, then the changed ones.
fn print_lines(p: Printer, found: &Verification) {
    for rev in &found.unrecorded {
        p.line(&format!(
            "{rev} has no recorded checksum (applied by Python Alembic or stamped)"
        ));
    }
    for (rev, path) in &found.changed {
        p.line(&format!(
            "{rev} changed since it was applied: {}",
            absolute(path).display()
        ));
    }
}
