//! A fixed-size set of revision indexes, one bit each: membership tests and inserts in
//! constant time, for the walks that ask "is X an ancestor of Y" many times over.

/// A set of indexes below the size it was made with.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(super) struct Bits {
    words: Vec<u64>,
}

impl Bits {
    /// An empty set for indexes `0..len`.
    pub(super) fn new(len: usize) -> Bits {
        Bits {
            words: vec![0; len.div_ceil(64)],
        }
    }

    /// Adds `i`; true if it was not there. An index past the size is never a member.
    pub(super) fn insert(&mut self, i: usize) -> bool {
        match self.words.get_mut(i / 64) {
            Some(word) => {
                let mask = 1u64 << (i % 64);
                let added = *word & mask == 0;
                *word |= mask;
                added
            }
            None => false,
        }
    }

    /// Takes `i` out.
    pub(super) fn remove(&mut self, i: usize) {
        if let Some(word) = self.words.get_mut(i / 64) {
            *word &= !(1u64 << (i % 64));
        }
    }

    pub(super) fn contains(&self, i: usize) -> bool {
        self.words
            .get(i / 64)
            .is_some_and(|word| word & (1u64 << (i % 64)) != 0)
    }
}

#[cfg(test)]
mod tests {
    use super::Bits;

    #[test]
    fn insert_contains_remove() {
        let mut bits = Bits::new(130);
        assert!(!bits.contains(0));
        assert!(bits.insert(0));
        assert!(!bits.insert(0));
        assert!(bits.insert(64));
        assert!(bits.insert(129));
        assert!(bits.contains(0) && bits.contains(64) && bits.contains(129));
        assert!(!bits.contains(1) && !bits.contains(63) && !bits.contains(128));
        bits.remove(64);
        assert!(!bits.contains(64));
        assert!(bits.contains(129));
    }

    #[test]
    fn out_of_range_is_never_a_member() {
        let mut bits = Bits::new(10);
        assert!(bits.insert(63)); // same word, past len: harmless
        assert!(!bits.insert(64));
        assert!(!bits.contains(64));
        assert!(!bits.contains(1000));
        bits.remove(1000);
    }
}
