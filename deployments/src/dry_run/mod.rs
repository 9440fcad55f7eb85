//! Dry runs of the user writes (specification.md section B.4–B.8): a change applied to a
//! copy, with the server's answer and what it changes (routing, statuses, the task queues'
//! views, the manager), the state itself untouched. With the `serde` feature,
//! [`ShownState`] builds the state from what Temporal's tools print.

#[cfg(feature = "serde")]
mod shown_state;

#[cfg(feature = "serde")]
pub use shown_state::{
    Assumed, Assumptions, Pollers, ShownDryRun, ShownState, StateError, Traffic, Unknown,
};

use std::collections::BTreeSet;

use crate::deployments::Deployments;
use crate::error::Error;
use crate::facts::Facts;
use crate::ids::VersionKey;
use crate::ops::{DeleteDeployment, DeleteVersion, Outcome, SetCurrent, SetCurrentResponse};
use crate::ops::{SetManager, SetManagerResponse, SetRamping, SetRampingResponse};
use crate::queue_key::TaskQueueKey;
use crate::routing::QueueView;
use crate::state::{RoutingConfig, VersionStatus};

/// One user write, as its request.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Change {
    /// `SetWorkerDeploymentCurrentVersion` (specification.md section B.4).
    SetCurrent(SetCurrent),
    /// `SetWorkerDeploymentRampingVersion` (specification.md section B.5).
    SetRamping(SetRamping),
    /// `DeleteWorkerDeploymentVersion` (specification.md section B.6).
    DeleteVersion(DeleteVersion),
    /// `DeleteWorkerDeployment` (specification.md section B.7).
    DeleteDeployment(DeleteDeployment),
    /// `SetWorkerDeploymentManager` (specification.md section B.8).
    SetManager(SetManager),
}

impl Change {
    /// The deployment the request names (for a delete-version by its deprecated version
    /// string, the part before the first `.` or `:`).
    pub fn deployment_name(&self) -> String {
        match self {
            Self::SetCurrent(r) => r.deployment_name.clone(),
            Self::SetRamping(r) => r.deployment_name.clone(),
            Self::DeleteVersion(r) if r.deployment_name.is_empty() && r.build_id.is_empty() => {
                match VersionKey::parse(&r.version) {
                    Ok(Some(v)) => v.deployment_name().to_owned(),
                    _ => String::new(),
                }
            }
            Self::DeleteVersion(r) => r.deployment_name.clone(),
            Self::DeleteDeployment(r) => r.deployment_name.clone(),
            Self::SetManager(r) => r.deployment_name.clone(),
        }
    }
}

/// What the server answers an accepted change with.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Answer {
    /// Set-current's response.
    SetCurrent(SetCurrentResponse),
    /// Set-ramping's response.
    SetRamping(SetRampingResponse),
    /// Delete-version: changed, or a no-op for a version the deployment does not have.
    DeleteVersion(Outcome),
    /// Delete-deployment: changed, or a no-op for a missing deployment.
    DeleteDeployment(Outcome),
    /// Set-manager's response.
    SetManager(SetManagerResponse),
}

impl Answer {
    /// Whether the state changed or the call was a no-op.
    pub fn outcome(&self) -> Outcome {
        match self {
            Self::SetCurrent(r) => r.outcome,
            Self::SetRamping(r) => r.outcome,
            Self::DeleteVersion(o) | Self::DeleteDeployment(o) => *o,
            Self::SetManager(r) => r.outcome,
        }
    }
}

/// A value before and after the change.
#[derive(Debug, Clone, PartialEq)]
pub struct Before<T> {
    /// Before the change.
    pub before: T,
    /// After it (equal to `before` when the change was refused).
    pub after: T,
}

impl<T: PartialEq> Before<T> {
    /// Whether the value changed.
    pub fn changed(&self) -> bool {
        self.before != self.after
    }
}

/// A version whose status the change moves; `None` is "no such version" (deleted, or
/// created by the change).
#[derive(Debug, Clone, PartialEq)]
pub struct StatusChange {
    /// The version.
    pub version: VersionKey,
    /// Its status before and after.
    pub status: Before<Option<VersionStatus>>,
}

/// A task queue whose routing the change moves.
#[derive(Debug, Clone, PartialEq)]
pub struct QueueChange {
    /// The task queue and type.
    pub task_queue: TaskQueueKey,
    /// What it routes to before and after (specification.md section E.1).
    pub view: Before<QueueView>,
}

impl QueueChange {
    /// Whether new workflows there went to a version before and go to unversioned workers
    /// after: the queue "becomes unversioned" (the risk the missing-task-queue check of
    /// specification.md section B.4.1 guards).
    pub fn becomes_unversioned(&self) -> bool {
        self.view.before.current.is_some() && self.view.after.current.is_none()
    }
}

/// A change's dry run: the server's answer and what would change. When the answer is an
/// error, nothing changes (the server's own exceptions aside: with `allow_no_pollers` a
/// version created before a later refusal stays, `ops.side-effects-stay`).
#[derive(Debug, Clone, PartialEq)]
pub struct DryRun {
    /// The answer: the response, or the error with its code ([`Error::code`]) and its
    /// message (`Display`).
    pub answer: Result<Answer, Error>,
    /// The deployment the change names.
    pub deployment: String,
    /// Its routing config (`None`: no such deployment).
    pub routing: Before<Option<RoutingConfig>>,
    /// Its manager identity (`None`: no such deployment).
    pub manager: Before<Option<String>>,
    /// The versions whose status moves, by version.
    pub statuses: Vec<StatusChange>,
    /// The task queues whose view moves, by queue.
    pub task_queues: Vec<QueueChange>,
}

impl DryRun {
    /// The task queues that went to a version before and go to unversioned workers after.
    pub fn unversioned_task_queues(&self) -> impl Iterator<Item = &TaskQueueKey> {
        self.task_queues
            .iter()
            .filter(|q| q.becomes_unversioned())
            .map(|q| &q.task_queue)
    }
}

impl Deployments {
    /// The change applied to a copy of this state at `now_ms`, with `facts`: the server's
    /// answer and what it changes. `self` is never changed.
    ///
    /// # Example
    /// Promote the ramping version: the ramp is cleared, b1 drains.
    /// ```
    /// use worker_deployments::{
    ///     Change, Deployments, Limits, Observed, Poller, SetCurrent, SetRamping,
    ///     TaskQueueType, VersionKey, VersionStatus,
    /// };
    ///
    /// let mut ns = Deployments::new(Limits::SERVER_DEFAULT);
    /// let facts = Observed::default();
    /// for build in ["b1", "b2"] {
    ///     ns.register(&Poller::new("D", build, "tq", TaskQueueType::Workflow), 1_000, &facts)?;
    /// }
    /// ns.set_current(&SetCurrent::new("D", "b1", "ci"), 2_000, &facts)?;
    /// ns.set_ramping(&SetRamping::new("D", "b2", 10.0, "ci"), 3_000, &facts)?;
    /// let before = ns.clone();
    ///
    /// let run = ns.dry_run(&Change::SetCurrent(SetCurrent::new("D", "b2", "ci")), 4_000, &facts);
    /// assert!(run.answer.is_ok());
    /// let after = run.routing.after.as_ref().unwrap();
    /// assert_eq!((after.current.clone(), after.percentage), (Some(VersionKey::new("D", "b2")), 0.0));
    /// let moved: Vec<_> = run.statuses.iter().map(|s| (s.version.to_string(), s.status.after)).collect();
    /// assert_eq!(moved, [
    ///     ("D:b1".to_owned(), Some(VersionStatus::Draining)),
    ///     ("D:b2".to_owned(), Some(VersionStatus::Current)),
    /// ]);
    /// assert_eq!(ns, before);
    /// # Ok::<(), worker_deployments::Error>(())
    /// ```
    pub fn dry_run(&self, change: &Change, now_ms: u64, facts: &impl Facts) -> DryRun {
        let mut copy = self.clone();
        let answer = match change {
            Change::SetCurrent(r) => copy.set_current(r, now_ms, facts).map(Answer::SetCurrent),
            Change::SetRamping(r) => copy.set_ramping(r, now_ms, facts).map(Answer::SetRamping),
            Change::DeleteVersion(r) => copy
                .delete_version(r, now_ms, facts)
                .map(Answer::DeleteVersion),
            Change::DeleteDeployment(r) => copy.delete_deployment(r).map(Answer::DeleteDeployment),
            Change::SetManager(r) => copy.set_manager(r, now_ms).map(Answer::SetManager),
        };
        let name = change.deployment_name();
        let routing_of = |ns: &Self| ns.deployment(&name).map(|d| d.routing.clone());
        let manager_of = |ns: &Self| ns.deployment(&name).map(|d| d.manager_identity.clone());
        DryRun {
            answer,
            routing: Before {
                before: routing_of(self),
                after: routing_of(&copy),
            },
            manager: Before {
                before: manager_of(self),
                after: manager_of(&copy),
            },
            statuses: statuses(self, &copy, &name),
            task_queues: queues(self, &copy),
            deployment: name,
        }
    }
}

/// The versions of deployment `name` whose status differs between `a` and `b`.
fn statuses(a: &Deployments, b: &Deployments, name: &str) -> Vec<StatusChange> {
    let builds = |ns: &Deployments| -> BTreeSet<String> {
        ns.deployment(name)
            .map(|d| d.versions.keys().cloned().collect())
            .unwrap_or_default()
    };
    let mut all = builds(a);
    all.extend(builds(b));
    all.into_iter()
        .filter_map(|build| {
            let version = VersionKey::new(name, &build);
            let status = Before {
                before: a.version(&version).map(|v| v.status),
                after: b.version(&version).map(|v| v.status),
            };
            status.changed().then_some(StatusChange { version, status })
        })
        .collect()
}

/// Whether two views route alike: the same current, ramp and percentage (the revisions
/// they came with aside).
fn same_routes(a: &QueueView, b: &QueueView) -> bool {
    a.current == b.current
        && a.ramping == b.ramping
        && a.is_ramping == b.is_ramping
        && (a.percentage == b.percentage || (a.percentage.is_nan() && b.percentage.is_nan()))
}

/// The task queues whose view differs between `a` and `b`.
fn queues(a: &Deployments, b: &Deployments) -> Vec<QueueChange> {
    let mut keys: BTreeSet<TaskQueueKey> = a.task_queues().map(|(key, _)| key).collect();
    keys.extend(b.task_queues().map(|(key, _)| key));
    keys.into_iter()
        .filter_map(|key| {
            let view = Before {
                before: a.task_queue_view(&key),
                after: b.task_queue_view(&key),
            };
            (!same_routes(&view.before, &view.after)).then_some(QueueChange {
                task_queue: key,
                view,
            })
        })
        .collect()
}
