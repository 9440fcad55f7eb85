//! The merge-sets operation.

use crate::non_empty::NonEmpty;
use crate::{CompatibleSet, Hlc, VersionSets};

impl VersionSets {
    /// Merges the sets at positions `primary` and `secondary` (distinct), stamping `t`.
    ///
    /// The primary set's default is stamped `t`, so it ends last: the merged set's default.
    /// The merged set keeps the larger of the two set timestamps, not `t`, and takes its place
    /// among the other sets by it. Because list order agrees with timestamp order, that is
    /// exactly the place of the later of the two sets: merging the queue's default set into
    /// an older primary keeps the merged set the default set, and makes the primary's default
    /// the queue's default build ID (as the server does).
    pub(crate) fn merge_sets(&mut self, primary: usize, secondary: usize, t: Hlc) {
        let (older, newer) = (primary.min(secondary), primary.max(secondary));
        if older == newer || newer >= self.sets.len() {
            return;
        }
        if let Some(set) = self.sets.get_mut(primary) {
            let default = set.build_ids.len() - 1;
            if let Some(record) = set.build_ids.get_mut(default) {
                record.became_default_timestamp = t;
            }
        }
        // `newer` is the larger position, so removing it leaves `older` where it was.
        let newer_set = self.sets.remove(newer);
        let older_set = self.sets.remove(older);

        let mut set_ids = older_set.set_ids.into_vec();
        set_ids.extend(newer_set.set_ids.into_vec());
        set_ids.sort();
        set_ids.dedup();

        let mut build_ids = older_set.build_ids.into_vec();
        build_ids.extend(newer_set.build_ids.into_vec());
        // Stable: members with equal timestamps keep the older set's first.
        build_ids.sort_by_key(|record| record.became_default_timestamp);

        if let (Some(set_ids), Some(build_ids)) =
            (NonEmpty::from_vec(set_ids), NonEmpty::from_vec(build_ids))
        {
            let merged = CompatibleSet {
                set_ids,
                build_ids,
                became_default_timestamp: older_set
                    .became_default_timestamp
                    .max(newer_set.became_default_timestamp),
            };
            self.sets.insert(newer - 1, merged);
        }
        self.reindex_from(older);
    }
}
