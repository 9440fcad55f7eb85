//! The replica join: the join of two copies of one task queue's versioning data (the
//! server's `MergeVersioningData`, made a true join).
//!
//! It reads each side as stored sets: the stored form ([`VersioningData`], `join_data`) or
//! the sets of a value read in place through their public views (`join_sets`, what
//! [`VersionSets::join`](crate::VersionSets::join) uses, so that neither side is copied into
//! stored form first). It hands the result over one stored set at a time, and the facade
//! loads each as [`VersionSets::from_data`](crate::VersionSets::from_data) would, so it
//! needs nothing of the core's internals and the result is checked like any loaded data.

use std::collections::BTreeMap;
use std::collections::btree_map::Entry;

use crate::build_id::BuildIdState;
use crate::clock::Hlc;
use crate::set::CompatibleSet;
#[cfg(test)]
use crate::stored::VersioningData;
use crate::stored::{BuildIdData, VersionSetData};

/// One input set as the join reads it, without copying it.
trait InputSet<'a>: Copy {
    /// The set's IDs in their order.
    fn set_ids(self) -> impl Iterator<Item = &'a str>;
    /// The set's build ID records in their order.
    fn records(self) -> impl Iterator<Item = Joined<'a>>;
    /// The set's became-default timestamp.
    fn stamp(self) -> Option<Hlc>;
}

impl<'a> InputSet<'a> for &'a VersionSetData {
    fn set_ids(self) -> impl Iterator<Item = &'a str> {
        self.set_ids.iter().map(String::as_str)
    }

    fn records(self) -> impl Iterator<Item = Joined<'a>> {
        self.build_ids.iter().map(Joined::of)
    }

    fn stamp(self) -> Option<Hlc> {
        self.became_default_timestamp
    }
}

/// A value's set read as its stored form would be (`stored::to_data`: every field present).
impl<'a> InputSet<'a> for CompatibleSet<'a> {
    fn set_ids(self) -> impl Iterator<Item = &'a str> {
        CompatibleSet::set_ids(&self).map(|id| id.as_str())
    }

    fn records(self) -> impl Iterator<Item = Joined<'a>> {
        self.build_ids().map(|record| Joined {
            id: record.id().as_str(),
            state: (Some(record.state_update_timestamp()), Some(record.state())),
            became_default: Some(record.became_default_timestamp()),
        })
    }

    fn stamp(self) -> Option<Hlc> {
        Some(self.became_default_timestamp())
    }
}

/// One build ID's record as the join combines it.
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

    fn join(&mut self, record: &Self) {
        self.state = self.state.max(record.state);
        self.became_default = self.became_default.max(record.became_default);
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
    /// How many input sets it gathers.
    inputs: usize,
    stamp: Option<Hlc>,
    members: Vec<Joined<'a>>,
}

/// The join of any number of stored values (each valid), in canonical order: the join of
/// stored forms, which `join_sets` is tested against.
#[cfg(test)]
pub(crate) fn join_data(inputs: &[&VersioningData]) -> VersioningData {
    let sets: Vec<&VersionSetData> = inputs
        .iter()
        .flat_map(|data| data.version_sets.iter())
        .collect();
    let mut version_sets = Vec::new();
    join_each(&sets, |set| version_sets.push(set));
    VersioningData { version_sets }
}

/// The join of the sets of any number of valid values, read in place: what `join_data`
/// makes of their stored forms, handed to `emit` one set at a time in canonical order, so
/// that the caller can load each and drop it rather than hold the whole joined data. Every
/// group is worked out, and the maps that found them dropped, before the first set is
/// handed over, so what the caller builds of them never shares the moment with those maps.
pub(crate) fn join_sets(sets: &[CompatibleSet<'_>], emit: impl FnMut(VersionSetData)) {
    join_each(sets, emit);
}

/// The join of `sets`, each output set handed to `emit` in canonical order.
///
/// Every input set is a node; two nodes are joined when they share a set ID or a build ID.
/// Each connected group becomes one output set. Maps are ordered (`BTreeMap`) and every
/// sort key is total, so nothing about the inputs' order reaches the result.
fn join_each<'a, S: InputSet<'a>>(sets: &[S], mut emit: impl FnMut(VersionSetData)) {
    let mut groups = UnionFind::new(sets.len());
    let mut set_id_owner: BTreeMap<&str, usize> = BTreeMap::new();
    // Each build ID's joined record, and the first input set it was seen in.
    let mut records: BTreeMap<&str, (Joined<'_>, usize)> = BTreeMap::new();
    for (node, &set) in sets.iter().enumerate() {
        for set_id in set.set_ids() {
            match set_id_owner.entry(set_id) {
                Entry::Occupied(first) => groups.union(*first.get(), node),
                Entry::Vacant(slot) => {
                    slot.insert(node);
                }
            }
        }
        for record in set.records() {
            match records.entry(record.id) {
                Entry::Occupied(mut seen) => {
                    let (joined, first) = seen.get_mut();
                    joined.join(&record);
                    groups.union(*first, node);
                }
                Entry::Vacant(slot) => {
                    slot.insert((record, node));
                }
            }
        }
    }

    drop(set_id_owner);

    // Each group's lists are counted first and made that long: pushing alone leaves room
    // for four in each list of one, which is most of them (a set of one build ID).
    let mut built: Vec<Group<'_>> = (0..sets.len()).map(|_| Group::default()).collect();
    let mut sizes = vec![(0_usize, 0_usize); sets.len()];
    for (node, &set) in sets.iter().enumerate() {
        if let Some((set_ids, _)) = sizes.get_mut(groups.find(node)) {
            *set_ids += set.set_ids().count();
        }
    }
    for (_, node) in records.values() {
        if let Some((_, members)) = sizes.get_mut(groups.find(*node)) {
            *members += 1;
        }
    }
    for (group, (set_ids, members)) in built.iter_mut().zip(sizes) {
        group.set_ids.reserve_exact(set_ids);
        group.members.reserve_exact(members);
    }
    for (node, &set) in sets.iter().enumerate() {
        if let Some(group) = built.get_mut(groups.find(node)) {
            group.set_ids.extend(set.set_ids());
            group.inputs += 1;
            group.stamp = group.stamp.max(set.stamp());
        }
    }
    for (joined, node) in records.into_values() {
        if let Some(group) = built.get_mut(groups.find(node)) {
            group.members.push(joined);
        }
    }
    drop(groups);

    let mut out: Vec<Group<'_>> = built
        .into_iter()
        .filter(|group| !group.members.is_empty())
        .map(|mut group| {
            // The server's merge keeps a list as it is only when no other list was combined
            // with it: one input set of one build ID, seen once. Any combining sorts.
            if group.inputs > 1 || group.members.len() > 1 {
                group.set_ids.sort_unstable();
                group.set_ids.dedup();
            }
            group
                .members
                .sort_unstable_by(|x, y| (x.became_default, x.id).cmp(&(y.became_default, y.id)));
            group
        })
        .collect();
    // Groups are disjoint in set IDs, so (stamp, primary set ID) is a total order on them
    // (a list kept as it is still has distinct IDs).
    out.sort_unstable_by(|x, y| (x.stamp, x.set_ids.first()).cmp(&(y.stamp, y.set_ids.first())));
    for group in out {
        emit(VersionSetData {
            set_ids: group.set_ids.into_iter().map(str::to_owned).collect(),
            build_ids: group.members.iter().map(Joined::data).collect(),
            became_default_timestamp: group.stamp,
        });
    }
}

/// Disjoint sets over `0..n` with path halving: O(log n) amortised per operation.
///
/// There is no union by size or rank: which root goes under which never changes a group,
/// only speed, and path halving with arbitrary linking alone keeps each `find` at O(log n)
/// amortised (Tarjan and van Leeuwen, 1984), so the join stays O(n log n).
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
    /// and keeps even a broken parent list from hanging the join.
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
