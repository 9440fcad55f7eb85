//! Writing: steps as trace lines, and observations and expectations as a trace spells them.
//! The one writer of the format: `version-sets generate`, `conform`'s minimal traces and
//! `serve`'s answers all go through it. JSON is written here and nowhere else in the crate.

use std::fmt;

use serde_json::{Map, Value, json};

use crate::types::names::{found_name, intent_name, kind_name};
use crate::types::{
    Action, Observation, PollExpectation, Step, StickyExpectation, TaskQueueExpectation,
    UpdateExpectation,
};
use version_sets::{
    BuildId, BuildIdDeltas, DEFAULT_TASK_QUEUES_PER_BUILD_ID, Retention, Target, TargetQueue,
    TaskReachability, VersionSets,
};

impl Step {
    /// The step as a trace line: the action first, then `taskQueue`, `now`, then `expect`, as people
    /// write traces (`version-sets generate` writes these lines).
    ///
    /// # Example
    /// ```
    /// use version_sets_trace as trace;
    ///
    /// let steps = trace::parse(br#"{"expect": "unknownBuildId", "poll": "1.0"}"#)?;
    /// assert_eq!(steps[0].to_line(), r#"{"poll": "1.0", "expect": "unknownBuildId"}"#);
    /// assert_eq!(steps[0].to_request(), r#"{"poll": "1.0"}"#);
    /// # Ok::<(), trace::TraceError>(())
    /// ```
    pub fn to_line(&self) -> String {
        self.written(true)
    }

    /// The step without its `expect`, as the conformance protocol sends it
    /// (docs/conformance.md).
    pub fn to_request(&self) -> String {
        self.written(false)
    }

    fn written(&self, with_expect: bool) -> String {
        let name = Value::from(self.action.name());
        let mut line = format!("{{{name}: {}", body(&self.action));
        if let Some(task_queue) = &self.task_queue {
            line.push_str(&format!(
                ", \"taskQueue\": {}",
                Value::from(task_queue.as_str())
            ));
        }
        if let Some(now) = self.now {
            line.push_str(&format!(", \"now\": {now}"));
        }
        // A `sets` step's listing is its value, not an `expect`.
        let expect = match &self.action {
            Action::Sets(_) => None,
            action => action.expectation(),
        };
        if let Some(expect) = expect.filter(|_| with_expect) {
            line.push_str(&format!(", \"expect\": {expect}"));
        }
        line.push('}');
        line
    }
}

impl fmt::Display for Observation {
    /// The observation as a trace spells it, e.g. `{"newerBuildExists":"1.1"}`; `{}` for
    /// [`Observation::Nothing`].
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", observation(self))
    }
}

impl fmt::Display for UpdateExpectation {
    /// The expectation as a trace spells it, e.g. `{"error":"NOT_FOUND"}`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", change(self))
    }
}

impl fmt::Display for PollExpectation {
    /// The expectation as a trace spells it, e.g. `{"newerBuildExists":"1.1"}`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", poll(self))
    }
}

impl fmt::Display for StickyExpectation {
    /// The expectation as a trace spells it, e.g. `"stickyWorkerUnavailable"`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", sticky(self))
    }
}

impl fmt::Display for TaskQueueExpectation {
    /// The expectation as a trace spells it, e.g. `{"guessedSetId":"ftrPuUeORv2JD4Wp2wTU"}`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", task_queue(self))
    }
}

/// A resolve target as a trace spells it, e.g. `{"setDefault":"1.1"}`.
pub fn target_text(target: &Target) -> String {
    self::target(target).to_string()
}

/// An observation as a JSON value.
fn observation(observed: &Observation) -> Value {
    match observed {
        Observation::Nothing => json!({}),
        Observation::Change(outcome) => change(outcome),
        Observation::Listing(sets) => listing(sets),
        Observation::Target(found) => target(found),
        Observation::Poll(answer) => poll(answer),
        Observation::Deltas(found) => deltas(found),
        Observation::TaskQueue(queue) => task_queue(queue),
        Observation::Sticky(answer) => sticky(answer),
        Observation::BuildIds(found) => ids(found),
        Observation::Reachability(found) => reachability(found),
    }
}

fn change(outcome: &UpdateExpectation) -> Value {
    match outcome {
        UpdateExpectation::Changed => json!("changed"),
        UpdateExpectation::NoOp => json!("noop"),
        UpdateExpectation::Error { code, message } => {
            let mut object = Map::new();
            object.insert("error".to_owned(), json!(code.as_str()));
            if let Some(message) = message {
                object.insert("message".to_owned(), json!(message));
            }
            Value::Object(object)
        }
    }
}

fn poll(answer: &PollExpectation) -> Value {
    match answer {
        PollExpectation::Accepted => json!("accepted"),
        PollExpectation::NewerBuildExists(id) => json!({ "newerBuildExists": id.as_str() }),
        PollExpectation::UnknownBuildId => json!("unknownBuildId"),
    }
}

fn sticky(answer: &StickyExpectation) -> Value {
    match answer {
        StickyExpectation::Accepted => json!("accepted"),
        StickyExpectation::NewerBuildExists(id) => json!({ "newerBuildExists": id.as_str() }),
        StickyExpectation::StickyWorkerUnavailable => json!("stickyWorkerUnavailable"),
    }
}

fn task_queue(queue: &TaskQueueExpectation) -> Value {
    match queue {
        TaskQueueExpectation::Unversioned => json!("unversioned"),
        TaskQueueExpectation::Set(id) => json!({ "setId": id.as_str() }),
        TaskQueueExpectation::Guessed(id) => json!({ "guessedSetId": id.as_str() }),
    }
}

fn target(target: &Target) -> Value {
    match target {
        Target::SetDefault(id) => json!({ "setDefault": id.as_str() }),
        Target::ExactBuildId(id) => json!({ "exactBuildId": id.as_str() }),
        Target::Unversioned => json!("unversioned"),
        Target::Rejected => json!("rejected"),
    }
}

/// A listing, e.g. `[["1.0","1.1"],["2.0"]]`.
fn listing(sets: &[Vec<BuildId>]) -> Value {
    Value::Array(sets.iter().map(|set| ids(set)).collect())
}

/// `{"added": [...], "removed": [...]}`.
fn deltas(deltas: &BuildIdDeltas) -> Value {
    json!({ "added": ids(&deltas.added), "removed": ids(&deltas.removed) })
}

/// Build IDs as a JSON array.
fn ids(ids: &[BuildId]) -> Value {
    Value::Array(ids.iter().map(|id| json!(id.as_str())).collect())
}

/// Reachability kinds as a JSON array of their short names.
fn reachability(found: &[TaskReachability]) -> Value {
    Value::Array(
        found
            .iter()
            .map(|found| json!(found_name(*found)))
            .collect(),
    )
}

/// A stored form with its cluster, as `start`, `mergeReplica` and `receiveReplica` write it.
fn replica(state: &VersionSets) -> Value {
    json!({
        "data": serde_json::to_value(state.to_data()).unwrap_or(Value::Null),
        "clusterId": state.cluster_id(),
    })
}

/// The value of the action key.
fn body(action: &Action) -> Value {
    let id = |id: &BuildId| json!(id.as_str());
    match action {
        // `Update`'s serde form cannot fail: its fields are strings and a bool.
        Action::Update { update, .. } => serde_json::to_value(update).unwrap_or(Value::Null),
        Action::InvalidUpdate { update, .. } => {
            serde_json::to_value(&update.request).unwrap_or(Value::Null)
        }
        Action::Limits(limits) => {
            let mut body = Map::new();
            body.insert("maxSets".to_owned(), json!(limits.queue.max_sets));
            body.insert("maxBuildIds".to_owned(), json!(limits.queue.max_build_ids));
            // Written only when it is not the default, so that traces from before the
            // namespace keep their bytes.
            if limits.task_queues_per_build_id != DEFAULT_TASK_QUEUES_PER_BUILD_ID {
                body.insert(
                    "taskQueuesPerBuildId".to_owned(),
                    json!(limits.task_queues_per_build_id),
                );
            }
            Value::Object(body)
        }
        Action::Sets(sets) => listing(sets),
        Action::Resolve {
            intent,
            build_id,
            queue,
            ..
        } => {
            let mut body = Map::new();
            body.insert("intent".to_owned(), json!(intent_name(*intent)));
            if let Some(build_id) = build_id {
                body.insert("buildId".to_owned(), id(build_id));
            }
            if *queue == TargetQueue::Other {
                body.insert("sameTaskQueue".to_owned(), json!(false));
            }
            Value::Object(body)
        }
        Action::Poll { build_id, .. }
        | Action::PersistUnknownBuildId { build_id, .. }
        | Action::StickyPoll { build_id, .. }
        | Action::StickyAdd { build_id, .. } => id(build_id),
        Action::Start(state) | Action::MergeReplica { replica: state, .. } => replica(state),
        Action::RemoveBuildIds { build_ids, .. } => ids(build_ids),
        Action::ClearTombstones { .. } => json!({}),
        Action::Mark(name) => json!(name),
        Action::Deltas { since, .. } => json!(since),
        Action::AddTask { build_id, .. } => match build_id {
            Some(build_id) => json!({ "buildId": build_id.as_str() }),
            None => json!({}),
        },
        Action::View { max_sets, .. } => json!({ "maxSets": max_sets }),
        Action::ReceiveReplica {
            replica: state,
            in_use,
            ..
        } => {
            let mut body = replica(state);
            if let Some(body) = body.as_object_mut() {
                body.insert("inUse".to_owned(), ids(in_use));
            }
            body
        }
        Action::GcPlan {
            policy,
            now,
            in_use,
            ..
        } => json!({
            "now": now,
            "minSinceDefaultMs": policy.min_since_default_ms,
            "retentionMs": policy.retention_ms,
            "ignoreRetention": policy.retention == Retention::Ignore,
            "inUse": ids(in_use),
        }),
        Action::Reachability { query, .. } => json!({
            "buildId": query.build_id,
            "now": query.now_ms,
            "kind": kind_name(query.kind),
            "open": query.open,
            "closed": query.closed,
            "unprocessed": query.unprocessed,
        }),
    }
}
