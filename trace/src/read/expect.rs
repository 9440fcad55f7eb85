//! Reading a step's `expect`, which is also the form of an implementation's answer: one
//! reader per kind of observation.

use serde::Deserialize;
use serde_json::Value;

use super::json::{
    at, build_id, describe, join, known_keys, list, quote, required, single_key, string, typed,
};
use crate::types::names::FOUND;
use crate::types::names::found_name;
use crate::types::{PollExpectation, StickyExpectation, TaskQueueExpectation, UpdateExpectation};
use version_sets::{BuildId, BuildIdDeltas, Code, SetId, Target, TaskReachability};

/// The status codes an update can fail with.
const CODES: [Code; 3] = [
    Code::InvalidArgument,
    Code::NotFound,
    Code::FailedPrecondition,
];

/// An `update` step's `expect`: `"changed"`, `"noop"` or `{"error": CODE, "message": TEXT}`.
pub(super) fn update(value: &Value) -> Result<UpdateExpectation, String> {
    const EXPECTED: &str = r#"expected "changed", "noop" or {"error": CODE}"#;
    match value {
        Value::String(text) if text == "changed" => Ok(UpdateExpectation::Changed),
        Value::String(text) if text == "noop" => Ok(UpdateExpectation::NoOp),
        Value::Object(map) => {
            known_keys(map, "expect", &["error", "message"])?;
            let code = required(map, "expect", "error")?;
            let code = string(code, "expect.error", "a status code name")?;
            let code = CODES
                .into_iter()
                .find(|known| known.as_str() == code)
                .ok_or_else(|| {
                    let names: Vec<&str> = CODES.iter().map(|code| code.as_str()).collect();
                    format!(
                        "expect.error: unknown status code {} (expected {})",
                        quote(code),
                        list(&names, "or")
                    )
                })?;
            let message = map
                .get("message")
                .map(|text| string(text, "expect.message", "a string").map(str::to_owned))
                .transpose()?;
            Ok(UpdateExpectation::Error { code, message })
        }
        other => Err(format!("expect: {EXPECTED}, got {}", describe(other))),
    }
}

/// The expectation of a step that changes the sets but cannot fail: `"changed"` or `"noop"`.
pub(super) fn change(value: &Value) -> Result<UpdateExpectation, String> {
    match value {
        Value::String(text) if text == "changed" => Ok(UpdateExpectation::Changed),
        Value::String(text) if text == "noop" => Ok(UpdateExpectation::NoOp),
        other => Err(format!(
            r#"expect: expected "changed" or "noop", got {}"#,
            describe(other)
        )),
    }
}

/// `[["1.0", "1.1"], ["2.0"]]`: the build IDs of each set, oldest set first.
pub(super) fn sets(value: &Value) -> Result<Vec<Vec<BuildId>>, String> {
    let sets = value
        .as_array()
        .ok_or_else(|| format!("sets: expected an array of sets, got {}", describe(value)))?;
    sets.iter()
        .enumerate()
        .map(|(i, set)| {
            let path = format!("sets[{i}]");
            let ids = set.as_array().ok_or_else(|| {
                at(
                    &path,
                    format_args!("expected an array of build IDs, got {}", describe(set)),
                )
            })?;
            ids.iter()
                .enumerate()
                .map(|(j, id)| build_id(id, &format!("{path}[{j}]")))
                .collect()
        })
        .collect()
}

/// A listing, as a `view` step expects it (a `sets` step's value has the same form).
pub(super) fn listing(value: &Value) -> Result<Vec<Vec<BuildId>>, String> {
    sets(value).map_err(|problem| format!("expect{}", problem.trim_start_matches("sets")))
}

/// A `resolve` step's `expect`.
pub(super) fn target(value: &Value) -> Result<Target, String> {
    const EXPECTED: &str =
        r#"expected {"setDefault": ID}, {"exactBuildId": ID}, "unversioned" or "rejected""#;
    match value {
        Value::String(text) if text == "unversioned" => Ok(Target::Unversioned),
        Value::String(text) if text == "rejected" => Ok(Target::Rejected),
        Value::Object(map) => {
            let (key, id) = single_key(map, "expect", &["setDefault", "exactBuildId"])?;
            let id = build_id(id, &join("expect", key))?;
            Ok(match key {
                "setDefault" => Target::SetDefault(id),
                _ => Target::ExactBuildId(id),
            })
        }
        other => Err(format!("expect: {EXPECTED}, got {}", describe(other))),
    }
}

/// A `poll` step's `expect`.
pub(super) fn poll(value: &Value) -> Result<PollExpectation, String> {
    const EXPECTED: &str = r#"expected "accepted", {"newerBuildExists": ID} or "unknownBuildId""#;
    match value {
        Value::String(text) if text == "accepted" => Ok(PollExpectation::Accepted),
        Value::String(text) if text == "unknownBuildId" => Ok(PollExpectation::UnknownBuildId),
        Value::Object(map) => {
            let (key, id) = single_key(map, "expect", &["newerBuildExists"])?;
            Ok(PollExpectation::NewerBuildExists(build_id(
                id,
                &join("expect", key),
            )?))
        }
        other => Err(format!("expect: {EXPECTED}, got {}", describe(other))),
    }
}

/// `{"added": [...], "removed": [...]}`, both sorted.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Deltas {
    added: Vec<BuildId>,
    removed: Vec<BuildId>,
}

/// A `deltas` step's `expect`.
pub(super) fn deltas(value: &Value) -> Result<BuildIdDeltas, String> {
    let deltas: Deltas = typed(value, "expect")?;
    Ok(BuildIdDeltas {
        added: deltas.added,
        removed: deltas.removed,
    })
}

/// An `addTask` step's `expect`: `"unversioned"`, `{"setId": ID}` or `{"guessedSetId": ID}`.
pub(super) fn task_queue(value: &Value) -> Result<TaskQueueExpectation, String> {
    match value {
        Value::String(text) if text == "unversioned" => Ok(TaskQueueExpectation::Unversioned),
        Value::Object(map) => {
            let (key, id) = single_key(map, "expect", &["setId", "guessedSetId"])?;
            let id = SetId::from_stored(string(id, &join("expect", key), "a set ID")?);
            Ok(match key {
                "setId" => TaskQueueExpectation::Set(id),
                _ => TaskQueueExpectation::Guessed(id),
            })
        }
        other => Err(format!(
            r#"expect: expected "unversioned", {{"setId": ID}} or {{"guessedSetId": ID}}, got {}"#,
            describe(other)
        )),
    }
}

/// A `stickyPoll` step's `expect`: `"accepted"` or `{"newerBuildExists": ID}`.
pub(super) fn sticky_poll(value: &Value) -> Result<StickyExpectation, String> {
    match value {
        Value::String(text) if text == "accepted" => Ok(StickyExpectation::Accepted),
        Value::Object(map) => {
            let (key, id) = single_key(map, "expect", &["newerBuildExists"])?;
            Ok(StickyExpectation::NewerBuildExists(build_id(
                id,
                &join("expect", key),
            )?))
        }
        other => Err(format!(
            r#"expect: expected "accepted" or {{"newerBuildExists": ID}}, got {}"#,
            describe(other)
        )),
    }
}

/// A `stickyAdd` step's `expect`: `"accepted"` or `"stickyWorkerUnavailable"`.
pub(super) fn sticky_add(value: &Value) -> Result<StickyExpectation, String> {
    match value {
        Value::String(text) if text == "accepted" => Ok(StickyExpectation::Accepted),
        Value::String(text) if text == "stickyWorkerUnavailable" => {
            Ok(StickyExpectation::StickyWorkerUnavailable)
        }
        other => Err(format!(
            r#"expect: expected "accepted" or "stickyWorkerUnavailable", got {}"#,
            describe(other)
        )),
    }
}

/// An array of build IDs.
pub(super) fn build_ids(value: &Value, path: &str) -> Result<Vec<BuildId>, String> {
    let items = value.as_array().ok_or_else(|| {
        format!(
            "{path}: expected an array of build IDs, got {}",
            describe(value)
        )
    })?;
    items
        .iter()
        .enumerate()
        .map(|(i, id)| build_id(id, &format!("{path}[{i}]")))
        .collect()
}

/// A `reachability` step's `expect`: the kinds found, `NEW_WORKFLOWS` first.
pub(super) fn reachability(value: &Value) -> Result<Vec<TaskReachability>, String> {
    let items = value.as_array().ok_or_else(|| {
        format!(
            "expect: expected an array of reachability kinds, got {}",
            describe(value)
        )
    })?;
    items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            item.as_str()
                .and_then(|name| FOUND.into_iter().find(|found| found_name(*found) == name))
                .ok_or_else(|| {
                    format!(
                        "expect[{i}]: expected NEW_WORKFLOWS, EXISTING_WORKFLOWS, \
                         OPEN_WORKFLOWS or CLOSED_WORKFLOWS, got {}",
                        describe(item)
                    )
                })
        })
        .collect()
}
