//! `-v` / `-vv` on `upgrade` and `downgrade`: the lines added to Alembic's log, on stderr.
//!
//! `-v` shows each statement of a migration as it starts (`SQL   …`, continuation lines
//! indented under it), so that a run that hangs shows what it waits on. `-vv` also shows how
//! long each statement took (`TIME  …`), each migration (`TIME  upgrade a -> b: …`) and
//! the whole run. The lines are made here, from the runner's events, without I/O.

use std::time::Duration;

use crate::runner::{step_summary, Event};

/// How much detail `-v` asked for: 0 none, 1 statements, 2 and more statements and timings.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Verbosity(pub u8);

impl Verbosity {
    /// The lines `event` adds at this verbosity (empty for none), each ending in a newline.
    pub fn lines(self, event: &Event<'_>) -> String {
        match event {
            Event::StatementStarted { sql } if self.0 >= 1 => statement_lines(sql),
            Event::StatementFinished { elapsed, .. } if self.0 >= 2 => {
                format!("TIME  {}\n", duration(*elapsed))
            }
            Event::StepFinished { step, elapsed } if self.0 >= 2 => {
                format!("TIME  {}: {}\n", step_summary(step), duration(*elapsed))
            }
            _ => String::new(),
        }
    }

    /// The closing line of a run of `steps` migrations that took `elapsed` (`-vv` only).
    pub fn total(self, steps: usize, elapsed: Duration) -> String {
        if self.0 < 2 {
            return String::new();
        }
        let plural = if steps == 1 { "" } else { "s" };
        format!(
            "TIME  total: {} ({steps} step{plural})\n",
            duration(elapsed)
        )
    }
}

/// `SQL   ` and the statement, its later lines indented to line up under its first.
fn statement_lines(sql: &str) -> String {
    let mut out = String::new();
    for (i, line) in sql.trim().lines().enumerate() {
        out.push_str(if i == 0 { "SQL   " } else { "      " });
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// A duration in milliseconds with one decimal, or seconds with two past ten seconds.
pub fn duration(elapsed: Duration) -> String {
    let ms = elapsed.as_secs_f64() * 1000.0;
    if ms >= 10_000.0 {
        format!("{:.2} s", elapsed.as_secs_f64())
    } else {
        format!("{ms:.1} ms")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statements_show_at_one_v_and_timings_only_at_two() {
        let started = Event::StatementStarted {
            sql: "CREATE TABLE t (\n    id INTEGER\n)",
        };
        let finished = Event::StatementFinished {
            sql: "x",
            elapsed: Duration::from_micros(1250),
        };
        assert_eq!(Verbosity(0).lines(&started), "");
        assert_eq!(
            Verbosity(1).lines(&started),
            "SQL   CREATE TABLE t (\n          id INTEGER\n      )\n"
        );
        assert_eq!(Verbosity(1).lines(&finished), "");
        assert_eq!(Verbosity(2).lines(&finished), "TIME  1.2 ms\n");
        assert_eq!(Verbosity(1).total(3, Duration::from_secs(1)), "");
        assert_eq!(
            Verbosity(2).total(1, Duration::from_millis(20)),
            "TIME  total: 20.0 ms (1 step)\n"
        );
    }

    #[test]
    fn long_durations_read_in_seconds() {
        assert_eq!(duration(Duration::from_millis(12_345)), "12.35 s");
        assert_eq!(duration(Duration::from_micros(9_999_900)), "9999.9 ms");
    }
}
