//! The start-up guard: [`Migrator::verify`] refuses a database that is ahead of the history
//! the service carries, or diverged from it, before the service serves on it.
//!
//! Ahead or diverged means the version table names a revision the history doesn't have (a
//! newer build migrated it, or another branch did). Edited means an applied revision's script
//! is not the one that ran: its checksum differs from the one the history table recorded.
//! A database behind the history (pending migrations) is fine: that is what `upgrade` is for.

use std::path::PathBuf;

use super::{DbRef, Migrator};
use crate::db::read_heads;
use crate::ops::{verify, Verification};
use crate::script::Checksums;

/// Why [`Migrator::verify`] refuses the database.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum VerifyError {
    /// The version table names revisions the history doesn't have.
    #[error(
        "the database is at revision {} that this history doesn't have: a newer build or \
         another branch migrated it",
        ids.join(", ")
    )]
    UnknownRevisions { ids: Vec<String> },
    /// Applied revisions whose script changed since it ran, each with its script's path.
    #[error(
        "applied revision {} changed since it ran ({})",
        .revisions.iter().map(|(id, _)| id.as_str()).collect::<Vec<_>>().join(", "),
        .revisions.iter().map(|(_, p)| p.display().to_string()).collect::<Vec<_>>().join(", ")
    )]
    EditedScripts { revisions: Vec<(String, PathBuf)> },
    /// The check itself failed (the database could not be reached or read, a script not
    /// loaded).
    #[error(transparent)]
    Check(#[from] crate::Error),
}

/// What the database holds: revisions it names that the history lacks, or the comparison.
enum Found {
    Unknown(Vec<String>),
    Compared(Verification),
}

impl Migrator<'_> {
    /// Checks the database against the history before a service starts on it: `Ok` with
    /// what was compared (revisions applied unchanged, and those with no recorded checksum:
    /// applied by Python Alembic, or stamped), or the typed reason to refuse.
    pub fn verify<'c>(&self, db: impl Into<DbRef<'c>>) -> Result<Verification, VerifyError> {
        let found = self.with_project(Checksums::Compute, |project| {
            db.into().with_database(&|db| {
                let rows = read_heads(db, &project.version_table)?;
                let unknown: Vec<String> = rows
                    .into_iter()
                    .filter(|id| project.map.get(id).is_none())
                    .collect();
                if !unknown.is_empty() {
                    return Ok(Found::Unknown(unknown));
                }
                Ok(Found::Compared(verify(project, db)?))
            })
        })?;
        match found {
            Found::Unknown(ids) => Err(VerifyError::UnknownRevisions { ids }),
            Found::Compared(v) if !v.changed.is_empty() => Err(VerifyError::EditedScripts {
                revisions: v.changed,
            }),
            Found::Compared(v) => Ok(v),
        }
    }
}
