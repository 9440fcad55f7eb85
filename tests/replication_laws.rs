//! The laws of the replica merge, as property tests over random *diverged* replicas: a
//! common ancestor built on one cluster, then two or three replicas, each with its own
//! cluster ID and a wall clock that jumps backwards too, applying random updates, removals
//! and clears and now and then receiving another's state.
//!
//! On every pair and the triple (`fuzz/harness/merge.rs`, shared with the `merge` fuzz
//! target): commutative on data and clock, associative, idempotent, absorbing, the empty
//! value an identity, the result valid, membership the union, no live build ID lost that
//! nobody removed, and further updates after a merge (at wall times behind its clock) keep
//! list order equal to timestamp order.
//!
//! Shrunk failures are kept in `proptest-regressions/replication_laws.txt`.
#[path = "../fuzz/harness/mod.rs"]
mod harness;

use harness::merge::{Op, Replicas, Step, check_all, check_one, check_pair};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;

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

/// Two or three diverged replicas.
fn replicas() -> impl Strategy<Value = Replicas> {
    (
        2usize..=3,
        vec((op(), wall_step()), 0..12),
        vec(step(), 0..40),
    )
        .prop_map(|(count, ancestor, steps)| {
            let mut replicas = Replicas::fork(&ancestor, count);
            for step in &steps {
                replicas.step(step);
            }
            replicas
        })
}

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 512,
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
        check_all(&replicas, &after);
    }

    /// Replicas that only diverge (no exchange in between) and share nothing but the
    /// ancestor: the merge still keeps everything of both.
    #[test]
    fn merge_keeps_both_sides_of_a_clean_split(
        ancestor in vec((op(), wall_step()), 0..12),
        left in vec((op(), wall_step()), 0..16),
        right in vec((op(), wall_step()), 0..16),
    ) {
        let mut replicas = Replicas::fork(&ancestor, 2);
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
