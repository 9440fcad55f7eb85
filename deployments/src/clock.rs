//! The hybrid logical clock of a task queue's data (specification.md section F.1, F.2).
//!
//! The same clock as the version-sets model's `Hlc` (`src/clock.rs` at the workspace's
//! root), written again here because `worker-deployments` depends on no other package of
//! the workspace (ARCHITECTURE.md, "The packages").

use std::fmt;

/// A hybrid logical clock value, as Temporal stores it: `(wall_clock, version, cluster_id)`,
/// ordered lexicographically in that field order.
///
/// # Example
/// ```
/// use worker_deployments::Hlc;
///
/// let t0 = Hlc::zero(1);
/// let t1 = t0.next(1_000);
/// let t2 = t1.next(999); // the wall clock went back: the version counter moves instead
/// assert!(t0 < t1 && t1 < t2);
/// assert_eq!(t2, Hlc { wall_clock: 1_000, version: 1, cluster_id: 1 });
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Hlc {
    /// Unix time in milliseconds.
    pub wall_clock: i64,
    /// A counter of events within one millisecond.
    pub version: i32,
    /// The cluster that made the first stamp of this line of clocks; only breaks ties.
    pub cluster_id: i64,
}

impl Hlc {
    /// The zero clock of a cluster: `(0, 0, cluster_id)` (Temporal's `hlc.Zero`).
    pub const fn zero(cluster_id: i64) -> Self {
        Self {
            wall_clock: 0,
            version: 0,
            cluster_id,
        }
    }

    /// The clock after `self`, given the wall time `now_ms`: the wall part is the larger of
    /// the two, and the version counts up when the wall part did not move (Temporal's
    /// `hlc.Next`). The cluster ID is inherited from `self`, as `hlc.Next` does.
    ///
    /// A `now_ms` past `i64::MAX` counts as `i64::MAX`. Where Temporal's counter would
    /// overflow (more than `i32::MAX` events in one millisecond) the wall part moves on by
    /// one millisecond instead, so `next` stays strictly increasing; only at
    /// `wall_clock == i64::MAX` does it return `self`.
    pub fn next(self, now_ms: u64) -> Self {
        let now = wall(now_ms);
        if now > self.wall_clock {
            return Self {
                wall_clock: now,
                version: 0,
                cluster_id: self.cluster_id,
            };
        }
        match self.version.checked_add(1) {
            Some(version) => Self { version, ..self },
            None => match self.wall_clock.checked_add(1) {
                Some(wall_clock) => Self {
                    wall_clock,
                    version: 0,
                    cluster_id: self.cluster_id,
                },
                None => self,
            },
        }
    }
}

/// `now_ms` as the clock's wall part: the model's time is unsigned, the clock's signed.
pub(crate) fn wall(now_ms: u64) -> i64 {
    i64::try_from(now_ms).unwrap_or(i64::MAX)
}

impl fmt::Display for Hlc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "({}, {}, {})",
            self.wall_clock, self.version, self.cluster_id
        )
    }
}
