//! Running: playing steps against the model ([`Session`], [`run`]) and checking their
//! expectations ([`check`]).

use std::collections::HashMap;
use std::fmt;

use crate::types::{
    Action, Observation, PollExpectation, Reachability, Step, StickyExpectation,
    TaskQueueExpectation, UpdateExpectation, Verdict,
};
use version_sets::{
    BuildId, DispatchQueue, Limits, Namespace, NamespaceLimits, NamespaceUpdateError, Outcome,
    ReachabilityQuery, StatusFilter, VersionSets,
};

/// The task queue of a step that names none: the trace's one default queue. A step naming
/// it explicitly acts on the same queue.
pub const DEFAULT_TASK_QUEUE: &str = "default";

/// What running a trace found.
#[derive(Debug, Clone)]
pub struct Report {
    /// Expectations that held.
    pub passed: usize,
    /// The expectations that did not hold, in trace order.
    pub failures: Vec<Failure>,
    /// The sets the trace left on its default queue ([`DEFAULT_TASK_QUEUE`]).
    pub state: VersionSets,
    /// Every task queue the trace left, the default one included.
    pub namespace: Namespace,
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
        match check(step, &observed) {
            Verdict::Unchecked => {}
            Verdict::Passed => passed += 1,
            Verdict::Failed => failures.push(Failure {
                line: step.line,
                expected: expected_text(step),
                got: observed.to_string(),
            }),
        }
    }
    Report {
        passed,
        failures,
        state: session.state().clone(),
        namespace: session.namespace,
    }
}

/// The model behind a trace, one step at a time: a namespace of task queues (a step acts on
/// its `taskQueue`, or on [`DEFAULT_TASK_QUEUE`]), the limits in force, the marks taken so
/// far and the position of the next step. `version-sets serve` answers the conformance
/// protocol with one.
#[derive(Debug, Clone)]
pub struct Session {
    namespace: Namespace,
    limits: NamespaceLimits,
    marks: HashMap<String, VersionSets>,
    position: i64,
    /// What a queue no step touched holds.
    empty: VersionSets,
}

impl Default for Session {
    fn default() -> Self {
        Self::new()
    }
}

impl Session {
    /// A fresh session: an empty default task queue, no limits of a queue's own, the
    /// namespace's default `taskQueuesPerBuildId` (20), no marks.
    pub fn new() -> Self {
        let mut namespace = Namespace::new();
        // The default queue always exists, so that `state` can lend it. Putting an empty
        // queue maps nothing.
        let _ = namespace.insert(DEFAULT_TASK_QUEUE, VersionSets::new());
        Self {
            namespace,
            limits: NamespaceLimits {
                queue: Limits::NONE,
                task_queues_per_build_id: NamespaceLimits::SERVER_DEFAULT.task_queues_per_build_id,
            },
            marks: HashMap::new(),
            position: 0,
            empty: VersionSets::new(),
        }
    }

    /// The current state of the default task queue ([`DEFAULT_TASK_QUEUE`]).
    pub fn state(&self) -> &VersionSets {
        self.namespace
            .queue(DEFAULT_TASK_QUEUE)
            .unwrap_or(&self.empty)
    }

    /// Every task queue of the session, the default one included.
    pub fn namespace(&self) -> &Namespace {
        &self.namespace
    }

    /// The current state of `task_queue` (empty when no step touched it).
    fn queue(&self, task_queue: &str) -> VersionSets {
        self.namespace
            .queue(task_queue)
            .cloned()
            .unwrap_or_default()
    }

    /// Replaces `task_queue`'s data with what `change` makes of it, as a write that is no
    /// public update (removal, replication): the namespace's mapping follows, unlimited.
    fn rewrite<T>(&mut self, task_queue: &str, change: impl FnOnce(&mut VersionSets) -> T) -> T {
        let mut sets = self.queue(task_queue);
        let result = change(&mut sets);
        // The reader checked the name, and the default is valid.
        let _ = self.namespace.insert(task_queue, sets);
        result
    }

    /// Plays one step and returns what the model observed, in the form the step's `expect`
    /// takes (a `sets` step: the listing); [`Observation::Nothing`] for `limits`, `start` and
    /// `mark` steps, and for a `deltas` step naming a mark this session never took.
    ///
    /// # Example
    /// ```
    /// use version_sets_trace::{Session, parse_step};
    ///
    /// let mut session = Session::new();
    /// let step = parse_step(r#"{"update": {"addNewBuildIdInNewDefaultSet": ""}}"#)?;
    /// assert_eq!(
    ///     session.observe(&step).to_string(),
    ///     r#"{"error":"INVALID_ARGUMENT","message":"addNewBuildIdInNewDefaultSet: build ID must not be empty"}"#
    /// );
    /// # Ok::<(), version_sets_trace::TraceError>(())
    /// ```
    pub fn observe(&mut self, step: &Step) -> Observation {
        self.position += 1;
        let now = step.now.unwrap_or(self.position);
        let task_queue = step.task_queue.as_deref().unwrap_or(DEFAULT_TASK_QUEUE);
        let state = self.namespace.queue(task_queue).unwrap_or(&self.empty);
        match &step.action {
            Action::Update { update, .. } => {
                outcome(&self.namespace.apply(task_queue, update, now, self.limits))
            }
            Action::InvalidUpdate { update, .. } => Observation::Change(UpdateExpectation::Error {
                code: update.code(),
                message: Some(update.to_string()),
            }),
            Action::Limits(new) => {
                self.limits = *new;
                Observation::Nothing
            }
            Action::Start(start) => {
                let start = start.clone();
                self.rewrite(task_queue, |sets| *sets = start);
                Observation::Nothing
            }
            Action::Mark(name) => {
                let marked = state.clone();
                self.marks.insert(name.clone(), marked);
                Observation::Nothing
            }
            Action::Sets(_) => Observation::Listing(listing(state, 0)),
            Action::View { max_sets, .. } => Observation::Listing(listing(state, *max_sets)),
            Action::Resolve {
                intent,
                build_id,
                queue,
                ..
            } => Observation::Target(
                state
                    .resolve(*intent, build_id.as_ref().map(BuildId::as_str), *queue)
                    .into_target(),
            ),
            Action::Poll { build_id, .. } => Observation::Poll(poll(state, build_id)),
            Action::RemoveBuildIds { build_ids, .. } => {
                change(self.rewrite(task_queue, |sets| sets.remove_build_ids(build_ids, now)))
            }
            Action::ClearTombstones { .. } => {
                change(self.rewrite(task_queue, VersionSets::clear_tombstones))
            }
            Action::PersistUnknownBuildId { build_id, .. } => {
                change(self.rewrite(task_queue, |sets| {
                    sets.persist_unknown_build_id(build_id, now)
                }))
            }
            Action::Deltas { since, .. } => self
                .marks
                .get(since)
                .map_or(Observation::Nothing, |before| {
                    Observation::Deltas(before.build_id_deltas(state))
                }),
            Action::AddTask { build_id, .. } => Observation::TaskQueue(
                match state.add_task(build_id.as_ref().map(BuildId::as_str)) {
                    DispatchQueue::Unversioned => TaskQueueExpectation::Unversioned,
                    DispatchQueue::Set(set) => {
                        TaskQueueExpectation::Set(set.primary_set_id().clone())
                    }
                    DispatchQueue::Guessed(guess) => TaskQueueExpectation::Guessed(guess.set_id()),
                },
            ),
            Action::StickyPoll { build_id, .. } => {
                Observation::Sticky(match state.sticky_poll(build_id.as_str()) {
                    Ok(()) => StickyExpectation::Accepted,
                    Err(newer) => StickyExpectation::NewerBuildExists(newer.default_build_id),
                })
            }
            Action::StickyAdd { build_id, .. } => {
                Observation::Sticky(match state.sticky_add(build_id.as_str()) {
                    Ok(()) => StickyExpectation::Accepted,
                    Err(_) => StickyExpectation::StickyWorkerUnavailable,
                })
            }
            Action::MergeReplica { replica, .. } => change(self.rewrite(task_queue, |sets| {
                let before = sets.to_data();
                *sets = sets.join(replica);
                if sets.to_data() == before {
                    Outcome::NoOp
                } else {
                    Outcome::Changed
                }
            })),
            Action::ReceiveReplica {
                replica, in_use, ..
            } => Observation::BuildIds(self.rewrite(task_queue, |sets| {
                let received = sets.receive(replica, now, |id| in_use.contains(id));
                *sets = received.state;
                received.revived
            })),
            Action::GcPlan {
                policy,
                now,
                in_use,
                ..
            } => {
                let mut removable =
                    state.removable_build_ids(policy, *now, |id| in_use.contains(id));
                removable.sort();
                Observation::BuildIds(removable)
            }
            Action::Reachability { query, .. } => reachability(state, query),
        }
    }
}

/// Whether `observed` meets the step's expectation.
///
/// An expected error without a message matches any message with its code; an `update`
/// without `expect` must succeed.
///
/// # Example
/// ```
/// use version_sets_trace::{Observation, UpdateExpectation, Verdict, check, parse_step};
/// use version_sets::Code;
///
/// let step = parse_step(r#"{"update": {"promoteSetByBuildId": "9"}, "expect": {"error": "NOT_FOUND"}}"#)?;
/// let error = UpdateExpectation::Error { code: Code::NotFound, message: Some("anything".into()) };
/// assert_eq!(check(&step, &Observation::Change(error)), Verdict::Passed);
/// assert_eq!(check(&step, &Observation::Change(UpdateExpectation::NoOp)), Verdict::Failed);
/// # Ok::<(), version_sets_trace::TraceError>(())
/// ```
pub fn check(step: &Step, observed: &Observation) -> Verdict {
    let holds = match (&step.action, step.action.expectation()) {
        (Action::Update { .. } | Action::InvalidUpdate { .. }, None) => matches!(
            observed,
            Observation::Change(UpdateExpectation::Changed | UpdateExpectation::NoOp)
        ),
        (_, None) => return Verdict::Unchecked,
        (_, Some(expected)) => observed.meets(&expected),
    };
    if holds {
        Verdict::Passed
    } else {
        Verdict::Failed
    }
}

/// What a step expected, as a failure shows it.
fn expected_text(step: &Step) -> String {
    match step.action.expectation() {
        Some(expected) => expected.to_string(),
        None => r#""changed" or "noop""#.to_owned(),
    }
}

/// An update's result; an error always with its message.
fn outcome(result: &Result<Outcome, NamespaceUpdateError>) -> Observation {
    match result {
        Ok(outcome) => change(*outcome),
        Err(error) => Observation::Change(UpdateExpectation::Error {
            code: error.code(),
            message: Some(error.to_string()),
        }),
    }
}

/// `"changed"` or `"noop"`.
fn change(outcome: Outcome) -> Observation {
    Observation::Change(match outcome {
        Outcome::Changed => UpdateExpectation::Changed,
        Outcome::NoOp => UpdateExpectation::NoOp,
    })
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

/// What the model answers to a reachability step: the kinds found, `NEW_WORKFLOWS` first.
fn reachability(state: &VersionSets, query: &Reachability) -> Observation {
    // Search-attribute values: `""` names unversioned workflows, anything else a build ID.
    let attribute = |id: &String| match id.as_str() {
        "" => "unversioned".to_owned(),
        id => format!("versioned:{id}"),
    };
    let open: Vec<String> = query.open.iter().map(attribute).collect();
    let closed: Vec<String> = query.closed.iter().map(attribute).collect();
    let request = ReachabilityQuery {
        build_ids: &[query.build_id.as_str()],
        kind: query.kind,
        max_build_ids: 1,
    };
    let answers = state.reachability(&request, query.now_ms, |visibility| {
        let any = |present: &[String]| {
            visibility
                .build_ids
                .iter()
                .any(|value| present.contains(value))
        };
        // Workflows that have run no task are open ones (the crate asks about them only
        // when they can match).
        let open = any(&open) || (visibility.unprocessed && query.unprocessed);
        match visibility.status {
            StatusFilter::Any => open || any(&closed),
            StatusFilter::Running => open,
            StatusFilter::Closed => any(&closed),
        }
    });
    match answers {
        Ok(answers) => Observation::Reachability(
            answers
                .into_iter()
                .flat_map(|answer| answer.reachability)
                .collect(),
        ),
        // Unreachable: the parser refuses an overlong build ID, and one is within the limit.
        Err(error) => Observation::Change(UpdateExpectation::Error {
            code: error.code(),
            message: Some(error.to_string()),
        }),
    }
}
