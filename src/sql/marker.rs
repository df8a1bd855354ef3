//! Section markers: the `-- +word [dialect] [no-transaction]` comment lines that cut a file of
//! SQL into sections — `-- +upgrade` and `-- +downgrade` in revision scripts, `-- +models` in
//! `models.sql`.
//!
//! One rule for both files: a line that, trimmed, starts with `--`, optional blank space, `+`
//! and a word of ASCII letters, `-` or `_` is a marker. The word and the options after it are
//! matched in any case; an option is a dialect name ([`Dialect::from_name`]: `sqlite`,
//! `postgresql`, `postgres`) or, where the file has transactions, `no-transaction`, each at
//! most once. Which words and options a
//! file accepts is the file's business: this module reads the line, the file's reader checks
//! the word ([`Marker::word`]) before the options ([`Marker::options`]).

use crate::Dialect;

/// A marker line, read up to its word.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Marker<'a> {
    /// The word after `+`, as written.
    pub word: &'a str,
    /// What follows the word.
    rest: &'a str,
}

/// The options after a marker's word.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MarkerOptions {
    pub dialect: Option<Dialect>,
    pub no_transaction: bool,
}

/// The marker `line` is, or `None` when it is not one.
pub fn parse_marker(line: &str) -> Option<Marker<'_>> {
    let rest = line.trim().strip_prefix("--")?.trim_start();
    let rest = rest.strip_prefix('+')?.trim_start();
    let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
    let word = &rest[..end];
    let is_word = |c: char| c.is_ascii_alphabetic() || c == '-' || c == '_';
    if word.is_empty() || !word.chars().all(is_word) {
        return None;
    }
    Some(Marker {
        word,
        rest: &rest[end..],
    })
}

impl Marker<'_> {
    /// Whether the marker's word is `word` (any case).
    pub fn is(&self, word: &str) -> bool {
        self.word.eq_ignore_ascii_case(word)
    }

    /// The options after the word, or a message naming the word that is wrong;
    /// `no-transaction` is one only where `transactions` says the file has them.
    pub fn options(&self, transactions: bool) -> Result<MarkerOptions, String> {
        let mut options = MarkerOptions::default();
        for word in self.rest.split_whitespace() {
            if transactions && word.eq_ignore_ascii_case("no-transaction") {
                if options.no_transaction {
                    return Err("'no-transaction' given twice in the marker".to_string());
                }
                options.no_transaction = true;
            } else if let Some(dialect) = Dialect::from_name(word) {
                if let Some(first) = options.dialect {
                    return Err(format!(
                        "a section marker names one dialect; found '{word}' after '{}'",
                        first.name()
                    ));
                }
                options.dialect = Some(dialect);
            } else {
                let or_transaction = if transactions {
                    " or 'no-transaction'"
                } else {
                    ""
                };
                return Err(format!(
                    "unknown word '{word}' in the '-- +{}' marker; expected a dialect (sqlite, postgresql){or_transaction}",
                    self.word.to_ascii_lowercase()
                ));
            }
        }
        Ok(options)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options(line: &str) -> Result<MarkerOptions, String> {
        parse_marker(line).expect("a marker").options(true)
    }

    #[test]
    fn a_marker_is_a_plus_word_in_a_line_comment() {
        for line in [
            "-- +upgrade",
            "--+upgrade",
            "  --   +upgrade  ",
            "-- + upgrade",
            "-- +Models sqlite",
        ] {
            assert!(parse_marker(line).is_some(), "{line}");
        }
        for line in [
            "-- upgrade",
            "- +upgrade",
            "-- +",
            "-- +1up",
            "-- +up.grade",
            "SELECT 1",
        ] {
            assert_eq!(parse_marker(line), None, "{line}");
        }
        let m = parse_marker("-- +Downgrade postgres").unwrap();
        assert_eq!(m.word, "Downgrade");
        assert!(m.is("downgrade") && !m.is("upgrade"));
    }

    #[test]
    fn options_are_one_dialect_and_no_transaction_in_any_case_and_order() {
        assert_eq!(options("-- +upgrade"), Ok(MarkerOptions::default()));
        for (line, dialect) in [
            ("-- +models sqlite", Dialect::Sqlite),
            ("-- +models postgresql", Dialect::Postgresql),
            ("-- +models postgres", Dialect::Postgresql),
            ("-- +upgrade PostgreSQL", Dialect::Postgresql),
        ] {
            assert_eq!(options(line).unwrap().dialect, Some(dialect), "{line}");
        }
        assert_eq!(
            options("-- +upgrade No-Transaction sqlite"),
            Ok(MarkerOptions {
                dialect: Some(Dialect::Sqlite),
                no_transaction: true
            })
        );
    }

    #[test]
    fn a_bad_option_is_named() {
        assert_eq!(
            options("-- +UPGRADE oracle").unwrap_err(),
            "unknown word 'oracle' in the '-- +upgrade' marker; expected a dialect (sqlite, postgresql) or 'no-transaction'"
        );
        assert_eq!(
            options("-- +upgrade sqlite postgres").unwrap_err(),
            "a section marker names one dialect; found 'postgres' after 'sqlite'"
        );
        assert_eq!(
            options("-- +upgrade no-transaction no-transaction").unwrap_err(),
            "'no-transaction' given twice in the marker"
        );
        let models = parse_marker("-- +models no-transaction").unwrap();
        assert_eq!(
            models.options(false).unwrap_err(),
            "unknown word 'no-transaction' in the '-- +models' marker; expected a dialect (sqlite, postgresql)"
        );
    }
}
