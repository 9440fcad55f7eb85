//! Updating one task queue of a namespace: the queue's own checks, then the namespace's
//! limit on how many task queues one build ID may be in.

use crate::build_id::BuildId;
use crate::code::Code;
use crate::error::UpdateError;
use crate::ops::{Limits, Update};
use crate::version_sets::VersionSets;

use super::queue_name::TaskQueueNameError;

/// The server's default `limit.taskQueuesPerBuildId`: the most task queues of a namespace
/// one build ID may be added to.
pub const DEFAULT_TASK_QUEUES_PER_BUILD_ID: usize = 20;

/// The limits an update of a namespace's task queue is checked against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct NamespaceLimits {
    /// Each queue's own limits.
    pub queue: Limits,
    /// `limit.taskQueuesPerBuildId`: an update may not add a build ID that is already in
    /// this many task queues; `0` for no limit (the server checks only a positive one).
    pub task_queues_per_build_id: usize,
}

impl NamespaceLimits {
    /// The server's defaults: 10 sets and 100 build IDs per queue, 20 task queues per
    /// build ID.
    pub const SERVER_DEFAULT: Self = Self {
        queue: Limits::SERVER_DEFAULT,
        task_queues_per_build_id: DEFAULT_TASK_QUEUES_PER_BUILD_ID,
    };

    /// No limits at all.
    pub const NONE: Self = Self {
        queue: Limits::NONE,
        task_queues_per_build_id: 0,
    };
}

/// Why an update of a namespace's task queue was refused. `Display` is the server's
/// message, word for word; [`code`](Self::code) its gRPC status.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum NamespaceUpdateError {
    /// The task queue's name is invalid (checked first, by the frontend).
    #[error(transparent)]
    TaskQueue(#[from] TaskQueueNameError),
    /// The queue's own update was refused (its preconditions or its limits).
    #[error(transparent)]
    Update(#[from] UpdateError),
    /// The update adds a build ID that is already in `limit` task queues.
    #[error("Exceeded max task queues allowed to be mapped to a single build ID: {limit}")]
    TooManyTaskQueues {
        /// The build ID the update would add.
        build_id: BuildId,
        /// The namespace's `limit.taskQueuesPerBuildId`.
        limit: usize,
    },
}

impl NamespaceUpdateError {
    /// The gRPC status the server answers with.
    pub const fn code(&self) -> Code {
        match self {
            Self::TaskQueue(err) => err.code(),
            Self::Update(err) => err.code(),
            Self::TooManyTaskQueues { .. } => Code::FailedPrecondition,
        }
    }
}

/// The build ID `update` makes active in `sets` when it succeeds and changes something:
/// the `added` side of the build-ID deltas, known before the update runs, so that the
/// check costs O(1). Only the two add operations bring in a build ID, and only one not
/// active yet (a tombstone of it makes the add fail: tombstones still exist); promotions
/// and merges move build IDs that are there.
pub(crate) fn added<'a>(sets: &VersionSets, update: &'a Update) -> Option<&'a BuildId> {
    let new = match update {
        Update::AddNewBuildIdInNewDefaultSet(id) => id,
        Update::AddNewCompatibleBuildId { new_build_id, .. } => new_build_id,
        Update::PromoteSetByBuildId(_)
        | Update::PromoteBuildIdWithinSet(_)
        | Update::MergeSets { .. } => return None,
    };
    let active = sets.record(new.as_str()).is_some_and(|r| r.is_active());
    (!active).then_some(new)
}
