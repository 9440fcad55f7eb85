//! The namespace's caps and timers (specification.md section A.8), as dynamic config sets them.

/// The caps and drainage timers the server reads from dynamic config.
///
/// # Example
/// ```
/// use worker_deployments::Limits;
///
/// let short = Limits { max_versions_in_deployment: 3, ..Limits::SERVER_DEFAULT };
/// assert_eq!(short.max_deployments, 100);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Limits {
    /// `matching.maxDeployments`: a new deployment is refused when the namespace holds this
    /// many.
    pub max_deployments: usize,
    /// `matching.maxVersionsInDeployment`: at this many versions, adding one first tries
    /// version GC.
    pub max_versions_in_deployment: usize,
    /// `matching.maxTaskQueuesInDeploymentVersion`: task-queue names per version.
    pub max_task_queues_in_version: usize,
    /// `matching.maxVersionsInTaskQueue`: registration is refused when a task queue type
    /// holds *more* than this many versions.
    pub max_versions_in_task_queue: usize,
    /// `limit.maxIDLength`: names and build IDs may have `(max_id_length - 39) / 2` bytes.
    pub max_id_length: usize,
    /// `matching.wv.VersionDrainageStatusVisibilityGracePeriod`, in milliseconds: the wait
    /// before a draining version's first check.
    pub drainage_grace_ms: u64,
    /// `matching.wv.VersionDrainageStatusRefreshInterval`, in milliseconds: the wait between
    /// later checks.
    pub drainage_refresh_ms: u64,
}

impl Limits {
    /// The server's defaults (`common/dynamicconfig/constants.go`).
    pub const SERVER_DEFAULT: Self = Self {
        max_deployments: 100,
        max_versions_in_deployment: 100,
        max_task_queues_in_version: 100,
        max_versions_in_task_queue: 200,
        max_id_length: 1000,
        drainage_grace_ms: 180_000,
        drainage_refresh_ms: 180_000,
    };

    /// The live suite's "short" server (specification.md section 0): grace 5 s, refresh 10 s, at most 3
    /// versions per deployment, 2 task queues per version, 4 versions per task queue and
    /// 3 deployments.
    pub const SHORT: Self = Self {
        max_deployments: 3,
        max_versions_in_deployment: 3,
        max_task_queues_in_version: 2,
        max_versions_in_task_queue: 4,
        max_id_length: 1000,
        drainage_grace_ms: 5_000,
        drainage_refresh_ms: 10_000,
    };
}

impl Default for Limits {
    fn default() -> Self {
        Self::SERVER_DEFAULT
    }
}
