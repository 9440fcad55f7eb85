//! Task reachability (the server's `GetWorkerTaskReachability`): whether a build ID can
//! still get new or existing workflows on one task queue.
//!
//! The sets decide most of the answer; the rest is a count of workflows in the server's
//! visibility store, which the caller answers through a [`VisibilityQuery`].

use crate::build_id::MAX_BUILD_ID_LEN;
use crate::code::Code;
use crate::set::Lookup;

/// How long after a set *became* the queue's default its default build ID still counts as
/// getting new workflows, once another set has taken over (the server's grace period for
/// clients that read the old default, `frontend.reachabilityQuerySetDurationSinceDefault`):
/// 5 minutes. It runs from the set's became-default timestamp, not from when it stopped
/// being the default, so a set that stayed default longer than this has no grace left.
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

named! {
    TaskReachability, "the proto enum";
    NewWorkflows => "TASK_REACHABILITY_NEW_WORKFLOWS",
    ExistingWorkflows => "TASK_REACHABILITY_EXISTING_WORKFLOWS",
    OpenWorkflows => "TASK_REACHABILITY_OPEN_WORKFLOWS",
    ClosedWorkflows => "TASK_REACHABILITY_CLOSED_WORKFLOWS",
}

named! {
    ReachabilityType, "the proto enum";
    Unspecified => "TASK_REACHABILITY_UNSPECIFIED",
    NewWorkflows => "TASK_REACHABILITY_NEW_WORKFLOWS",
    ExistingWorkflows => "TASK_REACHABILITY_EXISTING_WORKFLOWS",
    OpenWorkflows => "TASK_REACHABILITY_OPEN_WORKFLOWS",
    ClosedWorkflows => "TASK_REACHABILITY_CLOSED_WORKFLOWS",
}

named! {
    StatusFilter, "the command's word";
    Any => "any",
    Running => "running",
    Closed => "closed",
}

/// A reachability request (`GetWorkerTaskReachabilityRequest` for one task queue): what
/// [`VersionSets::reachability`](crate::VersionSets::reachability) answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ReachabilityQuery<'a> {
    /// The build IDs asked about, in request order; an empty one stands for unversioned
    /// workers.
    pub build_ids: &'a [&'a str],
    /// The kind of reachability asked about.
    pub kind: ReachabilityType,
    /// The most build IDs one request may name (the server's
    /// `limit.reachabilityQueryBuildIds`, [`DEFAULT_REACHABILITY_BUILD_IDS`] by default).
    pub max_build_ids: usize,
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
    pub const fn code(&self) -> Code {
        Code::InvalidArgument
    }
}

/// The reachability of each build ID of `query` on the task queue of `sets` at wall time
/// `now_ms`, in request order.
pub(crate) fn reachability(
    sets: Lookup<'_>,
    query: &ReachabilityQuery<'_>,
    now_ms: i64,
    mut workflows_exist: impl FnMut(&VisibilityQuery) -> bool,
) -> Result<Vec<BuildIdReachability>, ReachabilityError> {
    check(query)?;
    let ReachabilityQuery {
        build_ids, kind, ..
    } = *query;
    Ok(build_ids
        .iter()
        .map(|&build_id| BuildIdReachability {
            build_id: build_id.to_owned(),
            reachability: reachability_of(sets, build_id, kind, now_ms, &mut workflows_exist),
        })
        .collect())
}

/// The frontend's checks of a request's build IDs, in its order: none, too many, too long.
pub(crate) fn check(query: &ReachabilityQuery<'_>) -> Result<(), ReachabilityError> {
    let ReachabilityQuery {
        build_ids,
        max_build_ids,
        ..
    } = *query;
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
    Ok(())
}

fn reachability_of(
    sets: Lookup<'_>,
    build_id: &str,
    kind: ReachabilityType,
    now_ms: i64,
    workflows_exist: &mut impl FnMut(&VisibilityQuery) -> bool,
) -> Vec<TaskReachability> {
    let recent = |wall: i64| now_ms.saturating_sub(wall) < NEW_WORKFLOWS_GRACE_MS;
    let (new_workflows, query) = if build_id.is_empty() {
        let unversioned = sets.is_empty();
        let became_versioned = sets
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
        let Some(set) = sets.set_of(build_id) else {
            return Vec::new();
        };
        let is_active = sets.record(build_id).is_some_and(|r| r.is_active());
        if !is_active || set.default_build_id().as_str() != build_id {
            return Vec::new();
        }
        let queue_default = sets.is_queue_default(build_id);
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
        ReachabilityType::OpenWorkflows => (StatusFilter::Running, TaskReachability::OpenWorkflows),
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
