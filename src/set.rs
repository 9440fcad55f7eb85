//! Read-only views of a compatible set and of a build ID's record.

use std::fmt;

use crate::build_id::{BuildId, BuildIdState};
use crate::clock::Hlc;
use crate::core::{Core, Member, MemberKey, SetKey, SetNode};
use crate::non_empty;
use crate::set_id::SetId;

/// One build ID of a set, with its state and timestamps: a view into a
/// [`VersionSets`](crate::VersionSets), cheap to copy.
#[derive(Clone, Copy)]
pub struct BuildIdRecord<'a> {
    id: &'a BuildId,
    member: &'a Member,
}

impl<'a> BuildIdRecord<'a> {
    pub(crate) fn new(id: &'a BuildId, member: &'a Member) -> Self {
        Self { id, member }
    }

    /// The build ID.
    pub fn id(&self) -> &'a BuildId {
        self.id
    }

    /// Active or tombstone.
    pub fn state(&self) -> BuildIdState {
        self.member.state()
    }

    /// Whether this is a live build ID rather than a tombstone.
    pub fn is_active(&self) -> bool {
        self.state() == BuildIdState::Active
    }

    /// When the record was added or its state last changed.
    pub fn state_update_timestamp(&self) -> Hlc {
        self.member.state_update_timestamp()
    }

    /// When the build ID was last made its set's default.
    pub fn became_default_timestamp(&self) -> Hlc {
        self.member.became_default_timestamp()
    }
}

impl PartialEq for BuildIdRecord<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id
            && self.state() == other.state()
            && self.state_update_timestamp() == other.state_update_timestamp()
            && self.became_default_timestamp() == other.became_default_timestamp()
    }
}

impl Eq for BuildIdRecord<'_> {}

impl fmt::Debug for BuildIdRecord<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BuildIdRecord")
            .field("id", self.id)
            .field("state", &self.state())
            .field("state_update_timestamp", &self.state_update_timestamp())
            .field("became_default_timestamp", &self.became_default_timestamp())
            .finish()
    }
}

/// A compatible set: build IDs that can run each other's workflows, oldest first, the last
/// being the set's default. A view into a [`VersionSets`](crate::VersionSets), cheap to
/// copy; two views are equal when their contents are.
#[derive(Clone, Copy)]
pub struct CompatibleSet<'a> {
    core: &'a Core,
    node: &'a SetNode,
}

// No `is_empty`: a set always has at least one build ID (`len` is at least 1).
#[allow(clippy::len_without_is_empty)]
impl<'a> CompatibleSet<'a> {
    pub(crate) fn new(core: &'a Core, key: SetKey) -> Self {
        Self {
            core,
            node: core.set(key),
        }
    }

    /// The set's IDs in the server's order: sorted by every merge, appended to by
    /// [`persist_unknown_build_id`](crate::VersionSets::persist_unknown_build_id), as stored
    /// when loaded. The first is the primary.
    pub fn set_ids(&self) -> SetIds<'a> {
        SetIds {
            inner: self.node.set_ids().iter(),
            len: self.node.set_ids().len(),
        }
    }

    /// The set ID new tasks for this set are queued under: the first (the smallest, unless
    /// the list was appended to).
    pub fn primary_set_id(&self) -> &'a SetId {
        self.node.set_ids().first()
    }

    /// The set IDs other than the primary, in order, left by merges and persisting;
    /// pollers drain their backlog too.
    pub fn demoted_set_ids(&self) -> SetIds<'a> {
        SetIds {
            inner: self.node.set_ids().rest(),
            len: self.node.set_ids().len() - 1,
        }
    }

    /// The build ID records, oldest first; the last is the set's default.
    pub fn build_ids(&self) -> BuildIds<'a> {
        BuildIds {
            core: self.core,
            front: Some(self.node.first()),
            back: Some(self.node.last()),
            len: self.node.len(),
        }
    }

    /// The number of build IDs, tombstones included.
    pub fn len(&self) -> usize {
        self.node.len()
    }

    /// The set's default build ID: its last one.
    pub fn default_build_id(&self) -> &'a BuildId {
        self.default_record().id()
    }

    pub(crate) fn default_key(&self) -> MemberKey {
        self.node.last()
    }

    /// The record of the set's default build ID.
    pub fn default_record(&self) -> BuildIdRecord<'a> {
        let entry = self.core.member(self.node.last());
        BuildIdRecord::new(entry.id, entry.member)
    }

    /// When the set was last made the queue's default set.
    pub fn became_default_timestamp(&self) -> Hlc {
        self.node.became_default_timestamp()
    }

    /// Whether `id` is a member of this set (tombstones included). O(1).
    pub fn contains(&self, id: &str) -> bool {
        self.core
            .find(id)
            .is_some_and(|found| std::ptr::eq(self.core.set(found.member.set()), self.node))
    }
}

impl PartialEq for CompatibleSet<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.became_default_timestamp() == other.became_default_timestamp()
            && self.len() == other.len()
            && self.set_ids().eq(other.set_ids())
            && self.build_ids().eq(other.build_ids())
    }
}

impl Eq for CompatibleSet<'_> {}

impl fmt::Debug for CompatibleSet<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CompatibleSet")
            .field("set_ids", &self.set_ids().collect::<Vec<_>>())
            .field("build_ids", &self.build_ids().collect::<Vec<_>>())
            .field("became_default_timestamp", &self.became_default_timestamp())
            .finish()
    }
}

/// The build IDs of a set, oldest first: see [`CompatibleSet::build_ids`].
#[derive(Debug, Clone)]
pub struct BuildIds<'a> {
    core: &'a Core,
    front: Option<MemberKey>,
    back: Option<MemberKey>,
    len: usize,
}

impl<'a> Iterator for BuildIds<'a> {
    type Item = BuildIdRecord<'a>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.len == 0 {
            return None;
        }
        let entry = self.core.member(self.front?);
        self.len -= 1;
        self.front = entry.member.next();
        Some(BuildIdRecord::new(entry.id, entry.member))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.len, Some(self.len))
    }
}

impl DoubleEndedIterator for BuildIds<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        if self.len == 0 {
            return None;
        }
        let entry = self.core.member(self.back?);
        self.len -= 1;
        self.back = entry.member.prev();
        Some(BuildIdRecord::new(entry.id, entry.member))
    }
}

impl ExactSizeIterator for BuildIds<'_> {}

/// The sets of a queue, oldest first: see [`VersionSets::sets`](crate::VersionSets::sets).
#[derive(Debug, Clone)]
pub struct Sets<'a> {
    core: &'a Core,
    front: Option<SetKey>,
    back: Option<SetKey>,
    len: usize,
}

impl<'a> Sets<'a> {
    pub(crate) fn new(core: &'a Core) -> Self {
        let ends = core.ends();
        Self {
            core,
            front: ends.map(|ends| ends.oldest),
            back: ends.map(|ends| ends.newest),
            len: core.set_count(),
        }
    }
}

impl<'a> Iterator for Sets<'a> {
    type Item = CompatibleSet<'a>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.len == 0 {
            return None;
        }
        let key = self.front?;
        self.len -= 1;
        self.front = self.core.set(key).next();
        Some(CompatibleSet::new(self.core, key))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.len, Some(self.len))
    }
}

impl DoubleEndedIterator for Sets<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        if self.len == 0 {
            return None;
        }
        let key = self.back?;
        self.len -= 1;
        self.back = self.core.set(key).prev();
        Some(CompatibleSet::new(self.core, key))
    }
}

impl ExactSizeIterator for Sets<'_> {}

impl fmt::Debug for Core {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(Sets::new(self)).finish()
    }
}

/// The IDs of a compatible set, in sorted order: see [`CompatibleSet::set_ids`] and
/// [`CompatibleSet::demoted_set_ids`].
#[derive(Debug, Clone)]
pub struct SetIds<'a> {
    inner: non_empty::Iter<'a, SetId>,
    /// How many are left: the chain's own count, kept so that the length is exact.
    len: usize,
}

impl<'a> Iterator for SetIds<'a> {
    type Item = &'a SetId;

    fn next(&mut self) -> Option<Self::Item> {
        let next = self.inner.next()?;
        self.len -= 1;
        Some(next)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.len, Some(self.len))
    }
}

impl DoubleEndedIterator for SetIds<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        let next = self.inner.next_back()?;
        self.len -= 1;
        Some(next)
    }
}

impl ExactSizeIterator for SetIds<'_> {}

/// The read side of a core: the lookups every room answers questions with, by one hash
/// probe or a walk of the lists. [`VersionSets`](crate::VersionSets)' getters are these;
/// the rooms take a `Lookup` rather than a `VersionSets`, so that none of them depends on
/// the facade that calls it.
#[derive(Clone, Copy)]
pub(crate) struct Lookup<'a> {
    core: &'a Core,
}

impl<'a> Lookup<'a> {
    pub(crate) fn new(core: &'a Core) -> Self {
        Self { core }
    }

    /// The sets, oldest first.
    pub(crate) fn sets(self) -> Sets<'a> {
        Sets::new(self.core)
    }

    /// Whether there are no sets (the queue is unversioned).
    pub(crate) fn is_empty(self) -> bool {
        self.core.set_count() == 0
    }

    /// The queue's default set: the last one.
    pub(crate) fn default_set(self) -> Option<CompatibleSet<'a>> {
        let ends = self.core.ends()?;
        Some(CompatibleSet::new(self.core, ends.newest))
    }

    pub(crate) fn default_build_id(self) -> Option<&'a BuildId> {
        self.default_set().map(|set| set.default_build_id())
    }

    pub(crate) fn contains(self, id: &str) -> bool {
        self.core.find(id).is_some()
    }

    pub(crate) fn set_of(self, id: &str) -> Option<CompatibleSet<'a>> {
        let found = self.core.find(id)?;
        Some(CompatibleSet::new(self.core, found.member.set()))
    }

    pub(crate) fn record(self, id: &str) -> Option<BuildIdRecord<'a>> {
        let found = self.core.find(id)?;
        let entry = self.core.member(found.key);
        Some(BuildIdRecord::new(entry.id, entry.member))
    }

    /// The set of `id` and whether `id` is its default, comparing handles rather than
    /// strings: the dispatch lookups' one hash probe.
    pub(crate) fn set_and_is_default(self, id: &str) -> Option<(CompatibleSet<'a>, bool)> {
        let found = self.core.find(id)?;
        let set = CompatibleSet::new(self.core, found.member.set());
        Some((set, set.default_key() == found.key))
    }

    pub(crate) fn is_set_default(self, id: &str) -> bool {
        self.set_and_is_default(id)
            .is_some_and(|(_, is_default)| is_default)
    }

    pub(crate) fn is_queue_default(self, id: &str) -> bool {
        self.default_build_id()
            .is_some_and(|default| default.as_str() == id)
    }

    /// Every build ID that is not its set's default, oldest set first.
    pub(crate) fn non_default_members(self) -> impl Iterator<Item = BuildIdRecord<'a>> {
        self.sets().flat_map(|set| {
            let defaults = set.len().saturating_sub(1);
            set.build_ids().take(defaults)
        })
    }
}
