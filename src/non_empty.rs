//! A set's IDs: a sorted set that cannot be empty.

use std::collections::{BTreeSet, btree_set};
use std::iter::Chain;
use std::option;

/// A sorted set of distinct items with at least one: the first (smallest) is always there,
/// so a set's primary ID can be read without a panic path.
///
/// The rest is a [`BTreeSet`], not a sorted `Vec`: merging sets joins their IDs, and a set
/// that many merges have grown would pay a shift of all its IDs for each one added.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct NonEmpty<T> {
    first: T,
    rest: BTreeSet<T>,
}

impl<T: Ord> NonEmpty<T> {
    pub(crate) fn one(first: T) -> Self {
        Self {
            first,
            rest: BTreeSet::new(),
        }
    }

    /// `None` for an empty vector. The caller gives the items sorted and distinct (only a
    /// test builds a list out of order, for the checker to find).
    pub(crate) fn from_vec(items: Vec<T>) -> Option<Self> {
        let mut items = items.into_iter();
        let first = items.next()?;
        Some(Self {
            first,
            rest: items.collect(),
        })
    }

    /// How many items there are: at least one.
    pub(crate) fn len(&self) -> usize {
        1 + self.rest.len()
    }

    pub(crate) fn first(&self) -> &T {
        &self.first
    }

    pub(crate) fn iter(&self) -> Iter<'_, T> {
        Some(&self.first).into_iter().chain(self.rest.iter())
    }

    /// The items after the first, in order.
    pub(crate) fn rest(&self) -> Iter<'_, T> {
        None.into_iter().chain(self.rest.iter())
    }

    /// Inserts `item` in its place; `false` (and no change) when it is there already.
    /// Whether `item` is in the list.
    pub(crate) fn contains(&self, item: &T) -> bool {
        self.first == *item || self.rest.contains(item)
    }

    pub(crate) fn insert_sorted(&mut self, item: T) -> bool {
        match item.cmp(&self.first) {
            std::cmp::Ordering::Equal => false,
            std::cmp::Ordering::Less => {
                let old_first = std::mem::replace(&mut self.first, item);
                self.rest.insert(old_first)
            }
            std::cmp::Ordering::Greater => self.rest.insert(item),
        }
    }

    /// Joins another list into this one, keeping it sorted and distinct: the shorter is
    /// inserted into the longer, O(the shorter's length, times the log of the longer's).
    pub(crate) fn union_sorted(&mut self, mut other: Self) {
        if other.rest.len() > self.rest.len() {
            std::mem::swap(self, &mut other);
        }
        self.insert_sorted(other.first);
        for item in other.rest {
            self.insert_sorted(item);
        }
    }
}

/// The items in order: the first, then the rest. `Chain` has no `ExactSizeIterator` (its
/// length could overflow), so the public iterators over it (`SetIds`) add their own.
pub(crate) type Iter<'a, T> = Chain<option::IntoIter<&'a T>, btree_set::Iter<'a, T>>;

#[cfg(test)]
mod tests {
    use super::*;

    fn items(list: &NonEmpty<u8>) -> Vec<u8> {
        list.iter().copied().collect()
    }

    #[test]
    fn insert_sorted_keeps_order_and_refuses_repeats() {
        let mut list = NonEmpty::one(5);
        assert!(list.insert_sorted(3));
        assert!(list.insert_sorted(9));
        assert!(list.insert_sorted(7));
        assert!(!list.insert_sorted(5));
        assert!(!list.insert_sorted(3));
        assert!(!list.insert_sorted(9));
        assert_eq!(items(&list), [3, 5, 7, 9]);
        assert_eq!(*list.first(), 3);
    }

    #[test]
    fn union_sorted_is_the_sorted_union() {
        let mut list = NonEmpty::from_vec(vec![1, 4]).unwrap();
        list.union_sorted(NonEmpty::from_vec(vec![0, 2, 4]).unwrap());
        assert_eq!(items(&list), [0, 1, 2, 4]);
        list.union_sorted(NonEmpty::from_vec(vec![3, 9]).unwrap());
        assert_eq!(items(&list), [0, 1, 2, 3, 4, 9]);
        list.union_sorted(NonEmpty::one(0));
        assert_eq!(items(&list), [0, 1, 2, 3, 4, 9]);
    }

    #[test]
    fn last_len_and_iteration_agree() {
        let list = NonEmpty::from_vec(vec![1, 2]).unwrap();
        assert_eq!(list.iter().count(), 2);
        assert_eq!(list.rest().copied().collect::<Vec<_>>(), [2]);
        assert_eq!(list.iter().rev().copied().collect::<Vec<_>>(), [2, 1]);
        assert!(NonEmpty::<u8>::from_vec(vec![]).is_none());
    }
}
