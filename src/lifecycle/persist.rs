//! Persisting a build ID that pollers used before any update named it.

use crate::non_empty::NonEmpty;
use crate::{BuildId, BuildIdRecord, CompatibleSet, Hlc, Outcome, SetId, VersionSets};

impl VersionSets {
    /// Records `build_id` so that its guessed set ID survives (Temporal's internal
    /// `PersistUnknownBuildId`, a replication helper).
    ///
    /// If the build ID is in a set, its hash [`SetId::for_build_id`] joins that set's IDs
    /// when missing. (DIVERGENCE: the server appends it; the crate keeps set IDs sorted, so
    /// the primary set ID is always the smallest.) Otherwise a set of just that build ID is
    /// inserted as the **oldest** set, with all timestamps the zero clock of this value's
    /// cluster, so that any later merge lets the real set win.
    ///
    /// # Example
    /// ```
    /// use version_sets::{BuildId, Limits, Update, VersionSets};
    ///
    /// let mut sets = VersionSets::new();
    /// sets.apply(&Update::add_new_default(BuildId::new("1")?), 5, Limits::NONE)?;
    /// sets.persist_unknown_build_id(&BuildId::new("early")?, 6);
    /// assert_eq!(sets.sets()[0].default_build_id().as_str(), "early");
    /// assert_eq!(sets.default_build_id().map(BuildId::as_str), Some("1"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn persist_unknown_build_id(&mut self, build_id: &BuildId, now_ms: i64) -> Outcome {
        let guessed = SetId::for_build_id(build_id);
        let t = self.next_stamp(now_ms);
        match self.locate(build_id) {
            Some(at) => {
                let Some(set) = self.sets.get_mut(at.set) else {
                    return Outcome::NoOp;
                };
                let mut set_ids = set.set_ids.clone().into_vec();
                let Err(slot) = set_ids.binary_search(&guessed) else {
                    return Outcome::NoOp;
                };
                set_ids.insert(slot, guessed);
                if let Some(set_ids) = NonEmpty::from_vec(set_ids) {
                    set.set_ids = set_ids;
                }
            }
            None => {
                let zero = Hlc::zero(t.cluster_id);
                // Loaded data may hold stamps below this cluster's zero; never sort before them.
                let set_stamp = self
                    .sets
                    .first()
                    .map_or(zero, |oldest| zero.min(oldest.became_default_timestamp));
                let set = CompatibleSet {
                    set_ids: NonEmpty::one(guessed),
                    build_ids: NonEmpty::one(BuildIdRecord::active(build_id.clone(), zero)),
                    became_default_timestamp: set_stamp,
                };
                self.sets.insert(0, set);
                self.reindex_from(0);
            }
        }
        self.clock = t;
        debug_assert_eq!(self.validate(), Ok(()));
        Outcome::Changed
    }
}
