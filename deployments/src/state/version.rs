//! A version's state (specification.md section A.3, specification.md section A.5): status, drainage, activation times and the task
//! queues its workers registered.

use std::collections::{BTreeMap, BTreeSet};

use crate::ids::VersionKey;
use crate::queue_key::TaskQueueType;

/// `WorkerDeploymentVersionStatus`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub enum VersionStatus {
    /// Registered by pollers, never current or ramping since.
    Inactive,
    /// The deployment's current version.
    Current,
    /// The deployment's ramping version.
    Ramping,
    /// No longer current or ramping; open pinned workflows may remain.
    Draining,
    /// No longer current or ramping, and the last check found no open pinned workflow.
    Drained,
    /// Made by create-version (or set-current / set-ramping with allow-no-pollers), with no
    /// task queue yet.
    Created,
}

named! {
    VersionStatus, "the proto enum value";
    Inactive => "WORKER_DEPLOYMENT_VERSION_STATUS_INACTIVE",
    Current => "WORKER_DEPLOYMENT_VERSION_STATUS_CURRENT",
    Ramping => "WORKER_DEPLOYMENT_VERSION_STATUS_RAMPING",
    Draining => "WORKER_DEPLOYMENT_VERSION_STATUS_DRAINING",
    Drained => "WORKER_DEPLOYMENT_VERSION_STATUS_DRAINED",
    Created => "WORKER_DEPLOYMENT_VERSION_STATUS_CREATED",
}

/// `VersionDrainageStatus` (`UNSPECIFIED` is "no drainage info").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub enum DrainageStatus {
    /// Checks still find open pinned workflows (or have not run yet).
    Draining,
    /// The last check found none.
    Drained,
}

named! {
    DrainageStatus, "the proto enum value";
    Draining => "VERSION_DRAINAGE_STATUS_DRAINING",
    Drained => "VERSION_DRAINAGE_STATUS_DRAINED",
}

/// A version's drainage info (specification.md section D.2). Times are Unix milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct DrainageInfo {
    /// Draining or drained.
    pub status: DrainageStatus,
    /// When the status last changed.
    pub last_changed_ms: u64,
    /// When the last check ran (equal to `last_changed_ms` until the first check).
    pub last_checked_ms: u64,
}

/// One version's state: what the deployment's summary and the version's own workflow
/// hold, as one record (the model propagates at once, so the two never disagree).
/// Times are Unix milliseconds, `None` unset.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct VersionInfo {
    /// The version.
    pub key: VersionKey,
    /// When the version was added to the deployment (version GC's order).
    pub create_time_ms: u64,
    /// The status.
    pub status: VersionStatus,
    /// The drainage info, `None` while unspecified.
    pub drainage: Option<DrainageInfo>,
    /// `routing_update_time`.
    pub routing_update_ms: Option<u64>,
    /// `current_since_time`.
    pub current_since_ms: Option<u64>,
    /// `ramping_since_time`.
    pub ramping_since_ms: Option<u64>,
    /// `ramp_percentage` while ramping.
    pub ramp_percentage: f32,
    /// `first_activation_time`: set once, when first current or ramping.
    pub first_activation_ms: Option<u64>,
    /// `last_current_time`.
    pub last_current_ms: Option<u64>,
    /// `last_deactivation_time`.
    pub last_deactivation_ms: Option<u64>,
    /// `task_queue_families`: each registered task-queue name with its types.
    pub task_queues: BTreeMap<String, BTreeSet<TaskQueueType>>,
    /// The version data's own revision number (pushed to the task queues).
    pub revision: i64,
    /// `create_request_id`, set only by create-version.
    pub create_request_id: String,
}

impl VersionInfo {
    pub(crate) fn new(key: VersionKey, now_ms: u64, status: VersionStatus) -> Self {
        Self {
            key,
            create_time_ms: now_ms,
            status,
            drainage: None,
            routing_update_ms: None,
            current_since_ms: None,
            ramping_since_ms: None,
            ramp_percentage: 0.0,
            first_activation_ms: None,
            last_current_ms: None,
            last_deactivation_ms: None,
            task_queues: BTreeMap::new(),
            revision: 0,
            create_request_id: String::new(),
        }
    }

    /// Whether the version's workers registered task queue `name` with type `kind`.
    pub fn has_task_queue(&self, name: &str, kind: TaskQueueType) -> bool {
        self.task_queues
            .get(name)
            .is_some_and(|t| t.contains(&kind))
    }

    /// Every registered `(name, type)` pair.
    pub fn task_queue_pairs(&self) -> impl Iterator<Item = (&str, TaskQueueType)> {
        self.task_queues
            .iter()
            .flat_map(|(name, kinds)| kinds.iter().map(move |k| (name.as_str(), *k)))
    }

    /// Whether the drainage info says draining.
    pub fn is_draining(&self) -> bool {
        self.drainage
            .is_some_and(|d| d.status == DrainageStatus::Draining)
    }
}
