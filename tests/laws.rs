//! Laws of the public API as plain property tests, over states reached by random sequences
//! of operations (updates, removals, clears, persisted build IDs) on a small alphabet of
//! build IDs, and updates that mostly name build IDs those states hold:
//!
//! - applying an update twice: the second is a no-op (or fails the same way, untouched);
//! - a failed update leaves the value exactly as it was;
//! - serde round trips (stored data, updates, the public view, clocks) are the identity;
//! - `resolve` never names a build ID outside the sets, except the caller's own unknown one;
//! - the public view never shows a tombstone, and shows every live build ID once;
//! - build-ID deltas are empty from a value to itself and swap when reversed.
//!
//! Shrunk failures are kept in `proptest-regressions/laws.txt`.
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;
use version_sets::{
    BuildId, BuildIdCompatibility, GcPolicy, Kept, Limits, Outcome, QueueDefault, Retention,
    Target, TargetQueue, Update, VersionSets, VersioningIntent,
};

/// The build IDs the states are made of; few, so that picks collide.
const NAMES: [&str; 7] = ["1.0", "1.1", "2.0", "2.1", "3.0", "a", "b"];

#[track_caller]
fn id(name: &str) -> BuildId {
    BuildId::new(name).unwrap()
}

/// A build ID named relative to a state: one it holds (by position), or any of [`NAMES`].
#[derive(Debug, Clone, Copy)]
enum Pick {
    Held(usize),
    Name(usize),
}

impl Pick {
    fn resolve(self, sets: &VersionSets) -> BuildId {
        let held: Vec<&BuildId> = sets
            .sets()
            .flat_map(|set| set.build_ids().map(|record| record.id()))
            .collect();
        match self {
            Self::Held(i) if !held.is_empty() => held[i % held.len()].clone(),
            Self::Held(i) | Self::Name(i) => id(NAMES[i % NAMES.len()]),
        }
    }
}

fn pick() -> impl Strategy<Value = Pick> {
    prop_oneof![
        3 => any::<usize>().prop_map(Pick::Held),
        1 => any::<usize>().prop_map(Pick::Name),
    ]
}

/// An update whose build IDs are picked once the state it applies to is known.
#[derive(Debug, Clone, Copy)]
enum UpdateSpec {
    AddNewDefault(Pick),
    AddCompatible(Pick, Pick, bool),
    PromoteSet(Pick),
    PromoteWithin(Pick),
    Merge(Pick, Pick),
}

impl UpdateSpec {
    fn resolve(self, sets: &VersionSets) -> Update {
        match self {
            Self::AddNewDefault(x) => Update::add_new_default(x.resolve(sets)),
            Self::AddCompatible(new, existing, make_default) => Update::add_new_compatible(
                new.resolve(sets),
                existing.resolve(sets),
                if make_default {
                    QueueDefault::Make
                } else {
                    QueueDefault::Keep
                },
            ),
            Self::PromoteSet(x) => Update::promote_set_by_build_id(x.resolve(sets)),
            Self::PromoteWithin(x) => Update::promote_build_id_within_set(x.resolve(sets)),
            Self::Merge(primary, secondary) => {
                Update::merge_sets(primary.resolve(sets), secondary.resolve(sets))
            }
        }
    }
}

fn update_spec() -> impl Strategy<Value = UpdateSpec> {
    prop_oneof![
        pick().prop_map(UpdateSpec::AddNewDefault),
        (pick(), pick(), any::<bool>()).prop_map(|(n, e, d)| UpdateSpec::AddCompatible(n, e, d)),
        pick().prop_map(UpdateSpec::PromoteSet),
        pick().prop_map(UpdateSpec::PromoteWithin),
        (pick(), pick()).prop_map(|(p, s)| UpdateSpec::Merge(p, s)),
    ]
}

/// One step of building a state.
#[derive(Debug, Clone, Copy)]
enum Build {
    Update(UpdateSpec),
    Remove(Pick),
    ClearTombstones,
    Persist(Pick),
}

fn build_step() -> impl Strategy<Value = Build> {
    prop_oneof![
        8 => update_spec().prop_map(Build::Update),
        1 => pick().prop_map(Build::Remove),
        1 => Just(Build::ClearTombstones),
        1 => pick().prop_map(Build::Persist),
    ]
}

/// A state reached through the public API, one millisecond per step (errors are part of the
/// path: they change nothing).
fn state() -> impl Strategy<Value = VersionSets> {
    vec(build_step(), 0..32).prop_map(|steps| {
        let mut sets = VersionSets::new();
        for (ms, step) in (1_000..).zip(steps) {
            match step {
                Build::Update(spec) => {
                    let _ = sets.apply(&spec.resolve(&sets), ms, Limits::NONE);
                }
                Build::Remove(x) => {
                    let x = x.resolve(&sets);
                    sets.remove_build_ids(&[x], ms);
                }
                Build::ClearTombstones => {
                    sets.clear_tombstones();
                }
                Build::Persist(x) => {
                    let x = x.resolve(&sets);
                    sets.persist_unknown_build_id(&x, ms);
                }
            }
        }
        sets
    })
}

/// Limits near the state's counts (see `near` in the fuzz harness), so that they bite.
fn limits_for(sets: &VersionSets, (a, b): (u8, u8)) -> Limits {
    let near = |choice: u8, count: usize| match choice % 5 {
        0 => 0,
        offset => (count + usize::from(offset)).saturating_sub(3).max(1),
    };
    Limits {
        max_sets: near(a, sets.set_count()),
        max_build_ids: near(b, sets.build_id_count()),
    }
}

fn intent() -> impl Strategy<Value = VersioningIntent> {
    prop_oneof![
        Just(VersioningIntent::Unspecified),
        Just(VersioningIntent::Compatible),
        Just(VersioningIntent::Default),
    ]
}

fn view_ids(view: &BuildIdCompatibility) -> Vec<Vec<&str>> {
    view.major_version_sets
        .iter()
        .map(|set| set.build_ids.iter().map(BuildId::as_str).collect())
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig {
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(
            "proptest-regressions/laws.txt",
        ))),
        ..ProptestConfig::default()
    })]

    /// Whatever the first application did, the second is a no-op that changes nothing (or,
    /// when the first failed, fails the same way and changes nothing), at any wall time.
    #[test]
    fn applying_an_update_twice_changes_nothing_the_second_time(
        sets in state(),
        spec in update_spec(),
        limits in (any::<u8>(), any::<u8>()),
        (first_ms, second_ms) in (any::<i64>(), any::<i64>()),
    ) {
        let update = spec.resolve(&sets);
        let limits = limits_for(&sets, limits);
        let mut once = sets.clone();
        let first = once.apply(&update, first_ms, limits);
        let mut twice = once.clone();
        let second = twice.apply(&update, second_ms, limits);
        match first {
            Ok(_) => prop_assert_eq!(second, Ok(Outcome::NoOp)),
            Err(error) => prop_assert_eq!(second, Err(error)),
        }
        prop_assert_eq!(twice, once);
    }

    /// A failed update leaves the value exactly as it was: the sets, the clock, the stored
    /// data, and the lookups (which `validate` checks against the sets).
    #[test]
    fn a_failed_update_leaves_the_value_untouched(
        sets in state(),
        spec in update_spec(),
        limits in (any::<u8>(), any::<u8>()),
        now_ms in any::<i64>(),
    ) {
        let update = spec.resolve(&sets);
        let limits = limits_for(&sets, limits);
        let mut after = sets.clone();
        if after.apply(&update, now_ms, limits).is_err() {
            prop_assert_eq!(&after, &sets);
            prop_assert_eq!(after.to_data(), sets.to_data());
            prop_assert_eq!(after.validate(), Ok(()));
        } else {
            // A success keeps every invariant.
            prop_assert_eq!(after.validate(), Ok(()));
        }
    }

    /// Writing a state and reading it back gives the same stored data and the same text.
    /// The stored form has no clock: the reloaded clock is the latest stamp in the data,
    /// never later than the original's (which may have stamped a since-cleared tombstone).
    #[cfg(feature = "serde")]
    #[test]
    fn serde_round_trip_is_the_identity(sets in state()) {
        let text = serde_json::to_string(&sets).unwrap();
        let loaded: VersionSets = serde_json::from_str(&text).unwrap();
        prop_assert!(loaded.sets().eq(sets.sets()));
        prop_assert_eq!(loaded.to_data(), sets.to_data());
        prop_assert!(loaded.clock() <= sets.clock());
        prop_assert_eq!(serde_json::to_string(&loaded).unwrap(), text);
        let view = sets.response(0);
        let view_text = serde_json::to_string(&view).unwrap();
        let view_loaded: BuildIdCompatibility = serde_json::from_str(&view_text).unwrap();
        prop_assert_eq!(view_loaded, view);
    }

    /// Every clock value survives the proto-JSON form, int64s as strings or numbers.
    #[cfg(feature = "serde")]
    #[test]
    fn clock_round_trip_is_the_identity(
        wall_clock in any::<i64>(),
        version in any::<i32>(),
        cluster_id in any::<i64>(),
    ) {
        use version_sets::Hlc;
        let clock = Hlc { wall_clock, version, cluster_id };
        let text = serde_json::to_string(&clock).unwrap();
        prop_assert_eq!(serde_json::from_str::<Hlc>(&text).unwrap(), clock);
        let numbers =
            format!(r#"{{"wallClock":{wall_clock},"version":{version},"clusterId":{cluster_id}}}"#);
        prop_assert_eq!(serde_json::from_str::<Hlc>(&numbers).unwrap(), clock);
    }

    /// Every update survives the request's proto-JSON form.
    #[cfg(feature = "serde")]
    #[test]
    fn update_round_trip_is_the_identity(sets in state(), spec in update_spec()) {
        let update = spec.resolve(&sets);
        let text = serde_json::to_string(&update).unwrap();
        prop_assert_eq!(serde_json::from_str::<Update>(&text).unwrap(), update);
    }

    /// The scavenger's verdicts agree with its plan: the removable ones are exactly the
    /// build IDs `removable_build_ids` picks, in its order, every build ID has one verdict,
    /// and a build ID kept only by workflows is one `in_use` alone keeps.
    #[test]
    fn gc_verdicts_agree_with_the_plan(
        sets in state(),
        now_ms in 0..40_000_i64,
        min_since_default_ms in 0..3_000_i64,
        retention_ms in 0..3_000_i64,
        ignore in any::<bool>(),
        in_use_mask in any::<u64>(),
    ) {
        let policy = GcPolicy {
            min_since_default_ms,
            retention_ms,
            retention: if ignore { Retention::Ignore } else { Retention::Respect },
        };
        // Whether a build ID is in use: one bit of the mask per build ID, by its hash.
        let in_use = |id: &BuildId| {
            let bit = id.as_str().bytes().fold(0_u32, |h, b| h.wrapping_mul(31).wrapping_add(u32::from(b))) % 64;
            in_use_mask & (1 << bit) != 0
        };
        let verdicts = sets.gc_verdicts(&policy, now_ms, in_use);
        let removable: Vec<BuildId> = verdicts
            .iter()
            .filter(|verdict| verdict.removable())
            .map(|verdict| verdict.build_id.clone())
            .collect();
        prop_assert_eq!(&removable, &sets.removable_build_ids(&policy, now_ms, in_use));
        prop_assert_eq!(verdicts.len(), sets.build_id_count());
        for verdict in &verdicts {
            let deleted = sets.record(verdict.build_id.as_str()).is_some_and(|r| !r.is_active());
            prop_assert_eq!(deleted, verdict.kept == [Kept::Deleted]);
            if verdict.kept.contains(&Kept::HasWorkflows) {
                prop_assert!(in_use(&verdict.build_id));
            }
            let mut sorted = verdict.kept.clone();
            sorted.sort();
            sorted.dedup();
            prop_assert_eq!(&sorted, &verdict.kept);
        }
    }

    /// `resolve` sends work to a set default of the sets, or to the caller's own build ID
    /// when the sets do not hold it, or nowhere; never anywhere else.
    #[test]
    fn resolve_never_names_a_build_id_outside_the_sets(
        sets in state(),
        intent in intent(),
        caller in proptest::option::of(pick()),
        same_task_queue in any::<bool>(),
    ) {
        let caller = caller.map(|c| c.resolve(&sets));
        let queue = if same_task_queue { TargetQueue::Same } else { TargetQueue::Other };
        let target = sets.resolve(intent, caller.as_ref().map(BuildId::as_str), queue).into_target();
        let use_compatible = intent.use_compatible(queue);
        match target {
            Target::SetDefault(id) => {
                prop_assert!(sets.contains(id.as_str()) && sets.is_set_default(id.as_str()), "{id} is no set default");
                if use_compatible {
                    let caller = caller.as_ref().unwrap();
                    prop_assert_eq!(sets.set_default_of(caller.as_str()), Some(&id));
                } else {
                    prop_assert_eq!(sets.default_build_id(), Some(&id));
                }
            }
            Target::ExactBuildId(id) => {
                prop_assert_eq!(Some(&id), caller.as_ref());
                prop_assert!(!sets.contains(id.as_str()));
                prop_assert!(use_compatible && same_task_queue);
            }
            Target::Unversioned => {
                let expected = if use_compatible { caller.is_none() } else { sets.is_empty() };
                prop_assert!(expected, "unversioned with caller {:?} on {:?}", caller, sets.response(0));
            }
            Target::Rejected => prop_assert!(use_compatible && !same_task_queue),
        }
    }

    /// The public view lists live build IDs only, each once, in stored order; `max_sets`
    /// keeps the newest sets (a set of tombstones only is listed empty).
    #[test]
    fn the_public_view_never_shows_tombstones(sets in state(), max_sets in 0_usize..6) {
        let all = sets.response(0);
        let live: Vec<Vec<&str>> = sets
            .sets()
            .map(|set| set.build_ids().filter(|r| r.is_active()).map(|r| r.id().as_str()).collect())
            .collect();
        prop_assert_eq!(view_ids(&all), live);
        let newest = sets.response(max_sets);
        let shown = if max_sets == 0 { sets.set_count() } else { max_sets.min(sets.set_count()) };
        let all_ids = view_ids(&all);
        prop_assert_eq!(view_ids(&newest), all_ids[all_ids.len() - shown..].to_vec());
        for id in view_ids(&newest).into_iter().flatten() {
            prop_assert!(sets.record(id).unwrap().is_active(), "{} is a tombstone", id);
        }
    }

    /// Deltas from a value to itself are empty, and reversing the pair swaps added and
    /// removed.
    #[test]
    fn build_id_deltas_are_empty_to_self_and_swap_when_reversed(a in state(), b in state()) {
        prop_assert_eq!(a.build_id_deltas(&a), Default::default());
        let forward = a.build_id_deltas(&b);
        let backward = b.build_id_deltas(&a);
        prop_assert_eq!(forward.added, backward.removed);
        prop_assert_eq!(forward.removed, backward.added);
    }
}
