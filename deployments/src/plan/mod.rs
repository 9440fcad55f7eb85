//! Rollout plans: timed operator actions and world events run against a starting state,
//! each step's answer and a summary of the state after it, the first step the server
//! would refuse, and the hazards that do not fail a step but hurt a rollout.
//!
//! A plan is close to a deployments trace with times (`deployments/docs/trace-format.md`):
//! its operator actions are the model's own requests, and its world events are the facts a
//! trace sets (`poll` with `pollers`, `openPinned`) and the clock. Every drainage check due
//! between two steps runs at its own due time, so a version drains (and becomes
//! deletable) when the server would drain it, not at the next step.

mod check;
mod report;

pub use report::{
    DeploymentSummary, Hazard, PlanReport, Sample, Snapshot, StepOutcome, StepReport,
    VersionSummary,
};

use std::collections::BTreeMap;

use crate::facts::Observed;
use crate::ids::VersionKey;
use crate::ops::{DeleteVersion, SetCurrent, SetManager, SetRamping};
use crate::queue_key::TaskQueueKey;

/// A rollout plan: steps in time order, and the workflow IDs whose routing each
/// snapshot shows (the sample).
///
/// # Example
/// Deploy `b1`, then `b2`, under a cap of two versions: the third deploy is refused
/// while `b1` still drains, and the report names it.
/// ```
/// use worker_deployments::{
///     Deployments, Event, Hazard, Limits, Plan, PlanStep, SetCurrent, TaskQueueKey,
///     TaskQueueType, VersionKey,
/// };
///
/// let tq = TaskQueueKey::new("tq", TaskQueueType::Workflow);
/// let deploy = |at_ms, build: &str| {
///     vec![
///         PlanStep::new(at_ms, Event::WorkersStart { version: VersionKey::new("D", build), task_queue: tq.clone() }),
///         PlanStep::new(at_ms + 1, Event::SetCurrent(SetCurrent::new("D", build, "ci"))),
///         PlanStep::new(at_ms + 2, Event::WorkersStop { version: VersionKey::new("D", build) }),
///     ]
/// };
/// let mut plan = Plan::default();
/// for (i, build) in ["b1", "b2", "b3"].into_iter().enumerate() {
///     plan.steps.extend(deploy(1_000 * (i as u64 + 1), build));
/// }
/// let start = Deployments::new(Limits { max_versions_in_deployment: 2, ..Limits::SERVER_DEFAULT });
/// let report = plan.check(&start);
/// let failed = report.first_failure().unwrap();
/// assert_eq!(failed.index, 6);
/// assert_eq!(
///     failed.outcome.to_string(),
///     "RESOURCE_EXHAUSTED: cannot add version D.b3 since maximum number of versions (2) have been registered in the deployment"
/// );
/// assert!(matches!(report.hazards[0], Hazard::CapWithoutRoom { .. }));
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Plan {
    /// The steps, in time order.
    pub steps: Vec<PlanStep>,
    /// The workflow IDs whose routing each snapshot counts (none: no shares).
    pub sample: Vec<String>,
}

/// One step of a plan: what happens, and when.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanStep {
    /// The step's time, Unix milliseconds; never before the step before it.
    pub at_ms: u64,
    /// The 1-based line of the step in its file (0 for a step built in code).
    pub line: usize,
    /// What happens.
    pub event: Event,
}

impl PlanStep {
    /// `event` at `at_ms`, built in code (line 0).
    pub fn new(at_ms: u64, event: Event) -> Self {
        Self {
            at_ms,
            line: 0,
            event,
        }
    }
}

/// What a plan step does: an operator action (the model's requests) or a world event.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// Set the current version.
    SetCurrent(SetCurrent),
    /// Set or clear the ramping version.
    SetRamping(SetRamping),
    /// Delete a version.
    DeleteVersion(DeleteVersion),
    /// Set or clear the manager identity.
    SetManager(SetManager),
    /// Workers of `version` start polling `task_queue`: the version registers there
    /// (with the caps and version GC of a poll) and has pollers from now on.
    WorkersStart {
        /// The version the workers run.
        version: VersionKey,
        /// The task queue they poll.
        task_queue: TaskQueueKey,
    },
    /// Every worker of `version` stops: it has no pollers from now on.
    WorkersStop {
        /// The version.
        version: VersionKey,
    },
    /// `count` open workflows are pinned to `version` from now on (0: all closed).
    OpenPinned {
        /// The version.
        version: VersionKey,
        /// How many.
        count: u64,
    },
    /// Only the clock moves (to the step's time), running the drainage checks due.
    Advance,
}

/// What the world is like when a plan starts: which versions have pollers, which task
/// queues are busy, and how many open workflows are pinned to each version.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct World {
    /// Pollers and traffic.
    pub facts: Observed,
    /// Open pinned workflows per version (absent: none).
    pub open_pinned: BTreeMap<VersionKey, u64>,
}
