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

/// Starts `alembic ARGS` in `dir` under a terminal, sends it SIGINT after `after`, and
/// returns what the terminal showed (as [`run_in_pty`]).
pub fn interrupt_in_pty(dir: &Path, args: &[&str], after: std::time::Duration) -> Run {
    let mut line = shell_quote(env!("CARGO_BIN_EXE_alembic"));
    for arg in args {
        line.push(' ');
        line.push_str(&shell_quote(arg));
    }
    let child = Command::new("script")
        .args(["-q", "-e", "-c", &line, "/dev/null"])
        .current_dir(dir)
        .env_remove("DATABASE_URL")
        .env_remove("ALEMBIC_CONFIG")
        .env_remove("NO_COLOR")
        .env("TZ", "UTC")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run script (util-linux)");
    std::thread::sleep(after);
    let pid = alembic_under(child.id()).expect("the alembic process under script");
    let sent = Command::new("kill")
        .args(["-INT", &pid.to_string()])
        .status()
        .expect("kill");
    assert!(sent.success(), "kill -INT {pid}");
    let out = child.wait_with_output().expect("script ends");
    let mut run = Run::from(out);
    run.stdout = run.stdout.replace("\r\n", "\n");
    run
}

/// The process of this test's binary among the descendants of `pid` (from /proc).
fn alembic_under(pid: u32) -> Option<u32> {
    let mut queue = vec![pid];
    while let Some(p) = queue.pop() {
        let exe = std::fs::read_link(format!("/proc/{p}/exe")).ok();
        if p != pid && exe.is_some_and(|e| e == Path::new(env!("CARGO_BIN_EXE_alembic"))) {
            return Some(p);
        }
        let tasks = std::fs::read_dir(format!("/proc/{p}/task")).ok()?;
        for task in tasks.flatten() {
            let children =
                std::fs::read_to_string(task.path().join("children")).unwrap_or_default();
            queue.extend(
                children
                    .split_whitespace()
                    .filter_map(|c| c.parse::<u32>().ok()),
            );
        }
    }
    None
}
