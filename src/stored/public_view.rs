//! The public view: what `GetWorkerBuildIdCompatibility` answers, live build IDs only.

use crate::build_id::BuildId;
use crate::set::{CompatibleSet, Lookup};

/// The answer of `GetWorkerBuildIdCompatibility`: the sets, oldest first, live build IDs only.
/// With the `serde` feature it reads and writes `{"majorVersionSets": [{"buildIds": [...]}]}`
/// (read by `public_json.rs`); [`VersionSets::from_response`](crate::VersionSets::from_response)
/// rebuilds sets from it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "camelCase"))]
pub struct BuildIdCompatibility {
    /// The sets, oldest first; the last is the queue's default set.
    pub major_version_sets: Vec<MajorVersionSet>,
}

/// One set of the public view.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "camelCase"))]
pub struct MajorVersionSet {
    /// The live build IDs, oldest first; the last is the set's default.
    pub build_ids: Vec<BuildId>,
}

/// The public view of `sets`: see [`VersionSets::response`](crate::VersionSets::response).
pub(crate) fn public_view(sets: Lookup<'_>, max_sets: usize) -> BuildIdCompatibility {
    let public = |set: CompatibleSet<'_>| MajorVersionSet {
        build_ids: set
            .build_ids()
            .filter(|record| record.is_active())
            .map(|record| record.id().clone())
            .collect(),
    };
    let major_version_sets = match max_sets {
        0 => sets.sets().map(public).collect(),
        // Taken from the newest end, so that the sets left out cost nothing.
        max => {
            let mut newest: Vec<MajorVersionSet> =
                sets.sets().rev().take(max).map(public).collect();
            newest.reverse();
            newest
        }
    };
    BuildIdCompatibility { major_version_sets }
}
