//! A compatible set and the records of its build IDs.

use crate::non_empty::{Members, NonEmpty};
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

/// One build ID of a set, with its state and timestamps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildIdRecord {
    pub(crate) id: BuildId,
    pub(crate) state: BuildIdState,
    pub(crate) state_update_timestamp: Hlc,
    pub(crate) became_default_timestamp: Hlc,
}

impl BuildIdRecord {
    /// A new active record stamped `t` for both timestamps.
    pub(crate) fn active(id: BuildId, t: Hlc) -> Self {
        Self {
            id,
            state: BuildIdState::Active,
            state_update_timestamp: t,
            became_default_timestamp: t,
        }
    }

    /// The build ID.
    pub fn id(&self) -> &BuildId {
        &self.id
    }

    /// Active or tombstone.
    pub fn state(&self) -> BuildIdState {
        self.state
    }

    /// Whether this is a live build ID rather than a tombstone.
    pub fn is_active(&self) -> bool {
        self.state == BuildIdState::Active
    }

    /// When the record was added or its state last changed.
    pub fn state_update_timestamp(&self) -> Hlc {
        self.state_update_timestamp
    }

    /// When the build ID was last made its set's default.
    pub fn became_default_timestamp(&self) -> Hlc {
        self.became_default_timestamp
    }
}

/// A compatible set: build IDs that can run each other's workflows, oldest first. The last
/// build ID is the set's default.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompatibleSet {
    /// Sorted and distinct; the first is the primary.
    pub(crate) set_ids: NonEmpty<SetId>,
    pub(crate) build_ids: NonEmpty<BuildIdRecord>,
    pub(crate) became_default_timestamp: Hlc,
}

impl CompatibleSet {
    /// A set of one new build ID, named after it, stamped `t`.
    pub(crate) fn new(id: BuildId, t: Hlc) -> Self {
        Self {
            set_ids: NonEmpty::one(SetId::for_build_id(&id)),
            build_ids: NonEmpty::one(BuildIdRecord::active(id, t)),
            became_default_timestamp: t,
        }
    }

    /// The set's IDs, sorted; the first is the primary.
    pub fn set_ids(&self) -> Members<'_, SetId> {
        self.set_ids.iter()
    }

    /// The set ID new tasks for this set are queued under (the first, smallest one).
    pub fn primary_set_id(&self) -> &SetId {
        self.set_ids.first()
    }

    /// The set IDs other than the primary, left by merges; pollers drain their backlog too.
    pub fn demoted_set_ids(&self) -> &[SetId] {
        self.set_ids.rest()
    }

    /// The build ID records, oldest first; the last is the set's default.
    pub fn build_ids(&self) -> Members<'_, BuildIdRecord> {
        self.build_ids.iter()
    }

    /// The number of build IDs, tombstones included.
    pub fn len(&self) -> usize {
        self.build_ids.len()
    }

    /// Always `false`: a set has at least one build ID. (Present for API symmetry with `len`.)
    pub fn is_empty(&self) -> bool {
        false
    }

    /// The set's default build ID: its last one.
    pub fn default_build_id(&self) -> &BuildId {
        &self.build_ids.last().id
    }

    /// When the set was last made the queue's default set.
    pub fn became_default_timestamp(&self) -> Hlc {
        self.became_default_timestamp
    }

    /// Whether `id` is a member of this set (tombstones included).
    pub fn contains(&self, id: &str) -> bool {
        self.build_ids.iter().any(|record| record.id.as_str() == id)
    }
}
