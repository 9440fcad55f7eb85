//! Receiving a replica as the server does (`ApplyTaskQueueUserDataReplicationEvent`): join,
//! revive the build IDs still in use that the other side deleted, then clear the tombstones.
//! See [`VersionSets::receive`](crate::VersionSets::receive).

use std::collections::BTreeMap;

use super::join::join_data;
use crate::build_id::{BuildId, BuildIdState};
use crate::clock::Hlc;
use crate::stored::{VersionSetData, VersioningData};

/// What receiving a replica makes, before the facade loads it.
pub(crate) struct Revival {
    /// The joined data, revived build IDs active again, tombstones cleared.
    pub(crate) data: VersioningData,
    /// The build IDs revived, each once, in the order they were first revived.
    pub(crate) revived: Vec<BuildId>,
    /// The newest revival stamp, if any build ID was revived.
    pub(crate) newest: Option<Hlc>,
}

/// Joins `here` and `incoming`, revives each of `still_used` (and its set's default when
/// that was deleted) with a stamp for wall time `now_ms` on cluster `cluster_id`, then
/// clears the tombstones.
pub(crate) fn receive(
    here: &VersioningData,
    incoming: &VersioningData,
    still_used: Vec<BuildId>,
    now_ms: i64,
    cluster_id: i64,
) -> Revival {
    let mut data = join_data(&[here, incoming]);
    let where_is: BTreeMap<String, usize> = data
        .version_sets
        .iter()
        .enumerate()
        .flat_map(|(i, set)| set.build_ids.iter().map(move |r| (r.id.clone(), i)))
        .collect();
    let mut revived = Vec::new();
    let mut newest: Option<Hlc> = None;
    for id in still_used {
        let set = where_is
            .get(id.as_str())
            .and_then(|&i| data.version_sets.get_mut(i));
        let Some(set) = set else { continue };
        let at = set.build_ids.iter().position(|r| r.id == id.as_str());
        if let Some(stamp) = at.and_then(|at| revive(set, at, now_ms, cluster_id)) {
            newest = newest.max(Some(stamp));
            note(&mut revived, id);
        }
        let last = set.build_ids.len().saturating_sub(1);
        let default = set.build_ids.get(last);
        if let Some(default) = default.filter(|r| r.state == Some(BuildIdState::Deleted)) {
            let default = BuildId::new(&default.id).ok();
            if let Some(stamp) = revive(set, last, now_ms, cluster_id) {
                newest = newest.max(Some(stamp));
                if let Some(default) = default {
                    note(&mut revived, default);
                }
            }
        }
    }
    clear(&mut data.version_sets);
    Revival {
        data,
        revived,
        newest,
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
