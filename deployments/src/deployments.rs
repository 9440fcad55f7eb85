//! [`Deployments`]: the one owner of a namespace's worker deployments and of every task
//! queue's copy of their data. Its operations live in the rooms that do the work (`ops/`,
//! `register`, `drainage`, `overrides`); this file holds the value and its getters.

use std::collections::BTreeMap;

use crate::ids::VersionKey;
use crate::limits::Limits;
use crate::queue_key::TaskQueueKey;
use crate::routing::QueueView;
use crate::state::{DeploymentInfo, UpdateState, VersionInfo};
use crate::task_queue::{TaskQueueData, TaskQueueUserData};

/// A namespace's Worker Deployments: the deployments with their versions and routing
/// configs, and each task queue's deployment data.
///
/// Not to be confused with the version-sets model's `Namespace`: this one holds the third
/// generation of worker versioning. Every change goes through a method that checks as the
/// server does and leaves the value untouched when it refuses (with the server's own
/// exceptions, named where they apply); time comes in as `now_ms` (Unix milliseconds),
/// and what the server learns from outside (pollers, backlog, open pinned workflows)
/// comes in as arguments.
///
/// Methods, by role:
/// - the cluster: [`with_cluster_id`](Self::with_cluster_id);
/// - getters: [`limits`](Self::limits), [`cluster_id`](Self::cluster_id),
///   [`deployment`](Self::deployment),
///   [`describe_deployment`](Self::describe_deployment),
///   [`describe_version`](Self::describe_version),
///   [`deployments`](Self::deployments), [`version`](Self::version),
///   [`task_queue`](Self::task_queue), [`task_queues`](Self::task_queues),
///   [`user_data`](Self::user_data), [`task_queue_view`](Self::task_queue_view),
///   [`update_state`](Self::update_state), [`validate`](Self::validate);
/// - user writes: [`set_current`](Self::set_current), [`set_ramping`](Self::set_ramping),
///   [`delete_version`](Self::delete_version),
///   [`delete_deployment`](Self::delete_deployment), [`set_manager`](Self::set_manager),
///   [`create_deployment`](Self::create_deployment),
///   [`create_version`](Self::create_version);
/// - events from workers and the clock: [`register`](Self::register),
///   [`check_drainage`](Self::check_drainage), [`reactivate`](Self::reactivate),
///   [`complete_propagation`](Self::complete_propagation);
/// - workflows: [`check_override`](Self::check_override), [`check_query`](Self::check_query)
///   and the routing functions
///   ([`route_new_workflow`](crate::route_new_workflow) and its siblings) over a
///   [`QueueView`].
///
/// # Example
/// ```
/// use worker_deployments::{Deployments, Limits, Observed, Poller, SetCurrent, TaskQueueType};
///
/// let mut ns = Deployments::new(Limits::SERVER_DEFAULT);
/// let facts = Observed::default();
/// ns.register(&Poller::new("D", "b1", "tq", TaskQueueType::Workflow), 1_000, &facts)?;
/// ns.set_current(&SetCurrent::new("D", "b1", "alice"), 2_000, &facts)?;
/// let d = ns.deployment("D").unwrap();
/// assert_eq!(d.routing.current_version_string(), "D.b1");
/// assert_eq!(d.routing.revision, 1);
/// # Ok::<(), worker_deployments::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Deployments {
    pub(crate) limits: Limits,
    /// The local cluster: the zero clock a task queue's first write counts from.
    pub(crate) cluster_id: i64,
    pub(crate) deployments: BTreeMap<String, DeploymentInfo>,
    /// Each task queue's user data, by task queue name (the server keeps one record per
    /// name, all types in it, under one clock).
    pub(crate) task_queues: BTreeMap<String, TaskQueueUserData>,
}

impl Deployments {
    /// An empty namespace with these caps and timers, on cluster 0.
    pub fn new(limits: Limits) -> Self {
        Self {
            limits,
            cluster_id: 0,
            deployments: BTreeMap::new(),
            task_queues: BTreeMap::new(),
        }
    }

    /// This namespace as cluster `cluster_id`'s copy: a task queue's first write is
    /// stamped from `Hlc::zero(cluster_id)` (rule `replication.clock-bump`); clocks already
    /// held keep their cluster, as `hlc.Next` does.
    ///
    /// # Example
    /// ```
    /// use worker_deployments::{Deployments, Limits};
    ///
    /// assert_eq!(Deployments::new(Limits::SERVER_DEFAULT).with_cluster_id(2).cluster_id(), 2);
    /// ```
    pub fn with_cluster_id(mut self, cluster_id: i64) -> Self {
        self.cluster_id = cluster_id;
        self
    }

    /// The caps and timers.
    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// The local cluster's ID (0 unless set by [`with_cluster_id`](Self::with_cluster_id)).
    pub fn cluster_id(&self) -> i64 {
        self.cluster_id
    }

    /// The deployment named `name`.
    pub fn deployment(&self, name: &str) -> Option<&DeploymentInfo> {
        self.deployments.get(name)
    }

    /// Every deployment, by name.
    pub fn deployments(&self) -> impl Iterator<Item = &DeploymentInfo> {
        self.deployments.values()
    }

    /// A version's state.
    pub fn version(&self, version: &VersionKey) -> Option<&VersionInfo> {
        self.deployments
            .get(version.deployment_name())
            .and_then(|d| d.versions.get(version.build_id()))
    }

    /// A task queue's deployment data of one type.
    pub fn task_queue(&self, key: &TaskQueueKey) -> Option<&TaskQueueData> {
        self.task_queues
            .get(&key.name)
            .and_then(|u| u.per_type.get(&key.kind))
    }

    /// Every task queue type with deployment data, in name then type order.
    pub fn task_queues(&self) -> impl Iterator<Item = (TaskQueueKey, &TaskQueueData)> {
        self.task_queues.iter().flat_map(|(name, u)| {
            u.per_type
                .iter()
                .map(|(kind, data)| (TaskQueueKey::new(name.as_str(), *kind), data))
        })
    }

    /// Task queue `name`'s user data: every type's deployment data and the clock, what
    /// this cluster replicates to the others (specification.md section F.2).
    pub fn user_data(&self, name: &str) -> Option<&TaskQueueUserData> {
        self.task_queues.get(name)
    }

    /// What the task queue routes to (specification.md section E.1); unversioned when it has no data.
    pub fn task_queue_view(&self, key: &TaskQueueKey) -> QueueView {
        self.task_queue(key)
            .map_or_else(QueueView::default, QueueView::of)
    }

    /// The deployment's `routing_config_update_state`.
    pub fn update_state(&self, name: &str) -> Option<UpdateState> {
        self.deployments.get(name).map(DeploymentInfo::update_state)
    }
}
