//! The server's `service/matching/version_sets_test.go`, ported test by test and numbered
//! U1–U33 in the Go file's order (the numbers the other tests and docs cite). Each test is
//! named after the Go test it comes from; where the crate deliberately differs, the test says
//! DIVERGENCE and why.

mod support;

use support::*;
use version_sets::{
    BuildIdState, Code, Hlc, Limits, Outcome, QueueDefault, Update, UpdateError, VersionSets,
};

const NO_LIMITS: Limits = Limits::NONE;

fn add_default(text: &str) -> Update {
    Update::add_new_default(id(text))
}

fn add_compatible(new: &str, existing: &str, make_default: bool) -> Update {
    Update::add_new_compatible(
        id(new),
        id(existing),
        if make_default {
            QueueDefault::Make
        } else {
            QueueDefault::Keep
        },
    )
}

/// Applies `update` at wall time `now` and returns the clock it was stamped with.
#[track_caller]
fn apply_at(sets: &mut VersionSets, update: &Update, now: i64) -> Hlc {
    assert_eq!(sets.apply(update, now, NO_LIMITS), Ok(Outcome::Changed));
    sets.clock()
}

/// Applies `update` expecting an error; checks that the value did not change at all.
#[track_caller]
fn apply_err(sets: &mut VersionSets, update: &Update, limits: Limits) -> UpdateError {
    let before = sets.clone();
    let err = sets.apply(update, 1_000_000, limits).unwrap_err();
    assert_eq!(
        *sets, before,
        "a failed update must leave the value as it was"
    );
    assert_eq!(sets.validate(), Ok(()));
    err
}

/// Applies `update` expecting a no-op; checks that the value did not change at all.
#[track_caller]
fn apply_noop(sets: &mut VersionSets, update: &Update) {
    let before = sets.clone();
    assert_eq!(sets.apply(update, 1_000_000, NO_LIMITS), Ok(Outcome::NoOp));
    assert_eq!(*sets, before);
}

/// U1
#[test]
fn test_new_default_update() {
    let mut sets = init(2, T0);
    let t1 = apply_at(&mut sets, &add_default("2"), 1);
    assert_eq!(ids(&sets), lists(&[&["0"], &["1"], &["2"]]));
    let record = sets.record("2").unwrap();
    assert_eq!(record.state(), BuildIdState::Active);
    assert_eq!(record.state_update_timestamp(), t1);
    assert_eq!(record.became_default_timestamp(), t1);
    assert_eq!(set_ids(&sets, 2), [h("2")]);
    assert_eq!(sets.sets().nth(2).unwrap().became_default_timestamp(), t1);
    assert_eq!(public(&sets, 0)[2], ["2"]);
    assert_eq!(sets.default_build_id().unwrap().as_str(), "2");
}

/// U2
#[test]
fn test_new_default_set_update_of_empty_data() {
    let mut sets = VersionSets::starting_at(T0);
    let t1 = apply_at(&mut sets, &add_default("1"), 1);
    assert_eq!(ids(&sets), lists(&[&["1"]]));
    let record = sets.record("1").unwrap();
    assert_eq!(
        (
            record.state_update_timestamp(),
            record.became_default_timestamp()
        ),
        (t1, t1)
    );
    assert_eq!(sets.sets().next().unwrap().became_default_timestamp(), t1);
    assert_eq!(set_ids(&sets, 0), [h("1")]);
}

/// U3: making the already-default set default again still refreshes its timestamp.
#[test]
fn test_new_default_set_update_compat_with_cur_default() {
    let mut sets = init(2, T0);
    let t1 = apply_at(&mut sets, &add_compatible("1.1", "1", true), 1);
    assert_eq!(ids(&sets), lists(&[&["0"], &["1", "1.1"]]));
    assert_eq!(sets.record("1.1").unwrap().became_default_timestamp(), t1);
    assert_eq!(set_ids(&sets, 1), [h("1")]);
    assert_eq!(sets.sets().nth(1).unwrap().became_default_timestamp(), t1);
}

/// U4
#[test]
fn test_new_default_set_update_compat_with_non_default_set() {
    let mut sets = init(2, T0);
    let t1 = apply_at(&mut sets, &add_compatible("0.1", "0", true), 1);
    assert_eq!(ids(&sets), lists(&[&["1"], &["0", "0.1"]]));
    assert_eq!(sets.sets().nth(1).unwrap().became_default_timestamp(), t1);
    assert_eq!(set_ids(&sets, 1), [h("0")]);
    assert_eq!(sets.default_build_id().unwrap().as_str(), "0.1");
}

/// U5
#[test]
fn test_new_compatible_with_ver_in_older_set() {
    let mut sets = init(2, T0);
    apply_at(&mut sets, &add_compatible("0.1", "0", false), 1);
    assert_eq!(ids(&sets), lists(&[&["0", "0.1"], &["1"]]));
    assert_eq!(sets.sets().next().unwrap().became_default_timestamp(), T0);
    assert_eq!(public(&sets, 0)[0][1], "0.1");
}

/// U6: a new compatible ID is always appended, whichever member it names.
#[test]
fn test_new_compatible_with_non_default_set_update() {
    let mut sets = init(2, T0);
    apply_at(&mut sets, &add_compatible("0.1", "0", false), 1);
    apply_at(&mut sets, &add_compatible("0.2", "0.1", false), 2);
    assert_eq!(ids(&sets), lists(&[&["0", "0.1", "0.2"], &["1"]]));
    assert_eq!(sets.sets().next().unwrap().became_default_timestamp(), T0);
    apply_at(&mut sets, &add_compatible("0.3", "0.1", false), 3);
    assert_eq!(ids(&sets), lists(&[&["0", "0.1", "0.2", "0.3"], &["1"]]));
}

/// U7
#[test]
fn test_compatible_targets_not_found() {
    let mut sets = init(1, T0);
    let err = apply_err(&mut sets, &add_compatible("1.1", "1", false), NO_LIMITS);
    assert_eq!(err.code(), Code::NotFound);
    assert_eq!(err.to_string(), "targeted compatible_version 1 not found");
}

/// U8
#[test]
fn test_make_existing_set_default() {
    let mut sets = init(3, T0);
    let t1 = apply_at(&mut sets, &Update::promote_set_by_build_id(id("1")), 1);
    assert_eq!(ids(&sets), lists(&[&["0"], &["2"], &["1"]]));
    assert_eq!(sets.sets().nth(2).unwrap().became_default_timestamp(), t1);
    assert_eq!(sets.record("1").unwrap().became_default_timestamp(), T0);
    let t2 = apply_at(&mut sets, &add_compatible("0.1", "0", true), 2);
    assert_eq!(ids(&sets), lists(&[&["2"], &["1"], &["0", "0.1"]]));
    assert_eq!(sets.sets().nth(2).unwrap().became_default_timestamp(), t2);
}

/// U9
#[test]
fn test_say_version_is_compat_with_different_set_than_its_already_compat_with_not_allowed() {
    let mut sets = init(3, T0);
    apply_at(&mut sets, &add_compatible("0.1", "0", false), 1);
    let err = apply_err(&mut sets, &add_compatible("0.1", "1", false), NO_LIMITS);
    assert_eq!(err.code(), Code::InvalidArgument);
    assert_eq!(
        err.to_string(),
        "0.1 requested to be made compatible with 1 but both versions exist and are incompatible"
    );
}

/// U10
#[test]
fn test_limits_max_sets() {
    let mut sets = init(10, T0);
    let limits = Limits {
        max_sets: 10,
        max_build_ids: 0,
    };
    let err = apply_err(&mut sets, &add_default("10"), limits);
    assert_eq!(err.code(), Code::FailedPrecondition);
    assert_eq!(
        err.to_string(),
        "update would exceed number of compatible version sets permitted in namespace dynamic config (11/10)"
    );
}

/// U11
#[test]
fn test_limits_max_build_ids() {
    let mut sets = init(10, T0);
    let limits = Limits {
        max_sets: 0,
        max_build_ids: 10,
    };
    let err = apply_err(&mut sets, &add_default("10"), limits);
    assert_eq!(err.code(), Code::FailedPrecondition);
    assert_eq!(
        err.to_string(),
        "update would exceed number of build IDs permitted in namespace dynamic config (11/10)"
    );
}

/// U12
#[test]
fn test_promote_within_version() {
    let mut sets = init(2, T0);
    let t1 = apply_at(&mut sets, &add_compatible("0.1", "0", false), 1);
    apply_at(&mut sets, &add_compatible("0.2", "0", false), 2);
    let t3 = apply_at(
        &mut sets,
        &Update::promote_build_id_within_set(id("0.1")),
        3,
    );
    assert_eq!(ids(&sets), lists(&[&["0", "0.2", "0.1"], &["1"]]));
    let record = sets.record("0.1").unwrap();
    assert_eq!(record.state_update_timestamp(), t1);
    assert_eq!(record.became_default_timestamp(), t3);
    assert_eq!(sets.sets().next().unwrap().became_default_timestamp(), T0);
}

/// U13
#[test]
fn test_add_new_default_already_extant_version_with_no_conflict_succeeds() {
    let mut sets = init(3, T0);
    apply_noop(&mut sets, &add_default("2"));
}

/// U14
#[test]
fn test_add_to_existing_set_already_extant_version_with_no_conflict_succeeds() {
    let mut sets = init(3, T0);
    let update = add_compatible("1.1", "1", false);
    apply_at(&mut sets, &update, 1);
    assert_eq!(ids(&sets), lists(&[&["0"], &["1", "1.1"], &["2"]]));
    apply_noop(&mut sets, &update);
}

/// U15
#[test]
fn test_add_to_existing_set_already_extant_version_errors_if_not_default() {
    let mut sets = init(3, T0);
    apply_at(&mut sets, &add_compatible("1.1", "1", true), 1);
    assert_eq!(ids(&sets), lists(&[&["0"], &["2"], &["1", "1.1"]]));
    let err = apply_err(&mut sets, &add_compatible("1", "1.1", true), NO_LIMITS);
    assert_eq!(err.code(), Code::InvalidArgument);
    assert_eq!(
        err.to_string(),
        "version 1 already exists and is not default in set"
    );
}

/// U16
#[test]
fn test_add_to_existing_set_already_extant_version_errors_if_not_default_set() {
    let mut sets = init(3, T0);
    apply_at(&mut sets, &add_compatible("1.1", "1", false), 1);
    assert_eq!(ids(&sets), lists(&[&["0"], &["1", "1.1"], &["2"]]));
    let err = apply_err(&mut sets, &add_compatible("1.1", "1", true), NO_LIMITS);
    assert_eq!(err.code(), Code::InvalidArgument);
    assert_eq!(
        err.to_string(),
        "version 1.1 already exists and is not default for queue"
    );
}

/// U17: the server test passes the clock `(0, 0, 2)`; a no-op stamps nothing either way.
#[test]
fn test_promote_within_set_already_promoted_is_a_noop() {
    let mut sets = init(3, T0);
    apply_noop(&mut sets, &Update::promote_build_id_within_set(id("1")));
}

/// U18
#[test]
fn test_promote_set_already_promoted_is_a_noop() {
    let mut sets = init(3, T0);
    apply_noop(&mut sets, &Update::promote_set_by_build_id(id("2")));
}

/// U19
#[test]
fn test_add_already_extant_version_as_default_errors() {
    let mut sets = init(3, T0);
    let err = apply_err(&mut sets, &add_default("0"), NO_LIMITS);
    assert_eq!(err.code(), Code::InvalidArgument);
    assert_eq!(err.to_string(), "version 0 already exists");
}

/// U20
#[test]
fn test_add_already_extant_version_to_another_set_errors() {
    let mut sets = init(3, T0);
    let err = apply_err(&mut sets, &add_compatible("0", "1", false), NO_LIMITS);
    assert_eq!(err.code(), Code::InvalidArgument);
    assert_eq!(
        err.to_string(),
        "0 requested to be made compatible with 1 but both versions exist and are incompatible"
    );
}

/// U21
#[test]
fn test_make_set_default_targeting_nonexistent_version_errors() {
    let mut sets = init(3, T0);
    let err = apply_err(
        &mut sets,
        &Update::promote_set_by_build_id(id("crab boi")),
        NO_LIMITS,
    );
    assert_eq!(err.code(), Code::NotFound);
    assert_eq!(err.to_string(), "targeted version crab boi not found");
}

/// U22
#[test]
fn test_promote_within_set_targeting_nonexistent_version_errors() {
    let mut sets = init(3, T0);
    let target = "i'd rather be writing rust ;)";
    let err = apply_err(
        &mut sets,
        &Update::promote_build_id_within_set(id(target)),
        NO_LIMITS,
    );
    assert_eq!(err.code(), Code::NotFound);
    assert_eq!(
        err.to_string(),
        "targeted version i'd rather be writing rust ;) not found"
    );
}

/// U23
#[test]
fn test_to_build_id_ordering_response_trims_response() {
    let sets = init(3, T0);
    assert_eq!(public(&sets, 2), lists(&[&["1"], &["2"]]));
    assert_eq!(public(&sets, 0), lists(&[&["0"], &["1"], &["2"]]));
    assert_eq!(public(&sets, 9), lists(&[&["0"], &["1"], &["2"]]));
}

/// U24
#[test]
fn test_to_build_id_ordering_response_omits_deleted() {
    let sets = load(vec![set(
        &[&h("0")],
        vec![deleted("0", T0), active("0.1", T0)],
        T0,
    )]);
    assert_eq!(public(&sets, 0), lists(&[&["0.1"]]));
}

/// U25
#[test]
fn test_hash_build_id() {
    assert_eq!(h("my-build-id"), "ftrPuUeORv2JD4Wp2wTU");
}

/// U26. (Its one build ID each way cannot show an order; the DIVERGENCE, sorted deltas, is
/// `divergences.rs`'s `divergence_build_id_deltas_are_sorted`.)
#[test]
fn test_get_build_id_deltas() {
    let prev = load(vec![
        set(&[&h("0")], vec![deleted("0", T0), active("0.1", T0)], T0),
        set(&[&h("1")], vec![active("1", T0)], T0),
    ]);
    let curr = load(vec![
        set(&[&h("0")], vec![active("0.1", T0)], T0),
        set(&[&h("1")], vec![deleted("1", T0), active("1.1", T0)], T0),
    ]);
    let deltas = prev.build_id_deltas(&curr);
    assert_eq!(deltas.removed, [id("1")]);
    assert_eq!(deltas.added, [id("1.1")]);
}

/// U27: the server's nil data is the crate's empty value.
#[test]
fn test_get_build_id_deltas_accepts_nils() {
    let deltas = VersionSets::new().build_id_deltas(&VersionSets::new());
    assert!(deltas.added.is_empty() && deltas.removed.is_empty());
}

/// U28: the tombstones' state timestamp is the removal's clock; their became-default
/// timestamp is kept. (The Go test aliases both clocks; the crate follows the function.)
#[test]
fn test_remove_build_ids_puts_tombstones_on_supplied_build_ids() {
    let c0 = at(5);
    let original = init(3, c0);
    let mut sets = original.clone();
    assert_eq!(
        sets.remove_build_ids(&[id("0"), id("1")], 9),
        Outcome::Changed
    );
    let c1 = sets.clock();
    assert!(c1 > c0);
    assert_eq!(ids(&sets), lists(&[&["0"], &["1"], &["2"]]));
    for removed in ["0", "1"] {
        let record = sets.record(removed).unwrap();
        assert_eq!(record.state(), BuildIdState::Deleted);
        assert_eq!(record.state_update_timestamp(), c1);
        assert_eq!(record.became_default_timestamp(), c0);
    }
    assert_eq!(sets.record("2"), original.record("2"));
    assert_eq!(sets.sets().nth(2).unwrap(), original.sets().nth(2).unwrap());
    assert_eq!(public(&sets, 0), lists(&[&[], &[], &["2"]]));
}

/// U29
#[test]
fn test_clear_tombstones() {
    let mut sets = load(vec![
        set(&[&h("0")], vec![deleted("0", T0)], T0),
        set(&[&h("1")], vec![deleted("1", T0), active("1.1", T0)], T0),
        set(&[&h("2")], vec![active("2", T0)], T0),
    ]);
    assert_eq!(sets.clear_tombstones(), Outcome::Changed);
    assert_eq!(ids(&sets), lists(&[&["1.1"], &["2"]]));
    assert_eq!(set_ids(&sets, 0), [h("1")]);
    assert_eq!(sets.clear_tombstones(), Outcome::NoOp);
    assert_eq!(sets.build_id_count(), 2);
    assert!(!sets.contains("0") && !sets.contains("1"));
}

/// U30
#[test]
fn test_merge_sets() {
    let (t1, t2, t3) = (at(1), at(2), at(3));
    let original = init_stamped(&[T0, t1, t2, t3]);
    let mut sets = original.clone();
    let merge = Update::merge_sets(id("1"), id("2"));
    let n = apply_at(&mut sets, &merge, 10);
    assert_eq!(ids(&sets), lists(&[&["0"], &["2", "1"], &["3"]]));
    let merged = sets.sets().nth(1).unwrap();
    assert_eq!(set_ids(&sets, 1), [h("2"), h("1")]);
    assert_eq!(merged.primary_set_id().as_str(), h("2"));
    assert_eq!(merged.became_default_timestamp(), t2);
    assert_eq!(merged.default_build_id().as_str(), "1");
    assert_eq!(sets.record("1").unwrap().became_default_timestamp(), n);
    assert_eq!(sets.default_build_id().unwrap().as_str(), "3");

    apply_noop(&mut sets, &merge);
    assert_eq!(sets.record("1").unwrap().became_default_timestamp(), n);

    let n3 = apply_at(&mut sets, &Update::merge_sets(id("3"), id("0")), 20);
    assert_eq!(ids(&sets), lists(&[&["2", "1"], &["0", "3"]]));
    assert_eq!(sets.sets().nth(1).unwrap().became_default_timestamp(), t3);
    assert_eq!(set_ids(&sets, 1), [h("3"), h("0")]);
    assert_eq!(sets.record("3").unwrap().became_default_timestamp(), n3);
    assert_eq!(sets.default_build_id().unwrap().as_str(), "3");

    assert_eq!(ids(&original), lists(&[&["0"], &["1"], &["2"], &["3"]]));
}

/// U31
#[test]
fn test_merge_invalid_targets() {
    let mut sets = init(4, T0);
    let err = apply_err(
        &mut sets,
        &Update::merge_sets(id("lol"), id("2")),
        NO_LIMITS,
    );
    assert_eq!(err.code(), Code::NotFound);
    assert_eq!(err.to_string(), "targeted primary version lol not found");
    let err = apply_err(
        &mut sets,
        &Update::merge_sets(id("2"), id("nope")),
        NO_LIMITS,
    );
    assert_eq!(err.code(), Code::NotFound);
    assert_eq!(err.to_string(), "targeted secondary version nope not found");
}

/// U32
#[test]
fn test_persist_unknown_build_id() {
    let t = at(7);
    let mut sets = init(2, t);
    assert_eq!(
        sets.persist_unknown_build_id(&id("new-build-id"), 8),
        Outcome::Changed
    );
    assert_eq!(ids(&sets), lists(&[&["new-build-id"], &["0"], &["1"]]));
    assert_eq!(set_ids(&sets, 0), [h("new-build-id")]);
    let zero = Hlc::zero(1);
    let record = sets.record("new-build-id").unwrap();
    assert_eq!(
        (
            record.state_update_timestamp(),
            record.became_default_timestamp()
        ),
        (zero, zero)
    );
    assert_eq!(sets.sets().next().unwrap().became_default_timestamp(), zero);
    assert_eq!(sets.default_build_id().unwrap().as_str(), "1");
}

/// U33 (`TestPersistUnknownBuildId_AlreadyThere`): the server appends `H(2)` after
/// `H(1)`, unsorted, and routes by the first; so does the crate (`persist.existing-adds-set-id`).
#[test]
fn u33_persist_appends_the_set_id() {
    let t = at(7);
    let original = load(vec![set(
        &[&h("1")],
        vec![active("1", t), active("2", t)],
        t,
    )]);
    let mut sets = original.clone();
    assert_eq!(sets.persist_unknown_build_id(&id("1"), 8), Outcome::NoOp);
    assert_eq!(sets, original);
    assert_eq!(sets.persist_unknown_build_id(&id("2"), 8), Outcome::Changed);
    assert_eq!(set_ids(&sets, 0), [h("1"), h("2")]);
    assert_eq!(ids(&sets), lists(&[&["1", "2"]]));
    let queue = sets.add_task(Some("2")).set_id().unwrap();
    assert_eq!(queue.as_str(), h("1"));
    assert_eq!(sets.persist_unknown_build_id(&id("2"), 9), Outcome::NoOp);
}
