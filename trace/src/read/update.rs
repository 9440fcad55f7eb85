//! Reading an update operation, through serde only.
//!
//! The operation is read into [`RawUpdate`], the serde form of [`Update`](version_sets::Update)
//! with every build ID left as a plain string, so that a well-formed request naming an empty or
//! overlong build ID is not malformed: it becomes an [`InvalidUpdate`](crate::InvalidUpdate),
//! which is that update's `INVALID_ARGUMENT` result. Everything else that is wrong (an unknown
//! operation or key, a value of the wrong type) is malformed, reported with its JSON path.

use serde_json::Value;

use super::json::{describe, typed};
use crate::types::{RawUpdate, Request};

/// The operation at `value`; `path` is where it sits, for messages (`""` for a whole line).
pub(super) fn update(value: &Value, path: &str) -> Result<Request, String> {
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
    let raw: RawUpdate = typed(value, path)?;
    Ok(raw.check())
}
