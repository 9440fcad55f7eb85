//! The steps of a trace and the outcomes they expect, each shown in the trace's own syntax.

use std::fmt;

use serde_json::{Map, Value, json};

use super::replication::{ids_json, kind_name, reachability_json};
use super::update::{InvalidUpdate, Request};
use version_sets::{BuildId, BuildIdDeltas, Code, Limits, SetId, Target, Update, VersionSets};
use version_sets::{GcPolicy, ReachabilityType, Retention, TaskReachability, VersioningIntent};

/// One step of a trace: its action, its wall time when it gives one, and its line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// The 1-based line number in the trace file.
    pub line: usize,
    /// The wall time (ms) the step's change is stamped with (`"now"`, format v2); `None`
    /// stamps it with its position among the steps, counting from 1, as in format v1.
    pub now: Option<i64>,
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
    /// `limits`: the limits of every later update.
    Limits(Limits),
    /// `sets`: the build IDs of each set as the public listing shows them, oldest set first.
    Sets(Vec<Vec<BuildId>>),
    /// `resolve`: where new work issued by a workflow goes.
    Resolve {
        /// The intent the workflow states.
        intent: VersioningIntent,
        /// The workflow's build ID; `None` when it is unversioned.
        build_id: Option<BuildId>,
        /// Whether the target queue (the trace's) is the workflow's own.
        same_task_queue: bool,
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
    /// queue.
    Start(VersionSets),
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
        replica: VersionSets,
        /// `Changed` (the stored form changed) or `NoOp`; `None` checks nothing.
        expect: Option<UpdateExpectation>,
    },
    /// `receiveReplica` (v2): apply a replica as a receiving cluster does, reviving the
    /// build IDs still in use ([`VersionSets::receive`]).
    ReceiveReplica {
        /// The replica, loaded from its stored form.
        replica: VersionSets,
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

/// The expected outcome of an `update` step (and of the v2 steps that change the sets).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UpdateExpectation {
    /// `"changed"`: succeeded and changed the sets.
    Changed,
    /// `"noop"`: succeeded and changed nothing.
    NoOp,
    /// `{"error": CODE, "message": TEXT}`: failed with this code and, when given, exactly
    /// this message.
    Error {
        /// The gRPC status code.
        code: Code,
        /// The exact message, when the step gives one.
        message: Option<String>,
    },
}

/// The expected answer of a `poll` step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PollExpectation {
    /// `"accepted"`: the build ID is its set's default.
    Accepted,
    /// `{"newerBuildExists": ID}`: its set's default is this other build ID.
    NewerBuildExists(BuildId),
    /// `"unknownBuildId"`: no set holds it.
    UnknownBuildId,
}

/// The expected answer of a `stickyPoll` or `stickyAdd` step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StickyExpectation {
    /// `"accepted"`: the build ID is a set default, or unknown.
    Accepted,
    /// `{"newerBuildExists": ID}` (sticky poll): its set's default is this other build ID.
    NewerBuildExists(BuildId),
    /// `"stickyWorkerUnavailable"` (sticky add): the build ID is not its set's default.
    StickyWorkerUnavailable,
}

/// The expected answer of an `addTask` step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TaskQueueExpectation {
    /// `"unversioned"`: no sets and no build ID.
    Unversioned,
    /// `{"setId": ID}`: the primary set ID of the set holding the build ID (or of the
    /// default set).
    Set(SetId),
    /// `{"guessedSetId": ID}`: the build ID is unknown; the set ID it would have.
    Guessed(SetId),
}

impl fmt::Display for UpdateExpectation {
    /// The expectation as a trace spells it, e.g. `{"error":"NOT_FOUND"}`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.to_json())
    }
}

impl UpdateExpectation {
    /// The expectation as a JSON value.
    pub(crate) fn to_json(&self) -> Value {
        match self {
            Self::Changed => json!("changed"),
            Self::NoOp => json!("noop"),
            Self::Error { code, message } => {
                let mut object = Map::new();
                object.insert("error".to_owned(), json!(code.as_str()));
                if let Some(message) = message {
                    object.insert("message".to_owned(), json!(message));
                }
                Value::Object(object)
            }
        }
    }
}

impl fmt::Display for PollExpectation {
    /// The expectation as a trace spells it, e.g. `{"newerBuildExists":"1.1"}`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.to_json())
    }
}

impl PollExpectation {
    /// The expectation as a JSON value.
    pub(crate) fn to_json(&self) -> Value {
        match self {
            Self::Accepted => json!("accepted"),
            Self::NewerBuildExists(id) => json!({ "newerBuildExists": id.as_str() }),
            Self::UnknownBuildId => json!("unknownBuildId"),
        }
    }
}

impl StickyExpectation {
    /// The expectation as a JSON value.
    pub(crate) fn to_json(&self) -> Value {
        match self {
            Self::Accepted => json!("accepted"),
            Self::NewerBuildExists(id) => json!({ "newerBuildExists": id.as_str() }),
            Self::StickyWorkerUnavailable => json!("stickyWorkerUnavailable"),
        }
    }
}

impl TaskQueueExpectation {
    /// The expectation as a JSON value.
    pub(crate) fn to_json(&self) -> Value {
        match self {
            Self::Unversioned => json!("unversioned"),
            Self::Set(id) => json!({ "setId": id.as_str() }),
            Self::Guessed(id) => json!({ "guessedSetId": id.as_str() }),
        }
    }
}

/// A resolve target as a trace spells it, e.g. `{"setDefault":"1.1"}`.
pub fn target_text(target: &Target) -> String {
    target_json(target).to_string()
}

/// A resolve target as a JSON value.
pub(crate) fn target_json(target: &Target) -> Value {
    match target {
        Target::SetDefault(id) => json!({ "setDefault": id.as_str() }),
        Target::ExactBuildId(id) => json!({ "exactBuildId": id.as_str() }),
        Target::Unversioned => json!("unversioned"),
        Target::Rejected => json!("rejected"),
    }
}

/// A stored form with its cluster, as `start`, `mergeReplica` and `receiveReplica` write it.
fn replica_json(state: &VersionSets) -> Value {
    json!({
        "data": serde_json::to_value(state.to_data()).unwrap_or(Value::Null),
        "clusterId": state.cluster_id(),
    })
}

/// A `sets` listing as a JSON value, e.g. `[["1.0","1.1"],["2.0"]]`.
pub(crate) fn sets_json(sets: &[Vec<BuildId>]) -> Value {
    Value::Array(
        sets.iter()
            .map(|set| Value::Array(set.iter().map(|id| json!(id.as_str())).collect()))
            .collect(),
    )
}

/// Deltas as a JSON value, `{"added": [...], "removed": [...]}`.
pub(crate) fn deltas_json(deltas: &BuildIdDeltas) -> Value {
    let ids = |ids: &[BuildId]| Value::Array(ids.iter().map(|id| json!(id.as_str())).collect());
    json!({ "added": ids(&deltas.added), "removed": ids(&deltas.removed) })
}

impl Step {
    /// The step as a trace line spells it, with its `expect` when `with_expect` is true
    /// (the conformance protocol sends steps without it).
    ///
    /// # Example
    /// ```
    /// use version_sets_trace as trace;
    ///
    /// let steps = trace::parse(br#"{"poll": "1.0", "expect": "unknownBuildId"}"#)?;
    /// assert_eq!(steps[0].to_json(false).to_string(), r#"{"poll":"1.0"}"#);
    /// assert_eq!(steps[0].to_json(true).to_string(), r#"{"expect":"unknownBuildId","poll":"1.0"}"#);
    /// # Ok::<(), trace::TraceError>(())
    /// ```
    pub fn to_json(&self, with_expect: bool) -> Value {
        let mut object = Map::new();
        let (name, body) = self.action.body();
        object.insert(name.to_owned(), body);
        if let Some(now) = self.now {
            object.insert("now".to_owned(), json!(now));
        }
        if with_expect {
            if let Some(expect) = self.action.expectation() {
                object.insert("expect".to_owned(), expect);
            }
        }
        Value::Object(object)
    }
}

impl Action {
    /// The action key and its value.
    fn body(&self) -> (&'static str, Value) {
        let id = |id: &BuildId| json!(id.as_str());
        match self {
            Self::Update { update, .. } => ("update", Request::Valid(update.clone()).to_json()),
            Self::InvalidUpdate { update, .. } => ("update", update.request().clone()),
            Self::Limits(limits) => (
                "limits",
                json!({ "maxSets": limits.max_sets, "maxBuildIds": limits.max_build_ids }),
            ),
            Self::Sets(sets) => ("sets", sets_json(sets)),
            Self::Resolve {
                intent,
                build_id,
                same_task_queue,
                ..
            } => {
                let mut body = Map::new();
                let intent = match intent {
                    VersioningIntent::Unspecified => "UNSPECIFIED",
                    VersioningIntent::Compatible => "COMPATIBLE",
                    VersioningIntent::Default => "DEFAULT",
                };
                body.insert("intent".to_owned(), json!(intent));
                if let Some(build_id) = build_id {
                    body.insert("buildId".to_owned(), id(build_id));
                }
                if !same_task_queue {
                    body.insert("sameTaskQueue".to_owned(), json!(false));
                }
                ("resolve", Value::Object(body))
            }
            Self::Poll { build_id, .. } => ("poll", id(build_id)),
            Self::Start(state) => ("start", replica_json(state)),
            Self::RemoveBuildIds { build_ids, .. } => (
                "removeBuildIds",
                Value::Array(build_ids.iter().map(id).collect()),
            ),
            Self::ClearTombstones { .. } => ("clearTombstones", json!({})),
            Self::PersistUnknownBuildId { build_id, .. } => ("persistUnknownBuildId", id(build_id)),
            Self::Mark(name) => ("mark", json!(name)),
            Self::Deltas { since, .. } => ("deltas", json!(since)),
            Self::AddTask { build_id, .. } => (
                "addTask",
                match build_id {
                    Some(build_id) => json!({ "buildId": build_id.as_str() }),
                    None => json!({}),
                },
            ),
            Self::StickyPoll { build_id, .. } => ("stickyPoll", id(build_id)),
            Self::StickyAdd { build_id, .. } => ("stickyAdd", id(build_id)),
            Self::View { max_sets, .. } => ("view", json!({ "maxSets": max_sets })),
            Self::MergeReplica { replica, .. } => ("mergeReplica", replica_json(replica)),
            Self::ReceiveReplica {
                replica, in_use, ..
            } => {
                let mut body = replica_json(replica);
                if let Some(body) = body.as_object_mut() {
                    body.insert("inUse".to_owned(), ids_json(in_use));
                }
                ("receiveReplica", body)
            }
            Self::GcPlan {
                policy,
                now,
                in_use,
                ..
            } => (
                "gcPlan",
                json!({
                    "now": now,
                    "minSinceDefaultMs": policy.min_since_default_ms,
                    "retentionMs": policy.retention_ms,
                    "ignoreRetention": policy.retention == Retention::Ignore,
                    "inUse": ids_json(in_use),
                }),
            ),
            Self::Reachability { query, .. } => (
                "reachability",
                json!({
                    "buildId": query.build_id,
                    "now": query.now_ms,
                    "kind": kind_name(query.kind),
                    "open": query.open,
                    "closed": query.closed,
                    "unprocessed": query.unprocessed,
                }),
            ),
        }
    }

    /// The step's `expect` as a JSON value, when it has one. A `sets` step's listing counts
    /// as its expectation.
    pub(crate) fn expectation(&self) -> Option<Value> {
        match self {
            Self::Update { expect, .. }
            | Self::InvalidUpdate { expect, .. }
            | Self::RemoveBuildIds { expect, .. }
            | Self::ClearTombstones { expect }
            | Self::PersistUnknownBuildId { expect, .. }
            | Self::MergeReplica { expect, .. } => expect.as_ref().map(UpdateExpectation::to_json),
            Self::Sets(_) | Self::Limits(_) | Self::Start(_) | Self::Mark(_) => None,
            Self::Resolve { expect, .. } => expect.as_ref().map(target_json),
            Self::Poll { expect, .. } => expect.as_ref().map(PollExpectation::to_json),
            Self::Deltas { expect, .. } => expect.as_ref().map(deltas_json),
            Self::AddTask { expect, .. } => expect.as_ref().map(TaskQueueExpectation::to_json),
            Self::StickyPoll { expect, .. } | Self::StickyAdd { expect, .. } => {
                expect.as_ref().map(StickyExpectation::to_json)
            }
            Self::View { expect, .. } => expect.as_ref().map(|sets| sets_json(sets)),
            Self::ReceiveReplica { expect, .. } | Self::GcPlan { expect, .. } => {
                expect.as_ref().map(|ids| ids_json(ids))
            }
            Self::Reachability { expect, .. } => {
                expect.as_ref().map(|found| reachability_json(found))
            }
        }
    }

    /// The action key, e.g. `"update"`.
    pub fn name(&self) -> &'static str {
        self.body().0
    }
}
