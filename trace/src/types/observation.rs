//! What the model (or an implementation) observes at a step, and whether a step's
//! expectation held.

use version_sets::{BuildId, BuildIdDeltas, Target, TaskReachability};

use super::{PollExpectation, StickyExpectation, TaskQueueExpectation, UpdateExpectation};

/// What a step observes, in the form its `expect` takes (`write` spells it, `read` reads it
/// back from an implementation's answer).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Observation {
    /// `limits`, `start` and `mark` observe nothing (`{}` on the wire); so does a `deltas`
    /// step naming a mark the session never took.
    Nothing,
    /// `update`, `removeBuildIds`, `clearTombstones`, `persistUnknownBuildId`,
    /// `mergeReplica`: `"changed"`, `"noop"`, or (an update) its error, always with its
    /// message.
    Change(UpdateExpectation),
    /// `sets`, `view`: the live build IDs of each set, oldest set first.
    Listing(Vec<Vec<BuildId>>),
    /// `resolve`: where the new work goes.
    Target(Target),
    /// `poll`: whether the worker may take tasks.
    Poll(PollExpectation),
    /// `deltas`: the active build IDs added and removed since the mark.
    Deltas(BuildIdDeltas),
    /// `addTask`: the queue the task goes to.
    TaskQueue(TaskQueueExpectation),
    /// `stickyPoll`, `stickyAdd`.
    Sticky(StickyExpectation),
    /// `receiveReplica` (the build IDs revived, in order), `gcPlan` (the removable build
    /// IDs, sorted).
    BuildIds(Vec<BuildId>),
    /// `reachability`: the kinds found, `NEW_WORKFLOWS` first.
    Reachability(Vec<TaskReachability>),
}

/// Whether a step's expectation held.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// The step checks nothing (no `expect`, or an action that takes none).
    Unchecked,
    /// The observation meets the expectation.
    Passed,
    /// It does not.
    Failed,
}

impl Observation {
    /// Whether this observation meets `expected`: equal, except that an expected error
    /// without a message matches any message with its code.
    pub fn meets(&self, expected: &Self) -> bool {
        match (expected, self) {
            (
                Self::Change(UpdateExpectation::Error {
                    code: want,
                    message: None,
                }),
                Self::Change(UpdateExpectation::Error { code: have, .. }),
            ) => want == have,
            _ => expected == self,
        }
    }
}
