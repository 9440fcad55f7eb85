//! How a routing change reaches versions and task queues (specification.md section B.4 effects, specification.md section D.1, specification.md section D.4),
//! and the additions and deletions of versions that several operations share (version GC,
//! specification.md section C.3). The model propagates at once; only the confirmation
//! (`propagation-complete`) is an event. Every write to a task queue's data goes through
//! [`Deployments::write_user_data`], which bumps its clock when it changed something.

use crate::clock::Hlc;
use crate::deployments::Deployments;
use crate::error::Error;
use crate::facts::Facts;
use crate::ids::VersionKey;
use crate::queue_key::TaskQueueType;
use crate::state::{DrainageInfo, DrainageStatus, RoutingConfig, VersionInfo, VersionStatus};
use crate::task_queue::{TaskQueueUserData, VersionData};

/// `findNewVersionStatusFromRoutingConfig` and `updateStateFromRoutingConfig`: the
/// version's status and times under `rc`. Returns whether the status changed.
fn follow_routing(v: &mut VersionInfo, rc: &RoutingConfig, now_ms: u64) -> bool {
    let build = v.key.build_id().to_owned();
    let old = v.status;
    if rc.is_current(&build) {
        if old != VersionStatus::Current {
            v.current_since_ms = rc.current_changed_ms;
            v.last_current_ms = rc.current_changed_ms;
            v.routing_update_ms = rc.current_changed_ms;
            v.ramping_since_ms = None;
            v.ramp_percentage = 0.0;
            v.first_activation_ms.get_or_insert(now_ms);
            v.drainage = None;
            v.last_deactivation_ms = None;
            v.status = VersionStatus::Current;
        }
    } else if rc.is_ramping(&build) {
        if old != VersionStatus::Ramping {
            v.ramping_since_ms = rc.ramping_changed_ms;
            v.current_since_ms = None;
            v.first_activation_ms.get_or_insert(now_ms);
            v.drainage = None;
            v.last_deactivation_ms = None;
            v.status = VersionStatus::Ramping;
        }
        v.ramp_percentage = rc.percentage;
        v.routing_update_ms = rc.percentage_changed_ms;
    } else if matches!(old, VersionStatus::Current | VersionStatus::Ramping) {
        let last = [
            rc.current_changed_ms,
            rc.ramping_changed_ms,
            rc.percentage_changed_ms,
        ]
        .into_iter()
        .flatten()
        .max();
        v.routing_update_ms = last;
        // `handleSyncState`: the deactivation time is the update's own time.
        v.last_deactivation_ms = Some(now_ms);
        v.current_since_ms = None;
        v.ramping_since_ms = None;
        v.ramp_percentage = 0.0;
        v.status = VersionStatus::Draining;
        if v.drainage.is_none() {
            v.drainage = Some(DrainageInfo {
                status: DrainageStatus::Draining,
                last_changed_ms: now_ms,
                last_checked_ms: now_ms,
            });
        }
    }
    v.status != old
}

impl Deployments {
    /// One write to task queue `name`'s user data (`SyncDeploymentUserData`, one call per
    /// task queue name with all its types): `write` changes the data and says whether it
    /// did. Unchanged, nothing is written and a record that did not exist is not made;
    /// changed, the clock is bumped to `Next(clock or Zero(local cluster), now)` (rule
    /// `replication.clock-bump`, specification.md section F.1).
    pub(crate) fn write_user_data(
        &mut self,
        name: &str,
        now_ms: u64,
        write: impl FnOnce(&mut TaskQueueUserData) -> bool,
    ) {
        let cluster = self.cluster_id;
        let data = self.task_queues.entry(name.to_owned()).or_default();
        if write(data) {
            data.clock = Some(data.clock.unwrap_or(Hlc::zero(cluster)).next(now_ms));
        } else if data.clock.is_none() && data.per_type.is_empty() {
            self.task_queues.remove(name);
        }
    }

    /// `syncVersion`: the deployment's routing config goes to version `build`, which
    /// follows it, and through it to its task queues; the revision is then propagating.
    pub(crate) fn push_routing(&mut self, name: &str, build: &str, now_ms: u64) {
        let Some(d) = self.deployments.get_mut(name) else {
            return;
        };
        let rc = d.routing.clone();
        let Some(v) = d.versions.get_mut(build) else {
            return;
        };
        if follow_routing(v, &rc, now_ms) {
            v.revision += 1;
        }
        d.propagating
            .entry(build.to_owned())
            .or_default()
            .insert(rc.revision);
        self.push_version_data(name, build, Some(&rc), now_ms);
    }

    /// Push a version's data (and optionally a routing config) to each of its task queues.
    pub(crate) fn push_version_data(
        &mut self,
        name: &str,
        build: &str,
        rc: Option<&RoutingConfig>,
        now_ms: u64,
    ) {
        let Some(v) = self.version(&VersionKey::new(name, build)) else {
            return;
        };
        let data = VersionData {
            revision: v.revision,
            update_time_ms: now_ms,
            deleted: false,
            status: v.status,
        };
        let queues: Vec<(String, Vec<TaskQueueType>)> = v
            .task_queues
            .iter()
            .map(|(tq, kinds)| (tq.clone(), kinds.iter().copied().collect()))
            .collect();
        for (tq, kinds) in queues {
            self.write_user_data(&tq, now_ms, |u| {
                let mut changed = false;
                for kind in kinds {
                    changed |=
                        u.per_type
                            .entry(kind)
                            .or_default()
                            .apply(name, rc, Some((build, data)));
                }
                changed
            });
        }
    }

    /// `addVersionToWorkerDeployment`: nothing if present; at the cap, version GC first.
    /// Returns whether the version was added.
    pub(crate) fn add_version(
        &mut self,
        key: &VersionKey,
        status: VersionStatus,
        now_ms: u64,
        facts: &impl Facts,
    ) -> Result<bool, Error> {
        let limit = self.limits.max_versions_in_deployment;
        let Some(d) = self.deployments.get(key.deployment_name()) else {
            return Ok(false);
        };
        if d.versions.contains_key(key.build_id()) {
            return Ok(false);
        }
        if d.versions.len() >= limit
            && !self.collect_one_version(key.deployment_name(), now_ms, facts)
        {
            return Err(Error::TooManyVersions {
                version: key.v31(),
                limit,
            });
        }
        if let Some(d) = self.deployments.get_mut(key.deployment_name()) {
            d.versions.insert(
                key.build_id().to_owned(),
                VersionInfo::new(key.clone(), now_ms, status),
            );
        }
        Ok(true)
    }

    /// Whether version GC may take this version (and its manager delete it, `plan`'s
    /// "deletable"): neither current nor ramping (manager
    /// ignored), not draining, no pollers (`validateDeleteVersion` with `server_delete`,
    /// then the version's own delete without skip-drainage).
    pub(crate) fn collectable(
        &self,
        v: &VersionInfo,
        rc: &RoutingConfig,
        facts: &impl Facts,
    ) -> bool {
        let build = v.key.build_id();
        !rc.is_current(build)
            && !rc.is_ramping(build)
            && !v.is_draining()
            && !facts.has_pollers(&v.key)
    }

    /// `tryDeleteVersion`: delete the first collectable version in ascending create time
    /// (ties by build ID). Returns whether one was deleted.
    fn collect_one_version(&mut self, name: &str, now_ms: u64, facts: &impl Facts) -> bool {
        let Some(d) = self.deployments.get(name) else {
            return false;
        };
        let mut order: Vec<&VersionInfo> = d.versions.values().collect();
        order.sort_by(|a, b| {
            a.create_time_ms
                .cmp(&b.create_time_ms)
                .then_with(|| a.key.cmp(&b.key))
        });
        let victim = order
            .into_iter()
            .find(|v| self.collectable(v, &d.routing, facts))
            .map(|v| v.key.build_id().to_owned());
        match victim {
            Some(build) => {
                self.remove_version(name, &build, now_ms);
                true
            }
            None => false,
        }
    }

    /// The deletion's effects: each of the version's task queues forgets it
    /// (`forget_versions`; a queue left with no version of the deployment drops the
    /// deployment's entry, routing config included), and the version and its propagating
    /// revisions are gone. Each task queue name is one write at `now_ms`.
    pub(crate) fn remove_version(&mut self, name: &str, build: &str, now_ms: u64) {
        let Some(d) = self.deployments.get_mut(name) else {
            return;
        };
        let Some(v) = d.versions.remove(build) else {
            return;
        };
        d.propagating.remove(build);
        for (tq, kinds) in &v.task_queues {
            self.write_user_data(tq, now_ms, |u| {
                let mut changed = false;
                for kind in kinds {
                    if let Some(q) = u.per_type.get_mut(kind) {
                        changed |= q.forget(name, build);
                    }
                }
                changed
            });
        }
    }
}
