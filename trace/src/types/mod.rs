//! The steps of a trace and what they expect and observe: plain values, with no JSON in
//! them. `read` builds them from a trace's text, `write` spells them back, `run` plays them.

mod action;
mod expect;
mod invalid;
pub(crate) mod names;
mod observation;

pub use action::ActionKind;
pub use expect::{PollExpectation, StickyExpectation, TaskQueueExpectation, UpdateExpectation};
pub use invalid::InvalidUpdate;
pub(crate) use invalid::{RawUpdate, Request};
pub use observation::{Observation, Verdict};

use version_sets::{BuildId, BuildIdDeltas, GcPolicy, NamespaceLimits, ReachabilityType, Target};
use version_sets::{TargetQueue, TaskReachability, Update, VersionSets, VersioningIntent};

/// One step of a trace: its action, its wall time when it gives one, and its line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// The 1-based line number in the trace file.
    pub line: usize,
    /// The wall time (ms) the step's change is stamped with (`"now"`, format v2); `None`
    /// stamps it with its position among the steps, counting from 1, as in format v1.
    pub now: Option<i64>,
    /// The task queue of the namespace the step acts on (`"taskQueue"`); `None` is the
    /// trace's one default queue, [`DEFAULT_TASK_QUEUE`](crate::DEFAULT_TASK_QUEUE).
    pub task_queue: Option<String>,
    /// What the step does.
    pub action: Action,
}

/// What a step does (each variant is one of the trace's action keys). Later versions of
/// the format may add actions.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Action {
    /// `update`: apply one operation.
    Update {
        /// The operation.
        update: Update,
        /// The expected outcome; `None` means "succeeds, changed or not".
        expect: Option<UpdateExpectation>,
    },
    /// `update` naming an empty or overlong build ID: its result is `INVALID_ARGUMENT`.
    InvalidUpdate {
        /// The operation and what is wrong with it.
        update: InvalidUpdate,
        /// The expected outcome; `None` means "succeeds", which never holds.
        expect: Option<UpdateExpectation>,
    },
    /// `limits`: the limits of every later update: each queue's, and the namespace's
    /// `taskQueuesPerBuildId` (20 when the step does not give it).
    Limits(NamespaceLimits),
    /// `sets`: the build IDs of each set as the public listing shows them, oldest set first.
    Sets(Vec<Vec<BuildId>>),
    /// `resolve`: where new work issued by a workflow goes.
    Resolve {
        /// The intent the workflow states.
        intent: VersioningIntent,
        /// The workflow's build ID; `None` when it is unversioned.
        build_id: Option<BuildId>,
        /// Whether the target queue (the trace's) is the workflow's own.
        queue: TargetQueue,
        /// The expected target; `None` checks nothing.
        expect: Option<Target>,
    },
    /// `poll`: whether a worker with this build ID may take tasks.
    Poll {
        /// The worker's build ID.
        build_id: BuildId,
        /// The expected answer; `None` checks nothing.
        expect: Option<PollExpectation>,
    },
    /// `start` (v2, first step only): the trace starts from this state instead of an empty
    /// queue. Boxed, as are the replicas below: a `VersionSets` inline made every step of a
    /// trace, held all at once by [`run`](crate::run), several times its line's size.
    Start(Box<VersionSets>),
    /// `removeBuildIds` (v2): tombstone these build IDs (garbage collection).
    RemoveBuildIds {
        /// The build IDs; unknown ones are ignored.
        build_ids: Vec<BuildId>,
        /// `Changed` or `NoOp`; `None` checks nothing.
        expect: Option<UpdateExpectation>,
    },
    /// `clearTombstones` (v2): drop tombstones, then empty sets.
    ClearTombstones {
        /// `Changed` or `NoOp`; `None` checks nothing.
        expect: Option<UpdateExpectation>,
    },
    /// `persistUnknownBuildId` (v2): the replication helper.
    PersistUnknownBuildId {
        /// The build ID.
        build_id: BuildId,
        /// `Changed` or `NoOp`; `None` checks nothing.
        expect: Option<UpdateExpectation>,
    },
    /// `mark` (v2): remember the current state under a name, for a later `deltas` step.
    Mark(String),
    /// `deltas` (v2): the active build IDs added and removed since a `mark`.
    Deltas {
        /// The name of the earlier `mark`.
        since: String,
        /// The expected deltas; `None` checks nothing.
        expect: Option<BuildIdDeltas>,
    },
    /// `addTask` (v2): where a task for this build ID (or the queue default) is queued.
    AddTask {
        /// The task's build ID; `None` asks for the queue default.
        build_id: Option<BuildId>,
        /// The expected queue; `None` checks nothing.
        expect: Option<TaskQueueExpectation>,
    },
    /// `stickyPoll` (v2): may a worker with this build ID poll its sticky queue?
    StickyPoll {
        /// The worker's build ID.
        build_id: BuildId,
        /// `Accepted` or `NewerBuildExists`; `None` checks nothing.
        expect: Option<StickyExpectation>,
    },
    /// `stickyAdd` (v2): may a task for this build ID go to a sticky queue?
    StickyAdd {
        /// The task's build ID.
        build_id: BuildId,
        /// `Accepted` or `StickyWorkerUnavailable`; `None` checks nothing.
        expect: Option<StickyExpectation>,
    },
    /// `view` (v2): the public listing, optionally only the newest `max_sets` sets.
    View {
        /// `0` lists every set.
        max_sets: usize,
        /// The expected listing (an all-tombstone set is listed empty); `None` checks nothing.
        expect: Option<Vec<Vec<BuildId>>>,
    },
    /// `mergeReplica` (v2): merge a replica of the queue's data into it
    /// ([`VersionSets::join`]).
    MergeReplica {
        /// The replica, loaded from its stored form.
        replica: Box<VersionSets>,
        /// `Changed` (the stored form changed) or `NoOp`; `None` checks nothing.
        expect: Option<UpdateExpectation>,
    },
    /// `receiveReplica` (v2): apply a replica as a receiving cluster does, reviving the
    /// build IDs still in use ([`VersionSets::receive`]).
    ReceiveReplica {
        /// The replica, loaded from its stored form.
        replica: Box<VersionSets>,
        /// The build IDs that still have workflows here.
        in_use: Vec<BuildId>,
        /// The build IDs revived, in the order they were revived; `None` checks nothing.
        expect: Option<Vec<BuildId>>,
    },
    /// `gcPlan` (v2): the build IDs the scavenger would remove
    /// ([`VersionSets::removable_build_ids`]); changes nothing.
    GcPlan {
        /// The scavenger's settings.
        policy: GcPolicy,
        /// The wall time of the run.
        now: i64,
        /// The build IDs that still have workflows.
        in_use: Vec<BuildId>,
        /// The removable build IDs, sorted; `None` checks nothing.
        expect: Option<Vec<BuildId>>,
    },
    /// `reachability` (v2): the reachability of one build ID ([`VersionSets::reachability`]).
    Reachability {
        /// The question and the visibility store's answers.
        query: Reachability,
        /// The kinds found, `NewWorkflows` first; `None` checks nothing.
        expect: Option<Vec<TaskReachability>>,
    },
}

/// A `reachability` step's question, with what the visibility store holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reachability {
    /// The build ID asked about; empty for unversioned workers.
    pub build_id: String,
    /// The wall time of the question, in Unix milliseconds.
    pub now_ms: i64,
    /// The kind asked about.
    pub kind: ReachabilityType,
    /// The build IDs that have open workflows (`""`: unversioned workflows).
    pub open: Vec<String>,
    /// The build IDs that have closed workflows (`""`: unversioned workflows).
    pub closed: Vec<String>,
    /// Whether open workflows exist that have run no task yet.
    pub unprocessed: bool,
}

impl Action {
    /// The kind of the action: its key in the trace, and what the step may carry.
    pub fn kind(&self) -> ActionKind {
        match self {
            Self::Update { .. } | Self::InvalidUpdate { .. } => ActionKind::Update,
            Self::Limits(_) => ActionKind::Limits,
            Self::Sets(_) => ActionKind::Sets,
            Self::Resolve { .. } => ActionKind::Resolve,
            Self::Poll { .. } => ActionKind::Poll,
            Self::Start(_) => ActionKind::Start,
            Self::RemoveBuildIds { .. } => ActionKind::RemoveBuildIds,
            Self::ClearTombstones { .. } => ActionKind::ClearTombstones,
            Self::PersistUnknownBuildId { .. } => ActionKind::PersistUnknownBuildId,
            Self::Mark(_) => ActionKind::Mark,
            Self::Deltas { .. } => ActionKind::Deltas,
            Self::AddTask { .. } => ActionKind::AddTask,
            Self::StickyPoll { .. } => ActionKind::StickyPoll,
            Self::StickyAdd { .. } => ActionKind::StickyAdd,
            Self::View { .. } => ActionKind::View,
            Self::MergeReplica { .. } => ActionKind::MergeReplica,
            Self::ReceiveReplica { .. } => ActionKind::ReceiveReplica,
            Self::GcPlan { .. } => ActionKind::GcPlan,
            Self::Reachability { .. } => ActionKind::Reachability,
        }
    }

    /// The action key, e.g. `"update"`.
    pub fn name(&self) -> &'static str {
        self.kind().name()
    }

    /// What the step expects to observe, when it checks something. A `sets` step's listing
    /// counts as its expectation; an `update` without `expect` has none here (it must
    /// succeed, which [`check`](crate::check) knows).
    pub fn expectation(&self) -> Option<Observation> {
        match self {
            Self::Update { expect, .. }
            | Self::InvalidUpdate { expect, .. }
            | Self::RemoveBuildIds { expect, .. }
            | Self::ClearTombstones { expect }
            | Self::PersistUnknownBuildId { expect, .. }
            | Self::MergeReplica { expect, .. } => expect.clone().map(Observation::Change),
            Self::Sets(sets) => Some(Observation::Listing(sets.clone())),
            Self::Limits(_) | Self::Start(_) | Self::Mark(_) => None,
            Self::Resolve { expect, .. } => expect.clone().map(Observation::Target),
            Self::Poll { expect, .. } => expect.clone().map(Observation::Poll),
            Self::Deltas { expect, .. } => expect.clone().map(Observation::Deltas),
            Self::AddTask { expect, .. } => expect.clone().map(Observation::TaskQueue),
            Self::StickyPoll { expect, .. } | Self::StickyAdd { expect, .. } => {
                expect.clone().map(Observation::Sticky)
            }
            Self::View { expect, .. } => expect.clone().map(Observation::Listing),
            Self::ReceiveReplica { expect, .. } | Self::GcPlan { expect, .. } => {
                expect.clone().map(Observation::BuildIds)
            }
            Self::Reachability { expect, .. } => expect.clone().map(Observation::Reachability),
        }
    }

    /// The action expecting `observed`: what a generated trace writes, so that the model
    /// passes it. The listing of a `sets` step becomes its value; an observation of another
    /// kind leaves the action as it is.
    pub fn expecting(mut self, observed: Observation) -> Self {
        match (&mut self, observed) {
            (
                Self::Update { expect, .. }
                | Self::InvalidUpdate { expect, .. }
                | Self::RemoveBuildIds { expect, .. }
                | Self::ClearTombstones { expect }
                | Self::PersistUnknownBuildId { expect, .. }
                | Self::MergeReplica { expect, .. },
                Observation::Change(change),
            ) => *expect = Some(change),
            (Self::Sets(sets), Observation::Listing(listing)) => *sets = listing,
            (Self::View { expect, .. }, Observation::Listing(listing)) => *expect = Some(listing),
            (Self::Resolve { expect, .. }, Observation::Target(target)) => *expect = Some(target),
            (Self::Poll { expect, .. }, Observation::Poll(poll)) => *expect = Some(poll),
            (Self::Deltas { expect, .. }, Observation::Deltas(deltas)) => *expect = Some(deltas),
            (Self::AddTask { expect, .. }, Observation::TaskQueue(queue)) => *expect = Some(queue),
            (
                Self::StickyPoll { expect, .. } | Self::StickyAdd { expect, .. },
                Observation::Sticky(sticky),
            ) => *expect = Some(sticky),
            (
                Self::ReceiveReplica { expect, .. } | Self::GcPlan { expect, .. },
                Observation::BuildIds(ids),
            ) => *expect = Some(ids),
            (Self::Reachability { expect, .. }, Observation::Reachability(found)) => {
                *expect = Some(found);
            }
            _ => {}
        }
        self
    }
}
