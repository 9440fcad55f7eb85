//! Drainage and reactivation (specification.md section D.2, specification.md section D.3), driven by the clock and by the count of
//! open pinned workflows, and the propagation confirmations (specification.md section D.4).

use crate::deployments::Deployments;
use crate::ids::VersionKey;
use crate::ops::Outcome;
use crate::state::{DrainageInfo, DrainageStatus, VersionStatus};

impl Deployments {
    /// Run every drainage check that is due at `now_ms`: a draining version's first check
    /// comes `drainage_grace_ms` after drainage started, later ones `drainage_refresh_ms`
    /// after the last. A check that counts no open pinned workflow
    /// (`open_pinned(version)`, the visibility count) makes the version drained. Returns
    /// the versions whose status changed.
    ///
    /// # Example
    /// ```
    /// use worker_deployments::{Deployments, Limits, Observed, Poller, SetCurrent, TaskQueueType, VersionStatus, VersionKey};
    ///
    /// let mut ns = Deployments::new(Limits::SHORT);
    /// let facts = Observed::default();
    /// for b in ["b1", "b2"] {
    ///     ns.register(&Poller::new("D", b, "tq", TaskQueueType::Workflow), 1_000, &facts)?;
    ///     ns.set_current(&SetCurrent::new("D", b, "me"), 2_000, &facts)?;
    /// }
    /// let b1 = VersionKey::new("D", "b1");
    /// assert_eq!(ns.version(&b1).unwrap().status, VersionStatus::Draining);
    /// assert!(ns.check_drainage(6_999, |_| 0).is_empty());
    /// assert_eq!(ns.check_drainage(7_000, |_| 0), vec![b1.clone()]);
    /// assert_eq!(ns.version(&b1).unwrap().status, VersionStatus::Drained);
    /// # Ok::<(), worker_deployments::Error>(())
    /// ```
    pub fn check_drainage(
        &mut self,
        now_ms: u64,
        open_pinned: impl Fn(&VersionKey) -> u64,
    ) -> Vec<VersionKey> {
        let (grace, refresh) = (
            self.limits.drainage_grace_ms,
            self.limits.drainage_refresh_ms,
        );
        let mut changed = Vec::new();
        for d in self.deployments.values_mut() {
            for v in d.versions.values_mut() {
                let Some(info) = v.drainage.as_mut() else {
                    continue;
                };
                if v.status != VersionStatus::Draining || info.status != DrainageStatus::Draining {
                    continue;
                }
                let wait = if info.last_checked_ms == info.last_changed_ms {
                    grace
                } else {
                    refresh
                };
                if now_ms < info.last_checked_ms.saturating_add(wait) {
                    continue;
                }
                info.last_checked_ms = now_ms;
                if open_pinned(&v.key) == 0 {
                    info.status = DrainageStatus::Drained;
                    info.last_changed_ms = now_ms;
                    v.status = VersionStatus::Drained;
                    v.revision += 1;
                    changed.push(v.key.clone());
                }
            }
        }
        for key in &changed {
            self.push_version_data(key.deployment_name(), key.build_id(), None, now_ms);
        }
        self.debug_check();
        changed
    }

    /// The drainage checks due by `until_ms` of the draining versions that still have open
    /// pinned workflows (`open_pinned(version) > 0`), when that count holds until then:
    /// each such check finds them and changes nothing but the time of the last check, so
    /// the last one's time is set at once, as `check_drainage` at each due time would set
    /// it. A version's checks come `drainage_grace_ms` after drainage started, then every
    /// `drainage_refresh_ms` (with a zero refresh, the last check is at `until_ms`).
    /// A plan's clock can jump days between steps: this keeps that jump one step of work.
    pub(crate) fn pass_pinned_drainage_checks(
        &mut self,
        until_ms: u64,
        open_pinned: impl Fn(&VersionKey) -> u64,
    ) {
        let (grace, refresh) = (
            self.limits.drainage_grace_ms,
            self.limits.drainage_refresh_ms,
        );
        for d in self.deployments.values_mut() {
            for v in d.versions.values_mut() {
                let Some(info) = v.drainage.as_mut() else {
                    continue;
                };
                if v.status != VersionStatus::Draining
                    || info.status != DrainageStatus::Draining
                    || open_pinned(&v.key) == 0
                {
                    continue;
                }
                let wait = if info.last_checked_ms == info.last_changed_ms {
                    grace
                } else {
                    refresh
                };
                let first = info.last_checked_ms.saturating_add(wait);
                if until_ms < first {
                    continue;
                }
                info.last_checked_ms = match until_ms.checked_sub(first) {
                    Some(span) if refresh > 0 => first.saturating_add(span - span % refresh),
                    _ => until_ms,
                };
            }
        }
        self.debug_check();
    }

    /// The `reactivate-version` signal: a drained or inactive version becomes draining
    /// again, its drainage restarting at `now_ms` (specification.md section D.3). Anything else is a no-op.
    pub fn reactivate(&mut self, version: &VersionKey, now_ms: u64) -> Outcome {
        let Some(v) = self
            .deployments
            .get_mut(version.deployment_name())
            .and_then(|d| d.versions.get_mut(version.build_id()))
        else {
            return Outcome::NoOp;
        };
        if !matches!(v.status, VersionStatus::Drained | VersionStatus::Inactive) {
            return Outcome::NoOp;
        }
        v.drainage = Some(DrainageInfo {
            status: DrainageStatus::Draining,
            last_changed_ms: now_ms,
            last_checked_ms: now_ms,
        });
        v.status = VersionStatus::Draining;
        v.revision += 1;
        self.push_version_data(version.deployment_name(), version.build_id(), None, now_ms);
        self.debug_check();
        Outcome::Changed
    }

    /// The `propagation-complete` signal of `version` for routing `revision`: the
    /// revision stops propagating. The model never sends it itself
    /// (`propagation.event` in docs/semantics.md).
    pub fn complete_propagation(&mut self, version: &VersionKey, revision: i64) -> Outcome {
        let Some(d) = self.deployments.get_mut(version.deployment_name()) else {
            return Outcome::NoOp;
        };
        let Some(set) = d.propagating.get_mut(version.build_id()) else {
            return Outcome::NoOp;
        };
        let removed = set.remove(&revision);
        if set.is_empty() {
            d.propagating.remove(version.build_id());
        }
        if removed {
            Outcome::Changed
        } else {
            Outcome::NoOp
        }
    }
}
