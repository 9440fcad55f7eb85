//! Replication across clusters (specification.md section F.2,
//! `matching_engine.go:ApplyTaskQueueUserDataReplicationEvent`): a task queue's data
//! received from another cluster.

use crate::clock::Hlc;
use crate::task_queue::TaskQueueUserData;

/// Whether the local data stays against a replica: when the replica has no clock, or the
/// local clock is later. Equal clocks take the replica (the server keeps local only on
/// `hlc.Greater`).
fn keeps_local(local: Option<Hlc>, incoming: Option<Hlc>) -> bool {
    match (local, incoming) {
        (_, None) => true,
        (Some(local), Some(incoming)) => local > incoming,
        (None, Some(_)) => false,
    }
}

impl TaskQueueUserData {
    /// Receives `incoming`, this task queue's data as another cluster replicated it:
    /// last-writer-wins on the clocks for the whole `per_type` map, never merged per type,
    /// deployment or version (rule `replication.lww`). The local data stays when
    /// `incoming` has no clock or the local clock is later; otherwise `incoming`'s
    /// `per_type` replaces it. The local clock stays as it is either way (rule
    /// `replication.clock-kept`: the server's update keeps the clock of its own copy).
    ///
    /// Returns whether the data changed: `false` when the local data stays, and when the
    /// replica's data is the local data already.
    ///
    /// # Example
    /// ```
    /// use worker_deployments::{
    ///     Deployments, Limits, Observed, Poller, TaskQueueType, TaskQueueUserData,
    /// };
    ///
    /// let facts = Observed::default();
    /// let mut east = Deployments::new(Limits::SERVER_DEFAULT).with_cluster_id(1);
    /// let mut west = Deployments::new(Limits::SERVER_DEFAULT).with_cluster_id(2);
    /// east.register(&Poller::new("D", "b1", "tq", TaskQueueType::Workflow), 1_000, &facts)?;
    /// west.register(&Poller::new("D", "b2", "tq", TaskQueueType::Workflow), 2_000, &facts)?;
    ///
    /// // West wrote later: its data replaces east's copy, and east's clock stays.
    /// let mut here = east.user_data("tq").cloned().unwrap_or_default();
    /// let there = west.user_data("tq").unwrap();
    /// assert!(here.receive(there));
    /// assert_eq!(here.per_type, there.per_type);
    /// assert_eq!(here.clock, east.user_data("tq").unwrap().clock);
    /// // East's own copy does not win at west.
    /// let mut back = there.clone();
    /// assert!(!back.receive(east.user_data("tq").unwrap()));
    /// # Ok::<(), worker_deployments::Error>(())
    /// ```
    pub fn receive(&mut self, incoming: &TaskQueueUserData) -> bool {
        if keeps_local(self.clock, incoming.clock) || self.per_type == incoming.per_type {
            return false;
        }
        self.per_type.clone_from(&incoming.per_type);
        true
    }
}
