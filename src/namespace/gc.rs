//! Garbage collection across a namespace's task queues, as the build-ID scavenger walks
//! them: queue by queue in name order (its listing pages by `task_queue_name`), each
//! queue's build IDs chosen and removed on their own.

use crate::build_id::BuildId;

/// What one run of the scavenger removed from one task queue.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct QueueRemoval {
    /// The task queue.
    pub task_queue: String,
    /// The build IDs removed, in the scavenger's order.
    pub build_ids: Vec<BuildId>,
}
