//! Task reachability asked of a namespace (the frontend's `GetWorkerTaskReachability`):
//! given build IDs and, optionally, task queues; without task queues, the queues each
//! build ID is mapped to.

use std::collections::BTreeMap;

use crate::code::Code;
use crate::routing::{
    ReachabilityError, ReachabilityQuery, ReachabilityType, TaskReachability, VisibilityQuery,
};
use crate::version_sets::VersionSets;

use super::mapping::Mapping;
use super::queue_name::TaskQueueNameError;

/// The server's default `limit.reachabilityTaskQueueScan`: task queues examined per build
/// ID; the rest are reported unexamined.
pub const DEFAULT_REACHABILITY_TASK_QUEUE_SCAN: usize = 20;

/// A reachability request of a namespace (`GetWorkerTaskReachabilityRequest`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct NamespaceReachabilityQuery<'a> {
    /// The build IDs asked about, in request order; an empty one stands for unversioned
    /// workers (and needs `task_queues`).
    pub build_ids: &'a [&'a str],
    /// The task queues to look in, in request order; empty for the queues each build ID
    /// is mapped to.
    pub task_queues: &'a [&'a str],
    /// The kind of reachability asked about.
    pub kind: ReachabilityType,
    /// `limit.reachabilityQueryBuildIds` ([`DEFAULT_REACHABILITY_BUILD_IDS`](crate::DEFAULT_REACHABILITY_BUILD_IDS)
    /// by default).
    pub max_build_ids: usize,
    /// `limit.reachabilityTaskQueueScan` ([`DEFAULT_REACHABILITY_TASK_QUEUE_SCAN`] by
    /// default): per build ID, the task queues after this many are not examined.
    pub max_task_queue_scan: usize,
}

/// The reachability of one build ID on one task queue.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TaskQueueReachability {
    /// The task queue.
    pub task_queue: String,
    /// What [`VersionSets::reachability`](crate::VersionSets::reachability) answers on it,
    /// or `None` when the queue was past `max_task_queue_scan` and not examined (the server
    /// reports `[TASK_REACHABILITY_UNSPECIFIED]`).
    pub reachability: Option<Vec<TaskReachability>>,
}

/// The reachability of one requested build ID across the namespace.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct NamespaceBuildIdReachability {
    /// The build ID as requested (empty for unversioned workers).
    pub build_id: String,
    /// Per task queue, in the request's order or the mapping's (task queue names sorted).
    pub task_queues: Vec<TaskQueueReachability>,
}

/// Why a namespace's reachability request was refused: the frontend's `INVALID_ARGUMENT`
/// messages, word for word, in its order.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum NamespaceReachabilityError {
    /// No build ID, too many, or one too long.
    #[error(transparent)]
    Query(#[from] ReachabilityError),
    /// The unversioned build ID (empty) was asked about with no task queue.
    #[error(
        "Cannot get reachability of an unversioned worker without specifying at least one task queue (empty build ID is interpereted as unversioned)"
    )]
    UnversionedWithoutTaskQueues,
    /// A requested task queue's name is invalid.
    #[error(transparent)]
    TaskQueue(#[from] TaskQueueNameError),
}

impl NamespaceReachabilityError {
    /// The gRPC status the server answers with: always `INVALID_ARGUMENT`.
    pub const fn code(&self) -> Code {
        Code::InvalidArgument
    }
}

/// The frontend's checks, in its order (`GetWorkerTaskReachability` in
/// `service/frontend/workflow_handler.go`).
pub(crate) fn check(
    query: &NamespaceReachabilityQuery<'_>,
) -> Result<(), NamespaceReachabilityError> {
    crate::routing::check_reachability(&ReachabilityQuery {
        build_ids: query.build_ids,
        kind: query.kind,
        max_build_ids: query.max_build_ids,
    })?;
    if query.task_queues.is_empty() && query.build_ids.iter().any(|id| id.is_empty()) {
        return Err(NamespaceReachabilityError::UnversionedWithoutTaskQueues);
    }
    for name in query.task_queues {
        super::queue_name::check(name)?;
    }
    Ok(())
}

/// The answer to `query` from the queues' data and the mapping, checked first; see
/// [`Namespace::reachability`](crate::Namespace::reachability).
pub(crate) fn answer(
    queues: &BTreeMap<String, VersionSets>,
    mapping: &Mapping,
    query: &NamespaceReachabilityQuery<'_>,
    now_ms: i64,
    mut workflows_exist: impl FnMut(&str, &VisibilityQuery) -> bool,
) -> Result<Vec<NamespaceBuildIdReachability>, NamespaceReachabilityError> {
    check(query)?;
    let empty = VersionSets::new();
    let mut answers = Vec::with_capacity(query.build_ids.len());
    for &build_id in query.build_ids {
        let names: Vec<&str> = if query.task_queues.is_empty() {
            mapping.task_queues(build_id).collect()
        } else {
            query.task_queues.to_vec()
        };
        let one = [build_id];
        let per_queue = ReachabilityQuery {
            build_ids: &one,
            kind: query.kind,
            max_build_ids: 1,
        };
        let mut task_queues = Vec::with_capacity(names.len());
        for (i, task_queue) in names.into_iter().enumerate() {
            let reachability = if i < query.max_task_queue_scan {
                let sets = queues.get(task_queue).unwrap_or(&empty);
                let found = sets.reachability(&per_queue, now_ms, |visibility| {
                    workflows_exist(task_queue, visibility)
                })?;
                Some(found.into_iter().flat_map(|b| b.reachability).collect())
            } else {
                None
            };
            task_queues.push(TaskQueueReachability {
                task_queue: task_queue.to_owned(),
                reachability,
            });
        }
        answers.push(NamespaceBuildIdReachability {
            build_id: build_id.to_owned(),
            task_queues,
        });
    }
    Ok(answers)
}
