//! `validate` on values no public function can make: it must reject each broken invariant.
//! Only this module can break a core, so the tests live here.

use super::*;
use crate::{Limits, QueueDefault, Update, VersionSets};

fn id(text: &str) -> BuildId {
    BuildId::new(text).unwrap()
}

/// Sets `[a, a2]` and `[b]`, made through the public API.
fn sound() -> VersionSets {
    let mut sets = VersionSets::new();
    sets.apply(&Update::add_new_default(id("a")), 1, Limits::NONE)
        .unwrap();
    let add = Update::add_new_compatible(id("a2"), id("a"), QueueDefault::Keep);
    sets.apply(&add, 2, Limits::NONE).unwrap();
    sets.apply(&Update::add_new_default(id("b")), 3, Limits::NONE)
        .unwrap();
    sets
}

#[track_caller]
fn findings(sets: &VersionSets) -> Vec<String> {
    match sets.validate() {
        Ok(()) => Vec::new(),
        Err(error) => error.findings().iter().map(ToString::to_string).collect(),
    }
}

/// The build IDs of the oldest set, in order.
fn oldest_set_ids(sets: &VersionSets) -> Vec<String> {
    let set = sets.sets().next().unwrap();
    set.build_ids().map(|r| r.id().to_string()).collect()
}

fn key_of(sets: &VersionSets, text: &str) -> MemberKey {
    sets.core.find(text).unwrap().key
}

#[test]
fn a_sound_value_passes() {
    assert_eq!(sound().validate(), Ok(()));
}

#[test]
fn a_clock_behind_a_stamp_is_caught() {
    let mut sets = sound();
    sets.set_clock_for_tests(Hlc::zero(0));
    let found = findings(&sets);
    assert_eq!(found.len(), 5, "{found:?}"); // two sets and three build IDs
    assert!(
        found.iter().all(|f| f.contains("later than the clock")),
        "{found:?}"
    );
    let error = sets.validate().unwrap_err();
    assert_eq!(error.code(), crate::Code::Internal);
    assert_eq!(
        error.to_string(),
        "inconsistent version sets: versionSets[0]: the set's timestamp is later than the clock \
         (and 4 more)"
    );
}

#[test]
fn a_build_id_pointing_at_another_set_is_caught() {
    let mut sets = sound();
    let b_set = sets.core.find("b").unwrap().member.set;
    let a2 = key_of(&sets, "a2");
    sets.core.member_mut(a2).set = b_set;
    assert_eq!(
        findings(&sets),
        ["versionSets[0].buildIds[1]: the build ID points at another set"]
    );
    // The finding is structured: a place and what is broken there.
    let error = sets.validate().unwrap_err();
    let expected = crate::Finding {
        place: crate::Place::BuildId {
            set: 0,
            build_id: 1,
        },
        broken: crate::Broken::MemberSet,
    };
    assert_eq!(error.findings(), [expected]);
}

#[test]
fn a_broken_link_is_caught() {
    let mut sets = sound();
    let a2 = key_of(&sets, "a2");
    sets.core.member_mut(a2).prev = None;
    assert_eq!(
        findings(&sets),
        ["versionSets[0].buildIds[1]: the link to the previous build ID is wrong"]
    );

    let mut sets = sound();
    let newest = sets.core.ends.unwrap().newest;
    sets.core.set_mut(newest).prev = None;
    assert_eq!(
        findings(&sets),
        ["versionSets[1]: the link to the previous set is wrong"]
    );
}

#[test]
fn counts_out_of_step_are_caught() {
    let mut sets = sound();
    let oldest = sets.core.ends.unwrap().oldest;
    sets.core.set_mut(oldest).len = 1;
    let found = findings(&sets);
    assert_eq!(
        found,
        [
            "versionSets[0].buildIds[1]: the set holds more build IDs than it counts",
            "versionSets[0]: the set's count or default is out of step with its build IDs",
            "versionSets: the index holds build IDs that no set lists",
        ],
    );

    // A build ID in the index that no set lists.
    let mut sets = sound();
    let set = sets.core.find("b").unwrap().member.set;
    let stray = Member::new(set, BuildIdState::Active, Hlc::zero(0), Hlc::zero(0));
    sets.core.members.insert(id("stray"), stray);
    assert_eq!(
        findings(&sets),
        ["versionSets: the index holds build IDs that no set lists"]
    );
}

/// Either half of the set list being out of step is caught on its own: the newest end
/// naming another set, or a set held that the list does not reach.
#[test]
fn a_set_list_out_of_step_is_caught() {
    const OUT_OF_STEP: &str = "versionSets: the list of sets is out of step with the sets held";
    let mut sets = sound();
    let oldest = sets.core.ends.unwrap().oldest;
    sets.core.ends = Some(Ends {
        oldest,
        newest: oldest,
    });
    assert_eq!(findings(&sets), [OUT_OF_STEP]);

    let mut sets = sound();
    let stray = sets.core.set(oldest).clone();
    sets.core.sets.insert(stray);
    assert_eq!(findings(&sets), [OUT_OF_STEP]);
}

/// Sets with one timestamp are ordered by their place numbers, so those must rise along
/// the list.
#[test]
fn place_numbers_out_of_order_are_caught() {
    let mut sets = sound();
    let Ends { oldest, newest } = sets.core.ends.unwrap();
    let order = sets.core.set(oldest).order;
    sets.core.set_mut(newest).order = order;
    assert_eq!(
        findings(&sets),
        ["versionSets[1]: the set's place number is not above the set before it"]
    );
}

#[test]
fn orders_that_disagree_with_timestamps_are_caught() {
    let mut sets = sound();
    let a = key_of(&sets, "a");
    sets.core.member_mut(a).became_default_timestamp = sets.clock().into();
    assert_eq!(
        findings(&sets),
        ["versionSets[0].buildIds[1]: the build ID became default earlier than the one before it"]
    );

    let mut sets = sound();
    let newest = sets.core.ends.unwrap().newest;
    sets.core.set_mut(newest).became_default_timestamp = Hlc::zero(0).into();
    assert_eq!(
        findings(&sets),
        ["versionSets[1]: the set became default earlier than the set before it"]
    );
}

#[test]
fn repeated_or_empty_set_ids_are_caught() {
    let mut sets = sound();
    let oldest = sets.core.ends.unwrap().oldest;
    let ids = NonEmpty::from_vec(vec![SetId::from_stored("z"), SetId::from_stored("a")]).unwrap();
    sets.core.set_mut(oldest).set_ids = ids;
    // A stored order is kept: only the tallies (not told of the change) disagree.
    assert_eq!(
        findings(&sets),
        ["versionSets: the tallies of set IDs are out of step with the sets"]
    );
    let ids = NonEmpty::from_vec(vec![SetId::from_stored("a"), SetId::from_stored("a")]).unwrap();
    sets.core.set_mut(oldest).set_ids = ids;
    assert_eq!(
        findings(&sets),
        [
            "versionSets[0]: the set IDs are not distinct, or their order is not the one kept",
            "versionSets: the tallies of set IDs are out of step with the sets"
        ]
    );

    let mut sets = sound();
    sets.core.set_mut(oldest).set_ids = NonEmpty::one(SetId::from_stored(""));
    assert_eq!(
        findings(&sets),
        [
            "versionSets[0]: a set ID is empty",
            "versionSets: the tallies of set IDs are out of step with the sets"
        ]
    );
}

/// The joined set keeps the larger set's handle, at the newer set's place, so only the
/// smaller set's members are re-pointed.
#[test]
fn merging_sets_re_points_only_the_smaller_sets_members() {
    // [a, a2] then [b]: the older set is the larger, and moves to the newer's place.
    let mut sets = sound();
    let Ends { oldest, newest } = sets.core.ends.unwrap();
    let t = sets.stamp(10);
    sets.core.combine_sets(newest, oldest, t);
    assert_eq!(sets.core.set_count(), 1);
    assert_eq!(
        sets.core.ends,
        Some(Ends {
            oldest,
            newest: oldest,
        })
    );
    for text in ["a", "a2", "b"] {
        assert_eq!(sets.core.find(text).unwrap().member.set, oldest, "{text}");
    }
    let order = oldest_set_ids(&sets);
    assert_eq!(order, ["a", "a2", "b"]); // b, the primary's default, was stamped last
    assert_eq!(sets.validate(), Ok(()));

    // [a, a2], [b, b2, b3], [c]: joining the two older sets keeps the second's handle, and
    // the joined set stays before [c].
    let mut sets = sound();
    for (n, text) in ["b2", "b3"].into_iter().enumerate() {
        let add = Update::add_new_compatible(id(text), id("b"), QueueDefault::Keep);
        sets.apply(&add, 4 + n as i64, Limits::NONE).unwrap();
    }
    sets.apply(&Update::add_new_default(id("c")), 6, Limits::NONE)
        .unwrap();
    let a_set = sets.core.find("a").unwrap().member.set;
    let b_set = sets.core.find("b").unwrap().member.set;
    let c_set = sets.core.find("c").unwrap().member.set;
    let t = sets.stamp(10);
    sets.core.combine_sets(a_set, b_set, t);
    assert_eq!(
        sets.core.ends,
        Some(Ends {
            oldest: b_set,
            newest: c_set,
        })
    );
    for text in ["a", "a2", "b", "b2", "b3"] {
        assert_eq!(sets.core.find(text).unwrap().member.set, b_set, "{text}");
    }
    let order = oldest_set_ids(&sets);
    assert_eq!(order, ["a", "b", "b2", "b3", "a2"]); // a2, the primary's default, is last
    assert_eq!(sets.validate(), Ok(()));

    // [a, a2] and [b, b2]: of two sets of one size the newer keeps its handle, where it is.
    let mut sets = sound();
    let add = Update::add_new_compatible(id("b2"), id("b"), QueueDefault::Keep);
    sets.apply(&add, 4, Limits::NONE).unwrap();
    let Ends { oldest, newest } = sets.core.ends.unwrap();
    let t = sets.stamp(10);
    sets.core.combine_sets(oldest, newest, t);
    assert_eq!(
        sets.core.ends,
        Some(Ends {
            oldest: newest,
            newest,
        })
    );
    assert_eq!(sets.core.find("a").unwrap().member.set, newest);
    assert_eq!(sets.validate(), Ok(()));
}

#[test]
fn promoting_the_newest_set_or_a_default_only_restamps_it() {
    let mut sets = sound();
    let before: Vec<String> = sets
        .sets()
        .flat_map(|s| s.build_ids())
        .map(|r| r.id().to_string())
        .collect();
    let t = sets.stamp(10);
    let newest = sets.core.ends.unwrap().newest;
    sets.core.promote_set(newest, t);
    let a2 = key_of(&sets, "a2");
    sets.core.promote_member(a2, t);
    let after: Vec<String> = sets
        .sets()
        .flat_map(|s| s.build_ids())
        .map(|r| r.id().to_string())
        .collect();
    assert_eq!(after, before);
    assert_eq!(sets.default_set().unwrap().became_default_timestamp(), t);
    assert_eq!(sets.record("a2").unwrap().became_default_timestamp(), t);
    assert_eq!(sets.validate(), Ok(()));
}

#[test]
#[should_panic(expected = "version-sets bug: combining set")]
fn combining_a_set_with_itself_is_a_loud_bug() {
    let mut sets = sound();
    let oldest = sets.core.ends.unwrap().oldest;
    let t = sets.stamp(10);
    sets.core.combine_sets(oldest, oldest, t);
}

#[test]
fn every_position_below_the_handle_space_has_a_handle() {
    assert_eq!(try_handle(0).map(NonZeroU32::get), Some(1));
    assert_eq!(
        try_handle(MAX_BUILD_IDS - 1).map(NonZeroU32::get),
        Some(u32::MAX)
    );
    assert_eq!(try_handle(MAX_BUILD_IDS), None);
    assert_eq!(MAX_BUILD_IDS, u32::MAX as usize);
}

/// Sets tied on their timestamp are ordered by the list: merging the oldest with the newest
/// of three tied sets walks past the middle one to find which is the older.
#[test]
fn merging_tied_sets_finds_the_later_one_past_another_tie() {
    use crate::{Limits, VersioningData};
    let t = Hlc {
        wall_clock: 5,
        version: 0,
        cluster_id: 1,
    };
    let record = |name: &str| crate::BuildIdData {
        id: name.into(),
        state: Some(BuildIdState::Active),
        state_update_timestamp: Some(t),
        became_default_timestamp: Some(t),
    };
    let set = |name: &str| crate::VersionSetData {
        set_ids: vec![SetId::for_build_id(&id(name)).as_str().to_owned()],
        build_ids: vec![record(name)],
        became_default_timestamp: Some(t),
    };
    let data = VersioningData {
        version_sets: vec![set("a"), set("b"), set("c")],
    };
    for (primary, secondary) in [("a", "c"), ("c", "a")] {
        let mut sets = VersionSets::from_data(&data).unwrap();
        let merge = Update::merge_sets(id(primary), id(secondary));
        sets.apply(&merge, 9, Limits::NONE).unwrap();
        let order: Vec<Vec<String>> = sets
            .sets()
            .map(|set| set.build_ids().map(|r| r.id().to_string()).collect())
            .collect();
        // The merged set takes the place of the later set, c's, after b.
        assert_eq!(order.len(), 2, "{primary} <- {secondary}");
        assert_eq!(order[0], ["b"], "{primary} <- {secondary}");
    }
}

#[test]
fn a_state_stamp_alone_past_the_clock_is_caught() {
    let mut sets = sound();
    let a = key_of(&sets, "a");
    let past = Hlc {
        wall_clock: sets.clock().wall_clock + 1,
        ..sets.clock()
    };
    sets.core.member_mut(a).state_update_timestamp = past.into();
    assert_eq!(
        findings(&sets),
        ["versionSets[0].buildIds[0]: a timestamp is later than the clock"]
    );
}

/// Wall clock `wall`.
fn at(wall: i64) -> Hlc {
    Hlc {
        wall_clock: wall,
        version: 0,
        cluster_id: 0,
    }
}

/// Sets of build IDs `name` + position, stamped as given, oldest set first (stamped by its
/// position).
fn loaded(sets: &[(&str, &[i64])]) -> VersionSets {
    use crate::{BuildIdData, VersionSetData, VersioningData};
    let stamp = |wall| Some(at(wall));
    let data = VersioningData {
        version_sets: sets
            .iter()
            .enumerate()
            .map(|(position, (name, stamps))| VersionSetData {
                set_ids: vec![format!("set-{name}")],
                build_ids: stamps
                    .iter()
                    .enumerate()
                    .map(|(i, &wall)| BuildIdData {
                        id: format!("{name}{i}"),
                        state: Some(BuildIdState::Active),
                        state_update_timestamp: stamp(wall),
                        became_default_timestamp: stamp(wall),
                    })
                    .collect(),
                became_default_timestamp: stamp(position as i64 + 1),
            })
            .collect(),
    };
    VersionSets::from_data(&data).unwrap()
}

/// The build IDs of the one set left after merging the first set (primary) into the
/// second, at wall clock 20.
fn merged(sets: &[(&str, &[i64])]) -> Vec<String> {
    let mut sets = loaded(sets);
    let primary = sets.core.find("a0").unwrap().member.set;
    let secondary = sets.core.find("b0").unwrap().member.set;
    let t = sets.stamp(20);
    sets.core.combine_sets(primary, secondary, t);
    assert_eq!(sets.validate(), Ok(()));
    oldest_set_ids(&sets)
}

/// Whichever end the lists are joined from, the order is by timestamp, the older set's
/// first on ties: from the back when they overlap less there, from the front otherwise.
#[test]
fn merged_members_are_in_timestamp_order_from_either_end() {
    // a: 1 5 5 (9 -> 20), b: 5 6. From the back b runs out in three steps, from the front
    // in five.
    assert_eq!(
        merged(&[("a", &[1, 5, 5, 9]), ("b", &[5, 6])]),
        ["a0", "a1", "a2", "b0", "b1", "a3"]
    );
    // a: 1 (2 -> 20), b: 2 2 3 4 5 6. From the front a's 1 comes first and then the rest of
    // b; from the back a's 20 first, then b's six, and b runs out.
    assert_eq!(
        merged(&[("a", &[1, 2]), ("b", &[2, 2, 3, 4, 5, 6])]),
        ["a0", "b0", "b1", "b2", "b3", "b4", "b5", "a1"]
    );
    // The older set merged into the newer as secondary: b is older here.
    assert_eq!(
        merged(&[("b", &[3, 3]), ("a", &[3, 4])]),
        ["b0", "b1", "a0", "a1"]
    );
    // Interleaved throughout, ties on both sides.
    assert_eq!(
        merged(&[("a", &[1, 3, 3, 5, 7]), ("b", &[2, 3, 4, 6, 8, 9])]),
        [
            "a0", "b0", "a1", "a2", "b1", "b2", "a3", "b3", "b4", "b5", "a4"
        ]
    );
}

/// An index that misses a member, or holds one under a stale timestamp, is caught.
#[test]
fn an_index_out_of_step_with_its_set_is_caught() {
    const OUT_OF_STEP: &str = "versionSets[0]: the set's index is out of step with its build IDs";
    let indexed = || {
        let mut sets = sound();
        let oldest = sets.core.ends.unwrap().oldest;
        sets.core.set_mut(oldest).index = Some(Box::new(sets.core.index_of(oldest)));
        assert_eq!(sets.validate(), Ok(()));
        (sets, oldest)
    };

    let (mut sets, oldest) = indexed();
    let a = key_of(&sets, "a");
    let stamp = sets.core.member(a).member.became_default_timestamp();
    sets.core
        .set_mut(oldest)
        .index
        .as_mut()
        .unwrap()
        .remove(a, stamp);
    assert_eq!(findings(&sets), [OUT_OF_STEP]);

    // The last member's timestamp moved on without its index entry: every other check of
    // the walk passes, and the walk ends at the list's end.
    let (mut sets, _) = indexed();
    let a2 = key_of(&sets, "a2");
    sets.core.member_mut(a2).became_default_timestamp = at(3).into();
    assert_eq!(findings(&sets), [OUT_OF_STEP]);

    // Promoting through the core keeps it in step.
    let (mut sets, _) = indexed();
    let t = sets.stamp(10);
    sets.core.promote_member(key_of(&sets, "a"), t);
    assert_eq!(sets.validate(), Ok(()));
    assert_eq!(oldest_set_ids(&sets), ["a2", "a"]);
}

/// Gives set `set` an index now, as a merge into it would once it is large.
fn index_now(sets: &mut VersionSets, set: SetKey) {
    sets.core.set_mut(set).index = Some(Box::new(sets.core.index_of(set)));
    assert_eq!(sets.validate(), Ok(()));
}

/// An index in another order than the list, with every count and timestamp right, is
/// caught: members tied on their timestamp are ordered by their tie numbers alone.
#[test]
fn an_index_in_another_order_than_its_list_is_caught() {
    let mut sets = loaded(&[("a", &[1, 1])]);
    let set = sets.core.ends.unwrap().oldest;
    index_now(&mut sets, set);
    let a0 = key_of(&sets, "a0");
    let index = sets.core.set_mut(set).index.as_mut().unwrap();
    index.remove(a0, at(1));
    index.push_last(a0, at(1));
    assert_eq!(
        findings(&sets),
        ["versionSets[0]: the set's index is out of step with its build IDs"]
    );
}

/// Members that tie with the members already there, appended or merged in one set after
/// another, each take a tie number of their own.
#[test]
fn tied_members_added_to_an_indexed_set_keep_their_own_places() {
    // Appended with the timestamp of the set's last member, twice.
    let mut sets = loaded(&[("a", &[1, 1, 1])]);
    let set = sets.core.ends.unwrap().oldest;
    index_now(&mut sets, set);
    sets.core.push_member(set, id("x"), at(1));
    sets.core.push_member(set, id("y"), at(1));
    assert_eq!(sets.validate(), Ok(()));
    assert_eq!(oldest_set_ids(&sets), ["a0", "a1", "a2", "x", "y"]);

    // Two newer sets of one member each, tied with the indexed set's members, merged in
    // one after the other: each goes after every tie already there.
    let mut sets = loaded(&[("a", &[1, 1, 1]), ("b", &[1]), ("c", &[1])]);
    let a = sets.core.find("a0").unwrap().member.set;
    index_now(&mut sets, a);
    for secondary in ["b0", "c0"] {
        let secondary = sets.core.find(secondary).unwrap().member.set;
        let t = sets.stamp(20);
        sets.core.combine_sets(a, secondary, t);
        assert_eq!(sets.validate(), Ok(()));
    }
    assert_eq!(oldest_set_ids(&sets), ["a0", "a1", "b0", "c0", "a2"]);

    // The indexed set as the secondary, so that none of its members is restamped: the
    // newer set's first member ties with its last.
    let mut sets = loaded(&[("a", &[1, 1, 1]), ("b", &[1, 1])]);
    let a = sets.core.find("a0").unwrap().member.set;
    let b = sets.core.find("b0").unwrap().member.set;
    index_now(&mut sets, a);
    let t = sets.stamp(20);
    sets.core.combine_sets(b, a, t);
    assert_eq!(sets.validate(), Ok(()));
    assert_eq!(oldest_set_ids(&sets), ["a0", "a1", "a2", "b0", "b1"]);
}

/// The tallies that keep merge-sets cheap: a set of one with appended set IDs is not
/// counted (merge-sets leaves it as it is, so no merge need walk for it); a second member
/// counts it; a merge-sets sorts it and the count goes back to zero. Sharing is counted
/// when a re-added build ID's set gets an ID another set holds, and a merge-sets joins them.
#[test]
fn set_id_tallies_follow_the_operations() {
    let mut sets = VersionSets::new();
    for (i, name) in ["1", "2", "x", "y"].into_iter().enumerate() {
        sets.apply(&Update::add_new_default(id(name)), i as i64, Limits::NONE)
            .unwrap();
    }
    // An ID that sorts first, appended (as persisting does): the list is no longer sorted.
    let found = sets.core.find("1").unwrap().member.set();
    assert!(
        sets.core
            .append_set_id(found, SetId::from_stored("0-first"))
    );
    assert!(!sets.core.set(found).set_ids.is_sorted());
    assert_eq!(sets.core.unsorted, 0, "a set of one is not counted");
    let add = Update::add_new_compatible(id("1.1"), id("1"), QueueDefault::Keep);
    sets.apply(&add, 10, Limits::NONE).unwrap();
    assert_eq!(sets.core.unsorted, 1, "a set of two is");
    assert_eq!(sets.validate(), Ok(()));
    sets.apply(&Update::merge_sets(id("y"), id("x")), 11, Limits::NONE)
        .unwrap();
    assert_eq!(sets.core.unsorted, 0);
    assert!(sets.core.set(found).set_ids.is_sorted());

    assert!(!sets.core.shared.any());
    let two = sets.core.find("2").unwrap().member.set();
    assert!(sets.core.append_set_id(two, SetId::from_stored("0-first")));
    assert!(sets.core.shared.any());
    assert_eq!(sets.validate(), Ok(()));
    sets.apply(&Update::merge_sets(id("y"), id("2")), 12, Limits::NONE)
        .unwrap();
    assert!(!sets.core.shared.any());
    assert_eq!(sets.set_count(), 1);
    assert_eq!(sets.validate(), Ok(()));
}

/// A queue with a set big enough for its merge index (`INDEXED_FROM`), a set that two
/// merges gave several set IDs, and sets of one.
fn indexed() -> VersionSets {
    let mut sets = VersionSets::new();
    let mut now = 1;
    let mut apply = |sets: &mut VersionSets, update: Update| {
        now += 1;
        sets.apply(&update, now, Limits::NONE).unwrap();
    };
    apply(&mut sets, Update::add_new_default(id("big")));
    for i in 0..INDEXED_FROM + 2 {
        let add = Update::add_new_compatible(id(&format!("big{i}")), id("big"), QueueDefault::Keep);
        apply(&mut sets, add);
    }
    for i in 0..6 {
        apply(&mut sets, Update::add_new_default(id(&format!("one{i}"))));
    }
    apply(&mut sets, Update::merge_sets(id("big"), id("one0")));
    apply(&mut sets, Update::merge_sets(id("one1"), id("one2")));
    sets
}

#[test]
fn a_new_key_rebuilds_every_table_and_changes_nothing_seen() {
    use crate::HashKey;
    let before = indexed();
    assert!(
        before
            .core
            .sets
            .iter()
            .any(|(_, node)| node.index.is_some())
    );
    let mut rekeyed = before.clone().with_hash_key(HashKey::fixed(3));
    assert_eq!(rekeyed.core.key(), &HashKey::fixed(3));
    assert_eq!(rekeyed.validate(), Ok(()));
    assert_eq!(rekeyed, before);
    // The same updates after it give the same answers and values, the key kept throughout.
    let mut plain = before.clone();
    let updates = [
        Update::merge_sets(id("big"), id("one3")),
        Update::add_new_compatible(id("late"), id("big5"), QueueDefault::Make),
        Update::promote_build_id_within_set(id("big7")),
        Update::promote_set_by_build_id(id("one1")),
        Update::merge_sets(id("one1"), id("big")),
    ];
    for (t, update) in updates.iter().enumerate() {
        let now = 1_000 + t as i64;
        assert_eq!(
            rekeyed.apply(update, now, Limits::NONE),
            plain.apply(update, now, Limits::NONE)
        );
        assert_eq!(rekeyed, plain);
        assert_eq!(rekeyed.validate(), Ok(()));
    }
    // Every table of the core, the merge indexes and the set-ID tally included.
    let fixed = HashKey::fixed(3);
    assert_eq!(rekeyed.core.key(), &fixed);
    assert_eq!(rekeyed.core.shared.keys(), [&fixed, &fixed]);
    let indexes: Vec<&HashKey> = rekeyed
        .core
        .sets
        .iter()
        .filter_map(|(_, node)| node.index.as_deref().map(MemberIndex::key))
        .collect();
    assert!(!indexes.is_empty());
    assert!(indexes.iter().all(|key| **key == fixed));
    assert_eq!(rekeyed.clone().core.key(), &HashKey::fixed(3));
    assert_eq!(rekeyed.core.without_tombstones().key(), &HashKey::fixed(3));
    assert_eq!(rekeyed.core.in_timestamp_order().key(), &HashKey::fixed(3));
    // Two values made the ordinary way have keys of their own.
    assert_ne!(VersionSets::new().core.key(), VersionSets::new().core.key());
}

/// The set-ID tally holds hashes: two distinct IDs of one hash make it report sharing
/// where there is none. That sends merge-sets to walk the sets, which compare IDs by their
/// text, so its count and its re-join are what they would be without the collision. (The
/// pretended collision is not one `validate` can recount, so the core is asked directly.)
#[test]
fn a_hash_collision_in_the_set_id_tally_changes_no_answer() {
    let mut sets = VersionSets::new();
    for (i, name) in ["1", "2", "3", "4"].into_iter().enumerate() {
        let now = i64::try_from(i).unwrap() + 1;
        sets.apply(&Update::add_new_default(id(name)), now, Limits::NONE)
            .unwrap();
    }
    let plain = sets.clone();
    let mut collided = sets;
    collided.core.shared.pretend_collision();
    assert!(collided.core.shared.any() && !plain.core.shared.any());
    let set_of = |name: &str| plain.core.member(key_of(&plain, name)).member.set();
    for (a, b) in [("1", "2"), ("4", "1"), ("2", "3")] {
        assert_eq!(
            collided.core.set_count_after_merge(set_of(a), set_of(b)),
            plain.core.set_count_after_merge(set_of(a), set_of(b)),
            "{a} and {b}"
        );
    }
    collided.core.rejoin_shared();
    assert_eq!(collided.set_count(), 4);
    assert_eq!(oldest_set_ids(&collided), oldest_set_ids(&plain));
}
