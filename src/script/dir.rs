//! Reading and writing script files: the only file-system I/O of `script`. (stub)

use std::path::{Path, PathBuf};

use super::{Script, ScriptError};

/// Loads every `*.sql` script of each location, sorted by file name within a location,
/// locations in the order given.
pub fn load_scripts(locations: &[PathBuf]) -> Result<Vec<Script>, ScriptError> {
    let _ = locations;
    todo!()
}

/// Writes a new script, creating the directory when missing; refuses to overwrite.
pub fn write_new_script(path: &Path, text: &str) -> Result<(), ScriptError> {
    let _ = (path, text);
    todo!()
}
