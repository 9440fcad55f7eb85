//! The replica merge: a join of two copies of one task queue's versioning data.
//!
//! It works on the stored form ([`VersioningData`]) of both sides and loads the result
//! through [`VersionSets::from_data`], so it needs nothing of the core's internals and the
//! result is checked like any loaded data.

use std::collections::BTreeMap;
use std::collections::btree_map::Entry;

use crate::{BuildIdData, BuildIdState, Hlc, VersionSetData, VersionSets, VersioningData};

impl VersionSets {
    /// Merges a replica of the same task queue into this one, as a receiving cluster does
    /// (the server's `MergeVersioningData`, made a true join).
    ///
    /// - Per build ID, the `(state_update_timestamp, state)` pair with the larger timestamp
    ///   wins (`DELETED` wins a tie); `became_default_timestamp` is the larger of the two.
    /// - Build IDs whose sets share a set ID, or that sit in different sets on the two
    ///   sides, end in one set, transitively; its set IDs are the sorted union, and its
    ///   timestamp the largest of the input sets that went into it.
    /// - Sets are ordered by (timestamp, primary set ID), build IDs in a set by
    ///   (became-default timestamp, build ID).
    /// - The result belongs to `self`'s cluster; its clock is the larger of the two clocks,
    ///   so later local changes stamp later than anything merged in.
    ///
    /// The merge is a join: commutative and associative on the data and the clock
    /// (`a.merge(&b)` and `b.merge(&a)` differ only in [`cluster_id`](Self::cluster_id)),
    /// and idempotent: `a.merge(&a) == a`, and merging with an empty value changes nothing,
    /// for every value in canonical form. Two things are not: sets or build IDs whose
    /// timestamps tie, which the merge puts in the order above; and two sets of one value
    /// that share a set ID (a build ID cleared and added again while its hash was still
    /// another set's demoted set ID), which the merge joins, as the server's does. Merge
    /// results are always in canonical form. It costs O(n log n) in the number of build IDs
    /// and set IDs. The crate documentation lists where it differs from the server, and why.
    ///
    /// # Example
    /// ```
    /// use version_sets::{BuildId, Limits, QueueDefault, Update, VersionSets};
    ///
    /// let id = |s: &str| BuildId::new(s);
    /// let mut base = VersionSets::new().with_cluster_id(1);
    /// base.apply(&Update::add_new_default(id("1.0")?), 1_000, Limits::NONE)?;
    ///
    /// // Two clusters change their copies independently.
    /// let mut here = base.clone();
    /// here.apply(&Update::add_new_compatible(id("1.1")?, id("1.0")?, QueueDefault::Keep), 2_000, Limits::NONE)?;
    /// let mut there = base.clone().with_cluster_id(2);
    /// there.apply(&Update::add_new_default(id("2.0")?), 3_000, Limits::NONE)?;
    ///
    /// let merged = here.merge(&there);
    /// assert_eq!(merged.default_build_id().map(BuildId::as_str), Some("2.0"));
    /// assert_eq!(merged.set_default_of("1.0").map(BuildId::as_str), Some("1.1"));
    /// assert_eq!(merged.to_data(), there.merge(&here).to_data());
    /// assert_eq!(merged.cluster_id(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn merge(&self, other: &Self) -> Self {
        let data = merge_data(&[&self.to_data(), &other.to_data()]);
        let mut merged = load(&data, self);
        merged.raise_clock(self.clock().max(other.clock()));
        merged
    }
}

/// Loads data that the merge (or a revival) built from valid values, as the replica of
/// `owner`'s cluster.
///
/// Such data always loads: every set has set IDs and build IDs, every record its state and
/// timestamps, no build ID is in two sets, and both lists are sorted by timestamp. Should
/// it ever not, `owner` is kept unchanged rather than a broken value made (and debug builds
/// stop).
pub(super) fn load(data: &VersioningData, owner: &VersionSets) -> VersionSets {
    match VersionSets::from_data(data) {
        Ok(value) => {
            let mut value = value.with_cluster_id(owner.cluster_id());
            value.raise_clock(owner.clock());
            value
        }
        Err(error) => {
            debug_assert!(false, "merged data does not load: {error}");
            owner.clone()
        }
    }
}

/// One build ID's record as the merge joins it.
#[derive(Debug, Clone, Copy)]
struct Joined<'a> {
    id: &'a str,
    /// Compared as a pair: the later stamp wins, and on a tie `DELETED` (the greater state).
    state: (Option<Hlc>, Option<BuildIdState>),
    became_default: Option<Hlc>,
}

impl<'a> Joined<'a> {
    fn of(record: &'a BuildIdData) -> Self {
        Self {
            id: &record.id,
            state: (record.state_update_timestamp, record.state),
            became_default: record.became_default_timestamp,
        }
    }

    fn join(&mut self, record: &BuildIdData) {
        self.state = self
            .state
            .max((record.state_update_timestamp, record.state));
        self.became_default = self.became_default.max(record.became_default_timestamp);
    }

    fn data(&self) -> BuildIdData {
        BuildIdData {
            id: self.id.to_owned(),
            state: self.state.1,
            state_update_timestamp: self.state.0,
            became_default_timestamp: self.became_default,
        }
    }
}

/// One output set while it is being put together.
#[derive(Debug, Default)]
struct Group<'a> {
    set_ids: Vec<&'a str>,
    stamp: Option<Hlc>,
    members: Vec<Joined<'a>>,
}

/// The join of any number of stored values (each valid), in canonical order.
///
/// Every input set is a node; two nodes are joined when they share a set ID or a build ID.
/// Each connected group becomes one output set. Maps are ordered (`BTreeMap`) and every
/// sort key is total, so nothing about the inputs' order reaches the result.
pub(super) fn merge_data(inputs: &[&VersioningData]) -> VersioningData {
    let sets: Vec<&VersionSetData> = inputs
        .iter()
        .flat_map(|data| data.version_sets.iter())
        .collect();
    let mut groups = UnionFind::new(sets.len());
    let mut set_id_owner: BTreeMap<&str, usize> = BTreeMap::new();
    // Each build ID's joined record, and the first input set it was seen in.
    let mut records: BTreeMap<&str, (Joined<'_>, usize)> = BTreeMap::new();
    for (node, set) in sets.iter().enumerate() {
        for set_id in &set.set_ids {
            match set_id_owner.entry(set_id) {
                Entry::Occupied(first) => groups.union(*first.get(), node),
                Entry::Vacant(slot) => {
                    slot.insert(node);
                }
            }
        }
        for record in &set.build_ids {
            match records.entry(&record.id) {
                Entry::Occupied(mut seen) => {
                    let (joined, first) = seen.get_mut();
                    joined.join(record);
                    groups.union(*first, node);
                }
                Entry::Vacant(slot) => {
                    slot.insert((Joined::of(record), node));
                }
            }
        }
    }

    let mut built: Vec<Group<'_>> = (0..sets.len()).map(|_| Group::default()).collect();
    for (node, set) in sets.iter().enumerate() {
        if let Some(group) = built.get_mut(groups.find(node)) {
            group.set_ids.extend(set.set_ids.iter().map(String::as_str));
            group.stamp = group.stamp.max(set.became_default_timestamp);
        }
    }
    for (joined, node) in records.into_values() {
        if let Some(group) = built.get_mut(groups.find(node)) {
            group.members.push(joined);
        }
    }

    let mut out: Vec<Group<'_>> = built
        .into_iter()
        .filter(|group| !group.members.is_empty())
        .map(|mut group| {
            group.set_ids.sort_unstable();
            group.set_ids.dedup();
            group
                .members
                .sort_unstable_by(|x, y| (x.became_default, x.id).cmp(&(y.became_default, y.id)));
            group
        })
        .collect();
    // Groups are disjoint in set IDs, so (stamp, primary set ID) is a total order on them.
    out.sort_unstable_by(|x, y| (x.stamp, x.set_ids.first()).cmp(&(y.stamp, y.set_ids.first())));
    VersioningData {
        version_sets: out
            .into_iter()
            .map(|group| VersionSetData {
                set_ids: group.set_ids.into_iter().map(str::to_owned).collect(),
                build_ids: group.members.iter().map(Joined::data).collect(),
                became_default_timestamp: group.stamp,
            })
            .collect(),
    }
}

/// Disjoint sets over `0..n` with path halving: O(log n) amortised per operation.
///
/// There is no union by size or rank: which root goes under which never changes a group,
/// only speed, and path halving with arbitrary linking alone keeps each `find` at O(log n)
/// amortised (Tarjan and van Leeuwen, 1984), so the merge stays O(n log n).
struct UnionFind {
    parent: Vec<usize>,
}

impl UnionFind {
    fn new(n: usize) -> Self {
        Self {
            parent: (0..n).collect(),
        }
    }

    /// The representative of `node`'s group (`node` itself when out of range).
    ///
    /// Each step moves `node` at least one level up, and no path is longer than there are
    /// nodes, so `n` steps always reach the root; bounding the loop makes that evident
    /// and keeps even a broken parent list from hanging the merge.
    fn find(&mut self, mut node: usize) -> usize {
        for _ in 0..self.parent.len() {
            let Some(&parent) = self.parent.get(node) else {
                break;
            };
            if parent == node {
                break;
            }
            let grandparent = self.parent.get(parent).copied().unwrap_or(parent);
            if let Some(slot) = self.parent.get_mut(node) {
                *slot = grandparent;
            }
            node = grandparent;
        }
        node
    }

    /// Joins the groups of `a` and `b` (nothing happens when they are one group already:
    /// the root is then made its own parent again).
    fn union(&mut self, a: usize, b: usize) {
        let (a, b) = (self.find(a), self.find(b));
        if let Some(slot) = self.parent.get_mut(b) {
            *slot = a;
        }
    }
}

#[cfg(test)]
mod tests;
