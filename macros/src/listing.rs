//! The script files of the version locations, by the directory loader's rules: regular files
//! (symbolic links followed) named `*.sql`, or `*.py` but `__init__*`, never `.#*`; sorted by
//! name within a location, locations in order; a file reached twice is listed once.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// Every script file of `locations`, in load order.
pub fn script_files(locations: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for location in locations {
        for path in location_files(location)? {
            let resolved = std::fs::canonicalize(&path).unwrap_or_else(|_| path.clone());
            if seen.insert(resolved) {
                out.push(path);
            }
        }
    }
    Ok(out)
}

fn location_files(location: &Path) -> Result<Vec<PathBuf>, String> {
    if !location.is_dir() {
        return Err(format!(
            "embed!: version location {} is not a directory",
            location.display()
        ));
    }
    let entries = std::fs::read_dir(location)
        .map_err(|e| format!("embed!: can't list {}: {e}", location.display()))?;
    let mut files = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| format!("embed!: can't list {}: {e}", location.display()))?;
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        let path = entry.path();
        if is_script_name(name) && path.is_file() {
            files.push(path);
        }
    }
    files.sort_by(|a, b| a.as_os_str().cmp(b.as_os_str()));
    Ok(files)
}

/// The directory loader's rule for a revision's file name.
fn is_script_name(name: &str) -> bool {
    !name.starts_with(".#")
        && (name.ends_with(".sql") || (name.ends_with(".py") && !name.starts_with("__init__")))
}
