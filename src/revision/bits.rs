//! A fixed-size set of revision indexes, one bit each: membership tests, inserts and removals
//! in constant time, for the walks that ask "is X an ancestor of Y" many times over and for
//! the sets of revisions a plan collects (in place of ordered sets of indexes).

/// A set of indexes, sized when made. The set holds whole 64-bit words, so an index past the
/// size but within its last word is kept like any other; one past that word never is.
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

    /// Adds `i`; true if it was not there. An index past the last word is dropped (false).
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

    /// Takes `i` out; true if it was there.
    pub(super) fn remove(&mut self, i: usize) -> bool {
        match self.words.get_mut(i / 64) {
            Some(word) => {
                let mask = 1u64 << (i % 64);
                let removed = *word & mask != 0;
                *word &= !mask;
                removed
            }
            None => false,
        }
    }

    pub(super) fn contains(&self, i: usize) -> bool {
        self.words
            .get(i / 64)
            .is_some_and(|word| word & (1u64 << (i % 64)) != 0)
    }

    /// The number of members.
    pub(super) fn count(&self) -> usize {
        self.words.iter().map(|w| w.count_ones() as usize).sum()
    }

    pub(super) fn is_empty(&self) -> bool {
        self.words.iter().all(|&w| w == 0)
    }

    /// Keeps only the members that `other` holds too.
    pub(super) fn intersect(&mut self, other: &Bits) {
        for (i, word) in self.words.iter_mut().enumerate() {
            *word &= other.words.get(i).copied().unwrap_or(0);
        }
    }

    /// Takes out the members that `other` holds.
    pub(super) fn subtract(&mut self, other: &Bits) {
        for (word, theirs) in self.words.iter_mut().zip(&other.words) {
            *word &= !theirs;
        }
    }

    /// The members, ascending.
    pub(super) fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        self.words.iter().enumerate().flat_map(|(w, &word)| {
            let mut rest = word;
            std::iter::from_fn(move || {
                (rest != 0).then(|| {
                    let bit = rest.trailing_zeros() as usize;
                    rest &= rest - 1;
                    w * 64 + bit
                })
            })
        })
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
        assert!(bits.remove(64));
        assert!(!bits.remove(64));
        assert!(!bits.contains(64));
        assert!(bits.contains(129));
    }

    #[test]
    fn count_iterate_and_combine() {
        let mut a = Bits::new(200);
        assert!(a.is_empty());
        assert_eq!(a.iter().count(), 0);
        for i in [0, 5, 63, 64, 65, 127, 128, 199] {
            a.insert(i);
        }
        assert!(!a.is_empty());
        assert_eq!(a.count(), 8);
        assert_eq!(
            a.iter().collect::<Vec<_>>(),
            vec![0, 5, 63, 64, 65, 127, 128, 199]
        );
        let mut b = Bits::new(200);
        for i in [5, 64, 128, 150] {
            b.insert(i);
        }
        let mut both = a.clone();
        both.intersect(&b);
        assert_eq!(both.iter().collect::<Vec<_>>(), vec![5, 64, 128]);
        let mut only_a = a.clone();
        only_a.subtract(&b);
        assert_eq!(only_a.iter().collect::<Vec<_>>(), vec![0, 63, 65, 127, 199]);
        // A shorter set intersects as if the missing words were empty.
        let mut short = Bits::new(64);
        short.insert(5);
        let mut cut = a.clone();
        cut.intersect(&short);
        assert_eq!(cut.iter().collect::<Vec<_>>(), vec![5]);
    }

    #[test]
    fn out_of_range_is_never_a_member() {
        let mut bits = Bits::new(10);
        assert!(bits.insert(63)); // same word, past len: harmless
        assert!(!bits.insert(64));
        assert!(!bits.contains(64));
        assert!(!bits.contains(1000));
        assert!(!bits.remove(1000));
    }
}
