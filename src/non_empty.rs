//! The members of a compatible set: a list that cannot be empty.

use std::iter::{Chain, Once, once};
use std::slice;

/// A list with at least one element. The last element is always there, so a set's default
/// can be read without a panic path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct NonEmpty<T> {
    first: T,
    rest: Vec<T>,
}

impl<T> NonEmpty<T> {
    pub(crate) fn one(first: T) -> Self {
        Self {
            first,
            rest: Vec::new(),
        }
    }

    /// `None` for an empty vector.
    pub(crate) fn from_vec(items: Vec<T>) -> Option<Self> {
        let mut items = items.into_iter();
        let first = items.next()?;
        Some(Self {
            first,
            rest: items.collect(),
        })
    }

    pub(crate) fn into_vec(self) -> Vec<T> {
        let mut items = Vec::with_capacity(1 + self.rest.len());
        items.push(self.first);
        items.extend(self.rest);
        items
    }

    pub(crate) fn first(&self) -> &T {
        &self.first
    }

    pub(crate) fn rest(&self) -> &[T] {
        &self.rest
    }

    pub(crate) fn iter(&self) -> Members<'_, T> {
        Members {
            inner: once(&self.first).chain(self.rest.iter()),
        }
    }
}

impl<T: Ord> NonEmpty<T> {
    /// Inserts `item` into a sorted list in its place; `false` (and no change) when it is
    /// there already.
    pub(crate) fn insert_sorted(&mut self, item: T) -> bool {
        match item.cmp(&self.first) {
            std::cmp::Ordering::Equal => false,
            std::cmp::Ordering::Less => {
                let old_first = std::mem::replace(&mut self.first, item);
                self.rest.insert(0, old_first);
                true
            }
            std::cmp::Ordering::Greater => match self.rest.binary_search(&item) {
                Ok(_) => false,
                Err(slot) => {
                    self.rest.insert(slot, item);
                    true
                }
            },
        }
    }

    /// Joins another sorted list into this sorted one, keeping it sorted and distinct.
    pub(crate) fn merge_sorted(&mut self, other: Self) {
        for item in other.into_vec() {
            self.insert_sorted(item);
        }
    }
}

/// An iterator over the members of a set (or its set IDs) that knows its length.
#[derive(Debug, Clone)]
pub struct Members<'a, T> {
    inner: Chain<Once<&'a T>, slice::Iter<'a, T>>,
}

impl<'a, T> Iterator for Members<'a, T> {
    type Item = &'a T;

    fn next(&mut self) -> Option<Self::Item> {
        self.inner.next()
    }

    /// Exact: both halves of the chain know their lengths.
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.inner.size_hint()
    }
}

impl<T> DoubleEndedIterator for Members<'_, T> {
    fn next_back(&mut self) -> Option<Self::Item> {
        self.inner.next_back()
    }
}

impl<T> ExactSizeIterator for Members<'_, T> {}

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
        assert_eq!((*list.first(), list.rest()), (3, &[5, 7, 9][..]));
    }

    #[test]
    fn merge_sorted_is_the_sorted_union() {
        let mut list = NonEmpty::from_vec(vec![1, 4]).unwrap();
        list.merge_sorted(NonEmpty::from_vec(vec![0, 2, 4]).unwrap());
        assert_eq!(items(&list), [0, 1, 2, 4]);
    }

    #[test]
    fn last_len_and_iteration_agree() {
        let list = NonEmpty::from_vec(vec![1, 2]).unwrap();
        assert_eq!(list.iter().len(), 2);
        assert_eq!(list.iter().rev().copied().collect::<Vec<_>>(), [2, 1]);
        assert_eq!(list.clone().into_vec(), [1, 2]);
        assert_eq!(NonEmpty::one(7).into_vec(), [7]);
        assert!(NonEmpty::<u8>::from_vec(vec![]).is_none());
    }
}
