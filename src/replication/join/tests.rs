use super::UnionFind;

#[test]
fn union_find_joins_transitively_and_keeps_others_apart() {
    let mut groups = UnionFind::new(6);
    groups.union(0, 1);
    groups.union(3, 4);
    groups.union(1, 4);
    let root = groups.find(0);
    for node in [1, 3, 4] {
        assert_eq!(groups.find(node), root, "node {node}");
    }
    assert_ne!(groups.find(2), root);
    assert_ne!(groups.find(5), root);
    assert_ne!(groups.find(2), groups.find(5));
    // Out of range is its own group, never a panic.
    assert_eq!(groups.find(99), 99);
}

mod sets_read_in_place {
    //! `join_sets`, which `VersionSets::join` uses, against the join it replaced: loading
    //! `join_data` of both sides' stored forms.

    use proptest::prelude::*;

    use super::super::join_data;
    use crate::replication::receive::receive;
    use crate::stored::{self, VersioningData};
    use crate::{BuildId, Limits, QueueDefault, Update, VersionSets};

    /// One change a cluster makes to its copy, its build IDs picked from a small pool so
    /// that the two sides share build IDs and set IDs.
    #[derive(Debug, Clone)]
    enum Change {
        AddDefault(u8),
        AddCompatible(u8, u8),
        PromoteSet(u8),
        PromoteWithin(u8),
        Merge(u8, u8),
        Remove(u8),
        Persist(u8),
        ClearTombstones,
    }

    fn change() -> impl Strategy<Value = Change> {
        let id = 0..8_u8;
        prop_oneof![
            4 => id.clone().prop_map(Change::AddDefault),
            3 => (id.clone(), id.clone()).prop_map(|(a, b)| Change::AddCompatible(a, b)),
            1 => id.clone().prop_map(Change::PromoteSet),
            1 => id.clone().prop_map(Change::PromoteWithin),
            2 => (id.clone(), id.clone()).prop_map(|(a, b)| Change::Merge(a, b)),
            1 => id.clone().prop_map(Change::Remove),
            1 => id.prop_map(Change::Persist),
            1 => Just(Change::ClearTombstones),
        ]
    }

    fn build_id(n: u8) -> BuildId {
        match BuildId::new(format!("b{n}")) {
            Ok(id) => id,
            Err(error) => panic!("b{n} is a build ID: {error}"),
        }
    }

    /// `value` after `changes`, each at one of a few wall times so that stamps tie; a change
    /// the value refuses is skipped.
    fn changed(mut value: VersionSets, changes: &[(Change, i64)]) -> VersionSets {
        for (change, now) in changes {
            let update = match change {
                Change::AddDefault(a) => Update::add_new_default(build_id(*a)),
                Change::AddCompatible(a, b) => {
                    Update::add_new_compatible(build_id(*a), build_id(*b), QueueDefault::Keep)
                }
                Change::PromoteSet(a) => Update::promote_set_by_build_id(build_id(*a)),
                Change::PromoteWithin(a) => Update::promote_build_id_within_set(build_id(*a)),
                Change::Merge(a, b) => Update::merge_sets(build_id(*a), build_id(*b)),
                Change::Remove(a) => {
                    value.remove_build_ids(&[build_id(*a)], *now);
                    continue;
                }
                Change::Persist(a) => {
                    value.persist_unknown_build_id(&build_id(*a), *now);
                    continue;
                }
                Change::ClearTombstones => {
                    value.clear_tombstones();
                    continue;
                }
            };
            let _ = value.apply(&update, *now, Limits::NONE);
        }
        value
    }

    fn changes() -> impl Strategy<Value = Vec<(Change, i64)>> {
        prop::collection::vec((change(), 0..4_i64), 0..12)
    }

    /// The join as it was made before `join_sets`: both stored forms joined, and loaded.
    fn stored_join(a: &VersionSets, b: &VersionSets) -> VersionSets {
        let data: VersioningData = join_data(&[&a.to_data(), &b.to_data()]);
        let mut joined = a.adopt(stored::load(&data), data.version_sets.is_empty());
        joined.raise_clock(b.clock());
        joined
    }

    fn assert_same(new: &VersionSets, old: &VersionSets) -> Result<(), TestCaseError> {
        prop_assert_eq!(new.to_data(), old.to_data());
        prop_assert_eq!(new.clock(), old.clock());
        prop_assert_eq!(new.cluster_id(), old.cluster_id());
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        /// Two clusters change copies of one base; their join, each way round, with itself,
        /// and joined once more with a third copy, is the stored join's.
        #[test]
        fn equals_the_join_of_stored_forms(
            base in changes(),
            east in changes(),
            west in changes(),
            third in changes(),
        ) {
            let base = changed(VersionSets::new().with_cluster_id(1), &base);
            let east = changed(base.clone(), &east);
            let west = changed(base.clone().with_cluster_id(2), &west);
            let other = changed(VersionSets::new().with_cluster_id(3), &third);
            assert_same(&east.join(&west), &stored_join(&east, &west))?;
            assert_same(&west.join(&east), &stored_join(&west, &east))?;
            assert_same(&east.join(&east), &stored_join(&east, &east))?;
            assert_same(&east.join(&VersionSets::new()), &stored_join(&east, &VersionSets::new()))?;
            assert_same(&VersionSets::new().join(&west), &stored_join(&VersionSets::new(), &west))?;
            let joined = east.join(&west);
            assert_same(&joined.join(&other), &stored_join(&joined, &other))?;
        }

        /// Receiving a replica, asked about every build ID either side holds (some in use,
        /// some not), is the receipt of both stored forms.
        #[test]
        fn receipt_equals_the_receipt_of_stored_forms(
            base in changes(),
            east in changes(),
            west in changes(),
            in_use in prop::collection::vec(any::<bool>(), 8),
            now in -2..6_i64,
        ) {
            let base = changed(VersionSets::new().with_cluster_id(1), &base);
            let east = changed(base.clone(), &east);
            let west = changed(base.with_cluster_id(2), &west);
            let used = |id: &BuildId| {
                id.as_str()
                    .strip_prefix('b')
                    .and_then(|n| n.parse::<usize>().ok())
                    .and_then(|n| in_use.get(n).copied())
                    .unwrap_or(true)
            };
            for (here, there) in [(&east, &west), (&west, &east), (&east, &east)] {
                let new = here.receive(there, now, used);
                let still_used: Vec<BuildId> = here
                    .build_id_deltas(there)
                    .removed
                    .into_iter()
                    .filter(|id| used(id))
                    .collect();
                let old = receive(
                    &here.to_data(),
                    &there.to_data(),
                    still_used,
                    now,
                    here.cluster_id(),
                );
                let mut state = here.adopt(
                    stored::load(&old.data),
                    old.data.version_sets.is_empty(),
                );
                state.raise_clock(there.clock());
                if let Some(newest) = old.newest {
                    state.raise_clock(newest);
                }
                assert_same(&new.state, &state)?;
                prop_assert_eq!(new.revived, old.revived);
            }
        }
    }
}
