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
use std::hash::BuildHasher;

use super::{Core, HashKey, SetKey};
use crate::set_id::SetId;

/// Which set IDs some set holds, and how many more sets hold those held by more than one.
///
/// Two maps, not one count per ID, because sharing is rare: the first costs a set ID's
/// handle per set, and the second is nearly always empty.
///
/// An ID is tallied by its 64-bit hash under the state's secret key, not by its text: a
/// stored set may hold millions of IDs, and the text's handle would double the table.
/// Two IDs of one hash (about one chance in 2^64 for a pair, and no one who lacks the key
/// can aim for it) only make [`any`](Self::any) true, which sends merge-sets to walk the
/// sets, comparing IDs by their text: the answer is never wrong, only slower.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SharedIds {
    held: HashSet<u64, HashKey>,
    /// For each ID held by more than one set, how many sets beyond the first hold it.
    extra: HashMap<u64, u32, HashKey>,
}

impl SharedIds {
    /// Room for the IDs of `sets` sets of one ID each (what loading nearly always holds),
    /// in tables keyed with `key`.
    pub(super) fn with_capacity(sets: usize, key: HashKey) -> Self {
        Self {
            held: HashSet::with_capacity_and_hasher(sets, key.clone()),
            extra: HashMap::with_hasher(key),
        }
    }

    /// The keys of its two tables, for the tests of re-keying.
    #[cfg(test)]
    pub(super) fn keys(&self) -> [&HashKey; 2] {
        [self.held.hasher(), self.extra.hasher()]
    }

    /// Counts one more holder of a hash no set ID has: what two distinct IDs of one hash
    /// would leave, for the test that such a collision costs a walk and changes no answer.
    #[cfg(test)]
    pub(super) fn pretend_collision(&mut self) {
        *self.extra.entry(0x5eed).or_insert(0) += 1;
    }

    /// Room for `additional` more IDs held without growing.
    pub(super) fn reserve(&mut self, additional: usize) {
        self.held.reserve(additional);
    }

    /// What `id` is tallied by.
    fn tally_key(&self, id: &SetId) -> u64 {
        self.held.hasher().hash_one(id)
    }

    /// One more set holds `id`.
    pub(super) fn add(&mut self, id: &SetId) {
        let tally_key = self.tally_key(id);
        if !self.held.insert(tally_key) {
            *self.extra.entry(tally_key).or_insert(0) += 1;
        }
    }

    /// One set fewer holds `id` (two sets that both held it became one).
    pub(super) fn drop_one(&mut self, id: &SetId) {
        let tally_key = self.tally_key(id);
        if let Entry::Occupied(mut entry) = self.extra.entry(tally_key) {
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

/// Groups of sets by slab key, joined as set IDs are found shared: a union-find with path
/// halving, so that a walk that joins many sets stays O(n log n) however they chain.
struct Groups {
    parent: HashMap<usize, usize, HashKey>,
}

impl Groups {
    fn root(&mut self, mut node: usize) -> usize {
        while let Some(&up) = self.parent.get(&node) {
            let grand = self.parent.get(&up).copied().unwrap_or(up);
            if grand != up {
                self.parent.insert(node, grand);
            }
            node = up;
        }
        node
    }

    /// Joins the groups of `a` and `b`; `false` when they were one already.
    fn union(&mut self, a: usize, b: usize) -> bool {
        let (a, b) = (self.root(a), self.root(b));
        if a == b {
            return false;
        }
        self.parent.insert(b, a);
        true
    }
}

impl Core {
    /// How many sets a merge-sets of `primary` and `secondary` leaves: one fewer, and fewer
    /// again for every set the re-join puts together. O(1) unless some set ID is shared,
    /// then one walk of the sets.
    pub(crate) fn set_count_after_merge(&self, primary: SetKey, secondary: SetKey) -> usize {
        if !self.shared.any() {
            return self.set_count().saturating_sub(1);
        }
        let mut groups = Groups {
            parent: HashMap::with_hasher(self.key().clone()),
        };
        let mut joins = usize::from(groups.union(primary.slab_key(), secondary.slab_key()));
        let mut owner: HashMap<&SetId, SetKey, HashKey> = HashMap::with_hasher(self.key().clone());
        let mut cursor = self.ends.map(|ends| ends.oldest);
        while let Some(key) = cursor {
            let node = self.set(key);
            for id in node.set_ids.iter() {
                match owner.get(id) {
                    Some(&first) => {
                        joins += usize::from(groups.union(first.slab_key(), key.slab_key()));
                    }
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
    /// place. One walk of the sets, oldest first, made only while some set ID is shared:
    /// each set joins the set that first held one of its IDs (wherever that set went).
    pub(crate) fn rejoin_shared(&mut self) {
        /// Where set `key` went, every set on the way pointed straight there after.
        fn follow(moved: &mut HashMap<usize, SetKey, HashKey>, key: SetKey) -> SetKey {
            let mut there = key;
            let mut path = Vec::new();
            while let Some(&next) = moved.get(&there.slab_key()) {
                path.push(there.slab_key());
                there = next;
            }
            for step in path {
                moved.insert(step, there);
            }
            there
        }

        if !self.shared.any() {
            return;
        }
        let mut owner: HashMap<SetId, SetKey, HashKey> = HashMap::with_hasher(self.key().clone());
        // A set joined away, by slab key, and the set it went into. No set is inserted
        // during the walk, so a removed key is never reused.
        let mut moved: HashMap<usize, SetKey, HashKey> = HashMap::with_hasher(self.key().clone());
        let mut cursor = self.ends.map(|ends| ends.oldest);
        while let Some(key) = cursor {
            // The next set is neither this one nor an older one, so joins leave it in place.
            cursor = self.set(key).next;
            let ids: Vec<SetId> = self.set(key).set_ids.iter().cloned().collect();
            let mut here = key;
            for id in ids {
                let Some(&first) = owner.get(&id) else {
                    owner.insert(id, here);
                    continue;
                };
                let there = follow(&mut moved, first);
                if there == here {
                    continue;
                }
                self.join_sets(there, here);
                let (kept, gone) = if self.sets.contains(here.slab_key()) {
                    (here, there)
                } else {
                    (there, here)
                };
                moved.insert(gone.slab_key(), kept);
                here = kept;
            }
        }
    }

    /// Whether the tallies match the sets: each set ID's count of holders, the number
    /// held more than once, and the number of sets whose IDs are not sorted. A full walk,
    /// for the invariant check.
    pub(crate) fn set_id_tallies_agree(&self) -> bool {
        let mut recount = SharedIds::with_capacity(0, self.key().clone());
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
