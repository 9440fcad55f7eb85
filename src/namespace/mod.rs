//! [`Namespace`], the task queues of one Temporal namespace, each with its
//! [`VersionSets`], and what the server enforces across them: the build ID → task queue
//! mapping and its limit (`update.rs`, `mapping.rs`), task queue names (`queue_name.rs`),
//! reachability asked of the namespace (`reachability.rs`) and the scavenger's walk over
//! the queues (`gc.rs`).

mod gc;
mod mapping;
mod queue_name;
mod reachability;
mod rewrite;
mod update;

use std::collections::BTreeMap;

use crate::build_id::BuildId;
use crate::gc::{ClusterMode, GcPolicy};
use crate::ops::{Outcome, Update};
use crate::routing::VisibilityQuery;
use crate::version_sets::VersionSets;

pub use gc::QueueRemoval;
pub use queue_name::{MAX_TASK_QUEUE_NAME_LEN, TaskQueueNameError};
pub use reachability::{
    DEFAULT_REACHABILITY_TASK_QUEUE_SCAN, NamespaceBuildIdReachability, NamespaceReachabilityError,
    NamespaceReachabilityQuery, TaskQueueReachability,
};
pub use update::{DEFAULT_TASK_QUEUES_PER_BUILD_ID, NamespaceLimits, NamespaceUpdateError};

/// The task queues of one namespace, each with its own [`VersionSets`], in name order, and
/// the namespace's build ID → task queue mapping (which queues hold each build ID active).
///
/// The server keeps that mapping beside the queues' data and enforces
/// `limit.taskQueuesPerBuildId` with it: an update that adds a build ID already in that
/// many queues is refused ([`NamespaceUpdateError::TooManyTaskQueues`]). The check comes
/// after the queue's own checks and limits, only when the update changes something, and
/// never for data written by replication ([`insert`](Self::insert)). Garbage collection
/// ([`scavenge`](Self::scavenge)) takes removed build IDs out of the mapping.
///
/// Each update costs what the queue's own update costs, plus O(1) for the mapping: the
/// build ID an update adds is known from the update itself.
///
/// # Example
/// ```
/// use version_sets::{BuildId, Code, Limits, Namespace, NamespaceLimits, Update};
///
/// let limits = NamespaceLimits { queue: Limits::SERVER_DEFAULT, task_queues_per_build_id: 2 };
/// let add = Update::add_new_default(BuildId::new("1.0")?);
/// let mut namespace = Namespace::new();
/// namespace.apply("orders", &add, 1_000, limits)?;
/// namespace.apply("payments", &add, 2_000, limits)?;
///
/// let refused = namespace.apply("shipping", &add, 3_000, limits).unwrap_err();
/// assert_eq!(refused.code(), Code::FailedPrecondition);
/// assert_eq!(
///     refused.to_string(),
///     "Exceeded max task queues allowed to be mapped to a single build ID: 2"
/// );
/// assert!(namespace.queue("shipping").is_none());
/// assert_eq!(namespace.task_queues_of("1.0").collect::<Vec<_>>(), ["orders", "payments"]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Namespace {
    queues: BTreeMap<String, VersionSets>,
    mapping: mapping::Mapping,
}

impl Namespace {
    /// A namespace with no task queue.
    pub fn new() -> Self {
        Self::default()
    }

    /// Checks a task queue name as the server's frontend does (empty, longer than
    /// [`MAX_TASK_QUEUE_NAME_LEN`] bytes, or starting with `/_sys/`).
    ///
    /// # Errors
    /// [`TaskQueueNameError`], with the server's message.
    pub fn check_task_queue(name: &str) -> Result<(), TaskQueueNameError> {
        queue_name::check(name)
    }

    /// The data of `task_queue`, if any update or insert ever made it.
    pub fn queue(&self, task_queue: &str) -> Option<&VersionSets> {
        self.queues.get(task_queue)
    }

    /// Every task queue with its data, in name order.
    pub fn queues(&self) -> impl Iterator<Item = (&str, &VersionSets)> {
        self.queues.iter().map(|(name, sets)| (name.as_str(), sets))
    }

    /// The task queues `build_id` is mapped to (those whose data holds it active), in the
    /// server's order: by name.
    pub fn task_queues_of(&self, build_id: &str) -> impl Iterator<Item = &str> {
        self.mapping.task_queues(build_id)
    }

    /// The build IDs mapped to more than `limit` task queues, sorted, each with its queues:
    /// a state no public update reaches, only replication, data loaded as it is, or a
    /// limit lowered later.
    ///
    /// # Example
    /// ```
    /// use version_sets::{BuildId, Limits, Namespace, Update, VersionSets};
    ///
    /// let mut data = VersionSets::new();
    /// data.apply(&Update::add_new_default(BuildId::new("1.0")?), 1_000, Limits::NONE)?;
    /// let mut namespace = Namespace::new();
    /// for queue in ["a", "b", "c"] {
    ///     // As replication or loading writes a queue: no limit is checked.
    ///     namespace.insert(queue, data.clone())?;
    /// }
    /// let over = namespace.over_limit(2);
    /// assert_eq!(over.len(), 1);
    /// assert_eq!(over[0].0.as_str(), "1.0");
    /// assert_eq!(over[0].1, ["a", "b", "c"]);
    /// assert!(namespace.over_limit(3).is_empty());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn over_limit(&self, limit: usize) -> Vec<(&BuildId, Vec<&str>)> {
        let mut over: Vec<_> = self
            .mapping
            .entries()
            .filter(|(_, queues)| queues.len() > limit)
            .map(|(id, queues)| (id, queues.iter().map(|name| &**name).collect()))
            .collect();
        over.sort();
        over
    }

    /// Applies `update` to `task_queue` at wall time `now_ms`, as the server does: the
    /// queue name is checked, then the queue's own update (its preconditions, then
    /// `limits.queue` on the result), then, when the update changes the queue and adds a
    /// build ID to it, `limits.task_queues_per_build_id` against the queues that build ID
    /// is already in. A queue never updated before starts empty. On any error nothing
    /// changes.
    ///
    /// # Errors
    /// [`NamespaceUpdateError`]: the name's error, the queue's, or
    /// [`TooManyTaskQueues`](NamespaceUpdateError::TooManyTaskQueues).
    pub fn apply(
        &mut self,
        task_queue: &str,
        update: &Update,
        now_ms: i64,
        limits: NamespaceLimits,
    ) -> Result<Outcome, NamespaceUpdateError> {
        queue_name::check(task_queue)?;
        let empty = VersionSets::new();
        let current = self.queues.get(task_queue).unwrap_or(&empty);
        let added = update::added(current, update).cloned();
        let limit = limits.task_queues_per_build_id;
        let admit = || match &added {
            Some(id) if limit > 0 && self.mapping.count(id.as_str()) >= limit => {
                Err(NamespaceUpdateError::TooManyTaskQueues {
                    build_id: id.clone(),
                    limit,
                })
            }
            _ => Ok(()),
        };
        // Run on a copy only for a queue not yet made, so that a refused first update
        // leaves no empty queue behind.
        let outcome = match self.queues.get_mut(task_queue) {
            Some(sets) => sets.apply_admitted(update, now_ms, limits.queue, admit)?,
            None => {
                let mut sets = VersionSets::new();
                let outcome = sets.apply_admitted(update, now_ms, limits.queue, admit)?;
                self.queues.insert(task_queue.to_owned(), sets);
                outcome
            }
        };
        if outcome == Outcome::Changed {
            if let Some(id) = added {
                self.mapping.add(task_queue, &[id]);
            }
        }
        Ok(outcome)
    }

    /// Puts `sets` as the data of `task_queue`, as replication or loading stored data
    /// does: the mapping follows the build-ID deltas from the queue's previous data, and
    /// no namespace limit is checked (the server does not check it when applying
    /// replication). Returns the previous data. Costs O(size of both data).
    ///
    /// # Errors
    /// [`TaskQueueNameError`] when the name is invalid; nothing changes.
    pub fn insert(
        &mut self,
        task_queue: &str,
        sets: VersionSets,
    ) -> Result<Option<VersionSets>, TaskQueueNameError> {
        queue_name::check(task_queue)?;
        // Compared in place: a copy of the previous data would double the queue's memory.
        let deltas = match self.queues.get(task_queue) {
            Some(before) => before.build_id_deltas(&sets),
            None => VersionSets::new().build_id_deltas(&sets),
        };
        self.mapping.remove(task_queue, &deltas.removed);
        self.mapping.add(task_queue, &deltas.added);
        Ok(self.queues.insert(task_queue.to_owned(), sets))
    }

    /// The namespace's data of `task_queue`, taking it without a copy.
    ///
    /// # Example
    /// ```
    /// use version_sets::{BuildId, Namespace, NamespaceLimits, Update};
    ///
    /// let mut namespace = Namespace::new();
    /// let add = Update::add_new_default(BuildId::new("1.0")?);
    /// namespace.apply("orders", &add, 1_000, NamespaceLimits::SERVER_DEFAULT)?;
    /// let orders = namespace.into_queue("orders").expect("made by the update");
    /// assert_eq!(orders.default_build_id().map(BuildId::as_str), Some("1.0"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn into_queue(mut self, task_queue: &str) -> Option<VersionSets> {
        self.queues.remove(task_queue)
    }

    /// Task reachability asked of the namespace at wall time `now_ms` (the server's
    /// `GetWorkerTaskReachability`). The request is checked in the frontend's order; then,
    /// per build ID in request order, the task queues are the request's or, when it names
    /// none, those the build ID is mapped to ([`task_queues_of`](Self::task_queues_of));
    /// the first `max_task_queue_scan` are examined with
    /// [`VersionSets::reachability`] (a queue with no data answers as an empty one), the
    /// rest reported unexamined. `workflows_exist` is the visibility store, asked with the
    /// task queue's name.
    ///
    /// # Errors
    /// [`NamespaceReachabilityError`], with the frontend's words.
    ///
    /// # Example
    /// ```
    /// use version_sets::{
    ///     BuildId, Namespace, NamespaceLimits, NamespaceReachabilityQuery, ReachabilityType,
    ///     TaskReachability, Update,
    /// };
    ///
    /// let mut namespace = Namespace::new();
    /// let add = Update::add_new_default(BuildId::new("1.0")?);
    /// for queue in ["b", "a", "c"] {
    ///     namespace.apply(queue, &add, 1_000, NamespaceLimits::SERVER_DEFAULT)?;
    /// }
    /// let query = NamespaceReachabilityQuery {
    ///     build_ids: &["1.0"],
    ///     task_queues: &[],
    ///     kind: ReachabilityType::NewWorkflows,
    ///     max_build_ids: 5,
    ///     max_task_queue_scan: 2,
    /// };
    /// let answer = namespace.reachability(&query, 2_000, |_, _| false)?;
    /// let queues = &answer[0].task_queues;
    /// assert_eq!(queues.iter().map(|q| q.task_queue.as_str()).collect::<Vec<_>>(), ["a", "b", "c"]);
    /// assert_eq!(queues[0].reachability, Some(vec![TaskReachability::NewWorkflows]));
    /// assert_eq!(queues[2].reachability, None);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn reachability(
        &self,
        query: &NamespaceReachabilityQuery<'_>,
        now_ms: i64,
        workflows_exist: impl FnMut(&str, &VisibilityQuery) -> bool,
    ) -> Result<Vec<NamespaceBuildIdReachability>, NamespaceReachabilityError> {
        reachability::answer(&self.queues, &self.mapping, query, now_ms, workflows_exist)
    }

    /// One run of the build-ID scavenger over the namespace at wall time `now_ms`: queue
    /// by queue in name order, the build IDs
    /// [`VersionSets::removable_build_ids`] picks (asking `in_use` with the queue's name)
    /// are removed with [`VersionSets::remove_unused`] in `mode`, the queue keeps the local
    /// result, and the mapping drops them. Returns what went, per queue that lost any.
    ///
    /// # Example
    /// ```
    /// use version_sets::{BuildId, ClusterMode, GcPolicy, Namespace, NamespaceLimits, Retention, Update};
    ///
    /// let mut namespace = Namespace::new();
    /// for (queue, id) in [("b", "1.0"), ("b", "2.0"), ("a", "1.0"), ("a", "2.0")] {
    ///     namespace.apply(queue, &Update::add_new_default(BuildId::new(id)?), 0, NamespaceLimits::SERVER_DEFAULT)?;
    /// }
    /// let policy = GcPolicy { min_since_default_ms: 0, retention_ms: 0, retention: Retention::Ignore };
    /// // Workflows still run on 1.0 in queue b only.
    /// let removed = namespace.scavenge(&policy, 10, ClusterMode::SingleCluster, |queue, _| queue == "b");
    /// assert_eq!(removed.len(), 1);
    /// assert_eq!(removed[0].task_queue, "a");
    /// assert_eq!(namespace.task_queues_of("1.0").collect::<Vec<_>>(), ["b"]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn scavenge(
        &mut self,
        policy: &GcPolicy,
        now_ms: i64,
        mode: ClusterMode,
        in_use: impl FnMut(&str, &BuildId) -> bool,
    ) -> Vec<QueueRemoval> {
        gc::scavenge(
            &mut self.queues,
            &mut self.mapping,
            policy,
            now_ms,
            mode,
            in_use,
        )
    }
}
