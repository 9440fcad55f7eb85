//! The `trace` target: arbitrary bytes through the trace parser and runner
//! (`version_sets_trace`), and through the parser of operation files.
//!
//! Nothing panics. Malformed input is an error naming a line the input has. Well-formed input
//! loses no line: every line that is not blank or a comment is exactly one step. `replay`
//! answers as `run` of `parse` does, or stops at one of the steps, past the bound on
//! whole-queue work. And the runner's verdict agrees with the reference model's: the steps are replayed on the model
//! (`model`), which decides independently which expectations hold, so the lines the
//! runner reports as failed, the number that passed, and the sets left at the end must all
//! match.
//!
//! The model has logical ticks instead of hybrid logical clocks and names sets after build
//! IDs instead of hashes. A `start` state is translated into it (each distinct timestamp
//! becomes a tick, in order; each set ID becomes the build ID it hashes from), when that
//! translation is exact: every set ID's build ID occurs in the trace, and no two sets, nor
//! two build IDs of one set, share a became-default timestamp (the model orders such ties
//! its own way), and no timestamp is below zero. `addTask` hashes the model's set names
//! with the crate's `SetId` (the hash is pinned by its own vectors); the model decides
//! which set. The replication steps (`mergeReplica`, `receiveReplica`, `gcPlan`,
//! `reachability`) are not modelled: they depend on the real clocks (wall-time thresholds,
//! the merge's timestamp order) that the model abstracts away. Traces the model cannot
//! replay get the count and validity checks.

use std::collections::{BTreeSet, HashMap};

use serde_json::Value;
use version_sets::{BuildId, Hlc, Limits, SetId, Target, TargetQueue, VersionSets};
use version_sets_trace::{
    self as trace, Action, PollExpectation, StickyExpectation, TaskQueueExpectation,
    UpdateExpectation,
};

use crate::model::{self, Model};
use crate::world::{model_intent, model_op};

pub fn run(data: &[u8]) {
    match trace::parse(data) {
        Ok(steps) => {
            let lines: Vec<usize> = steps.iter().map(|step| step.line).collect();
            assert_eq!(lines, content_lines(data), "steps vs content lines");
            let report = trace::run(&steps);
            // `replay` answers as `run` does, unless it stops at a step (one of the trace's)
            // past the bound on whole-queue work, which `run` does not have.
            match trace::replay(data) {
                Ok(replayed) => {
                    assert_eq!(replayed.passed, report.passed, "replay vs run: passed");
                    assert_eq!(
                        replayed.failures, report.failures,
                        "replay vs run: failures"
                    );
                }
                Err(trace::ReplayError::OverBound(refused)) => {
                    assert!(lines.contains(&refused.line()), "refused at {refused}");
                }
                Err(error) => panic!("replay refused what parse read: {error}"),
            }
            let names = names(&steps);
            let translatable = steps.iter().all(|step| match &step.action {
                Action::Start(state) => loaded(state, &names).is_some(),
                _ => true,
            });
            // The model knows one task queue: a trace that names queues is the namespace's
            // (its rules are pinned by `tests/namespace_rules.rs` and its vectors).
            let one_queue = steps.iter().all(|step| step.task_queue.is_none());
            if translatable && one_queue && steps.iter().all(|step| modelled(&step.action)) {
                check_report(&steps, &report, &names);
            } else {
                // The model has no clocks for the replication steps, and some loaded
                // states do not translate: the runner's counts must still add up, and its
                // state must be valid.
                assert!(
                    report.passed + report.failed() <= steps.len(),
                    "more verdicts than steps"
                );
                if let Err(error) = report.state().validate() {
                    panic!("a trace left an invalid value: {error}");
                }
            }
        }
        Err(error) => check_error(data, &error),
    }
    match trace::parse_updates(data) {
        Ok(updates) => {
            let lines: Vec<usize> = updates.iter().map(|(line, _)| *line).collect();
            assert_eq!(lines, content_lines(data), "updates vs content lines");
            let mut sets = VersionSets::new();
            for (now_ms, (_, update)) in (1..).zip(&updates) {
                let _ = sets.apply(update, now_ms, Limits::SERVER_DEFAULT);
            }
            if let Err(error) = sets.validate() {
                panic!("operations left an invalid value: {error}");
            }
        }
        Err(error) => check_error(data, &error),
    }
}

/// The 1-based numbers of the lines that must be steps: valid UTF-8 (else parsing fails),
/// neither blank nor a `#` comment once leading white space (and a byte-order mark on the
/// first line) is skipped; lines end at `\n`, an `\r` before it is not content.
#[track_caller]
fn content_lines(data: &[u8]) -> Vec<usize> {
    let mut lines = Vec::new();
    for (index, raw) in data.split(|&byte| byte == b'\n').enumerate() {
        let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
        let raw = if index == 0 {
            raw.strip_prefix("\u{feff}".as_bytes()).unwrap_or(raw)
        } else {
            raw
        };
        let text = match std::str::from_utf8(raw) {
            Ok(text) => text.trim_start(),
            Err(_) => panic!("line {} is not UTF-8, yet it parsed", index + 1),
        };
        if !text.is_empty() && !text.starts_with('#') {
            lines.push(index + 1);
        }
    }
    lines
}

/// A parse error names a line the input has, and says what is wrong.
#[track_caller]
fn check_error(data: &[u8], error: &trace::TraceError) {
    let lines = data.split(|&byte| byte == b'\n').count();
    assert!(
        (1..=lines).contains(&error.line()),
        "error on line {} of {lines}: {error}",
        error.line()
    );
    assert!(!error.problem().is_empty(), "an error that says nothing");
    assert_eq!(
        error.to_string(),
        format!("line {}: {}", error.line(), error.problem())
    );
}

/// Whether [`check_report`] can replay the action on the model (format v1, and an update
/// naming an invalid build ID).
fn modelled(action: &Action) -> bool {
    matches!(
        action,
        Action::Update { .. }
            | Action::InvalidUpdate { .. }
            | Action::Limits(_)
            | Action::Sets(_)
            | Action::Resolve { .. }
            | Action::Poll { .. }
            | Action::RemoveBuildIds { .. }
            | Action::ClearTombstones { .. }
            | Action::PersistUnknownBuildId { .. }
            | Action::View { .. }
            | Action::StickyPoll { .. }
            | Action::StickyAdd { .. }
            | Action::Start(_)
            | Action::Mark(_)
            | Action::Deltas { .. }
            | Action::AddTask { .. }
    )
}

/// Every string in the trace: the candidates for the build ID a set ID hashes from.
fn names(steps: &[trace::Step]) -> BTreeSet<String> {
    fn walk(value: &Value, names: &mut BTreeSet<String>) {
        match value {
            Value::String(text) => {
                names.insert(text.clone());
            }
            Value::Array(items) => items.iter().for_each(|item| walk(item, names)),
            Value::Object(map) => map.values().for_each(|item| walk(item, names)),
            _ => {}
        }
    }
    let mut names = BTreeSet::new();
    for step in steps {
        let written: Value = serde_json::from_str(&step.to_line()).unwrap_or(Value::Null);
        walk(&written, &mut names);
    }
    names
}

/// A loaded state as the model holds it, when the translation is exact (see the module
/// docs): each distinct timestamp a tick in order (the zero clock tick 0, as the model
/// stamps a persisted set), each set ID the build ID it hashes from. A stamp below zero
/// makes it inexact.
fn loaded(state: &VersionSets, names: &BTreeSet<String>) -> Option<Model> {
    let mut stamps: Vec<Hlc> = Vec::new();
    for set in state.sets() {
        stamps.push(set.became_default_timestamp());
        for record in set.build_ids() {
            stamps.push(record.became_default_timestamp());
            stamps.push(record.state_update_timestamp());
        }
    }
    stamps.sort();
    stamps.dedup();
    // Below zero a persisted set is stamped with its own tick, not the zero clock
    // (`persist.negative-clock`), which the model only follows when every stamp of the run
    // stays below zero: a trace's wall times may cross it, so such states are not modelled.
    if stamps.first().is_some_and(|first| *first < Hlc::default()) {
        return None;
    }
    let offset = u64::from(stamps.first() != Some(&Hlc::default()));
    let tick = |stamp: Hlc| stamps.binary_search(&stamp).ok().map(|i| i as u64 + offset);
    let hashes: HashMap<String, &String> = names
        .iter()
        .filter_map(|name| BuildId::new(name).ok().map(|id| (name, id)))
        .map(|(name, id)| (SetId::for_build_id(&id).as_str().to_owned(), name))
        .collect();
    let mut sets = Vec::new();
    for set in state.sets() {
        let mut members = Vec::new();
        for record in set.build_ids() {
            members.push(model::Member {
                id: record.id().as_str().to_owned(),
                deleted: !record.is_active(),
                bdt: tick(record.became_default_timestamp())?,
                sut: tick(record.state_update_timestamp())?,
            });
        }
        let mut bdts: Vec<u64> = members.iter().map(|m| m.bdt).collect();
        bdts.sort_unstable();
        bdts.dedup();
        if bdts.len() != members.len() {
            return None;
        }
        // The sorted run of set IDs is the model's sorted part; the rest, in order, its
        // appended part (the crate keeps a stored list as it is).
        let ids: Vec<&str> = set.set_ids().map(SetId::as_str).collect();
        let run = 1 + ids
            .windows(2)
            .take_while(|pair| matches!(pair, [a, b] if a < b))
            .count();
        let name = |id: &&str| hashes.get(*id).map(|name| (*name).clone());
        let named_after = ids.iter().take(run).map(name).collect::<Option<Vec<_>>>()?;
        let appended = ids.iter().skip(run).map(name).collect::<Option<Vec<_>>>()?;
        sets.push(model::Set {
            members,
            bdt: tick(set.became_default_timestamp())?,
            named_after,
            appended,
        });
    }
    let mut set_bdts: Vec<u64> = sets.iter().map(|set| set.bdt).collect();
    set_bdts.sort_unstable();
    set_bdts.dedup();
    if set_bdts.len() != sets.len() {
        return None;
    }
    Some(Model {
        sets,
        tick: stamps.len() as u64 + offset - 1,
        ..Model::default()
    })
}

/// The queue `addTask` names on the model: the primary (first) set ID of the set, the
/// smallest hash of its sorted part.
fn primary(set: &model::Set) -> SetId {
    let hashes = set
        .named_after
        .iter()
        .filter_map(|name| BuildId::new(name).ok())
        .map(|id| SetId::for_build_id(&id).as_str().to_owned());
    SetId::from_stored(hashes.min().unwrap_or_default())
}

/// The build IDs active in the model, sorted.
fn active(model: &Model) -> BTreeSet<String> {
    model
        .sets
        .iter()
        .flat_map(|set| &set.members)
        .filter(|m| !m.deleted)
        .map(|m| m.id.clone())
        .collect()
}

/// Whether a change's outcome is the one expected (`None`: no expectation).
fn change_holds(expect: &Option<UpdateExpectation>, outcome: model::Outcome) -> Option<bool> {
    expect.as_ref().map(|expect| {
        matches!(
            (expect, outcome),
            (UpdateExpectation::Changed, model::Outcome::Changed)
                | (UpdateExpectation::NoOp, model::Outcome::NoOp)
        )
    })
}

/// The model's verdict on every step, compared with the runner's report.
#[track_caller]
fn check_report(steps: &[trace::Step], report: &trace::Report, names: &BTreeSet<String>) {
    let mut model = Model::default();
    let mut marks: HashMap<&str, Model> = HashMap::new();
    let mut failed = Vec::new();
    let mut passed = 0;
    for step in steps {
        let holds = match &step.action {
            Action::Update { update, expect } => {
                let result = model.apply(&model_op(update));
                Some(match (expect, result) {
                    (None, result) => result.is_ok(),
                    (Some(UpdateExpectation::Changed), Ok(model::Outcome::Changed))
                    | (Some(UpdateExpectation::NoOp), Ok(model::Outcome::NoOp)) => true,
                    (Some(UpdateExpectation::Error { code, message }), Err(error)) => {
                        code.as_str() == error.code
                            && message.as_ref().is_none_or(|m| *m == error.message)
                    }
                    (Some(_), _) => false,
                })
            }
            // `update.invalid-build-id`: an invalid build ID is the update's INVALID_ARGUMENT, and
            // the state does not change; the message names the field and the problem.
            Action::InvalidUpdate { update, expect } => Some(match expect {
                Some(UpdateExpectation::Error { code, message }) => {
                    code.as_str() == "INVALID_ARGUMENT"
                        && message
                            .as_ref()
                            .is_none_or(|m| *m == format!("{}: {}", update.field(), update.error()))
                }
                _ => false,
            }),
            Action::Limits(limits) => {
                model.max_sets = limits.queue.max_sets;
                model.max_build_ids = limits.queue.max_build_ids;
                None
            }
            Action::Sets(expected) => Some(model.public_view(0) == strings(expected)),
            Action::Resolve {
                intent,
                build_id,
                queue,
                expect,
            } => expect.as_ref().map(|expect| {
                let caller = build_id.as_ref().map(BuildId::as_str);
                let same_task_queue = *queue == TargetQueue::Same;
                model.resolve(model_intent(*intent), caller, same_task_queue)
                    == model_target(expect)
            }),
            Action::Poll { build_id, expect } => expect.as_ref().map(|expect| {
                let expected = match expect {
                    PollExpectation::Accepted => model::Poll::Accepted,
                    PollExpectation::NewerBuildExists(id) => {
                        model::Poll::NewerBuildExists(id.as_str().to_owned())
                    }
                    PollExpectation::UnknownBuildId => model::Poll::Unknown,
                };
                model.poll(build_id.as_str()) == expected
            }),
            Action::RemoveBuildIds { build_ids, expect } => {
                let ids: Vec<String> = build_ids.iter().map(|id| id.as_str().to_owned()).collect();
                change_holds(expect, model.remove(&ids))
            }
            Action::ClearTombstones { expect } => change_holds(expect, model.clear_tombstones()),
            Action::PersistUnknownBuildId { build_id, expect } => {
                change_holds(expect, model.persist_unknown(build_id.as_str()))
            }
            Action::View { max_sets, expect } => expect
                .as_ref()
                .map(|expected| model.public_view(*max_sets) == strings(expected)),
            // Sticky checks refuse exactly the build IDs a poll is refused for.
            Action::StickyPoll { build_id, expect } => expect.as_ref().map(|expect| {
                let expected = match expect {
                    StickyExpectation::NewerBuildExists(id) => {
                        model::Poll::NewerBuildExists(id.as_str().to_owned())
                    }
                    _ => model::Poll::Accepted,
                };
                let got = match model.poll(build_id.as_str()) {
                    model::Poll::Unknown => model::Poll::Accepted,
                    other => other,
                };
                got == expected && *expect != StickyExpectation::StickyWorkerUnavailable
            }),
            Action::StickyAdd { build_id, expect } => expect.as_ref().map(|expect| {
                let refused = matches!(
                    model.poll(build_id.as_str()),
                    model::Poll::NewerBuildExists(_)
                );
                match expect {
                    StickyExpectation::Accepted => !refused,
                    StickyExpectation::StickyWorkerUnavailable => refused,
                    StickyExpectation::NewerBuildExists(_) => false,
                }
            }),
            Action::Start(state) => {
                // `run` checked that it translates.
                model = loaded(state, names).unwrap_or_default();
                None
            }
            Action::Mark(name) => {
                marks.insert(name, model.clone());
                None
            }
            Action::Deltas { since, expect } => expect.as_ref().map(|expect| {
                let ids = |ids: &[BuildId]| -> Vec<String> {
                    ids.iter().map(|id| id.as_str().to_owned()).collect()
                };
                marks.get(since.as_str()).is_some_and(|before| {
                    let (then, now) = (active(before), active(&model));
                    ids(&expect.added) == now.difference(&then).cloned().collect::<Vec<_>>()
                        && ids(&expect.removed)
                            == then.difference(&now).cloned().collect::<Vec<_>>()
                })
            }),
            Action::AddTask { build_id, expect } => expect.as_ref().map(|expect| {
                let got = match build_id {
                    None => model
                        .sets
                        .last()
                        .map_or(TaskQueueExpectation::Unversioned, |set| {
                            TaskQueueExpectation::Set(primary(set))
                        }),
                    Some(id) => match model.find(id.as_str()) {
                        Some((set, _)) => TaskQueueExpectation::Set(
                            model
                                .sets
                                .get(set)
                                .map(primary)
                                .unwrap_or_else(|| SetId::from_stored("")),
                        ),
                        None => TaskQueueExpectation::Guessed(SetId::for_build_id(id)),
                    },
                };
                got == *expect
            }),
            // A new action needs a model verdict here; until then, say so loudly. (Needed
            // while `Action` is `#[non_exhaustive]`, unreachable when it is not.)
            #[allow(unreachable_patterns)]
            other => panic!("the harness does not know the action {other:?}"),
        };
        match holds {
            None => {}
            Some(true) => passed += 1,
            Some(false) => failed.push(step.line),
        }
    }
    let reported: Vec<usize> = report.failures.iter().map(|f| f.line).collect();
    assert_eq!(reported, failed, "lines whose expectation failed");
    assert_eq!(report.failed(), failed.len(), "failed count");
    assert_eq!(report.passed, passed, "passed count");
    for failure in &report.failures {
        let text = failure.to_string();
        let prefix = format!("line {}: expected ", failure.line);
        assert!(text.starts_with(&prefix), "failure text {text:?}");
    }
    if let Err(error) = report.state().validate() {
        panic!("the runner left an invalid value: {error}");
    }
    assert_eq!(
        crate::world::listing(report.state(), 0),
        model.public_view(0),
        "the sets the trace left"
    );
}

fn strings(sets: &[Vec<BuildId>]) -> Vec<Vec<String>> {
    sets.iter()
        .map(|set| set.iter().map(|id| id.as_str().to_owned()).collect())
        .collect()
}

fn model_target(target: &Target) -> model::Resolution {
    match target {
        Target::SetDefault(id) => model::Resolution::SetDefault(id.as_str().to_owned()),
        Target::ExactBuildId(id) => model::Resolution::ExactBuildId(id.as_str().to_owned()),
        Target::Unversioned => model::Resolution::Unversioned,
        Target::Rejected => model::Resolution::Rejected,
    }
}
