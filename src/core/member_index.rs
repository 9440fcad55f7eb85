//! An ordered index of one large set's members, so that a merge finds where each incoming
//! member goes in O(log n) rather than by walking the set's list.
//!
//! A set's list is in timestamp order, and members with the same timestamp (which stored
//! data may hold) are in list order. So the index orders members by timestamp and then by
//! a *tie number* that follows list order: a member appended or promoted takes a number
//! above every number given so far, and a whole set merged in takes a run of numbers below
//! every number (when it is the older set, whose members go first on ties) or above (when
//! it is the newer). Numbers are never reused, so a number names its member's place.

use std::collections::{BTreeMap, HashMap};

use super::{HashKey, MemberKey};
use crate::Hlc;

/// Where the members of a set combined into another go among members with the same
/// timestamp: first when theirs was the older set, last when it was the newer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ties {
    IncomingFirst,
    IncomingLast,
}

/// Where a member stands in the index: by timestamp, then by tie number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Place {
    stamp: Hlc,
    tie: i64,
}

/// The members of one set by (timestamp, tie number), and each member's tie number.
#[derive(Debug, Clone)]
pub(crate) struct MemberIndex {
    places: BTreeMap<Place, MemberKey>,
    ties: HashMap<MemberKey, i64, HashKey>,
    /// The lowest and highest tie numbers given so far. (Each change gives at most one
    /// number per member it touches, so an `i64` cannot run out in any real lifetime.)
    lowest: i64,
    highest: i64,
}

impl MemberIndex {
    /// The key of its table, for the tests of re-keying.
    #[cfg(test)]
    pub(crate) fn key(&self) -> &HashKey {
        self.ties.hasher()
    }

    /// The same index, its table keyed with `key`.
    pub(crate) fn rekey(&mut self, key: &HashKey) {
        let mut ties = HashMap::with_capacity_and_hasher(self.ties.len(), key.clone());
        ties.extend(self.ties.drain());
        self.ties = ties;
    }

    /// The index of a set whose `len` members, oldest first, are `members`, its table
    /// keyed with `key`.
    pub(crate) fn new(
        len: usize,
        members: impl Iterator<Item = (MemberKey, Hlc)>,
        key: HashKey,
    ) -> Self {
        let mut ties = HashMap::with_capacity_and_hasher(len, key);
        let mut highest = -1;
        // Collected in order, so the B-tree is built in one pass rather than by inserts.
        let places = members
            .map(|(key, stamp)| {
                highest += 1;
                ties.insert(key, highest);
                (
                    Place {
                        stamp,
                        tie: highest,
                    },
                    key,
                )
            })
            .collect();
        Self {
            places,
            ties,
            lowest: 0,
            highest,
        }
    }

    /// Adds `key`, stamped `stamp`, after every member with that timestamp.
    pub(crate) fn push_last(&mut self, key: MemberKey, stamp: Hlc) {
        self.highest += 1;
        self.put(key, stamp, self.highest);
    }

    /// Takes `key`, stamped `stamp`, out of the index.
    pub(crate) fn remove(&mut self, key: MemberKey, stamp: Hlc) {
        if let Some(tie) = self.ties.remove(&key) {
            self.places.remove(&Place { stamp, tie });
        }
    }

    /// Gives the members of a set combined into this one, oldest first, the tie numbers that
    /// put them before or after (as `ties` says) every member here with the same timestamp,
    /// and returns an
    /// [`Incoming`] that adds each in turn and answers the member it goes right after.
    pub(crate) fn combine_in(&mut self, count: usize, ties: Ties) -> Incoming<'_> {
        // A set holds fewer members than handles, which are 32 bits.
        let count = i64::try_from(count).unwrap_or(i64::MAX);
        let next_tie = match ties {
            Ties::IncomingFirst => {
                self.lowest -= count;
                self.lowest
            }
            Ties::IncomingLast => {
                let first = self.highest + 1;
                self.highest += count;
                first
            }
        };
        Incoming {
            index: self,
            next_tie,
        }
    }

    fn put(&mut self, key: MemberKey, stamp: Hlc, tie: i64) {
        self.ties.insert(key, tie);
        self.places.insert(Place { stamp, tie }, key);
    }

    /// The number of places and of tie numbers held: both the set's length when in step.
    pub(crate) fn counts(&self) -> Counts {
        Counts {
            places: self.places.len(),
            ties: self.ties.len(),
        }
    }

    /// Every member in order, with its timestamp and whether its tie number is recorded as
    /// its own: for the invariant check.
    pub(crate) fn entries(&self) -> impl Iterator<Item = IndexEntry> + '_ {
        self.places
            .iter()
            .map(|(&Place { stamp, tie }, &key)| IndexEntry {
                key,
                stamp,
                own: self.ties.get(&key) == Some(&tie),
            })
    }
}

/// How many places and tie numbers an index holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Counts {
    pub(crate) places: usize,
    pub(crate) ties: usize,
}

/// One member of an index, in order: for the invariant check.
#[derive(Debug, Clone, Copy)]
pub(crate) struct IndexEntry {
    pub(crate) key: MemberKey,
    pub(crate) stamp: Hlc,
    /// Whether the member's tie number is recorded as its own.
    pub(crate) own: bool,
}

/// Adds the members of a set combined into this one, oldest first; see [`MemberIndex::combine_in`].
pub(crate) struct Incoming<'a> {
    index: &'a mut MemberIndex,
    next_tie: i64,
}

impl Incoming<'_> {
    /// Adds `key`, stamped `stamp`, and returns the member it goes right after (`None`:
    /// it goes first).
    pub(crate) fn add(&mut self, key: MemberKey, stamp: Hlc) -> Option<MemberKey> {
        let tie = self.next_tie;
        self.next_tie += 1;
        let before = self
            .index
            .places
            .range(..Place { stamp, tie })
            .next_back()
            .map(|(_, &key)| key);
        self.index.put(key, stamp, tie);
        before
    }
}
