//! The namespace's build ID → task queue mapping (the server's `build_id_to_task_queue`
//! table), which follows the build-ID deltas of every update of a queue's data.

use std::collections::{BTreeSet, HashMap};

use crate::build_id::BuildId;

/// For each build ID, the task queues whose data holds it active, in name order: the
/// order of the table's primary key `(namespace_id, build_id, task_queue_name)`, in which
/// the server's listing query reads them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Mapping {
    queues: HashMap<BuildId, BTreeSet<String>>,
}

impl Mapping {
    /// How many task queues `build_id` is mapped to (the server's `CountTaskQueuesByBuildId`).
    pub(crate) fn count(&self, build_id: &str) -> usize {
        self.queues.get(build_id).map_or(0, BTreeSet::len)
    }

    /// The task queues `build_id` is mapped to, in the server's order.
    pub(crate) fn task_queues(&self, build_id: &str) -> impl Iterator<Item = &str> {
        self.queues
            .get(build_id)
            .into_iter()
            .flatten()
            .map(String::as_str)
    }

    /// Every build ID with its task queues, in no particular order.
    pub(crate) fn entries(&self) -> impl Iterator<Item = (&BuildId, &BTreeSet<String>)> {
        self.queues.iter()
    }

    /// Maps each of `added` to `task_queue`.
    pub(crate) fn add(&mut self, task_queue: &str, added: &[BuildId]) {
        for build_id in added {
            self.queues
                .entry(build_id.clone())
                .or_default()
                .insert(task_queue.to_owned());
        }
    }

    /// Unmaps each of `removed` from `task_queue`; a build ID left with no queue goes.
    pub(crate) fn remove(&mut self, task_queue: &str, removed: &[BuildId]) {
        for build_id in removed {
            if let Some(queues) = self.queues.get_mut(build_id.as_str()) {
                queues.remove(task_queue);
                if queues.is_empty() {
                    self.queues.remove(build_id.as_str());
                }
            }
        }
    }
}
