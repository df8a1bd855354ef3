//! One module per group of commands.

pub mod check;
pub mod edit;
pub mod init;
pub mod inspect;
pub mod migrate;
pub mod revision;
pub mod verify;

use litekb_migrations::project::Project;
use litekb_migrations::Result;

use crate::cli::settings::Settings;

/// The version table's rows, read without creating the table.
pub fn version_rows(settings: &Settings, project: &Project) -> Result<Vec<String>> {
    let url = settings.url(&project.config)?;
    let mut db = migrate::connect(settings.printer, &url)?;
    Ok(litekb_migrations::db::read_heads(
        db.as_mut(),
        &project.version_table,
    )?)
}
