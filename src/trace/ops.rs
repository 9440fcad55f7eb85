//! Reading an update operation and the outcome an `update` step expects.
//!
//! The operation is read by hand rather than through `Update`'s serde form so that every
//! message names the exact path of the bad value; the `trace` tests check that both read
//! the same JSON the same way.

use serde_json::Value;

use super::json::{
    at, boolean, build_id, describe, join, known_keys, list, object, quote, required, single_key,
    string,
};
use super::step::UpdateExpectation;
use crate::{Code, QueueDefault, Update};

/// The operation names, as `UpdateWorkerBuildIdCompatibilityRequest` spells its oneof.
const OPERATIONS: [&str; 5] = [
    "addNewBuildIdInNewDefaultSet",
    "addNewCompatibleBuildId",
    "promoteSetByBuildId",
    "promoteBuildIdWithinSet",
    "mergeSets",
];

/// The status codes an update can fail with.
const CODES: [Code; 3] = [
    Code::InvalidArgument,
    Code::NotFound,
    Code::FailedPrecondition,
];

/// One operation: an object with exactly one operation key. `path` is where it sits.
pub(crate) fn update(value: &Value, path: &str) -> Result<Update, String> {
    let map = object(value, path, "an object with one operation")?;
    if let Some(key) = map.keys().find(|key| !OPERATIONS.contains(&key.as_str())) {
        return Err(at(
            path,
            format_args!(
                "unknown operation {} (expected {})",
                quote(key),
                list(&OPERATIONS, "or")
            ),
        ));
    }
    let (name, body) = single_key(map, path, &OPERATIONS)?;
    let path = join(path, name);
    let path = path.as_str();
    match name {
        "addNewBuildIdInNewDefaultSet" => Ok(Update::add_new_default(build_id(body, path)?)),
        "promoteSetByBuildId" => Ok(Update::promote_set_by_build_id(build_id(body, path)?)),
        "promoteBuildIdWithinSet" => Ok(Update::promote_build_id_within_set(build_id(body, path)?)),
        "addNewCompatibleBuildId" => {
            let map = object(body, path, "an object")?;
            known_keys(
                map,
                path,
                &["newBuildId", "existingCompatibleBuildId", "makeSetDefault"],
            )?;
            let new = required(map, path, "newBuildId")?;
            let existing = required(map, path, "existingCompatibleBuildId")?;
            let make_default = match map.get("makeSetDefault") {
                None => false,
                Some(value) => boolean(value, &join(path, "makeSetDefault"))?,
            };
            Ok(Update::add_new_compatible(
                build_id(new, &join(path, "newBuildId"))?,
                build_id(existing, &join(path, "existingCompatibleBuildId"))?,
                if make_default {
                    QueueDefault::Make
                } else {
                    QueueDefault::Keep
                },
            ))
        }
        _ => {
            let map = object(body, path, "an object")?;
            known_keys(map, path, &["primarySetBuildId", "secondarySetBuildId"])?;
            let primary = required(map, path, "primarySetBuildId")?;
            let secondary = required(map, path, "secondarySetBuildId")?;
            Ok(Update::merge_sets(
                build_id(primary, &join(path, "primarySetBuildId"))?,
                build_id(secondary, &join(path, "secondarySetBuildId"))?,
            ))
        }
    }
}

/// An `update` step's `expect`: `"changed"`, `"noop"` or `{"error": CODE, "message": TEXT}`.
pub(crate) fn expectation(value: &Value) -> Result<UpdateExpectation, String> {
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
