//! Replication across clusters (specification.md section F.2): the clock of each task
//! queue's user data, bumped by every local write that changes it, and the
//! last-writer-wins receipt of another cluster's copy, as scenarios and as properties.

use std::collections::BTreeMap;

use proptest::prelude::*;
use worker_deployments::*;

const WF: TaskQueueType = TaskQueueType::Workflow;
const ACT: TaskQueueType = TaskQueueType::Activity;

fn hlc(wall_clock: i64, version: i32, cluster_id: i64) -> Hlc {
    Hlc {
        wall_clock,
        version,
        cluster_id,
    }
}

fn cluster(id: i64) -> Deployments {
    Deployments::new(Limits::SERVER_DEFAULT).with_cluster_id(id)
}

fn poll(ns: &mut Deployments, build: &str, tq: &str, kind: TaskQueueType, now: u64) -> Outcome {
    let out = ns
        .register(
            &Poller::new("D", build, tq, kind),
            now,
            &Observed::default(),
        )
        .unwrap();
    assert_eq!(ns.validate(), vec![]);
    out
}

fn clock(ns: &Deployments, tq: &str) -> Option<Hlc> {
    ns.user_data(tq).and_then(|u| u.clock)
}

/// A task queue's data as a replica: `per_type` with one deployment `D` holding `builds`
/// in the workflow type.
fn replica(clock: Option<Hlc>, builds: &[&str]) -> TaskQueueUserData {
    let mut q = TaskQueueData::default();
    let d = q.deployments.entry("D".to_owned()).or_default();
    for (i, b) in builds.iter().enumerate() {
        d.versions.insert(
            (*b).to_owned(),
            VersionData {
                revision: 0,
                update_time_ms: u64::try_from(i).unwrap(),
                deleted: false,
                status: VersionStatus::Inactive,
            },
        );
    }
    TaskQueueUserData {
        clock,
        per_type: BTreeMap::from([(WF, q)]),
    }
}

#[test]
fn the_first_write_counts_from_the_local_clusters_zero_and_each_change_bumps() {
    // rule: replication.clock-bump
    let mut ns = cluster(7);
    assert_eq!(clock(&ns, "tq"), None);
    assert_eq!(poll(&mut ns, "b1", "tq", WF, 1_000), Outcome::Changed);
    assert_eq!(clock(&ns, "tq"), Some(hlc(1_000, 0, 7)));
    // Another type of the same name: the same record, so the same clock; same wall: the
    // version counts up.
    assert_eq!(poll(&mut ns, "b1", "tq", ACT, 1_000), Outcome::Changed);
    assert_eq!(clock(&ns, "tq"), Some(hlc(1_000, 1, 7)));
    // The wall clock went back: the version counts up again, the wall part stays.
    assert_eq!(poll(&mut ns, "b2", "tq", WF, 400), Outcome::Changed);
    assert_eq!(clock(&ns, "tq"), Some(hlc(1_000, 2, 7)));
    // Later: the wall part moves and the version starts over.
    assert_eq!(poll(&mut ns, "b3", "tq", WF, 5_000), Outcome::Changed);
    assert_eq!(clock(&ns, "tq"), Some(hlc(5_000, 0, 7)));
    // Another task queue has a clock of its own.
    assert_eq!(poll(&mut ns, "b1", "other", WF, 6_000), Outcome::Changed);
    assert_eq!(clock(&ns, "other"), Some(hlc(6_000, 0, 7)));
    assert_eq!(clock(&ns, "tq"), Some(hlc(5_000, 0, 7)));
}

#[test]
fn a_write_that_changes_nothing_bumps_nothing() {
    // rule: replication.clock-bump
    let mut ns = cluster(1);
    poll(&mut ns, "b1", "tq", WF, 1_000);
    let before = ns.clone();
    // A poll of a version the queue holds is a no-op: no write, no bump.
    assert_eq!(poll(&mut ns, "b1", "tq", WF, 9_000), Outcome::NoOp);
    assert_eq!(ns, before);
    // A delete of an unknown version writes nothing either.
    let out = ns
        .delete_version(
            &DeleteVersion::new("D", "nope", "me"),
            9_000,
            &Observed::default(),
        )
        .unwrap();
    assert_eq!(out, Outcome::NoOp);
    assert_eq!(ns, before);
}

#[test]
fn a_routing_push_to_a_queue_of_several_types_is_one_write() {
    // rule: replication.clock-bump
    let mut ns = cluster(1);
    let facts = Observed::default();
    poll(&mut ns, "b1", "tq", WF, 1_000);
    poll(&mut ns, "b1", "tq", ACT, 2_000);
    assert_eq!(clock(&ns, "tq"), Some(hlc(2_000, 0, 1)));
    ns.set_current(&SetCurrent::new("D", "b1", "ci"), 2_000, &facts)
        .unwrap();
    assert_eq!(ns.validate(), vec![]);
    // Both types took the routing config in one write at 2_000: one bump, not two.
    assert_eq!(clock(&ns, "tq"), Some(hlc(2_000, 1, 1)));
    for kind in [WF, ACT] {
        let view = ns.task_queue_view(&TaskQueueKey::new("tq", kind));
        assert_eq!(view.current, Some(VersionKey::new("D", "b1")));
    }
    // A new current on the same queue: the new and the old current each push, two writes
    // at 3_000.
    poll(&mut ns, "b2", "tq", WF, 2_500);
    ns.set_current(&SetCurrent::new("D", "b2", "ci"), 3_000, &facts)
        .unwrap();
    assert_eq!(ns.validate(), vec![]);
    assert_eq!(clock(&ns, "tq"), Some(hlc(3_000, 1, 1)));
}

#[test]
fn a_deletion_bumps_the_clock_of_each_queue_it_leaves() {
    // rule: replication.clock-bump
    let mut ns = cluster(1);
    let facts = Observed::default();
    poll(&mut ns, "b1", "tq", WF, 1_000);
    poll(&mut ns, "b1", "tq", ACT, 1_000);
    poll(&mut ns, "b2", "other", WF, 2_000);
    ns.delete_version(&DeleteVersion::new("D", "b1", "me"), 3_000, &facts)
        .unwrap();
    assert_eq!(ns.validate(), vec![]);
    assert_eq!(clock(&ns, "tq"), Some(hlc(3_000, 0, 1)));
    assert!(
        ns.user_data("tq").unwrap().per_type[&WF]
            .deployments
            .is_empty()
    );
    assert_eq!(clock(&ns, "other"), Some(hlc(2_000, 0, 1)));
}

#[test]
fn the_later_clock_wins_the_whole_map() {
    // rule: replication.lww
    let facts = Observed::default();
    let mut east = cluster(1);
    let mut west = cluster(2);
    poll(&mut east, "b1", "tq", WF, 1_000);
    poll(&mut east, "b1", "tq", ACT, 1_000);
    west.register(&Poller::new("D", "b2", "tq", WF), 2_000, &facts)
        .unwrap();
    let here = east.user_data("tq").unwrap();
    let there = west.user_data("tq").unwrap();
    assert!(here.clock < there.clock);

    // At east, west's later copy replaces every type: the activity type east had is gone,
    // not merged with west's workflow type.
    let mut got = here.clone();
    assert!(got.receive(there));
    assert_eq!(got.per_type, there.per_type);
    assert!(!got.per_type.contains_key(&ACT));
    assert_eq!(got.clock, here.clock);

    // At west, east's earlier copy loses.
    let mut got = there.clone();
    assert!(!got.receive(here));
    assert_eq!(&got, there);
}

#[test]
fn a_replica_without_a_clock_never_wins_and_a_local_copy_without_one_always_loses() {
    // rule: replication.lww
    let local = replica(Some(hlc(5, 0, 1)), &["b1"]);
    let mut got = local.clone();
    assert!(!got.receive(&replica(None, &["b2"])));
    assert_eq!(got, local);

    let mut empty = TaskQueueUserData::default();
    assert!(empty.receive(&replica(Some(hlc(0, 0, 0)), &["b2"])));
    assert_eq!(empty, replica(None, &["b2"]));
    // Neither has a clock: the local copy stays.
    let mut got = replica(None, &["b1"]);
    assert!(!got.receive(&replica(None, &["b2"])));
    assert_eq!(got, replica(None, &["b1"]));
}

#[test]
fn the_cluster_id_breaks_a_tie_of_wall_and_version() {
    // rule: replication.lww
    let mut got = replica(Some(hlc(5, 3, 2)), &["b1"]);
    assert!(!got.receive(&replica(Some(hlc(5, 3, 1)), &["b2"])));
    let mut got = replica(Some(hlc(5, 3, 1)), &["b1"]);
    assert!(got.receive(&replica(Some(hlc(5, 3, 2)), &["b2"])));
    assert_eq!(got, replica(Some(hlc(5, 3, 1)), &["b2"]));
}

#[test]
fn on_equal_clocks_each_side_takes_the_others_copy() {
    // rule: replication.lww
    // The server keeps its own copy only when its clock is greater: with equal clocks
    // and different data, two clusters that exchange their copies swap them.
    let east = replica(Some(hlc(5, 0, 1)), &["b1"]);
    let west = replica(Some(hlc(5, 0, 1)), &["b2"]);
    let (mut at_east, mut at_west) = (east.clone(), west.clone());
    assert!(at_east.receive(&west));
    assert!(at_west.receive(&east));
    assert_eq!(at_east.per_type, west.per_type);
    assert_eq!(at_west.per_type, east.per_type);
    assert_ne!(at_east, at_west);
}

#[test]
fn the_receivers_clock_stays_so_its_next_write_can_lose_under_skew() {
    // rule: replication.clock-kept, replication.clock-bump
    let mut east = cluster(1);
    let mut west = cluster(2);
    poll(&mut west, "b0", "tq", WF, 1_000);
    poll(&mut east, "b1", "tq", WF, 10_000);
    // West receives east's later copy; its clock stays at its own last write.
    let mut at_west = west.user_data("tq").unwrap().clone();
    assert!(at_west.receive(east.user_data("tq").unwrap()));
    assert_eq!(at_west.clock, Some(hlc(1_000, 0, 2)));
    // West's wall clock lags: its next write on that data is stamped (2_000, 0, 2), which
    // loses to east's (10_000, 0, 1) although it was made later.
    let next = at_west.clock.unwrap().next(2_000);
    assert_eq!(next, hlc(2_000, 0, 2));
    let mut written = at_west.clone();
    written.clock = Some(next);
    written
        .per_type
        .get_mut(&WF)
        .unwrap()
        .deployments
        .get_mut("D")
        .unwrap()
        .versions
        .clear();
    let mut at_east = east.user_data("tq").unwrap().clone();
    assert!(!at_east.receive(&written));
    assert_eq!(&at_east, east.user_data("tq").unwrap());
}

fn arb_clock() -> impl Strategy<Value = Option<Hlc>> {
    // Small ranges, so that ties of every part come up.
    prop::option::of((0..3i64, 0..2i32, 1..3i64).prop_map(|(w, v, c)| hlc(w, v, c)))
}

fn arb_data() -> impl Strategy<Value = TaskQueueUserData> {
    let builds = prop::collection::btree_set(prop::sample::select(vec!["b1", "b2", "b3"]), 0..3);
    (arb_clock(), builds, any::<bool>()).prop_map(|(clock, builds, activity)| {
        let builds: Vec<&str> = builds.into_iter().collect();
        let mut r = replica(clock, &builds);
        if activity && let Some(wf) = r.per_type.get(&WF).cloned() {
            r.per_type.insert(ACT, wf);
        }
        r
    })
}

/// F.2 as written: keep local if the incoming clock is nil or local > incoming.
fn local_stays(local: Option<Hlc>, incoming: Option<Hlc>) -> bool {
    match incoming {
        None => true,
        Some(incoming) => local.is_some_and(|local| local > incoming),
    }
}

#[derive(Debug, Clone)]
enum Op {
    Poll(usize, usize, bool),
    Current(usize),
    Delete(usize),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (0..3usize, 0..2usize, any::<bool>()).prop_map(|(b, t, a)| Op::Poll(b, t, a)),
        1 => (0..3usize).prop_map(Op::Current),
        1 => (0..3usize).prop_map(Op::Delete),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn the_result_is_the_local_or_the_incoming_data_chosen_by_the_clocks(
        local in arb_data(),
        incoming in arb_data(),
    ) {
        // rule: replication.lww, replication.clock-kept
        let mut got = local.clone();
        let changed = got.receive(&incoming);
        let winner = if local_stays(local.clock, incoming.clock) { &local } else { &incoming };
        prop_assert_eq!(&got.per_type, &winner.per_type);
        prop_assert_eq!(got.clock, local.clock);
        prop_assert_eq!(changed, got != local);
    }

    #[test]
    fn receiving_the_same_replica_twice_is_a_no_op(
        local in arb_data(),
        incoming in arb_data(),
    ) {
        // rule: replication.lww
        let mut got = local;
        got.receive(&incoming);
        let once = got.clone();
        prop_assert!(!got.receive(&incoming));
        prop_assert_eq!(got, once);
    }

    #[test]
    fn which_side_wins_depends_on_the_clocks_alone(
        local_clock in arb_clock(),
        incoming_clock in arb_clock(),
        a in arb_data(),
        b in arb_data(),
        c in arb_data(),
        d in arb_data(),
    ) {
        // rule: replication.lww
        // Two pairs of copies under the same two clocks: the same side wins in both.
        let with = |clock, data: &TaskQueueUserData| TaskQueueUserData { clock, ..data.clone() };
        let (mut first, mut second) = (with(local_clock, &a), with(local_clock, &c));
        first.receive(&with(incoming_clock, &b));
        second.receive(&with(incoming_clock, &d));
        let first_took = first.per_type == b.per_type && first.per_type != a.per_type;
        let second_took = second.per_type == d.per_type && second.per_type != c.per_type;
        let stays = local_stays(local_clock, incoming_clock);
        if a.per_type != b.per_type {
            prop_assert_eq!(first_took, !stays);
        }
        if c.per_type != d.per_type {
            prop_assert_eq!(second_took, !stays);
        }
    }

    #[test]
    fn every_local_write_bumps_its_queues_clock_and_only_a_write_does(
        ops in prop::collection::vec((op(), 0..3_000u64), 1..40),
    ) {
        // rule: replication.clock-bump
        let builds = ["b1", "b2", "b3"];
        let tqs = ["t1", "t2"];
        let facts = Observed::default();
        let mut ns = cluster(3);
        for (op, now) in ops {
            let before = ns.clone();
            let _ = match op {
                Op::Poll(b, t, activity) => {
                    let kind = if activity { ACT } else { WF };
                    ns.register(&Poller::new("D", builds[b], tqs[t], kind), now, &facts).map(|_| ())
                }
                Op::Current(b) => ns
                    .set_current(&SetCurrent::new("D", builds[b], "ci"), now, &facts)
                    .map(|_| ()),
                Op::Delete(b) => ns
                    .delete_version(&DeleteVersion::new("D", builds[b], "ci"), now, &facts)
                    .map(|_| ()),
            };
            prop_assert_eq!(ns.validate(), vec![]);
            for tq in tqs {
                let (old, new) = (before.user_data(tq), ns.user_data(tq));
                let old_clock = old.and_then(|u| u.clock);
                let new_clock = new.and_then(|u| u.clock);
                if old.map(|u| &u.per_type) == new.map(|u| &u.per_type) {
                    prop_assert_eq!(old_clock, new_clock);
                } else {
                    // One bump per write, and an operation may write a queue more than
                    // once (set-current pushes to the new and the old current, each a
                    // write): the wall part is that of `next`, the stamp later than before.
                    let prior = old_clock.unwrap_or(Hlc::zero(3));
                    let Some(new_clock) = new_clock else {
                        return Err(TestCaseError::fail(format!("{tq} changed with no clock")));
                    };
                    prop_assert!(new_clock > prior);
                    prop_assert_eq!(new_clock.wall_clock, prior.next(now).wall_clock);
                    prop_assert_eq!(new_clock.cluster_id, 3);
                }
            }
        }
    }
}
