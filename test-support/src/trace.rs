//! The `trace` target: arbitrary bytes through the trace parser and runner
//! (`version_sets::trace`), and through the parser of operation files.
//!
//! Nothing panics. Malformed input is an error naming a line the input has. Well-formed input
//! loses no line: every line that is not blank or a comment is exactly one step. And the
//! runner's verdict agrees with the reference model's: the steps are replayed on the model
//! (`model`), which decides independently which expectations hold, so the lines the
//! runner reports as failed, the number that passed, and the sets left at the end must all
//! match.

use version_sets::trace::{self, Action, PollExpectation, StickyExpectation, UpdateExpectation};
use version_sets::{BuildId, Limits, Target, Update, VersionSets, VersioningIntent};

use crate::model::{self, Model};

pub fn run(data: &[u8]) {
    match trace::parse(data) {
        Ok(steps) => {
            let lines: Vec<usize> = steps.iter().map(|step| step.line).collect();
            assert_eq!(lines, content_lines(data), "steps vs content lines");
            let report = trace::run(&steps);
            if steps.iter().all(|step| modelled(&step.action)) {
                check_report(&steps, &report);
            } else {
                // The model has no `start`, deltas or dispatch lookups beyond poll: the
                // runner's counts must still add up, and its state must be valid.
                assert!(
                    report.passed + report.failed() <= steps.len(),
                    "more verdicts than steps"
                );
                if let Err(error) = report.state.validate() {
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
    )
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
fn check_report(steps: &[trace::Step], report: &trace::Report) {
    let mut model = Model::default();
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
            // The spec (section 3): an invalid build ID is the update's INVALID_ARGUMENT, and
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
                model.max_sets = limits.max_sets;
                model.max_build_ids = limits.max_build_ids;
                None
            }
            Action::Sets(expected) => Some(model.public_view(0) == strings(expected)),
            Action::Resolve {
                intent,
                build_id,
                same_task_queue,
                expect,
            } => expect.as_ref().map(|expect| {
                let caller = build_id.as_ref().map(BuildId::as_str);
                model.resolve(model_intent(*intent), caller, *same_task_queue)
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
    if let Err(error) = report.state.validate() {
        panic!("the runner left an invalid value: {error}");
    }
    assert_eq!(
        crate::world::listing(&report.state, 0),
        model.public_view(0),
        "the sets the trace left"
    );
}

fn strings(sets: &[Vec<BuildId>]) -> Vec<Vec<String>> {
    sets.iter()
        .map(|set| set.iter().map(|id| id.as_str().to_owned()).collect())
        .collect()
}

fn model_op(update: &Update) -> model::Op {
    let s = |id: &BuildId| id.as_str().to_owned();
    match update {
        Update::AddNewBuildIdInNewDefaultSet(x) => model::Op::AddNewDefault(s(x)),
        Update::AddNewCompatibleBuildId {
            new_build_id,
            existing_compatible_build_id,
            make_set_default,
        } => model::Op::AddCompatible {
            new: s(new_build_id),
            existing: s(existing_compatible_build_id),
            make_default: *make_set_default,
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

fn model_intent(intent: VersioningIntent) -> model::Intent {
    match intent {
        VersioningIntent::Unspecified => model::Intent::Unspecified,
        VersioningIntent::Compatible => model::Intent::Compatible,
        VersioningIntent::Default => model::Intent::Default,
    }
}

fn model_target(target: &Target) -> model::Resolution {
    match target {
        Target::SetDefault(id) => model::Resolution::SetDefault(id.as_str().to_owned()),
        Target::ExactBuildId(id) => model::Resolution::ExactBuildId(id.as_str().to_owned()),
        Target::Unversioned => model::Resolution::Unversioned,
        Target::Rejected => model::Resolution::Rejected,
    }
}
