//! The statement splitter: a section's SQL text into statements.
//!
//! Splits on top-level `;`. A `;` does not split inside:
//! - `'…'` strings (`''` escapes; `E'…'` strings also take backslash escapes), `"…"` and
//!   `` `…` `` quoted identifiers;
//! - `-- …` line comments and `/* … */` block comments (nested on PostgreSQL, where
//!   `/* a /* b */ c */` is one comment; not on SQLite, where the first `*/` closes it);
//! - PostgreSQL dollar quotes `$$…$$` and `$tag$…$tag$` (a `$` right after a word character
//!   is part of the word, as in `a$b`; `$1` is a parameter, not a quote);
//! - the `BEGIN … END` body of `CREATE [TEMP] TRIGGER` (SQLite) and the `BEGIN ATOMIC … END`
//!   body of `CREATE FUNCTION`/`PROCEDURE` (PostgreSQL), where `CASE … END` nests so that the
//!   `END` of a `CASE` does not close the body.
//!
//! Each statement is trimmed of surrounding whitespace *and comments*: its text runs from its
//! first significant token to its last, so a caller can append `;` safely (a trailing
//! `-- comment` would swallow it). Comments inside a statement are kept. Statements that are
//! empty or only comments are dropped. A quote, block comment or dollar quote that is never
//! closed is an [`Unterminated`] error naming the line it opens on: run to the end of the
//! text, it would silently swallow every statement after it. Lines end with `\n` (the readers
//! of scripts and `models.sql` turn `\r\n` and a lone `\r` into `\n` first). Nothing here
//! panics on any input.

/// One statement of a section, without its terminating `;`: a slice of the text that was
/// split (the splitter never rewrites a statement).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Statement<'a> {
    pub sql: &'a str,
    /// 0-based line offset of the statement's first line within the text that was split:
    /// the line of its first significant (non-blank, non-comment) character.
    pub line_offset: usize,
}

/// What was left open at the end of the text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unclosed {
    /// `/* …`
    BlockComment,
    /// `' …`
    String,
    /// `" …` or `` ` … ``
    QuotedName,
    /// `$$ …` or `$tag$ …`
    DollarQuote,
}

/// A quote or comment that is never closed: the rest of the text would be inside it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{} opened on this line is never closed; everything after it would be lost", self.what.describe())]
pub struct Unterminated {
    pub what: Unclosed,
    /// 0-based line offset, within the text that was split, of the line it opens on.
    pub line_offset: usize,
}

impl Unclosed {
    fn describe(self) -> &'static str {
        match self {
            Unclosed::BlockComment => "the '/*' comment",
            Unclosed::String => "the string literal (')",
            Unclosed::QuotedName => "the quoted name (\" or `)",
            Unclosed::DollarQuote => "the dollar-quoted body ($$ or $tag$)",
        }
    }
}

/// Whether block comments nest: PostgreSQL's rule, not SQLite's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Comments {
    Flat,
    Nested,
}

impl Comments {
    /// The rule of `dialect`.
    pub fn of(dialect: crate::Dialect) -> Comments {
        match dialect {
            crate::Dialect::Postgresql => Comments::Nested,
            crate::Dialect::Sqlite => Comments::Flat,
        }
    }
}

/// How far the first words of a statement have gone towards `CREATE [OR REPLACE]
/// [TEMP|TEMPORARY] [CONSTRAINT] (TRIGGER|FUNCTION|PROCEDURE)`, the statements that may hold a
/// `BEGIN … END` body. Only the first six words count.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum Lead {
    /// No word yet.
    #[default]
    Start,
    /// `CREATE` and modifiers so far.
    Create,
    /// Reached `TRIGGER`, `FUNCTION` or `PROCEDURE`.
    BlockCapable,
    /// Anything else.
    Other,
}

impl Lead {
    /// The state after one more leading word.
    fn next(self, word: &str) -> Lead {
        let is = |keyword: &str| word.eq_ignore_ascii_case(keyword);
        match self {
            Lead::Start if is("CREATE") => Lead::Create,
            Lead::Create
                if ["OR", "REPLACE", "TEMP", "TEMPORARY", "CONSTRAINT"]
                    .into_iter()
                    .any(is) =>
            {
                Lead::Create
            }
            Lead::Create if ["TRIGGER", "FUNCTION", "PROCEDURE"].into_iter().any(is) => {
                Lead::BlockCapable
            }
            Lead::Start | Lead::Create => Lead::Other,
            done => done,
        }
    }
}

/// The statement being scanned.
#[derive(Default)]
struct Current {
    /// Byte offset of the first significant character.
    start: Option<usize>,
    /// Byte offset just past the last significant character.
    end: usize,
    /// How many leading words [`Current::lead`] has seen (at most six).
    words: u8,
    /// Whether the leading words make a statement that may hold a `BEGIN … END` body.
    lead: Lead,
    /// Open `BEGIN`/`CASE` nesting inside such a body.
    depth: usize,
}

impl Current {
    fn mark(&mut self, from: usize, to: usize) {
        if self.start.is_none() {
            self.start = Some(from);
        }
        self.end = to;
    }

    fn word(&mut self, word: &str) {
        if self.words < 6 {
            self.words += 1;
            self.lead = self.lead.next(word);
        }
        if self.lead != Lead::BlockCapable {
            return;
        }
        if word.eq_ignore_ascii_case("begin") {
            self.depth += 1;
        } else if word.eq_ignore_ascii_case("case") {
            if self.depth > 0 {
                self.depth += 1;
            }
        } else if word.eq_ignore_ascii_case("end") {
            self.depth = self.depth.saturating_sub(1);
        }
    }
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '$'
}

/// The char at byte `i` of `sql` (a char boundary) and its length in bytes.
fn char_at(sql: &str, i: usize) -> (char, usize) {
    let c = sql[i..]
        .chars()
        .next()
        .unwrap_or(char::REPLACEMENT_CHARACTER);
    (c, c.len_utf8())
}

/// The ASCII bytes that are word characters ([`is_word_char`]): letters, digits, `_`, `$`.
const ASCII_WORD: [bool; 128] = {
    let mut table = [false; 128];
    let mut b = 0u8;
    while b < 128 {
        table[b as usize] = b.is_ascii_alphanumeric() || b == b'_' || b == b'$';
        b += 1;
    }
    table
};

/// Byte length of the word at the start of `rest`: word characters up to the first other one.
fn word_len(rest: &str) -> usize {
    let bytes = rest.as_bytes();
    let mut p = 0;
    while let Some(&b) = bytes.get(p) {
        if b.is_ascii() {
            if !ASCII_WORD[usize::from(b)] {
                break;
            }
            p += 1;
        } else {
            let (c, len) = char_at(rest, p);
            if !is_word_char(c) {
                break;
            }
            p += len;
        }
    }
    p
}

/// Counts newlines before each statement's start; starts only grow, so the text is counted once.
#[derive(Default)]
struct Lines {
    counted_to: usize,
    count: usize,
}

impl Lines {
    /// The number of newlines in `sql[..to]`, for a `to` at or past the last one asked for.
    fn before(&mut self, sql: &str, to: usize) -> usize {
        if let Some(between) = sql.as_bytes().get(self.counted_to..to) {
            self.count += between.iter().filter(|&&b| b == b'\n').count();
            self.counted_to = to;
        }
        self.count
    }
}

/// Splits SQL on top-level `;` with flat block comments (SQLite's rule); see [`split_with`].
pub fn split_statements(sql: &str) -> Result<Vec<Statement<'_>>, Unterminated> {
    split_with(sql, Comments::Flat)
}

/// Splits SQL on top-level `;`, aware of quotes, comments, `$$` bodies and `BEGIN … END`.
/// Statements that are empty or only comments are dropped. Each statement is a slice of `sql`.
pub fn split_with(sql: &str, comments: Comments) -> Result<Vec<Statement<'_>>, Unterminated> {
    let mut out = Vec::new();
    let mut cur = Current::default();
    let mut lines = Lines::default();
    let mut prev_word_char = false; // the previous character continues a word
    let mut i = 0;
    while let Some(&b) = sql.as_bytes().get(i) {
        let rest = &sql[i..];
        match b {
            b';' if cur.depth == 0 => {
                finish(sql, &mut cur, &mut lines, &mut out);
                i += 1;
                prev_word_char = false;
                continue;
            }
            b'-' if rest.starts_with("--") => {
                i += rest.find('\n').unwrap_or(rest.len());
                prev_word_char = false;
                continue;
            }
            b'/' if rest.starts_with("/*") => {
                let len = comment_len(rest, comments);
                i += len.ok_or_else(|| unclosed(sql, Unclosed::BlockComment, i))?;
                prev_word_char = false;
                continue;
            }
            b'\'' => {
                let len = quoted_len(rest, b'\'', escape_string_prefix(sql, i));
                let end = i + len.ok_or_else(|| unclosed(sql, Unclosed::String, i))?;
                cur.mark(i, end);
                i = end;
            }
            b'"' | b'`' => {
                let len = quoted_len(rest, b, false);
                let end = i + len.ok_or_else(|| unclosed(sql, Unclosed::QuotedName, i))?;
                cur.mark(i, end);
                i = end;
            }
            b'$' if !prev_word_char => match dollar_tag(rest) {
                Some(tag) => {
                    let close = rest[tag.len()..].find(tag);
                    let close = close.ok_or_else(|| unclosed(sql, Unclosed::DollarQuote, i))?;
                    let end = i + 2 * tag.len() + close;
                    cur.mark(i, end);
                    i = end;
                }
                None => {
                    cur.mark(i, i + 1);
                    i += 1;
                }
            },
            // ASCII whitespace as `char::is_whitespace` sees it.
            b'\t' | b'\n' | 0x0b | 0x0c | b'\r' | b' ' => i += 1,
            // The rest of ASCII: a word, or one significant character.
            _ if b.is_ascii() => {
                if ASCII_WORD[usize::from(b)] {
                    let word_len = word_len(rest);
                    cur.mark(i, i + word_len);
                    if !b.is_ascii_digit() {
                        cur.word(&rest[..word_len]);
                    }
                    i += word_len;
                    prev_word_char = true;
                    continue;
                }
                cur.mark(i, i + 1);
                i += 1;
            }
            _ => {
                let (len, word) = non_ascii_token(&mut cur, rest, i);
                i += len;
                prev_word_char = word;
                continue;
            }
        }
        prev_word_char = false;
    }
    finish(sql, &mut cur, &mut lines, &mut out);
    Ok(out)
}

/// The error for what opens at byte `at` of `sql` and is never closed.
#[cold]
fn unclosed(sql: &str, what: Unclosed, at: usize) -> Unterminated {
    let before = sql.as_bytes().get(..at).unwrap_or_default();
    Unterminated {
        what,
        line_offset: before.iter().filter(|&&b| b == b'\n').count(),
    }
}

/// Byte length of the block comment at the start of `rest` (`/*`), through the `*/` that
/// closes it, or `None` when it is never closed.
fn comment_len(rest: &str, comments: Comments) -> Option<usize> {
    match comments {
        Comments::Flat => rest[2..].find("*/").map(|p| p + 4),
        Comments::Nested => nested_comment_len(rest),
    }
}

/// Byte length of the nested block comment at the start of `rest` (`/*`), through the `*/`
/// that closes it, or `None` when it is never closed.
fn nested_comment_len(rest: &str) -> Option<usize> {
    let bytes = rest.as_bytes();
    let mut depth = 0usize;
    let mut p = 0;
    while let (Some(&a), Some(&b)) = (bytes.get(p), bytes.get(p + 1)) {
        if a == b'/' && b == b'*' {
            depth += 1;
            p += 2;
        } else if a == b'*' && b == b'/' {
            depth -= 1;
            p += 2;
            if depth == 0 {
                return Some(p);
            }
        } else {
            p += 1;
        }
    }
    None
}

/// A word, whitespace or one significant character starting with the non-ASCII character at
/// `rest[0]` (the byte `i` of the text): its byte length, and whether it was a word. Kept out
/// of the loop, which reads ASCII byte by byte.
fn non_ascii_token(cur: &mut Current, rest: &str, i: usize) -> (usize, bool) {
    let (c, len) = char_at(rest, 0);
    if c.is_whitespace() {
        return (len, false);
    }
    if !is_word_char(c) {
        cur.mark(i, i + len);
        return (len, false);
    }
    let word_len = word_len(rest);
    cur.mark(i, i + word_len);
    if !c.is_numeric() {
        cur.word(&rest[..word_len]);
    }
    (word_len, true)
}

/// Ends the current statement, keeping it when it has any significant text.
fn finish<'a>(sql: &'a str, cur: &mut Current, lines: &mut Lines, out: &mut Vec<Statement<'a>>) {
    if let Some(start) = cur.start {
        out.push(Statement {
            sql: sql.get(start..cur.end).unwrap_or(""),
            line_offset: lines.before(sql, start),
        });
    }
    *cur = Current::default();
}

/// Whether the `'` at byte `quote` opens a PostgreSQL escape string (`E'…'`): preceded by a
/// lone `E`/`e` that is not the end of a longer word.
fn escape_string_prefix(sql: &str, quote: usize) -> bool {
    let before = &sql[..quote];
    let mut chars = before.chars().rev();
    match chars.next() {
        Some('E' | 'e') => !chars.next().is_some_and(is_word_char),
        _ => false,
    }
}

/// Byte length of a quoted run starting at `rest[0] == quote` (an ASCII quote), through the
/// closing quote (doubled quotes are escapes), or `None` when unterminated. Bytes suffice:
/// no byte of a multi-byte UTF-8 character is ASCII.
fn quoted_len(rest: &str, quote: u8, backslash: bool) -> Option<usize> {
    let bytes = rest.as_bytes();
    let mut p = 1;
    while let Some(&b) = bytes.get(p) {
        if backslash && b == b'\\' {
            p += 2;
        } else if b == quote {
            if bytes.get(p + 1) == Some(&quote) {
                p += 2;
            } else {
                return Some(p + 1);
            }
        } else {
            p += 1;
        }
    }
    None
}

/// A dollar-quote tag at the start of `rest`: `$$` or `$name$` (name: a letter or `_`, then
/// letters, digits or `_`).
fn dollar_tag(rest: &str) -> Option<&str> {
    let body = rest.strip_prefix('$')?;
    let close = body.find('$')?;
    let name = &body[..close];
    let mut chars = name.chars();
    let valid = match chars.next() {
        None => true,
        Some(first) => {
            (first.is_alphabetic() || first == '_')
                && chars.all(|c| c.is_alphanumeric() || c == '_')
        }
    };
    valid.then(|| &rest[..close + 2])
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn texts(sql: &str) -> Vec<String> {
        split_statements(sql)
            .unwrap()
            .into_iter()
            .map(|s| s.sql.to_string())
            .collect()
    }

    fn offsets(sql: &str) -> Vec<usize> {
        split_statements(sql)
            .unwrap()
            .into_iter()
            .map(|s| s.line_offset)
            .collect()
    }

    #[test]
    fn simple_statements_and_offsets() {
        let sql =
            "CREATE TABLE a (id INTEGER);\n\nCREATE TABLE b (\n  id INTEGER\n);\nDROP TABLE c";
        assert_eq!(
            texts(sql),
            vec![
                "CREATE TABLE a (id INTEGER)",
                "CREATE TABLE b (\n  id INTEGER\n)",
                "DROP TABLE c"
            ]
        );
        assert_eq!(offsets(sql), vec![0, 2, 5]);
    }

    #[test]
    fn empty_and_comment_only_input() {
        assert!(texts("").is_empty());
        assert!(texts("  \n\t ;;; \n").is_empty());
        assert!(texts("-- just a comment;\n/* another; */\n;").is_empty());
    }

    #[test]
    fn quotes_hide_semicolons() {
        assert_eq!(
            texts("INSERT INTO t VALUES ('a;b', 'it''s;'); SELECT \"we;ird\" FROM `x;y`"),
            vec![
                "INSERT INTO t VALUES ('a;b', 'it''s;')",
                "SELECT \"we;ird\" FROM `x;y`"
            ]
        );
        assert_eq!(
            texts("SELECT E'it\\'s; fine'; SELECT 'a\\'; SELECT 2"),
            vec!["SELECT E'it\\'s; fine'", "SELECT 'a\\'", "SELECT 2"]
        );
        // "e" at the end of a longer word is not an escape-string prefix.
        assert_eq!(texts("SELECT some'a\\'; x"), vec!["SELECT some'a\\'", "x"]);
    }

    #[test]
    fn comments_hide_semicolons_and_are_trimmed_from_the_ends() {
        let sql = "-- leading; comment\nCREATE TABLE t (\n  a INT, -- a; note\n  b INT /* ; */\n) -- trailing;\n;\n/* tail; */";
        let statements = split_statements(sql).unwrap();
        assert_eq!(statements.len(), 1);
        assert_eq!(
            statements[0].sql,
            "CREATE TABLE t (\n  a INT, -- a; note\n  b INT /* ; */\n)"
        );
        assert_eq!(statements[0].line_offset, 1);
        assert_eq!(texts("SELECT 1 -- no semicolon"), vec!["SELECT 1"]);
    }

    #[test]
    fn dollar_quotes() {
        let sql = "CREATE FUNCTION f() RETURNS trigger AS $$\nBEGIN\n  NEW.x := 1;\n  RETURN NEW;\nEND;\n$$ LANGUAGE plpgsql;\nCREATE FUNCTION g() RETURNS int AS $body$ SELECT 1; $x$ $body$ LANGUAGE sql;\nSELECT $1, a$b$c; SELECT 3";
        let got = texts(sql);
        assert_eq!(got.len(), 4, "{got:?}");
        assert!(got[0].starts_with("CREATE FUNCTION f()"));
        assert!(got[0].ends_with("$$ LANGUAGE plpgsql"));
        assert_eq!(
            got[1],
            "CREATE FUNCTION g() RETURNS int AS $body$ SELECT 1; $x$ $body$ LANGUAGE sql"
        );
        assert_eq!(got[2], "SELECT $1, a$b$c");
        assert_eq!(got[3], "SELECT 3");
        assert_eq!(offsets(sql), vec![0, 6, 7, 7]);
    }

    #[test]
    fn sqlite_trigger_bodies() {
        let sql = "\
CREATE TRIGGER trg AFTER INSERT ON t
BEGIN
  UPDATE t SET n = CASE WHEN NEW.x > 0 THEN 1 ELSE 0 END WHERE id = NEW.id;
  INSERT INTO log VALUES ('begin; end');
END;
CREATE TEMP TRIGGER IF NOT EXISTS t2 BEFORE DELETE ON t FOR EACH ROW
WHEN (CASE WHEN OLD.a THEN 1 END) BEGIN SELECT RAISE(ABORT, 'no'); END;
begin;
SELECT 1;
commit";
        let got = texts(sql);
        assert_eq!(got.len(), 5, "{got:?}");
        assert!(got[0].starts_with("CREATE TRIGGER trg"));
        assert!(got[0].ends_with("VALUES ('begin; end');\nEND"));
        assert!(got[1].starts_with("CREATE TEMP TRIGGER IF NOT EXISTS t2"));
        assert!(got[1].ends_with("SELECT RAISE(ABORT, 'no'); END"));
        assert_eq!(&got[2..], ["begin", "SELECT 1", "commit"]);
        assert_eq!(offsets(sql), vec![0, 5, 7, 8, 9]);
    }

    #[test]
    fn postgres_begin_atomic() {
        let sql = "CREATE OR REPLACE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT 2; END; SELECT 3";
        assert_eq!(
            texts(sql),
            vec![
                "CREATE OR REPLACE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT 2; END",
                "SELECT 3"
            ]
        );
    }

    #[test]
    fn begin_outside_triggers_does_not_nest() {
        assert_eq!(
            texts("CREATE TABLE begin_x (end_y INT); SELECT CASE WHEN 1 THEN 2 END; BEGIN; END"),
            vec![
                "CREATE TABLE begin_x (end_y INT)",
                "SELECT CASE WHEN 1 THEN 2 END",
                "BEGIN",
                "END"
            ]
        );
    }

    #[test]
    fn crlf_input() {
        let sql = "CREATE TABLE a (id INT);\r\n\r\nINSERT INTO a VALUES (1);\r\n";
        assert_eq!(
            texts(sql),
            vec!["CREATE TABLE a (id INT)", "INSERT INTO a VALUES (1)"]
        );
        assert_eq!(offsets(sql), vec![0, 2]);
    }

    #[test]
    fn unicode_and_unterminated_quotes() {
        assert_eq!(
            texts("INSERT INTO t VALUES ('héllo; wörld'); SELECT 1"),
            vec!["INSERT INTO t VALUES ('héllo; wörld')", "SELECT 1"]
        );
        let open = |sql| {
            split_statements(sql)
                .map(|_| ())
                .map_err(|e| (e.what, e.line_offset))
        };
        assert_eq!(
            open("SELECT 1;\nSELECT 'ünterminated; x\n;"),
            Err((Unclosed::String, 1))
        );
        assert_eq!(open("SELECT \"x"), Err((Unclosed::QuotedName, 0)));
        assert_eq!(open("a;\n\nSELECT `x"), Err((Unclosed::QuotedName, 2)));
        assert_eq!(
            open("SELECT 1 /* unterminated ;"),
            Err((Unclosed::BlockComment, 0))
        );
        assert_eq!(open("x;\nSELECT $$ a; b"), Err((Unclosed::DollarQuote, 1)));
        assert_eq!(open("SELECT $t$ a $$ b"), Err((Unclosed::DollarQuote, 0)));
        assert_eq!(open("SELECT E'a\\'"), Err((Unclosed::String, 0)));
        // A comment or quote opened inside a line comment opens nothing.
        assert_eq!(open("SELECT 1 -- it's /* fine\n"), Ok(()));
    }

    #[test]
    fn block_comments_nest_only_where_the_dialect_says() {
        let sql = "SELECT 1 /* a /* b; */ c; */; SELECT 2";
        let nested: Vec<&str> = split_with(sql, Comments::Nested)
            .unwrap()
            .into_iter()
            .map(|s| s.sql)
            .collect();
        assert_eq!(nested, ["SELECT 1", "SELECT 2"]);
        assert_eq!(texts(sql), ["SELECT 1 /* a /* b; */ c", "*/", "SELECT 2"]);
        let open = split_with("SELECT 1 /* a /* b */ c;\nSELECT 2", Comments::Nested);
        assert_eq!(
            open.map(|_| ()).map_err(|e| (e.what, e.line_offset)),
            Err((Unclosed::BlockComment, 0))
        );
        assert_eq!(texts("/* /* */ SELECT 1"), ["SELECT 1"]);
        assert_eq!(Comments::of(crate::Dialect::Postgresql), Comments::Nested);
    }

    /// The splitter as it was before statements became slices (a `String` each, the leading
    /// words kept uppercased, chars decoded one by one): the oracle for `matches_the_reference`.
    mod reference {
        /// `Err` holds the line offset of an unterminated quote or comment.
        pub fn split(sql: &str) -> Result<Vec<(String, usize)>, usize> {
            let line_of = |at: usize| sql[..at].matches('\n').count();
            let mut out = Vec::new();
            let mut cur = Cur::default();
            let mut prev_word_char = false;
            let mut i = 0;
            while let Some(c) = sql[i..].chars().next() {
                let rest = &sql[i..];
                let len = c.len_utf8();
                match c {
                    ';' if cur.depth == 0 => {
                        finish(sql, &mut cur, &mut out);
                        i += 1;
                        prev_word_char = false;
                        continue;
                    }
                    '-' if rest.starts_with("--") => {
                        i += rest.find('\n').unwrap_or(rest.len());
                        prev_word_char = false;
                        continue;
                    }
                    '/' if rest.starts_with("/*") => {
                        i += rest[2..].find("*/").ok_or_else(|| line_of(i))? + 4;
                        prev_word_char = false;
                        continue;
                    }
                    '\'' => {
                        let backslash = super::escape_string_prefix(sql, i);
                        let end =
                            i + quoted_len(rest, '\'', backslash).ok_or_else(|| line_of(i))?;
                        cur.mark(i, end);
                        i = end;
                    }
                    '"' | '`' => {
                        let end = i + quoted_len(rest, c, false).ok_or_else(|| line_of(i))?;
                        cur.mark(i, end);
                        i = end;
                    }
                    '$' if !prev_word_char => match super::dollar_tag(rest) {
                        Some(tag) => {
                            let body = &rest[tag.len()..];
                            let end = i
                                + tag.len()
                                + body.find(tag).ok_or_else(|| line_of(i))?
                                + tag.len();
                            cur.mark(i, end);
                            i = end;
                        }
                        None => {
                            cur.mark(i, i + 1);
                            i += 1;
                        }
                    },
                    c if c.is_whitespace() => i += len,
                    c if super::is_word_char(c) => {
                        let word_len = rest
                            .char_indices()
                            .find(|(_, ch)| !super::is_word_char(*ch))
                            .map_or(rest.len(), |(p, _)| p);
                        cur.mark(i, i + word_len);
                        if !c.is_numeric() {
                            cur.word(&rest[..word_len]);
                        }
                        i += word_len;
                        prev_word_char = true;
                        continue;
                    }
                    _ => {
                        cur.mark(i, i + len);
                        i += len;
                    }
                }
                prev_word_char = false;
            }
            finish(sql, &mut cur, &mut out);
            Ok(out)
        }

        #[derive(Default)]
        struct Cur {
            start: Option<usize>,
            end: usize,
            lead: Vec<String>,
            block_capable: bool,
            depth: usize,
        }

        impl Cur {
            fn mark(&mut self, from: usize, to: usize) {
                if self.start.is_none() {
                    self.start = Some(from);
                }
                self.end = to;
            }

            fn word(&mut self, word: &str) {
                if self.lead.len() < 6 {
                    self.lead.push(word.to_ascii_uppercase());
                    self.block_capable = is_block_capable(&self.lead);
                }
                if !self.block_capable {
                    return;
                }
                if word.eq_ignore_ascii_case("begin") {
                    self.depth += 1;
                } else if word.eq_ignore_ascii_case("case") {
                    if self.depth > 0 {
                        self.depth += 1;
                    }
                } else if word.eq_ignore_ascii_case("end") {
                    self.depth = self.depth.saturating_sub(1);
                }
            }
        }

        fn is_block_capable(lead: &[String]) -> bool {
            let mut words = lead.iter().map(String::as_str);
            if words.next() != Some("CREATE") {
                return false;
            }
            for word in words {
                match word {
                    "OR" | "REPLACE" | "TEMP" | "TEMPORARY" | "CONSTRAINT" => {}
                    "TRIGGER" | "FUNCTION" | "PROCEDURE" => return true,
                    _ => return false,
                }
            }
            false
        }

        fn finish(sql: &str, cur: &mut Cur, out: &mut Vec<(String, usize)>) {
            if let Some(start) = cur.start {
                let text = sql.get(start..cur.end).unwrap_or("");
                let line_offset = sql
                    .get(..start)
                    .map_or(0, |before| before.bytes().filter(|b| *b == b'\n').count());
                out.push((text.to_string(), line_offset));
            }
            *cur = Cur::default();
        }

        fn quoted_len(rest: &str, quote: char, backslash: bool) -> Option<usize> {
            let mut chars = rest.char_indices().skip(1).peekable();
            while let Some((p, c)) = chars.next() {
                if backslash && c == '\\' {
                    chars.next();
                } else if c == quote {
                    if chars.peek().is_some_and(|(_, next)| *next == quote) {
                        chars.next();
                    } else {
                        return Some(p + c.len_utf8());
                    }
                }
            }
            None
        }
    }

    fn same_as_reference(sql: &str) -> std::result::Result<(), TestCaseError> {
        let got = split_statements(sql)
            .map(|list| {
                list.into_iter()
                    .map(|s| (s.sql.to_string(), s.line_offset))
                    .collect::<Vec<_>>()
            })
            .map_err(|e| e.line_offset);
        prop_assert_eq!(got, reference::split(sql), "{:?}", sql);
        Ok(())
    }

    #[test]
    fn lead_words_decide_block_bodies() {
        let lead = |words: &[&str]| words.iter().fold(Lead::Start, |l, w| l.next(w));
        assert_eq!(lead(&["create", "Trigger"]), Lead::BlockCapable);
        assert_eq!(
            lead(&["CREATE", "or", "REPLACE", "constraint", "TRIGGER", "x"]),
            Lead::BlockCapable
        );
        assert_eq!(lead(&["CREATE", "TEMP"]), Lead::Create);
        assert_eq!(lead(&["CREATE", "TABLE", "TRIGGER"]), Lead::Other);
        assert_eq!(lead(&["SELECT", "CREATE", "TRIGGER"]), Lead::Other);
        assert_eq!(lead(&["créate", "TRIGGER"]), Lead::Other);
        // Only the first six words count: the seventh can't make the statement capable.
        assert_eq!(
            texts("CREATE OR OR OR OR OR TRIGGER t BEGIN SELECT 1; END; SELECT 2"),
            vec![
                "CREATE OR OR OR OR OR TRIGGER t BEGIN SELECT 1",
                "END",
                "SELECT 2"
            ]
        );
    }

    #[test]
    fn unicode_whitespace_and_words() {
        let sql = "CREATE\u{a0}TRIGGER t BEGIN SELECT 1; END;\u{2028}SELECT é$x; ünï BEGIN;\u{85}x";
        same_as_reference(sql).unwrap();
        assert_eq!(
            texts(sql),
            vec![
                "CREATE\u{a0}TRIGGER t BEGIN SELECT 1; END",
                "SELECT é$x",
                "ünï BEGIN",
                "x"
            ]
        );
    }

    proptest! {
        #[test]
        fn never_panics(s in any::<String>()) {
            let statements = split_statements(&s).unwrap_or_default();
            for st in statements {
                prop_assert!(!st.sql.is_empty());
                prop_assert!(st.line_offset <= s.matches('\n').count());
            }
        }

        #[test]
        fn never_panics_on_sql_like_text(s in "[ a-z;'\"$`/*\\-\\n\\r\\\\E]{0,60}") {
            let _ = split_statements(&s);
            let _ = split_with(&s, Comments::Nested);
        }

        #[test]
        fn joined_statements_round_trip(
            statements in proptest::collection::vec(
                "[fghjklm]{1,6}( [fghjklm0-9]{1,6}| '[a-z; ]{0,5}'| \"[a-z;]{0,4}\"){0,4}",
                1..6,
            ),
            sep in "(;|;\n|;\r\n|; -- c;\n|;\n\n)",
        ) {
            let joined = statements.join(&sep);
            let got: Vec<&str> = split_statements(&joined)
                .unwrap()
                .into_iter()
                .map(|s| s.sql)
                .collect();
            prop_assert_eq!(got, statements);
        }

        #[test]
        fn matches_the_reference(s in any::<String>()) {
            same_as_reference(&s)?;
        }

        #[test]
        fn matches_the_reference_on_sql_like_text(
            s in "([ \t\r\n;'\"$`/*\\\\\\-Ee_0-9xé\u{a0}\u{2028}]|BEGIN|END|CASE|CREATE|TRIGGER|FUNCTION|OR REPLACE|TEMP|\\$\\$|\\$t\\$|E'|--|/\\*|\\*/){0,40}"
        ) {
            same_as_reference(&s)?;
        }
    }
}
