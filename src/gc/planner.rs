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

/// Why the scavenger keeps a build ID: one of the rules of its planner, in the order it
/// checks them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kept {
    /// Already a tombstone: the scavenger skips it.
    Deleted,
    /// The queue's default: it never goes.
    QueueDefault,
    /// Its set's default while another build ID of the set stays: a set's default goes
    /// only with its whole set.
    SetDefault,
    /// It became its set's default less than [`GcPolicy::min_since_default_ms`] ago.
    RecentDefault,
    /// Its state changed within the retention ([`GcPolicy::retention_ms`]).
    WithinRetention,
    /// Workflows of some status, open or closed, are still on it (the caller's `in_use`).
    HasWorkflows,
}

named! {
    Kept, "the command's word";
    Deleted => "deleted",
    QueueDefault => "queue-default",
    SetDefault => "set-default",
    RecentDefault => "recent-default",
    WithinRetention => "within-retention",
    HasWorkflows => "has-workflows",
}

/// The scavenger's verdict on one build ID: every rule that keeps it, none when it goes.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct GcVerdict {
    /// The build ID.
    pub build_id: BuildId,
    /// Every rule that keeps it, in the order the scavenger checks them (only
    /// [`Kept::Deleted`] for a tombstone); empty when the scavenger removes it.
    pub kept: Vec<Kept>,
}

impl GcVerdict {
    /// Whether the scavenger removes it: no rule keeps it.
    pub fn removable(&self) -> bool {
        self.kept.is_empty()
    }
}

/// Which build IDs the planner asks `in_use` about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ask {
    /// Only those that pass every other check, as the server's scavenger asks its
    /// visibility store.
    WhenOthersPass,
    /// Every live build ID, so that a verdict lists every rule that keeps it.
    Always,
}

/// The build IDs the server's build-ID scavenger would remove from `sets` in a run at wall
/// time `now_ms`, in its order.
pub(crate) fn removable_build_ids(
    sets: Lookup<'_>,
    policy: &GcPolicy,
    now_ms: i64,
    in_use: impl FnMut(&BuildId) -> bool,
) -> Vec<BuildId> {
    let mut removable = Vec::new();
    plan(
        sets,
        policy,
        now_ms,
        in_use,
        Ask::WhenOthersPass,
        |id, kept| {
            if kept.is_empty() {
                removable.push(id.clone());
            }
        },
    );
    removable
}

/// The scavenger's verdict on every build ID of `sets` in a run at wall time `now_ms`, in
/// its order, each with every rule that keeps it (`in_use` asked about every live one).
pub(crate) fn verdicts(
    sets: Lookup<'_>,
    policy: &GcPolicy,
    now_ms: i64,
    in_use: impl FnMut(&BuildId) -> bool,
) -> Vec<GcVerdict> {
    let mut verdicts = Vec::new();
    plan(sets, policy, now_ms, in_use, Ask::Always, |id, kept| {
        verdicts.push(GcVerdict {
            build_id: id.clone(),
            kept: kept.to_vec(),
        });
    });
    verdicts
}

/// The scavenger's one pass: `verdict` is told, for each build ID in its order, the rules
/// that keep it (empty: it goes). With [`Ask::WhenOthersPass`] the list stops at the first
/// rule, and `in_use` is asked only when no other rule keeps the build ID.
fn plan(
    sets: Lookup<'_>,
    policy: &GcPolicy,
    now_ms: i64,
    mut in_use: impl FnMut(&BuildId) -> bool,
    ask: Ask,
    mut verdict: impl FnMut(&BuildId, &[Kept]),
) {
    let mut kept = Vec::new();
    let last_set = sets.sets().len().saturating_sub(1);
    for (i, set) in sets.sets().enumerate() {
        let queue_default = i == last_set;
        let mut active = set.len();
        let last = set.len().saturating_sub(1);
        for (j, record) in set.build_ids().enumerate() {
            kept.clear();
            if !record.is_active() {
                active = active.saturating_sub(1);
                verdict(record.id(), &[Kept::Deleted]);
                continue;
            }
            let mut keep = |rule: Kept, applies: bool| {
                if applies {
                    kept.push(rule);
                }
                ask == Ask::WhenOthersPass && !kept.is_empty()
            };
            let since = |stamp: Hlc| now_ms.saturating_sub(stamp.wall_clock);
            let set_default = j == last;
            // Each rule is checked only while none has kept the build ID, unless every
            // rule is asked for; `in_use` last, as the server's costly visibility count.
            let _ = keep(Kept::QueueDefault, set_default && queue_default)
                || keep(
                    Kept::SetDefault,
                    set_default && !queue_default && active > 1,
                )
                || keep(
                    Kept::RecentDefault,
                    since(record.became_default_timestamp()) < policy.min_since_default_ms,
                )
                || keep(
                    Kept::WithinRetention,
                    policy.retention == Retention::Respect
                        && since(record.state_update_timestamp()) < policy.retention_ms,
                )
                || keep(Kept::HasWorkflows, in_use(record.id()));
            if kept.is_empty() {
                active = active.saturating_sub(1);
            }
            verdict(record.id(), &kept);
        }
    }
}
