//! Who kept a PostgreSQL statement from its table lock: when `lock_timeout` (the ini's
//! `ddl_lock_timeout`) ends a migration statement, the sessions that hold locks on the
//! tables it names, read from `pg_locks` and `pg_stat_activity`.
//!
//! The tables are found without parsing the statement: each word that could be a table name
//! (`name`, `schema.name`, `"Quoted"`) is given to `to_regclass`, and those that name a
//! relation are the candidates. Each blocking session is reported by its pid, application
//! name, state and the start of its current query; never its query text, which may hold a
//! secret.

use crate::Dialect;

/// At most this many words of a statement are looked up as table names.
const MAX_WORDS: usize = 64;

/// At most this many blocking sessions are named.
pub const MAX_SESSIONS: usize = 5;

/// The words of `sql` that could name a table, each once, in order.
pub fn candidate_names(sql: &str) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    let chars: Vec<char> = sql.chars().collect();
    let mut i = 0;
    while i < chars.len() && words.len() < MAX_WORDS {
        let (word, next) = name_at(&chars, i);
        if let Some(word) = word.filter(|w| !words.contains(w)) {
            words.push(word);
        }
        i = next.max(i + 1);
    }
    words
}

/// The dotted name starting at `i`, if one does, and where scanning goes on.
fn name_at(chars: &[char], i: usize) -> (Option<String>, usize) {
    let mut end = i;
    let mut parts = 0;
    while let Some(next) = part_at(chars, end) {
        parts += 1;
        end = next;
        if parts == 2 || chars.get(end) != Some(&'.') {
            break;
        }
        end += 1;
    }
    if parts == 0 {
        // Skip a quoted string whole, so that its words are not read as names.
        if chars[i] == '\'' {
            let close = chars[i + 1..].iter().position(|&c| c == '\'');
            return (None, close.map_or(chars.len(), |p| i + p + 2));
        }
        return (None, i + 1);
    }
    let text: String = chars[i..end].iter().collect();
    (Some(text.trim_end_matches('.').to_string()), end)
}

/// The end of one identifier (bare or double-quoted) starting at `i`.
fn part_at(chars: &[char], i: usize) -> Option<usize> {
    let first = *chars.get(i)?;
    if first == '"' {
        let close = chars[i + 1..].iter().position(|&c| c == '"')?;
        return Some(i + close + 2);
    }
    if !(first.is_alphabetic() || first == '_') {
        return None;
    }
    if i > 0 && (chars[i - 1].is_alphanumeric() || chars[i - 1] == '_' || chars[i - 1] == '$') {
        return None;
    }
    let len = chars[i..]
        .iter()
        .take_while(|c| c.is_alphanumeric() || **c == '_' || **c == '$')
        .count();
    Some(i + len)
}

/// The query listing the other sessions that hold locks on the relations `names` name, in
/// this database: table, pid, application name, state, query start, lock mode.
pub fn blockers_sql(names: &[String]) -> String {
    let d = Dialect::Postgresql;
    let list = names
        .iter()
        .map(|n| d.quote_literal(n))
        .collect::<Vec<_>>()
        .join(", ");
    format!(
        "SELECT l.relation::regclass::text, a.pid::text, coalesce(a.application_name, ''), \
         coalesce(a.state, ''), coalesce(to_char(a.query_start, 'YYYY-MM-DD HH24:MI:SS TZ'), ''), \
         l.mode \
         FROM pg_catalog.pg_locks l JOIN pg_catalog.pg_stat_activity a ON a.pid = l.pid \
         WHERE l.granted AND l.locktype = 'relation' AND l.pid <> pg_backend_pid() \
         AND l.database = (SELECT oid FROM pg_catalog.pg_database WHERE datname = current_database()) \
         AND l.relation IN (SELECT to_regclass(n) FROM unnest(ARRAY[{list}]::text[]) AS n) \
         ORDER BY a.pid, l.relation::regclass::text LIMIT {MAX_SESSIONS}"
    )
}

/// One blocking session's lock, as [`blockers_sql`] returns it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Blocker {
    pub table: String,
    pub pid: String,
    pub application: String,
    pub state: String,
    pub query_start: String,
    pub mode: String,
}

/// What the statement waited on, in words: `table account, held by session pid 12 (…)`;
/// `None` when no session holds a lock on its tables any more.
pub fn describe(blockers: &[Blocker]) -> Option<String> {
    let first = blockers.first()?;
    let sessions = blockers
        .iter()
        .map(|b| {
            format!(
                "pid {} (application '{}', state '{}', query started {}, holds {} on {})",
                b.pid, b.application, b.state, b.query_start, b.mode, b.table
            )
        })
        .collect::<Vec<_>>()
        .join("; ");
    Some(format!(
        "it waited ddl_lock_timeout for a lock on table {} that another session holds: {sessions}; \
         end that session (SELECT pg_terminate_backend({})) or let it finish, or raise \
         ddl_lock_timeout or set ddl_lock_retries",
        first.table, first.pid
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_words_dotted_names_and_quoted_names() {
        assert_eq!(
            candidate_names("ALTER TABLE public.account ADD COLUMN \"Note\" text DEFAULT 'a b';"),
            [
                "ALTER",
                "TABLE",
                "public.account",
                "ADD",
                "COLUMN",
                "\"Note\"",
                "text",
                "DEFAULT"
            ]
        );
        assert_eq!(
            candidate_names("CREATE INDEX ix ON t(a)"),
            ["CREATE", "INDEX", "ix", "ON", "t", "a"]
        );
        assert_eq!(candidate_names("x1 x1 $1 'unclosed"), ["x1"]);
    }

    #[test]
    fn the_words_are_bounded() {
        let sql = (0..200)
            .map(|i| format!("w{i}"))
            .collect::<Vec<_>>()
            .join(" ");
        assert_eq!(candidate_names(&sql).len(), MAX_WORDS);
    }

    #[test]
    fn blockers_are_described_without_query_text() {
        let b = Blocker {
            table: "account".into(),
            pid: "42".into(),
            application: "psql".into(),
            state: "idle in transaction".into(),
            query_start: "2026-12-04 03:00:00 UTC".into(),
            mode: "AccessShareLock".into(),
        };
        assert_eq!(describe(&[]), None);
        assert_eq!(
            describe(&[b]).unwrap(),
            "it waited ddl_lock_timeout for a lock on table account that another session holds: \
             pid 42 (application 'psql', state 'idle in transaction', query started 2026-12-04 \
             03:00:00 UTC, holds AccessShareLock on account); end that session (SELECT \
             pg_terminate_backend(42)) or let it finish, or raise ddl_lock_timeout or set \
             ddl_lock_retries"
        );
    }

    #[test]
    fn the_query_quotes_every_name() {
        let sql = blockers_sql(&["a'b".to_string()]);
        assert!(sql.contains("ARRAY['a''b']"), "{sql}");
    }
}
