//! The steps of a trace and the outcomes they expect, each shown in the trace's own syntax.

use std::fmt;

use serde_json::{Map, Value, json};

use crate::{BuildId, Code, Limits, Target, Update, VersioningIntent};

/// One step of a trace: its action, and the line it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// The 1-based line number in the trace file.
    pub line: usize,
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
}

/// The expected outcome of an `update` step.
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

impl fmt::Display for UpdateExpectation {
    /// The expectation as a trace spells it, e.g. `{"error":"NOT_FOUND"}`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let value = match self {
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
        };
        write!(f, "{value}")
    }
}

impl fmt::Display for PollExpectation {
    /// The expectation as a trace spells it, e.g. `{"newerBuildExists":"1.1"}`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let value = match self {
            Self::Accepted => json!("accepted"),
            Self::NewerBuildExists(id) => json!({ "newerBuildExists": id.as_str() }),
            Self::UnknownBuildId => json!("unknownBuildId"),
        };
        write!(f, "{value}")
    }
}

/// A resolve target as a trace spells it, e.g. `{"setDefault":"1.1"}`.
pub fn target_text(target: &Target) -> String {
    let value = match target {
        Target::SetDefault(id) => json!({ "setDefault": id.as_str() }),
        Target::ExactBuildId(id) => json!({ "exactBuildId": id.as_str() }),
        Target::Unversioned => json!("unversioned"),
        Target::Rejected => json!("rejected"),
    };
    value.to_string()
}

/// A `sets` listing as a trace spells it, e.g. `[["1.0","1.1"],["2.0"]]`.
pub(crate) fn sets_text(sets: &[Vec<BuildId>]) -> String {
    Value::Array(
        sets.iter()
            .map(|set| Value::Array(set.iter().map(|id| json!(id.as_str())).collect()))
            .collect(),
    )
    .to_string()
}
