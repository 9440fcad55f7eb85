//! The laws of the replica merge, as property tests over random *diverged* replicas: a
//! common ancestor built on one cluster, then two or three replicas, each with its own
//! cluster ID and a wall clock that jumps backwards too, applying random updates, removals
//! and clears and now and then receiving another's state.
//!
//! On every pair and the triple (`test-support/src/merge.rs`, shared with the `merge` fuzz
//! target): commutative on data and clock, associative, idempotent (on values whose set
//! IDs are sorted and in distinct sets, and on every merge result: a merge sorts what
//! persisting appended, as the server's does), absorbing, the empty value an identity, the result valid, membership the union, no live build ID lost that
//! nobody removed, and further updates after a merge (at wall times behind its clock) keep
//! list order equal to timestamp order.
//!
//! 512 cases each by default, `PROPTEST_CASES=N` for more. Shrunk failures are kept in
//! `proptest-regressions/replication_laws.txt`.

use proptest::collection::vec;
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{FileFailurePersistence, TestRunner};
use version_sets::{BuildIdData, Hlc, VersionSetData, VersioningData};
use version_sets_test_support::merge::{Op, Replicas, Step, check_all, check_one, check_pair};

fn op() -> impl Strategy<Value = Op> {
    let x = any::<u8>;
    prop_oneof![
        4 => x().prop_map(Op::AddDefault),
        4 => (x(), x(), any::<bool>()).prop_map(|(n, e, d)| Op::AddCompatible(n, e, d)),
        2 => x().prop_map(Op::PromoteSet),
        2 => x().prop_map(Op::PromoteWithin),
        2 => (x(), x()).prop_map(|(p, s)| Op::MergeSets(p, s)),
        2 => x().prop_map(Op::Remove),
        1 => (x(), x()).prop_map(|(a, b)| Op::RemoveTwo(a, b)),
        1 => Just(Op::Clear),
        2 => x().prop_map(Op::Receive),
    ]
}

/// Mostly forward, sometimes far backwards.
fn wall_step() -> impl Strategy<Value = i16> {
    prop_oneof![3 => 0i16..2_000, 1 => i16::MIN..0]
}

fn step() -> impl Strategy<Value = Step> {
    (any::<u8>(), op(), wall_step()).prop_map(|(replica, op, wall_step)| Step {
        replica,
        op,
        wall_step,
    })
}

/// Two or three diverged replicas, twice: from the zero clock, and with the same steps
/// from a clock and wall times below zero.
fn replicas() -> impl Strategy<Value = [Replicas; 2]> {
    (
        2usize..=3,
        vec((op(), wall_step()), 0..12),
        vec(step(), 0..40),
    )
        .prop_map(|(count, ancestor, steps)| {
            [Replicas::fork, Replicas::fork_below_zero].map(|fork| {
                let mut replicas = fork(&ancestor, count);
                for step in &steps {
                    replicas.step(step);
                }
                replicas
            })
        })
}

/// 512 cases, or `PROPTEST_CASES`.
fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|cases| cases.parse().ok())
        .unwrap_or(512)
}

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: cases(),
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(
            "proptest-regressions/replication_laws.txt",
        ))),
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config())]

    /// Every law at once on every pair and the triple, then updates after the merges.
    #[test]
    fn merge_laws_hold_on_diverged_replicas(
        replicas in replicas(),
        after in vec((op(), wall_step()), 0..8),
    ) {
        for replicas in &replicas {
            check_all(replicas, &after);
        }
    }

    /// Replicas that only diverge (no exchange in between) and share nothing but the
    /// ancestor: the merge still keeps everything of both.
    #[test]
    fn merge_keeps_both_sides_of_a_clean_split(
        ancestor in vec((op(), wall_step()), 0..12),
        left in vec((op(), wall_step()), 0..16),
        right in vec((op(), wall_step()), 0..16),
    ) {
        for fork in [Replicas::fork, Replicas::fork_below_zero] {
            let mut replicas = fork(&ancestor, 2);
            for (side, ops) in [(0u8, &left), (1u8, &right)] {
                for &(op, wall_step) in ops {
                    if !matches!(op, Op::Receive(_)) {
                        replicas.step(&Step { replica: side, op, wall_step });
                    }
                }
            }
            let [a, b] = replicas.replicas.as_slice() else { unreachable!() };
            check_one(a);
            check_pair(a, b, &replicas.removed);
        }
    }
}

/// The server's `MergeVersioningData`, transliterated: build IDs collected
/// in first-sighting order (`Max` returns its first argument on a tie, so a tied state
/// stamp goes to the later sighting), regrouped greedily in the order `order` gives (Go's
/// map order), sets and build IDs sorted by timestamp.
#[track_caller]
fn server_merge(a: &VersioningData, b: &VersioningData, order: &[usize]) -> VersioningData {
    struct Info {
        record: BuildIdData,
        set_ids: Vec<String>,
        set_bdt: Option<Hlc>,
    }
    let mut infos: Vec<Info> = Vec::new();
    for set in a.version_sets.iter().chain(&b.version_sets) {
        for new in &set.build_ids {
            match infos.iter_mut().find(|info| info.record.id == new.id) {
                None => infos.push(Info {
                    record: new.clone(),
                    set_ids: set.set_ids.clone(),
                    set_bdt: set.became_default_timestamp,
                }),
                Some(info) => {
                    let old = &mut info.record;
                    old.state_update_timestamp =
                        if new.state_update_timestamp >= old.state_update_timestamp {
                            new.state_update_timestamp
                        } else {
                            old.state_update_timestamp
                        };
                    if old.state_update_timestamp == new.state_update_timestamp {
                        old.state = new.state;
                    }
                    old.became_default_timestamp = old
                        .became_default_timestamp
                        .max(new.became_default_timestamp);
                    for id in &set.set_ids {
                        if !info.set_ids.contains(id) {
                            info.set_ids.push(id.clone());
                        }
                    }
                    info.set_ids.sort();
                    info.set_bdt = info.set_bdt.max(set.became_default_timestamp);
                }
            }
        }
    }
    let mut out: Vec<VersionSetData> = Vec::new();
    for &i in order {
        let info = &infos[i % infos.len()];
        let found = out
            .iter_mut()
            .find(|set| set.set_ids.iter().any(|id| info.set_ids.contains(id)));
        let set = match found {
            Some(set) => {
                for id in &info.set_ids {
                    if !set.set_ids.contains(id) {
                        set.set_ids.push(id.clone());
                    }
                }
                set.set_ids.sort();
                set.became_default_timestamp = set.became_default_timestamp.max(info.set_bdt);
                set
            }
            None => {
                out.push(VersionSetData {
                    set_ids: info.set_ids.clone(),
                    build_ids: Vec::new(),
                    became_default_timestamp: info.set_bdt,
                });
                out.last_mut().unwrap()
            }
        };
        set.build_ids.push(info.record.clone());
    }
    out.sort_by_key(|set| set.became_default_timestamp);
    for set in &mut out {
        set.build_ids.sort_by_key(|r| r.became_default_timestamp);
    }
    VersioningData { version_sets: out }
}

/// The server's merge in `tries` orders of regrouping: the identity, the reverse, and
/// shuffles. `None` when they do not all agree (the server's result is not determined).
fn determined_server_merge(
    a: &VersioningData,
    b: &VersioningData,
    seed: u64,
) -> Option<VersioningData> {
    let count = a
        .version_sets
        .iter()
        .chain(&b.version_sets)
        .flat_map(|set| &set.build_ids)
        .map(|r| r.id.as_str())
        .collect::<std::collections::BTreeSet<_>>()
        .len();
    let mut orders: Vec<Vec<usize>> = vec![(0..count).collect(), (0..count).rev().collect()];
    let mut state = seed | 1;
    for _ in 0..4 {
        let mut order: Vec<usize> = (0..count).collect();
        for i in (1..count).rev() {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            order.swap(i, (state % (i as u64 + 1)) as usize);
        }
        orders.push(order);
    }
    let first = server_merge(a, b, &orders[0]);
    orders[1..]
        .iter()
        .all(|order| server_merge(a, b, order) == first)
        .then_some(first)
}

/// Wherever the server's merge gives one answer whatever Go's map order (every regrouping
/// order tried agrees), the crate's merge gives that answer, in both argument orders. Most
/// random diverged pairs are such cases; the test fails if fewer than half are, or fewer
/// than a quarter have two or more sets and replicas that differ, so that it cannot pass
/// by comparing nothing.
#[test]
fn merge_equals_the_servers_wherever_its_result_is_determined() {
    let mut runner = TestRunner::deterministic();
    let strategy = replicas();
    let (mut determined, mut total, mut interesting) = (0, 0, 0);
    for case in 0..u64::from(cases()) {
        let both = strategy.new_tree(&mut runner).unwrap().current();
        // From the zero clock and from below zero: the server's merge has no clock.
        for replicas in &both {
            let [a, b, ..] = replicas.replicas.as_slice() else {
                unreachable!()
            };
            let (a_data, b_data) = (a.to_data(), b.to_data());
            total += 1;
            let Some(server) = determined_server_merge(&a_data, &b_data, case) else {
                continue;
            };
            if server
                .version_sets
                .iter()
                .any(|set| set.build_ids.is_empty())
            {
                continue;
            }
            determined += 1;
            if server.version_sets.len() > 1 && a_data != b_data {
                interesting += 1;
            }
            assert_eq!(a.join(b).to_data(), server, "case {case}: M(a, b)");
            assert_eq!(b.join(a).to_data(), server, "case {case}: M(b, a)");
        }
    }
    assert!(
        determined * 2 > total,
        "only {determined} of {total} cases had a determined server result"
    );
    assert!(
        interesting * 4 > total,
        "only {interesting} cases had two or more sets and replicas that differ"
    );
    println!(
        "{determined} of {total} cases compared with the server's merge, {interesting} with \
         two or more sets and replicas that differ"
    );
}
