//! The live progress line of `upgrade` and `downgrade` on a terminal.
//!
//! When stderr is a terminal (and not `-q`) and the plan has more than [`FEW`] steps, one
//! line at the bottom of the screen says which step runs (`[12/300] upgrade a -> b, message`)
//! and how long the run has taken; a statement that has run for more than [`SLOW`] adds
//! `statement still running for Ns`. A thread of its own redraws it every second while a
//! statement runs. Every other line written during the run (Alembic's INFO lines, `-v`)
//! goes through [`Progress::print`], which clears the line, writes them and draws it again
//! under them; when the run ends the line is cleared, so that what follows (the result, or
//! the failure and what was rolled back) reads as without it. [`render`] makes the line,
//! without I/O.

use std::io::Write;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::runner::Event;

/// Plans of this many steps or fewer get no progress line: their INFO lines say it all.
pub const FEW: usize = 3;

/// A statement running longer than this is said to be still running.
pub const SLOW: Duration = Duration::from_secs(2);

/// Clears the terminal's current line and returns to its start.
const CLEAR: &str = "\r\x1b[2K";

/// The step being shown.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    pub number: usize,
    pub of: usize,
    /// `upgrade a -> b, message`.
    pub text: String,
}

/// The progress line for `step`, `elapsed` into the run, with `statement` how long the
/// running statement has run (if one does), cut to `width` columns.
pub fn render(step: &Step, elapsed: Duration, statement: Option<Duration>, width: usize) -> String {
    let mut suffix = format!(" ({}s", elapsed.as_secs());
    if let Some(ran) = statement.filter(|d| *d > SLOW) {
        suffix.push_str(&format!("; statement still running for {}s", ran.as_secs()));
    }
    suffix.push(')');
    let head = format!("[{}/{}] ", step.number, step.of);
    // One column is left free: a line that fills the terminal wraps on some of them.
    let room = width
        .saturating_sub(1)
        .saturating_sub(head.chars().count() + suffix.chars().count());
    let text: String = if step.text.chars().count() > room {
        let kept: String = step.text.chars().take(room.saturating_sub(1)).collect();
        format!("{kept}…")
    } else {
        step.text.clone()
    };
    format!("{head}{text}{suffix}")
}

/// What the line shows, shared with the redrawing thread.
#[derive(Debug)]
struct State {
    width: usize,
    started: Instant,
    step: Option<Step>,
    statement: Option<Instant>,
    /// The line last drawn (empty: none), so that an event that changes nothing on it
    /// writes nothing.
    drawn: String,
    /// The run ended: the thread stops.
    done: bool,
}

impl State {
    /// The line as it should read now, if one is shown.
    fn line(&self) -> Option<String> {
        let step = self.step.as_ref().filter(|s| s.of > FEW)?;
        let now = Instant::now();
        let statement = self.statement.map(|s| now - s);
        Some(render(step, now - self.started, statement, self.width))
    }
}

/// The progress line of one run; see the module documentation.
#[derive(Debug)]
pub struct Progress {
    shared: Arc<(Mutex<State>, Condvar)>,
    ticker: Option<JoinHandle<()>>,
}

impl Progress {
    /// A progress line on a terminal `width` columns wide, for a run starting now.
    pub fn start(width: usize) -> Progress {
        let state = State {
            width,
            started: Instant::now(),
            step: None,
            statement: None,
            drawn: String::new(),
            done: false,
        };
        let shared = Arc::new((Mutex::new(state), Condvar::new()));
        let theirs = Arc::clone(&shared);
        let ticker = std::thread::Builder::new()
            .name("progress".into())
            .spawn(move || tick(&theirs))
            .ok();
        Progress { shared, ticker }
    }

    /// Follows the run's `event`, writing `lines` (complete lines, maybe none) above the
    /// progress line.
    pub fn print(&self, event: &Event<'_>, lines: &str) {
        let mut state = lock(&self.shared.0);
        match event {
            Event::StepStarted {
                summary,
                doc,
                number,
                of,
                ..
            } => {
                let text = match doc.is_empty() {
                    true => summary.to_string(),
                    false => format!("{summary}, {doc}"),
                };
                state.step = Some(Step {
                    number: *number,
                    of: *of,
                    text,
                });
            }
            Event::StatementStarted { .. } => state.statement = Some(Instant::now()),
            Event::StatementFinished { .. } => state.statement = None,
            _ => {}
        }
        let line = state.line().unwrap_or_default();
        if line != state.drawn || !lines.is_empty() {
            draw(!state.drawn.is_empty(), lines, &line);
            state.drawn = line;
        }
    }
}

impl Drop for Progress {
    /// Clears the line and stops the thread.
    fn drop(&mut self) {
        let shown = {
            let mut state = lock(&self.shared.0);
            state.done = true;
            !state.drawn.is_empty()
        };
        self.shared.1.notify_all();
        if let Some(ticker) = self.ticker.take() {
            let _ = ticker.join();
        }
        if shown {
            let _ = std::io::stderr().lock().write_all(CLEAR.as_bytes());
        }
    }
}

/// The thread's loop: while a statement runs, the line is redrawn every second (its
/// elapsed time and whether the statement is slow change).
fn tick(shared: &(Mutex<State>, Condvar)) {
    let mut state = lock(&shared.0);
    while !state.done {
        state = match shared.1.wait_timeout(state, Duration::from_secs(1)) {
            Ok((guard, _)) => guard,
            Err(poisoned) => poisoned.into_inner().0,
        };
        if !state.done && state.statement.is_some() {
            let line = state.line().unwrap_or_default();
            if line != state.drawn {
                draw(true, "", &line);
                state.drawn = line;
            }
        }
    }
}

/// Clears the line drawn (when `clear`), writes `lines`, draws `line` under them: one write.
fn draw(clear: bool, lines: &str, line: &str) {
    let mut text = String::new();
    if clear {
        text.push_str(CLEAR);
    }
    text.push_str(lines);
    text.push_str(line);
    let _ = std::io::stderr().lock().write_all(text.as_bytes());
}

fn lock(state: &Mutex<State>) -> MutexGuard<'_, State> {
    state
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn step(text: &str) -> Step {
        Step {
            number: 12,
            of: 300,
            text: text.into(),
        }
    }

    #[test]
    fn the_line_names_the_step_and_the_time_and_a_slow_statement() {
        let s = step("upgrade a -> b, add a column");
        assert_eq!(
            render(&s, Duration::from_millis(3400), None, 80),
            "[12/300] upgrade a -> b, add a column (3s)"
        );
        assert_eq!(
            render(&s, Duration::from_secs(9), Some(Duration::from_secs(1)), 80),
            "[12/300] upgrade a -> b, add a column (9s)"
        );
        assert_eq!(
            render(&s, Duration::from_secs(9), Some(Duration::from_secs(7)), 80),
            "[12/300] upgrade a -> b, add a column (9s; statement still running for 7s)"
        );
    }

    #[test]
    fn a_long_message_is_cut_to_the_terminal() {
        let s = step(&format!("upgrade a -> b, {}", "x".repeat(200)));
        let line = render(&s, Duration::from_secs(1), None, 40);
        assert_eq!(line.chars().count(), 39, "{line}");
        assert!(line.starts_with("[12/300] upgrade a -> b, xxx"), "{line}");
        assert!(line.ends_with("x… (1s)"), "{line}");
    }
}
