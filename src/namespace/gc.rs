//! Garbage collection across a namespace's task queues, as the build-ID scavenger walks
//! them: queue by queue in name order (its listing pages by `task_queue_name`), each
//! queue's build IDs chosen and removed on their own.

use std::collections::BTreeMap;

use crate::build_id::BuildId;
use crate::gc::{ClusterMode, GcPolicy};
use crate::version_sets::VersionSets;

use super::mapping::Mapping;

/// What one run of the scavenger removed from one task queue.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct QueueRemoval {
    /// The task queue.
    pub task_queue: String,
    /// The build IDs removed, in the scavenger's order.
    pub build_ids: Vec<BuildId>,
}

/// One run of the scavenger over `queues`, the mapping following; see
/// [`Namespace::scavenge`](crate::Namespace::scavenge).
pub(crate) fn scavenge(
    queues: &mut BTreeMap<String, VersionSets>,
    mapping: &mut Mapping,
    policy: &GcPolicy,
    now_ms: i64,
    mode: ClusterMode,
    mut in_use: impl FnMut(&str, &BuildId) -> bool,
) -> Vec<QueueRemoval> {
    let mut removals = Vec::new();
    for (task_queue, sets) in queues {
        let removable = sets.removable_build_ids(policy, now_ms, |id| in_use(task_queue, id));
        if removable.is_empty() {
            continue;
        }
        *sets = sets.remove_unused(&removable, now_ms, mode).local;
        mapping.remove(task_queue, &removable);
        removals.push(QueueRemoval {
            task_queue: task_queue.clone(),
            build_ids: removable,
        });
    }
    removals
}
