//! Revision identifiers: which strings may name a revision.

/// `[0-9a-zA-Z_]{1,32}`.
pub fn is_valid_revision_id(id: &str) -> bool {
    (1..=32).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}
