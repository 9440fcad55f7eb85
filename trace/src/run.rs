//! Running: playing steps against the model ([`Session`], [`run`]) and checking their
//! expectations ([`check`]). `marks` holds the marks and the journal `deltas` reads; `work`
//! the bound on the steps that read a whole queue.

mod marks;
mod work;

use std::collections::BTreeSet;
use std::fmt;

use crate::types::{
    Action, Observation, PollExpectation, Reachability, Step, StickyExpectation,
    TaskQueueExpectation, UpdateExpectation, Verdict,
};
use version_sets::{
    BuildId, DispatchQueue, Limits, Namespace, NamespaceLimits, NamespaceUpdateError, Outcome,
    ReachabilityQuery, StatusFilter, Update, VersionSets,
};

use crate::read::{TraceError, steps};
use marks::{Marks, is_active};
use work::Ledger;
pub use work::{OverBound, REPLICA_UNITS, WORK_FLOOR, WORK_PER_BYTE};

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
    /// Every task queue the trace left, the default one included.
    pub namespace: Namespace,
    /// What [`state`](Self::state) lends when the default queue is missing (never, as
    /// [`Session::new`] makes it).
    empty: VersionSets,
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

    /// The sets the trace left on its default queue ([`DEFAULT_TASK_QUEUE`]), lent from
    /// [`namespace`](Self::namespace) (a copy beside it would double the report's memory).
    pub fn state(&self) -> &VersionSets {
        self.namespace
            .queue(DEFAULT_TASK_QUEUE)
            .unwrap_or(&self.empty)
    }

    /// The sets the trace left on its default queue, taken without a copy.
    pub fn into_state(self) -> VersionSets {
        self.namespace
            .into_queue(DEFAULT_TASK_QUEUE)
            .unwrap_or_default()
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
    let mut runner = Runner::new();
    for step in steps {
        runner.step(step);
    }
    runner.report()
}

/// Parses and runs a trace, as [`run`] of [`parse`](crate::parse) does, holding one parsed
/// step at a time: the text is read twice, once to check every line (a malformed line
/// anywhere means no step runs) and once to run each step as it is read. A trace of many
/// short steps would otherwise keep each one's parsed form, several times its line.
///
/// Unlike [`run`], it bounds the work of the steps that read a whole queue by the text's
/// length ([`Session::observe_bounded`], with every byte of `bytes` received).
///
/// # Errors
/// The first malformed line, as for [`parse`](crate::parse) ([`ReplayError::Malformed`]);
/// or the first step past the bound ([`ReplayError::OverBound`]): the steps before it ran,
/// and the run stops there.
///
/// # Example
/// ```
/// use version_sets_trace as trace;
///
/// let text = br#"{"update": {"addNewBuildIdInNewDefaultSet": "1.0"}, "expect": "changed"}
/// {"update": {"promoteSetByBuildId": "2.0"}, "expect": "noop"}"#;
/// let report = trace::replay(text)?;
/// assert_eq!((report.passed, report.failed()), (1, 1));
/// let err = trace::replay(b"{\"mark\": \"m\"}\n{\"pol\": \"1.0\"}").unwrap_err();
/// assert_eq!(err.to_string(), r#"line 2: unknown key "pol""#);
/// # Ok::<(), trace::ReplayError>(())
/// ```
pub fn replay(bytes: &[u8]) -> Result<Report, ReplayError> {
    for step in steps(bytes) {
        step?;
    }
    let mut runner = Runner::new();
    runner.session.receive(bytes.len());
    for step in steps(bytes) {
        let step = step?;
        let observed = runner.session.observe_bounded(&step)?;
        runner.verdict(&step, &observed);
    }
    Ok(runner.report())
}

/// Why [`replay`] stopped. `Display` is `line N: problem`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReplayError {
    /// A malformed line: no step ran.
    Malformed(TraceError),
    /// A step past the bound on whole-queue work: the steps before it ran.
    OverBound(OverBound),
}

impl ReplayError {
    /// The 1-based line of the malformed or refused step.
    pub fn line(&self) -> usize {
        match self {
            Self::Malformed(error) => error.line(),
            Self::OverBound(error) => error.line(),
        }
    }

    /// What is wrong, without the line.
    pub fn problem(&self) -> String {
        match self {
            Self::Malformed(error) => error.problem().to_owned(),
            Self::OverBound(error) => error.problem(),
        }
    }
}

impl fmt::Display for ReplayError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Malformed(error) => error.fmt(f),
            Self::OverBound(error) => error.fmt(f),
        }
    }
}

impl std::error::Error for ReplayError {}

impl From<TraceError> for ReplayError {
    fn from(error: TraceError) -> Self {
        Self::Malformed(error)
    }
}

impl From<OverBound> for ReplayError {
    fn from(error: OverBound) -> Self {
        Self::OverBound(error)
    }
}

/// A run in progress: the session and the verdicts so far.
struct Runner {
    session: Session,
    passed: usize,
    failures: Vec<Failure>,
}

impl Runner {
    fn new() -> Self {
        Self {
            session: Session::new(),
            passed: 0,
            failures: Vec::new(),
        }
    }

    fn step(&mut self, step: &Step) {
        let observed = self.session.observe(step);
        self.verdict(step, &observed);
    }

    /// Counts whether `observed` meets the step's expectation.
    fn verdict(&mut self, step: &Step, observed: &Observation) {
        match check(step, observed) {
            Verdict::Unchecked => {}
            Verdict::Passed => self.passed += 1,
            Verdict::Failed => self.failures.push(Failure {
                line: step.line,
                expected: expected_text(step),
                got: observed.to_string(),
            }),
        }
    }

    fn report(self) -> Report {
        Report {
            passed: self.passed,
            failures: self.failures,
            namespace: self.session.namespace,
            empty: VersionSets::new(),
        }
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
    marks: Marks,
    position: i64,
    /// The input received and the whole-queue work spent, for [`observe_bounded`](Self::observe_bounded).
    ledger: Ledger,
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
            marks: Marks::default(),
            position: 0,
            ledger: Ledger::default(),
            empty: VersionSets::new(),
        }
    }

    /// Counts `bytes` more of input received, each of which lets
    /// [`observe_bounded`](Self::observe_bounded) spend [`WORK_PER_BYTE`] more units of
    /// whole-queue work.
    pub fn receive(&mut self, bytes: usize) {
        self.ledger.receive(bytes);
    }

    /// Plays one step as [`observe`](Self::observe) does, unless it reads a whole queue and
    /// the units it reads would take the session's whole-queue work past [`WORK_FLOOR`] +
    /// [`WORK_PER_BYTE`] × the bytes [`receive`](Self::receive)d. A unit is one set or one
    /// build ID (tombstones included) of the queue read ([`REPLICA_UNITS`] for the replica
    /// steps), or one entry of a mark's journal: `sets`, `view` (its newest `maxSets`
    /// sets), `gcPlan`, `clearTombstones`, `start`, `mergeReplica` and `receiveReplica` read
    /// the step's queue (its state before the step), `reachability` the asked build ID's
    /// set (every set, for the unversioned), and `deltas` the journal since its mark (and
    /// both queues, asked on another queue). Every other step costs O(its own line) and is
    /// never refused.
    ///
    /// # Errors
    /// [`OverBound`], and the session is as before the step, except that the step used up
    /// what was left: until more input is received, a later step that reads any of a queue
    /// is refused too.
    ///
    /// # Example
    /// ```
    /// use version_sets_trace::{Session, parse_step};
    ///
    /// let mut session = Session::new();
    /// let sets = parse_step(r#"{"sets": []}"#)?;
    /// assert!(session.observe_bounded(&sets).is_ok());
    /// # Ok::<(), version_sets_trace::TraceError>(())
    /// ```
    pub fn observe_bounded(&mut self, step: &Step) -> Result<Observation, OverBound> {
        let units = self.work(step);
        self.ledger.spend(step, units)?;
        Ok(self.observe(step))
    }

    /// The units spent and the bytes received, for the test that the bound is far above
    /// what real traces spend.
    #[cfg(test)]
    pub(crate) fn spent_for_test(&self) -> (u64, u64) {
        self.ledger.spent_for_test()
    }

    /// The units of whole-queue work `step` would do now ([`observe_bounded`](Self::observe_bounded)).
    fn work(&self, step: &Step) -> u64 {
        let task_queue = step.task_queue.as_deref().unwrap_or(DEFAULT_TASK_QUEUE);
        let queue_of = |name: &str| self.namespace.queue(name).unwrap_or(&self.empty);
        let state = queue_of(task_queue);
        match &step.action {
            Action::Sets(_)
            | Action::GcPlan { .. }
            | Action::ClearTombstones { .. }
            | Action::Start(_) => work::whole(state),
            Action::MergeReplica { .. } | Action::ReceiveReplica { .. } => {
                work::whole(state).saturating_mul(REPLICA_UNITS)
            }
            Action::View { max_sets, .. } => work::newest(state, *max_sets, self.ledger.left()),
            Action::Reachability { query, .. } => match query.build_id.as_str() {
                "" => u64::try_from(state.set_count()).unwrap_or(u64::MAX),
                id => state
                    .set_of(id)
                    .map_or(0, |set| u64::try_from(set.len()).unwrap_or(u64::MAX)),
            },
            Action::Deltas { since, .. } => self
                .marks
                .work(since, task_queue, |name| work::whole(queue_of(name))),
            Action::Update { .. }
            | Action::InvalidUpdate { .. }
            | Action::Limits(_)
            | Action::Mark(_)
            | Action::Resolve { .. }
            | Action::Poll { .. }
            | Action::RemoveBuildIds { .. }
            | Action::PersistUnknownBuildId { .. }
            | Action::AddTask { .. }
            | Action::StickyPoll { .. }
            | Action::StickyAdd { .. } => 0,
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

    /// How many build-ID entries the marks' journals hold: a mark costs O(1) and what
    /// changes after it, one entry per build ID whose active state changed between two
    /// marks of its queue, never a copy of the state.
    ///
    /// # Example
    /// ```
    /// use version_sets_trace::{Session, parse_step};
    ///
    /// let mut session = Session::new();
    /// for line in [
    ///     r#"{"update": {"addNewBuildIdInNewDefaultSet": "1.0"}}"#,
    ///     r#"{"mark": "m"}"#,
    ///     r#"{"update": {"addNewBuildIdInNewDefaultSet": "2.0"}}"#,
    ///     r#"{"update": {"addNewBuildIdInNewDefaultSet": "2.0"}}"#,
    /// ] {
    ///     session.observe(&parse_step(line)?);
    /// }
    /// assert_eq!(session.mark_entries(), 1);
    /// # Ok::<(), version_sets_trace::TraceError>(())
    /// ```
    pub fn mark_entries(&self) -> usize {
        self.marks.entries()
    }

    /// Runs a write that is no public update on `task_queue` in place through the
    /// namespace (`write`), recording in the marks' journal each of `touched` (every build
    /// ID the write can make active or inactive) whose active state changed.
    fn write_in_place(
        &mut self,
        task_queue: &str,
        touched: &[BuildId],
        write: impl FnOnce(&mut Namespace) -> Outcome,
    ) -> Outcome {
        let before = self.touched_before(task_queue, touched);
        let outcome = write(&mut self.namespace);
        self.record(task_queue, before);
        outcome
    }

    /// Each of `touched` with whether `task_queue` holds it active, when the queue keeps a
    /// journal (else nothing: no mark needs its changes).
    fn touched_before(&self, task_queue: &str, touched: &[BuildId]) -> Vec<(BuildId, bool)> {
        if !self.marks.journals(task_queue) {
            return Vec::new();
        }
        let state = self.namespace.queue(task_queue).unwrap_or(&self.empty);
        touched
            .iter()
            .map(|id| (id.clone(), is_active(state, id.as_str())))
            .collect()
    }

    /// Records in the journal each of `before` whose active state is no longer the one
    /// given.
    fn record(&mut self, task_queue: &str, before: Vec<(BuildId, bool)>) {
        let state = self.namespace.queue(task_queue).unwrap_or(&self.empty);
        let changed: Vec<(BuildId, bool)> = before
            .into_iter()
            .filter(|(id, was)| is_active(state, id.as_str()) != *was)
            .collect();
        for (id, was) in &changed {
            self.marks.record(task_queue, id, *was);
        }
    }

    /// Replaces `task_queue`'s data with what `make` makes of it, as a write that is no
    /// public update (a start step, replication): the namespace's mapping follows, unlimited,
    /// and the marks' journal records the build-ID deltas. O(both states), no copy of the
    /// current one.
    fn replace<T>(
        &mut self,
        task_queue: &str,
        make: impl FnOnce(&VersionSets) -> (VersionSets, T),
    ) -> T {
        let current = self.namespace.queue(task_queue).unwrap_or(&self.empty);
        let (new, result) = make(current);
        if self.marks.journals(task_queue) {
            let deltas = current.build_id_deltas(&new);
            self.marks.record_deltas(task_queue, &deltas);
        }
        // The reader checked the name, and the default is valid.
        let _ = self.namespace.insert(task_queue, new);
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
                let before = self.touched_before(task_queue, added_by(update));
                let result = self.namespace.apply(task_queue, update, now, self.limits);
                self.record(task_queue, before);
                outcome(&result)
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
                self.replace(task_queue, |_| (VersionSets::clone(start), ()));
                Observation::Nothing
            }
            Action::Mark(name) => {
                self.marks.mark(name, task_queue);
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
            // The reader checked the queue's name: the namespace's error is unreachable.
            Action::RemoveBuildIds { build_ids, .. } => {
                change(self.write_in_place(task_queue, build_ids, |namespace| {
                    let removed = namespace.remove_build_ids(task_queue, build_ids, now);
                    removed.unwrap_or(Outcome::NoOp)
                }))
            }
            Action::ClearTombstones { .. } => {
                change(self.write_in_place(task_queue, &[], |namespace| {
                    namespace
                        .clear_tombstones(task_queue)
                        .unwrap_or(Outcome::NoOp)
                }))
            }
            Action::PersistUnknownBuildId { build_id, .. } => {
                let touched = std::slice::from_ref(build_id);
                change(self.write_in_place(task_queue, touched, |namespace| {
                    let persisted = namespace.persist_unknown_build_id(task_queue, build_id, now);
                    persisted.unwrap_or(Outcome::NoOp)
                }))
            }
            Action::Deltas { since, .. } => {
                let queue_of = |name: &str| self.namespace.queue(name).unwrap_or(&self.empty);
                self.marks
                    .deltas(since, task_queue, state, queue_of)
                    .map_or(Observation::Nothing, Observation::Deltas)
            }
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
            Action::MergeReplica { replica, .. } => change(self.replace(task_queue, |sets| {
                let joined = sets.join(replica);
                // The sets compared in place, as their stored forms would be (every field of
                // those), without building two more copies of the queue.
                let outcome = if joined.sets().eq(sets.sets()) {
                    Outcome::NoOp
                } else {
                    Outcome::Changed
                };
                (joined, outcome)
            })),
            Action::ReceiveReplica {
                replica, in_use, ..
            } => Observation::BuildIds(self.replace(task_queue, |sets| {
                let in_use: BTreeSet<&BuildId> = in_use.iter().collect();
                let received = sets.receive(replica, now, |id| in_use.contains(id));
                (received.state, received.revived)
            })),
            Action::GcPlan {
                policy,
                now,
                in_use,
                ..
            } => {
                // A set, not the list: the planner asks about each build ID of the queue.
                let in_use: BTreeSet<&BuildId> = in_use.iter().collect();
                let mut removable =
                    state.removable_build_ids(policy, *now, |id| in_use.contains(id));
                removable.sort();
                Observation::BuildIds(removable)
            }
            Action::Reachability { query, .. } => reachability(state, query),
        }
    }
}

/// The build ID `update` can make active (the namespace's mapping relies on the same: no
/// update changes any other build ID's state).
fn added_by(update: &Update) -> &[BuildId] {
    match update {
        Update::AddNewBuildIdInNewDefaultSet(id)
        | Update::AddNewCompatibleBuildId {
            new_build_id: id, ..
        } => std::slice::from_ref(id),
        Update::PromoteSetByBuildId(_)
        | Update::PromoteBuildIdWithinSet(_)
        | Update::MergeSets { .. } => &[],
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
    // Sets, not lists: each of the asked set's build IDs is looked up in both, so a step
    // costs O(its lists + the set), not their product.
    let open: BTreeSet<String> = query.open.iter().map(attribute).collect();
    let closed: BTreeSet<String> = query.closed.iter().map(attribute).collect();
    let request = ReachabilityQuery {
        build_ids: &[query.build_id.as_str()],
        kind: query.kind,
        max_build_ids: 1,
    };
    let answers = state.reachability(&request, query.now_ms, |visibility| {
        let any = |present: &BTreeSet<String>| {
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
