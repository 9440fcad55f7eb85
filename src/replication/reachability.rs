//! Task reachability (reference §7, the server's `GetWorkerTaskReachability`): whether a
//! build ID can still get new or existing workflows on one task queue.
//!
//! The sets decide most of the answer; the rest is a count of workflows in the server's
//! visibility store, which the caller answers through a [`VisibilityQuery`].

use std::fmt;

use crate::{MAX_BUILD_ID_LEN, VersionSets};

/// How long after a set stops being the queue's default it still counts as getting new
/// workflows (the server's grace period for clients that read the old default): 5 minutes.
pub const NEW_WORKFLOWS_GRACE_MS: i64 = 5 * 60 * 1000;

/// The server's default `limit.reachabilityQueryBuildIds`: build IDs per request.
pub const DEFAULT_REACHABILITY_BUILD_IDS: usize = 5;

/// The kind of reachability asked about (`TaskReachability` in a request).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReachabilityType {
    /// `TASK_REACHABILITY_UNSPECIFIED`: answered as [`ExistingWorkflows`](Self::ExistingWorkflows).
    Unspecified,
    /// `TASK_REACHABILITY_NEW_WORKFLOWS`: no workflow count is made.
    NewWorkflows,
    /// `TASK_REACHABILITY_EXISTING_WORKFLOWS`: open or closed workflows.
    ExistingWorkflows,
    /// `TASK_REACHABILITY_OPEN_WORKFLOWS`
    OpenWorkflows,
    /// `TASK_REACHABILITY_CLOSED_WORKFLOWS`
    ClosedWorkflows,
}

/// One reachability a build ID has on the task queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TaskReachability {
    /// New workflows may be started on it.
    NewWorkflows,
    /// Workflows on it exist (open or closed).
    ExistingWorkflows,
    /// Open workflows on it exist.
    OpenWorkflows,
    /// Closed workflows on it exist.
    ClosedWorkflows,
}

impl TaskReachability {
    /// The proto enum name, e.g. `TASK_REACHABILITY_NEW_WORKFLOWS`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::NewWorkflows => "TASK_REACHABILITY_NEW_WORKFLOWS",
            Self::ExistingWorkflows => "TASK_REACHABILITY_EXISTING_WORKFLOWS",
            Self::OpenWorkflows => "TASK_REACHABILITY_OPEN_WORKFLOWS",
            Self::ClosedWorkflows => "TASK_REACHABILITY_CLOSED_WORKFLOWS",
        }
    }
}

impl fmt::Display for TaskReachability {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which workflows a count covers, by execution status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StatusFilter {
    /// Any status (`EXISTING_WORKFLOWS`).
    Any,
    /// `ExecutionStatus = "Running"`.
    Running,
    /// `ExecutionStatus != "Running"`.
    Closed,
}

/// The question the server asks its visibility store: does any workflow on this task queue
/// match? (`TaskQueue = q AND (BuildIds IN (...) OR BuildIds IS NULL) AND <status>`.)
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct VisibilityQuery {
    /// Values of the `BuildIds` search attribute that match: `versioned:<build ID>` for
    /// versioned workers, `unversioned` for unversioned ones.
    pub build_ids: Vec<String>,
    /// Whether workflows with no `BuildIds` at all (started, no task processed yet) match
    /// too.
    pub unprocessed: bool,
    /// Which statuses match.
    pub status: StatusFilter,
}

/// The reachability of one requested build ID on the task queue.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct BuildIdReachability {
    /// The build ID as requested (empty for unversioned workers).
    pub build_id: String,
    /// `NEW_WORKFLOWS` first when it applies, then the requested kind when workflows
    /// matched; empty when the build ID is unreachable.
    pub reachability: Vec<TaskReachability>,
}

/// Why a reachability request was refused: the server's `INVALID_ARGUMENT` messages, word
/// for word.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ReachabilityError {
    /// The request names no build ID.
    #[error("Must query at least one build ID (or empty string for unversioned worker)")]
    NoBuildIds,
    /// The request names more build IDs than the limit allows.
    #[error("Too many build ids queried at once, limit: {limit}")]
    TooManyBuildIds {
        /// The limit.
        limit: usize,
    },
    /// A build ID is longer than [`MAX_BUILD_ID_LEN`] bytes.
    #[error("Build ID exceeds configured limit.workerBuildIdSize, use a shorter build ID.")]
    BuildIdTooLong {
        /// The build ID.
        build_id: String,
    },
}

impl ReachabilityError {
    /// The gRPC status the server answers with: always `INVALID_ARGUMENT`.
    pub fn code(&self) -> crate::Code {
        crate::Code::InvalidArgument
    }
}

impl VersionSets {
    /// The reachability of each of `build_ids` on this task queue at wall time `now_ms`,
    /// in request order; an empty build ID stands for unversioned workers.
    ///
    /// From the sets alone: a build ID that is unknown, deleted, or not its set's default is
    /// unreachable (an empty list, no count made). A set's default gets new workflows when
    /// its set is the queue's default or stopped being it less than
    /// [`NEW_WORKFLOWS_GRACE_MS`] ago; unversioned workers get them when the queue has no
    /// sets or became versioned less than that ago. Unless `kind` is `NewWorkflows`,
    /// `workflows_exist` is then asked whether any workflow matches (on the set's live build
    /// IDs, or `unversioned`), and a yes adds `kind` (`Unspecified` reported as
    /// `ExistingWorkflows`).
    ///
    /// # Errors
    /// [`ReachabilityError`], checked before any count, in the server's order: no build IDs,
    /// more than `max_build_ids`, a build ID longer than [`MAX_BUILD_ID_LEN`] bytes.
    ///
    /// # Example
    /// ```
    /// use version_sets::{BuildId, Limits, ReachabilityType, TaskReachability, Update, VersionSets};
    ///
    /// let mut sets = VersionSets::new();
    /// sets.apply(&Update::add_new_default(BuildId::new("1.0")?), 0, Limits::NONE)?;
    /// sets.apply(&Update::add_new_default(BuildId::new("2.0")?), 1_000, Limits::NONE)?;
    /// let now = 3_600_000;
    /// let answers = sets.reachability(&["2.0", "1.0"], ReachabilityType::OpenWorkflows, now, 5, |query| {
    ///     query.build_ids == ["versioned:1.0"]
    /// })?;
    /// assert_eq!(answers[0].reachability, [TaskReachability::NewWorkflows]);
    /// assert_eq!(answers[1].reachability, [TaskReachability::OpenWorkflows]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn reachability(
        &self,
        build_ids: &[&str],
        kind: ReachabilityType,
        now_ms: i64,
        max_build_ids: usize,
        mut workflows_exist: impl FnMut(&VisibilityQuery) -> bool,
    ) -> Result<Vec<BuildIdReachability>, ReachabilityError> {
        if build_ids.is_empty() {
            return Err(ReachabilityError::NoBuildIds);
        }
        if build_ids.len() > max_build_ids {
            return Err(ReachabilityError::TooManyBuildIds {
                limit: max_build_ids,
            });
        }
        if let Some(long) = build_ids.iter().find(|id| id.len() > MAX_BUILD_ID_LEN) {
            return Err(ReachabilityError::BuildIdTooLong {
                build_id: (*long).to_owned(),
            });
        }
        Ok(build_ids
            .iter()
            .map(|&build_id| BuildIdReachability {
                build_id: build_id.to_owned(),
                reachability: self.reachability_of(build_id, kind, now_ms, &mut workflows_exist),
            })
            .collect())
    }

    fn reachability_of(
        &self,
        build_id: &str,
        kind: ReachabilityType,
        now_ms: i64,
        workflows_exist: &mut impl FnMut(&VisibilityQuery) -> bool,
    ) -> Vec<TaskReachability> {
        let recent = |wall: i64| now_ms.saturating_sub(wall) < NEW_WORKFLOWS_GRACE_MS;
        let (new_workflows, query) = if build_id.is_empty() {
            let unversioned = self.is_empty();
            let became_versioned = self
                .sets()
                .map(|set| set.became_default_timestamp().wall_clock)
                .min();
            let new_workflows = unversioned || became_versioned.is_some_and(recent);
            let query = VisibilityQuery {
                build_ids: vec!["unversioned".to_owned()],
                unprocessed: unversioned,
                status: StatusFilter::Any,
            };
            (new_workflows, query)
        } else {
            let Some(set) = self.set_of(build_id) else {
                return Vec::new();
            };
            let is_active = self.record(build_id).is_some_and(|r| r.is_active());
            if !is_active || set.default_build_id().as_str() != build_id {
                return Vec::new();
            }
            let queue_default = self.is_queue_default(build_id);
            let new_workflows = queue_default || recent(set.became_default_timestamp().wall_clock);
            let query = VisibilityQuery {
                build_ids: set
                    .build_ids()
                    .filter(|r| r.is_active())
                    .map(|r| format!("versioned:{}", r.id()))
                    .collect(),
                unprocessed: queue_default,
                status: StatusFilter::Any,
            };
            (new_workflows, query)
        };
        let mut reachability = Vec::new();
        if new_workflows {
            reachability.push(TaskReachability::NewWorkflows);
        }
        let (status, found) = match kind {
            ReachabilityType::NewWorkflows => return reachability,
            ReachabilityType::Unspecified | ReachabilityType::ExistingWorkflows => {
                (StatusFilter::Any, TaskReachability::ExistingWorkflows)
            }
            ReachabilityType::OpenWorkflows => {
                (StatusFilter::Running, TaskReachability::OpenWorkflows)
            }
            ReachabilityType::ClosedWorkflows => {
                (StatusFilter::Closed, TaskReachability::ClosedWorkflows)
            }
        };
        let query = VisibilityQuery {
            // Workflows that never ran a task are open: they cannot be closed ones.
            unprocessed: query.unprocessed && status != StatusFilter::Closed,
            status,
            ..query
        };
        if workflows_exist(&query) {
            reachability.push(found);
        }
        reachability
    }
}
