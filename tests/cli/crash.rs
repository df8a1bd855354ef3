//! Crash safety: `upgrade head` and `downgrade base` over 200 migrations, killed with SIGKILL
//! at seeded random moments, many times, on both engines.
//!
//! After every kill the version table names a revision whose schema is exactly what exists
//! (revision N ⇔ tables t_001..t_N), the history table agrees (each applied revision upgraded
//! once more than it was downgraded, the others as often), and a rerun finishes the job.

use std::collections::BTreeMap;
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::support::{Engine, Project};

const MIGRATIONS: usize = 200;
/// Kills that must land on a running process.
const KILLS: usize = 15;
/// Runs started at most, should many of them finish before their kill (a very fast machine)
/// or die before they started (a very loaded one).
const MAX_RUNS: usize = 60;

fn rev(n: usize) -> String {
    format!("c{n:03}")
}

fn table(n: usize) -> String {
    format!("t_{n:03}")
}

/// SplitMix64: a seeded sequence of delays, so a failure can be replayed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}

fn project(engine: Engine) -> Project {
    let p = Project::new(engine);
    p.write_ini("lock_timeout = 120");
    for n in 1..=MIGRATIONS {
        let down = if n == 1 { String::new() } else { rev(n - 1) };
        p.script(&rev(n))
            .down_revision(&down)
            .message(&format!("create {}", table(n)))
            .upgrade(&format!(
                "CREATE TABLE {} (id INTEGER PRIMARY KEY, note VARCHAR(20));",
                table(n)
            ))
            .downgrade(&format!("DROP TABLE {};", table(n)))
            .write();
    }
    p
}

/// The revision number the version table names (0 for none), after checking that the schema,
/// and the history table, are exactly what that revision means.
#[track_caller]
fn check_invariant(p: &Project, context: &str) -> usize {
    let rows = p.version_rows();
    assert!(rows.len() <= 1, "{context}: version rows {rows:?}");
    let at = rows.first().map_or(0, |r| {
        r.trim_start_matches('c')
            .parse::<usize>()
            .expect("revision number")
    });
    let expected: Vec<String> = (1..=at).map(table).collect();
    assert_eq!(
        p.tables(),
        expected,
        "{context}: schema does not match {rows:?}"
    );
    // Net upgrades per revision: 1 for the applied ones, 0 for the rest.
    let mut net: BTreeMap<String, i64> = BTreeMap::new();
    if at > 0 || history_exists(p) {
        for row in
            p.query_column("SELECT revision || ' ' || direction FROM alembic_version_history")
        {
            let (r, dir) = row.split_once(' ').expect("history row");
            *net.entry(r.to_string()).or_default() += if dir == "upgrade" { 1 } else { -1 };
        }
    }
    for n in 1..=MIGRATIONS {
        let want = i64::from(n <= at);
        assert_eq!(
            net.get(&rev(n)).copied().unwrap_or(0),
            want,
            "{context}: history of {} disagrees with version {at}",
            rev(n)
        );
    }
    at
}

/// Waits until the server has ended the killed run's session. Until then the server may still
/// act on what the run sent before it died (a `COMMIT` already on the wire commits), and the
/// version table and the schema, read one after the other, could straddle that commit.
fn wait_for_the_server_to_drop_the_killed_session(p: &Project) {
    let start = std::time::Instant::now();
    let sessions = || {
        p.query_column(
            "SELECT count(*)::text FROM pg_stat_activity \
             WHERE datname = current_database() AND application_name = 'alembic'",
        )
    };
    while sessions() != ["0"] {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "the server kept the killed run's session for 30 s"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn history_exists(p: &Project) -> bool {
    let sql = match p.engine {
        Engine::Sqlite => "SELECT name FROM sqlite_master WHERE name = 'alembic_version_history'",
        Engine::Postgres => {
            "SELECT tablename FROM pg_tables WHERE tablename = 'alembic_version_history'"
        }
    };
    !p.query_column(sql).is_empty()
}

fn kill_many_times(engine: Engine, seed: u64) {
    let p = project(engine);
    let mut rng = Rng(seed);
    let mut at = 0;
    let mut kills = 0;
    // Kills that stopped a run after it had moved the version table and before it was done:
    // the interesting ones.
    let mut partial = 0;
    // Delays are drawn below this bound, which shrinks whenever a run finished before its
    // kill and grows whenever a kill found no progress, so that the kills land mid-run however
    // fast or loaded the machine is.
    let mut max_delay: u64 = 400;
    for i in 0..MAX_RUNS {
        if kills >= KILLS && partial >= 3 {
            break;
        }
        // Up from wherever it is; once at the top, back down, so kills land in both directions.
        let args = if at == MIGRATIONS {
            ["downgrade", "base"]
        } else {
            ["upgrade", "head"]
        };
        let mut child = Command::new(env!("CARGO_BIN_EXE_alembic"))
            .args(args)
            .current_dir(p.dir.path())
            .env_remove("DATABASE_URL")
            .env_remove("ALEMBIC_CONFIG")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn alembic");
        let delay = rng.next() % max_delay;
        std::thread::sleep(Duration::from_millis(delay));
        // SIGKILL; a run that already finished is simply reaped.
        let _ = child.kill();
        let finished = child.wait().expect("wait").code().is_some();
        if finished {
            max_delay = (max_delay * 2 / 3).max(10);
        } else {
            kills += 1;
        }
        if engine == Engine::Postgres {
            wait_for_the_server_to_drop_the_killed_session(&p);
        }
        let before = at;
        let context = format!(
            "{engine:?} kill {i} ({} after {delay} ms, seed {seed})",
            args[0]
        );
        at = check_invariant(&p, &context);
        if !finished && at != before && at != 0 && at != MIGRATIONS {
            partial += 1;
        }
        if !finished && at == before {
            max_delay = (max_delay * 3 / 2).min(10_000);
        }
    }
    assert!(
        kills >= KILLS && partial >= 3,
        "{kills} kills, {partial} of them mid-run, in {MAX_RUNS} runs"
    );
    p.alembic(&["upgrade", "head"]).ok();
    assert_eq!(check_invariant(&p, "after the rerun"), MIGRATIONS);
}

#[test]
fn sqlite_survives_sigkill() {
    kill_many_times(Engine::Sqlite, 0x5eed_0001);
}

#[test]
fn postgres_survives_sigkill() {
    kill_many_times(Engine::Postgres, 0x5eed_0002);
}
