//! Reading the actions of format v1: `limits`, `sets`, `resolve` and `poll`.

use serde_json::Value;

use super::expect;
use super::json::{boolean, build_id, count, describe, join, known_keys, object, required, string};
use crate::types::Action;
use crate::types::names::INTENTS;
use version_sets::{
    DEFAULT_TASK_QUEUES_PER_BUILD_ID, Limits, NamespaceLimits, TargetQueue, VersioningIntent,
};

/// `{"maxSets": N, "maxBuildIds": N, "taskQueuesPerBuildId": N}`, each optional, `0`
/// meaning unlimited; the queue limits default to `0`, `taskQueuesPerBuildId` to the
/// server's 20.
pub(super) fn limits(value: &Value) -> Result<NamespaceLimits, String> {
    let map = object(value, "limits", "an object")?;
    known_keys(
        map,
        "limits",
        &["maxSets", "maxBuildIds", "taskQueuesPerBuildId"],
    )?;
    let limit = |key: &str, default: usize| {
        map.get(key)
            .map_or(Ok(default), |value| count(value, &join("limits", key)))
    };
    Ok(NamespaceLimits {
        queue: Limits {
            max_sets: limit("maxSets", 0)?,
            max_build_ids: limit("maxBuildIds", 0)?,
        },
        task_queues_per_build_id: limit("taskQueuesPerBuildId", DEFAULT_TASK_QUEUES_PER_BUILD_ID)?,
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
    let same = map
        .get("sameTaskQueue")
        .map_or(Ok(true), |same| boolean(same, "resolve.sameTaskQueue"))?;
    let queue = if same {
        TargetQueue::Same
    } else {
        TargetQueue::Other
    };
    Ok(Action::Resolve {
        intent,
        build_id,
        queue,
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
