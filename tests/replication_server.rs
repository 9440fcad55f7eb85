//! The server's `service/matching/version_sets_merge_test.go`, ported test by test and
//! numbered U34–U44 in the Go file's order, with the server's answers; six derived merge
//! scenarios, D1–D6, where the server's result depends on Go map order (D1–D3, D5) or on the
//! argument order (D4), with the crate's answers (the `merge-replica.*` rows of
//! docs/semantics.md#divergences; D6, merging a value with itself, is not idempotent on the
//! server and now answers as the server does);
//! and the first case of the server's build-ID scavenger tests, S1.
//!
//! Every merge is checked in both argument orders. Where the crate deliberately differs
//! from the server, a `divergence_*` test says how and, in its doc comment, why.

mod support;

use support::*;
use version_sets::{
    BuildIdData, BuildIdState, GcPolicy, Hlc, Limits, Outcome, QueueDefault, Retention, Update,
    VersionSetData, VersionSets, VersioningData,
};

/// `mkBuildId(id, clock)`: active, both timestamps `(wall, 0, 1)`.
fn b(text: &str, wall: i64) -> BuildIdData {
    active(text, at(wall))
}

/// A tombstone stamped `(wall, 0, 1)`.
fn del(text: &str, wall: i64) -> BuildIdData {
    deleted(text, at(wall))
}

/// `mkSet(setId, builds...)`: set IDs `[set_id]`, timestamp that of the last build ID.
#[track_caller]
fn mk_set(set_id: &str, builds: Vec<BuildIdData>) -> VersionSetData {
    let bdt = builds
        .last()
        .and_then(|r| r.became_default_timestamp)
        .unwrap();
    set(&[set_id], builds, bdt)
}

fn data(sets: Vec<VersionSetData>) -> VersioningData {
    VersioningData { version_sets: sets }
}

/// `M(a, b)` and `M(b, a)` on loaded values; both must validate and agree on data and clock.
#[track_caller]
fn merge_both(a: &VersioningData, b: &VersioningData) -> VersioningData {
    let (a, b) = (
        VersionSets::from_data(a).unwrap(),
        VersionSets::from_data(b).unwrap(),
    );
    let (ab, ba) = (a.join(&b), b.join(&a));
    assert_eq!(ab.validate(), Ok(()));
    assert_eq!(ba.validate(), Ok(()));
    assert_eq!(ab.to_data(), ba.to_data(), "M(a,b) and M(b,a) differ");
    assert_eq!(ab.clock(), ba.clock());
    assert_eq!(ab.clock(), a.clock().max(b.clock()));
    ab.to_data()
}

/// The stored form a value loads to.
#[track_caller]
fn loaded(d: &VersioningData) -> VersioningData {
    VersionSets::from_data(d).unwrap().to_data()
}

#[test]
fn u34_set_merge_identical_build_ids_and_greater_update_timestamp_sets_max_update_timestamp() {
    let a = data(vec![mk_set("0.1", vec![b("0.1", 1), b("0.2", 6)])]);
    let bb = data(vec![mk_set("0.1", vec![b("0.1", 1), b("0.2", 3)])]);
    assert_eq!(merge_both(&a, &bb), a);
}

#[test]
fn u35_set_merge_data_is_nil() {
    // Go's nil is the empty value here: no sets.
    let d = data(vec![mk_set("0.1", vec![b("0.1", 1), b("0.2", 6)])]);
    let nil = VersioningData::default();
    assert_eq!(merge_both(&nil, &d), d);
    assert_eq!(merge_both(&nil, &nil), nil);
    let empty = VersionSets::new();
    assert_eq!(empty.join(&empty), empty);
}

#[test]
fn u36_set_merge_additional_build_id_and_greater_update_timestamp_merges_build_ids_and_sets_max_update_timestamp()
 {
    let a = data(vec![mk_set("0.1", vec![b("0.1", 6)])]);
    let bb = data(vec![mk_set("0.1", vec![b("0.1", 1), b("0.2", 3)])]);
    let expected = data(vec![set(&["0.1"], vec![b("0.2", 3), b("0.1", 6)], at(6))]);
    assert_eq!(merge_both(&a, &bb), expected);
}

#[test]
fn u37_set_merge_newer_default_prefers_default_and_sets_max_updated_at() {
    let a = data(vec![mk_set("0.1", vec![b("0.1", 1), b("0.3", 6)])]);
    let bb = data(vec![mk_set("0.1", vec![b("0.1", 1), b("0.2", 3)])]);
    let expected = data(vec![mk_set(
        "0.1",
        vec![b("0.1", 1), b("0.2", 3), b("0.3", 6)],
    )]);
    assert_eq!(merge_both(&a, &bb), expected);
}

#[test]
fn u38_data_merge_prefers_newer_default_and_merges_default() {
    let a = data(vec![
        mk_set("0.1", vec![b("0.1", 2)]),
        mk_set("1.0", vec![b("1.0", 3)]),
    ]);
    let bb = data(vec![
        mk_set("1.0", vec![b("1.0", 3)]),
        mk_set("0.1", vec![b("0.1", 2), b("0.2", 4)]),
    ]);
    assert_eq!(merge_both(&a, &bb), bb);
}

#[test]
fn u39_set_merge_different_set_ids_merges_set_ids() {
    let a = data(vec![mk_set("0.1", vec![b("0.1", 1), b("0.2", 6)])]);
    let bb = data(vec![mk_set("0.2", vec![b("0.2", 3)])]);
    let expected = data(vec![set(
        &["0.1", "0.2"],
        vec![b("0.1", 1), b("0.2", 6)],
        at(6),
    )]);
    assert_eq!(merge_both(&a, &bb), expected);
}

#[test]
fn u40_set_merge_different_states_updates_timestamps_and_state() {
    let a = data(vec![mk_set(
        "0.1",
        vec![b("0.1", 1), del("0.2", 6), del("0.3", 7)],
    )]);
    let bb = data(vec![mk_set(
        "0.1",
        vec![del("0.1", 3), b("0.2", 7), b("0.3", 8)],
    )]);
    assert_eq!(merge_both(&a, &bb), bb);
}

#[test]
fn u41_set_merge_multiple_matches_merges_sets() {
    let a = data(vec![mk_set("0.1", vec![b("0.1", 1), b("0.2", 3)])]);
    let bb = data(vec![
        mk_set("0.1", vec![b("0.1", 1)]),
        mk_set("0.2", vec![b("0.2", 2)]),
    ]);
    let expected = data(vec![set(
        &["0.1", "0.2"],
        vec![b("0.1", 1), b("0.2", 3)],
        at(3),
    )]);
    assert_eq!(merge_both(&a, &bb), expected);
}

#[test]
fn u42_set_merge_build_id_promoted_preserves_set_default() {
    let promoted = data(vec![set(
        &["0.1"],
        vec![
            record("0.1", BuildIdState::Active, at(2), at(2)),
            record("0.2", BuildIdState::Active, at(1), at(3)),
        ],
        at(1),
    )]);
    let merged = merge_both(&promoted, &promoted);
    assert_eq!(merged, promoted);
    let merged = VersionSets::from_data(&merged).unwrap();
    assert_eq!(merged.set_default_of("0.1").unwrap().as_str(), "0.2");
}

#[test]
fn u43_set_merge_set_promoted_preserves_global_default() {
    let promoted = data(vec![
        set(&["0.2"], vec![b("0.2", 2)], at(2)),
        set(&["0.1"], vec![b("0.1", 1)], at(3)),
    ]);
    let merged = merge_both(&promoted, &promoted);
    assert_eq!(merged, promoted);
    let merged = VersionSets::from_data(&merged).unwrap();
    assert_eq!(merged.default_build_id().unwrap().as_str(), "0.1");
}

#[test]
fn u44_persist_unknown_build_id_merge() {
    let t = at(1);
    let base = init(2, t);
    let mut a = base.clone();
    assert_eq!(a.persist_unknown_build_id(&id("1.1"), 1), Outcome::Changed);
    assert_eq!(ids(&a), lists(&[&["1.1"], &["0"], &["1"]]));
    let mut bb = base.clone();
    bb.apply(
        &Update::add_new_compatible(id("1.1"), id("1"), QueueDefault::Make),
        2,
        Limits::NONE,
    )
    .unwrap();
    let t2 = bb.clock();
    assert_eq!(ids(&bb), lists(&[&["0"], &["1", "1.1"]]));
    let expected = data(vec![
        set(&[&h("0")], vec![active("0", t)], t),
        set(
            &[&h("1"), &h("1.1")],
            vec![active("1", t), active("1.1", t2)],
            t2,
        ),
    ]);
    assert_eq!(merge_both(&a.to_data(), &bb.to_data()), expected);
}

/// D1 (C1): sets with tied timestamps, as two persisted unknown build IDs leave them.
///
/// DIVERGENCE: the server lists tied sets in Go's random map order, so merging with an
/// empty value can swap them (and with them the queue default when the default set is
/// tied). The crate orders tied sets by primary set ID, so every merge of the same inputs
/// gives the same list, in any argument order.
#[test]
fn divergence_d1_tied_sets_are_ordered_by_primary_set_id() {
    let t0 = T0;
    let tied = |first: &str, second: &str| {
        data(vec![
            set(&[&h(first)], vec![active(first, t0)], t0),
            set(&[&h(second)], vec![active(second, t0)], t0),
            set(&[&h("d")], vec![b("d", 9)], at(9)),
        ])
    };
    let (u1_first, u2_first) = (tied("u1", "u2"), tied("u2", "u1"));
    let mut names = ["u1", "u2"];
    names.sort_by_key(|name| h(name));
    let expected = tied(names[0], names[1]);
    let empty = VersioningData::default();
    assert_eq!(merge_both(&u1_first, &empty), expected);
    assert_eq!(merge_both(&u2_first, &empty), expected);
    assert_eq!(merge_both(&u1_first, &u2_first), expected);
}

/// D2 (C1b): merge-sets on `init(4, t0)`, every set timestamp tied.
///
/// DIVERGENCE: the server can return any of six orders, some with a queue default other
/// than `3`. The crate's merge-sets gives one answer, and so does the replica merge of it
/// with any copy of itself, whatever the order the copies were made in.
#[test]
fn divergence_d2_merge_sets_on_tied_sets_is_deterministic() {
    let mut merged = init(4, T0);
    merged
        .apply(&Update::merge_sets(id("1"), id("2")), 5, Limits::NONE)
        .unwrap();
    assert_eq!(merged.default_build_id().unwrap().as_str(), "3");
    let again = {
        let mut again = init(4, T0);
        again
            .apply(&Update::merge_sets(id("1"), id("2")), 5, Limits::NONE)
            .unwrap();
        again
    };
    assert_eq!(merged, again);
    let replica = merge_both(&merged.to_data(), &again.to_data());
    assert_eq!(
        replica,
        merge_both(&replica, &VersioningData::default()),
        "the merge is idempotent on its own result"
    );
    // The replica merge orders the tied sets by primary set ID (D1).
    let merged_again = VersionSets::from_data(&replica).unwrap();
    let primaries: Vec<String> = merged_again
        .sets()
        .map(|s| s.primary_set_id().as_str().to_owned())
        .collect();
    let mut sorted = primaries.clone();
    sorted.sort();
    assert_eq!(primaries, sorted);
}

/// D3 (C2): `z` was made compatible with `x` on one cluster and with `y` on the other.
///
/// DIVERGENCE: the server regroups greedily in map order and can leave set ID `B` in two
/// sets, or two incompatible sets with the same primary set ID `A` (so their tasks share
/// one physical queue). The crate groups transitively: `x`, `y` and `z` end in one set.
#[test]
fn divergence_d3_shared_set_ids_group_transitively() {
    let (a_id, b_id) = (h("x"), h("y"));
    assert_eq!(
        (a_id.as_str(), b_id.as_str()),
        ("LXEWQrcmsEQBYnyp-6wy", "ofzkNjhU_4iM_0uOeHXW")
    );
    let z2 = Hlc {
        wall_clock: 11,
        version: 0,
        cluster_id: 2,
    };
    let a = data(vec![
        set(&[&a_id], vec![b("x", 1), b("z", 10)], at(1)),
        set(&[&b_id], vec![b("y", 2)], at(2)),
    ]);
    let bb = data(vec![
        set(&[&a_id], vec![b("x", 1)], at(1)),
        set(&[&b_id], vec![b("y", 2), active("z", z2)], at(2)),
    ]);
    let expected = data(vec![set(
        &[&a_id, &b_id],
        vec![b("x", 1), b("y", 2), active("z", z2)],
        at(2),
    )]);
    assert_eq!(merge_both(&a, &bb), expected);
}

/// D4 (C3): the same build ID, active on one side and deleted on the other, both stamped
/// `@5`.
///
/// DIVERGENCE: the server lets the later sighting win, so `M(p, q)` and `M(q, p)` differ.
/// The crate lets `DELETED` win the tie: removals are deliberate, and the tie must go one
/// way in both orders.
#[test]
fn divergence_d4_deleted_wins_a_tied_state_stamp() {
    let p = data(vec![set(&["S"], vec![b("q", 5)], at(5))]);
    let q = data(vec![set(&["S"], vec![del("q", 5)], at(5))]);
    assert_eq!(merge_both(&p, &q), q);
}

/// D5 (C4): `a = {[A]: x}`, `b = {[B]: y}`, `c = {[A, B]: z}`.
///
/// DIVERGENCE: the server's `M(M(a, b), c)` can keep two sets while `M(a, M(b, c))` is one;
/// the crate's merge is associative: one set either way.
#[test]
fn divergence_d5_merge_is_associative_over_chains_of_set_ids() {
    let a = VersionSets::from_data(&data(vec![set(&["A"], vec![b("x", 1)], at(1))])).unwrap();
    let bb = VersionSets::from_data(&data(vec![set(&["B"], vec![b("y", 2)], at(2))])).unwrap();
    let c = VersionSets::from_data(&data(vec![set(&["A", "B"], vec![b("z", 3)], at(3))])).unwrap();
    let left = a.join(&bb).join(&c);
    let right = a.join(&bb.join(&c));
    assert_eq!(left, right);
    let expected = data(vec![set(
        &["A", "B"],
        vec![b("x", 1), b("y", 2), b("z", 3)],
        at(3),
    )]);
    assert_eq!(left.to_data(), expected);
}

/// D6 (C5): `x = {[H(1), H(2)]: 1@5, 2@5}`, as `PersistUnknownBuildId` leaves it.
///
/// As on the server, `M(x, x)` sorts the list it did not sort before (each build ID is seen
/// twice), so the primary set ID changes from `H(1)` to `H(2)`: merging a value with itself
/// is not a no-op on an appended list. Once sorted, merging again changes nothing. (The
/// tied build IDs are ordered by ID, `merge-replica.order`'s divergence: the server may
/// swap them.)
#[test]
fn d6_merge_with_itself_sorts_an_appended_list() {
    let x = data(vec![set(
        &[&h("1"), &h("2")],
        vec![b("1", 5), b("2", 5)],
        at(5),
    )]);
    assert_eq!(loaded(&x).version_sets[0].set_ids, [h("1"), h("2")]);
    let once = merge_both(&x, &x);
    assert_ne!(once, loaded(&x));
    assert_eq!(once.version_sets[0].set_ids, [h("2"), h("1")]);
    assert_eq!(merge_both(&once, &once), once);
    // The same data with the tied build IDs the other way round merges to the same value.
    let swapped = data(vec![set(
        &[&h("2"), &h("1")],
        vec![b("2", 5), b("1", 5)],
        at(5),
    )]);
    assert_eq!(merge_both(&swapped, &swapped), once);
}

/// A set of one build ID whose list no merge combines keeps it as it is, as in the server's
/// regrouping (its list is the first sighting's, unsorted); any combining sorts it.
#[test]
fn a_single_sighting_keeps_its_list_as_stored() {
    let x = data(vec![
        set(&[&h("1"), &h("0")], vec![b("1", 5)], at(5)),
        set(&[&h("3")], vec![b("3", 6)], at(6)),
    ]);
    let y = data(vec![set(&[&h("3")], vec![b("3", 6)], at(6))]);
    let merged = merge_both(&x, &y);
    assert_eq!(merged.version_sets[0].set_ids, [h("1"), h("0")]);
    let again = merge_both(&merged, &x);
    assert_eq!(again.version_sets[0].set_ids, [h("0"), h("1")]);
}

/// DIVERGENCE: the merged value's clock is the larger of both clocks (the hybrid logical
/// clock's receive rule). The server's does not move past the incoming timestamps
/// (reference B6), so a later local change could stamp earlier than replicated data, and a
/// later merge would silently reorder it.
#[test]
fn divergence_merged_clock_is_the_max_of_both() {
    let mut here = VersionSets::new().with_cluster_id(1);
    here.apply(&Update::add_new_default(id("1.0")), 1_000, Limits::NONE)
        .unwrap();
    let mut there = here.clone().with_cluster_id(2);
    there
        .apply(&Update::add_new_default(id("2.0")), 9_000, Limits::NONE)
        .unwrap();
    let mut merged = here.join(&there);
    assert_eq!(merged.clock(), there.clock());
    assert_eq!(merged.cluster_id(), 1);
    // Cluster 1's wall clock is behind; its next change still stamps later and goes last.
    merged
        .apply(&Update::add_new_default(id("3.0")), 2_000, Limits::NONE)
        .unwrap();
    assert!(merged.clock() > there.clock());
    assert_eq!(merged.clock().cluster_id, 1);
    assert_eq!(merged.validate(), Ok(()));
    let round_trip = merged.join(&there);
    assert_eq!(round_trip.default_build_id().unwrap().as_str(), "3.0");
}

/// S1 `Test_findBuildIdsToRemove_FindsAllBuildIdsToRemove`: every timestamp at the epoch
/// unless noted; `v3.0` still has workflows, `v4.0` became default just now, `v4.1`'s
/// state changed just now, `v5.0` is the queue default. Exactly four visibility queries.
#[test]
fn s1_find_build_ids_to_remove_finds_all_build_ids_to_remove() {
    let now = 30 * 86_400_000;
    let epoch = Hlc::zero(1);
    let just_now = Hlc {
        wall_clock: now,
        version: 0,
        cluster_id: 1,
    };
    let sets = load(vec![
        set(
            &[&h("v1.0")],
            vec![
                deleted("v1.0", epoch),
                active("v1.1", epoch),
                active("v1.2", epoch),
            ],
            epoch,
        ),
        set(&[&h("v2.0")], vec![active("v2.0", epoch)], epoch),
        set(
            &[&h("v3.0")],
            vec![active("v3.0", epoch), active("v3.1", epoch)],
            epoch,
        ),
        set(
            &[&h("v4.0")],
            vec![record("v4.0", BuildIdState::Active, epoch, just_now)],
            epoch,
        ),
        set(
            &[&h("v4.1")],
            vec![record("v4.1", BuildIdState::Active, just_now, epoch)],
            epoch,
        ),
        set(&[&h("v5.0")], vec![active("v5.0", epoch)], epoch),
    ]);
    let policy = GcPolicy {
        min_since_default_ms: GcPolicy::DEFAULT_MIN_SINCE_DEFAULT_MS,
        retention_ms: 86_400_000,
        retention: Retention::Respect,
    };
    let mut asked = Vec::new();
    let removable = sets.removable_build_ids(&policy, now, |build_id| {
        asked.push(build_id.to_string());
        build_id.as_str() == "v3.0"
    });
    assert_eq!(removable, [id("v1.1"), id("v1.2"), id("v2.0")]);
    assert_eq!(asked, ["v1.1", "v1.2", "v2.0", "v3.0"]);
}

/// S2: no versioning data, nothing to remove and nothing asked.
#[test]
fn s2_find_build_ids_to_remove_on_no_data() {
    let policy = GcPolicy {
        min_since_default_ms: 0,
        retention_ms: 0,
        retention: Retention::Ignore,
    };
    let removable = VersionSets::new().removable_build_ids(&policy, 1, |_| panic!("asked"));
    assert!(removable.is_empty());
}

/// DIVERGENCE: receiving a replica moves this cluster's clock up to the incoming one (and
/// past every revived stamp). The server moves it only past revived stamps (reference B6),
/// so with a slower wall clock here, the next local change would be stamped before the
/// replicated changes and a later merge would reorder it.
#[test]
fn divergence_receive_moves_the_clock_past_the_incoming_stamps() {
    let mut here = VersionSets::new().with_cluster_id(1);
    here.apply(&Update::add_new_default(id("1.0")), 1_000, Limits::NONE)
        .unwrap();
    let mut there = here.clone().with_cluster_id(2);
    there
        .apply(&Update::add_new_default(id("2.0")), 9_000, Limits::NONE)
        .unwrap();
    let mut received = here.receive(&there, 1_500, |_| false).state;
    assert_eq!(received.clock(), there.clock());
    received
        .apply(
            &Update::promote_set_by_build_id(id("1.0")),
            2_000,
            Limits::NONE,
        )
        .unwrap();
    assert_eq!(received.default_build_id().unwrap().as_str(), "1.0");
    // The promotion is stamped after 2.0's set, so it survives the next merge.
    let merged = received.join(&there);
    assert_eq!(merged.default_build_id().unwrap().as_str(), "1.0");
}
