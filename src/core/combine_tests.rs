//! Merging places members exactly where timestamp order says, whether a set's places are
//! found by walking its list or through its [`MemberIndex`], with ties from stored data.

use proptest::prelude::*;

use super::*;
use crate::{BuildIdData, VersionSetData, VersionSets, VersioningData};

/// One change to the core, its operands picked by position (modulo the current counts).
#[derive(Debug, Clone)]
enum Change {
    Merge(usize, usize),
    PromoteMember(usize),
    PromoteSet(usize),
    Push(usize),
}

fn change() -> impl Strategy<Value = Change> {
    prop_oneof![
        3 => (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Change::Merge(a, b)),
        1 => any::<usize>().prop_map(Change::PromoteMember),
        1 => any::<usize>().prop_map(Change::PromoteSet),
        1 => any::<usize>().prop_map(Change::Push),
    ]
}

/// Sets of build IDs stamped from a few wall-clock values, so that ties are common; each
/// set's stamps are sorted, as loading demands.
fn stored() -> impl Strategy<Value = Vec<Vec<i64>>> {
    prop::collection::vec(prop::collection::vec(0..4_i64, 1..10), 1..6).prop_map(|mut sets| {
        for set in &mut sets {
            set.sort_unstable();
        }
        sets
    })
}

fn stamp(wall: i64) -> Hlc {
    Hlc {
        wall_clock: wall,
        version: 0,
        cluster_id: 0,
    }
}

fn load(sets: &[Vec<i64>]) -> VersionSets {
    let data = VersioningData {
        version_sets: sets
            .iter()
            .enumerate()
            .map(|(n, walls)| VersionSetData {
                set_ids: vec![format!("set-{n}")],
                build_ids: walls
                    .iter()
                    .enumerate()
                    .map(|(i, &wall)| BuildIdData {
                        id: format!("s{n}m{i}"),
                        state: Some(BuildIdState::Active),
                        state_update_timestamp: Some(stamp(wall)),
                        became_default_timestamp: Some(stamp(wall)),
                    })
                    .collect(),
                // Tied set stamps too: the list decides their order.
                became_default_timestamp: Some(stamp(i64::from(n >= 2))),
            })
            .collect(),
    };
    match VersionSets::from_data(&data) {
        Ok(sets) => sets,
        Err(error) => panic!("test data does not load: {error}"),
    }
}

fn set_keys(core: &Core) -> Vec<SetKey> {
    let mut keys = Vec::new();
    let mut cursor = core.ends().map(|ends| ends.oldest);
    while let Some(key) = cursor {
        keys.push(key);
        cursor = core.set(key).next;
    }
    keys
}

/// A set's members, oldest first, with their timestamps.
fn members_of(core: &Core, set: SetKey) -> Vec<(MemberKey, Hlc)> {
    let mut members = Vec::new();
    let mut cursor = Some(core.set(set).first);
    while let Some(key) = cursor {
        let member = core.member(key).member;
        members.push((key, member.became_default_timestamp()));
        cursor = member.next;
    }
    members
}

/// Every set's members, oldest set first.
fn listing(core: &Core) -> Vec<Vec<(MemberKey, Hlc)>> {
    set_keys(core)
        .into_iter()
        .map(|set| members_of(core, set))
        .collect()
}

/// Gives every set an index, as a merge into a large set would.
fn index_all(core: &mut Core) {
    for set in set_keys(core) {
        if core.set(set).index.is_none() {
            core.set_mut(set).index = Some(Box::new(core.index_of(set)));
        }
    }
}

/// Applies `change` at wall clock `now`; for a merge, checks that the joined set is the
/// stable sort by timestamp of the older set's members and then the newer's (the primary's
/// default restamped), which is what the server's sort gives.
fn apply(sets: &mut VersionSets, change: &Change, now: i64, pushed: &mut usize) {
    let keys = set_keys(&sets.core);
    let t = sets.stamp(now);
    match *change {
        Change::Merge(a, b) => {
            let (a, b) = (a % keys.len(), b % keys.len());
            if a == b {
                return;
            }
            let (primary, secondary) = (keys[a], keys[b]);
            let primary_default = sets.core.set(primary).last;
            let mut expected = members_of(&sets.core, keys[a.min(b)]);
            expected.extend(members_of(&sets.core, keys[a.max(b)]));
            for (key, stamp) in &mut expected {
                if *key == primary_default {
                    *stamp = t;
                }
            }
            expected.sort_by_key(|&(_, stamp)| stamp);
            sets.core.combine_sets(primary, secondary, t);
            let kept = sets.core.member(expected[0].0).member.set;
            assert_eq!(members_of(&sets.core, kept), expected);
        }
        Change::PromoteMember(n) => {
            let members: Vec<MemberKey> = listing(&sets.core)
                .into_iter()
                .flatten()
                .map(|(key, _)| key)
                .collect();
            sets.core.promote_member(members[n % members.len()], t);
        }
        Change::PromoteSet(n) => sets.core.promote_set(keys[n % keys.len()], t),
        Change::Push(n) => {
            *pushed += 1;
            let id = BuildId::new(format!("pushed{pushed}")).unwrap();
            sets.core.push_member(keys[n % keys.len()], id, t);
        }
    }
}

proptest! {
    /// The same changes give the same lists whether or not every set is indexed, every
    /// merge gives the sorted order, and both values stay valid throughout.
    #[test]
    fn merges_place_members_alike_with_or_without_an_index(
        stored in stored(),
        changes in prop::collection::vec(change(), 1..24),
    ) {
        let mut walked = load(&stored);
        let mut indexed = walked.clone();
        let (mut pushed_walked, mut pushed_indexed) = (0, 0);
        for (n, change) in changes.iter().enumerate() {
            if walked.core.member_count() >= walked.core.capacity() - 1 {
                break;
            }
            index_all(&mut indexed.core);
            let now = 10 + n as i64;
            apply(&mut walked, change, now, &mut pushed_walked);
            apply(&mut indexed, change, now, &mut pushed_indexed);
            prop_assert_eq!(listing(&walked.core), listing(&indexed.core), "{:?}", change);
            prop_assert_eq!(walked.validate(), Ok(()));
            prop_assert_eq!(indexed.validate(), Ok(()));
        }
    }
}
