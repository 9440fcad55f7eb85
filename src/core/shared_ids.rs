//! Sets that share a set ID, and the re-join that merge-sets makes of them.
//!
//! The server's merge-sets runs its generic merge over the whole data, and that merge puts
//! any two sets that share a set ID into one (docs/semantics.md, `merge.rejoins-shared`).
//! Server operations alone reach such a pair: after merge-sets(1, 2), removing `2` and
//! clearing its tombstone, `2` added again gets set ID H(2), which the set of `1` already
//! holds. Both sets then route to one physical queue until the next merge-sets joins them.
//!
//! So that merge-sets stays cheap in the common case, the core counts how many sets hold
//! each set ID ([`SharedIds`]): only when some ID is held twice does a merge walk the sets.

use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};

use super::{Core, FixedState, SetKey};
use crate::set_id::SetId;

/// Which set IDs some set holds, and how many more sets hold those held by more than one.
///
/// Two maps, not one count per ID, because sharing is rare: the first costs a set ID's
/// handle per set, and the second is nearly always empty.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct SharedIds {
    held: HashSet<SetId, FixedState>,
    /// For each ID held by more than one set, how many sets beyond the first hold it.
    extra: HashMap<SetId, u32, FixedState>,
}

impl SharedIds {
    /// Room for the IDs of `sets` sets of one ID each (what loading nearly always holds).
    pub(super) fn with_capacity(sets: usize) -> Self {
        Self {
            held: HashSet::with_capacity_and_hasher(sets, FixedState::default()),
            extra: HashMap::default(),
        }
    }

    /// One more set holds `id`.
    pub(super) fn add(&mut self, id: &SetId) {
        if !self.held.insert(id.clone()) {
            *self.extra.entry(id.clone()).or_insert(0) += 1;
        }
    }

    /// One set fewer holds `id` (two sets that both held it became one).
    pub(super) fn drop_one(&mut self, id: &SetId) {
        if let Entry::Occupied(mut entry) = self.extra.entry(id.clone()) {
            let count = entry.get_mut();
            if *count <= 1 {
                entry.remove();
            } else {
                *count -= 1;
            }
        }
    }

    /// Whether some set ID is held by more than one set.
    pub(super) fn any(&self) -> bool {
        !self.extra.is_empty()
    }
}

impl Core {
    /// How many sets a merge-sets of `primary` and `secondary` leaves: one fewer, and fewer
    /// again for every set the re-join puts together. O(1) unless some set ID is shared.
    pub(crate) fn set_count_after_merge(&self, primary: SetKey, secondary: SetKey) -> usize {
        let count = self.set_count().saturating_sub(1);
        if !self.shared.any() {
            return count;
        }
        // Union-find over slab keys: each union of two groups is one set fewer.
        let mut parent: HashMap<usize, usize, FixedState> = HashMap::default();
        let root = |parent: &HashMap<usize, usize, FixedState>, mut node: usize| {
            // Bounded: each step goes one level up, and there are no more levels than sets.
            for _ in 0..=parent.len() {
                match parent.get(&node) {
                    Some(&up) => node = up,
                    None => break,
                }
            }
            node
        };
        let mut joins = 0;
        let mut union = |a: SetKey, b: SetKey| {
            let (ra, rb) = (root(&parent, a.slab_key()), root(&parent, b.slab_key()));
            if ra != rb {
                parent.insert(rb, ra);
                joins += 1;
            }
        };
        union(primary, secondary);
        let mut owner: HashMap<&SetId, SetKey, FixedState> = HashMap::default();
        let mut cursor = self.ends.map(|ends| ends.oldest);
        while let Some(key) = cursor {
            let node = self.set(key);
            for id in node.set_ids.iter() {
                match owner.get(id) {
                    Some(&first) => union(first, key),
                    None => {
                        owner.insert(id, key);
                    }
                }
            }
            cursor = node.next;
        }
        self.set_count().saturating_sub(joins)
    }

    /// Joins every two sets that share a set ID, as the server's merge over the whole data
    /// does, until none do: the grouping is transitive (the server's greedy regrouping is
    /// not: divergence D3 of docs/semantics.md). Each join is the merge-sets join without
    /// the restamp: members by timestamp (ties: the older set's first), at the later set's
    /// place. A walk of the sets per join, made only while some set ID is shared.
    pub(crate) fn rejoin_shared(&mut self) {
        while self.shared.any() {
            let Some((a, b)) = self.first_sharing_pair() else {
                break;
            };
            self.join_sets(a, b);
        }
    }

    /// The first set (oldest first) that holds a set ID an older set holds, and that set.
    fn first_sharing_pair(&self) -> Option<(SetKey, SetKey)> {
        let mut owner: HashMap<&SetId, SetKey, FixedState> = HashMap::default();
        let mut cursor = self.ends.map(|ends| ends.oldest);
        while let Some(key) = cursor {
            let node = self.set(key);
            for id in node.set_ids.iter() {
                match owner.get(id) {
                    Some(&first) if first != key => return Some((first, key)),
                    _ => {
                        owner.insert(id, key);
                    }
                }
            }
            cursor = node.next;
        }
        None
    }

    /// Whether the tallies match the sets: each set ID's count of holders, the number
    /// held more than once, and the number of sets whose IDs are not sorted. A full walk,
    /// for the invariant check.
    pub(crate) fn set_id_tallies_agree(&self) -> bool {
        let mut recount = SharedIds::default();
        let mut unsorted = 0;
        let mut cursor = self.ends.map(|ends| ends.oldest);
        while let Some(key) = cursor {
            let node = self.set(key);
            for id in node.set_ids.iter() {
                recount.add(id);
            }
            if self.counts_as_unsorted(key) {
                unsorted += 1;
            }
            cursor = node.next;
        }
        recount == self.shared && unsorted == self.unsorted
    }
}
