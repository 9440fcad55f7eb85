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

    pub(crate) fn len(&self) -> usize {
        1 + self.rest.len()
    }

    pub(crate) fn first(&self) -> &T {
        &self.first
    }

    pub(crate) fn rest(&self) -> &[T] {
        &self.rest
    }

    pub(crate) fn get(&self, index: usize) -> Option<&T> {
        match index.checked_sub(1) {
            None => Some(&self.first),
            Some(i) => self.rest.get(i),
        }
    }

    pub(crate) fn get_mut(&mut self, index: usize) -> Option<&mut T> {
        match index.checked_sub(1) {
            None => Some(&mut self.first),
            Some(i) => self.rest.get_mut(i),
        }
    }

    pub(crate) fn last(&self) -> &T {
        self.rest.last().unwrap_or(&self.first)
    }

    pub(crate) fn iter(&self) -> Members<'_, T> {
        Members {
            inner: once(&self.first).chain(self.rest.iter()),
            len: self.len(),
        }
    }

    pub(crate) fn push(&mut self, item: T) {
        self.rest.push(item);
    }

    /// Moves the element at `index` to the end; an index past the end changes nothing.
    pub(crate) fn move_to_end(&mut self, index: usize) {
        if index == 0 {
            if !self.rest.is_empty() {
                let next = self.rest.remove(0);
                let old_first = std::mem::replace(&mut self.first, next);
                self.rest.push(old_first);
            }
        } else if index <= self.rest.len() {
            let item = self.rest.remove(index - 1);
            self.rest.push(item);
        }
    }
}

/// An iterator over the members of a set (or its set IDs) that knows its length.
#[derive(Debug, Clone)]
pub struct Members<'a, T> {
    inner: Chain<Once<&'a T>, slice::Iter<'a, T>>,
    len: usize,
}

impl<'a, T> Iterator for Members<'a, T> {
    type Item = &'a T;

    fn next(&mut self) -> Option<Self::Item> {
        let item = self.inner.next()?;
        self.len -= 1;
        Some(item)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.len, Some(self.len))
    }
}

impl<T> DoubleEndedIterator for Members<'_, T> {
    fn next_back(&mut self) -> Option<Self::Item> {
        let item = self.inner.next_back()?;
        self.len -= 1;
        Some(item)
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
    fn move_to_end_from_every_position() {
        for (index, expected) in [
            (0, [2, 3, 1]),
            (1, [1, 3, 2]),
            (2, [1, 2, 3]),
            (9, [1, 2, 3]),
        ] {
            let mut list = NonEmpty::from_vec(vec![1, 2, 3]).unwrap();
            list.move_to_end(index);
            assert_eq!(items(&list), expected, "index {index}");
        }
        let mut single = NonEmpty::one(7);
        single.move_to_end(0);
        assert_eq!(items(&single), [7]);
    }

    #[test]
    fn last_len_and_iteration_agree() {
        let mut list = NonEmpty::one(1);
        assert_eq!((*list.last(), list.len()), (1, 1));
        list.push(2);
        assert_eq!((*list.last(), list.len(), list.iter().len()), (2, 2, 2));
        assert_eq!(list.iter().rev().copied().collect::<Vec<_>>(), [2, 1]);
        assert_eq!(list.clone().into_vec(), [1, 2]);
        assert!(NonEmpty::<u8>::from_vec(vec![]).is_none());
    }
}
