//! Read-only views of a compatible set and of a build ID's record.

use std::fmt;

use crate::core::{Core, Member, MemberKey, SetKey, SetNode};
use crate::non_empty::Members;
use crate::{BuildId, Hlc, SetId};

/// Whether a build ID is live or a tombstone left by garbage collection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum BuildIdState {
    /// A live build ID (`STATE_ACTIVE`).
    Active,
    /// A tombstone (`STATE_DELETED`): still counted as existing and towards the limits, still
    /// routed to, but hidden from the public listing until cleared.
    Deleted,
}

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

    /// The set's IDs, sorted; the first is the primary.
    pub fn set_ids(&self) -> Members<'a, SetId> {
        self.node.set_ids().iter()
    }

    /// The set ID new tasks for this set are queued under (the first, smallest one).
    pub fn primary_set_id(&self) -> &'a SetId {
        self.node.set_ids().first()
    }

    /// The set IDs other than the primary, sorted, left by merges; pollers drain their
    /// backlog too.
    pub fn demoted_set_ids(&self) -> std::iter::Skip<Members<'a, SetId>> {
        self.set_ids().skip(1)
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
        let (id, member) = self.core.member(self.node.last());
        BuildIdRecord::new(id, member)
    }

    /// When the set was last made the queue's default set.
    pub fn became_default_timestamp(&self) -> Hlc {
        self.node.became_default_timestamp()
    }

    /// Whether `id` is a member of this set (tombstones included). O(1).
    pub fn contains(&self, id: impl AsRef<str>) -> bool {
        self.core
            .find(id.as_ref())
            .is_some_and(|(_, member)| std::ptr::eq(self.core.set(member.set()), self.node))
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
        let (id, member) = self.core.member(self.front?);
        self.len -= 1;
        self.front = member.next();
        Some(BuildIdRecord::new(id, member))
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
        let (id, member) = self.core.member(self.back?);
        self.len -= 1;
        self.back = member.prev();
        Some(BuildIdRecord::new(id, member))
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
            front: ends.map(|(oldest, _)| oldest),
            back: ends.map(|(_, newest)| newest),
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
