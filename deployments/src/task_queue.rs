//! Each task queue's copy of the deployment data (specification.md section A.6): per
//! task-queue type, under the clock of the task queue's user data; and how a push from a
//! version is applied to it (specification.md section F.1). Only the current format
//! (`deployments_data`, workflow version 2) is modelled.

use std::collections::BTreeMap;

use crate::clock::Hlc;
use crate::ids::VersionKey;
use crate::queue_key::TaskQueueType;
use crate::state::{RoutingConfig, VersionStatus};

/// `TaskQueueUserData`, the part this model keeps: one task queue name's deployment data
/// of every type, and the hybrid logical clock of the user data that holds them.
///
/// It is what a cluster replicates to the others, and what
/// [`receive`](Self::receive) (specification.md section F.2) decides between.
///
/// # Example
/// ```
/// use worker_deployments::{Deployments, Hlc, Limits, Observed, Poller, TaskQueueType};
///
/// let mut ns = Deployments::new(Limits::SERVER_DEFAULT).with_cluster_id(1);
/// ns.register(&Poller::new("D", "b1", "tq", TaskQueueType::Activity), 1_000, &Observed::default())?;
/// let data = ns.user_data("tq").unwrap();
/// assert_eq!(data.clock, Some(Hlc { wall_clock: 1_000, version: 0, cluster_id: 1 }));
/// assert!(data.per_type.contains_key(&TaskQueueType::Activity));
/// # Ok::<(), worker_deployments::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct TaskQueueUserData {
    /// The user data's clock: bumped by every local write that changes it, `None` before
    /// the first (and kept by a received replica, rule `replication.clock-kept`).
    pub clock: Option<Hlc>,
    /// The deployment data of each task-queue type (`per_type`).
    pub per_type: BTreeMap<TaskQueueType, TaskQueueData>,
}

/// `WorkerDeploymentVersionData`: a version's membership and status in a task queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct VersionData {
    /// The version's own revision when this was pushed.
    pub revision: i64,
    /// When it was pushed (Unix milliseconds).
    pub update_time_ms: u64,
    /// A deleted version is no member.
    pub deleted: bool,
    /// The version's status.
    pub status: VersionStatus,
}

/// `WorkerDeploymentData`: one deployment's routing config as last pushed to the queue,
/// and its versions in the queue.
#[derive(Debug, Clone, PartialEq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct QueueDeployment {
    /// The routing config last applied (revision-gated).
    pub routing: RoutingConfig,
    /// The versions, by build ID.
    pub versions: BTreeMap<String, VersionData>,
}

/// `DeploymentData` of one task queue type: per deployment name.
#[derive(Debug, Clone, PartialEq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct TaskQueueData {
    /// By deployment name.
    pub deployments: BTreeMap<String, QueueDeployment>,
}

impl TaskQueueData {
    /// `HasDeploymentVersion`: the version has an entry that is not deleted.
    pub fn has_version(&self, version: &VersionKey) -> bool {
        self.version_data(version).is_some_and(|d| !d.deleted)
    }

    /// The version's data in this queue, deleted or not.
    pub fn version_data(&self, version: &VersionKey) -> Option<&VersionData> {
        self.deployments
            .get(version.deployment_name())
            .and_then(|d| d.versions.get(version.build_id()))
    }

    /// `CountDeploymentVersions`: versions of every deployment, deleted ones left out.
    pub fn count_versions(&self) -> usize {
        self.deployments
            .values()
            .flat_map(|d| d.versions.values())
            .filter(|v| !v.deleted)
            .count()
    }

    /// `forget_versions` (`removeDeploymentVersions`): the build leaves the deployment's
    /// versions here, and a deployment left with none leaves the queue. Returns whether
    /// anything changed.
    pub(crate) fn forget(&mut self, deployment: &str, build: &str) -> bool {
        let Some(d) = self.deployments.get_mut(deployment) else {
            return false;
        };
        if d.versions.remove(build).is_none() {
            return false;
        }
        if d.versions.is_empty() {
            self.deployments.remove(deployment);
        }
        true
    }

    /// `SyncDeploymentUserData` for one deployment: the routing config is applied only if
    /// its revision is strictly greater than the stored one; the version data unless the
    /// stored revision is greater (equal is accepted). Returns whether anything changed
    /// (specification.md section F.1: "unchanged: no write").
    pub(crate) fn apply(
        &mut self,
        deployment: &str,
        routing: Option<&RoutingConfig>,
        version: Option<(&str, VersionData)>,
    ) -> bool {
        let mut changed = !self.deployments.contains_key(deployment);
        let entry = self.deployments.entry(deployment.to_owned()).or_default();
        if let Some(rc) = routing
            && rc.revision > entry.routing.revision
        {
            entry.routing = rc.clone();
            changed = true;
        }
        if let Some((build, data)) = version {
            let old = entry.versions.get(build);
            let stale = old.is_some_and(|old| old.revision > data.revision);
            if !stale && old != Some(&data) {
                entry.versions.insert(build.to_owned(), data);
                changed = true;
            }
        }
        changed
    }
}
