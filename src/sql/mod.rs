//! SQL text as the tool reads it, before any meaning: statements and their first word.
//!
//! [`parse_marker`] reads the `-- +word` lines that cut a file into sections;
//! [`split_statements`] cuts a section's text into statements (quotes, comments, dollar quotes
//! and trigger/function bodies respected); [`leading_word`] and [`is_ddl_word`] say what a
//! statement plainly starts with; [`lines`] cuts text into lines at `\n`, `\r\n` or a lone
//! `\r`, alike for every file the tool reads. Scripts, `models.sql` and the schema model all read SQL
//! through this module, so one text splits the same way everywhere. Pure: no I/O.

mod marker;
mod split;

pub use marker::parse_marker;
pub use split::{split_statements, split_with, Comments, Statement};

/// The lines of `text`, each without its ending: `\n`, `\r\n` and a lone `\r` all end a line
/// (as the script checksum counts them). A final line ending starts no empty line.
pub fn lines(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = Some(text).filter(|t| !t.is_empty());
    std::iter::from_fn(move || {
        let current = rest?;
        match current.find(['\r', '\n']) {
            Some(at) => {
                let ending = if current[at..].starts_with("\r\n") {
                    2
                } else {
                    1
                };
                let next = &current[at + ending..];
                rest = Some(next).filter(|n| !n.is_empty());
                Some(&current[..at])
            }
            None => {
                rest = None;
                Some(current)
            }
        }
    })
}

/// The first word of a statement when it plainly starts with one, after blank space and `--`
/// comments; `None` when it starts with anything else (a `/* */` comment, a parenthesis, a
/// quoted name…), which only a parser can read.
pub fn leading_word(sql: &str) -> Option<&str> {
    let mut rest = sql.trim_start();
    while let Some(comment) = rest.strip_prefix("--") {
        rest = comment
            .split_once('\n')
            .map_or("", |(_, after)| after)
            .trim_start();
    }
    let end = rest
        .find(|c: char| !c.is_ascii_alphabetic())
        .unwrap_or(rest.len());
    (end > 0).then(|| &rest[..end])
}

/// Whether `word` (any case) is `CREATE`, `ALTER` or `DROP`: the words that open the
/// statements that can change a schema.
pub fn is_ddl_word(word: &str) -> bool {
    ["CREATE", "ALTER", "DROP"]
        .iter()
        .any(|k| word.eq_ignore_ascii_case(k))
}

/// Whether a statement plainly starts with `CREATE`, `ALTER` or `DROP` (after blank space and
/// `--` comments).
pub fn starts_with_ddl(sql: &str) -> bool {
    leading_word(sql).is_some_and(is_ddl_word)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_end_at_any_line_ending() {
        let got: Vec<&str> = lines("a\nb\r\nc\rd\r\re\n").collect();
        assert_eq!(got, ["a", "b", "c", "d", "", "e"]);
        assert_eq!(lines("").count(), 0);
        assert_eq!(lines("\n").collect::<Vec<_>>(), [""]);
        assert_eq!(lines("x").collect::<Vec<_>>(), ["x"]);
        assert_eq!(lines("x\r").collect::<Vec<_>>(), ["x"]);
    }

    #[test]
    fn the_leading_word_follows_blank_space_and_line_comments() {
        assert_eq!(leading_word("  -- why\n\n  alter table a"), Some("alter"));
        assert_eq!(leading_word("INSERT INTO a VALUES (1)"), Some("INSERT"));
        assert_eq!(leading_word("/* c */ CREATE TABLE a (x INT)"), None);
        assert_eq!(leading_word("(SELECT 1)"), None);
        assert_eq!(leading_word("-- only a comment"), None);
        assert_eq!(leading_word(""), None);
    }

    #[test]
    fn ddl_is_known_by_its_first_word_after_comments() {
        for sql in [
            "CREATE TABLE a (id INTEGER)",
            "  -- why\n\n  alter table a add b INTEGER",
            "Drop Index ix",
        ] {
            assert!(starts_with_ddl(sql), "{sql}");
        }
        for sql in [
            "INSERT INTO a VALUES (1)",
            "CREATED",
            "DROPS",
            "-- DROP TABLE a",
            "/* x */ DROP TABLE a",
            "",
        ] {
            assert!(!starts_with_ddl(sql), "{sql}");
        }
    }

    proptest::proptest! {
        #[test]
        fn starts_with_ddl_reads_the_first_line_of_code(
            sql in "([ \t\r\n]|--|-|x|DROP|create|Alter|;|\u{a0}|\u{2028}){0,12}"
        ) {
            // The first line that is neither blank nor a comment, by `lines()`.
            let code = sql
                .lines()
                .map(str::trim_start)
                .find(|l| !l.is_empty() && !l.starts_with("--"))
                .unwrap_or("");
            let word: String = code.chars().take_while(char::is_ascii_alphabetic).collect();
            proptest::prop_assert_eq!(starts_with_ddl(&sql), is_ddl_word(&word), "{:?}", sql);
        }
    }
}
