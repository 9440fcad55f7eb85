//! `validate` on values no public function can make: it must reject each broken invariant.

use crate::{BuildId, CompatibleSet, Hlc, Problem, VersionSets};

fn stamp(wall_clock: i64) -> Hlc {
    Hlc {
        wall_clock,
        version: 0,
        cluster_id: 1,
    }
}

fn two_sets() -> VersionSets {
    let set = |id: &str, t| CompatibleSet::new(BuildId::new(id).unwrap(), stamp(t));
    VersionSets::from_sets(vec![set("a", 1), set("b", 2)], stamp(2))
}

fn problems(sets: &VersionSets) -> Vec<Problem> {
    match sets.validate() {
        Ok(()) => Vec::new(),
        Err(err) => err.violations().iter().map(|v| v.problem.clone()).collect(),
    }
}

#[test]
fn a_sound_value_passes() {
    assert_eq!(two_sets().validate(), Ok(()));
}

#[test]
fn a_clock_behind_a_set_or_a_build_id_is_caught() {
    let mut sets = two_sets();
    sets.clock = stamp(1);
    let found = problems(&sets);
    // Set "b" and its build ID were both stamped 2.
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(
        found
            .iter()
            .all(|p| matches!(p, Problem::ClockBehind { .. }))
    );

    let mut sets = two_sets();
    if let Some(record) = sets.sets[0].build_ids.get_mut(0) {
        record.state_update_timestamp = stamp(9);
    }
    assert_eq!(problems(&sets), [Problem::ClockBehind { clock: stamp(2) }]);
}

#[test]
fn an_index_out_of_step_is_caught() {
    let mut sets = two_sets();
    sets.index.clear();
    assert!(problems(&sets).contains(&Problem::IndexOutOfStep));

    let mut sets = two_sets();
    sets.sets.swap(0, 1);
    sets.sets[0].became_default_timestamp = stamp(1);
    sets.sets[1].became_default_timestamp = stamp(2);
    assert_eq!(
        problems(&sets),
        [Problem::IndexOutOfStep, Problem::IndexOutOfStep]
    );
}

#[test]
fn unsorted_set_ids_are_caught() {
    let mut sets = two_sets();
    let mut merged = sets.sets[0].set_ids.clone().into_vec();
    merged.extend(sets.sets[1].set_ids.clone().into_vec());
    merged.sort();
    merged.reverse();
    sets.sets[0].set_ids = crate::non_empty::NonEmpty::from_vec(merged).unwrap();
    assert_eq!(problems(&sets), [Problem::UnsortedSetIds]);
}
