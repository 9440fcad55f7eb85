//! Reading an update operation, through serde only, and the outcome an `update` step expects.
//!
//! The operation is read into [`RawUpdate`], the serde form of [`Update`] with every build ID
//! left as a plain string, so that a well-formed request naming an empty or overlong build ID
//! is not malformed: it becomes an [`InvalidUpdate`], which is that update's
//! `INVALID_ARGUMENT` result. Everything else that is wrong (an unknown operation or key, a
//! value of the wrong type) is malformed, reported with its JSON path.

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::json::{describe, known_keys, list, quote, required, string};
use super::step::UpdateExpectation;
use version_sets::{BuildId, BuildIdError, Code, QueueDefault, Update};

/// `Update`'s serde form (`UpdateWorkerBuildIdCompatibilityRequest`'s oneof in proto-JSON)
/// with the build IDs not yet validated. `tests.rs` checks that it reads valid JSON exactly as
/// `Update` does.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(
    rename_all = "camelCase",
    rename_all_fields = "camelCase",
    deny_unknown_fields
)]
enum RawUpdate {
    AddNewBuildIdInNewDefaultSet(String),
    AddNewCompatibleBuildId {
        new_build_id: String,
        existing_compatible_build_id: String,
        #[serde(default)]
        make_set_default: bool,
    },
    PromoteSetByBuildId(String),
    PromoteBuildIdWithinSet(String),
    MergeSets {
        primary_set_build_id: String,
        secondary_set_build_id: String,
    },
}

/// An update whose operation is well formed but names an invalid build ID: empty, or longer
/// than 255 bytes. Applying it yields `INVALID_ARGUMENT` and changes nothing.
///
/// `Display` is the message: the field (its proto-JSON path inside the operation) and the
/// problem, e.g. `addNewCompatibleBuildId.newBuildId: build ID must not be empty`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidUpdate {
    field: &'static str,
    error: BuildIdError,
    request: Value,
}

impl InvalidUpdate {
    /// The offending field, e.g. `addNewCompatibleBuildId.newBuildId` (the first invalid
    /// one, in the order the operation lists its fields).
    pub fn field(&self) -> &str {
        self.field
    }

    /// What is wrong with the build ID in that field.
    pub fn error(&self) -> &BuildIdError {
        &self.error
    }

    /// The status code of the result: always `INVALID_ARGUMENT`.
    pub const fn code(&self) -> Code {
        Code::InvalidArgument
    }

    /// The operation as the trace gave it, e.g. `{"promoteSetByBuildId": ""}`.
    pub fn request(&self) -> &Value {
        &self.request
    }
}

impl fmt::Display for InvalidUpdate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.error)
    }
}

impl std::error::Error for InvalidUpdate {}

/// An update as a trace states it: a valid operation, or one naming an invalid build ID.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Request {
    /// Every build ID is valid.
    Valid(Update),
    /// Some build ID is empty or too long; the update's result is `INVALID_ARGUMENT`.
    Invalid(InvalidUpdate),
}

impl Request {
    /// The operation in its proto-JSON form, e.g. `{"promoteSetByBuildId":"1.0"}`.
    pub(crate) fn to_json(&self) -> Value {
        match self {
            // `Update`'s serde form cannot fail: its fields are strings and a bool.
            Self::Valid(update) => serde_json::to_value(update).unwrap_or(Value::Null),
            Self::Invalid(invalid) => invalid.request.clone(),
        }
    }
}

/// The operation at `value`; `path` is where it sits, for messages (`""` for a whole line).
pub(crate) fn update(value: &Value, path: &str) -> Result<Request, String> {
    // serde would take a bare string for the name of an operation without a value.
    if !value.is_object() {
        let problem = format!(
            "expected an object with one operation, got {}",
            describe(value)
        );
        return Err(match path {
            "" => problem,
            path => format!("{path}: {problem}"),
        });
    }
    let raw: RawUpdate = serde_path_to_error::deserialize(value).map_err(|error| {
        let inner = error.path().to_string();
        let at = match (path, inner.as_str()) {
            (_, ".") => path.to_owned(),
            ("", inner) => inner.to_owned(),
            (path, inner) => format!("{path}.{inner}"),
        };
        match at.as_str() {
            "" => error.into_inner().to_string(),
            at => format!("{at}: {}", error.into_inner()),
        }
    })?;
    let check = |field: &'static str, id: &str| {
        BuildId::new(id).map_err(|error| InvalidUpdate {
            field,
            error,
            request: value.clone(),
        })
    };
    let valid = match &raw {
        RawUpdate::AddNewBuildIdInNewDefaultSet(id) => {
            check("addNewBuildIdInNewDefaultSet", id).map(Update::add_new_default)
        }
        RawUpdate::AddNewCompatibleBuildId {
            new_build_id,
            existing_compatible_build_id,
            make_set_default,
        } => check("addNewCompatibleBuildId.newBuildId", new_build_id).and_then(|new| {
            let existing = check(
                "addNewCompatibleBuildId.existingCompatibleBuildId",
                existing_compatible_build_id,
            )?;
            Ok(Update::AddNewCompatibleBuildId {
                new_build_id: new,
                existing_compatible_build_id: existing,
                queue_default: QueueDefault::from(*make_set_default),
            })
        }),
        RawUpdate::PromoteSetByBuildId(id) => {
            check("promoteSetByBuildId", id).map(Update::promote_set_by_build_id)
        }
        RawUpdate::PromoteBuildIdWithinSet(id) => {
            check("promoteBuildIdWithinSet", id).map(Update::promote_build_id_within_set)
        }
        RawUpdate::MergeSets {
            primary_set_build_id,
            secondary_set_build_id,
        } => check("mergeSets.primarySetBuildId", primary_set_build_id).and_then(|primary| {
            let secondary = check("mergeSets.secondarySetBuildId", secondary_set_build_id)?;
            Ok(Update::merge_sets(primary, secondary))
        }),
    };
    Ok(match valid {
        Ok(update) => Request::Valid(update),
        Err(invalid) => Request::Invalid(invalid),
    })
}

/// The status codes an update can fail with.
const CODES: [Code; 3] = [
    Code::InvalidArgument,
    Code::NotFound,
    Code::FailedPrecondition,
];

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

/// The expectation of a step that changes the sets but cannot fail: `"changed"` or `"noop"`.
pub(crate) fn change_expectation(value: &Value) -> Result<UpdateExpectation, String> {
    match value {
        Value::String(text) if text == "changed" => Ok(UpdateExpectation::Changed),
        Value::String(text) if text == "noop" => Ok(UpdateExpectation::NoOp),
        other => Err(format!(
            r#"expect: expected "changed" or "noop", got {}"#,
            describe(other)
        )),
    }
}
