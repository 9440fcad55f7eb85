//! Generating: random steps on the current state, deterministic for a seed. The one step
//! generator of the workspace: `version-sets generate` and `conform --generate` draw whole
//! traces with a [`Generator`], and the stateful test and the `ops` fuzz target
//! (`test-support/src/world.rs`) draw [`Choice`]s of their own and make them steps here.
//!
//! Build IDs are named by [`Pick`]s, resolved against the build IDs the state holds, so a
//! generator that knows nothing of the state still names mostly *existing* build IDs and
//! reaches the no-ops and every error path; limits sit near the current counts ([`near`]).
//! The randomness is `fastrand`'s, seeded by the caller: the model has none.

mod replica;

use crate::run::Session;
use crate::types::{Action, ActionKind, Observation, RawUpdate, Request, Step, UpdateExpectation};
use version_sets::{
    BuildId, DEFAULT_TASK_QUEUES_PER_BUILD_ID, Limits, NamespaceLimits, QueueDefault, TargetQueue,
    VersionSets, VersioningIntent,
};

/// Every build ID a [`Pick::Name`] can name: few, so that fresh picks collide with existing
/// ones, with a non-ASCII one and one that needs escaping (for both, Go's `%q` and Rust's
/// `{:?}` agree, so the poll message can be predicted with `{:?}`).
pub const NAMES: [&str; 10] = [
    "1.0", "1.1", "1.2", "2.0", "2.1", "3.0", "a", "b", "é", "x\"y",
];

/// The kinds [`Generator::trace`] draws, each with its weight, in the order `--only` lists
/// them. `start` (weight 0) is drawn once, first, in one trace in three; `mark` is drawn by
/// `deltas` (a `deltas` step needs a mark first).
pub const WEIGHTS: [(ActionKind, u32); 18] = [
    (ActionKind::Start, 0),
    (ActionKind::Update, 12),
    (ActionKind::Limits, 1),
    (ActionKind::Sets, 2),
    (ActionKind::Resolve, 2),
    (ActionKind::Poll, 2),
    (ActionKind::RemoveBuildIds, 1),
    (ActionKind::ClearTombstones, 1),
    (ActionKind::PersistUnknownBuildId, 1),
    (ActionKind::Deltas, 1),
    (ActionKind::AddTask, 1),
    (ActionKind::StickyPoll, 1),
    (ActionKind::StickyAdd, 1),
    (ActionKind::View, 1),
    (ActionKind::MergeReplica, 1),
    (ActionKind::ReceiveReplica, 1),
    (ActionKind::GcPlan, 1),
    (ActionKind::Reachability, 2),
];

/// A build ID named by a step, before it meets the state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pick {
    /// One of the build IDs the sets hold (tombstones included, in list order), by position
    /// modulo their number; a [`NAMES`] entry while there are none.
    Known(u8),
    /// A [`NAMES`] entry, by position modulo their number: often fresh.
    Name(u8),
    /// The empty build ID: an update naming it is its `INVALID_ARGUMENT` result.
    Empty,
    /// A build ID of 256 bytes, one more than allowed.
    Overlong,
}

impl Pick {
    /// The build ID this pick names among `known` (see [`known`]).
    pub fn name(self, known: &[BuildId]) -> String {
        let name = |i: u8| {
            let names = NAMES.iter().cycle().skip(usize::from(i) % NAMES.len());
            names.copied().next().unwrap_or_default().to_owned()
        };
        match self {
            Self::Known(i) if !known.is_empty() => {
                let ids = known.iter().cycle().skip(usize::from(i) % known.len());
                ids.map(|id| id.as_str().to_owned())
                    .next()
                    .unwrap_or_default()
            }
            Self::Known(i) | Self::Name(i) => name(i),
            Self::Empty => String::new(),
            Self::Overlong => "x".repeat(256),
        }
    }

    /// The pick as a valid build ID, when it is one.
    fn build_id(self, known: &[BuildId]) -> Option<BuildId> {
        BuildId::new(self.name(known)).ok()
    }
}

/// Every build ID the sets hold, tombstones included, in list order: what a [`Pick::Known`]
/// chooses from.
pub fn known(state: &VersionSets) -> Vec<BuildId> {
    state
        .sets()
        .flat_map(|set| set.build_ids().map(|record| record.id().clone()))
        .collect()
}

/// A limit for a queue holding `count` (sets or build IDs): unlimited for one `choice` in
/// five, else two below the count to one above it (at least 1). So every operation meets a
/// limit it exceeds (a merge, which removes a set, needs two below), one it meets exactly
/// and one it stays under.
///
/// # Example
/// ```
/// use version_sets_trace::near;
///
/// assert_eq!([0, 1, 2, 3, 4].map(|choice| near(choice, 5)), [0, 3, 4, 5, 6]);
/// ```
pub fn near(choice: u8, count: usize) -> usize {
    match choice % 5 {
        0 => 0,
        offset => (count + usize::from(offset)).saturating_sub(3).max(1),
    }
}

/// A step of the stateful test's kinds, chosen before it meets the state: the five updates,
/// limits, garbage collection, the replication helper and the two lookups, naming build
/// IDs by [`Pick`]s. [`Choice::action`] makes it an action on a state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Choice {
    /// `addNewBuildIdInNewDefaultSet`
    AddNewDefault(Pick),
    /// `addNewCompatibleBuildId`
    AddCompatible {
        /// The new build ID.
        new: Pick,
        /// The build ID it is compatible with.
        existing: Pick,
        /// `makeSetDefault`.
        queue_default: QueueDefault,
    },
    /// `promoteSetByBuildId`
    PromoteSet(Pick),
    /// `promoteBuildIdWithinSet`
    PromoteWithin(Pick),
    /// `mergeSets`
    Merge {
        /// The primary set's build ID.
        primary: Pick,
        /// The secondary set's build ID.
        secondary: Pick,
    },
    /// `limits`, each [`near`] the current count.
    Limits {
        /// The choice for `maxSets`.
        max_sets: u8,
        /// The choice for `maxBuildIds`.
        max_build_ids: u8,
    },
    /// `removeBuildIds`
    Remove(Vec<Pick>),
    /// `clearTombstones`
    ClearTombstones,
    /// `persistUnknownBuildId`
    Persist(Pick),
    /// `poll`
    Poll(Pick),
    /// `resolve`
    Resolve {
        /// The workflow's intent.
        intent: VersioningIntent,
        /// The workflow's build ID; `None` when it is unversioned.
        caller: Option<Pick>,
        /// Whether the target queue is the workflow's own.
        queue: TargetQueue,
    },
}

impl Choice {
    /// The action this choice makes on `state`: its picks resolved against the build IDs
    /// the state holds, its limits near the state's counts. An update naming an invalid
    /// build ID is [`Action::InvalidUpdate`]; `None` when another step would name one.
    ///
    /// # Example
    /// ```
    /// use version_sets::VersionSets;
    /// use version_sets_trace::{Action, Choice, Pick};
    ///
    /// let action = Choice::Poll(Pick::Known(3)).action(&VersionSets::new());
    /// assert!(matches!(action, Some(Action::Poll { build_id, .. }) if build_id.as_str() == "2.0"));
    /// ```
    pub fn action(&self, state: &VersionSets) -> Option<Action> {
        let known = known(state);
        let name = |pick: &Pick| pick.name(&known);
        let id = |pick: &Pick| pick.build_id(&known);
        let update = |raw: RawUpdate| match raw.check() {
            Request::Valid(update) => Action::Update {
                update,
                expect: None,
            },
            Request::Invalid(update) => Action::InvalidUpdate {
                update,
                expect: None,
            },
        };
        Some(match self {
            Self::AddNewDefault(x) => update(RawUpdate::AddNewBuildIdInNewDefaultSet(name(x))),
            Self::AddCompatible {
                new,
                existing,
                queue_default,
            } => update(RawUpdate::AddNewCompatibleBuildId {
                new_build_id: name(new),
                existing_compatible_build_id: name(existing),
                make_set_default: Some(*queue_default == QueueDefault::Make),
            }),
            Self::PromoteSet(x) => update(RawUpdate::PromoteSetByBuildId(name(x))),
            Self::PromoteWithin(x) => update(RawUpdate::PromoteBuildIdWithinSet(name(x))),
            Self::Merge { primary, secondary } => update(RawUpdate::MergeSets {
                primary_set_build_id: name(primary),
                secondary_set_build_id: name(secondary),
            }),
            Self::Limits {
                max_sets,
                max_build_ids,
            } => Action::Limits(NamespaceLimits {
                queue: Limits {
                    max_sets: near(*max_sets, state.set_count()),
                    max_build_ids: near(*max_build_ids, state.build_id_count()),
                },
                task_queues_per_build_id: DEFAULT_TASK_QUEUES_PER_BUILD_ID,
            }),
            Self::Remove(picks) => Action::RemoveBuildIds {
                build_ids: picks.iter().map(id).collect::<Option<_>>()?,
                expect: None,
            },
            Self::ClearTombstones => Action::ClearTombstones { expect: None },
            Self::Persist(x) => Action::PersistUnknownBuildId {
                build_id: id(x)?,
                expect: None,
            },
            Self::Poll(x) => Action::Poll {
                build_id: id(x)?,
                expect: None,
            },
            Self::Resolve {
                intent,
                caller,
                queue,
            } => Action::Resolve {
                intent: *intent,
                build_id: match caller {
                    Some(caller) => Some(id(caller)?),
                    None => None,
                },
                queue: *queue,
                expect: None,
            },
        })
    }
}

/// Draws random steps, deterministically for its seed.
///
/// # Example
/// ```
/// use version_sets_trace::{Generator, WEIGHTS, annotate, run};
///
/// let steps = Generator::new(7).trace(&WEIGHTS, 40);
/// assert!(!steps.is_empty());
/// let report = run(&annotate(&steps));
/// assert_eq!(report.failed(), 0);
/// let again = Generator::new(7).trace(&WEIGHTS, 40);
/// assert_eq!(steps, again);
/// ```
#[derive(Debug, Clone)]
pub struct Generator {
    rng: fastrand::Rng,
    task_queues: usize,
}

impl Generator {
    /// A generator for `seed`, on one task queue.
    pub fn new(seed: u64) -> Self {
        Self {
            rng: fastrand::Rng::with_seed(seed),
            task_queues: 1,
        }
    }

    /// The generator with its steps spread over `task_queues` task queues of a namespace:
    /// the default one and `q1`, `q2`, ... (each step names its queue, `taskQueue`), and
    /// its `limits` steps setting `taskQueuesPerBuildId` between 1 and `task_queues`, so
    /// that the namespace's limit is reached. With one queue (or none) it draws exactly
    /// what [`new`](Self::new)'s does, so a seed's traces stay the same.
    ///
    /// # Example
    /// ```
    /// use version_sets_trace::{Generator, WEIGHTS, annotate, run};
    ///
    /// let steps = Generator::new(3).with_task_queues(3).trace(&WEIGHTS, 60);
    /// assert!(steps.iter().any(|step| step.task_queue.is_some()));
    /// assert_eq!(run(&annotate(&steps)).failed(), 0);
    /// ```
    #[must_use]
    pub fn with_task_queues(mut self, task_queues: usize) -> Self {
        self.task_queues = task_queues;
        self
    }

    /// The task queue of the next step: `None` (the default queue) without a draw when
    /// there is one queue.
    fn task_queue(&mut self) -> Option<String> {
        if self.task_queues <= 1 {
            return None;
        }
        match self.rng.usize(0..self.task_queues) {
            0 => None,
            i => Some(format!("q{i}")),
        }
    }

    /// One trace of up to `steps` steps of the `kinds` given with their weights (see
    /// [`WEIGHTS`]), without expectations ([`annotate`] adds the model's). A drawn kind
    /// with nothing to do is skipped; a `start` step comes first when `kinds` has it.
    pub fn trace(&mut self, kinds: &[(ActionKind, u32)], steps: usize) -> Vec<Step> {
        let mut drawn = Vec::with_capacity(steps);
        let mut session = Session::new();
        let mut marks = 0;
        let starts = kinds.iter().any(|(kind, _)| *kind == ActionKind::Start);
        if let Some(start) = starts.then(|| self.start()).flatten() {
            session.observe(&start);
            drawn.push(start);
        }
        let empty = VersionSets::new();
        for _ in 0..steps {
            let task_queue = self.task_queue();
            let state = match &task_queue {
                None => session.state(),
                Some(name) => session.namespace().queue(name).unwrap_or(&empty),
            };
            let Some(mut step) = self.step(state, kinds, &mut marks) else {
                continue;
            };
            if let (Action::Limits(limits), true) = (&mut step.action, self.task_queues > 1) {
                limits.task_queues_per_build_id = self.rng.usize(1..=self.task_queues);
            }
            step.task_queue = task_queue;
            session.observe(&step);
            drawn.push(step);
        }
        drawn
    }

    /// One trace in three starts from stored data: the state a few random updates leave,
    /// stamped at wall times far beyond the trace's own step positions (so that the loaded
    /// clock shows), on a random cluster.
    fn start(&mut self) -> Option<Step> {
        if self.rng.u8(0..3) > 0 {
            return None;
        }
        let mut scratch = Session::new();
        let mut marks = 0;
        let updates = [(ActionKind::Update, 1)];
        for wall in 0..self.rng.i64(2..8) {
            let Some(mut step) = self.step(scratch.state(), &updates, &mut marks) else {
                continue;
            };
            step.now = Some(1_000_000 + wall * 1_000);
            scratch.observe(&step);
        }
        let cluster = self.rng.i64(0..4);
        let state = VersionSets::from_data(&scratch.state().to_data()).ok()?;
        Some(step(Action::Start(Box::new(
            state.with_cluster_id(cluster),
        ))))
    }

    /// One random step on `state`; `None` when the drawn kind has nothing to do (a `deltas`
    /// step draws a `mark` first).
    fn step(
        &mut self,
        state: &VersionSets,
        kinds: &[(ActionKind, u32)],
        marks: &mut usize,
    ) -> Option<Step> {
        let total: u32 = kinds.iter().map(|(_, weight)| weight).sum();
        let mut roll = self.rng.u32(0..total.max(1));
        let kind = kinds.iter().find_map(|(kind, weight)| {
            if roll < *weight {
                Some(*kind)
            } else {
                roll -= weight;
                None
            }
        })?;
        let known = known(state).len();
        let action = match kind {
            ActionKind::Update => self.update(known).action(state)?,
            ActionKind::Limits => Choice::Limits {
                max_sets: self.rng.u8(0..5),
                max_build_ids: self.rng.u8(0..5),
            }
            .action(state)?,
            ActionKind::Sets => Action::Sets(Vec::new()),
            ActionKind::Resolve => {
                let intent = [
                    VersioningIntent::Unspecified,
                    VersioningIntent::Compatible,
                    VersioningIntent::Default,
                ];
                let intent = self.rng.choice(intent).unwrap_or(VersioningIntent::Default);
                let caller = (self.rng.u8(0..4) > 0).then(|| self.pick(known));
                let same = !self.rng.bool() || self.rng.bool();
                let queue = if same {
                    TargetQueue::Same
                } else {
                    TargetQueue::Other
                };
                Choice::Resolve {
                    intent,
                    caller,
                    queue,
                }
                .action(state)?
            }
            ActionKind::Poll => Choice::Poll(self.pick(known)).action(state)?,
            ActionKind::RemoveBuildIds => {
                let picks = (0..self.rng.usize(1..=3)).map(|_| self.pick(known));
                Choice::Remove(picks.collect()).action(state)?
            }
            ActionKind::ClearTombstones => Choice::ClearTombstones.action(state)?,
            ActionKind::PersistUnknownBuildId => Choice::Persist(self.pick(known)).action(state)?,
            ActionKind::Deltas if *marks == 0 || self.rng.u8(0..3) == 0 => {
                *marks += 1;
                Action::Mark(format!("m{}", *marks - 1))
            }
            ActionKind::Deltas => Action::Deltas {
                since: format!("m{}", self.rng.usize(0..*marks)),
                expect: None,
            },
            ActionKind::AddTask => Action::AddTask {
                build_id: match self.rng.u8(0..4) {
                    0 => None,
                    _ => self.pick(known).build_id(&self::known(state)),
                },
                expect: None,
            },
            ActionKind::StickyPoll => Action::StickyPoll {
                build_id: self.pick(known).build_id(&self::known(state))?,
                expect: None,
            },
            ActionKind::StickyAdd => Action::StickyAdd {
                build_id: self.pick(known).build_id(&self::known(state))?,
                expect: None,
            },
            ActionKind::View => Action::View {
                max_sets: self.rng.usize(0..4),
                expect: None,
            },
            ActionKind::MergeReplica
            | ActionKind::ReceiveReplica
            | ActionKind::GcPlan
            | ActionKind::Reachability => self.replication(state, kind)?,
            _ => return None,
        };
        Some(step(action))
    }

    /// One of the five operations; one build ID in twenty is invalid.
    fn update(&mut self, known: usize) -> Choice {
        match self.rng.u8(0..16) {
            0..=3 => Choice::AddNewDefault(self.any_pick(known)),
            4..=8 => {
                let (new, existing) = (self.any_pick(known), self.any_pick(known));
                Choice::AddCompatible {
                    new,
                    existing,
                    queue_default: if self.rng.bool() {
                        QueueDefault::Make
                    } else {
                        QueueDefault::Keep
                    },
                }
            }
            9..=10 => Choice::PromoteSet(self.any_pick(known)),
            11..=12 => Choice::PromoteWithin(self.any_pick(known)),
            _ => {
                let (primary, secondary) = (self.any_pick(known), self.any_pick(known));
                Choice::Merge { primary, secondary }
            }
        }
    }

    /// A build ID for an operation: one in twenty is invalid (empty, or 256 bytes long).
    fn any_pick(&mut self, known: usize) -> Pick {
        match self.rng.u8(0..40) {
            0 => Pick::Empty,
            1 => Pick::Overlong,
            _ => self.pick(known),
        }
    }

    /// Three picks in four name one of the `known` build IDs the sets hold (when they hold
    /// any).
    fn pick(&mut self, known: usize) -> Pick {
        if known > 0 && self.rng.u8(0..4) > 0 {
            Pick::Known(u8::try_from(self.rng.usize(0..known)).unwrap_or(u8::MAX))
        } else {
            Pick::Name(u8::try_from(self.rng.usize(0..NAMES.len())).unwrap_or(0))
        }
    }
}

/// A step of a generated trace: no line of its own yet, and stamped by its position.
fn step(action: Action) -> Step {
    Step {
        line: 0,
        now: None,
        task_queue: None,
        action,
    }
}

/// The steps with the expectations the model observes, numbered by their position from 1:
/// what `version-sets generate` writes and `conform` prints for a minimal trace. A `sets` step gets the model's listing. An invalid build ID's
/// error is expected without its message, which is the crate's own wording (the server's
/// frontend words it differently).
pub fn annotate(steps: &[Step]) -> Vec<Step> {
    let mut session = Session::new();
    (1..)
        .zip(steps)
        .map(|(line, step)| {
            let observed = match (&step.action, session.observe(step)) {
                (
                    Action::InvalidUpdate { .. },
                    Observation::Change(UpdateExpectation::Error { code, .. }),
                ) => Observation::Change(UpdateExpectation::Error {
                    code,
                    message: None,
                }),
                (_, observed) => observed,
            };
            Step {
                line,
                now: step.now,
                task_queue: step.task_queue.clone(),
                action: step.action.clone().expecting(observed),
            }
        })
        .collect()
}
