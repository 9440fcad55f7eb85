//! The writes to one queue that are no public update (the scavenger's removal, clearing
//! tombstones, persisting a build ID first seen by pollers), made in place: each knows
//! which build IDs it can make active or inactive, so the mapping follows those alone and
//! the write costs what the queue's own write costs, not a copy of the queue.

use super::{Namespace, queue_name};
use crate::build_id::BuildId;
use crate::namespace::TaskQueueNameError;
use crate::ops::Outcome;
use crate::version_sets::VersionSets;

impl Namespace {
    /// [`VersionSets::remove_build_ids`] on `task_queue` (a queue not yet made is made,
    /// empty); the mapping drops the build IDs that were active. Costs what the queue's
    /// removal costs, plus O(1) per listed build ID for the mapping.
    ///
    /// # Errors
    /// [`TaskQueueNameError`] when the name is invalid; nothing changes.
    ///
    /// # Example
    /// ```
    /// use version_sets::{BuildId, Namespace, NamespaceLimits, Outcome, Update};
    ///
    /// let mut namespace = Namespace::new();
    /// let id = BuildId::new("1.0")?;
    /// namespace.apply("orders", &Update::add_new_default(id.clone()), 1_000, NamespaceLimits::SERVER_DEFAULT)?;
    /// assert_eq!(namespace.remove_build_ids("orders", &[id], 2_000)?, Outcome::Changed);
    /// assert_eq!(namespace.task_queues_of("1.0").count(), 0);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn remove_build_ids(
        &mut self,
        task_queue: &str,
        build_ids: &[BuildId],
        now_ms: i64,
    ) -> Result<Outcome, TaskQueueNameError> {
        self.rewrite(task_queue, build_ids, |sets| {
            sets.remove_build_ids(build_ids, now_ms)
        })
    }

    /// [`VersionSets::clear_tombstones`] on `task_queue` (a queue not yet made is made,
    /// empty). Tombstones are mapped to no queue, so the mapping stays as it is.
    ///
    /// # Errors
    /// [`TaskQueueNameError`] when the name is invalid; nothing changes.
    pub fn clear_tombstones(&mut self, task_queue: &str) -> Result<Outcome, TaskQueueNameError> {
        self.rewrite(task_queue, &[], VersionSets::clear_tombstones)
    }

    /// [`VersionSets::persist_unknown_build_id`] on `task_queue` (a queue not yet made is
    /// made, empty); the mapping gains the build ID when it became active. No namespace
    /// limit is checked, as for [`insert`](Self::insert).
    ///
    /// # Errors
    /// [`TaskQueueNameError`] when the name is invalid; nothing changes.
    ///
    /// # Example
    /// ```
    /// use version_sets::{BuildId, Namespace, Outcome};
    ///
    /// let mut namespace = Namespace::new();
    /// let id = BuildId::new("early")?;
    /// assert_eq!(namespace.persist_unknown_build_id("orders", &id, 1_000)?, Outcome::Changed);
    /// assert_eq!(namespace.task_queues_of("early").collect::<Vec<_>>(), ["orders"]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn persist_unknown_build_id(
        &mut self,
        task_queue: &str,
        build_id: &BuildId,
        now_ms: i64,
    ) -> Result<Outcome, TaskQueueNameError> {
        self.rewrite(task_queue, std::slice::from_ref(build_id), |sets| {
            sets.persist_unknown_build_id(build_id, now_ms)
        })
    }

    /// Runs `change` on `task_queue`'s data in place. `touched` must hold every build ID
    /// whose active state `change` can alter: the mapping follows exactly those.
    fn rewrite(
        &mut self,
        task_queue: &str,
        touched: &[BuildId],
        change: impl FnOnce(&mut VersionSets) -> Outcome,
    ) -> Result<Outcome, TaskQueueNameError> {
        queue_name::check(task_queue)?;
        let sets = self.queues.entry(task_queue.to_owned()).or_default();
        let before: Vec<bool> = touched.iter().map(|id| is_active(sets, id)).collect();
        let outcome = change(sets);
        let mut added = Vec::new();
        let mut removed = Vec::new();
        for (id, was) in touched.iter().zip(before) {
            match (was, is_active(sets, id)) {
                (false, true) => added.push(id.clone()),
                (true, false) => removed.push(id.clone()),
                _ => {}
            }
        }
        self.mapping.remove(task_queue, &removed);
        self.mapping.add(task_queue, &added);
        Ok(outcome)
    }
}

/// Whether `sets` holds `id` active (a tombstone is not).
fn is_active(sets: &VersionSets, id: &BuildId) -> bool {
    sets.record(id.as_str())
        .is_some_and(|record| record.is_active())
}
