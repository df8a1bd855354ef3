//! A fixed-size set of revision indexes, one bit each: membership tests, inserts and removals
//! in constant time, for the walks that ask "is X an ancestor of Y" many times over and for
//! the sets of revisions a plan collects (in place of ordered sets of indexes). The bits are
//! kept by `fixedbitset`; this wrapper fixes the one rule the walks rely on, that an index
//! outside the set is simply not a member (the crate would panic on inserting one).

use fixedbitset::FixedBitSet;

/// A set of indexes, sized when made; an index outside that size is never a member.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(super) struct Bits {
    set: FixedBitSet,
}

impl Bits {
    /// An empty set for indexes `0..len`.
    pub(super) fn new(len: usize) -> Bits {
        Bits {
            set: FixedBitSet::with_capacity(len),
        }
    }

    /// Adds `i`; true if it was not there. An index outside the set's size is dropped (false).
    pub(super) fn insert(&mut self, i: usize) -> bool {
        i < self.set.len() && !self.set.put(i)
    }

    /// Takes `i` out; true if it was there.
    pub(super) fn remove(&mut self, i: usize) -> bool {
        let was = self.set.contains(i);
        if was {
            self.set.set(i, false);
        }
        was
    }

    pub(super) fn contains(&self, i: usize) -> bool {
        self.set.contains(i)
    }

    /// The number of members.
    pub(super) fn count(&self) -> usize {
        self.set.count_ones(..)
    }

    pub(super) fn is_empty(&self) -> bool {
        self.set.is_clear()
    }

    /// Keeps only the members that `other` holds too.
    pub(super) fn intersect(&mut self, other: &Bits) {
        self.set.intersect_with(&other.set);
    }

    /// Takes out the members that `other` holds.
    pub(super) fn subtract(&mut self, other: &Bits) {
        self.set.difference_with(&other.set);
    }

    /// The members, ascending.
    pub(super) fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        self.set.ones()
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
        assert!(bits.insert(9));
        assert!(!bits.insert(10));
        assert!(!bits.contains(10));
        assert!(!bits.insert(64));
        assert!(!bits.contains(64));
        assert!(!bits.contains(1000));
        assert!(!bits.remove(1000));
    }
}
