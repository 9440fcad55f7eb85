//! What the implementation declares it observes, in its answer to a reset
//! (`{"observes": {KIND: "exact" | "coarse" | "none"}}`, docs/conformance.md), and how each
//! declaration compares an answer with the model's.

use std::collections::BTreeMap;

use serde_json::{Value, json};
use version_sets::{BuildId, Code, DispatchQueue, VersionSets};
use version_sets_trace::{
    self as trace, Action, ActionKind, Observation, PollExpectation, Step, UpdateExpectation,
};

use crate::json::{describe, quote};

/// How precisely the implementation observes one step kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Level {
    /// Its answer is compared with the model's as it is (the default).
    Exact,
    /// Both answers are first made coarse the one way the kind allows ([`coarse`]).
    Coarse,
    /// It cannot observe the kind: its answer is not compared, and a trace whose state it
    /// cannot follow stops at the step ([`changes_state`]).
    None,
}

/// The declaration of one reset answer: the kinds it names (by their names in the trace
/// format), every other kind exact.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Declaration {
    levels: BTreeMap<String, Level>,
}

impl Declaration {
    /// Reads the `observes` member of a reset answer before a version-set trace; an answer
    /// without one declares nothing, so every kind is compared exactly.
    pub(crate) fn read(answer: &Value) -> Result<Self, String> {
        let coarse = COARSE_KINDS.map(ActionKind::name).join(", ");
        Self::read_for(
            answer,
            |name| ActionKind::named(name).is_some(),
            |name| COARSE_KINDS.iter().any(|kind| kind.name() == name),
            &format!("only {coarse} can be observed coarsely"),
        )
    }

    /// Reads the `observes` member of a reset answer before a Worker Deployments trace:
    /// its kinds are the deployments format's, and none has a coarse form.
    pub(crate) fn read_deployments(answer: &Value) -> Result<Self, String> {
        Self::read_for(
            answer,
            |name| {
                worker_deployments_trace::ActionKind::ALL
                    .iter()
                    .any(|kind| kind.as_str() == name)
            },
            |_| false,
            "no Worker Deployments step kind can be observed coarsely",
        )
    }

    /// Reads a declaration whose kinds are those `known` knows, of which `coarse` have a
    /// coarse form (`no_coarse` says which, after "but").
    fn read_for(
        answer: &Value,
        known: impl Fn(&str) -> bool,
        coarse: impl Fn(&str) -> bool,
        no_coarse: &str,
    ) -> Result<Self, String> {
        let Some(observes) = answer.get("observes") else {
            return Ok(Self::default());
        };
        let Some(observes) = observes.as_object() else {
            return Err(format!(
                "its reset answer's \"observes\" is not an object: {}",
                describe(observes)
            ));
        };
        let mut levels = BTreeMap::new();
        for (name, level) in observes {
            if !known(name) {
                return Err(format!(
                    "its reset answer declares an unknown step kind {}",
                    quote(name)
                ));
            }
            let level = match level.as_str() {
                Some("exact") => Level::Exact,
                Some("coarse") if coarse(name) => Level::Coarse,
                Some("coarse") => {
                    return Err(format!(
                        "its reset answer declares {} coarse, but {no_coarse}",
                        quote(name)
                    ));
                }
                Some("none") => Level::None,
                _ => {
                    return Err(format!(
                        "its reset answer declares {} as {}, not \"exact\", \"coarse\" or \"none\"",
                        quote(name),
                        describe(level)
                    ));
                }
            };
            levels.insert(name.clone(), level);
        }
        Ok(Self { levels })
    }

    /// How the implementation observes steps of `kind`.
    pub(crate) fn level(&self, kind: ActionKind) -> Level {
        self.level_of(kind.name())
    }

    /// How the implementation observes steps of the kind named `name`.
    pub(crate) fn level_of(&self, name: &str) -> Level {
        self.levels.get(name).copied().unwrap_or(Level::Exact)
    }
}

/// The kinds with a coarse form, each defined by [`coarse`] or [`coarse_add_task`].
const COARSE_KINDS: [ActionKind; 3] = [ActionKind::Update, ActionKind::Poll, ActionKind::AddTask];

/// Whether a step changes the state later steps observe: one the implementation cannot do
/// leaves it in another state than the model, so the trace stops there. (`mark` only keeps
/// a copy for `deltas`, which cannot be observed without it either.)
pub(crate) const fn changes_state(kind: ActionKind) -> bool {
    matches!(
        kind,
        ActionKind::Update
            | ActionKind::Limits
            | ActionKind::Start
            | ActionKind::RemoveBuildIds
            | ActionKind::ClearTombstones
            | ActionKind::PersistUnknownBuildId
            | ActionKind::MergeReplica
            | ActionKind::ReceiveReplica
    )
}

/// An observation made coarse: an update's `"noop"` is `"changed"` (success only: the
/// server's API returns nothing on success), a poll's `"unknownBuildId"` is `"accepted"`
/// (an unknown build ID's poller waits like an accepted one). Anything else is unchanged.
pub(crate) fn coarse(observation: Observation) -> Observation {
    match observation {
        Observation::Change(UpdateExpectation::NoOp) => {
            Observation::Change(UpdateExpectation::Changed)
        }
        Observation::Poll(PollExpectation::UnknownBuildId) => {
            Observation::Poll(PollExpectation::Accepted)
        }
        other => other,
    }
}

/// The coarse form of the model's `addTask` answer in `state`: which poller receives the
/// task, `{"buildId": ID}`, or `"unversioned"`. A set's queue is polled by its default
/// build ID's workers; an unknown build ID's task goes to that build ID's own queue
/// (the server routes it to the exact build ID), polled by its workers. Set IDs are not in
/// any public answer of the server; which worker gets the task is. `None` for other steps.
pub(crate) fn coarse_add_task(state: &VersionSets, step: &Step) -> Option<Value> {
    let Action::AddTask { build_id, .. } = &step.action else {
        return None;
    };
    let asked = build_id.as_ref().map(BuildId::as_str);
    Some(match state.add_task(asked) {
        DispatchQueue::Unversioned => json!("unversioned"),
        DispatchQueue::Set(set) => json!({ "buildId": set.default_build_id().as_str() }),
        DispatchQueue::Guessed(_) => json!({ "buildId": asked.unwrap_or_default() }),
    })
}

/// The outcome of comparing one answer.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Verdict {
    /// The same observation.
    Agrees,
    /// The same only once both are made coarse.
    AgreesCoarsely,
    /// A deliberate divergence of the crate (docs/semantics.md#divergences).
    Expected(&'static Divergence),
    /// A disagreement.
    Differs,
}

/// Compares the child's answer with the model's at `level` (not [`Level::None`]): the same
/// observation, except that an error's message is compared only where the step's `expect`
/// gives one, and a step that observes nothing takes any JSON object. `coarse_task` is the
/// model's coarse `addTask` answer ([`coarse_add_task`]) when that kind is declared coarse:
/// the child's answer is in that form only.
pub(crate) fn compare(
    step: &Step,
    level: Level,
    expected: &Observation,
    coarse_task: Option<&Value>,
    got: &Value,
) -> Verdict {
    if let Some(coarse_task) = coarse_task {
        return if got == coarse_task {
            Verdict::AgreesCoarsely
        } else {
            Verdict::Differs
        };
    }
    if *expected == Observation::Nothing {
        return if got.is_object() {
            Verdict::Agrees
        } else {
            Verdict::Differs
        };
    }
    let Ok(got) = trace::read_observation(step.action.kind(), &got.to_string()) else {
        return Verdict::Differs;
    };
    if same(step, expected, &got) {
        return Verdict::Agrees;
    }
    if level == Level::Coarse && same(step, &coarse(expected.clone()), &coarse(got.clone())) {
        return Verdict::AgreesCoarsely;
    }
    match DIVERGENCES.iter().find(|d| (d.shows)(step, expected, &got)) {
        Some(divergence) => Verdict::Expected(divergence),
        None => Verdict::Differs,
    }
}

/// Equal, with an error's message compared only where the step's `expect` gives one.
fn same(step: &Step, expected: &Observation, got: &Observation) -> bool {
    let message_compared = matches!(
        step.action.expectation(),
        Some(Observation::Change(UpdateExpectation::Error {
            message: Some(_),
            ..
        }))
    );
    match expected {
        Observation::Change(UpdateExpectation::Error { code, .. }) if !message_compared => {
            matches!(got, Observation::Change(UpdateExpectation::Error { code: have, .. }) if have == code)
        }
        _ => got == expected,
    }
}

/// A deliberate divergence of the crate from the server (a row of the Divergences table in
/// docs/semantics.md) that an implementation's answers can show.
#[derive(Debug)]
pub(crate) struct Divergence {
    /// The rule, as docs/semantics.md names it.
    pub(crate) rule: &'static str,
    /// Why the answers differ.
    pub(crate) reason: &'static str,
    /// Whether the step and the two answers are this divergence.
    shows: fn(&Step, &Observation, &Observation) -> bool,
}

/// The divergences an answer can show. The other rows of the table are about stored forms,
/// replication and tie orders that no step's answer tells apart.
pub(crate) static DIVERGENCES: [Divergence; 1] = [Divergence {
    rule: "update.invalid-build-id",
    reason: "the server checks neither merge-sets argument nor the length of \
             existingCompatibleBuildId, so such an update fails NOT_FOUND in matching; the \
             crate answers INVALID_ARGUMENT for every invalid build ID",
    shows: unchecked_build_id,
}];

/// An invalid build ID in a field the server does not check: the model's
/// `INVALID_ARGUMENT` against the implementation's `NOT_FOUND`.
fn unchecked_build_id(step: &Step, expected: &Observation, got: &Observation) -> bool {
    let Action::InvalidUpdate { update, .. } = &step.action else {
        return false;
    };
    let unchecked = matches!(
        update.field(),
        "mergeSets.primarySetBuildId"
            | "mergeSets.secondarySetBuildId"
            | "addNewCompatibleBuildId.existingCompatibleBuildId"
    );
    let error = |want: Code, observation: &Observation| matches!(observation, Observation::Change(UpdateExpectation::Error { code, .. }) if *code == want);
    unchecked && error(Code::InvalidArgument, expected) && error(Code::NotFound, got)
}
