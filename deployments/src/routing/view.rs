//! A task queue's view of current and ramping (specification.md section E.1,
//! `CalculateTaskQueueVersioningInfo` with only the current data format).

use crate::ids::VersionKey;
use crate::state::RoutingConfig;
use crate::task_queue::TaskQueueData;

/// What one task queue type routes to: its current and ramping versions (`None` is
/// unversioned), the percentage and the revisions they came with.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct QueueView {
    /// The current version; `None` is unversioned.
    pub current: Option<VersionKey>,
    /// The revision of the routing config the current came from.
    pub current_revision: i64,
    /// The ramping version; `None` is no ramp or a ramp to unversioned.
    pub ramping: Option<VersionKey>,
    /// Whether a ramp applies (`!(ramping == None && percentage == 0)`).
    pub is_ramping: bool,
    /// The ramp percentage (float32).
    pub percentage: f32,
    /// The revision of the routing config the ramp came from.
    pub ramping_revision: i64,
}

/// The latest config by `time` among `candidates`, strictly later than the Unix epoch
/// (Go's `t.After` against a nil timestamp); on equal times the first wins.
fn latest<'a>(
    candidates: impl Iterator<Item = &'a RoutingConfig>,
    time: impl Fn(&RoutingConfig) -> u64,
) -> Option<&'a RoutingConfig> {
    let mut best: Option<&RoutingConfig> = None;
    for rc in candidates {
        if time(rc) > best.map_or(0, &time) {
            best = Some(rc);
        }
    }
    best
}

impl QueueView {
    /// The view of one task queue type's data. Over every deployment's routing config
    /// here: a current (or ramp) that is a member of this queue beats an unversioned one
    /// whatever the times; one that names a version not in this queue is ignored; the
    /// latest by changed time wins within each class.
    pub fn of(data: &TaskQueueData) -> Self {
        let configs = || data.deployments.values().map(|d| &d.routing);
        let member = |v: Option<&VersionKey>| v.is_some_and(|v| data.has_version(v));
        let current_time = |rc: &RoutingConfig| rc.current_changed_ms.unwrap_or(0);
        let ramp_time = |rc: &RoutingConfig| rc.percentage_changed_ms.unwrap_or(0);
        let current = latest(
            configs().filter(|rc| member(rc.current.as_ref())),
            current_time,
        )
        .or_else(|| latest(configs().filter(|rc| rc.current.is_none()), current_time));
        let ramp = latest(
            configs().filter(|rc| member(rc.ramping.version())),
            ramp_time,
        )
        .or_else(|| {
            latest(
                configs().filter(|rc| rc.ramping.version().is_none()),
                ramp_time,
            )
        });
        let mut view = Self::default();
        if let Some(rc) = current {
            view.current = rc.current.clone();
            view.current_revision = rc.revision;
        }
        if let Some(rc) = ramp {
            view.ramping = rc.ramping.version().cloned();
            view.percentage = rc.percentage;
            view.ramping_revision = rc.revision;
        }
        view.is_ramping = !(view.ramping.is_none() && view.percentage == 0.0);
        view
    }

    /// `FindTargetDeploymentVersionAndRevisionNumberForWorkflowID`: the version (`None`
    /// unversioned) and revision a task of this workflow ID goes to. `use_ramping` is the
    /// first task of a continue-as-new run with `USE_RAMPING_VERSION`; `random` is the
    /// empty ID's draw in `[0, 1)`.
    pub fn target(
        &self,
        workflow_id: &str,
        use_ramping: bool,
        random: f64,
    ) -> (Option<&VersionKey>, i64) {
        if use_ramping && let Some(r) = &self.ramping {
            return (Some(r), self.ramping_revision);
        }
        let ramped = self.percentage > 0.0
            && (self.percentage == 100.0
                || super::threshold::is_ramped(
                    super::threshold::ramp_threshold(workflow_id, random),
                    self.percentage,
                ));
        if ramped {
            (self.ramping.as_ref(), self.ramping_revision)
        } else {
            (self.current.as_ref(), self.current_revision)
        }
    }
}
