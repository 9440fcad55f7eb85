//! Self-tests of the reference model (`test-support/src/model.rs`): exact results for the rules of docs/semantics.md.

use version_sets_test_support::model::{Intent, Model, Op, Outcome, Poll, Resolution};

fn s(x: &str) -> String {
    x.to_string()
}

fn new_default(x: &str) -> Op {
    Op::AddNewDefault(s(x))
}

fn compat(new: &str, existing: &str, make_default: bool) -> Op {
    Op::AddCompatible {
        new: s(new),
        existing: s(existing),
        make_default,
    }
}

fn merge(primary: &str, secondary: &str) -> Op {
    Op::Merge {
        primary: s(primary),
        secondary: s(secondary),
    }
}

/// Applies every op, each of which must succeed.
#[track_caller]
fn build(ops: &[Op]) -> Model {
    let mut m = Model::default();
    for op in ops {
        let r = m.apply(op);
        assert!(r.is_ok(), "{op:?} failed: {r:?}");
    }
    m
}

/// `[[0],[1],...,[n-1]]`.
fn init(n: usize) -> Model {
    build(
        &(0..n)
            .map(|i| new_default(&i.to_string()))
            .collect::<Vec<_>>(),
    )
}

fn view(sets: &[&[&str]]) -> Vec<Vec<String>> {
    sets.iter()
        .map(|set| set.iter().map(|x| s(x)).collect())
        .collect()
}

/// Applies `op`, asserts it fails with `code`/`message` and leaves the model unchanged.
#[track_caller]
fn assert_err(m: &mut Model, op: &Op, code: &str, message: &str) {
    let before = m.clone();
    let got = m.apply(op).map_err(|e| (e.code, e.message));
    assert_eq!(got, Err((code, message.to_string())));
    assert_eq!(*m, before);
}

/// Applies `op`, asserts it is a no-op and leaves the model unchanged (tick included).
#[track_caller]
fn assert_noop(m: &mut Model, op: &Op) {
    let before = m.clone();
    assert_eq!(m.apply(op), Ok(Outcome::NoOp));
    assert_eq!(*m, before);
}

#[test]
fn add_new_default_twice_is_noop() {
    let mut m = build(&[new_default("1.0")]);
    assert_noop(&mut m, &new_default("1.0"));
    assert_eq!(m.tick, 1);
    assert_eq!(m.public_view(0), view(&[&["1.0"]]));
}

#[test]
fn add_new_default_existing_is_invalid() {
    let mut m = init(2);
    assert_err(
        &mut m,
        &new_default("0"),
        "INVALID_ARGUMENT",
        "version 0 already exists",
    );
    // Sole member of the last set, but that set is not a singleton any more.
    m.apply(&compat("1.1", "1", false)).unwrap();
    assert_err(
        &mut m,
        &new_default("1.1"),
        "INVALID_ARGUMENT",
        "version 1.1 already exists",
    );
}

#[test]
fn add_new_default_appends_new_queue_default() {
    let m = init(3);
    assert_eq!(m.public_view(0), view(&[&["0"], &["1"], &["2"]]));
    assert_eq!(m.queue_default(), Some(s("2")));
    let bdts: Vec<(u64, u64)> = m.sets.iter().map(|x| (x.bdt, x.members[0].bdt)).collect();
    assert_eq!(bdts, vec![(1, 1), (2, 2), (3, 3)]);
}

#[test]
fn add_compatible_errors_in_spec_order() {
    let mut m = build(&[
        new_default("0"),
        compat("0.1", "0", false),
        new_default("1"),
    ]);
    // Unknown E wins even though N exists.
    assert_err(
        &mut m,
        &compat("1", "x", false),
        "NOT_FOUND",
        "targeted compatible_version x not found",
    );
    // N in E's set, make default, set not last; also not set default: "for queue" comes first.
    assert_err(
        &mut m,
        &compat("0", "0.1", true),
        "INVALID_ARGUMENT",
        "version 0 already exists and is not default for queue",
    );
    assert_err(
        &mut m,
        &compat("0.1", "0", true),
        "INVALID_ARGUMENT",
        "version 0.1 already exists and is not default for queue",
    );
    assert_err(
        &mut m,
        &compat("0", "0.1", false),
        "INVALID_ARGUMENT",
        "version 0 already exists and is not default in set",
    );
    assert_err(
        &mut m,
        &compat("1", "0", false),
        "INVALID_ARGUMENT",
        "1 requested to be made compatible with 0 but both versions exist and are incompatible",
    );
    // N = E = set default of a non-default set, no make default: no-op.
    assert_noop(&mut m, &compat("0.1", "0", false));
    assert_noop(&mut m, &compat("0.1", "0.1", false));
}

#[test]
fn add_compatible_noop_in_default_set_even_with_make_default() {
    let mut m = build(&[new_default("0"), new_default("1"), compat("1.1", "1", true)]);
    assert_noop(&mut m, &compat("1.1", "1", true));
    let mut m = build(&[
        new_default("1"),
        compat("1.1", "1", false),
        compat("1.2", "1", false),
    ]);
    assert_err(
        &mut m,
        &compat("1.1", "1", true),
        "INVALID_ARGUMENT",
        "version 1.1 already exists and is not default in set",
    );
}

#[test]
fn add_compatible_appends_to_end_of_existing_set() {
    let mut m = build(&[
        new_default("0"),
        compat("0.1", "0", false),
        new_default("1"),
    ]);
    // E is not the set default: N still goes to the end.
    assert_eq!(m.apply(&compat("0.2", "0", false)), Ok(Outcome::Changed));
    assert_eq!(m.public_view(0), view(&[&["0", "0.1", "0.2"], &["1"]]));
    assert_eq!(m.queue_default(), Some(s("1")));
    assert_eq!(m.apply(&compat("0.3", "0.1", true)), Ok(Outcome::Changed));
    assert_eq!(
        m.public_view(0),
        view(&[&["1"], &["0", "0.1", "0.2", "0.3"]])
    );
    assert_eq!(m.queue_default(), Some(s("0.3")));
    assert_eq!(m.sets[1].bdt, m.tick);
}

#[test]
fn add_compatible_make_default_refreshes_default_set() {
    let mut m = init(2);
    assert_eq!(m.sets[1].bdt, 2);
    m.apply(&compat("1.1", "1", true)).unwrap();
    assert_eq!(m.tick, 3);
    assert_eq!(m.sets[1].bdt, 3);
    assert_eq!(m.public_view(0), view(&[&["0"], &["1", "1.1"]]));
}

#[test]
fn promote_set_moves_set_to_end() {
    let mut m = build(&[
        new_default("0"),
        compat("0.1", "0", false),
        new_default("1"),
        new_default("2"),
    ]);
    assert_err(
        &mut m,
        &Op::PromoteSet(s("x")),
        "NOT_FOUND",
        "targeted version x not found",
    );
    assert_noop(&mut m, &Op::PromoteSet(s("2")));
    assert_eq!(m.apply(&Op::PromoteSet(s("0"))), Ok(Outcome::Changed));
    assert_eq!(m.public_view(0), view(&[&["1"], &["2"], &["0", "0.1"]]));
    // The set's own default is unchanged (0.1, not the promoted 0).
    assert_eq!(m.queue_default(), Some(s("0.1")));
    assert_eq!(m.sets[2].bdt, m.tick);
}

#[test]
fn promote_within_moves_member_to_end() {
    let mut m = build(&[
        new_default("0"),
        compat("0.1", "0", false),
        compat("0.2", "0", false),
        new_default("1"),
    ]);
    assert_err(
        &mut m,
        &Op::PromoteWithin(s("x")),
        "NOT_FOUND",
        "targeted version x not found",
    );
    assert_noop(&mut m, &Op::PromoteWithin(s("0.2")));
    assert_eq!(m.apply(&Op::PromoteWithin(s("0"))), Ok(Outcome::Changed));
    assert_eq!(m.public_view(0), view(&[&["0.1", "0.2", "0"], &["1"]]));
    assert_eq!(m.sets[0].members[2].bdt, m.tick);
    assert_eq!(m.sets[0].bdt, 1);
    assert_eq!(m.queue_default(), Some(s("1")));
}

#[test]
fn merge_default_set_into_older_primary_changes_queue_default() {
    let mut m = init(3);
    assert_eq!(m.apply(&merge("0", "2")), Ok(Outcome::Changed));
    assert_eq!(m.public_view(0), view(&[&["1"], &["2", "0"]]));
    assert_eq!(m.queue_default(), Some(s("0")));
    // Set bdt is the max of the two (2's), not the merge tick.
    assert_eq!((m.sets[1].bdt, m.sets[1].members[1].bdt, m.tick), (3, 4, 4));
}

#[test]
fn merge_into_default_set_and_interleaving() {
    let mut m = init(3);
    m.apply(&merge("2", "0")).unwrap();
    assert_eq!(m.public_view(0), view(&[&["1"], &["0", "2"]]));
    // Members interleave by bdt: 0@1 1@2 0.1@3 1.1@4, then 0.1 := 5.
    let mut m = build(&[
        new_default("0"),
        new_default("1"),
        compat("0.1", "0", false),
        compat("1.1", "1", false),
    ]);
    m.apply(&merge("0", "1")).unwrap();
    assert_eq!(m.public_view(0), view(&[&["0", "1", "1.1", "0.1"]]));
    assert_eq!(m.sets[0].bdt, 2);
}

#[test]
fn merge_errors_and_noop() {
    let mut m = build(&[
        new_default("0"),
        compat("0.1", "0", false),
        new_default("1"),
    ]);
    assert_err(
        &mut m,
        &merge("x", "y"),
        "NOT_FOUND",
        "targeted primary version x not found",
    );
    assert_err(
        &mut m,
        &merge("0", "y"),
        "NOT_FOUND",
        "targeted secondary version y not found",
    );
    assert_noop(&mut m, &merge("0", "0.1"));
}

#[test]
fn limits_checked_after_ops_including_noops() {
    let mut m = init(3);
    m.max_sets = 2;
    m.max_build_ids = 1;
    let sets_msg = "update would exceed number of compatible version sets permitted in namespace dynamic config (3/2)";
    assert_err(
        &mut m,
        &Op::PromoteSet(s("2")),
        "FAILED_PRECONDITION",
        sets_msg,
    );
    // A merge reduces the set count below the limit, then build IDs are checked.
    let ids_msg =
        "update would exceed number of build IDs permitted in namespace dynamic config (3/1)";
    assert_err(&mut m, &merge("0", "1"), "FAILED_PRECONDITION", ids_msg);
    m.max_build_ids = 3;
    assert_eq!(m.apply(&merge("0", "1")), Ok(Outcome::Changed));
    // Exactly at the limit is fine; one over fails and leaves the model as it was.
    let mut m = Model::with_limits(2, 0);
    m.apply(&new_default("a")).unwrap();
    m.apply(&new_default("b")).unwrap();
    assert_err(
        &mut m,
        &new_default("c"),
        "FAILED_PRECONDITION",
        "update would exceed number of compatible version sets permitted in namespace dynamic config (3/2)",
    );
    assert_eq!(m.tick, 2);
}

#[test]
fn tombstones_count_exist_and_are_hidden() {
    let mut m = init(2);
    m.max_build_ids = 2;
    assert_eq!(m.remove(&[s("1"), s("nope")]), Outcome::Changed);
    assert_eq!(m.remove(&[s("1")]), Outcome::Changed);
    assert_eq!(m.remove(&[s("nope")]), Outcome::NoOp);
    assert_eq!(m.public_view(0), view(&[&["0"], &[]]));
    assert_eq!(m.queue_default(), Some(s("1")));
    // Sole default tombstone: add-new-default is a no-op and it stays deleted.
    assert_noop(&mut m, &new_default("1"));
    assert!(m.sets[1].members[0].deleted);
    assert_err(
        &mut m,
        &compat("2", "1", false),
        "FAILED_PRECONDITION",
        "update would exceed number of build IDs permitted in namespace dynamic config (3/2)",
    );
    m.remove(&[s("0")]);
    assert_err(
        &mut m,
        &new_default("0"),
        "INVALID_ARGUMENT",
        "version 0 already exists",
    );
    assert_eq!(m.clear_tombstones(), Outcome::Changed);
    assert!(m.sets.is_empty());
    assert_eq!(m.clear_tombstones(), Outcome::NoOp);
    assert_eq!(m.apply(&new_default("0")), Ok(Outcome::Changed));
}

#[test]
fn clear_keeps_survivor_order_and_timestamps() {
    let mut m = build(&[
        new_default("0"),
        compat("0.1", "0", false),
        new_default("1"),
    ]);
    m.remove(&[s("0.1")]);
    let bdt = m.sets[0].bdt;
    assert_eq!(m.clear_tombstones(), Outcome::Changed);
    assert_eq!(m.public_view(0), view(&[&["0"], &["1"]]));
    assert_eq!(m.set_default_of("0"), Some(s("0")));
    assert_eq!(m.sets[0].bdt, bdt);
}

#[test]
fn public_view_newest_sets_only() {
    let m = init(10);
    assert_eq!(m.public_view(1), view(&[&["9"]]));
    assert_eq!(m.public_view(5)[0], vec![s("5")]);
    assert_eq!(m.public_view(20).len(), 10);
    assert_eq!(m.public_view(0).len(), 10);
}

#[test]
fn poll_accepts_only_set_defaults() {
    let m = build(&[
        new_default("v1"),
        compat("v11", "v1", false),
        new_default("v2"),
    ]);
    assert_eq!(m.poll("v11"), Poll::Accepted);
    assert_eq!(m.poll("v2"), Poll::Accepted);
    assert_eq!(m.poll("v1"), Poll::NewerBuildExists(s("v11")));
    assert_eq!(m.poll("v3"), Poll::Unknown);
}

#[test]
fn resolve_intents() {
    let m = build(&[
        new_default("v1"),
        compat("v11", "v1", false),
        new_default("v2"),
    ]);
    use Intent::{Compatible, Default, Unspecified};
    assert_eq!(
        m.resolve(Unspecified, Some("v1"), true),
        Resolution::SetDefault(s("v11"))
    );
    assert_eq!(
        m.resolve(Compatible, Some("v1"), true),
        Resolution::SetDefault(s("v11"))
    );
    assert_eq!(
        m.resolve(Compatible, Some("v1"), false),
        Resolution::Rejected
    );
    assert_eq!(
        m.resolve(Unspecified, Some("v1"), false),
        Resolution::SetDefault(s("v2"))
    );
    assert_eq!(
        m.resolve(Default, Some("v1"), true),
        Resolution::SetDefault(s("v2"))
    );
    assert_eq!(
        m.resolve(Compatible, Some("x"), true),
        Resolution::ExactBuildId(s("x"))
    );
    assert_eq!(m.resolve(Compatible, None, true), Resolution::Unversioned);
    let empty = Model::default();
    assert_eq!(
        empty.resolve(Default, Some("v1"), false),
        Resolution::Unversioned
    );
    assert_eq!(
        empty.resolve(Compatible, Some("v1"), true),
        Resolution::ExactBuildId(s("v1"))
    );
}

/// `merge.rejoins-shared` (the trace of `trace/vectors/merge-rejoin.jsonl`). After merge(1, 2), removing `2` and
/// re-adding it, the sets of `1` and `2` share a set ID; the next merge joins them too, and
/// the limit check counts that result.
#[test]
fn merge_rejoins_sets_that_share_a_set_id() {
    let mut m = init(3);
    m.apply(&merge("1", "2")).unwrap();
    assert_eq!(m.remove(&[s("2")]), Outcome::Changed);
    assert_eq!(m.clear_tombstones(), Outcome::Changed);
    m.apply(&new_default("2")).unwrap();
    m.apply(&new_default("3")).unwrap();
    assert_eq!(m.public_view(0), view(&[&["0"], &["1"], &["2"], &["3"]]));
    m.max_sets = 2;
    assert_eq!(m.apply(&merge("3", "0")), Ok(Outcome::Changed));
    assert_eq!(m.public_view(0), view(&[&["1", "2"], &["0", "3"]]));
    assert_eq!(m.poll("1"), Poll::NewerBuildExists(s("2")));
}
