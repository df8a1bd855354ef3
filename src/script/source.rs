//! Where a project's revision scripts come from: an `alembic.ini`, a script directory on
//! disk, or a set compiled into the binary by the `embed!` macro.
//!
//! The three yield the same [`Script`] values: `.sql` and `.py` files alike are parsed by
//! [`parse_script_bytes`], so a history behaves the same whether it is read at run time or
//! embedded. An embedded set holds each file's path (relative to the embedding crate's
//! manifest directory, for messages), its bytes, and the ini's text when one was embedded;
//! loading it reads no file.

use std::path::{Path, PathBuf};

use super::{parse_script_bytes, Checksums, Script, ScriptError};
use crate::parallel::in_order_on_threads;

/// The revision scripts of a project.
#[derive(Clone, Copy, Debug)]
pub enum ScriptSource<'a> {
    /// An `alembic.ini`: its `[alembic]` section's `script_location` and
    /// `version_locations`, and its settings (`version_table`, `lock_timeout`,
    /// `transaction_per_migration`, …).
    Ini(&'a Path),
    /// A script directory (what `script_location` names): the scripts of its `versions/`
    /// folder, default settings.
    Directory(&'a Path),
    /// A set compiled into the binary by `embed!`.
    Embedded(&'static EmbeddedScripts),
}

impl From<&'static EmbeddedScripts> for ScriptSource<'_> {
    fn from(set: &'static EmbeddedScripts) -> Self {
        ScriptSource::Embedded(set)
    }
}

/// One script file compiled into the binary.
#[derive(Clone, Copy, Debug)]
pub struct EmbeddedFile {
    /// The file's path, relative to the embedding crate's manifest directory.
    pub path: &'static str,
    /// The file's bytes.
    pub bytes: &'static [u8],
}

/// The scripts of a project, compiled into the binary by `embed!`: every script file of each
/// version location, locations in order, files sorted by name within one (the order the
/// directory loader uses), with the same file-name rules.
#[derive(Debug)]
pub struct EmbeddedScripts {
    root: &'static str,
    ini: Option<&'static str>,
    locations: &'static [&'static str],
    files: &'static [EmbeddedFile],
}

impl EmbeddedScripts {
    /// The set the `embed!` macro builds: `root` as the macro was given it, the ini's text when
    /// `root` is an ini file, the version locations and the files (paths relative to the
    /// embedding crate's manifest directory).
    pub const fn new(
        root: &'static str,
        ini: Option<&'static str>,
        locations: &'static [&'static str],
        files: &'static [EmbeddedFile],
    ) -> EmbeddedScripts {
        EmbeddedScripts {
            root,
            ini,
            locations,
            files,
        }
    }

    /// The path the set was embedded from (a script directory or an ini file).
    pub fn root(&self) -> &'static str {
        self.root
    }

    /// The embedded ini's text, if the set was embedded from one.
    pub fn ini(&self) -> Option<&'static str> {
        self.ini
    }

    /// The version locations the files were read from.
    pub fn locations(&self) -> Vec<PathBuf> {
        self.locations.iter().map(PathBuf::from).collect()
    }

    /// The embedded files, in load order.
    pub fn files(&self) -> &'static [EmbeddedFile] {
        self.files
    }

    /// Parses every file, in order; the error is the first failing file's.
    pub fn load(&self, checksums: Checksums) -> Result<Vec<Script>, ScriptError> {
        in_order_on_threads(self.files, |file, _| {
            parse_script_bytes(Path::new(file.path), file.bytes, checksums)
        })
        .into_iter()
        .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    static SET: EmbeddedScripts = EmbeddedScripts::new(
        "m",
        None,
        &["m/versions"],
        &[
            EmbeddedFile {
                path: "m/versions/1_a.sql",
                bytes: b"-- revision: a\n-- down_revision:\n\n-- +upgrade\nSELECT 1;\n",
            },
            EmbeddedFile {
                path: "m/versions/2_b.py",
                bytes: b"revision = 'b'\ndown_revision = 'a'\n\ndef upgrade():\n    pass\n",
            },
        ],
    );

    #[test]
    fn an_embedded_set_yields_sql_and_python_scripts_in_order_with_checksums() {
        let scripts = SET.load(Checksums::Compute).unwrap();
        let ids: Vec<_> = scripts.iter().map(|s| s.revision.as_str()).collect();
        assert_eq!(ids, ["a", "b"]);
        assert_eq!(scripts[1].down_revisions, ["a"]);
        assert_eq!(scripts[0].path, Path::new("m/versions/1_a.sql"));
        assert_eq!(
            scripts[0].checksum.as_deref(),
            Some(super::super::checksum(SET.files()[0].bytes).as_str())
        );
    }

    #[test]
    fn a_bad_embedded_file_is_named_by_its_path() {
        static BAD: EmbeddedScripts = EmbeddedScripts::new(
            "m",
            None,
            &["m/versions"],
            &[EmbeddedFile {
                path: "m/versions/x.sql",
                bytes: b"-- revision: a\n-- down_revision:\nSELECT 1;\n",
            }],
        );
        let err = BAD.load(Checksums::Skip).unwrap_err().to_string();
        assert!(err.starts_with("m/versions/x.sql:3:"), "{err}");
    }
}
