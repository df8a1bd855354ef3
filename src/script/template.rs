//! New revision files. (stub: to be implemented)

use super::ScriptError;

/// The template `init` writes to `<script_location>/script.sql.j2`, also used when that file
/// is missing.
pub const DEFAULT_TEMPLATE: &str = "";

/// Everything a new script's text is made from.
#[derive(Clone, Debug, Default)]
pub struct NewScript {
    pub revision: String,
    pub down_revisions: Vec<String>,
    pub branch_labels: Vec<String>,
    pub depends_on: Vec<String>,
    pub message: String,
    pub create_date: String,
    /// Upgrade body; empty for a hand-written revision.
    pub upgrade: String,
    /// Downgrade body; `None` writes no downgrade section (irreversible).
    pub downgrade: Option<String>,
}

/// Renders a new script from a minijinja template.
pub fn render_script(template: &str, new: &NewScript) -> Result<String, ScriptError> {
    let _ = (template, new);
    todo!()
}

/// Alembic's slug: words of the message joined by `_`, lowercased, truncated at a word boundary.
pub fn slugify(message: &str, truncate: usize) -> String {
    let _ = (message, truncate);
    todo!()
}

/// The file name (with `.sql`) for `file_template` tokens `rev, slug, epoch, year, month, day,
/// hour, minute, second`.
pub fn file_name(
    file_template: &str,
    rev: &str,
    slug: &str,
    now: &jiff::Zoned,
) -> Result<String, ScriptError> {
    let _ = (file_template, rev, slug, now);
    todo!()
}
