//! `edit`: open revision scripts in the user's editor.

use std::process::Command;

use crate::project::absolute;
use crate::{Error, Result};

use super::version_rows;
use crate::cli::args::RevArg;
use crate::cli::settings::{usage, Settings};
use crate::cli::ExitStatus;

/// Editors tried after `$EDITOR` and `$VISUAL`.
const FALLBACK_EDITORS: &[&str] = &["sensible-editor", "editor", "nano", "vim", "code"];

/// `edit REV`.
pub fn edit(settings: &Settings, args: &RevArg) -> Result<ExitStatus> {
    let project = settings.project()?;
    let ids = if args.rev == "current" {
        let rows = version_rows(settings, project)?;
        if rows.is_empty() {
            return Err(usage("No current revisions"));
        }
        rows
    } else {
        project.map.resolve(&args.rev)?
    };
    if ids.is_empty() {
        return Err(usage(format!(
            "No revision files indicated by symbol '{}'",
            args.rev
        )));
    }
    let editor = find_editor().ok_or_else(|| {
        usage("No editor found: set $EDITOR (or $VISUAL) to the program to open scripts with")
    })?;
    for id in ids {
        let path = absolute(&project.script(&id)?.path);
        let status = Command::new(&editor).arg(&path).status();
        match status {
            Ok(s) if s.success() => {}
            Ok(s) => {
                return Err(usage(format!(
                    "Error executing editor ({editor} {} exited with {s})",
                    path.display()
                )))
            }
            Err(e) => {
                return Err(Error::Io {
                    message: format!("Error executing editor ({editor}: {e})"),
                    source: e,
                })
            }
        }
    }
    Ok(ExitStatus::Success)
}

fn find_editor() -> Option<String> {
    for var in ["EDITOR", "VISUAL"] {
        if let Some(v) = std::env::var(var).ok().filter(|v| !v.trim().is_empty()) {
            return Some(v);
        }
    }
    let path = std::env::var_os("PATH")?;
    FALLBACK_EDITORS.iter().find_map(|name| {
        std::env::split_paths(&path)
            .map(|dir| dir.join(name))
            .find(|p| p.is_file())
            .map(|p| p.display().to_string())
    })
}
