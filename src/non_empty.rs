//! A set's IDs: a list that cannot be empty, sorted unless stored otherwise.

use std::collections::{BTreeSet, btree_set};
use std::iter::Chain;
use std::{option, slice};

/// Distinct items, at least one, in order: the first is always there, so a set's primary
/// ID can be read without a panic path.
///
/// The server keeps a set's IDs in a list: sorted whenever it combines two lists (merges),
/// appended to by `PersistUnknownBuildId` (servers 1.22–1.23), and routed by the first. So
/// the list is `first`, then `sorted` (the longest run that keeps the whole prefix sorted),
/// then `appended` (the rest, as stored): `appended` is absent exactly when the list is
/// sorted, which every combining makes it.
///
/// The sorted run is a [`BTreeSet`], not a sorted `Vec`: merging sets joins their IDs, and a
/// set that many merges have grown would pay a shift of all its IDs for each one added.
#[derive(Debug, Clone)]
pub(crate) struct NonEmpty<T> {
    first: T,
    sorted: BTreeSet<T>,
    /// Boxed, and absent while empty: nearly every list is sorted, and a set's handle to
    /// its tail then costs one word, where a `Vec` costs three (hence the box around a
    /// collection, which clippy otherwise discourages).
    #[allow(clippy::box_collection)]
    appended: Option<Box<Vec<T>>>,
}

impl<T: Ord> NonEmpty<T> {
    pub(crate) fn one(first: T) -> Self {
        Self {
            first,
            sorted: BTreeSet::new(),
            appended: None,
        }
    }

    /// The items in the given order; the caller has checked that they are distinct (so
    /// that a long list costs one pass, not a search per item).
    pub(crate) fn from_vec(items: Vec<T>) -> Option<Self> {
        let mut items = items.into_iter();
        let mut list = Self::one(items.next()?);
        for item in items {
            list.push_distinct(item);
        }
        Some(list)
    }

    pub(crate) fn len(&self) -> usize {
        1 + self.sorted.len() + self.tail().len()
    }

    pub(crate) fn first(&self) -> &T {
        &self.first
    }

    /// Whether the items are in sorted order.
    pub(crate) fn is_sorted(&self) -> bool {
        self.appended.is_none()
    }

    /// The appended items, in order (none while the list is sorted).
    fn tail(&self) -> &[T] {
        self.appended.as_deref().map_or(&[], Vec::as_slice)
    }

    pub(crate) fn iter(&self) -> Iter<'_, T> {
        Some(&self.first)
            .into_iter()
            .chain(self.sorted.iter())
            .chain(self.tail().iter())
    }

    /// The items after the first, in order.
    pub(crate) fn rest(&self) -> Iter<'_, T> {
        None.into_iter()
            .chain(self.sorted.iter())
            .chain(self.tail().iter())
    }

    /// Whether `item` is one of the items.
    pub(crate) fn contains(&self, item: &T) -> bool {
        self.first == *item || self.sorted.contains(item) || self.tail().contains(item)
    }

    /// Appends `item` at the end (`PersistUnknownBuildId`); `false` if it was there.
    pub(crate) fn append(&mut self, item: T) -> bool {
        if self.contains(&item) {
            return false;
        }
        self.push_distinct(item);
        true
    }

    /// Appends `item`, which is not in the list.
    fn push_distinct(&mut self, item: T) {
        let largest = self.sorted.last().unwrap_or(&self.first);
        match &mut self.appended {
            None if item > *largest => {
                self.sorted.insert(item);
            }
            None => self.appended = Some(Box::new(vec![item])),
            Some(tail) => tail.push(item),
        }
    }

    /// Sorts the items: what the server's every combining of two lists does.
    pub(crate) fn sort(&mut self) {
        let Some(appended) = self.appended.take() else {
            return;
        };
        self.sorted.extend(*appended);
        if let Some(smallest) = self.sorted.pop_first() {
            if smallest < self.first {
                let old_first = std::mem::replace(&mut self.first, smallest);
                self.sorted.insert(old_first);
            } else {
                self.sorted.insert(smallest);
            }
        }
    }

    /// Inserts `item` into a list that is sorted, keeping it sorted; `false` if it was there.
    fn insert_sorted(&mut self, item: T) -> bool {
        match item.cmp(&self.first) {
            std::cmp::Ordering::Equal => false,
            std::cmp::Ordering::Less => {
                let old_first = std::mem::replace(&mut self.first, item);
                self.sorted.insert(old_first)
            }
            std::cmp::Ordering::Greater => self.sorted.insert(item),
        }
    }

    /// Joins `other` in: the sorted union of both (the server's `mergeSetIDs`). Costs the
    /// smaller list times the logarithm of the larger.
    pub(crate) fn union_sorted(&mut self, mut other: Self) {
        self.sort();
        other.sort();
        if other.sorted.len() > self.sorted.len() {
            std::mem::swap(self, &mut other);
        }
        self.insert_sorted(other.first);
        for item in other.sorted {
            self.insert_sorted(item);
        }
    }
}

/// Equal when the lists are: same items, same order.
impl<T: Ord> PartialEq for NonEmpty<T> {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

impl<T: Ord> Eq for NonEmpty<T> {}

/// The items of a [`NonEmpty`], in order.
pub(crate) type Iter<'a, T> =
    Chain<Chain<option::IntoIter<&'a T>, btree_set::Iter<'a, T>>, slice::Iter<'a, T>>;

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

    #[test]
    fn appends_keep_their_order_until_a_sort() {
        let mut list = NonEmpty::one(5);
        assert!(list.append(7));
        assert!(list.is_sorted());
        assert!(list.append(2));
        assert!(!list.append(7));
        assert!(list.append(9));
        assert_eq!(items(&list), [5, 7, 2, 9]);
        assert!(!list.is_sorted());
        assert_eq!(*list.first(), 5);
        assert_eq!(list, NonEmpty::from_vec(vec![5, 7, 2, 9]).unwrap());
        assert_ne!(list, NonEmpty::from_vec(vec![2, 5, 7, 9]).unwrap());
        list.sort();
        assert_eq!(items(&list), [2, 5, 7, 9]);
        assert!(list.is_sorted());
    }

    #[test]
    fn a_union_sorts_both_lists() {
        let mut list = NonEmpty::from_vec(vec![4, 1]).unwrap();
        list.union_sorted(NonEmpty::from_vec(vec![3, 0, 2, 8, 6]).unwrap());
        assert_eq!(items(&list), [0, 1, 2, 3, 4, 6, 8]);
        assert!(list.is_sorted());
    }
}
