//! Reading and writing script files: the only file-system I/O of `script`.
//!
//! A version location is read non-recursively: its regular files (symlinks followed) whose
//! names end in `.sql` or `.py` and do not start with `.#` (editor lock files), in file-name
//! order, `.sql` and `.py` files mixed. As Alembic does, `__init__*.py` is not a revision,
//! nor is anything in `__pycache__` or any other name (`.pyc`, `README`).
//! A location that does not exist is an error (Alembic silently skips it; a typo in
//! `version_locations` would then look like an empty history). A file reached twice through
//! overlapping locations is loaded once, as Alembic does. A `.sql` file with no header at all
//! (notes, a scratch query) is not a revision: it is skipped, and named for a warning.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use super::{checksum, parse_python_script, Script, ScriptError};
use crate::parallel::{in_order_on_threads, read_into};

/// Whether loading takes each script's checksum.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Checksums {
    /// For commands that run scripts and record them in the history table.
    Compute,
    /// For commands that only read the graph.
    Skip,
}

/// The scripts of the version locations, the script names that were symbolic links to
/// nothing, and the `.sql` files without a header (both skipped: a warning's business).
#[derive(Debug, Default)]
pub struct Loaded {
    pub scripts: Vec<Script>,
    pub dangling: Vec<PathBuf>,
    pub headerless: Vec<PathBuf>,
}

/// Loads every `*.sql` script of each location, sorted by file name within a location,
/// locations in the order given.
pub fn load_scripts(locations: &[PathBuf], checksums: Checksums) -> Result<Loaded, ScriptError> {
    let mut scripts = Vec::new();
    let mut dangling = Vec::new();
    let mut headerless = Vec::new();
    let mut seen: HashSet<PathBuf> = HashSet::new();
    for location in locations {
        let entries = script_entries(location, &mut dangling)?;
        // Names in one directory are unique, so with one location and no symbolic links no
        // file can be reached twice and there is nothing to resolve.
        let paths: Vec<PathBuf> = if locations.len() == 1 && !entries.iter().any(|e| e.symlink) {
            entries.into_iter().map(|entry| entry.path).collect()
        } else {
            // A regular file's canonical path is its canonical directory joined with its
            // name, so the directory is resolved once and only symlinks one by one.
            let canonical_dir = std::fs::canonicalize(location).ok();
            let mut paths = Vec::new();
            for entry in entries {
                let resolved = match (&canonical_dir, entry.symlink) {
                    (Some(dir), false) => entry.path.file_name().map(|name| dir.join(name)),
                    _ => std::fs::canonicalize(&entry.path).ok(),
                }
                .unwrap_or_else(|| entry.path.clone());
                if seen.insert(resolved) {
                    paths.push(entry.path);
                }
            }
            paths
        };
        // Location by location, so that a bad file is reported before a later location is
        // even listed, as when every file was read in turn.
        let loaded = read_scripts(&paths, checksums, &mut headerless)?;
        if scripts.is_empty() {
            scripts = loaded;
        } else {
            scripts.extend(loaded);
        }
    }
    Ok(Loaded {
        scripts,
        dangling,
        headerless,
    })
}

/// Reads and parses `paths`, in order, on a few threads when there are many; the error is
/// the one of the first failing file in order, as a one-by-one read would report. Files
/// without a header go to `headerless`.
fn read_scripts(
    paths: &[PathBuf],
    checksums: Checksums,
    headerless: &mut Vec<PathBuf>,
) -> Result<Vec<Script>, ScriptError> {
    let mut scripts = Vec::with_capacity(paths.len());
    for read in in_order_on_threads(paths, |path, buf| read_script_with(path, buf, checksums)) {
        match read {
            Ok(script) => scripts.push(script),
            Err(ScriptError::NotARevision { path }) => headerless.push(path),
            Err(err) => return Err(err),
        }
    }
    Ok(scripts)
}

/// The script files of one location, sorted by file name.
pub fn script_files(location: &Path) -> Result<Vec<PathBuf>, ScriptError> {
    Ok(script_entries(location, &mut Vec::new())?
        .into_iter()
        .map(|entry| entry.path)
        .collect())
}

/// A script file found in a location.
struct ScriptEntry {
    path: PathBuf,
    /// Reached through a symbolic link.
    symlink: bool,
}

/// The script files of one location, sorted by file name, noting which are symlinks; script
/// names that are symlinks to nothing go to `dangling`.
fn script_entries(
    location: &Path,
    dangling: &mut Vec<PathBuf>,
) -> Result<Vec<ScriptEntry>, ScriptError> {
    let read_err = |source: std::io::Error| ScriptError::Read {
        path: location.to_path_buf(),
        source,
    };
    if location.exists() && !location.is_dir() {
        return Err(ScriptError::NotADirectory {
            path: location.to_path_buf(),
        });
    }
    if !location.is_dir() {
        return Err(ScriptError::MissingDir {
            path: location.to_path_buf(),
        });
    }
    let mut files = Vec::new();
    for entry in std::fs::read_dir(location).map_err(read_err)? {
        let entry = entry.map_err(read_err)?;
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if !is_script_name(&name) {
            continue;
        }
        let path = entry.path();
        // The directory entry's type usually comes with it, without a `stat`; symlinks are
        // followed, and a dangling link or a directory named `x.sql` is skipped.
        let file_type = entry.file_type().ok();
        let symlink = file_type.is_some_and(|t| t.is_symlink());
        let is_file = match file_type {
            Some(t) if !symlink => t.is_file(),
            _ => match std::fs::metadata(&path) {
                Ok(m) => m.is_file(),
                Err(e) => {
                    if symlink && e.kind() == std::io::ErrorKind::NotFound {
                        dangling.push(path.clone());
                    }
                    false
                }
            },
        };
        if is_file {
            files.push(ScriptEntry { path, symlink });
        }
    }
    // Every path is `location` joined with a name, so comparing whole paths as bytes orders
    // them by name, without splitting each path into components at every comparison.
    files.sort_by(|a, b| a.path.as_os_str().cmp(b.path.as_os_str()));
    Ok(files)
}

/// Whether a file name is a revision's: `*.sql`, or `*.py` as Alembic lists them (not
/// `__init__*`); never an editor's `.#` lock file.
pub fn is_script_name(name: &str) -> bool {
    if name.starts_with(".#") {
        return false;
    }
    name.ends_with(".sql") || (name.ends_with(".py") && !name.starts_with("__init__"))
}

/// With Alembic's `sourceless = true`, a compiled `.pyc`/`.pyo` revision without its `.py`
/// source (beside it, or in `__pycache__`) would be loaded; this tool reads only source, so
/// such a file is refused rather than silently left out of the graph.
pub fn check_sourceless(locations: &[PathBuf]) -> Result<(), ScriptError> {
    for location in locations {
        let sources: HashSet<String> = script_files(location)?
            .iter()
            .filter_map(|p| {
                p.file_name()?
                    .to_str()?
                    .split('.')
                    .next()
                    .map(str::to_string)
            })
            .collect();
        for dir in [location.clone(), location.join("__pycache__")] {
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            for entry in entries.flatten() {
                let name = entry.file_name().to_string_lossy().into_owned();
                let compiled = name.ends_with(".pyc") || name.ends_with(".pyo");
                let stem = name.split('.').next().unwrap_or("");
                if compiled && !name.starts_with("__init__") && !sources.contains(stem) {
                    return Err(ScriptError::Python(crate::python::PythonError {
                        path: entry.path().display().to_string(),
                        line: 1,
                        message: "a compiled revision without its .py source; this tool reads revisions from source only (keep the .py files, or set sourceless = false)".to_string(),
                    }));
                }
            }
        }
    }
    Ok(())
}

/// Reads and parses one script file, reading through `buf`.
fn read_script_with(
    path: &Path,
    buf: &mut Vec<u8>,
    checksums: Checksums,
) -> Result<Script, ScriptError> {
    let bytes = read_into(path, buf).map_err(|source| ScriptError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    parse_script_bytes(path, bytes, checksums)
}

/// Parses a script's bytes (a `.py` revision by its extension, else a `.sql` script), taking
/// their checksum when asked; `path` names the script in errors and in the value.
pub fn parse_script_bytes(
    path: &Path,
    bytes: &[u8],
    checksums: Checksums,
) -> Result<Script, ScriptError> {
    let text = std::str::from_utf8(bytes).map_err(|_| ScriptError::NotUtf8 {
        path: path.to_path_buf(),
    })?;
    let mut script = if path.extension().is_some_and(|e| e == "py") {
        parse_python_script(path, text)?
    } else {
        Script::parse(path, text)?
    };
    if checksums == Checksums::Compute {
        script.checksum = Some(checksum(bytes));
    }
    Ok(script)
}

impl Script {
    /// The script's [`checksum`]: the one taken when it was loaded, else that of its file as it
    /// is on disk now, read through `buf`.
    pub fn checksum_with(&self, buf: &mut Vec<u8>) -> Result<String, ScriptError> {
        if let Some(sum) = &self.checksum {
            return Ok(sum.clone());
        }
        let bytes = read_into(&self.path, buf).map_err(|source| ScriptError::Read {
            path: self.path.clone(),
            source,
        })?;
        Ok(checksum(bytes))
    }
}

/// Writes a new script, creating the directory when missing; refuses to overwrite.
pub fn write_new_script(path: &Path, text: &str) -> Result<(), ScriptError> {
    use std::io::Write;
    let write_err = |path: &Path, source: std::io::Error| ScriptError::Write {
        path: path.to_path_buf(),
        source,
    };
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|e| write_err(parent, e))?;
    }
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| write_err(path, e))?;
    file.write_all(text.as_bytes())
        .and_then(|()| file.sync_all())
        .map_err(|e| write_err(path, e))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parallel::PARALLEL_MIN_ITEMS;

    fn tempdir() -> tempfile::TempDir {
        match tempfile::tempdir() {
            Ok(dir) => dir,
            Err(err) => panic!("{err}"),
        }
    }

    fn write(path: &Path, text: &str) {
        if let Err(err) = write_new_script(path, text) {
            panic!("{err}");
        }
    }

    fn script(rev: &str, down: &str) -> String {
        format!("-- revision: {rev}\n-- down_revision: {down}\n\n-- +upgrade\nSELECT 1;\n")
    }

    #[test]
    fn loads_sorted_filtered_scripts_in_location_order() {
        let dir = tempdir();
        let a = dir.path().join("a");
        let b = dir.path().join("b");
        write(&a.join("2_second.sql"), &script("r2", "r1"));
        write(&a.join("1_first.sql"), &script("r1", ""));
        write(&a.join(".#1_first.sql"), "garbage");
        write(&a.join("notes.txt"), "garbage");
        write(&a.join("README"), "garbage");
        if let Err(err) = std::fs::create_dir_all(a.join("dir.sql")) {
            panic!("{err}");
        }
        write(&b.join("0_other.sql"), &script("o1", "r2"));
        let scripts = match load_scripts(&[a.clone(), b.clone(), a.clone()], Checksums::Skip) {
            Ok(s) => s.scripts,
            Err(err) => panic!("{err}"),
        };
        let ids: Vec<&str> = scripts.iter().map(|s| s.revision.as_str()).collect();
        assert_eq!(ids, vec!["r1", "r2", "o1"]);
        assert_eq!(scripts[0].path, a.join("1_first.sql"));
    }

    #[cfg(unix)]
    #[test]
    fn a_file_reached_through_symlinks_loads_once() {
        let dir = tempdir();
        let a = dir.path().join("a");
        write(&a.join("1_first.sql"), &script("r1", ""));
        write(&a.join("2_second.sql"), &script("r2", "r1"));
        let linked = |target: &Path, link: &Path| {
            if let Err(err) = std::os::unix::fs::symlink(target, link) {
                panic!("{err}");
            }
        };
        // A link beside its target, in the one location.
        linked(&a.join("1_first.sql"), &a.join("3_alias.sql"));
        // A second location that is a link to the first.
        linked(&a, &dir.path().join("b"));
        for locations in [vec![a.clone()], vec![a.clone(), dir.path().join("b")]] {
            let scripts = match load_scripts(&locations, Checksums::Skip) {
                Ok(s) => s.scripts,
                Err(err) => panic!("{err}"),
            };
            let ids: Vec<&str> = scripts.iter().map(|s| s.revision.as_str()).collect();
            assert_eq!(ids, vec!["r1", "r2"], "{locations:?}");
        }
    }

    #[test]
    fn checksums_are_taken_of_the_bytes_loaded_when_asked() {
        let dir = tempdir();
        let v = dir.path().join("v");
        let text = "-- revision: r1\r\n-- down_revision:\r\n\r\n-- +upgrade\r\nSELECT 1;\r\n";
        write(&v.join("1.sql"), text);
        let load = |checksums| match load_scripts(std::slice::from_ref(&v), checksums) {
            Ok(mut s) => s.scripts.remove(0),
            Err(err) => panic!("{err}"),
        };
        assert_eq!(load(Checksums::Skip).checksum, None);
        assert_eq!(
            load(Checksums::Compute).checksum,
            Some(checksum(text.as_bytes()))
        );
    }

    #[test]
    fn missing_location_and_bad_files() {
        let dir = tempdir();
        let missing = dir.path().join("nowhere");
        match load_scripts(std::slice::from_ref(&missing), Checksums::Skip) {
            Err(err @ ScriptError::MissingDir { .. }) => assert_eq!(
                err.to_string(),
                format!(
                    "Path doesn't exist: {}.  Please use the 'init' command to create a new scripts folder.",
                    missing.display()
                )
            ),
            other => panic!("{other:?}"),
        }

        let v = dir.path().join("v");
        let file = v.join("bad.sql");
        if let Err(err) =
            std::fs::create_dir_all(&v).and_then(|()| std::fs::write(&file, b"-- revision: \xff\n"))
        {
            panic!("{err}");
        }
        match load_scripts(std::slice::from_ref(&v), Checksums::Skip) {
            Err(ScriptError::NotUtf8 { path }) => assert_eq!(path, file),
            other => panic!("{other:?}"),
        }

        if let Err(err) = std::fs::write(&file, "-- revision: a\n-- down_revision:\nSELECT 1;\n") {
            panic!("{err}");
        }
        match load_scripts(std::slice::from_ref(&v), Checksums::Skip) {
            Err(ScriptError::Syntax { path, line, .. }) => {
                assert_eq!(path, file);
                assert_eq!(line, 3);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn many_files_load_in_order_and_report_the_first_bad_one() {
        let dir = tempdir();
        let v = dir.path().join("v");
        let n = PARALLEL_MIN_ITEMS * 3;
        for i in 0..n {
            let down = if i == 0 {
                String::new()
            } else {
                format!("r{:04}", i - 1)
            };
            write(
                &v.join(format!("{i:04}_x.sql")),
                &script(&format!("r{i:04}"), &down),
            );
        }
        let scripts = match load_scripts(std::slice::from_ref(&v), Checksums::Skip) {
            Ok(s) => s.scripts,
            Err(err) => panic!("{err}"),
        };
        let ids: Vec<String> = scripts.iter().map(|s| s.revision.clone()).collect();
        let expected: Vec<String> = (0..n).map(|i| format!("r{i:04}")).collect();
        assert_eq!(ids, expected);

        // Two broken files, in different threads' shares: the first in name order is named.
        let early = v.join(format!("{:04}_x.sql", PARALLEL_MIN_ITEMS + 1));
        let late = v.join(format!("{:04}_x.sql", n - 2));
        for path in [&late, &early] {
            if let Err(err) = std::fs::write(path, "-- revision: a\n-- down_revision:\nSELECT 1;\n")
            {
                panic!("{err}");
            }
        }
        match load_scripts(std::slice::from_ref(&v), Checksums::Skip) {
            Err(ScriptError::Syntax { path, .. }) => assert_eq!(path, early),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn write_creates_dirs_and_refuses_to_overwrite() {
        let dir = tempdir();
        let path = dir.path().join("deep/er/versions/x.sql");
        write(&path, "one");
        assert_eq!(std::fs::read_to_string(&path).ok().as_deref(), Some("one"));
        match write_new_script(&path, "two") {
            Err(err @ ScriptError::Write { .. }) => {
                assert!(err.to_string().contains("x.sql"), "{err}");
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(std::fs::read_to_string(&path).ok().as_deref(), Some("one"));
    }
}
