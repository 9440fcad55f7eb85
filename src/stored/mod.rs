//! Every form of a task queue's version sets that Temporal writes, and the conversions into
//! a [`VersionSets`]: the stored `VersioningData`, field by field, checked as it is loaded
//! (also inside the `TaskQueueUserData` wrapper); the public `GetWorkerBuildIdCompatibility`
//! view and the `get-build-ids` listing, checked and rebuilt with their [`Provenance`];
//! what can be wrong with any of them, and what a reader read past. With the `serde`
//! feature, all of proto-JSON (`message.rs`).

#[cfg(feature = "serde")]
mod checked;
mod invalid;
mod load;
#[cfg(feature = "serde")]
mod message;
mod note;
#[cfg(feature = "serde")]
pub(crate) mod proto_json;
#[cfg(feature = "serde")]
mod public_json;
mod public_view;
mod rebuild;
#[cfg(feature = "serde")]
mod user_data;
mod words;

#[cfg(feature = "serde")]
pub use checked::CheckedData;
pub use invalid::{InvalidData, Problem, Violation};
pub(crate) use load::{load, to_data};
pub use note::Note;
#[cfg(feature = "serde")]
pub use public_json::{CheckedListing, CheckedResponse};
pub(crate) use public_view::public_view;
pub use public_view::{BuildIdCompatibility, MajorVersionSet};
pub use rebuild::{ListedSet, Provenance, PublicSets, Rebuilt};
pub(crate) use rebuild::{from_listing, from_response};
#[cfg(feature = "serde")]
pub use user_data::TaskQueueUserData;

use crate::{BuildIdState, Hlc, VersionSets};

/// The versioning data of a task queue as Temporal stores it (the `version_sets` of its
/// internal `VersioningData` proto). Plain data: any value can be built, valid or not;
/// [`VersionSets::from_data`] checks it. With the `serde` feature it reads and writes
/// Temporal's proto-JSON (reading each field under its JSON or proto name, `null` as the
/// default, integral numbers written as `1e3`). It refuses the worker-versioning rules newer
/// servers keep beside the sets (it cannot hold them); [`CheckedData`] reads them past.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "camelCase"))]
pub struct VersioningData {
    /// The sets, oldest first.
    pub version_sets: Vec<VersionSetData>,
}

/// One stored compatible set (`CompatibleVersionSet`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "camelCase"))]
pub struct VersionSetData {
    /// The set's IDs; the first is the primary.
    pub set_ids: Vec<String>,
    /// The build IDs, oldest first; the last is the set's default.
    pub build_ids: Vec<BuildIdData>,
    /// When the set last became the queue's default; `None` when absent from the data.
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub became_default_timestamp: Option<Hlc>,
}

/// One stored build ID record.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "camelCase"))]
pub struct BuildIdData {
    /// The build ID.
    pub id: String,
    /// `None` stands for `STATE_UNSPECIFIED`, which no valid record has.
    #[cfg_attr(
        feature = "serde",
        serde(serialize_with = "crate::stored::proto_json::state::serialize")
    )]
    pub state: Option<BuildIdState>,
    /// When the record was added or its state last changed.
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub state_update_timestamp: Option<Hlc>,
    /// When the build ID last became its set's default.
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
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
