//! Every form of a task queue's version sets that Temporal writes, as plain data, and the
//! reading and checking of each: the stored `VersioningData`, field by field, checked and
//! loaded into a core in one pass (`load.rs`; with the `serde` feature as it is read,
//! `streamed.rs`, also inside the `TaskQueueUserData` wrapper, `user_data.rs`); the public
//! `GetWorkerBuildIdCompatibility` view and the `get-build-ids` listing, checked as lists
//! of build IDs ([`PublicSets`], `public_sets.rs`) with their [`Provenance`]; what can be
//! wrong with any of them, and what a reader read past. With the `serde` feature, all of
//! proto-JSON (`message.rs`, the readers' rules; `proto_json.rs`; `public_json.rs`).
//!
//! The forms know nothing of `VersionSets`: what holds, builds or (de)serialises one lives
//! under the facade, which calls in here (`version_sets/forms.rs`: the conversions from and
//! to stored data, `Rebuilt` and [`PublicSets::rebuild`]; `version_sets/serde.rs`:
//! `CheckedData`, `TaskQueueUserData` and the serde of `VersionSets`). So loading hands back
//! a core and its clock ([`Loaded`]), and the checked public forms hand back lists of build
//! IDs; only the facade makes a `VersionSets` of them. Were it the other way round, the
//! facade and the forms would import each other (`ARCHITECTURE.md`).

mod invalid;
mod load;
mod note;
#[cfg(feature = "serde")]
pub(crate) mod proto_json;
#[cfg(feature = "serde")]
mod public_json;
mod public_sets;
mod public_view;
#[cfg(feature = "serde")]
mod streamed;
#[cfg(feature = "serde")]
mod user_data;

pub use invalid::{InvalidData, Problem, Violation};
pub(crate) use load::{Loaded, Loader, load, to_data};
pub use note::Note;
#[cfg(feature = "serde")]
pub use public_json::{CheckedListing, CheckedResponse};
pub use public_sets::{ListedSet, Provenance, PublicSets};
pub(crate) use public_sets::{listing_sets, response_sets};
pub(crate) use public_view::public_view;
pub use public_view::{BuildIdCompatibility, MajorVersionSet};
#[cfg(feature = "serde")]
pub(crate) use streamed::StreamedData;
#[cfg(feature = "serde")]
pub(crate) use user_data::StreamedUserData;

use crate::{BuildIdState, Hlc};

/// The versioning data of a task queue as Temporal stores it (the `version_sets` of its
/// internal `VersioningData` proto). Plain data: any value can be built, valid or not;
/// [`VersionSets::from_data`](crate::VersionSets::from_data) checks it. With the `serde`
/// feature it reads and writes Temporal's proto-JSON (reading each field under its JSON or
/// proto name, `null` as the default, integral numbers written as `1e3`). It refuses the worker-versioning rules newer
/// servers keep beside the sets (it cannot hold them);
/// [`CheckedData`](crate::CheckedData) reads them past.
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
