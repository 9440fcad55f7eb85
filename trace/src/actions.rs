//! Reading the `limits`, `sets`, `resolve` and `poll` actions and their expectations.

use serde_json::Value;

use super::json::{
    at, boolean, build_id, count, describe, join, known_keys, object, required, single_key, string,
};
use super::step::{Action, PollExpectation};
use version_sets::{BuildId, Limits, Target, VersioningIntent};

/// `{"maxSets": N, "maxBuildIds": N}`, both optional, `0` meaning unlimited.
pub(crate) fn limits(value: &Value) -> Result<Limits, String> {
    let map = object(value, "limits", "an object")?;
    known_keys(map, "limits", &["maxSets", "maxBuildIds"])?;
    let limit = |key: &str| {
        map.get(key)
            .map_or(Ok(0), |value| count(value, &join("limits", key)))
    };
    Ok(Limits {
        max_sets: limit("maxSets")?,
        max_build_ids: limit("maxBuildIds")?,
    })
}

/// `[["1.0", "1.1"], ["2.0"]]`: the build IDs of each set, oldest set first.
pub(crate) fn sets(value: &Value) -> Result<Vec<Vec<BuildId>>, String> {
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

/// `{"intent": I, "buildId": ID, "sameTaskQueue": B}` with its expected target.
pub(crate) fn resolve(value: &Value, expect: Option<&Value>) -> Result<Action, String> {
    let map = object(value, "resolve", "an object")?;
    known_keys(map, "resolve", &["intent", "buildId", "sameTaskQueue"])?;
    let intent = required(map, "resolve", "intent")?;
    let intent = intent_of(intent)?;
    let build_id = map
        .get("buildId")
        .map(|id| build_id(id, "resolve.buildId"))
        .transpose()?;
    let same_task_queue = map
        .get("sameTaskQueue")
        .map_or(Ok(true), |same| boolean(same, "resolve.sameTaskQueue"))?;
    Ok(Action::Resolve {
        intent,
        build_id,
        same_task_queue,
        expect: expect.map(target).transpose()?,
    })
}

/// `"UNSPECIFIED"`, `"COMPATIBLE"` or `"DEFAULT"`, optionally `VERSIONING_INTENT_`-prefixed.
fn intent_of(value: &Value) -> Result<VersioningIntent, String> {
    const EXPECTED: &str = "expected UNSPECIFIED, COMPATIBLE or DEFAULT";
    let name = string(
        value,
        "resolve.intent",
        "UNSPECIFIED, COMPATIBLE or DEFAULT",
    )?;
    match name.strip_prefix("VERSIONING_INTENT_").unwrap_or(name) {
        "UNSPECIFIED" => Ok(VersioningIntent::Unspecified),
        "COMPATIBLE" => Ok(VersioningIntent::Compatible),
        "DEFAULT" => Ok(VersioningIntent::Default),
        _ => Err(format!(
            "resolve.intent: {EXPECTED}, got {}",
            describe(value)
        )),
    }
}

/// A `resolve` step's `expect`.
fn target(value: &Value) -> Result<Target, String> {
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

/// `"ID"` with its expected answer.
pub(crate) fn poll(value: &Value, expect: Option<&Value>) -> Result<Action, String> {
    Ok(Action::Poll {
        build_id: build_id(value, "poll")?,
        expect: expect.map(poll_expectation).transpose()?,
    })
}

/// A `poll` step's `expect`.
fn poll_expectation(value: &Value) -> Result<PollExpectation, String> {
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
