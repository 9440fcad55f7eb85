//! Dispatch and intent scenarios: the server's functional tests (`tests/versioning_test.go`,
//! F1–F25), its matching-engine tests (M1, M3, M4) and three derived
//! scenarios (D7–D9, numbered after the replica merge's D1–D6), reduced to what the version sets of a queue decide.
//!
//! Not ported, because they are not decided by one queue's version sets: F4/F5 (persistence
//! and propagation across partitions), F6 (task queues per build ID, a cross-queue limit),
//! F7/F8/F14/F25 (history stamps, eager dispatch and search attributes), M2 (user-data
//! versions). U34–U44 and D1–D6 (the replica merge) and S1/S2 (the scavenger) are in
//! `tests/replication_server.rs`.

mod support;

use support::*;
use version_sets::{
    BuildId, Code, DispatchQueue, Limits, Outcome, QueueDefault, StickyWorkerUnavailable, Target,
    TargetQueue, Update, VersionSets, VersioningIntent,
};

use VersioningIntent::{Compatible, Default, Unspecified};

/// Builds a queue by applying updates at increasing wall times.
#[track_caller]
fn queue(updates: &[Update]) -> VersionSets {
    let mut sets = VersionSets::new();
    for (now, update) in (1..).zip(updates) {
        assert!(
            sets.apply(update, now, Limits::SERVER_DEFAULT).is_ok(),
            "{update:?}"
        );
    }
    sets
}

fn add_default(text: &str) -> Update {
    Update::add_new_default(id(text))
}

fn add_compatible(new: &str, existing: &str) -> Update {
    Update::add_new_compatible(id(new), id(existing), QueueDefault::Keep)
}

fn resolve(
    sets: &VersionSets,
    intent: VersioningIntent,
    caller: Option<&str>,
    same: bool,
) -> Target {
    let queue = if same {
        TargetQueue::Same
    } else {
        TargetQueue::Other
    };
    sets.resolve(intent, caller, queue).into_target()
}

fn set_default(text: &str) -> Target {
    Target::SetDefault(id(text))
}

/// F1
#[test]
fn test_basic_version_update() {
    let sets = queue(&[add_default("foo")]);
    assert_eq!(sets.default_build_id(), Some(&id("foo")));
}

/// F2: ten sets is exactly the server's default limit.
#[test]
fn test_series_of_updates() {
    let mut updates: Vec<_> = (0..10).map(|i| add_default(&format!("foo-{i}"))).collect();
    updates.push(add_compatible("foo-2.1", "foo-2"));
    let sets = queue(&updates);
    assert_eq!(sets.default_build_id(), Some(&id("foo-9")));
    assert_eq!(ids(&sets)[2], ["foo-2", "foo-2.1"]);
    let mut over = sets.clone();
    let err = over
        .apply(&add_default("foo-10"), 99, Limits::SERVER_DEFAULT)
        .unwrap_err();
    assert_eq!(err.code(), Code::FailedPrecondition);
    assert_eq!(over, sets);
}

/// F3
#[test]
fn test_link_to_nonexistent_compatible_version_returns_not_found() {
    let mut sets = VersionSets::new();
    let err = sets
        .apply(&add_compatible("foo", "i don't exist yo"), 1, Limits::NONE)
        .unwrap_err();
    assert_eq!(err.code(), Code::NotFound);
    assert_eq!(
        err.to_string(),
        "targeted compatible_version i don't exist yo not found"
    );
}

/// F9: a worker that polls before its build ID is registered polls its guessed set; once
/// registered it polls that very set ID.
#[test]
fn test_dispatch_new_workflow_start_worker_first() {
    let mut sets = VersionSets::new();
    let guessed = sets.poll("v1").unwrap().set_id();
    assert_eq!(
        guessed.as_ref().map(|s| s.as_str().to_owned()),
        Some(h("v1"))
    );
    sets.apply(&add_default("v1"), 1, Limits::NONE).unwrap();
    assert!(matches!(sets.poll("v1"), Ok(DispatchQueue::Set(_))));
    assert_eq!(sets.poll("v1").unwrap().set_id(), guessed);
    assert_eq!(resolve(&sets, Default, None, true), set_default("v1"));
}

/// F10: an unversioned workflow stays unversioned after the queue becomes versioned.
#[test]
fn test_dispatch_unversioned_remains_unversioned() {
    let sets = queue(&[add_default("v1")]);
    assert_eq!(resolve(&sets, Unspecified, None, true), Target::Unversioned);
    assert_eq!(resolve(&sets, Compatible, None, true), Target::Unversioned);
}

/// F11: after `v11` joins `v1`'s set, `v1`'s polls and sticky tasks are refused and its
/// workflows move to `v11`.
#[test]
fn test_dispatch_upgrade_stop_old_old() {
    let sets = queue(&[add_default("v1"), add_compatible("v11", "v1")]);
    assert_eq!(ids(&sets), lists(&[&["v1", "v11"]]));
    let refused = sets.poll("v1").unwrap_err();
    assert_eq!(refused.default_build_id, id("v11"));
    assert_eq!(refused.code(), Code::OutOfRange);
    assert_eq!(
        refused.to_string(),
        "Task queue has a newer compatible build: \"v11\""
    );
    assert_eq!(sets.sticky_poll("v1"), Err(refused));
    assert_eq!(sets.sticky_add("v1"), Err(StickyWorkerUnavailable));
    assert_eq!(
        StickyWorkerUnavailable.to_string(),
        "sticky worker unavailable, please use original task queue."
    );
    assert_eq!(sets.sticky_add("v11"), Ok(()));
    assert_eq!(sets.sticky_poll("v11"), Ok(()));
    // The workflow task of a `v1` workflow goes to `v1`'s set, which `v11` polls.
    let task = sets.add_task(Some("v1"));
    assert_eq!(task.set_id(), sets.poll("v11").unwrap().set_id());
    assert_eq!(
        resolve(&sets, Compatible, Some("v1"), true),
        set_default("v11")
    );
}

/// F12: a workflow on `v1` after `v2` became the default: compatible activities stay on
/// `v1`, default ones go to `v2`.
#[test]
fn test_dispatch_activity_old() {
    let sets = queue(&[add_default("v1"), add_default("v2")]);
    assert_eq!(
        resolve(&sets, Compatible, Some("v1"), true),
        set_default("v1")
    );
    assert_eq!(resolve(&sets, Default, Some("v1"), true), set_default("v2"));
    assert_eq!(
        resolve(&sets, Unspecified, Some("v1"), true),
        set_default("v1")
    );
}

/// F13
#[test]
fn test_dispatch_activity_compatible() {
    let sets = queue(&[add_default("v1"), add_compatible("v11", "v1")]);
    assert_eq!(
        resolve(&sets, Compatible, Some("v11"), true),
        set_default("v11")
    );
}

/// F15 and F18: a compatible intent aimed at another task queue fails the workflow task.
#[test]
fn test_dispatch_activity_cross_tq_fails() {
    let sets = queue(&[add_default("v1")]);
    assert_eq!(
        resolve(&sets, Compatible, Some("v1"), false),
        Target::Rejected
    );
    assert_eq!(resolve(&sets, Compatible, None, false), Target::Rejected);
    // Without an intent, another queue means default.
    assert_eq!(
        resolve(&sets, Unspecified, Some("v1"), false),
        set_default("v1")
    );
}

/// F16
#[test]
fn test_dispatch_child_workflow_old() {
    let sets = queue(&[add_default("v1"), add_default("v2")]);
    assert_eq!(
        resolve(&sets, Compatible, Some("v1"), true),
        set_default("v1")
    );
    assert_eq!(resolve(&sets, Default, Some("v1"), true), set_default("v2"));
}

/// F17
#[test]
fn test_dispatch_child_workflow_upgrade_old() {
    let sets = queue(&[add_default("v1"), add_compatible("v11", "v1")]);
    assert_eq!(
        resolve(&sets, Unspecified, Some("v11"), true),
        set_default("v11")
    );
}

/// F19, F21, F22 and F23 share one queue: `[[v1, v11], [v2]]`.
#[test]
fn test_dispatch_query_continue_as_new_retry_and_cron_old() {
    let sets = queue(&[
        add_default("v1"),
        add_compatible("v11", "v1"),
        add_default("v2"),
    ]);
    assert_eq!(ids(&sets), lists(&[&["v1", "v11"], &["v2"]]));
    // F19: queries of a `v1` workflow are answered by `v11`; new workflows go to `v2`.
    assert_eq!(
        resolve(&sets, Compatible, Some("v1"), true),
        set_default("v11")
    );
    assert_eq!(resolve(&sets, Default, None, true), set_default("v2"));
    // F21: continue-as-new without intent stays compatible, with DEFAULT moves to `v2`.
    assert_eq!(
        resolve(&sets, Unspecified, Some("v11"), true),
        set_default("v11")
    );
    assert_eq!(
        resolve(&sets, Default, Some("v11"), true),
        set_default("v2")
    );
    // F22: retries resolve as compatible: never `v2`.
    assert_eq!(
        resolve(&sets, Compatible, Some("v11"), true),
        set_default("v11")
    );
    // F23: cron runs resolve as default.
    assert_eq!(resolve(&sets, Default, Some("v1"), true), set_default("v2"));
}

/// F20
#[test]
fn test_dispatch_continue_as_new_old() {
    let mut sets = queue(&[add_default("v1")]);
    assert_eq!(
        resolve(&sets, Compatible, Some("v1"), true),
        set_default("v1")
    );
    sets.apply(&add_default("v2"), 10, Limits::NONE).unwrap();
    assert_eq!(resolve(&sets, Default, Some("v1"), true), set_default("v2"));
}

/// F24: only set defaults may poll.
#[test]
fn test_describe_task_queue_legacy_version_sets() {
    let sets = queue(&[
        add_default("v1"),
        add_compatible("v11", "v1"),
        add_default("v2"),
    ]);
    assert!(sets.poll("v1").is_err());
    assert!(sets.poll("v11").is_ok());
    assert!(sets.poll("v2").is_ok());
    let refused: Vec<_> = sets.non_default_members().map(|r| r.id().clone()).collect();
    assert_eq!(refused, [id("v1")]);
}

/// M1
#[test]
fn test_get_versioning_data() {
    assert!(VersionSets::new().response(0).major_version_sets.is_empty());
    let mut updates: Vec<_> = (0..10).map(|i| add_default(&i.to_string())).collect();
    updates.push(add_compatible("9.0", "9"));
    updates.extend((1..80).map(|i| add_compatible(&format!("9.{i}"), &format!("9.{}", i - 1))));
    let sets = queue(&updates);
    assert_eq!(sets.build_id_count(), 90);
    let all = public(&sets, 0);
    assert_eq!(all[0], ["0"]);
    let mut expected_last = vec!["9".to_owned()];
    expected_last.extend((0..80).map(|i| format!("9.{i}")));
    assert_eq!(all[9], expected_last);
    assert_eq!(public(&sets, 1), [expected_last]);
    assert_eq!(public(&sets, 5)[0], ["5"]);
}

/// M3: a task for an unknown build ID and a poller of it meet on the same guessed set ID.
#[test]
fn test_unknown_build_id_match() {
    let sets = VersionSets::new();
    let unknown = id("unknown");
    let task = sets.add_task(Some(unknown.as_str()));
    let poll = sets.poll(unknown.as_str()).unwrap();
    assert!(matches!(task, DispatchQueue::Guessed(_)));
    assert_eq!(task, poll);
    assert_eq!(
        task.set_id().map(|s| s.as_str().to_owned()),
        Some(h("unknown"))
    );
    assert_eq!(sets.add_task(None), DispatchQueue::Unversioned);
}

/// M4: after a merge renamed the set, a `build1` poller still drains `build0`'s queue.
#[test]
fn test_demoted_match() {
    let sets = load(vec![set(
        &[&h("build1"), &h("build0")],
        vec![active("build0", at(1)), active("build1", at(2))],
        at(1),
    )]);
    let Ok(DispatchQueue::Set(set)) = sets.poll("build1") else {
        panic!("build1 is its set's default and must be accepted");
    };
    let drained: Vec<_> = set.set_ids().map(|s| s.as_str().to_owned()).collect();
    assert!(drained.contains(&h("build0")) && drained.contains(&h("build1")));
    assert_eq!(
        std::iter::once(set.primary_set_id())
            .chain(set.demoted_set_ids())
            .count(),
        2
    );
    // A task for `build0` goes to the very set `build1` polls.
    assert_eq!(
        sets.add_task(Some("build0")).set_id(),
        Some(set.primary_set_id().clone())
    );
}

/// D7: limits are checked on no-ops too.
#[test]
fn d7_limit_on_a_noop() {
    let mut sets = init(10, T0);
    let limits = Limits {
        max_sets: 5,
        max_build_ids: 0,
    };
    let err = sets
        .apply(&Update::promote_set_by_build_id(id("9")), 1, limits)
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "update would exceed number of compatible version sets permitted in namespace dynamic config (10/5)"
    );
    assert_eq!(
        sets.apply(&Update::promote_set_by_build_id(id("9")), 1, Limits::NONE),
        Ok(Outcome::NoOp)
    );
}

/// D8: a tombstone still exists: re-adding it as the sole default is a no-op that leaves it
/// deleted; elsewhere it is an error.
#[test]
fn d8_tombstoned_sole_default() {
    let mut sets = load(vec![
        set(&[&h("0")], vec![active("0", T0)], T0),
        set(&[&h("1")], vec![deleted("1", T0)], T0),
    ]);
    assert_eq!(
        sets.apply(&add_default("1"), 1, Limits::NONE),
        Ok(Outcome::NoOp)
    );
    assert!(!sets.record("1").unwrap().is_active());

    let mut sets = load(vec![
        set(&[&h("0")], vec![deleted("0", T0)], T0),
        set(&[&h("1")], vec![active("1", T0)], T0),
    ]);
    let err = sets.apply(&add_default("0"), 1, Limits::NONE).unwrap_err();
    assert_eq!(err.to_string(), "version 0 already exists");
}

/// D9: merging the queue's default set into an older primary keeps the merged set the
/// default, and makes the primary's default the queue's default build ID.
#[test]
fn d9_merge_where_the_secondary_is_the_queue_default() {
    let mut sets = init_stamped(&[at(1), at(2), at(3)]);
    assert_eq!(
        sets.apply(&Update::merge_sets(id("0"), id("2")), 10, Limits::NONE),
        Ok(Outcome::Changed)
    );
    assert_eq!(ids(&sets), lists(&[&["1"], &["2", "0"]]));
    assert_eq!(set_ids(&sets, 1), [h("2"), h("0")]);
    assert_eq!(
        sets.sets().nth(1).unwrap().became_default_timestamp(),
        at(3)
    );
    assert_eq!(sets.default_build_id(), Some(&BuildId::new("0").unwrap()));
}
