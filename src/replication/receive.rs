//! Receiving a replica as the server does (`ApplyTaskQueueUserDataReplicationEvent`): join,
//! revive the build IDs still in use that the other side deleted, then clear the tombstones.
//! See [`VersionSets::receive`](crate::VersionSets::receive).

use std::collections::BTreeMap;

#[cfg(test)]
use super::join::join_data;
use super::join::join_sets;
use crate::build_id::{BuildId, BuildIdState};
use crate::clock::Hlc;
use crate::set::CompatibleSet;
use crate::stored::VersionSetData;
#[cfg(test)]
use crate::stored::VersioningData;

/// What receiving a replica revived; the sets themselves were handed over one at a time.
pub(crate) struct Revived {
    /// The build IDs revived, each once, in the order they were first revived.
    pub(crate) revived: Vec<BuildId>,
    /// The newest revival stamp, if any build ID was revived.
    pub(crate) newest: Option<Hlc>,
}

/// What `receive` makes of the sets of both values read in place (`sets`, as `join_sets`
/// takes them), each joined set revived and cleared as it is made and handed to `emit`
/// unless it is left empty: what `receive` makes of their stored forms, set by set.
///
/// The revivals of one set touch that set alone, so reviving set by set, each set's build
/// IDs in the order of `still_used`, changes each set as reviving in that order does; the
/// revived build IDs are then put in that order (a build ID before its set's default).
pub(crate) fn receive_sets(
    sets: &[CompatibleSet<'_>],
    still_used: &[BuildId],
    now_ms: i64,
    cluster_id: i64,
    mut emit: impl FnMut(VersionSetData),
) -> Revived {
    let mut asked: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (position, id) in still_used.iter().enumerate() {
        asked.entry(id.as_str()).or_default().push(position);
    }
    // Each revival with the place of the question that made it: (position, 0) the build
    // ID asked about, (position, 1) its set's default.
    let mut notes: Vec<(usize, u8, BuildId)> = Vec::new();
    let mut newest: Option<Hlc> = None;
    join_sets(sets, |mut set| {
        let mut questions: Vec<(usize, usize)> = set
            .build_ids
            .iter()
            .enumerate()
            .flat_map(|(at, record)| {
                asked
                    .get(record.id.as_str())
                    .into_iter()
                    .flatten()
                    .map(move |&position| (position, at))
            })
            .collect();
        questions.sort_unstable();
        for (position, at) in questions {
            let id = still_used.get(position).cloned();
            if let Some(stamp) = revive(&mut set, at, now_ms, cluster_id) {
                newest = newest.max(Some(stamp));
                if let Some(id) = id {
                    notes.push((position, 0, id));
                }
            }
            let last = set.build_ids.len().saturating_sub(1);
            let default = set.build_ids.get(last);
            if let Some(default) = default.filter(|r| r.state == Some(BuildIdState::Deleted)) {
                let default = BuildId::new(&default.id).ok();
                if let Some(stamp) = revive(&mut set, last, now_ms, cluster_id) {
                    newest = newest.max(Some(stamp));
                    if let Some(default) = default {
                        notes.push((position, 1, default));
                    }
                }
            }
        }
        set.build_ids
            .retain(|r| r.state != Some(BuildIdState::Deleted));
        if !set.build_ids.is_empty() {
            emit(set);
        }
    });
    notes.sort_unstable_by_key(|&(position, order, _)| (position, order));
    let mut revived = Vec::new();
    for (_, _, id) in notes {
        note(&mut revived, id);
    }
    Revived { revived, newest }
}

/// What receiving a replica makes, before the facade loads it.
#[cfg(test)]
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
/// clears the tombstones: the receipt of stored forms, which `receive_sets` is tested
/// against.
#[cfg(test)]
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
#[cfg(test)]
fn clear(sets: &mut Vec<VersionSetData>) {
    for set in sets.iter_mut() {
        set.build_ids
            .retain(|r| r.state != Some(BuildIdState::Deleted));
    }
    sets.retain(|set| !set.build_ids.is_empty());
}
