//! Runs the binary under a pseudo-terminal, through util-linux's `script`, so that stdout
//! and stderr are a terminal as a person's shell gives them. Both reach the test as one text
//! (a terminal has one screen), with the `\r` the terminal adds removed.

use std::path::Path;
use std::process::{Command, Stdio};

use super::Run;

/// Runs `alembic ARGS` in `dir` under a terminal, with `env` set (and `NO_COLOR` unset
/// unless `env` sets it). `Run::stdout` holds everything written; `stderr` is empty.
pub fn run_in_pty(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut line = shell_quote(env!("CARGO_BIN_EXE_alembic"));
    for arg in args {
        line.push(' ');
        line.push_str(&shell_quote(arg));
    }
    let mut command = Command::new("script");
    command
        .args(["-q", "-e", "-c", &line, "/dev/null"])
        .current_dir(dir)
        .env_remove("DATABASE_URL")
        .env_remove("ALEMBIC_CONFIG")
        .env_remove("NO_COLOR")
        .env("TZ", "UTC")
        .stdin(Stdio::null());
    for (key, value) in env {
        command.env(key, value);
    }
    let out = command.output().expect("run script (util-linux)");
    let mut run = Run::from(out);
    run.stdout = run.stdout.replace("\r\n", "\n");
    run
}

/// `text` in single quotes for `sh -c`.
fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}
