//! Online and offline run the same statements: for one plan (a history with a branch and its
//! merge), what the database is sent during `upgrade heads` equals the text of
//! `upgrade heads --sql`, on both engines. The statements are captured where they arrive: by
//! SQLite's statement trace on the connection the library runs on, and by PostgreSQL's
//! `log_statement = 'all'` for that connection's server process.

use std::sync::Mutex;

use litekb_migrations::Migrator;
use litekb_migrations::ScriptSource;

use crate::engine_test;
use crate::support::{pg, Engine, Project};

/// A branch point, two branches, their merge and one revision after it.
fn history(p: &Project) {
    p.branchy(true);
    p.script("ffff00000006")
        .down_revision("eeee00000005")
        .message("after the merge")
        .upgrade("CREATE TABLE f (id INTEGER, note VARCHAR(20) DEFAULT 'x;y');\nINSERT INTO f (id) VALUES (1);")
        .downgrade("DROP TABLE f;")
        .write();
}

/// The statements of `--sql` output, in order, without the `-- Running …` comments and
/// without their `;`.
fn offline_statements(sql: &str) -> Vec<String> {
    sql.split(";\n\n")
        .map(|chunk| {
            let lines: Vec<&str> = chunk
                .lines()
                .skip_while(|l| l.starts_with("-- ") || l.is_empty())
                .collect();
            lines.join("\n")
        })
        .filter(|s| !s.is_empty())
        .collect()
}

/// The statements sent online, less what only an online run can do, which `--sql` has no
/// text for: the tool's own reads and locks (`SELECT …`, `PRAGMA …`; the history here runs
/// no SELECT of its own), SQLite's `BEGIN IMMEDIATE` (a write lock up front; the text says
/// `BEGIN`), and the measured duration in the history row (`NULL` in the text).
fn comparable(online: Vec<String>) -> Vec<String> {
    online
        .into_iter()
        // Queries and session settings (the run's `SET lock_timeout` on PostgreSQL) are
        // not statements of the migration.
        .filter(|s| !s.starts_with("SELECT ") && !s.starts_with("PRAGMA "))
        .filter(|s| !s.starts_with("SET lock_timeout") && s != "RESET lock_timeout")
        .map(|s| {
            if s == "BEGIN IMMEDIATE" {
                "BEGIN".to_string()
            } else {
                s
            }
        })
        .map(|s| without_duration(&s))
        .collect()
}

/// `… CURRENT_TIMESTAMP, 12, …` as `… CURRENT_TIMESTAMP, NULL, …`.
fn without_duration(sql: &str) -> String {
    const AT: &str = "CURRENT_TIMESTAMP, ";
    let Some(i) = sql.find(AT).map(|i| i + AT.len()) else {
        return sql.to_string();
    };
    let digits = sql[i..].bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 {
        return sql.to_string();
    }
    format!("{}NULL{}", &sql[..i], &sql[i + digits..])
}

static SQLITE_TRACE: Mutex<Vec<String>> = Mutex::new(Vec::new());

fn sqlite_online(p: &Project) -> Vec<String> {
    let mut conn = rusqlite::Connection::open(p.path("test.db")).expect("open db");
    conn.trace_v2(
        rusqlite::trace::TraceEventCodes::SQLITE_TRACE_STMT,
        Some(|event| {
            if let rusqlite::trace::TraceEvent::Stmt(_, sql) = event {
                SQLITE_TRACE.lock().unwrap().push(sql.to_string());
            }
        }),
    );
    let ini = p.path("alembic.ini");
    let migrator = Migrator::new(ScriptSource::Ini(&ini));
    migrator.upgrade(&mut conn, "heads").expect("upgrade");
    std::mem::take(&mut *SQLITE_TRACE.lock().unwrap())
}

fn postgres_online(p: &Project) -> Vec<String> {
    let mut client = postgres::Client::connect(&p.url, postgres::NoTls).expect("connect");
    client
        .batch_execute("SET log_statement = 'all'")
        .expect("log_statement");
    let pid: i32 = client
        .query_one("SELECT pg_backend_pid()", &[])
        .expect("pid")
        .get(0);
    let log = pg::log_file();
    let from = std::fs::metadata(&log).expect("log").len();
    let ini = p.path("alembic.ini");
    let migrator = Migrator::new(ScriptSource::Ini(&ini));
    migrator.upgrade(&mut client, "heads").expect("upgrade");
    client.batch_execute("SELECT 'end of migration'").unwrap();
    drop(client);
    let text = std::fs::read(&log).expect("read log");
    logged_statements(&String::from_utf8_lossy(&text[from as usize..]), pid)
}

/// The statements the server process `pid` logged, each with its continuation lines.
fn logged_statements(log: &str, pid: i32) -> Vec<String> {
    let tag = format!("[{pid}] ");
    let mut out: Vec<String> = Vec::new();
    let mut in_ours = false;
    for line in log.lines() {
        let starts_entry = line.len() > 4 && line.as_bytes()[..4].iter().all(u8::is_ascii_digit);
        if starts_entry {
            in_ours = false;
            if let Some(rest) = line.split_once(&tag).map(|(_, r)| r) {
                for prefix in [
                    "LOG:  statement: ",
                    "LOG:  execute <unnamed>: ",
                    "LOG:  execute ",
                ] {
                    if let Some(sql) = rest.strip_prefix(prefix) {
                        out.push(sql.to_string());
                        in_ours = true;
                        break;
                    }
                }
            }
        } else if in_ours {
            let last = out.last_mut().expect("an entry");
            last.push('\n');
            last.push_str(line.strip_prefix('\t').unwrap_or(line));
        }
    }
    out
}

engine_test!(online_statements_equal_the_sql_text, |p| {
    history(p);
    let offline = p.alembic(&["upgrade", "heads", "--sql"]).ok().stdout;
    let online = comparable(match p.engine {
        Engine::Sqlite => sqlite_online(p),
        Engine::Postgres => postgres_online(p),
    });
    assert_eq!(
        online,
        offline_statements(&offline),
        "online:\n{online:#?}\noffline:\n{offline}"
    );
    assert_eq!(p.version_rows(), ["ffff00000006"]);
    assert_eq!(p.tables(), ["a", "b", "c", "d", "f"]);
});
