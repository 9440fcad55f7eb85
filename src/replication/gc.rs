//! The garbage-collection planner: the pure part of the server's build-ID scavenger
//! (reference §2.6.5), which picks the build IDs that may be removed.

use crate::{BuildId, VersionSets};

/// The scavenger's settings for one run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct GcPolicy {
    /// The wall time of the run, in Unix milliseconds.
    pub now_ms: i64,
    /// How long a build ID must have stopped being its set's default before it may go
    /// (the server's `worker.removableBuildIdDurationSinceDefault`, 1 hour by default).
    pub min_since_default_ms: i64,
    /// The namespace's retention: a build ID whose state changed more recently may still
    /// have closed workflows in visibility, so it stays.
    pub retention_ms: i64,
    /// Skip the retention check (the scavenger's `IgnoreRetentionTime`).
    pub ignore_retention: bool,
}

impl GcPolicy {
    /// The server's default time since default: one hour.
    pub const DEFAULT_MIN_SINCE_DEFAULT_MS: i64 = 60 * 60 * 1000;
}

impl VersionSets {
    /// The build IDs the server's build-ID scavenger would remove, in its order (sets oldest
    /// first, build IDs in stored order).
    ///
    /// For each set, counting its live build IDs: a tombstone is skipped (and not counted);
    /// the set's default is skipped when its set is the queue's default or another build ID
    /// of the set stays, so a set default goes only with its whole set; a build ID that
    /// became default less than `min_since_default_ms` ago, or whose state changed within
    /// the retention, is skipped; the rest are asked `in_use` ("is any workflow still on
    /// this build ID?", the server's visibility count), in that order, and go when unused.
    /// `in_use` is asked only about build IDs that pass every other check.
    ///
    /// # Example
    /// ```
    /// use version_sets::{BuildId, GcPolicy, Limits, Update, VersionSets};
    ///
    /// let id = |s: &str| BuildId::new(s);
    /// let mut sets = VersionSets::new();
    /// sets.apply(&Update::add_new_default(id("1.0")?), 0, Limits::NONE)?;
    /// sets.apply(&Update::add_new_default(id("2.0")?), 0, Limits::NONE)?;
    /// let policy = GcPolicy {
    ///     now_ms: 10 * 86_400_000,
    ///     min_since_default_ms: GcPolicy::DEFAULT_MIN_SINCE_DEFAULT_MS,
    ///     retention_ms: 86_400_000,
    ///     ignore_retention: false,
    /// };
    /// // 2.0 is the queue default, so only 1.0 can go.
    /// assert_eq!(sets.removable_build_ids(&policy, |_| false), [id("1.0")?]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn removable_build_ids(
        &self,
        policy: &GcPolicy,
        mut in_use: impl FnMut(&BuildId) -> bool,
    ) -> Vec<BuildId> {
        let mut removable = Vec::new();
        let last_set = self.sets().len().saturating_sub(1);
        for (i, set) in self.sets().enumerate() {
            let queue_default = i == last_set;
            let mut active = set.len();
            let last = set.len().saturating_sub(1);
            for (j, record) in set.build_ids().enumerate() {
                if !record.is_active() {
                    active = active.saturating_sub(1);
                    continue;
                }
                if j == last && (queue_default || active > 1) {
                    continue;
                }
                let since = |stamp: crate::Hlc| policy.now_ms.saturating_sub(stamp.wall_clock);
                if since(record.became_default_timestamp()) < policy.min_since_default_ms {
                    continue;
                }
                if !policy.ignore_retention
                    && since(record.state_update_timestamp()) < policy.retention_ms
                {
                    continue;
                }
                if !in_use(record.id()) {
                    removable.push(record.id().clone());
                    active = active.saturating_sub(1);
                }
            }
        }
        removable
    }
}
