//! Which way a migration goes: the one upgrade/downgrade value that plans, script sections and
//! history rows share.

/// Upgrade or downgrade.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Direction {
    Upgrade,
    Downgrade,
}

impl Direction {
    /// The word for it: `upgrade` or `downgrade` (a section marker's word, the history
    /// table's `direction` column, the verb of a step's log line).
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Upgrade => "upgrade",
            Direction::Downgrade => "downgrade",
        }
    }

    /// The direction a word names, in any case.
    pub fn from_word(word: &str) -> Option<Direction> {
        [Direction::Upgrade, Direction::Downgrade]
            .into_iter()
            .find(|d| word.eq_ignore_ascii_case(d.as_str()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_direction_is_read_back_from_its_word_in_any_case() {
        for d in [Direction::Upgrade, Direction::Downgrade] {
            assert_eq!(Direction::from_word(d.as_str()), Some(d));
            assert_eq!(Direction::from_word(&d.as_str().to_uppercase()), Some(d));
        }
        assert_eq!(Direction::from_word("up"), None);
        assert_eq!(Direction::from_word("stamp"), None);
    }
}
