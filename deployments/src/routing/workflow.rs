//! Where a workflow's tasks go (specification.md section E.3–E.8) and what its children and new runs inherit
//! (specification.md section E.6).

use crate::ids::VersionKey;

use super::view::QueueView;

/// `VersioningBehavior`: what the worker that completed the last workflow task declared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Behavior {
    /// Unversioned (or no task completed yet).
    #[default]
    Unspecified,
    /// Stays on its version.
    Pinned,
    /// Follows the task queue's current and ramp.
    AutoUpgrade,
}

named! {
    Behavior, "the proto enum value";
    Unspecified => "VERSIONING_BEHAVIOR_UNSPECIFIED",
    Pinned => "VERSIONING_BEHAVIOR_PINNED",
    AutoUpgrade => "VERSIONING_BEHAVIOR_AUTO_UPGRADE",
}

/// A workflow's versioning override.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Override {
    /// Pinned to a version (`None`: the request named none, which is refused).
    Pinned(Option<VersionKey>),
    /// Auto-upgrade.
    AutoUpgrade,
    /// Pinned until a workflow task completes on the target (`None`: refused).
    OneTime(Option<VersionKey>),
}

/// A workflow's versioning info (specification.md section A.7).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct WorkflowVersioning {
    /// The behavior the last completed workflow task reported.
    pub behavior: Behavior,
    /// The version the workflow runs on (`None`: unversioned).
    pub deployment: Option<VersionKey>,
    /// The override, if any.
    pub versioning_override: Option<Override>,
    /// The target of an open transition, if any.
    pub transition: Option<VersionKey>,
    /// The routing revision the workflow last moved at.
    pub revision: i64,
}

impl WorkflowVersioning {
    /// The effective behavior: auto-upgrade during a transition, else the override's
    /// (pinned and one-time are pinned), else the reported one.
    pub fn effective_behavior(&self) -> Behavior {
        if self.transition.is_some() {
            return Behavior::AutoUpgrade;
        }
        match &self.versioning_override {
            Some(Override::Pinned(_) | Override::OneTime(_)) => Behavior::Pinned,
            Some(Override::AutoUpgrade) => Behavior::AutoUpgrade,
            None => self.behavior,
        }
    }

    /// The effective version: the transition's target, else the override's target, else
    /// the workflow's version if it is versioned in effect.
    pub fn effective_deployment(&self) -> Option<&VersionKey> {
        if let Some(t) = &self.transition {
            return Some(t);
        }
        match &self.versioning_override {
            Some(Override::Pinned(Some(v)) | Override::OneTime(Some(v))) => Some(v),
            Some(Override::AutoUpgrade) => self.deployment.as_ref(),
            _ if self.effective_behavior() != Behavior::Unspecified => self.deployment.as_ref(),
            _ => None,
        }
    }
}

/// Where a task goes: a version (`None`: the unversioned default queue) and the routing
/// revision it was chosen at.
///
/// The version is borrowed from the [`QueueView`] or the [`WorkflowVersioning`] it was
/// chosen from, so that an answer costs no allocation (routing is asked once per task;
/// `benches/deployments.rs`, `wd-route`); `.version.cloned()` owns it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Routed<'a> {
    /// The version; `None` is unversioned.
    pub version: Option<&'a VersionKey>,
    /// The revision of the routing config behind the choice.
    pub revision: i64,
}

/// The first workflow task of a new workflow (specification.md section E.3): the queue's current, or its
/// ramp when the ID's threshold is within the percentage. `random` is the empty ID's
/// draw in `[0, 1)`.
///
/// # Example
/// ```
/// use worker_deployments::{QueueView, VersionKey, route_new_workflow};
///
/// let view = QueueView {
///     current: Some(VersionKey::new("D", "b1")),
///     ramping: Some(VersionKey::new("D", "b2")),
///     is_ramping: true,
///     percentage: 50.551_986_694_335_94,
///     ..QueueView::default()
/// };
/// let routed = route_new_workflow(&view, "edge-wf-18534", 0.0);
/// assert_eq!(routed.version, Some(&VersionKey::new("D", "b2")));
/// ```
pub fn route_new_workflow<'a>(view: &'a QueueView, workflow_id: &str, random: f64) -> Routed<'a> {
    let (version, revision) = view.target(workflow_id, false, random);
    Routed { version, revision }
}

/// A later workflow task (specification.md section E.4): a pinned workflow stays on its version; an
/// auto-upgrade one goes to the queue's target unless that target is of the same
/// deployment with an older revision than the workflow's (the revision rule); an
/// unversioned one goes to the target. `use_ramping` is the first task of a
/// continue-as-new run with `USE_RAMPING_VERSION`.
pub fn route_workflow_task<'a>(
    view: &'a QueueView,
    workflow: &'a WorkflowVersioning,
    workflow_id: &str,
    use_ramping: bool,
    random: f64,
) -> Routed<'a> {
    let own = workflow.effective_deployment();
    match workflow.effective_behavior() {
        Behavior::Pinned => Routed {
            version: own,
            revision: workflow.revision,
        },
        Behavior::AutoUpgrade => {
            let (target, revision) = view.target(workflow_id, use_ramping, random);
            fn name(v: Option<&VersionKey>) -> Option<&str> {
                v.map(VersionKey::deployment_name)
            }
            if name(target) != name(own) || revision >= workflow.revision {
                Routed {
                    version: target,
                    revision,
                }
            } else {
                Routed {
                    version: own,
                    revision: workflow.revision,
                }
            }
        }
        Behavior::Unspecified => route_new_workflow(view, workflow_id, random),
    }
}

/// What a child workflow or a new run (continue-as-new, retry) inherits (specification.md section E.6).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Inherited {
    /// Nothing: the first task is routed as a new workflow's.
    Nothing,
    /// Pinned to the parent's (or previous run's) version.
    Pinned(VersionKey),
    /// Auto-upgrade from the source version at that revision, so the revision rule
    /// applies to the first task.
    AutoUpgrade {
        /// The source's effective version.
        from: VersionKey,
        /// The source's revision.
        revision: i64,
    },
}

/// What a child or new run on `target_queue_is_member` terms inherits from `source`: a
/// pinned source passes its version when the new workflow's queue is the source's queue
/// or a member of that version (`same_queue_or_member`); an auto-upgrade source passes
/// its version and revision under the same condition, and only with a non-zero revision.
/// An explicit override on the child wins (`child_has_override`), and
/// `initial_auto_upgrade` is continue-as-new's `initial_versioning_behavior`
/// (`AUTO_UPGRADE` or `USE_RAMPING_VERSION`), which turns a pinned source into an
/// auto-upgrade one.
pub fn inherit(
    source: &WorkflowVersioning,
    same_queue_or_member: bool,
    child_has_override: bool,
    initial_auto_upgrade: bool,
) -> Inherited {
    let Some(from) = source.effective_deployment() else {
        return Inherited::Nothing;
    };
    if child_has_override || !same_queue_or_member {
        return Inherited::Nothing;
    }
    match source.effective_behavior() {
        Behavior::Pinned if !initial_auto_upgrade => Inherited::Pinned(from.clone()),
        Behavior::Pinned | Behavior::AutoUpgrade if source.revision != 0 => {
            Inherited::AutoUpgrade {
                from: from.clone(),
                revision: source.revision,
            }
        }
        _ => Inherited::Nothing,
    }
}

/// An activity task (specification.md section E.5), routed on the activity's task queue by the **workflow's**
/// ID. A pinned workflow's activity goes to the pinned version when the activity queue is
/// a member of it (`pinned_is_member`, [`TaskQueueData::has_version`]); otherwise it is
/// independent and goes to the queue's own target. An auto-upgrade workflow's activity
/// follows the queue's target under the revision rule, as its workflow tasks do.
///
/// [`TaskQueueData::has_version`]: crate::TaskQueueData::has_version
pub fn route_activity<'a>(
    view: &'a QueueView,
    workflow: &'a WorkflowVersioning,
    workflow_id: &str,
    pinned_is_member: bool,
    random: f64,
) -> Routed<'a> {
    match workflow.effective_behavior() {
        Behavior::Pinned if !pinned_is_member => route_new_workflow(view, workflow_id, random),
        _ => route_workflow_task(view, workflow, workflow_id, false, random),
    }
}

/// A Nexus task goes to the queue's current version, never pinned (specification.md section E.5).
pub fn route_nexus(view: &QueueView) -> Routed<'_> {
    Routed {
        version: view.current.as_ref(),
        revision: view.current_revision,
    }
}

/// Whether a workflow task may stay on a sticky queue whose worker runs `sticky`
/// (specification.md section E.8): always for a pinned workflow; otherwise only when `sticky` is where the
/// task would go. `false` is the server's `StickyWorkerUnavailable`: the task moves to
/// the normal queue.
pub fn sticky_usable(
    view: &QueueView,
    workflow: &WorkflowVersioning,
    sticky: Option<&VersionKey>,
    workflow_id: &str,
    random: f64,
) -> bool {
    workflow.effective_behavior() == Behavior::Pinned
        || route_workflow_task(view, workflow, workflow_id, false, random).version == sticky
}
