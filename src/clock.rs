//! The hybrid logical clock that stamps every change.

use std::fmt;

/// A hybrid logical clock value, as Temporal stores it: `(wall_clock, version, cluster_id)`,
/// ordered lexicographically in that field order.
///
/// # Example
/// ```
/// use version_sets::Hlc;
///
/// let t0 = Hlc::zero(1);
/// let t1 = t0.next(1_000);
/// let t2 = t1.next(999); // the wall clock went back: the version counter moves instead
/// assert!(t0 < t1 && t1 < t2);
/// assert_eq!(t2, Hlc { wall_clock: 1_000, version: 1, cluster_id: 1 });
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Hlc {
    /// Unix time in milliseconds.
    pub wall_clock: i64,
    /// A counter of events within one millisecond.
    pub version: i32,
    /// The cluster that made the stamp; only breaks ties.
    pub cluster_id: i64,
}

impl Hlc {
    /// The zero clock of a cluster: `(0, 0, cluster_id)`.
    pub const fn zero(cluster_id: i64) -> Self {
        Self {
            wall_clock: 0,
            version: 0,
            cluster_id,
        }
    }

    /// The clock after `self`, given the wall time `now_ms`: the wall part is the larger of
    /// the two, and the version counts up when the wall part did not move (Temporal's
    /// `hlc.Next`). The cluster ID is inherited from `self`.
    ///
    /// Where Temporal's counter would overflow (more than `i32::MAX` events in one
    /// millisecond) the wall part moves on by one millisecond instead, so `next` stays
    /// strictly increasing; only at `wall_clock == i64::MAX` does it return `self`.
    pub fn next(self, now_ms: i64) -> Self {
        if now_ms > self.wall_clock {
            return Self {
                wall_clock: now_ms,
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

impl fmt::Display for Hlc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "({}, {}, {})",
            self.wall_clock, self.version, self.cluster_id
        )
    }
}

/// How a stamp listed after others stands to the one just before it (see [`ListOrder`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Placed {
    /// At or after the stamp listed just before it, and after its own cluster's previous.
    InOrder,
    /// Before the stamp listed just before it, which is another cluster's: what a failover
    /// between clusters with skewed clocks leaves (`before` is that stamp).
    AcrossClusters { before: Hlc },
    /// Before the previous stamp of its own cluster (`before`): no server reaches this, since
    /// each cluster's clock only moves forward and stamps move items to the end.
    SameCluster { before: Hlc },
}

/// Walks stamps in list order and places each against the one before it, and against the
/// previous one of its own cluster.
///
/// Why per cluster: on the server, only stamping moves a set or build ID to the end of its
/// list, and each cluster's clock only moves forward, so one cluster's stamps are always in
/// list order. Merges sort everything; but the server does not move its clock on receiving
/// replicated data, so after a failover under clock skew a cluster appends stamps earlier
/// than another cluster's listed before them (docs/semantics.md, `model.list-order`). A
/// sequence is in order exactly when each stamp is at or after the one before it, so
/// comparing neighbours finds every disorder (and, after one, the next is compared with
/// the stamp that broke the order, as a reader of the list would).
///
/// The first cluster seen is kept inline and others in a map, so that the common case (one
/// cluster) allocates nothing.
#[derive(Debug, Default)]
pub(crate) struct ListOrder {
    previous: Option<Hlc>,
    first_cluster: Option<Hlc>,
    others: std::collections::BTreeMap<i64, Hlc>,
}

impl ListOrder {
    /// Places `stamp`, listed after every stamp placed so far.
    pub(crate) fn place(&mut self, stamp: Hlc) -> Placed {
        let own = match self.first_cluster {
            None => {
                self.first_cluster = Some(stamp);
                None
            }
            Some(first) if first.cluster_id == stamp.cluster_id => {
                self.first_cluster = Some(stamp);
                Some(first)
            }
            Some(_) => self.others.insert(stamp.cluster_id, stamp),
        };
        let previous = self.previous.replace(stamp);
        match (own, previous) {
            (Some(before), _) if stamp < before => Placed::SameCluster { before },
            (_, Some(before)) if stamp < before => Placed::AcrossClusters { before },
            _ => Placed::InOrder,
        }
    }

    /// Starts over (the next list), keeping the map's room.
    pub(crate) fn clear(&mut self) {
        self.previous = None;
        self.first_cluster = None;
        self.others.clear();
    }
}

#[cfg(test)]
mod tests;
