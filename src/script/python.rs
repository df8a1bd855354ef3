//! Alembic's own `.py` revision files as [`Script`]s: the header read statically by
//! [`crate::python`], the bodies not (yet) lowered.
//!
//! A `.py` revision takes part in every command that reads the graph (`heads`, `history`,
//! `show`, `current`, `branches`, `stamp`, …) whatever its `upgrade()` and `downgrade()`
//! hold. Running one of its bodies is refused before a run starts (see
//! [`ScriptOrigin::Python`]).
//!
//! As Alembic does, a file with no `revision` assignment takes its id from a legacy file name
//! of hex digits (`1975ea83b712.py`), and is otherwise an error; `down_revision` is required.

use std::path::Path;

use super::{Script, ScriptError, ScriptOrigin};
use crate::python::{parse_module, Module, PythonError, RevisionHeader, StmtKind};
use crate::revision::is_valid_revision_id;

/// Parses a `.py` revision file's text; `path` is used in errors and kept in the value.
pub fn parse_python_script(path: &Path, text: &str) -> Result<Script, ScriptError> {
    let label = path.display().to_string();
    let error = |line: usize, message: String| {
        ScriptError::Python(PythonError {
            path: label.clone(),
            line,
            message,
        })
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let module = parse_module(&label, text).map_err(ScriptError::Python)?;
    let header = RevisionHeader::read(&label, &module).map_err(ScriptError::Python)?;
    let revision = match &header.revision {
        Some(assigned) => match &assigned.value {
            Some(id) => checked_id("revision", id, assigned.line).map_err(|(l, m)| error(l, m))?,
            None => return Err(error(assigned.line, "'revision' is None".to_string())),
        },
        None => legacy_id(path).ok_or_else(|| error(1, no_revision_message(path)))?,
    };
    let Some(down) = &header.down_revision else {
        return Err(error(
            1,
            "no 'down_revision' assignment (write 'down_revision = None' for a first revision)"
                .to_string(),
        ));
    };
    for id in &down.value {
        checked_id("down_revision", id, down.line).map_err(|(l, m)| error(l, m))?;
    }
    Ok(Script {
        path: path.to_path_buf(),
        revision,
        down_revisions: down.value.clone(),
        branch_labels: header.branch_labels,
        depends_on: header.depends_on,
        message: header.message,
        create_date: header.create_date,
        sections: Vec::new(),
        checksum: None,
        origin: ScriptOrigin::Python {
            refusal: Some(body_refusal(&module)),
        },
    })
}

/// Where and why running the module's bodies is refused: at its `upgrade()` (or the first
/// line, when it has none).
fn body_refusal(module: &Module) -> (usize, String) {
    let upgrade = module
        .body
        .iter()
        .find(|s| matches!(&s.kind, StmtKind::FunctionDef { name, .. } if name == "upgrade"));
    match upgrade {
        Some(def) => (
            def.line,
            "running the body of a Python revision".to_string(),
        ),
        None => (
            1,
            "a Python revision without an upgrade() function".to_string(),
        ),
    }
}

/// `id` if it is a revision id this tool accepts.
fn checked_id(key: &str, id: &str, line: usize) -> Result<String, (usize, String)> {
    if is_valid_revision_id(id) {
        return Ok(id.to_string());
    }
    Err((
        line,
        format!(
            "invalid revision id '{id}' in '{key}'; a revision id is 1 to 32 characters of 0-9, a-z, A-Z and _"
        ),
    ))
}

/// The id of a legacy file named by its revision alone: `[a-f0-9]+.py`.
fn legacy_id(path: &Path) -> Option<String> {
    let name = path.file_name()?.to_str()?;
    let stem = name.strip_suffix(".py")?;
    let hex = !stem.is_empty() && stem.bytes().all(|b| matches!(b, b'a'..=b'f' | b'0'..=b'9'));
    hex.then(|| stem.to_string())
}

/// Alembic's message for a module with no `revision`.
fn no_revision_message(path: &Path) -> String {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    format!(
        "Could not determine revision id from filename {name}. Be sure the 'revision' variable is declared inside the script (please see 'Upgrading from Alembic 0.1 to 0.2' in the documentation)."
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(name: &str, text: &str) -> Result<Script, String> {
        parse_python_script(Path::new(name), text).map_err(|e| e.to_string())
    }

    #[test]
    fn a_revision_with_an_annotated_header() {
        let script = match parse(
            "v/ae10_x.py",
            "\"\"\"add tags\n\nRevision ID: ae10\nRevises: 1a2b\nCreate Date: 2026-01-02 03:04:05\n\n\"\"\"\nrevision: str = 'ae10'\ndown_revision: Union[str, None] = '1a2b'\nbranch_labels = ('tags',)\ndepends_on = ['base_x']\n\ndef upgrade():\n    op.drop_table('x')\n",
        ) {
            Ok(s) => s,
            Err(e) => panic!("{e}"),
        };
        assert_eq!(script.revision, "ae10");
        assert_eq!(script.down_revisions, vec!["1a2b"]);
        assert_eq!(script.branch_labels, vec!["tags"]);
        assert_eq!(script.depends_on, vec!["base_x"]);
        assert_eq!(script.doc(), "add tags");
        assert_eq!(script.create_date.as_deref(), Some("2026-01-02 03:04:05"));
        assert_eq!(
            script.origin,
            ScriptOrigin::Python {
                refusal: Some((13, "running the body of a Python revision".to_string()))
            }
        );
        assert!(script.sections.is_empty());
    }

    #[test]
    fn ids_come_from_the_header_or_a_legacy_name() {
        let legacy = parse("v/1975ea83b712.py", "down_revision = None\n");
        assert_eq!(legacy.map(|s| s.revision), Ok("1975ea83b712".to_string()));
        assert_eq!(
            parse("v/add_x.py", "down_revision = None\n").err().as_deref(),
            Some("v/add_x.py:1: Could not determine revision id from filename add_x.py. Be sure the 'revision' variable is declared inside the script (please see 'Upgrading from Alembic 0.1 to 0.2' in the documentation).")
        );
        assert_eq!(
            parse("v/a.py", "revision = 'a'\n").err().as_deref(),
            Some("v/a.py:1: no 'down_revision' assignment (write 'down_revision = None' for a first revision)")
        );
        assert_eq!(
            parse("v/a.py", "revision = 'a'\ndown_revision = ('b', 'c-d')\n").err().as_deref(),
            Some("v/a.py:2: invalid revision id 'c-d' in 'down_revision'; a revision id is 1 to 32 characters of 0-9, a-z, A-Z and _")
        );
        assert_eq!(
            parse("v/a.py", "revision = None\ndown_revision = None\n")
                .err()
                .as_deref(),
            Some("v/a.py:1: 'revision' is None")
        );
    }
}
