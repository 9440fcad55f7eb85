//! Conformance traces: scripts of operations on one task queue with the
//! expected outcome of each step, as the `version-sets replay` command runs them. The format
//! is fixed by `docs/trace-format.md`; in short, one JSON object per line:
//!
//! ```text
//! # blank lines and lines starting with # are skipped
//! {"update": {"addNewBuildIdInNewDefaultSet": "1.0"}, "expect": "changed"}
//! {"update": {"addNewCompatibleBuildId": {"newBuildId": "1.1", "existingCompatibleBuildId": "1.0"}}}
//! {"limits": {"maxSets": 10, "maxBuildIds": 100}}
//! {"sets": [["1.0", "1.1"]]}
//! {"resolve": {"intent": "COMPATIBLE", "buildId": "1.0"}, "expect": {"setDefault": "1.1"}}
//! {"poll": "1.0", "expect": {"newerBuildExists": "1.1"}}
//! ```
//!
//! Format version 2 adds starting from a stored state, wall times, garbage collection and
//! replication steps, build-ID deltas, add-task, the sticky checks and the public view with
//! `maxSets`; an update naming an empty or overlong build ID is its `INVALID_ARGUMENT`
//! result ([`InvalidUpdate`]), not a malformed line. `docs/semantics.md` lists the rules a
//! trace checks.
//!
//! The crate is pure, like the model: [`parse`] turns bytes into [`Step`]s (or the first
//! malformed line into a [`TraceError`]) and [`run`] plays them against a
//! [`VersionSets`](version_sets::VersionSets), returning a [`Report`]. A [`Session`] plays one
//! step at a time and answers with an [`Observation`] in the form of the step's `expect`: it
//! is the model behind the conformance protocol (`docs/conformance.md`), and
//! [`read_observation`] reads another implementation's answer in the same form.
//! [`Step::to_line`] and the `Display` of [`Observation`] write the format; [`Generator`]
//! draws random steps for a seed. Reading files, printing and talking to other processes is
//! the command's job. No input, however malformed, makes any of them panic.
//!
//! Each kind of step is a row of one table, [`ActionKind`]: its key, whether it may give its
//! wall time (`now`), whether it takes an `expect`.
//!
//! # Example
//! ```
//! use version_sets_trace as trace;
//!
//! let steps = trace::parse(br#"
//! {"update": {"addNewBuildIdInNewDefaultSet": "1.0"}}
//! {"update": {"addNewCompatibleBuildId": {"newBuildId": "1.1", "existingCompatibleBuildId": "1.0"}}}
//! {"resolve": {"intent": "COMPATIBLE", "buildId": "1.0"}, "expect": {"setDefault": "1.1"}}
//! {"poll": "1.0", "expect": "accepted"}
//! "#)?;
//! let report = trace::run(&steps);
//! assert_eq!((report.passed, report.failed()), (3, 1));
//! assert_eq!(
//!     report.failures[0].to_string(),
//!     r#"line 5: expected "accepted", got {"newerBuildExists":"1.1"}"#
//! );
//! # Ok::<(), trace::TraceError>(())
//! ```

// Traces are untrusted input: a bad line must end in an error, never a panic.
#![deny(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

// By direction (ARCHITECTURE.md lists what each imports): `types` holds the values and
// imports none of the others; `read` turns text into them, `write` spells them back, `run`
// plays them against the model (and words its failures through `write`), and `generate`
// draws them at random (through `run`, to see the state each step leaves).
mod generate;
mod read;
mod run;
mod types;
mod write;

pub use generate::{Choice, Generator, NAMES, Pick, WEIGHTS, annotate, known, near};
pub use read::json::{JsonError, JsonProblem, check_strict, describe, quote, read_strict};
pub use read::line::{
    MAX_LINE_BYTES, MIN_TREE_BYTES, TREE_BYTES_PER_BYTE, check_line, check_tree, tree_bytes,
};
pub use read::{TraceError, parse, parse_step, parse_updates, read_observation};
pub use run::{
    DEFAULT_TASK_QUEUE, Failure, OverBound, REPLICA_UNITS, ReplayError, Report, Session,
    WORK_FLOOR, WORK_PER_BYTE, check, replay, run,
};
pub use types::{
    Action, ActionKind, InvalidUpdate, Observation, PollExpectation, Reachability, Step,
    StickyExpectation, TaskQueueExpectation, UpdateExpectation, Verdict,
};
pub use write::target_text;

#[cfg(test)]
mod tests;
