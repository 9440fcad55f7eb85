//! Running parsed steps against the model and checking their expectations.

use std::collections::HashMap;
use std::fmt;

use serde_json::{Value, json};

use super::replication::{ids_json, observe_reachability};
use super::step::{
    Action, PollExpectation, Step, StickyExpectation, TaskQueueExpectation, UpdateExpectation,
    deltas_json, sets_json, target_json,
};
use version_sets::{
    BuildId, DispatchQueue, Limits, Outcome, TargetQueue, UpdateError, VersionSets,
};

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

/// Runs `steps` from an empty task queue with no limits (or from the state of a leading
/// `start` step).
///
/// Every step that stamps a change (`update`, `removeBuildIds`, `persistUnknownBuildId`,
/// `receiveReplica`) is stamped with its `now` when it gives one, else with its position
/// among the steps, counting from 1. Expectations are counted as follows: an `update` step always has one
/// (without `expect` it must succeed), a `sets` step is one, any other step has one when it
/// has `expect`, and `limits`, `start` and `mark` steps never have one. A failed expectation
/// does not stop the run.
///
/// # Example
/// ```
/// use version_sets_trace as trace;
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
    let mut session = Session::new();
    let mut passed = 0;
    let mut failures = Vec::new();
    for step in steps {
        let observed = session.observe(step);
        match check(step, observed.as_ref()) {
            None => {}
            Some(true) => passed += 1,
            Some(false) => failures.push(Failure {
                line: step.line,
                expected: expected_text(step),
                got: observed.map_or_else(String::new, |got| got.to_string()),
            }),
        }
    }
    Report {
        passed,
        failures,
        state: session.state,
    }
}

/// The model behind a trace, one step at a time: the state, the limits in force, the marks
/// taken so far and the position of the next step. `version-sets serve` answers the
/// conformance protocol with one.
#[derive(Debug, Clone)]
pub struct Session {
    state: VersionSets,
    limits: Limits,
    marks: HashMap<String, VersionSets>,
    position: i64,
}

impl Default for Session {
    fn default() -> Self {
        Self::new()
    }
}

impl Session {
    /// A fresh session: an empty task queue, no limits, no marks.
    pub fn new() -> Self {
        Self {
            state: VersionSets::new(),
            limits: Limits::NONE,
            marks: HashMap::new(),
            position: 0,
        }
    }

    /// The current state.
    pub fn state(&self) -> &VersionSets {
        &self.state
    }

    /// Plays one step and returns what the model observed, in the form the step's `expect`
    /// takes (a `sets` step: the listing); `None` for `limits`, `start` and `mark` steps,
    /// which observe nothing, and for a `deltas` step naming a mark this session never took.
    ///
    /// # Example
    /// ```
    /// use version_sets_trace::{Session, parse_step};
    ///
    /// let mut session = Session::new();
    /// let step = parse_step(r#"{"update": {"addNewBuildIdInNewDefaultSet": ""}}"#)?;
    /// assert_eq!(
    ///     session.observe(&step).map(|got| got.to_string()).as_deref(),
    ///     Some(r#"{"error":"INVALID_ARGUMENT","message":"addNewBuildIdInNewDefaultSet: build ID must not be empty"}"#)
    /// );
    /// # Ok::<(), version_sets_trace::TraceError>(())
    /// ```
    pub fn observe(&mut self, step: &Step) -> Option<Value> {
        self.position += 1;
        let now = step.now.unwrap_or(self.position);
        match &step.action {
            Action::Update { update, .. } => {
                Some(outcome_json(&self.state.apply(update, now, self.limits)))
            }
            Action::InvalidUpdate { update, .. } => Some(
                UpdateExpectation::Error {
                    code: update.code(),
                    message: Some(update.to_string()),
                }
                .to_json(),
            ),
            Action::Limits(new) => {
                self.limits = *new;
                None
            }
            Action::Start(state) => {
                self.state = state.clone();
                None
            }
            Action::Mark(name) => {
                self.marks.insert(name.clone(), self.state.clone());
                None
            }
            Action::Sets(_) => Some(sets_json(&listing(&self.state, 0))),
            Action::View { max_sets, .. } => Some(sets_json(&listing(&self.state, *max_sets))),
            Action::Resolve {
                intent,
                build_id,
                same_task_queue,
                ..
            } => Some(target_json(
                &self
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
                    .into_target(),
            )),
            Action::Poll { build_id, .. } => Some(poll(&self.state, build_id).to_json()),
            Action::RemoveBuildIds { build_ids, .. } => {
                Some(change_json(self.state.remove_build_ids(build_ids, now)))
            }
            Action::ClearTombstones { .. } => Some(change_json(self.state.clear_tombstones())),
            Action::PersistUnknownBuildId { build_id, .. } => Some(change_json(
                self.state.persist_unknown_build_id(build_id, now),
            )),
            Action::Deltas { since, .. } => self
                .marks
                .get(since)
                .map(|before| deltas_json(&before.build_id_deltas(&self.state))),
            Action::AddTask { build_id, .. } => Some(
                match self.state.add_task(build_id.as_ref().map(BuildId::as_str)) {
                    DispatchQueue::Unversioned => TaskQueueExpectation::Unversioned,
                    DispatchQueue::Set(set) => {
                        TaskQueueExpectation::Set(set.primary_set_id().clone())
                    }
                    DispatchQueue::Guessed(guess) => TaskQueueExpectation::Guessed(guess.set_id()),
                }
                .to_json(),
            ),
            Action::StickyPoll { build_id, .. } => Some(
                match self.state.sticky_poll(build_id.as_str()) {
                    Ok(()) => StickyExpectation::Accepted,
                    Err(newer) => StickyExpectation::NewerBuildExists(newer.default_build_id),
                }
                .to_json(),
            ),
            Action::StickyAdd { build_id, .. } => Some(
                match self.state.sticky_add(build_id.as_str()) {
                    Ok(()) => StickyExpectation::Accepted,
                    Err(_) => StickyExpectation::StickyWorkerUnavailable,
                }
                .to_json(),
            ),
            Action::MergeReplica { replica, .. } => {
                let before = self.state.to_data();
                self.state = self.state.join(replica);
                Some(change_json(if self.state.to_data() == before {
                    Outcome::NoOp
                } else {
                    Outcome::Changed
                }))
            }
            Action::ReceiveReplica {
                replica, in_use, ..
            } => {
                let received = self.state.receive(replica, now, |id| in_use.contains(id));
                self.state = received.state;
                Some(ids_json(&received.revived))
            }
            Action::GcPlan {
                policy,
                now,
                in_use,
                ..
            } => {
                let mut removable = self
                    .state
                    .removable_build_ids(policy, *now, |id| in_use.contains(id));
                removable.sort();
                Some(ids_json(&removable))
            }
            Action::Reachability { query, .. } => Some(observe_reachability(&self.state, query)),
        }
    }
}

/// Whether `observed` meets the step's expectation; `None` when the step checks nothing.
///
/// An expected error without a message matches any message with its code; an `update`
/// without `expect` must succeed.
///
/// # Example
/// ```
/// use serde_json::json;
/// use version_sets_trace::{check, parse_step};
///
/// let step = parse_step(r#"{"update": {"promoteSetByBuildId": "9"}, "expect": {"error": "NOT_FOUND"}}"#)?;
/// assert_eq!(check(&step, Some(&json!({"error": "NOT_FOUND", "message": "anything"}))), Some(true));
/// assert_eq!(check(&step, Some(&json!("noop"))), Some(false));
/// # Ok::<(), version_sets_trace::TraceError>(())
/// ```
pub fn check(step: &Step, observed: Option<&Value>) -> Option<bool> {
    let expected = match (&step.action, step.action.expectation()) {
        (Action::Sets(sets), _) => sets_json(sets),
        (Action::Update { .. } | Action::InvalidUpdate { .. }, None) => {
            return Some(observed.is_some_and(|got| got == "changed" || got == "noop"));
        }
        (_, None) => return None,
        (_, Some(expected)) => expected,
    };
    Some(observed.is_some_and(|got| matches(&expected, got)))
}

/// `got` equals `expected`, except that an expected error without a message matches any
/// message.
pub(crate) fn matches(expected: &Value, got: &Value) -> bool {
    match (expected, got) {
        (Value::Object(want), Value::Object(have))
            if want.contains_key("error") && !want.contains_key("message") =>
        {
            want.get("error") == have.get("error")
        }
        _ => expected == got,
    }
}

/// What a step expected, as a failure shows it.
fn expected_text(step: &Step) -> String {
    match (&step.action, step.action.expectation()) {
        (Action::Sets(sets), _) => sets_json(sets).to_string(),
        (_, Some(expected)) => expected.to_string(),
        (_, None) => r#""changed" or "noop""#.to_owned(),
    }
}

/// An update's result in the trace's syntax; an error always with its message.
fn outcome_json(result: &Result<Outcome, UpdateError>) -> Value {
    match result {
        Ok(outcome) => change_json(*outcome),
        Err(error) => UpdateExpectation::Error {
            code: error.code(),
            message: Some(error.to_string()),
        }
        .to_json(),
    }
}

/// `"changed"` or `"noop"`.
fn change_json(outcome: Outcome) -> Value {
    match outcome {
        Outcome::Changed => json!("changed"),
        Outcome::NoOp => json!("noop"),
    }
}

/// The public listing: live build IDs of each set, oldest set first, the newest `max_sets`
/// (`0`: all).
fn listing(state: &VersionSets, max_sets: usize) -> Vec<Vec<BuildId>> {
    state
        .response(max_sets)
        .major_version_sets
        .into_iter()
        .map(|set| set.build_ids)
        .collect()
}

/// The answer to a poll, in the terms of a `poll` expectation.
fn poll(state: &VersionSets, build_id: &BuildId) -> PollExpectation {
    match state.poll(build_id.as_str()) {
        Ok(DispatchQueue::Set(_)) => PollExpectation::Accepted,
        Ok(DispatchQueue::Guessed(_) | DispatchQueue::Unversioned) => {
            PollExpectation::UnknownBuildId
        }
        Err(newer) => PollExpectation::NewerBuildExists(newer.default_build_id),
    }
}
