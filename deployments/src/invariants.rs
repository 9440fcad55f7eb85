//! The one invariant checker: [`Deployments::validate`].

use crate::deployments::Deployments;
use crate::ids::VersionKey;
use crate::queue_key::TaskQueueKey;
use crate::state::{DrainageStatus, VersionStatus};

/// One broken invariant: a stable rule name and what was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The invariant, e.g. `status.follows-routing`.
    pub rule: &'static str,
    /// What breaks it.
    pub detail: String,
}

impl Deployments {
    /// In debug builds, after every mutation: the operations keep every invariant.
    pub(crate) fn debug_check(&self) {
        debug_assert!(self.validate().is_empty(), "{:?}", self.validate());
    }

    /// Every broken invariant; empty for any value the operations produce.
    ///
    /// - `deployment.keys`: each deployment and version sits under its own name.
    /// - `routing.known-versions`: the current and ramping versions are versions of the
    ///   deployment.
    /// - `status.follows-routing`: a version is CURRENT exactly when current, RAMPING
    ///   exactly when ramping.
    /// - `drainage.matches-status`: DRAINING and DRAINED versions carry the same drainage
    ///   status, and current or ramping ones none.
    /// - `task-queue.membership`: a version's registered task queues hold it, and a
    ///   queue's live entries are registered versions.
    /// - `propagation.revisions`: no propagating revision is newer than the config.
    ///
    /// # Example
    /// ```
    /// use worker_deployments::{Deployments, Limits};
    ///
    /// assert!(Deployments::new(Limits::SERVER_DEFAULT).validate().is_empty());
    /// ```
    pub fn validate(&self) -> Vec<Finding> {
        let mut out = Vec::new();
        let mut find = |rule, detail: String| out.push(Finding { rule, detail });
        for (name, d) in &self.deployments {
            if &d.name != name {
                find(
                    "deployment.keys",
                    format!("deployment {} under {name}", d.name),
                );
            }
            let rc = &d.routing;
            for v in [rc.current.as_ref(), rc.ramping.version()]
                .into_iter()
                .flatten()
            {
                if v.deployment_name() != name || !d.versions.contains_key(v.build_id()) {
                    find("routing.known-versions", format!("{v} in {name}'s routing"));
                }
            }
            if d.propagating.values().flatten().any(|r| *r > rc.revision) {
                find(
                    "propagation.revisions",
                    format!("{name} propagates past {}", rc.revision),
                );
            }
            for (build, v) in &d.versions {
                if v.key != VersionKey::new(name.as_str(), build.as_str()) {
                    find(
                        "deployment.keys",
                        format!("version {} under {name}:{build}", v.key),
                    );
                }
                let current = rc.is_current(build);
                let ramping = rc.is_ramping(build);
                if current != (v.status == VersionStatus::Current)
                    || ramping != (v.status == VersionStatus::Ramping)
                {
                    find(
                        "status.follows-routing",
                        format!("{} is {}", v.key, v.status),
                    );
                }
                let drainage = v.drainage.map(|i| i.status);
                let expected = match v.status {
                    VersionStatus::Draining => Some(Some(DrainageStatus::Draining)),
                    VersionStatus::Drained => Some(Some(DrainageStatus::Drained)),
                    VersionStatus::Current | VersionStatus::Ramping => Some(None),
                    _ => None,
                };
                if expected.is_some_and(|e| e != drainage) {
                    find(
                        "drainage.matches-status",
                        format!("{} is {} with {drainage:?}", v.key, v.status),
                    );
                }
                for (tq, kind) in v.task_queue_pairs() {
                    let key = TaskQueueKey::new(tq, kind);
                    if !self
                        .task_queues
                        .get(&key)
                        .is_some_and(|q| q.has_version(&v.key))
                    {
                        find(
                            "task-queue.membership",
                            format!("{} not in {tq} {kind}", v.key),
                        );
                    }
                }
            }
        }
        for (key, q) in &self.task_queues {
            for (name, qd) in &q.deployments {
                for (build, data) in &qd.versions {
                    let registered = self
                        .version(&VersionKey::new(name.as_str(), build.as_str()))
                        .is_some_and(|v| v.has_task_queue(&key.name, key.kind));
                    if !data.deleted && !registered {
                        find(
                            "task-queue.membership",
                            format!("{name}:{build} in {} {} unregistered", key.name, key.kind),
                        );
                    }
                }
            }
        }
        out
    }
}
