//! What checking a plan found: each step's outcome and the state after it, and the
//! hazards. `Display` of an outcome and of a hazard are the words the command prints.

use std::fmt;

use crate::error::Error;
use crate::ids::VersionKey;
use crate::state::{DrainageStatus, VersionStatus};

/// What [`Plan::check`](super::Plan::check) found.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanReport {
    /// The steps run, in order; the last is the first refused one when a step failed
    /// (the steps after it do not run: they would start from a state the plan did not
    /// mean).
    pub steps: Vec<StepReport>,
    /// The hazards, in the order they arose (those of the plan's end last).
    pub hazards: Vec<Hazard>,
}

impl PlanReport {
    /// The first step the server would refuse.
    pub fn first_failure(&self) -> Option<&StepReport> {
        self.steps.iter().find(|s| s.outcome.is_failed())
    }

    /// Whether every step ran and none failed, and no hazard arose.
    pub fn is_clean(&self) -> bool {
        self.first_failure().is_none() && self.hazards.is_empty()
    }
}

/// One step's outcome and the state after it.
#[derive(Debug, Clone, PartialEq)]
pub struct StepReport {
    /// The step's 0-based position in the plan.
    pub index: usize,
    /// The step's line in its file (0 for a step built in code).
    pub line: usize,
    /// The step's time.
    pub at_ms: u64,
    /// Its answer.
    pub outcome: StepOutcome,
    /// The versions that became deletable since the step before (by drainage checks
    /// due in between, or by the step), with the time each did.
    pub became_deletable: Vec<(VersionKey, u64)>,
    /// The state after the step (unchanged by a refused operator action).
    pub snapshot: Snapshot,
}

/// A step's answer.
#[derive(Debug, Clone, PartialEq)]
pub enum StepOutcome {
    /// The step changed the state.
    Changed,
    /// The step changed nothing the server keeps (a no-op, a fact, the clock).
    NoOp,
    /// The server refused it; `Display` is `CODE: message`.
    Failed(Error),
}

impl StepOutcome {
    /// Whether the server refused the step.
    pub fn is_failed(&self) -> bool {
        matches!(self, StepOutcome::Failed(_))
    }
}

impl fmt::Display for StepOutcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StepOutcome::Changed => f.write_str("changed"),
            StepOutcome::NoOp => f.write_str("noop"),
            StepOutcome::Failed(e) => write!(f, "{}: {e}", e.code().as_str()),
        }
    }
}

/// The state after a step, deployment by deployment.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Snapshot {
    /// Every deployment, by name.
    pub deployments: Vec<DeploymentSummary>,
}

/// One deployment after a step.
#[derive(Debug, Clone, PartialEq)]
pub struct DeploymentSummary {
    /// Its name.
    pub name: String,
    /// The current version (`None`: unversioned).
    pub current: Option<VersionKey>,
    /// The ramping version and its percentage, when a ramp is set (`Some(None, p)`:
    /// ramping to unversioned).
    pub ramping: Option<(Option<VersionKey>, f32)>,
    /// Where the plan's sample of workflow IDs starts.
    pub sample: Sample,
    /// Its versions, in creation order.
    pub versions: Vec<VersionSummary>,
    /// `max_versions_in_deployment`.
    pub cap: usize,
}

impl DeploymentSummary {
    /// The versions deletable now.
    pub fn deletable(&self) -> impl Iterator<Item = &VersionKey> {
        self.versions.iter().filter(|v| v.deletable).map(|v| &v.key)
    }
}

/// How the sample of workflow IDs splits between the current and the ramping version
/// (by the ramp threshold of each ID, specification.md section E.2).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Sample {
    /// IDs that start on the current version.
    pub current: usize,
    /// IDs that start on the ramping version.
    pub ramping: usize,
}

/// One version after a step.
#[derive(Debug, Clone, PartialEq)]
pub struct VersionSummary {
    /// The version.
    pub key: VersionKey,
    /// Its status.
    pub status: VersionStatus,
    /// Its drainage status, once it has one.
    pub drainage: Option<DrainageStatus>,
    /// Whether its workers poll (the plan's world).
    pub pollers: bool,
    /// Open workflows pinned to it (the plan's world).
    pub open_pinned: u64,
    /// Whether its manager may delete it now, and version GC take it: neither current
    /// nor ramping, not draining, no pollers.
    pub deletable: bool,
}

/// Something that does not fail a step but hurts a rollout.
#[derive(Debug, Clone, PartialEq)]
pub enum Hazard {
    /// After the step, the deployment holds `cap` versions and none is deletable (old
    /// versions still drain, or still poll): the next new version is refused.
    CapWithoutRoom {
        /// The step's line (its 1-based position for a plan built in code).
        line: usize,
        /// The deployment.
        deployment: String,
        /// The cap.
        cap: usize,
        /// How many of its versions were draining.
        draining: usize,
    },
    /// A set-current to a version older than the one it replaced left a ramp in place.
    RollbackLeavesRamp {
        /// The step's line.
        line: usize,
        /// The version made current.
        current: VersionKey,
        /// The ramp left, `None` for unversioned.
        ramping: Option<VersionKey>,
        /// Its percentage.
        percentage: f32,
    },
    /// A ramp is still in place when the plan ends.
    RampLeftAtEnd {
        /// The deployment.
        deployment: String,
        /// The ramping version, `None` for unversioned.
        ramping: Option<VersionKey>,
        /// Its percentage.
        percentage: f32,
    },
    /// A version ramped during the plan was never current afterwards, and its ramp was
    /// removed before the end.
    RampNeverCompleted {
        /// The line of the step that ramped it.
        line: usize,
        /// The version.
        version: VersionKey,
    },
}

fn version_or_unversioned(v: Option<&VersionKey>) -> String {
    v.map_or_else(|| "unversioned".to_owned(), ToString::to_string)
}

impl fmt::Display for Hazard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Hazard::CapWithoutRoom {
                line,
                deployment,
                cap,
                draining,
            } => write!(
                f,
                "line {line}: deployment {deployment} holds its cap of {cap} versions and none is deletable ({draining} draining): the next new version will be refused"
            ),
            Hazard::RollbackLeavesRamp {
                line,
                current,
                ramping,
                percentage,
            } => write!(
                f,
                "line {line}: rollback to {current} leaves {} ramping at {percentage}%",
                version_or_unversioned(ramping.as_ref())
            ),
            Hazard::RampLeftAtEnd {
                deployment,
                ramping,
                percentage,
            } => write!(
                f,
                "end: deployment {deployment} still ramps {} at {percentage}%",
                version_or_unversioned(ramping.as_ref())
            ),
            Hazard::RampNeverCompleted { line, version } => write!(
                f,
                "line {line}: the ramp of {version} was removed and it never became current"
            ),
        }
    }
}
