//! Why SQLite could not write a database file: the permission that is missing, and on which
//! path. SQLite says only "attempt to write a readonly database" or "unable to open database
//! file"; these checks run after such a failure, never before a run.

use std::fs::OpenOptions;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};

/// For a write to the database file at `path` that failed, `permission denied: …` naming the
/// file or directory this user may not write, if that is the cause. The directory is tried
/// by creating the file SQLite would create there (the database itself when missing, else
/// its rollback journal), removed at once.
pub fn permission_note(path: &Path) -> Option<String> {
    let file = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let dir = file
        .parent()
        .map_or_else(|| PathBuf::from("/"), Path::to_path_buf);
    if file.exists() {
        if denied(OpenOptions::new().write(true).open(&file)) {
            return Some(format!(
                "permission denied: this user may not write the database file {}",
                file.display()
            ));
        }
        let mut journal = file.clone().into_os_string();
        journal.push("-journal");
        return creation_denied(Path::new(&journal)).then(|| {
            format!(
                "permission denied: this user may not create files in {}, where SQLite keeps the journal of {}",
                dir.display(),
                file.display()
            )
        });
    }
    creation_denied(&file).then(|| {
        format!(
            "permission denied: this user may not create the database file {} in {}",
            file.display(),
            dir.display()
        )
    })
}

/// Whether creating `path` (absent) is refused for lack of permission; a file made by the
/// attempt is removed.
fn creation_denied(path: &Path) -> bool {
    let created = OpenOptions::new().write(true).create_new(true).open(path);
    if created.is_ok() {
        let _ = std::fs::remove_file(path);
    }
    denied(created)
}

fn denied<T>(result: std::io::Result<T>) -> bool {
    matches!(result, Err(e) if matches!(e.kind(), ErrorKind::PermissionDenied | ErrorKind::ReadOnlyFilesystem))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_writable_file_and_directory_have_no_note() {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = dir.path().join("x.db");
        assert_eq!(permission_note(&db), None);
        assert!(!db.exists(), "the probe left its file behind");
        std::fs::write(&db, b"").expect("write");
        assert_eq!(permission_note(&db), None);
        assert!(!dir.path().join("x.db-journal").exists());
    }
}
