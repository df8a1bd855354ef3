//! Identifiers for new revisions: 12 random lowercase hex digits, as Alembic makes them.
//!
//! The form of an id is [`RevisionId`]'s; kept out of the pure `revision` module because it reads the OS's randomness (and, failing
//! that, the clock).

use crate::revision::RevisionId;

/// A new revision id ([`RevisionId::from_random_bytes`]) from the OS's randomness.
pub fn random_revision_id() -> String {
    let mut bytes = [0u8; 6];
    // getrandom only fails when the OS has no entropy source at all.
    if getrandom::fill(&mut bytes).is_err() {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        bytes.copy_from_slice(&nanos.to_le_bytes()[..6]);
    }
    RevisionId::from_random_bytes(bytes).into_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::revision::is_valid_revision_id;

    #[test]
    fn a_new_id_is_twelve_lowercase_hex_digits_and_a_valid_id() {
        let id = random_revision_id();
        assert_eq!(id.len(), 12, "{id}");
        assert!(
            id.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')),
            "{id}"
        );
        assert!(is_valid_revision_id(&id));
        assert_ne!(random_revision_id(), id);
    }
}
