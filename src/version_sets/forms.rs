//! [`VersionSets`] from and to the forms of `stored`: the conversions to and from stored
//! data, and the rebuild of the sets of a public form ([`PublicSets::rebuild`]) by replaying
//! updates, with what was made up ([`Rebuilt`]). Here, not in `stored`, because they hold or
//! build a `VersionSets`: the forms are plain data and their checks, and only the facade
//! makes a value of them.

use super::VersionSets;
use crate::build_id::BuildId;
use crate::core::MAX_BUILD_IDS;
use crate::ops::{Limits, QueueDefault, Update};
use crate::stored::{InvalidData, Note, Provenance, PublicSets, VersioningData};

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

/// Sets rebuilt from a public form, with what was made up and what was left out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rebuilt {
    /// The sets.
    pub sets: VersionSets,
    /// [`Provenance::Rebuilt`]: what in `sets` is made up.
    pub provenance: Provenance,
    /// The sets left out (those with no build IDs), in document order.
    pub notes: Vec<Note>,
}

impl PublicSets<'_> {
    /// The sets rebuilt by replaying updates, each set's list dropped once replayed.
    ///
    /// # Errors
    /// [`InvalidData`] with every violation found, when there are any, or when the sets
    /// hold more build IDs than a queue can.
    pub fn rebuild(self) -> Result<Rebuilt, InvalidData> {
        let (lists, notes) = self.into_sets(MAX_BUILD_IDS)?;
        let mut sets = VersionSets::new();
        let mut now = 0;
        for ids in lists {
            let mut ids = ids.iter().filter_map(|id| BuildId::new(id).ok());
            let Some(first) = ids.next() else {
                continue;
            };
            let mut update = Update::add_new_default(first.clone());
            loop {
                now += 1;
                if let Err(error) = sets.apply(&update, now, Limits::NONE) {
                    // A fresh build ID (the check found no repeat) within the capacity.
                    unreachable!("version-sets bug: rebuilding checked sets failed: {error}");
                }
                let Some(id) = ids.next() else {
                    break;
                };
                update = Update::add_new_compatible(id, first.clone(), QueueDefault::Keep);
            }
        }
        Ok(Rebuilt {
            sets,
            provenance: Provenance::Rebuilt,
            notes,
        })
    }
}

#[cfg(test)]
mod tests {
    use crate::{BuildId, BuildIdCompatibility, MajorVersionSet, VersionSets};

    /// What the check counts without the model is what the rebuilt model holds.
    #[test]
    fn the_counts_are_the_rebuilt_models() {
        let cases: [&[&[&str]]; 4] = [
            &[],
            &[&[]],
            &[&["a", "b"], &[], &["c"]],
            &[&[], &["a"], &[], &["b", "c", "d"], &[]],
        ];
        for listed in cases {
            let response = BuildIdCompatibility {
                major_version_sets: listed
                    .iter()
                    .map(|ids| MajorVersionSet {
                        build_ids: ids.iter().map(|id| BuildId::new(id).unwrap()).collect(),
                    })
                    .collect(),
            };
            let checked = crate::stored::response_sets(&response);
            let counts = (checked.set_count(), checked.build_id_count());
            let rebuilt = checked.rebuild().unwrap();
            assert_eq!(
                counts,
                (rebuilt.sets.set_count(), rebuilt.sets.build_id_count()),
                "{listed:?}"
            );
            assert_eq!(VersionSets::from_response(&response).unwrap(), rebuilt);
        }
    }
}
