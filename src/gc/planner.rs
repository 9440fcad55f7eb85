//! The garbage-collection planner: the pure part of the server's build-ID scavenger, which
//! picks the build IDs that may be removed.

use crate::build_id::BuildId;
use crate::clock::Hlc;
use crate::set::Lookup;

/// The scavenger's settings (the time of a run is passed beside them, as everywhere).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct GcPolicy {
    /// How long ago a build ID must have *become* its set's default before it may go (the
    /// server's `worker.removableBuildIdDurationSinceDefault`, 1 hour by default). It runs
    /// from the build ID's became-default timestamp, not from when it stopped being the
    /// default.
    pub min_since_default_ms: i64,
    /// The namespace's retention: a build ID whose state changed more recently may still
    /// have closed workflows in visibility, so it stays.
    pub retention_ms: i64,
    /// Whether the retention is checked at all (the scavenger's `IgnoreRetentionTime`).
    pub retention: Retention,
}

/// Whether the scavenger keeps build IDs whose state changed within the namespace's
/// retention ([`GcPolicy::retention_ms`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Retention {
    /// Keep them: their closed workflows may still be in visibility (the default).
    Respect,
    /// Do not check the retention (`IgnoreRetentionTime`).
    Ignore,
}

named! {
    Retention, "the command's word";
    Respect => "respect",
    Ignore => "ignore",
}

impl GcPolicy {
    /// The server's default time since default: one hour.
    pub const DEFAULT_MIN_SINCE_DEFAULT_MS: i64 = 60 * 60 * 1000;
}

/// The build IDs the server's build-ID scavenger would remove from `sets` in a run at wall
/// time `now_ms`, in its order.
pub(crate) fn removable_build_ids(
    sets: Lookup<'_>,
    policy: &GcPolicy,
    now_ms: i64,
    mut in_use: impl FnMut(&BuildId) -> bool,
) -> Vec<BuildId> {
    let mut removable = Vec::new();
    let last_set = sets.sets().len().saturating_sub(1);
    for (i, set) in sets.sets().enumerate() {
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
            let since = |stamp: Hlc| now_ms.saturating_sub(stamp.wall_clock);
            if since(record.became_default_timestamp()) < policy.min_since_default_ms {
                continue;
            }
            if policy.retention == Retention::Respect
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
