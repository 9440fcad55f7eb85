//! An update as a trace states it, before its build IDs are checked: valid, or naming an
//! invalid build ID, which makes it that update's `INVALID_ARGUMENT` result rather than a
//! malformed line.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize};
use version_sets::{BuildId, BuildIdError, Code, QueueDefault, Update};

/// `Update`'s serde form (`UpdateWorkerBuildIdCompatibilityRequest`'s oneof in proto-JSON)
/// with the build IDs not yet validated. `tests.rs` checks that it reads valid JSON exactly as
/// `Update` does. `makeSetDefault` is kept as given (absent, `true` or `false`), so an invalid
/// update is written back exactly as it was read.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(
    rename_all = "camelCase",
    rename_all_fields = "camelCase",
    deny_unknown_fields
)]
pub(crate) enum RawUpdate {
    AddNewBuildIdInNewDefaultSet(String),
    AddNewCompatibleBuildId {
        new_build_id: String,
        existing_compatible_build_id: String,
        #[serde(
            default,
            deserialize_with = "given",
            skip_serializing_if = "Option::is_none"
        )]
        make_set_default: Option<bool>,
    },
    PromoteSetByBuildId(String),
    PromoteBuildIdWithinSet(String),
    MergeSets {
        primary_set_build_id: String,
        secondary_set_build_id: String,
    },
}

/// A `bool` that is present: `null` is refused, as `Update`'s serde form refuses it.
fn given<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<bool>, D::Error> {
    bool::deserialize(deserializer).map(Some)
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
    pub(crate) request: RawUpdate,
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

impl RawUpdate {
    /// The update, or the first field naming an invalid build ID.
    pub(crate) fn check(self) -> Request {
        let raw = &self;
        let check = |field: &'static str, id: &str| {
            BuildId::new(id).map_err(|error| InvalidUpdate {
                field,
                error,
                request: raw.clone(),
            })
        };
        let valid = match raw {
            Self::AddNewBuildIdInNewDefaultSet(id) => {
                check("addNewBuildIdInNewDefaultSet", id).map(Update::add_new_default)
            }
            Self::AddNewCompatibleBuildId {
                new_build_id,
                existing_compatible_build_id,
                make_set_default,
            } => check("addNewCompatibleBuildId.newBuildId", new_build_id).and_then(|new| {
                let existing = check(
                    "addNewCompatibleBuildId.existingCompatibleBuildId",
                    existing_compatible_build_id,
                )?;
                let default = match make_set_default {
                    Some(true) => QueueDefault::Make,
                    _ => QueueDefault::Keep,
                };
                Ok(Update::add_new_compatible(new, existing, default))
            }),
            Self::PromoteSetByBuildId(id) => {
                check("promoteSetByBuildId", id).map(Update::promote_set_by_build_id)
            }
            Self::PromoteBuildIdWithinSet(id) => {
                check("promoteBuildIdWithinSet", id).map(Update::promote_build_id_within_set)
            }
            Self::MergeSets {
                primary_set_build_id,
                secondary_set_build_id,
            } => check("mergeSets.primarySetBuildId", primary_set_build_id).and_then(|primary| {
                let secondary = check("mergeSets.secondarySetBuildId", secondary_set_build_id)?;
                Ok(Update::merge_sets(primary, secondary))
            }),
        };
        match valid {
            Ok(update) => Request::Valid(update),
            Err(invalid) => Request::Invalid(invalid),
        }
    }
}
