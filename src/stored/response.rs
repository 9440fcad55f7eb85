//! The public view: what `GetWorkerBuildIdCompatibility` answers.

use crate::{BuildId, VersionSets};

/// The answer of `GetWorkerBuildIdCompatibility`: the sets, oldest first, live build IDs only.
/// With the `serde` feature it reads and writes `{"majorVersionSets": [{"buildIds": [...]}]}`;
/// [`VersionSets::from_response`] rebuilds sets from it.
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

impl VersionSets {
    /// The public view (`ToBuildIdOrderingResponse`): oldest set first, tombstones hidden,
    /// and when `max_sets > 0` only the newest `max_sets` sets.
    ///
    /// As on the server, a set whose build IDs are all tombstones is still listed, empty,
    /// and counts towards `max_sets`.
    ///
    /// # Example
    /// ```
    /// use version_sets::{BuildId, Limits, Update, VersionSets};
    ///
    /// let mut sets = VersionSets::new();
    /// for id in ["0", "1", "2"] {
    ///     sets.apply(&Update::add_new_default(BuildId::new(id)?), 1, Limits::NONE)?;
    /// }
    /// let newest: Vec<_> = sets.response(2).major_version_sets.into_iter()
    ///     .map(|set| set.build_ids.iter().map(|id| id.to_string()).collect::<Vec<_>>())
    ///     .collect();
    /// assert_eq!(newest, [["1"], ["2"]]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn response(&self, max_sets: usize) -> BuildIdCompatibility {
        let skip = match max_sets {
            0 => 0,
            max => self.set_count().saturating_sub(max),
        };
        BuildIdCompatibility {
            major_version_sets: self
                .sets()
                .skip(skip)
                .map(|set| MajorVersionSet {
                    build_ids: set
                        .build_ids()
                        .filter(|record| record.is_active())
                        .map(|record| record.id().clone())
                        .collect(),
                })
                .collect(),
        }
    }
}
