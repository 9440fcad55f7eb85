//! The one invariant checker: [`Deployments::validate`].

use crate::clock::wall;
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
    /// - `user-data.clock`: every task queue's data has a clock, at or after the time of
    ///   every version push it holds (every write bumps it to at least its time).
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
                    if !self.task_queue(&key).is_some_and(|q| q.has_version(&v.key)) {
                        find(
                            "task-queue.membership",
                            format!("{} not in {tq} {kind}", v.key),
                        );
                    }
                }
            }
        }
        for (tq, u) in &self.task_queues {
            let last_push = u
                .per_type
                .values()
                .flat_map(|q| q.deployments.values())
                .flat_map(|d| d.versions.values())
                .map(|data| wall(data.update_time_ms))
                .max();
            match (u.clock, last_push) {
                (None, _) => find("user-data.clock", format!("{tq} has data and no clock")),
                (Some(clock), Some(pushed)) if clock.wall_clock < pushed => find(
                    "user-data.clock",
                    format!("{tq}'s clock {clock} is behind a push at {pushed}"),
                ),
                _ => {}
            }
        }
        for (key, q) in self.task_queues() {
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

#[cfg(test)]
mod tests {
    use crate::clock::Hlc;
    use crate::deployments::Deployments;
    use crate::facts::Observed;
    use crate::limits::Limits;
    use crate::queue_key::TaskQueueType;
    use crate::register::Poller;

    fn registered() -> Deployments {
        let mut ns = Deployments::new(Limits::SERVER_DEFAULT).with_cluster_id(1);
        let poller = Poller::new("D", "b1", "tq", TaskQueueType::Workflow);
        assert!(ns.register(&poller, 5_000, &Observed::default()).is_ok());
        assert!(ns.validate().is_empty());
        ns
    }

    fn rules(ns: &Deployments) -> Vec<(&'static str, String)> {
        ns.validate()
            .into_iter()
            .map(|f| (f.rule, f.detail))
            .collect()
    }

    #[test]
    fn a_clock_behind_a_push_is_found() {
        let mut ns = registered();
        if let Some(u) = ns.task_queues.get_mut("tq") {
            u.clock = Some(Hlc {
                wall_clock: 4_999,
                version: 9,
                cluster_id: 1,
            });
        }
        assert_eq!(
            rules(&ns),
            [(
                "user-data.clock",
                "tq's clock (4999, 9, 1) is behind a push at 5000".to_owned()
            )]
        );
    }

    #[test]
    fn data_with_no_clock_is_found() {
        let mut ns = registered();
        if let Some(u) = ns.task_queues.get_mut("tq") {
            u.clock = None;
        }
        assert_eq!(
            rules(&ns),
            [("user-data.clock", "tq has data and no clock".to_owned())]
        );
    }
}
