//! Persisting a build ID that pollers used before any update named it.

use crate::core::CAPACITY;
use crate::{BuildId, Hlc, Outcome, SetId, VersionSets};

impl VersionSets {
    /// Records `build_id` so that its guessed set ID survives (Temporal's internal
    /// `PersistUnknownBuildId`, a replication helper).
    ///
    /// If the build ID is in a set, its hash [`SetId::for_build_id`] joins that set's IDs
    /// when missing. (DIVERGENCE: the server appends it; the crate keeps set IDs sorted, so
    /// the primary set ID is always the smallest.) Otherwise a set of just that build ID is
    /// inserted as the **oldest** set, with all timestamps the zero clock of this value's
    /// cluster, so that any later merge lets the real set win. A queue at its capacity
    /// (see [`Limits`](crate::Limits)) records nothing and answers [`Outcome::NoOp`].
    ///
    /// # Example
    /// ```
    /// use version_sets::{BuildId, Limits, Update, VersionSets};
    ///
    /// let mut sets = VersionSets::new();
    /// sets.apply(&Update::add_new_default(BuildId::new("1")?), 5, Limits::NONE)?;
    /// sets.persist_unknown_build_id(&BuildId::new("early")?, 6);
    /// assert_eq!(sets.sets().next().map(|set| set.default_build_id().as_str()), Some("early"));
    /// assert_eq!(sets.default_build_id().map(BuildId::as_str), Some("1"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn persist_unknown_build_id(&mut self, build_id: &BuildId, now_ms: i64) -> Outcome {
        let guessed = SetId::for_build_id(build_id);
        let t = self.next_stamp(now_ms);
        match self.core.find(build_id.as_str()) {
            Some((_, member)) => {
                if !self.core.add_set_id(member.set(), guessed) {
                    return Outcome::NoOp;
                }
            }
            // At the core's capacity there is no room for another build ID: the guess is
            // not recorded, as when it cannot be (a poller's build ID is then routed by its
            // guessed set ID all the same).
            None if self.build_id_count() >= CAPACITY => return Outcome::NoOp,
            None => {
                let zero = Hlc::zero(t.cluster_id);
                // Loaded data may hold stamps below this cluster's zero; never sort before them.
                let set_stamp = self
                    .sets()
                    .next()
                    .map_or(zero, |oldest| zero.min(oldest.became_default_timestamp()));
                self.core.push_oldest_set(build_id.clone(), zero, set_stamp);
            }
        }
        self.clock = t;
        debug_assert_eq!(self.validate(), Ok(()));
        Outcome::Changed
    }
}

#[cfg(test)]
mod tests {
    use crate::{BuildId, Limits, Outcome, Update, VersionSets};

    #[test]
    fn at_capacity_nothing_is_recorded() {
        let id = |i: i64| BuildId::new(i.to_string()).unwrap();
        let mut sets = VersionSets::new();
        for i in 0..63 {
            sets.apply(&Update::add_new_default(id(i)), i, Limits::NONE)
                .unwrap();
        }
        assert_eq!(sets.persist_unknown_build_id(&id(63), 63), Outcome::Changed);
        let full = sets.clone();
        assert_eq!(sets.persist_unknown_build_id(&id(64), 64), Outcome::NoOp);
        assert_eq!(sets, full);
    }
}
