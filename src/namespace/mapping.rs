//! The namespace's build ID → task queue mapping (the server's `build_id_to_task_queue`
//! table), which follows the build-ID deltas of every update of a queue's data.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use crate::build_id::BuildId;

/// For each build ID, the task queues whose data holds it active, in name order: the
/// order of the table's primary key `(namespace_id, build_id, task_queue_name)`, in which
/// the server's listing query reads them.
///
/// Each build ID's queues are a sorted list of names shared through `names`: a build ID in
/// one queue costs the list and one pointer (a set of `String`s cost a B-tree node of
/// some 300 bytes per build ID, more than the queue's own data).
#[derive(Debug, Clone, Default)]
pub(crate) struct Mapping {
    queues: HashMap<BuildId, Vec<Arc<str>>>,
    /// Every task queue name the mapping has held, each allocated once.
    names: BTreeSet<Arc<str>>,
}

impl PartialEq for Mapping {
    /// The same build IDs in the same queues; the names once held do not count.
    fn eq(&self, other: &Self) -> bool {
        self.queues == other.queues
    }
}

impl Eq for Mapping {}

impl Mapping {
    /// How many task queues `build_id` is mapped to (the server's `CountTaskQueuesByBuildId`).
    pub(crate) fn count(&self, build_id: &str) -> usize {
        self.queues.get(build_id).map_or(0, Vec::len)
    }

    /// The task queues `build_id` is mapped to, in the server's order.
    pub(crate) fn task_queues(&self, build_id: &str) -> impl Iterator<Item = &str> {
        self.queues
            .get(build_id)
            .into_iter()
            .flatten()
            .map(|name| &**name)
    }

    /// Every build ID with its task queues (in name order), in no particular order.
    pub(crate) fn entries(&self) -> impl Iterator<Item = (&BuildId, &[Arc<str>])> {
        self.queues
            .iter()
            .map(|(id, queues)| (id, queues.as_slice()))
    }

    /// Maps each of `added` to `task_queue`.
    pub(crate) fn add(&mut self, task_queue: &str, added: &[BuildId]) {
        if added.is_empty() {
            return;
        }
        let name = match self.names.get(task_queue) {
            Some(name) => Arc::clone(name),
            None => {
                let name: Arc<str> = Arc::from(task_queue);
                self.names.insert(Arc::clone(&name));
                name
            }
        };
        for build_id in added {
            let queues = self.queues.entry(build_id.clone()).or_default();
            if let Err(place) = queues.binary_search_by(|held| (**held).cmp(task_queue)) {
                // Most build IDs are in one queue: a list that doubles from 4 would hold
                // three empty places each. The insert below moves the list anyway.
                queues.reserve_exact(1);
                queues.insert(place, Arc::clone(&name));
            }
        }
    }

    /// Unmaps each of `removed` from `task_queue`; a build ID left with no queue goes.
    pub(crate) fn remove(&mut self, task_queue: &str, removed: &[BuildId]) {
        for build_id in removed {
            if let Some(queues) = self.queues.get_mut(build_id.as_str()) {
                if let Ok(place) = queues.binary_search_by(|held| (**held).cmp(task_queue)) {
                    queues.remove(place);
                }
                if queues.is_empty() {
                    self.queues.remove(build_id.as_str());
                }
            }
        }
    }
}
