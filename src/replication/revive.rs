//! Receiving a replica as the server does (reference §2.6.6): merge, revive the build IDs
//! still in use that the other side deleted, then clear the tombstones; and removing build
//! IDs in a single- or multi-cluster namespace.

use std::collections::BTreeMap;

use super::merge::{load, merge_data};
use crate::{BuildId, BuildIdState, Hlc, VersionSetData, VersionSets};

/// The result of [`VersionSets::receive`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Received {
    /// The merged state, with revived build IDs active again and tombstones cleared.
    pub state: VersionSets,
    /// The build IDs revived, each once, in the order they were first revived: each one
    /// still in use, then its set's default when that had been deleted.
    pub revived: Vec<BuildId>,
}

/// Whether a namespace is replicated to other clusters, which decides when tombstones go.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Namespace {
    /// Tombstones are cleared in the same update that makes them: they never persist.
    SingleCluster,
    /// Tombstones persist and are replicated, so that other clusters delete the build IDs
    /// too; a second, local update (not replicated) then clears them here.
    MultiCluster,
}

/// The result of [`VersionSets::remove_unused`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Removal {
    /// What is replicated to the other clusters: the state with the tombstones, in a
    /// multi-cluster namespace; `None` in a single-cluster one.
    pub replicated: Option<VersionSets>,
    /// The state kept here, tombstones cleared.
    pub local: VersionSets,
}

impl VersionSets {
    /// Applies a replica received from another cluster, as the server does (its
    /// `ApplyTaskQueueUserDataReplicationEvent`):
    ///
    /// 1. every build ID active here and not active in `incoming` (absent or deleted there),
    ///    in sorted order, is checked with `has_workflows` ("does any workflow still use
    ///    this build ID?", the server's visibility query);
    /// 2. the two are [merged](Self::merge);
    /// 3. each build ID still in use is revived: `ACTIVE`, its state stamped with the next
    ///    clock value after its merged stamp for wall time `now_ms`, with this cluster's ID,
    ///    its became-default timestamp kept; when its set's default is deleted, that default
    ///    is revived too, or the set would be left with the wrong default;
    /// 4. the tombstones are cleared.
    ///
    /// The result belongs to this cluster, and its clock is at least both clocks and every
    /// revived stamp. (DIVERGENCE: the server's clock does not move past the incoming
    /// timestamps, so a later local change can stamp earlier than replicated data.)
    ///
    /// # Example
    /// ```
    /// use version_sets::{BuildId, Limits, Update, VersionSets};
    ///
    /// let id = |s: &str| BuildId::new(s);
    /// let mut here = VersionSets::new().with_cluster_id(1);
    /// here.apply(&Update::add_new_default(id("1.0")?), 1_000, Limits::NONE)?;
    /// here.apply(&Update::add_new_default(id("2.0")?), 2_000, Limits::NONE)?;
    /// // The other cluster's scavenger removed 1.0, but workflows here still run on it.
    /// let mut there = here.clone().with_cluster_id(2);
    /// there.remove_build_ids(&[id("1.0")?], 3_000);
    ///
    /// let received = here.receive(&there, 4_000, |build_id| build_id.as_str() == "1.0");
    /// assert_eq!(received.revived, [id("1.0")?]);
    /// assert!(received.state.record("1.0").is_some_and(|r| r.is_active()));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn receive(
        &self,
        incoming: &Self,
        now_ms: i64,
        mut has_workflows: impl FnMut(&BuildId) -> bool,
    ) -> Received {
        let still_used: Vec<BuildId> = self
            .build_id_deltas(incoming)
            .removed
            .into_iter()
            .filter(|id| has_workflows(id))
            .collect();
        let mut data = merge_data(&[&self.to_data(), &incoming.to_data()]);
        let where_is: BTreeMap<String, usize> = data
            .version_sets
            .iter()
            .enumerate()
            .flat_map(|(i, set)| set.build_ids.iter().map(move |r| (r.id.clone(), i)))
            .collect();
        let mut revived = Vec::new();
        let mut newest = self.clock().max(incoming.clock());
        for id in still_used {
            let set = where_is
                .get(id.as_str())
                .and_then(|&i| data.version_sets.get_mut(i));
            let Some(set) = set else { continue };
            let at = set.build_ids.iter().position(|r| r.id == id.as_str());
            if let Some(stamp) = at.and_then(|at| revive(set, at, now_ms, self.cluster_id())) {
                newest = newest.max(stamp);
                note(&mut revived, id);
            }
            let last = set.build_ids.len().saturating_sub(1);
            let default = set.build_ids.get(last);
            if let Some(default) = default.filter(|r| r.state == Some(BuildIdState::Deleted)) {
                let default = BuildId::new(&default.id).ok();
                if let Some(stamp) = revive(set, last, now_ms, self.cluster_id()) {
                    newest = newest.max(stamp);
                    if let Some(default) = default {
                        note(&mut revived, default);
                    }
                }
            }
        }
        clear(&mut data.version_sets);
        let mut state = load(&data, self);
        state.raise_clock(newest);
        Received { state, revived }
    }

    /// Removes build IDs the way the server's scavenger does in a namespace of the given
    /// kind: they become tombstones stamped for wall time `now_ms` (see
    /// [`remove_build_ids`](Self::remove_build_ids)). In a single-cluster namespace the
    /// same update clears them. In a multi-cluster namespace the tombstoned state is what
    /// replicates, and a second local update, stamped once more, clears them here.
    ///
    /// # Example
    /// ```
    /// use version_sets::{BuildId, Limits, Namespace, Update, VersionSets};
    ///
    /// let id = |s: &str| BuildId::new(s);
    /// let mut sets = VersionSets::new();
    /// sets.apply(&Update::add_new_default(id("1.0")?), 1, Limits::NONE)?;
    /// sets.apply(&Update::add_new_default(id("2.0")?), 2, Limits::NONE)?;
    /// let removal = sets.remove_unused(&[id("1.0")?], 3, Namespace::MultiCluster);
    /// let replicated = removal.replicated.expect("multi-cluster namespaces replicate tombstones");
    /// assert!(replicated.record("1.0").is_some_and(|r| !r.is_active()));
    /// assert!(!removal.local.contains("1.0"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn remove_unused(
        &self,
        build_ids: &[BuildId],
        now_ms: i64,
        namespace: Namespace,
    ) -> Removal {
        let mut tombstoned = self.clone();
        tombstoned.remove_build_ids(build_ids, now_ms);
        let mut local = tombstoned.clone();
        local.clear_tombstones();
        match namespace {
            Namespace::SingleCluster => Removal {
                replicated: None,
                local,
            },
            Namespace::MultiCluster => {
                // The clearing is an update of its own, with a clock of its own.
                local.raise_clock(Hlc {
                    cluster_id: local.cluster_id(),
                    ..local.clock().next(now_ms)
                });
                Removal {
                    replicated: Some(tombstoned),
                    local,
                }
            }
        }
    }
}

/// Adds `id` to the revived build IDs unless it is there already: like the server, a set
/// default revived with another build ID and then asked about itself is revived twice.
fn note(revived: &mut Vec<BuildId>, id: BuildId) {
    if !revived.contains(&id) {
        revived.push(id);
    }
}

/// Revives the record at `at` in `set`: `ACTIVE`, its state stamped with the next clock
/// value after its own for `now_ms`, on `cluster_id`. Returns the new stamp.
fn revive(set: &mut VersionSetData, at: usize, now_ms: i64, cluster_id: i64) -> Option<Hlc> {
    let record = set.build_ids.get_mut(at)?;
    let stamp = Hlc {
        cluster_id,
        ..record
            .state_update_timestamp
            .unwrap_or_default()
            .next(now_ms)
    };
    record.state = Some(BuildIdState::Active);
    record.state_update_timestamp = Some(stamp);
    Some(stamp)
}

/// The server's `ClearTombstones` on stored data: drop deleted records, then empty sets.
fn clear(sets: &mut Vec<VersionSetData>) {
    for set in sets.iter_mut() {
        set.build_ids
            .retain(|r| r.state != Some(BuildIdState::Deleted));
    }
    sets.retain(|set| !set.build_ids.is_empty());
}
