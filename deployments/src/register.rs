//! Registration by pollers (specification.md section C.2) with its caps, in the server's order, and version
//! GC at the deployment's cap (specification.md section C.3, in `sync.rs`).

use crate::checks::validate_field;
use crate::deployments::Deployments;
use crate::error::Error;
use crate::facts::Facts;
use crate::ids::{Field, VersionKey};
use crate::ops::Outcome;
use crate::queue_key::{TaskQueueKey, TaskQueueType};
use crate::state::{AUTO_CREATE_PREFIX, VersionStatus};

/// A versioned poller: the version it runs and the task queue it polls.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Poller {
    /// The version.
    pub version: VersionKey,
    /// The task queue and type it polls.
    pub task_queue: TaskQueueKey,
}

impl Poller {
    /// A poller of `build_id` in `deployment_name`, on `task_queue` of type `kind`.
    pub fn new(
        deployment_name: &str,
        build_id: &str,
        task_queue: &str,
        kind: TaskQueueType,
    ) -> Self {
        Self {
            version: VersionKey::new(deployment_name, build_id),
            task_queue: TaskQueueKey::new(task_queue, kind),
        }
    }
}

/// The proto number of a task-queue type, as the auto-create request ID spells it.
const fn type_number(kind: TaskQueueType) -> u8 {
    match kind {
        TaskQueueType::Workflow => 1,
        TaskQueueType::Activity => 2,
        TaskQueueType::Nexus => 3,
    }
}

impl Deployments {
    /// A versioned poll: register the version in the task queue if it is not a member.
    ///
    /// # Errors
    /// In the server's order: an empty name or build ID, the name's and build ID's
    /// checks; more than
    /// `max_versions_in_task_queue` versions in the queue; the namespace cap for a new
    /// deployment; the version cap when GC frees nothing; the version's task-queue cap for
    /// a new `(name, type)` pair. As on the server, a deployment or version added before a
    /// later refusal stays (`register.side-effects-stay`).
    ///
    /// # Example
    /// ```
    /// use worker_deployments::{Deployments, Limits, Observed, Outcome, Poller, TaskQueueType};
    ///
    /// let mut ns = Deployments::new(Limits::SERVER_DEFAULT);
    /// let poll = Poller::new("D", "b1", "tq", TaskQueueType::Workflow);
    /// assert_eq!(ns.register(&poll, 1_000, &Observed::default())?, Outcome::Changed);
    /// assert_eq!(ns.register(&poll, 2_000, &Observed::default())?, Outcome::NoOp);
    /// assert!(ns.deployment("D").unwrap().auto_created());
    /// # Ok::<(), worker_deployments::Error>(())
    /// ```
    pub fn register(
        &mut self,
        poller: &Poller,
        now_ms: u64,
        facts: &impl Facts,
    ) -> Result<Outcome, Error> {
        let key = &poller.version;
        let tq = &poller.task_queue;
        if key.deployment_name().is_empty() || key.build_id().is_empty() {
            return Err(Error::NameAndBuildTogether);
        }
        let max = self.limits.max_id_length;
        validate_field(Field::DeploymentName, key.deployment_name(), max)?;
        validate_field(Field::BuildId, key.build_id(), max)?;
        let data = self.task_queue(tq);
        if data.is_some_and(|d| d.has_version(key)) {
            return Ok(Outcome::NoOp);
        }
        let limit = self.limits.max_versions_in_task_queue;
        if data.is_some_and(|d| d.count_versions() > limit) {
            return Err(Error::TooManyVersionsInTaskQueue { limit });
        }
        let request_id = format!(
            "{AUTO_CREATE_PREFIX}{}-{}-{}",
            farmhash::fingerprint64(key.build_id().as_bytes()),
            farmhash::fingerprint64(tq.name.as_bytes()),
            type_number(tq.kind)
        );
        self.start_deployment(key.deployment_name(), &request_id, now_ms)?;
        self.add_version(key, VersionStatus::Inactive, now_ms, facts)?;
        let limit = self.limits.max_task_queues_in_version;
        let Some(d) = self.deployments.get_mut(key.deployment_name()) else {
            return Ok(Outcome::Changed);
        };
        let rc = d.routing.clone();
        let Some(v) = d.versions.get_mut(key.build_id()) else {
            return Ok(Outcome::Changed);
        };
        if !v.has_task_queue(&tq.name, tq.kind) {
            if v.task_queues.len() >= limit {
                return Err(Error::TooManyTaskQueues {
                    task_queue: tq.name.clone(),
                    limit,
                });
            }
            v.task_queues
                .entry(tq.name.clone())
                .or_default()
                .insert(tq.kind);
        }
        if v.status == VersionStatus::Created {
            v.status = VersionStatus::Inactive;
            v.revision += 1;
        }
        let version = crate::task_queue::VersionData {
            revision: v.revision,
            update_time_ms: now_ms,
            deleted: false,
            status: v.status,
        };
        self.write_user_data(&tq.name, now_ms, |u| {
            u.per_type.entry(tq.kind).or_default().apply(
                key.deployment_name(),
                Some(&rc),
                Some((key.build_id(), version)),
            )
        });
        self.debug_check();
        Ok(Outcome::Changed)
    }
}
