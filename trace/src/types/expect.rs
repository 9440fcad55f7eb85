//! What a step expects: the outcome of a change and the answers of the lookups, each as a
//! trace spells it (`write` has the spelling).

use version_sets::{BuildId, Code, SetId};

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
