//! Stateful property test: random sequences of steps run on the crate's `VersionSets` and on
//! the deliberately simple reference model (`test-support/src/model.rs`, lists of lists of
//! strings written from the rules of docs/semantics.md, no code shared with the crate), both
//! starting empty, with a strictly increasing wall time; every case runs once from the zero
//! clock and once from a clock and wall time far below zero (`World::below_zero`).
//!
//! Transitions: the five updates, limit changes, removing build IDs and clearing the
//! tombstones, persisting unknown build IDs, poll and resolve. Build IDs are named by
//! [`Pick`]s that mostly resolve to build IDs the sets already hold, so no-ops and every
//! error path are reached. After every step the shared checker (`test-support/src/world.rs`,
//! also the body of the `ops` fuzz target) demands the same outcome (changed / no-op / the
//! same error code and message), an untouched value after a failure or a no-op, the same
//! sets (tombstones, set IDs and timestamps included), the same public view and lookups,
//! and a passing `validate()`.
//!
//! The test also counts which branch of each operation every step took, prints the counts
//! (`cargo test --test state_machine -- --nocapture`) and fails if a branch was never
//! reached or an unexpected one was. Shrunk failures are kept in
//! `proptest-regressions/state_machine.txt` and replayed first.
use std::cell::RefCell;
use std::collections::BTreeMap;

use proptest::collection::vec;
use proptest::prelude::*;
use proptest::test_runner::{Config, FileFailurePersistence, TestRunner};
use version_sets_test_support::world::{Branch, Intent, Pick, Step, World};

/// Cases in a default run; `PROPTEST_CASES` overrides it (see TESTING.md).
const DEFAULT_CASES: u32 = 512;

/// The most steps in one case: with ten build IDs, enough to fill and empty the sets.
const MAX_STEPS: usize = 48;

/// Every branch a default run must reach: (operation, outcome or error variant).
const BRANCHES: &[Branch] = &[
    ("add_new_default", "changed"),
    ("add_new_default", "noop"),
    ("add_new_default", "AlreadyExists"),
    ("add_new_default", "TooManySets"),
    ("add_new_default", "TooManyBuildIds"),
    ("add_compatible", "changed"),
    ("add_compatible", "changed, set made default"),
    ("add_compatible", "noop"),
    ("add_compatible", "CompatibleNotFound"),
    ("add_compatible", "NotDefaultForQueue"),
    ("add_compatible", "NotDefaultInSet"),
    ("add_compatible", "Incompatible"),
    ("add_compatible", "TooManySets"),
    ("add_compatible", "TooManyBuildIds"),
    ("promote_set", "changed"),
    ("promote_set", "noop"),
    ("promote_set", "NotFound"),
    ("promote_set", "TooManySets"),
    ("promote_set", "TooManyBuildIds"),
    ("promote_within", "changed"),
    ("promote_within", "noop"),
    ("promote_within", "NotFound"),
    ("promote_within", "TooManySets"),
    ("promote_within", "TooManyBuildIds"),
    ("merge", "changed, older primary"),
    ("merge", "changed, newer primary"),
    ("merge", "noop"),
    ("merge", "PrimaryNotFound"),
    ("merge", "SecondaryNotFound"),
    ("merge", "TooManySets"),
    ("merge", "TooManyBuildIds"),
    ("limits", "set"),
    ("remove", "changed"),
    ("remove", "noop"),
    ("clear_tombstones", "changed"),
    ("clear_tombstones", "noop"),
    ("persist_unknown", "changed, set ID added"),
    ("persist_unknown", "changed, new oldest set"),
    ("persist_unknown", "noop"),
    ("poll", "accepted"),
    ("poll", "NewerBuildExists"),
    ("poll", "unknown build ID"),
    ("resolve", "set default"),
    ("resolve", "exact build ID"),
    ("resolve", "unversioned"),
    ("resolve", "rejected"),
];

/// Three in four picks name a build ID the sets hold (when they hold any).
fn pick() -> impl Strategy<Value = Pick> {
    prop_oneof![
        3 => any::<u8>().prop_map(Pick::Known),
        1 => any::<u8>().prop_map(Pick::Name),
    ]
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        4 => pick().prop_map(Step::AddNewDefault),
        4 => (pick(), pick(), any::<bool>()).prop_map(|(new, existing, make_default)| {
            Step::AddCompatible { new, existing, make_default }
        }),
        2 => pick().prop_map(Step::PromoteSet),
        2 => pick().prop_map(Step::PromoteWithin),
        3 => (pick(), pick()).prop_map(|(primary, secondary)| Step::Merge { primary, secondary }),
        1 => (any::<u8>(), any::<u8>()).prop_map(|(max_sets, max_build_ids)| {
            Step::Limits { max_sets, max_build_ids }
        }),
        1 => vec(pick(), 1..=2).prop_map(Step::Remove),
        1 => Just(Step::ClearTombstones),
        1 => pick().prop_map(Step::Persist),
        1 => pick().prop_map(Step::Poll),
        1 => (intent(), proptest::option::of(pick()), any::<bool>()).prop_map(
            |(intent, caller, same_task_queue)| Step::Resolve { intent, caller, same_task_queue },
        ),
    ]
}

fn intent() -> impl Strategy<Value = Intent> {
    prop_oneof![
        Just(Intent::Unspecified),
        Just(Intent::Compatible),
        Just(Intent::Default)
    ]
}

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|cases| cases.parse().ok())
        .unwrap_or(DEFAULT_CASES)
}

#[test]
fn crate_agrees_with_reference_model_after_every_step() {
    let config = Config {
        cases: cases(),
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(
            "proptest-regressions/state_machine.txt",
        ))),
        ..Config::default()
    };
    let mut runner = TestRunner::new(config);
    let hits: RefCell<BTreeMap<Branch, u64>> = RefCell::default();
    let result = runner.run(&vec(step(), 1..=MAX_STEPS), |steps| {
        // The same steps from the zero clock and from below zero, so that the seeds kept in
        // proptest-regressions/ keep their meaning.
        for mut world in [World::new(), World::below_zero()] {
            world.check();
            for step in &steps {
                let branch = world.step(step);
                *hits.borrow_mut().entry(branch).or_default() += 1;
            }
        }
        Ok(())
    });
    if let Err(error) = result {
        panic!("{error}");
    }

    let hits = hits.into_inner();
    println!("branch hits over {} cases:", cases());
    for ((op, branch), count) in &hits {
        println!("  {op:<17} {branch:<27} {count:>6}");
    }
    let unexpected: Vec<&Branch> = hits.keys().filter(|b| !BRANCHES.contains(b)).collect();
    assert!(unexpected.is_empty(), "unexpected branches: {unexpected:?}");
    let missed: Vec<&Branch> = BRANCHES.iter().filter(|b| !hits.contains_key(b)).collect();
    assert!(missed.is_empty(), "branches never reached: {missed:?}");
}
