//! Running a `[post_write_hooks]` hook ([`crate::config::PostWriteHook`]) on a newly
//! written revision file, as Alembic's `exec` hook runs it: the program with the hook's
//! arguments, in its `cwd`, its output going where ours goes. Unlike Alembic, which ignores
//! the program's exit status, a program that can't be started or exits with a failure is an
//! error naming the hook.

use std::path::Path;
use std::process::Command;

use super::ScriptError;
use crate::config::PostWriteHook;

/// Runs `hook` on the revision file at `path`.
pub fn run_post_write_hook(hook: &PostWriteHook, path: &Path) -> Result<(), ScriptError> {
    let fail = |message: String| ScriptError::Hook {
        name: hook.name.clone(),
        message,
    };
    let args = hook
        .arguments(&path.display().to_string())
        .map_err(|e| fail(format!("its options can't be split: {e}")))?;
    let mut command = Command::new(&hook.program);
    command.args(&args);
    if let Some(cwd) = &hook.cwd {
        command.current_dir(cwd);
    }
    let status = command
        .status()
        .map_err(|e| fail(format!("can't run {}: {e}", hook.program)))?;
    if status.success() {
        return Ok(());
    }
    let how = match status.code() {
        Some(code) => format!("exited with status {code}"),
        None => "was killed by a signal".to_string(),
    };
    Err(fail(format!(
        "{} {how}; the revision file {} was written",
        hook.program,
        path.display()
    )))
}
