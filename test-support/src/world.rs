//! The crate and the reference model side by side: one step applied to both, then every
//! observable compared. Used by the `ops` fuzz target and the stateful property test.
//!
//! The steps are the trace crate's generator's (`version_sets_trace::Choice`, also what
//! `version-sets generate` draws): a [`Step`] here is its `Arbitrary` form, for the fuzz
//! target's bytes and the property test's strategies, plus wall-clock moves. Build IDs are
//! named through [`Pick`]s, resolved against the current build IDs, so a generator that knows
//! nothing of the state still names mostly *existing* build IDs and so reaches the no-ops and
//! every error path. The world then plays the trace action the choice makes.

use std::sync::OnceLock;

use arbitrary::Arbitrary;
use version_sets::{
    BuildId, BuildIdState, DispatchQueue, Hlc, Limits, Outcome, QueueDefault, SetId, Target,
    TargetQueue, Update, UpdateError, VersionSets, VersioningIntent,
};
use version_sets_trace::{self as trace, Action, Choice};

use crate::model::{self, Model};

/// Every build ID a step can name: the shared generator's.
pub use version_sets_trace::{NAMES, near};

/// The wall time of the first step; each step then moves it on by 1 ms (plus any `Wait`).
const START_MS: i64 = 1_000;

/// The clock and wall time of [`World::below_zero`]: far enough below zero that no run
/// (at most a few hundred steps, each moving the wall by at most 128 ms) reaches zero.
const BELOW_ZERO_MS: i64 = -1_000_000_000;

/// A build ID named by a step: the `Arbitrary` form of the shared generator's valid picks
/// (`version_sets_trace::Pick`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Arbitrary)]
pub enum Pick {
    /// One of the build IDs the sets hold (tombstones included), by position modulo their
    /// number; a [`NAMES`] entry while there are none.
    Known(u8),
    /// A [`NAMES`] entry, by position modulo their number: often fresh.
    Name(u8),
}

/// A `VersioningIntent`, for both sides.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Arbitrary)]
pub enum Intent {
    Unspecified,
    Compatible,
    Default,
}

impl Pick {
    fn shared(self) -> trace::Pick {
        match self {
            Self::Known(i) => trace::Pick::Known(i),
            Self::Name(i) => trace::Pick::Name(i),
        }
    }
}

impl Intent {
    pub const ALL: [Self; 3] = [Self::Unspecified, Self::Compatible, Self::Default];

    fn real(self) -> VersioningIntent {
        match self {
            Self::Unspecified => VersioningIntent::Unspecified,
            Self::Compatible => VersioningIntent::Compatible,
            Self::Default => VersioningIntent::Default,
        }
    }
}

/// One transition: the five updates, a change of limits, garbage collection, the
/// replication helper, and the two lookups (which are also compared after every step; as
/// steps they count as branches).
///
/// It mirrors the trace crate's `Choice`, which the world plays (`Step::choice`), rather than
/// being it: its derived `Arbitrary` decoding is the byte layout of the committed `ops` fuzz
/// seeds and regressions, which a change of shape would silently re-mean.
#[derive(Debug, Clone, PartialEq, Eq, Arbitrary)]
pub enum Step {
    AddNewDefault(Pick),
    AddCompatible {
        new: Pick,
        existing: Pick,
        make_default: bool,
    },
    PromoteSet(Pick),
    PromoteWithin(Pick),
    Merge {
        primary: Pick,
        secondary: Pick,
    },
    /// New limits near the current counts, so that they bite (see [`near`]).
    Limits {
        max_sets: u8,
        max_build_ids: u8,
    },
    /// Tombstones the first [`MAX_REMOVED`] picks.
    Remove(Vec<Pick>),
    ClearTombstones,
    /// The replication helper `persist_unknown_build_id`.
    Persist(Pick),
    Poll(Pick),
    Resolve {
        intent: Intent,
        caller: Option<Pick>,
        same_task_queue: bool,
    },
    /// Moves the caller's wall clock by this many milliseconds, possibly backwards, so that
    /// the hybrid logical clock has to count versions. (The stateful test never generates
    /// it: it passes a strictly increasing wall time.)
    Wait(i8),
}

/// At most this many build IDs in one `Remove` step.
pub const MAX_REMOVED: usize = 3;

impl Step {
    /// The shared generator's choice; `None` for a wall-clock move, which is no trace step.
    pub fn choice(&self) -> Option<Choice> {
        Some(match self {
            Self::AddNewDefault(x) => Choice::AddNewDefault(x.shared()),
            Self::AddCompatible {
                new,
                existing,
                make_default,
            } => Choice::AddCompatible {
                new: new.shared(),
                existing: existing.shared(),
                queue_default: if *make_default {
                    QueueDefault::Make
                } else {
                    QueueDefault::Keep
                },
            },
            Self::PromoteSet(x) => Choice::PromoteSet(x.shared()),
            Self::PromoteWithin(x) => Choice::PromoteWithin(x.shared()),
            Self::Merge { primary, secondary } => Choice::Merge {
                primary: primary.shared(),
                secondary: secondary.shared(),
            },
            Self::Limits {
                max_sets,
                max_build_ids,
            } => Choice::Limits {
                max_sets: *max_sets,
                max_build_ids: *max_build_ids,
            },
            Self::Remove(picks) => {
                Choice::Remove(picks.iter().take(MAX_REMOVED).map(|p| p.shared()).collect())
            }
            Self::ClearTombstones => Choice::ClearTombstones,
            Self::Persist(x) => Choice::Persist(x.shared()),
            Self::Poll(x) => Choice::Poll(x.shared()),
            Self::Resolve {
                intent,
                caller,
                same_task_queue,
            } => Choice::Resolve {
                intent: intent.real(),
                caller: caller.map(Pick::shared),
                queue: if *same_task_queue {
                    TargetQueue::Same
                } else {
                    TargetQueue::Other
                },
            },
            Self::Wait(_) => return None,
        })
    }
}

/// Which operation ran and which of its branches it took, e.g. `("merge", "PrimaryNotFound")`.
pub type Branch = (&'static str, &'static str);

/// The crate's value and the model, kept in step.
#[derive(Debug, Clone)]
pub struct World {
    pub model: Model,
    pub real: VersionSets,
    now_ms: i64,
    /// `stamps[k]`: the clock value the crate must have stamped the change the model calls
    /// tick `k`, by `clock.next` (tick 0: the initial clock, zero unless [`World::below_zero`]).
    stamps: Vec<Hlc>,
}

impl Default for World {
    fn default() -> Self {
        Self::new()
    }
}

/// The rule `clock.next` (docs/semantics.md), written from the rule rather than taken from
/// the crate.
fn spec_next(prior: Hlc, now_ms: i64) -> Hlc {
    let wall_clock = now_ms.max(prior.wall_clock);
    let version = if wall_clock == prior.wall_clock {
        prior.version + 1
    } else {
        0
    };
    Hlc {
        wall_clock,
        version,
        cluster_id: prior.cluster_id,
    }
}

#[track_caller]
fn build_id(name: &str) -> BuildId {
    match BuildId::new(name) {
        Ok(id) => id,
        Err(error) => panic!("harness build ID {name:?} is invalid: {error}"),
    }
}

/// The crate's outcome in the model's terms: outcome, or (gRPC code, message).
fn compared(result: &Result<Outcome, UpdateError>) -> Result<model::Outcome, (&str, String)> {
    match result {
        Ok(Outcome::Changed) => Ok(model::Outcome::Changed),
        Ok(Outcome::NoOp) => Ok(model::Outcome::NoOp),
        Err(error) => Err((error.code().as_str(), error.to_string())),
    }
}

/// The branch label of a failed update: the error variant.
fn error_label(error: &UpdateError) -> &'static str {
    match error {
        UpdateError::AlreadyExists { .. } => "AlreadyExists",
        UpdateError::NotDefaultForQueue { .. } => "NotDefaultForQueue",
        UpdateError::NotDefaultInSet { .. } => "NotDefaultInSet",
        UpdateError::Incompatible { .. } => "Incompatible",
        UpdateError::CompatibleNotFound { .. } => "CompatibleNotFound",
        UpdateError::NotFound { .. } => "NotFound",
        UpdateError::PrimaryNotFound { .. } => "PrimaryNotFound",
        UpdateError::SecondaryNotFound { .. } => "SecondaryNotFound",
        UpdateError::TooManySets { .. } => "TooManySets",
        UpdateError::TooManyBuildIds { .. } => "TooManyBuildIds",
        _ => "unknown error",
    }
}

fn outcome_label(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Changed => "changed",
        Outcome::NoOp => "noop",
    }
}

/// A set as both sides can describe it: sorted set IDs, its timestamp, and its members as
/// (build ID, state, state-update timestamp, became-default timestamp).
#[derive(Debug, Clone, PartialEq, Eq)]
struct SetView {
    set_ids: Vec<String>,
    stamp: Hlc,
    members: Vec<(String, BuildIdState, Hlc, Hlc)>,
}

/// `SetId::for_build_id` of a name, computed once per name: unoptimised SHA-256 would
/// otherwise dominate the time of the stateful test.
fn hash(name: &str) -> String {
    static HASHES: OnceLock<Vec<(&'static str, String)>> = OnceLock::new();
    let hashes = HASHES.get_or_init(|| {
        NAMES
            .iter()
            .map(|name| {
                (
                    *name,
                    SetId::for_build_id(&build_id(name)).as_str().to_owned(),
                )
            })
            .collect()
    });
    match hashes.iter().find(|(known, _)| *known == name) {
        Some((_, hash)) => hash.clone(),
        None => SetId::for_build_id(&build_id(name)).as_str().to_owned(),
    }
}

/// The set IDs a model set must have: the hashes of the build IDs it is named after, sorted
/// and distinct, then those of its appended names, in order.
fn model_set_ids(set: &model::Set) -> Vec<String> {
    let mut ids: Vec<String> = set.named_after.iter().map(|name| hash(name)).collect();
    ids.sort();
    ids.dedup();
    ids.extend(set.appended.iter().map(|name| hash(name)));
    ids
}

impl World {
    pub fn new() -> Self {
        Self {
            model: Model::default(),
            real: VersionSets::new(),
            now_ms: START_MS,
            stamps: vec![VersionSets::new().clock()],
        }
    }

    /// An empty world whose clock and wall time start far below zero, where persisting an
    /// unknown build ID cannot stamp the zero clock (`persist.negative-clock`).
    pub fn below_zero() -> Self {
        let start = Hlc {
            wall_clock: BELOW_ZERO_MS,
            version: 0,
            cluster_id: 0,
        };
        Self {
            model: Model {
                below_zero: true,
                ..Model::default()
            },
            real: VersionSets::starting_at(start),
            now_ms: BELOW_ZERO_MS,
            stamps: vec![start],
        }
    }

    fn limits(&self) -> Limits {
        Limits {
            max_sets: self.model.max_sets,
            max_build_ids: self.model.max_build_ids,
        }
    }

    /// The stamp of the model's tick `tick`.
    #[track_caller]
    fn stamp(&self, tick: u64) -> Hlc {
        match usize::try_from(tick).ok().and_then(|t| self.stamps.get(t)) {
            Some(stamp) => *stamp,
            None => panic!("no stamp recorded for model tick {tick}"),
        }
    }

    /// Records the stamps of the ticks the model used in this step.
    fn record_stamps(&mut self) {
        while (self.stamps.len() as u64) <= self.model.tick {
            let prior = self.stamps.last().copied().unwrap_or_default();
            self.stamps.push(spec_next(prior, self.now_ms));
        }
    }

    /// Runs one step on both sides, checks that they agree on its result and on everything
    /// observable afterwards, and says which branch it took.
    #[track_caller]
    pub fn step(&mut self, step: &Step) -> Branch {
        self.now_ms += 1;
        let (model_before, real_before) = (self.model.clone(), self.real.clone());
        let branch = match step.choice() {
            None => {
                if let Step::Wait(ms) = step {
                    self.now_ms += i64::from(*ms);
                }
                ("wait", "moved the wall clock")
            }
            Some(choice) => match choice.action(&self.real) {
                Some(action) => self.act(&action, &real_before),
                None => panic!("{choice:?} names an invalid build ID"),
            },
        };
        self.check();
        self.check_deltas(&model_before, &real_before);
        branch
    }

    /// Plays a trace action on both sides and says which branch it took.
    #[track_caller]
    fn act(&mut self, action: &Action, real_before: &VersionSets) -> Branch {
        match action {
            Action::Update { update, .. } => {
                let op = model_op(update);
                let label = match &op {
                    model::Op::AddNewDefault(_) => "add_new_default",
                    model::Op::AddCompatible { .. } => "add_compatible",
                    model::Op::PromoteSet(_) => "promote_set",
                    model::Op::PromoteWithin(_) => "promote_within",
                    model::Op::Merge { .. } => "merge",
                };
                let primary_older = match &op {
                    model::Op::Merge { primary, secondary } => {
                        self.model.find(primary) < self.model.find(secondary)
                    }
                    _ => false,
                };
                let made_default = matches!(
                    op,
                    model::Op::AddCompatible {
                        make_default: true,
                        ..
                    }
                );
                match self.update(label, &op, update) {
                    ("add_compatible", "changed") if made_default => {
                        ("add_compatible", "changed, set made default")
                    }
                    ("merge", "changed") if primary_older => ("merge", "changed, older primary"),
                    ("merge", "changed") => ("merge", "changed, newer primary"),
                    other => other,
                }
            }
            Action::Limits(limits) => {
                self.model.max_sets = limits.queue.max_sets;
                self.model.max_build_ids = limits.queue.max_build_ids;
                ("limits", "set")
            }
            Action::RemoveBuildIds { build_ids, .. } => {
                let ids: Vec<String> = build_ids.iter().map(|id| id.as_str().to_owned()).collect();
                let before = self.real.clone();
                let expected = self.model.remove(&ids);
                let got = self.real.remove_build_ids(build_ids, self.now_ms);
                self.record_stamps();
                assert_eq!(
                    compared(&Ok(got)),
                    Ok(expected),
                    "remove_build_ids({ids:?})"
                );
                if got == Outcome::NoOp {
                    assert_eq!(self.real, before, "a no-op removal changed the value");
                }
                ("remove", outcome_label(got))
            }
            Action::ClearTombstones { .. } => {
                let before = self.real.clone();
                let expected = self.model.clear_tombstones();
                let got = self.real.clear_tombstones();
                assert_eq!(compared(&Ok(got)), Ok(expected), "clear_tombstones()");
                if got == Outcome::NoOp {
                    assert_eq!(self.real, before, "a no-op clear changed the value");
                }
                ("clear_tombstones", outcome_label(got))
            }
            Action::PersistUnknownBuildId { build_id, .. } => {
                let x = build_id.as_str();
                let existed = self.model.find(x).is_some();
                let expected = self.model.persist_unknown(x);
                let got = self.real.persist_unknown_build_id(build_id, self.now_ms);
                self.record_stamps();
                assert_eq!(compared(&Ok(got)), Ok(expected), "persist_unknown({x:?})");
                match got {
                    Outcome::NoOp => {
                        assert_eq!(&self.real, real_before, "a no-op persist changed the value");
                        ("persist_unknown", "noop")
                    }
                    Outcome::Changed if existed => ("persist_unknown", "changed, set ID added"),
                    Outcome::Changed => ("persist_unknown", "changed, new oldest set"),
                }
            }
            Action::Poll { build_id, .. } => {
                let label = match self.model.poll(build_id.as_str()) {
                    model::Poll::Accepted => "accepted",
                    model::Poll::NewerBuildExists(_) => "NewerBuildExists",
                    model::Poll::Unknown => "unknown build ID",
                };
                // `check` below compares the poll of every name, this one included.
                ("poll", label)
            }
            Action::Resolve {
                intent,
                build_id,
                queue,
                ..
            } => {
                let caller = build_id.as_ref().map(BuildId::as_str);
                let same_task_queue = *queue == TargetQueue::Same;
                let label = match self.check_resolve(*intent, caller, same_task_queue) {
                    model::Resolution::SetDefault(_) => "set default",
                    model::Resolution::ExactBuildId(_) => "exact build ID",
                    model::Resolution::Unversioned => "unversioned",
                    model::Resolution::Rejected => "rejected",
                };
                ("resolve", label)
            }
            other => panic!("the world does not play {other:?}"),
        }
    }

    /// `build_id_deltas` from the value before the step to now: the active build IDs that
    /// appeared and disappeared, each sorted.
    #[track_caller]
    fn check_deltas(&self, model_before: &Model, real_before: &VersionSets) {
        let active = |model: &Model| -> Vec<String> {
            let mut ids: Vec<String> = model
                .sets
                .iter()
                .flat_map(|s| {
                    s.members
                        .iter()
                        .filter(|m| !m.deleted)
                        .map(|m| m.id.clone())
                })
                .collect();
            ids.sort();
            ids
        };
        let (before, after) = (active(model_before), active(&self.model));
        let newly = |here: &[String], there: &[String]| -> Vec<String> {
            here.iter()
                .filter(|id| !there.contains(id))
                .cloned()
                .collect()
        };
        let (added, removed) = (newly(&after, &before), newly(&before, &after));
        let deltas = real_before.build_id_deltas(&self.real);
        let strings = |ids: &[BuildId]| -> Vec<String> {
            ids.iter().map(|id| id.as_str().to_owned()).collect()
        };
        assert_eq!(strings(&deltas.added), added, "build_id_deltas added");
        assert_eq!(strings(&deltas.removed), removed, "build_id_deltas removed");
    }

    /// Applies one update to both sides and compares the results; a failed update and a
    /// no-op must leave the crate's value exactly as it was, clock included.
    #[track_caller]
    fn update(&mut self, op: &'static str, model_op: &model::Op, update: &Update) -> Branch {
        let before = self.real.clone();
        let expected = self.model.apply(model_op);
        let got = self.real.apply(update, self.now_ms, self.limits());
        self.record_stamps();
        let expected = expected.map_err(|e| (e.code, e.message));
        assert_eq!(
            compared(&got),
            expected,
            "{update:?} under {:?} on {:?}",
            self.limits(),
            before.response(0)
        );
        match got {
            Ok(Outcome::Changed) => (op, "changed"),
            Ok(Outcome::NoOp) => {
                assert_eq!(self.real, before, "no-op {update:?} changed the value");
                (op, "noop")
            }
            Err(error) => {
                assert_eq!(self.real, before, "failed {update:?} changed the value");
                (op, error_label(&error))
            }
        }
    }

    /// Resolves on both sides, compares, and returns the model's answer.
    #[track_caller]
    fn check_resolve(
        &self,
        intent: VersioningIntent,
        caller: Option<&str>,
        same_task_queue: bool,
    ) -> model::Resolution {
        let expected = self
            .model
            .resolve(model_intent(intent), caller, same_task_queue);

        let got = self
            .real
            .resolve(
                intent,
                caller,
                if same_task_queue {
                    TargetQueue::Same
                } else {
                    TargetQueue::Other
                },
            )
            .into_target();
        let got = match got {
            Target::SetDefault(id) => model::Resolution::SetDefault(id.as_str().to_owned()),
            Target::ExactBuildId(id) => model::Resolution::ExactBuildId(id.as_str().to_owned()),
            Target::Unversioned => model::Resolution::Unversioned,
            Target::Rejected => model::Resolution::Rejected,
        };
        assert_eq!(
            got, expected,
            "resolve({intent:?}, {caller:?}, same_task_queue: {same_task_queue})"
        );
        expected
    }

    /// The model's sets, described as the crate must hold them.
    fn model_view(&self) -> Vec<SetView> {
        self.model
            .sets
            .iter()
            .map(|set| SetView {
                set_ids: model_set_ids(set),
                stamp: self.stamp(set.bdt),
                members: set
                    .members
                    .iter()
                    .map(|m| {
                        let state = if m.deleted {
                            BuildIdState::Deleted
                        } else {
                            BuildIdState::Active
                        };
                        (m.id.clone(), state, self.stamp(m.sut), self.stamp(m.bdt))
                    })
                    .collect(),
            })
            .collect()
    }

    fn real_view(&self) -> Vec<SetView> {
        self.real
            .sets()
            .map(|set| SetView {
                set_ids: set.set_ids().map(|id| id.as_str().to_owned()).collect(),
                stamp: set.became_default_timestamp(),
                members: set
                    .build_ids()
                    .map(|r| {
                        (
                            r.id().as_str().to_owned(),
                            r.state(),
                            r.state_update_timestamp(),
                            r.became_default_timestamp(),
                        )
                    })
                    .collect(),
            })
            .collect()
    }

    /// Compares everything observable: `validate()`, the full sets (tombstones, set IDs and
    /// timestamps included), the clock, the counts, the public view for every `max_sets`,
    /// and every lookup for every name: membership, defaults, poll, sticky checks, add
    /// task, and resolution for every intent, queue and caller.
    #[track_caller]
    pub fn check(&self) {
        if let Err(error) = self.real.validate() {
            panic!("validate() failed: {error:?}");
        }
        let (model, real) = (&self.model, &self.real);
        assert_eq!(self.real_view(), self.model_view(), "sets");
        assert_eq!(real.clock(), self.stamp(model.tick), "clock");
        assert_eq!(real.set_count(), model.sets.len(), "set_count");
        assert_eq!(
            real.build_id_count(),
            model.build_id_count(),
            "build_id_count"
        );
        assert_eq!(real.is_empty(), model.sets.is_empty(), "is_empty");
        for max_sets in 0..=model.sets.len() + 1 {
            assert_eq!(
                listing(real, max_sets),
                model.public_view(max_sets),
                "response({max_sets})"
            );
        }
        let default = real.default_build_id().map(|id| id.as_str().to_owned());
        assert_eq!(default, model.queue_default(), "default_build_id");
        let non_defaults: Vec<&str> = real
            .non_default_members()
            .map(|r| r.id().as_str())
            .collect();
        let expected: Vec<&str> = model
            .sets
            .iter()
            .flat_map(|s| s.members.iter().rev().skip(1).rev().map(|m| m.id.as_str()))
            .collect();
        assert_eq!(non_defaults, expected, "non_default_members");
        match (real.add_task(None), model.sets.last()) {
            (DispatchQueue::Unversioned, None) => {}
            (DispatchQueue::Set(set), Some(last)) => {
                assert_eq!(set.primary_set_id().as_str(), model_set_ids(last)[0]);
            }
            (got, _) => panic!("add_task(None) gave {got:?}"),
        }
        for intent in Intent::ALL {
            for same_task_queue in [true, false] {
                self.check_resolve(intent.real(), None, same_task_queue);
            }
        }
        for name in NAMES {
            self.check_lookups(name);
        }
    }

    #[track_caller]
    fn check_lookups(&self, name: &str) {
        let (model, real) = (&self.model, &self.real);
        let id = build_id(name);
        let found = model.find(name);
        let set_default = model.set_default_of(name);
        assert_eq!(real.contains(name), found.is_some(), "contains({name:?})");
        assert_eq!(
            real.set_default_of(name).map(BuildId::as_str),
            set_default.as_deref(),
            "set_default_of({name:?})"
        );
        assert_eq!(
            real.is_set_default(name),
            set_default.as_deref() == Some(name),
            "is_set_default({name:?})"
        );
        assert_eq!(
            real.is_queue_default(name),
            model.queue_default().as_deref() == Some(name),
            "is_queue_default({name:?})"
        );
        assert_eq!(
            real.record(name).map(|r| r.id().as_str()),
            found.map(|_| name),
            "record({name:?})"
        );
        // The set a lookup must land on, by its primary set ID; or the guessed set ID.
        let own_set = found.and_then(|(set, _)| model.sets.get(set));
        let primary = own_set.map(|set| model_set_ids(set)[0].clone());
        let guessed = hash(name);
        let poll = real.poll(id.as_str());
        match (&poll, model.poll(name)) {
            (Ok(DispatchQueue::Set(set)), model::Poll::Accepted) => {
                assert_eq!(Some(set.primary_set_id().as_str()), primary.as_deref());
            }
            (Ok(DispatchQueue::Guessed(guess)), model::Poll::Unknown) => {
                assert_eq!(
                    guess.build_id(),
                    name,
                    "poll({name:?}) guessed for another ID"
                );
                assert_eq!(
                    guess.set_id().as_str(),
                    guessed,
                    "poll({name:?}) guessed set ID"
                );
            }
            (Err(refused), model::Poll::NewerBuildExists(default)) => {
                assert_eq!(refused.default_build_id.as_str(), default);
                let message = format!("Task queue has a newer compatible build: {default:?}");
                assert_eq!(refused.to_string(), message);
                assert_eq!(refused.code().as_str(), "OUT_OF_RANGE");
            }
            (got, expected) => panic!("poll({name:?}) gave {got:?}, model says {expected:?}"),
        }
        assert_eq!(
            real.sticky_poll(id.as_str()).is_ok(),
            poll.is_ok(),
            "sticky_poll({name:?})"
        );
        assert_eq!(
            real.sticky_add(id.as_str()).is_ok(),
            poll.is_ok(),
            "sticky_add({name:?})"
        );
        let queue = real.add_task(Some(id.as_str()));
        assert_eq!(
            queue.set_id().as_ref().map(SetId::as_str),
            Some(primary.as_deref().unwrap_or(&guessed)),
            "add_task({name:?})"
        );
        match queue {
            DispatchQueue::Set(set) => assert!(set.contains(name), "add_task({name:?}) set"),
            DispatchQueue::Guessed(_) => assert!(found.is_none(), "add_task({name:?}) guessed"),
            DispatchQueue::Unversioned => panic!("add_task({name:?}) gave unversioned"),
        }
        for intent in Intent::ALL {
            for same_task_queue in [true, false] {
                self.check_resolve(intent.real(), Some(name), same_task_queue);
            }
        }
    }
}

/// The public view's build IDs as plain strings, as the model lists them.
pub(crate) fn listing(real: &VersionSets, max_sets: usize) -> Vec<Vec<String>> {
    real.response(max_sets)
        .major_version_sets
        .iter()
        .map(|set| {
            set.build_ids
                .iter()
                .map(|id| id.as_str().to_owned())
                .collect()
        })
        .collect()
}

/// An update as the model states it.
pub(crate) fn model_op(update: &Update) -> model::Op {
    let s = |id: &BuildId| id.as_str().to_owned();
    match update {
        Update::AddNewBuildIdInNewDefaultSet(x) => model::Op::AddNewDefault(s(x)),
        Update::AddNewCompatibleBuildId {
            new_build_id,
            existing_compatible_build_id,
            queue_default,
        } => model::Op::AddCompatible {
            new: s(new_build_id),
            existing: s(existing_compatible_build_id),
            make_default: *queue_default == QueueDefault::Make,
        },
        Update::PromoteSetByBuildId(x) => model::Op::PromoteSet(s(x)),
        Update::PromoteBuildIdWithinSet(x) => model::Op::PromoteWithin(s(x)),
        Update::MergeSets {
            primary_set_build_id,
            secondary_set_build_id,
        } => model::Op::Merge {
            primary: s(primary_set_build_id),
            secondary: s(secondary_set_build_id),
        },
    }
}

pub(crate) fn model_intent(intent: VersioningIntent) -> model::Intent {
    match intent {
        VersioningIntent::Unspecified => model::Intent::Unspecified,
        VersioningIntent::Compatible => model::Intent::Compatible,
        VersioningIntent::Default => model::Intent::Default,
    }
}
