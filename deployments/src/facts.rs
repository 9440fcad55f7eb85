//! What the server learns from outside its state (specification.md section J), given to the model as inputs:
//! pollers and task-queue traffic.

use std::collections::BTreeSet;

use crate::ids::VersionKey;
use crate::queue_key::TaskQueueKey;

/// The facts an operation asks the world about. The server reads them from matching
/// (poller history, backlog and add rate); the model is told.
pub trait Facts {
    /// Whether any of the version's task queues has a poller in its history
    /// (`CheckIfTaskQueuesHavePollers`, used by delete-version and version GC).
    fn has_pollers(&self, version: &VersionKey) -> bool;

    /// Whether the task queue has traffic or backlog for the version
    /// (`tasks_add_rate != 0 || approximate_backlog_count != 0`, used by the
    /// missing-task-queue check of set-current and set-ramping).
    fn is_busy(&self, task_queue: &TaskQueueKey, version: &VersionKey) -> bool;
}

/// Facts as plain sets: the versions with pollers, and the busy `(queue, version)` pairs.
/// The default knows of no poller and no traffic.
///
/// # Example
/// ```
/// use worker_deployments::{Facts, Observed, TaskQueueKey, TaskQueueType, VersionKey};
///
/// let mut facts = Observed::default();
/// let b1 = VersionKey::new("D", "b1");
/// facts.pollers.insert(b1.clone());
/// assert!(facts.has_pollers(&b1));
/// assert!(!facts.is_busy(&TaskQueueKey::new("tq", TaskQueueType::Workflow), &b1));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Observed {
    /// Versions whose task queues have pollers.
    pub pollers: BTreeSet<VersionKey>,
    /// Task queues with traffic or backlog for a version.
    pub busy: BTreeSet<(TaskQueueKey, VersionKey)>,
}

impl Facts for Observed {
    fn has_pollers(&self, version: &VersionKey) -> bool {
        self.pollers.contains(version)
    }

    fn is_busy(&self, task_queue: &TaskQueueKey, version: &VersionKey) -> bool {
        self.busy.contains(&(task_queue.clone(), version.clone()))
    }
}
