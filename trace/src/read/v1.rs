//! Reading the actions of format v1: `limits`, `sets`, `resolve` and `poll`.

use serde_json::Value;

use super::expect;
use super::json::{boolean, build_id, count, describe, join, known_keys, object, required, string};
use crate::types::Action;
use crate::types::names::INTENTS;
use version_sets::{Limits, VersioningIntent};

/// `{"maxSets": N, "maxBuildIds": N}`, both optional, `0` meaning unlimited.
pub(super) fn limits(value: &Value) -> Result<Limits, String> {
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

/// `{"intent": I, "buildId": ID, "sameTaskQueue": B}` with its expected target.
pub(super) fn resolve(value: &Value, expect: Option<&Value>) -> Result<Action, String> {
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
        expect: expect.map(expect::target).transpose()?,
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
    let name = name.strip_prefix("VERSIONING_INTENT_").unwrap_or(name);
    INTENTS
        .iter()
        .find(|(known, _)| *known == name)
        .map(|(_, intent)| *intent)
        .ok_or_else(|| format!("resolve.intent: {EXPECTED}, got {}", describe(value)))
}

/// `"ID"` with its expected answer.
pub(super) fn poll(value: &Value, expect: Option<&Value>) -> Result<Action, String> {
    Ok(Action::Poll {
        build_id: build_id(value, "poll")?,
        expect: expect.map(expect::poll).transpose()?,
    })
}
