//! Temporal's stored `VersioningData`, field by field, and the validating conversion into a
//! [`VersionSets`]; the public `GetWorkerBuildIdCompatibility` view; what can be wrong with
//! either.

#[cfg(feature = "serde")]
mod checked;
mod invalid;
mod load;
#[cfg(feature = "serde")]
pub(crate) mod proto_json;
mod public_view;

#[cfg(feature = "serde")]
pub use checked::CheckedData;
pub use invalid::{InvalidData, Problem, Violation};
pub(crate) use load::{load, to_data};
pub(crate) use public_view::public_view;
pub use public_view::{BuildIdCompatibility, MajorVersionSet};

use crate::{BuildIdState, Hlc, VersionSets};

/// The versioning data of a task queue as Temporal stores it (the `version_sets` of its
/// internal `VersioningData` proto). Plain data: any value can be built, valid or not;
/// [`VersionSets::from_data`] checks it. With the `serde` feature it reads and writes
/// Temporal's proto-JSON.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(
    feature = "serde",
    serde(
        rename_all = "camelCase",
        deny_unknown_fields,
        expecting = "stored versioning data (an object with versionSets)"
    )
)]
pub struct VersioningData {
    /// The sets, oldest first.
    #[cfg_attr(feature = "serde", serde(default))]
    pub version_sets: Vec<VersionSetData>,
}

/// One stored compatible set (`CompatibleVersionSet`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(
    feature = "serde",
    serde(
        rename_all = "camelCase",
        deny_unknown_fields,
        expecting = "a compatible set (an object with setIds, buildIds and becameDefaultTimestamp)"
    )
)]
pub struct VersionSetData {
    /// The set's IDs; the first is the primary.
    #[cfg_attr(feature = "serde", serde(default))]
    pub set_ids: Vec<String>,
    /// The build IDs, oldest first; the last is the set's default.
    #[cfg_attr(feature = "serde", serde(default))]
    pub build_ids: Vec<BuildIdData>,
    /// When the set last became the queue's default; `None` when absent from the data.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub became_default_timestamp: Option<Hlc>,
}

/// One stored build ID record.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(
    feature = "serde",
    serde(
        rename_all = "camelCase",
        deny_unknown_fields,
        expecting = "a build ID record (an object with id, state and timestamps)"
    )
)]
pub struct BuildIdData {
    /// The build ID.
    #[cfg_attr(feature = "serde", serde(default))]
    pub id: String,
    /// `None` stands for `STATE_UNSPECIFIED`, which no valid record has.
    #[cfg_attr(
        feature = "serde",
        serde(default, with = "crate::stored::proto_json::state")
    )]
    pub state: Option<BuildIdState>,
    /// When the record was added or its state last changed.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub state_update_timestamp: Option<Hlc>,
    /// When the build ID last became its set's default.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub became_default_timestamp: Option<Hlc>,
}

impl TryFrom<&VersioningData> for VersionSets {
    type Error = InvalidData;

    fn try_from(data: &VersioningData) -> Result<Self, Self::Error> {
        Self::from_data(data)
    }
}

impl From<&VersionSets> for VersioningData {
    fn from(sets: &VersionSets) -> Self {
        sets.to_data()
    }
}
