//! Concurrency: 16 processes × 20 rounds of upgrades and downgrades against one database, on
//! each engine.
//!
//! Every migration writes a row into a log table the test made, in its own transaction; the
//! log must then read as strict up/down alternation per revision (nothing applied twice,
//! nothing undone twice), match the history table row for row, and end where the version table
//! says. A run may fail only because its relative target walked past the head or the base
//! (Alembic's "didn't produce 1 migrations"), or because it waited too long for the lock.

use std::collections::BTreeMap;
use std::thread;

use crate::support::{run_in, Engine, Project};

const PROCESSES: usize = 16;
const ROUNDS: usize = 20;
const MIGRATIONS: usize = 4;

/// The commands the processes cycle through.
const COMMANDS: [[&str; 2]; 4] = [
    ["upgrade", "head"],
    ["downgrade", "base"],
    ["upgrade", "+1"],
    ["downgrade", "-1"],
];

fn rev(n: usize) -> String {
    format!("m{n}")
}

fn log_insert(n: usize, dir: &str) -> String {
    format!(
        "INSERT INTO migration_log (rev, dir) VALUES ('{}', '{dir}');",
        rev(n)
    )
}

fn project(engine: Engine) -> Project {
    let p = Project::new(engine);
    p.write_ini("lock_timeout = 300");
    p.execute(match engine {
        Engine::Sqlite => {
            "CREATE TABLE migration_log (seq INTEGER PRIMARY KEY, rev VARCHAR(8) NOT NULL, \
             dir VARCHAR(4) NOT NULL)"
        }
        Engine::Postgres => {
            "CREATE TABLE migration_log (seq SERIAL PRIMARY KEY, rev VARCHAR(8) NOT NULL, \
             dir VARCHAR(4) NOT NULL)"
        }
    });
    for n in 1..=MIGRATIONS {
        let down = if n == 1 { String::new() } else { rev(n - 1) };
        p.script(&rev(n))
            .down_revision(&down)
            .message(&format!("step {n}"))
            .upgrade(&format!(
                "CREATE TABLE k_{n} (id INTEGER);\n{}",
                log_insert(n, "up")
            ))
            .downgrade(&format!("DROP TABLE k_{n};\n{}", log_insert(n, "down")))
            .write();
    }
    p
}

/// Whether a failure is one the issue allows: the target was already reached, or a lock wait.
fn acceptable(message: &str) -> bool {
    message == "Relative revision +1 didn't produce 1 migrations"
        || message == "Relative revision -1 didn't produce 1 migrations"
        || message.starts_with("timed out after")
}

fn hammer(engine: Engine) {
    let p = project(engine);
    let dir = p.dir.path().to_path_buf();
    let workers: Vec<_> = (0..PROCESSES)
        .map(|i| {
            let dir = dir.clone();
            thread::spawn(move || {
                let mut failures = Vec::new();
                for round in 0..ROUNDS {
                    let run = run_in(&dir, &COMMANDS[(i + round) % COMMANDS.len()]);
                    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
                    if run.code != 0 {
                        failures.push(run.failed());
                    }
                }
                failures
            })
        })
        .collect();
    let mut failures = Vec::new();
    for worker in workers {
        failures.extend(worker.join().expect("worker thread"));
    }
    for message in &failures {
        assert!(
            acceptable(message),
            "{engine:?}: unexpected failure: {message}"
        );
    }

    // The log alternates up/down per revision, starting with up.
    let log = p.query_column("SELECT rev || ' ' || dir FROM migration_log ORDER BY seq");
    assert!(!log.is_empty(), "nothing ran");
    let mut state: BTreeMap<String, bool> = BTreeMap::new();
    for entry in &log {
        let (r, dir) = entry.split_once(' ').expect("log row");
        let applied = state.entry(r.to_string()).or_default();
        match dir {
            "up" => assert!(!*applied, "{engine:?}: {r} applied twice: {log:?}"),
            _ => assert!(
                *applied,
                "{engine:?}: {r} undone while not applied: {log:?}"
            ),
        }
        *applied = dir == "up";
    }
    // The history table saw the same steps in the same order.
    let history = p.query_column(
        "SELECT revision || ' ' || (CASE direction WHEN 'upgrade' THEN 'up' ELSE 'down' END) \
         FROM alembic_version_history ORDER BY id",
    );
    assert_eq!(history, log);
    // And the version table and the schema end where the log does.
    let applied: Vec<usize> = (1..=MIGRATIONS)
        .filter(|n| state.get(&rev(*n)).copied().unwrap_or(false))
        .collect();
    let top = applied.last().copied().unwrap_or(0);
    assert_eq!(applied, (1..=top).collect::<Vec<_>>());
    let expected_rows: Vec<String> = if top == 0 { vec![] } else { vec![rev(top)] };
    assert_eq!(p.version_rows(), expected_rows);
    let mut expected_tables: Vec<String> = (1..=top).map(|n| format!("k_{n}")).collect();
    expected_tables.push("migration_log".to_string());
    expected_tables.sort();
    assert_eq!(p.tables(), expected_tables);
}

#[test]
fn sqlite_serialises_concurrent_runs() {
    hammer(Engine::Sqlite);
}

#[test]
fn postgres_serialises_concurrent_runs() {
    hammer(Engine::Postgres);
}
