//! Running parsed steps against the model and checking their expectations.

use std::fmt;

use super::step::{Action, PollExpectation, Step, UpdateExpectation, sets_text, target_text};
use crate::{BuildId, DispatchQueue, Limits, Outcome, TargetQueue, UpdateError, VersionSets};

/// What running a trace found.
#[derive(Debug, Clone)]
pub struct Report {
    /// Expectations that held.
    pub passed: usize,
    /// The expectations that did not hold, in trace order.
    pub failures: Vec<Failure>,
    /// The sets the trace left.
    pub state: VersionSets,
}

/// An expectation that did not hold. `Display` is `line N: expected X, got Y`, with `X`
/// and `Y` in the trace's own syntax.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// The 1-based line of the step.
    pub line: usize,
    /// What the step expected, e.g. `"changed"`.
    pub expected: String,
    /// What the model answered, e.g. `{"error":"NOT_FOUND","message":"targeted version 1.0 not found"}`.
    pub got: String,
}

impl Report {
    /// How many expectations did not hold.
    pub fn failed(&self) -> usize {
        self.failures.len()
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "line {}: expected {}, got {}",
            self.line, self.expected, self.got
        )
    }
}

/// Runs `steps` from an empty task queue with no limits.
///
/// Every `update` step is stamped with a strictly increasing wall time (its position among
/// the steps, counting from 1). Expectations are counted as follows: an `update` step always
/// has one (without `expect` it must succeed), a `sets` step is one, a `resolve` or `poll`
/// step has one when it has `expect`, and a `limits` step never has one. A failed
/// expectation does not stop the run.
///
/// # Example
/// ```
/// use version_sets::trace;
///
/// let steps = trace::parse(br#"
/// {"update": {"addNewBuildIdInNewDefaultSet": "1.0"}, "expect": "changed"}
/// {"update": {"promoteSetByBuildId": "2.0"}, "expect": "noop"}
/// "#)?;
/// let report = trace::run(&steps);
/// assert_eq!((report.passed, report.failed()), (1, 1));
/// assert_eq!(
///     report.failures[0].to_string(),
///     r#"line 3: expected "noop", got {"error":"NOT_FOUND","message":"targeted version 2.0 not found"}"#
/// );
/// # Ok::<(), trace::TraceError>(())
/// ```
pub fn run(steps: &[Step]) -> Report {
    let mut report = Report {
        passed: 0,
        failures: Vec::new(),
        state: VersionSets::new(),
    };
    let mut limits = Limits::NONE;
    for (index, step) in (1_i64..).zip(steps) {
        let checked = match &step.action {
            Action::Update { update, expect } => {
                let result = report.state.apply(update, index, limits);
                let got = outcome_text(&result);
                Some(match expect {
                    None => (result.is_ok(), r#""changed" or "noop""#.to_owned(), got),
                    Some(expect) => (holds(expect, &result), expect.to_string(), got),
                })
            }
            Action::Limits(new) => {
                limits = *new;
                None
            }
            Action::Sets(expected) => {
                let got = listing(&report.state);
                Some((got == *expected, sets_text(expected), sets_text(&got)))
            }
            Action::Resolve {
                intent,
                build_id,
                same_task_queue,
                expect,
            } => expect.as_ref().map(|expect| {
                let got = report
                    .state
                    .resolve(
                        *intent,
                        build_id.as_ref().map(BuildId::as_str),
                        if *same_task_queue {
                            TargetQueue::Same
                        } else {
                            TargetQueue::Other
                        },
                    )
                    .into_target();
                (got == *expect, target_text(expect), target_text(&got))
            }),
            Action::Poll { build_id, expect } => expect.as_ref().map(|expect| {
                let got = poll(&report.state, build_id);
                (got == *expect, expect.to_string(), got.to_string())
            }),
        };
        match checked {
            None => {}
            Some((true, _, _)) => report.passed += 1,
            Some((false, expected, got)) => {
                report.failures.push(Failure {
                    line: step.line,
                    expected,
                    got,
                });
            }
        }
    }
    report
}

/// Whether an update's result is the one expected.
fn holds(expect: &UpdateExpectation, result: &Result<Outcome, UpdateError>) -> bool {
    match (expect, result) {
        (UpdateExpectation::Changed, Ok(Outcome::Changed))
        | (UpdateExpectation::NoOp, Ok(Outcome::NoOp)) => true,
        (UpdateExpectation::Error { code, message }, Err(error)) => {
            *code == error.code()
                && message
                    .as_ref()
                    .is_none_or(|message| *message == error.to_string())
        }
        _ => false,
    }
}

/// An update's result in the trace's syntax; an error always with its message.
fn outcome_text(result: &Result<Outcome, UpdateError>) -> String {
    match result {
        Ok(Outcome::Changed) => UpdateExpectation::Changed.to_string(),
        Ok(Outcome::NoOp) => UpdateExpectation::NoOp.to_string(),
        Err(error) => UpdateExpectation::Error {
            code: error.code(),
            message: Some(error.to_string()),
        }
        .to_string(),
    }
}

/// The public listing: live build IDs of each set, oldest set first.
fn listing(state: &VersionSets) -> Vec<Vec<BuildId>> {
    state
        .response(0)
        .major_version_sets
        .into_iter()
        .map(|set| set.build_ids)
        .collect()
}

/// The answer to a poll, in the terms of a `poll` expectation.
fn poll(state: &VersionSets, build_id: &BuildId) -> PollExpectation {
    match state.poll(build_id) {
        Ok(DispatchQueue::Set(_)) => PollExpectation::Accepted,
        Ok(DispatchQueue::Guessed(_) | DispatchQueue::Unversioned) => {
            PollExpectation::UnknownBuildId
        }
        Err(newer) => PollExpectation::NewerBuildExists(newer.default_build_id),
    }
}
