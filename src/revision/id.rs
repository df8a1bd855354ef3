//! Revision identifiers: which strings may name a revision, and the form of new ones.
//!
//! Two rules, both owned here. Alembic's target grammar gives `@`, `-`, `+` and `:` a meaning
//! (`branch@head`, `ae10+2`, `a:b`), so no revision may contain them ([`reserved_chars`]);
//! the revision graph refuses those. Script files and `revision --rev-id` are held to this
//! tool's stricter rule, [`RevisionId::RULE`]: the id must fit the version table's
//! `VARCHAR(32)` column and read the same everywhere. New ids are 12 lowercase hex digits, as
//! Alembic makes them.

use std::fmt;

/// An id that satisfies [`RevisionId::RULE`].
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RevisionId(String);

/// Why a string is not a [`RevisionId`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BadRevisionId {
    /// It holds characters of Alembic's target grammar: these, sorted, each once.
    Reserved(Vec<char>),
    /// It is empty.
    Empty,
    /// It is a word of Alembic's target grammar ([`RevisionId::RESERVED_WORDS`]).
    ReservedWord,
    /// It breaks [`RevisionId::RULE`] some other way (too long, or another character).
    Invalid,
}

impl RevisionId {
    /// The longest id: the version table's column is `VARCHAR(32)`.
    pub const MAX_LEN: usize = 32;

    /// Words that targets give a meaning (`head`, `heads`, `base`): no revision id or branch
    /// label may be one, or every target naming it would mean the other thing.
    pub const RESERVED_WORDS: [&'static str; 3] = ["head", "heads", "base"];

    /// Whether `name` is one of [`RevisionId::RESERVED_WORDS`].
    pub fn is_reserved_word(name: &str) -> bool {
        Self::RESERVED_WORDS.contains(&name)
    }

    /// The rule, as messages state it.
    pub const RULE: &'static str = "1 to 32 characters of 0-9, a-z, A-Z and _";

    /// `id` checked against [`RevisionId::RULE`]; reserved characters are reported first.
    pub fn parse(id: &str) -> Result<RevisionId, BadRevisionId> {
        let reserved = reserved_chars(id);
        if !reserved.is_empty() {
            return Err(BadRevisionId::Reserved(reserved));
        }
        if id.is_empty() {
            return Err(BadRevisionId::Empty);
        }
        if Self::is_reserved_word(id) {
            return Err(BadRevisionId::ReservedWord);
        }
        let allowed = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
        if id.len() > Self::MAX_LEN || !id.bytes().all(allowed) {
            return Err(BadRevisionId::Invalid);
        }
        Ok(RevisionId(id.to_string()))
    }

    /// A new id from six random bytes: 12 lowercase hex digits.
    pub fn from_random_bytes(bytes: [u8; 6]) -> RevisionId {
        RevisionId(bytes.iter().map(|b| format!("{b:02x}")).collect())
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

impl fmt::Display for RevisionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The characters of `id` that Alembic's target grammar reserves (`@`, `-`, `+`, `:`), sorted,
/// each once.
pub fn reserved_chars(id: &str) -> Vec<char> {
    let mut found: Vec<char> = id.chars().filter(|c| "@-+:".contains(*c)).collect();
    found.sort_unstable();
    found.dedup();
    found
}

/// Whether `id` satisfies [`RevisionId::RULE`] (`[0-9a-zA-Z_]{1,32}`).
pub fn is_valid_revision_id(id: &str) -> bool {
    RevisionId::parse(id).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_of_one_to_32_letters_digits_and_underscores_are_valid() {
        for id in ["a", "ae1027a6acf", "Add_Users_2", &"z".repeat(32)] {
            assert_eq!(
                RevisionId::parse(id).map(|r| r.into_string()),
                Ok(id.to_string())
            );
        }
    }

    #[test]
    fn a_bad_id_says_why() {
        assert_eq!(
            RevisionId::parse("ab:cd@+@"),
            Err(BadRevisionId::Reserved(vec!['+', ':', '@']))
        );
        assert_eq!(RevisionId::parse(""), Err(BadRevisionId::Empty));
        for word in ["head", "heads", "base"] {
            assert_eq!(RevisionId::parse(word), Err(BadRevisionId::ReservedWord));
        }
        assert!(is_valid_revision_id("Head"));
        assert_eq!(
            RevisionId::parse(&"z".repeat(33)),
            Err(BadRevisionId::Invalid)
        );
        assert_eq!(RevisionId::parse("not an id"), Err(BadRevisionId::Invalid));
        assert_eq!(RevisionId::parse("é"), Err(BadRevisionId::Invalid));
        assert!(!is_valid_revision_id("a.b"));
    }

    #[test]
    fn a_new_id_is_twelve_lowercase_hex_digits() {
        let id = RevisionId::from_random_bytes([0x00, 0x0f, 0xa0, 0xff, 0x12, 0x9b]);
        assert_eq!(id.to_string(), "000fa0ff129b");
        assert!(is_valid_revision_id(&id.to_string()));
    }
}
