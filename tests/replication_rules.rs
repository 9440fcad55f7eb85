//! The rules of receiving a replica (`receive.*` in docs/semantics.md), removing build IDs in
//! a single- or multi-cluster namespace, the garbage-collection planner (`gc.*`) and
//! reachability (`reachability.*`), one test per rule, named after it.

mod support;

use support::*;
use version_sets::{
    BuildId, BuildIdState, ClusterMode, GcPolicy, Hlc, Limits, Outcome, QueueDefault,
    ReachabilityError, ReachabilityQuery, ReachabilityType, Retention, StatusFilter,
    TaskReachability, Update, VersionSets, VisibilityQuery,
};

const HOUR: i64 = 3_600_000;
const DAY: i64 = 24 * HOUR;

#[track_caller]
fn apply(sets: &mut VersionSets, update: Update, now: i64) {
    sets.apply(&update, now, Limits::NONE).unwrap();
}

/// `[[1.0, 1.1], [2.0]]` on cluster 1, stamped at 1, 2, 3 s.
fn two_sets() -> VersionSets {
    let mut sets = VersionSets::new().with_cluster_id(1);
    apply(&mut sets, Update::add_new_default(id("1.0")), 1_000);
    apply(
        &mut sets,
        Update::add_new_compatible(id("1.1"), id("1.0"), QueueDefault::Keep),
        2_000,
    );
    apply(&mut sets, Update::add_new_default(id("2.0")), 3_000);
    sets
}

/// Live build IDs in stored order (read from the stored form, which does not change with
/// the core's API).
fn active_ids(sets: &VersionSets) -> Vec<String> {
    let data = sets.to_data();
    let records = data.version_sets.iter().flat_map(|set| &set.build_ids);
    records
        .filter(|r| r.state == Some(BuildIdState::Active))
        .map(|r| r.id.clone())
        .collect()
}

// ---- receiving a replica ------------------------------------------------------------

#[test]
fn receive_revives_a_build_id_deleted_there_and_still_used_here() {
    let here = two_sets();
    let mut there = here.clone().with_cluster_id(2);
    there.remove_build_ids(&[id("1.0")], 5_000);
    let received = here.receive(&there, 6_000, |_| true);
    assert_eq!(received.revived, [id("1.0")]);
    let record = received.state.record("1.0").unwrap();
    assert_eq!(record.state(), BuildIdState::Active);
    assert_eq!(received.state.validate(), Ok(()));
}

#[test]
fn receive_stamps_a_revival_after_the_merged_stamp_with_the_local_cluster() {
    let here = two_sets();
    let mut there = here.clone().with_cluster_id(2);
    there.remove_build_ids(&[id("1.0")], 5_000);
    let deleted_at = there.record("1.0").unwrap().state_update_timestamp();
    // The local wall clock is behind the deletion: the stamp still moves past it.
    let received = here.receive(&there, 4_000, |_| true);
    let record = received.state.record("1.0").unwrap();
    assert_eq!(
        record.state_update_timestamp(),
        Hlc {
            wall_clock: deleted_at.wall_clock,
            version: deleted_at.version + 1,
            cluster_id: 1,
        }
    );
    assert_eq!(
        record.became_default_timestamp(),
        here.record("1.0").unwrap().became_default_timestamp()
    );
    assert!(received.state.clock() >= record.state_update_timestamp());
    assert_eq!(received.state.cluster_id(), 1);
}

#[test]
fn receive_lets_an_unused_deleted_build_id_go() {
    let here = two_sets();
    let mut there = here.clone().with_cluster_id(2);
    there.remove_build_ids(&[id("1.0")], 5_000);
    let received = here.receive(&there, 6_000, |_| false);
    assert!(received.revived.is_empty());
    assert!(!received.state.contains("1.0"));
    assert_eq!(active_ids(&received.state), ["1.1", "2.0"]);
}

#[test]
fn receive_asks_only_about_build_ids_active_here_and_not_there() {
    let mut here = two_sets();
    apply(&mut here, Update::add_new_default(id("3.0")), 4_000);
    here.remove_build_ids(&[id("2.0")], 4_500);
    let mut there = two_sets().with_cluster_id(2);
    there.remove_build_ids(&[id("1.0"), id("1.1"), id("2.0")], 5_000);
    let mut asked = Vec::new();
    let _ = here.receive(&there, 6_000, |build_id| {
        asked.push(build_id.to_string());
        false
    });
    // 2.0 is deleted here already; 3.0 is absent there, which counts as not active.
    assert_eq!(asked, ["1.0", "1.1", "3.0"]);
}

#[test]
fn receive_revives_the_set_default_when_it_was_deleted() {
    let here = two_sets();
    let mut there = here.clone().with_cluster_id(2);
    there.remove_build_ids(&[id("1.0"), id("1.1")], 5_000);
    let received = here.receive(&there, 6_000, |build_id| build_id.as_str() == "1.0");
    assert_eq!(received.revived, [id("1.0"), id("1.1")]);
    assert_eq!(active_ids(&received.state), ["1.0", "1.1", "2.0"]);
    assert_eq!(
        received.state.set_default_of("1.0").map(BuildId::as_str),
        Some("1.1")
    );
}

#[test]
fn receive_clears_tombstones() {
    let here = two_sets();
    let mut there = here.clone().with_cluster_id(2);
    there.remove_build_ids(&[id("1.0"), id("1.1")], 5_000);
    let received = here.receive(&there, 6_000, |_| false);
    assert_eq!(ids(&received.state), lists(&[&["2.0"]]));
}

#[test]
fn receive_without_revival_is_the_merge_with_tombstones_cleared() {
    let mut here = two_sets();
    let mut there = here.clone().with_cluster_id(2);
    apply(&mut there, Update::add_new_default(id("3.0")), 7_000);
    here.remove_build_ids(&[id("1.0")], 8_000);
    let received = here.receive(&there, 9_000, |_| true);
    let mut expected = here.join(&there);
    expected.clear_tombstones();
    assert!(received.revived.is_empty());
    assert_eq!(received.state, expected);
}

// ---- removing build IDs -------------------------------------------------------------

#[test]
fn remove_unused_in_a_single_cluster_namespace_clears_in_the_same_update() {
    let sets = two_sets();
    let removal = sets.remove_unused(&[id("1.0")], 5_000, ClusterMode::SingleCluster);
    assert!(removal.replicated.is_none());
    assert_eq!(ids(&removal.local), lists(&[&["1.1"], &["2.0"]]));
    assert_eq!(removal.local.clock().wall_clock, 5_000);
}

#[test]
fn remove_unused_in_a_multi_cluster_namespace_replicates_tombstones_then_clears_locally() {
    let sets = two_sets();
    let removal = sets.remove_unused(&[id("1.0")], 5_000, ClusterMode::MultiCluster);
    let replicated = removal.replicated.unwrap();
    assert_eq!(
        replicated.record("1.0").unwrap().state(),
        BuildIdState::Deleted
    );
    assert_eq!(ids(&removal.local), lists(&[&["1.1"], &["2.0"]]));
    // The clearing is a second update with its own, later clock.
    assert!(removal.local.clock() > replicated.clock());
    assert_eq!(removal.local.validate(), Ok(()));
    // Another cluster that receives the tombstones deletes the build ID too.
    let other = sets.clone().with_cluster_id(2);
    let received = other.receive(&replicated, 6_000, |_| false);
    assert!(!received.state.contains("1.0"));
}

#[test]
fn remove_unused_in_a_multi_cluster_namespace_stamps_the_clearing_with_this_cluster() {
    let here = two_sets();
    // The other cluster removes 1.0 first; receiving that moves this clock to its stamp,
    // which carries cluster 2.
    let mut there = here.clone().with_cluster_id(2);
    there.remove_build_ids(&[id("1.0")], 5_000);
    let received = here.receive(&there, 5_500, |_| false).state;
    assert_eq!(received.clock().cluster_id, 2);
    // This cluster's scavenger, planned before the replica came, removes 1.0 too: there is
    // nothing left to tombstone, but the local clearing is still an update of this cluster.
    let removal = received.remove_unused(&[id("1.0")], 6_000, ClusterMode::MultiCluster);
    assert_eq!(
        removal.local.clock(),
        Hlc {
            wall_clock: 6_000,
            version: 0,
            cluster_id: 1,
        }
    );
}

// ---- the garbage-collection planner -------------------------------------------------

const POLICY: GcPolicy = GcPolicy {
    min_since_default_ms: HOUR,
    retention_ms: DAY,
    retention: Retention::Respect,
};

#[test]
fn gc_never_removes_the_queue_default() {
    let mut sets = VersionSets::new();
    apply(&mut sets, Update::add_new_default(id("1.0")), 0);
    assert!(
        sets.removable_build_ids(&POLICY, 10 * DAY, |_| false)
            .is_empty()
    );
}

#[test]
fn gc_removes_a_set_default_only_with_its_whole_set() {
    let sets = two_sets();
    let now = 10 * DAY;
    // 1.0 is in use, so 1.1 (its set's default) stays with it.
    assert!(
        sets.removable_build_ids(&POLICY, now, |b| b.as_str() == "1.0")
            .is_empty()
    );
    assert_eq!(
        sets.removable_build_ids(&POLICY, now, |_| false),
        [id("1.0"), id("1.1")]
    );
}

#[test]
fn gc_skips_deleted_build_ids() {
    let mut sets = two_sets();
    sets.remove_build_ids(&[id("1.0")], 4_000);
    let mut asked = Vec::new();
    let removable = sets.removable_build_ids(&POLICY, 10 * DAY, |b| {
        asked.push(b.to_string());
        false
    });
    // With 1.0 a tombstone, 1.1 is the last live build ID of its set and can go.
    assert_eq!(removable, [id("1.1")]);
    assert_eq!(asked, ["1.1"]);
}

#[test]
fn gc_keeps_a_build_id_that_became_default_recently() {
    let sets = two_sets();
    // 1.1 became its set's default at 2 s; an hour has not passed at 1 h + 1.5 s, but
    // has for 1.0 (at 1 s).
    let recent = GcPolicy {
        retention: Retention::Ignore,
        ..POLICY
    };
    let removable = sets.removable_build_ids(&recent, HOUR + 1_500, |_| false);
    assert_eq!(removable, [id("1.0")]);
}

#[test]
fn gc_removes_a_build_id_that_became_default_exactly_min_since_default_ago() {
    let sets = two_sets();
    // 1.0 became its set's default at 1 s. The server skips it while `now − became
    // default < min` (`gc.since-default`), so at exactly an hour it may go, a millisecond
    // earlier it stays.
    let at = GcPolicy {
        retention: Retention::Ignore,
        ..POLICY
    };
    assert_eq!(
        sets.removable_build_ids(&at, 1_000 + HOUR, |_| false),
        [id("1.0")]
    );
    assert!(
        sets.removable_build_ids(&at, 1_000 + HOUR - 1, |_| false)
            .is_empty()
    );
}

#[test]
fn gc_default_min_since_default_is_the_servers_one_hour() {
    // `worker.removableBuildIdDurationSinceDefault` defaults to 1 h (`gc.since-default`).
    let sets = two_sets();
    let at = GcPolicy {
        min_since_default_ms: GcPolicy::DEFAULT_MIN_SINCE_DEFAULT_MS,
        retention: Retention::Ignore,
        ..POLICY
    };
    assert_eq!(GcPolicy::DEFAULT_MIN_SINCE_DEFAULT_MS, 3_600_000);
    assert_eq!(
        sets.removable_build_ids(&at, 1_000 + 3_600_000, |_| false),
        [id("1.0")]
    );
    assert!(
        sets.removable_build_ids(&at, 1_000 + 3_599_999, |_| false)
            .is_empty()
    );
}

#[test]
fn gc_keeps_a_build_id_whose_state_changed_within_the_retention() {
    let sets = two_sets();
    let within = POLICY;
    assert!(sets.removable_build_ids(&within, DAY, |_| false).is_empty());
    let ignored = GcPolicy {
        retention: Retention::Ignore,
        ..within
    };
    assert_eq!(
        sets.removable_build_ids(&ignored, DAY, |_| false),
        [id("1.0"), id("1.1")]
    );
}

#[test]
fn gc_removes_a_build_id_whose_state_changed_exactly_the_retention_ago() {
    let sets = two_sets();
    // 1.0's state was set at 1 s. The server skips it while `now − state update <
    // retention`, so at exactly a day it may go, a millisecond earlier it stays (1.1,
    // set at 2 s, stays either way, as its set's default).
    assert_eq!(
        sets.removable_build_ids(&POLICY, 1_000 + DAY, |_| false),
        [id("1.0")]
    );
    assert!(
        sets.removable_build_ids(&POLICY, 1_000 + DAY - 1, |_| false)
            .is_empty()
    );
}

// ---- reachability --------------------------------------------------------------------

/// A request for `build_ids`.
fn query<'a>(
    build_ids: &'a [&'a str],
    kind: ReachabilityType,
    max_build_ids: usize,
) -> ReachabilityQuery<'a> {
    ReachabilityQuery {
        build_ids,
        kind,
        max_build_ids,
    }
}

/// Reachability of `build_id` on `sets` with every count answered `exists`, and the
/// queries asked.
#[track_caller]
fn reach(
    sets: &VersionSets,
    build_id: &str,
    kind: ReachabilityType,
    now: i64,
    exists: bool,
) -> (Vec<TaskReachability>, Vec<VisibilityQuery>) {
    let mut queries = Vec::new();
    let result = sets
        .reachability(&query(&[build_id], kind, 5), now, |query| {
            queries.push(query.clone());
            exists
        })
        .unwrap();
    (result[0].reachability.clone(), queries)
}

#[test]
fn reachability_of_unknown_deleted_or_non_default_build_ids_is_empty_without_a_query() {
    let mut sets = two_sets();
    sets.remove_build_ids(&[id("1.1")], 4_000);
    for build_id in ["9.9", "1.1", "1.0"] {
        let (result, queries) = reach(
            &sets,
            build_id,
            ReachabilityType::ExistingWorkflows,
            5_000,
            true,
        );
        assert!(result.is_empty(), "{build_id}");
        assert!(queries.is_empty(), "{build_id}");
    }
}

#[test]
fn reachability_of_the_queue_default_counts_new_workflows_and_unprocessed_ones() {
    let sets = two_sets();
    let (result, queries) = reach(&sets, "2.0", ReachabilityType::OpenWorkflows, DAY, true);
    assert_eq!(
        result,
        [
            TaskReachability::NewWorkflows,
            TaskReachability::OpenWorkflows
        ]
    );
    assert_eq!(
        queries,
        [VisibilityQuery {
            build_ids: vec!["versioned:2.0".to_owned()],
            unprocessed: true,
            status: StatusFilter::Running,
        }]
    );
}

#[test]
fn reachability_of_an_old_set_default_gets_new_workflows_within_the_grace_period() {
    let sets = two_sets();
    // The set [1.0, 1.1] became the default at 1 s (and stopped being it at 3 s): the
    // server measures the five minutes of grace from its became-default timestamp.
    let within = 1_000 + 5 * 60_000 - 1;
    let (result, queries) = reach(
        &sets,
        "1.1",
        ReachabilityType::ExistingWorkflows,
        within,
        false,
    );
    assert_eq!(result, [TaskReachability::NewWorkflows]);
    assert_eq!(
        queries[0].build_ids,
        ["versioned:1.0".to_owned(), "versioned:1.1".to_owned()]
    );
    assert!(!queries[0].unprocessed);
    let after = 1_000 + 5 * 60_000;
    let (result, _) = reach(
        &sets,
        "1.1",
        ReachabilityType::ExistingWorkflows,
        after,
        true,
    );
    assert_eq!(result, [TaskReachability::ExistingWorkflows]);
}

#[test]
fn reachability_of_unversioned_workers() {
    let empty = VersionSets::new();
    let (result, queries) = reach(&empty, "", ReachabilityType::ClosedWorkflows, DAY, true);
    assert_eq!(
        result,
        [
            TaskReachability::NewWorkflows,
            TaskReachability::ClosedWorkflows
        ]
    );
    // Workflows that never ran a task are open, so a count of closed ones leaves them out.
    assert_eq!(
        queries,
        [VisibilityQuery {
            build_ids: vec!["unversioned".to_owned()],
            unprocessed: false,
            status: StatusFilter::Closed,
        }]
    );
    let (_, queries) = reach(&empty, "", ReachabilityType::ExistingWorkflows, DAY, true);
    assert!(queries[0].unprocessed);
    let sets = two_sets();
    let (result, _) = reach(&sets, "", ReachabilityType::ExistingWorkflows, 2_000, false);
    assert_eq!(
        result,
        [TaskReachability::NewWorkflows],
        "versioned recently"
    );
    let (result, queries) = reach(&sets, "", ReachabilityType::ExistingWorkflows, DAY, false);
    assert!(result.is_empty());
    assert!(!queries[0].unprocessed);
}

#[test]
fn reachability_new_workflows_makes_no_query_and_unspecified_means_existing() {
    let sets = two_sets();
    let (result, queries) = reach(&sets, "2.0", ReachabilityType::NewWorkflows, DAY, true);
    assert_eq!(result, [TaskReachability::NewWorkflows]);
    assert!(queries.is_empty());
    let (result, queries) = reach(&sets, "2.0", ReachabilityType::Unspecified, DAY, true);
    assert_eq!(
        result,
        [
            TaskReachability::NewWorkflows,
            TaskReachability::ExistingWorkflows
        ]
    );
    assert_eq!(queries[0].status, StatusFilter::Any);
}

#[test]
fn reachability_answers_in_request_order() {
    let sets = two_sets();
    let answers = sets
        .reachability(
            &query(
                &["2.0", "", "1.1", "2.0"],
                ReachabilityType::NewWorkflows,
                5,
            ),
            DAY,
            |_| true,
        )
        .unwrap();
    let order: Vec<&str> = answers.iter().map(|a| a.build_id.as_str()).collect();
    assert_eq!(order, ["2.0", "", "1.1", "2.0"]);
}

#[test]
fn reachability_refuses_bad_requests_with_the_server_messages() {
    let sets = two_sets();
    let long = "x".repeat(256);
    let cases: [(&[&str], ReachabilityError, &str); 3] = [
        (
            &[],
            ReachabilityError::NoBuildIds,
            "Must query at least one build ID (or empty string for unversioned worker)",
        ),
        (
            &["1", "2", "3"],
            ReachabilityError::TooManyBuildIds { limit: 2 },
            "Too many build ids queried at once, limit: 2",
        ),
        (
            &[long.as_str()],
            ReachabilityError::BuildIdTooLong {
                build_id: long.clone(),
            },
            "Build ID exceeds configured limit.workerBuildIdSize, use a shorter build ID.",
        ),
    ];
    for (build_ids, error, message) in cases {
        let got = sets
            .reachability(
                &query(build_ids, ReachabilityType::ExistingWorkflows, 2),
                0,
                |_| panic!("no count for a bad request"),
            )
            .unwrap_err();
        assert_eq!(got, error);
        assert_eq!(got.to_string(), message);
        assert_eq!(got.code().as_str(), "INVALID_ARGUMENT");
    }
    // 255 bytes is allowed.
    let longest = "x".repeat(255);
    assert!(
        sets.reachability(
            &query(&[&longest], ReachabilityType::NewWorkflows, 2),
            0,
            |_| false
        )
        .is_ok()
    );
}

// ---- the merge on a value whose sets share a set ID ----------------------------------

/// A build ID cleared and added again while its hash is still another set's demoted set ID
/// leaves one value with two sets sharing that set ID (`clear-tombstones.readd`). The merge joins
/// sets that share a set ID, so the first merge of such a value, even with itself, joins
/// them, as the server's does; from then on merging changes nothing.
#[test]
fn merge_joins_two_sets_of_one_value_that_share_a_set_id() {
    let mut sets = two_sets();
    apply(&mut sets, Update::add_new_default(id("3.0")), 4_000);
    apply(&mut sets, Update::merge_sets(id("2.0"), id("3.0")), 5_000);
    sets.remove_build_ids(&[id("3.0")], 6_000);
    sets.clear_tombstones();
    apply(&mut sets, Update::add_new_default(id("3.0")), 7_000);
    assert_eq!(ids(&sets), lists(&[&["1.0", "1.1"], &["2.0"], &["3.0"]]));
    assert_eq!(set_ids(&sets, 1), {
        let mut both = vec![h("2.0"), h("3.0")];
        both.sort();
        both
    });
    let joined = sets.join(&sets);
    assert_eq!(ids(&joined), lists(&[&["1.0", "1.1"], &["2.0", "3.0"]]));
    assert_eq!(joined.join(&joined), joined);
    assert_eq!(joined.validate(), Ok(()));
}

#[test]
fn receive_reports_a_default_revived_twice_once() {
    let here = two_sets();
    let mut there = here.clone().with_cluster_id(2);
    there.remove_build_ids(&[id("1.0"), id("1.1")], 5_000);
    let deleted_at = there.record("1.1").unwrap().state_update_timestamp();
    let received = here.receive(&there, 6_000, |_| true);
    assert_eq!(received.revived, [id("1.0"), id("1.1")]);
    // 1.1 was revived as 1.0's set default, then again as a build ID still in use, as the
    // server does: its stamp moved on twice.
    let stamp = received
        .state
        .record("1.1")
        .unwrap()
        .state_update_timestamp();
    assert_eq!(stamp.wall_clock, 6_000);
    assert_eq!(stamp.version, 1);
    assert!(stamp > deleted_at);
}

// ---- the public types ------------------------------------------------------------------

#[test]
fn replication_types_are_send_and_sync() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<version_sets::Received>();
    assert_send_sync::<version_sets::Removal>();
    assert_send_sync::<GcPolicy>();
    assert_send_sync::<ReachabilityError>();
    assert_send_sync::<version_sets::BuildIdReachability>();
    assert_send_sync::<VisibilityQuery>();
}

#[test]
fn task_reachability_prints_the_proto_enum_names() {
    let names: Vec<String> = [
        TaskReachability::NewWorkflows,
        TaskReachability::ExistingWorkflows,
        TaskReachability::OpenWorkflows,
        TaskReachability::ClosedWorkflows,
    ]
    .iter()
    .map(ToString::to_string)
    .collect();
    assert_eq!(
        names,
        [
            "TASK_REACHABILITY_NEW_WORKFLOWS",
            "TASK_REACHABILITY_EXISTING_WORKFLOWS",
            "TASK_REACHABILITY_OPEN_WORKFLOWS",
            "TASK_REACHABILITY_CLOSED_WORKFLOWS",
        ]
    );
}

// ---- a late, older replica ----------------------------------------------------------

/// `merge-replica.noop` holds for a replica with nothing newer than what this value still
/// holds, tombstones included. A late replica older than a tombstone cleared here is not
/// one: the merge keeps every build ID present on either side, and the cleared build ID is
/// now on the replica's side only, so it comes back, live. The server's
/// `MergeVersioningData` does the same (it too takes the union of the build IDs), so this is
/// a limit of tombstone clearing, not a divergence.
#[test]
fn merge_of_a_late_older_replica_brings_back_a_build_id_whose_tombstone_was_cleared() {
    let older = two_sets();
    let mut here = older.clone();
    assert_eq!(here.remove_build_ids(&[id("1.0")], 4_000), Outcome::Changed);
    // While the tombstone is held, the older replica holds nothing newer: nothing changes.
    assert_eq!(here.join(&older).to_data(), here.to_data());
    assert_eq!(here.clear_tombstones(), Outcome::Changed);
    assert_eq!(active_ids(&here), ["1.1", "2.0"]);
    let merged = here.join(&older);
    assert_eq!(active_ids(&merged), ["1.0", "1.1", "2.0"]);
    assert_ne!(merged.to_data(), here.to_data());
    assert_eq!(ids(&merged), lists(&[&["1.0", "1.1"], &["2.0"]]));
}

/// Issue 18, finding 4: empty data loads with the zero clock, which a join or a receive
/// below zero used to take as its clock, so `a ∘ a ≠ a` for an empty `a` below zero.
#[test]
fn join_and_receive_of_empty_values_below_zero_keep_their_clocks() {
    let at = |wall_clock: i64, cluster_id: i64| Hlc {
        wall_clock,
        version: 0,
        cluster_id,
    };
    let (a, b) = (
        VersionSets::starting_at(at(-10, 1)),
        VersionSets::starting_at(at(-20, 2)),
    );
    assert_eq!(a.join(&a), a);
    assert_eq!(a.join(&b).clock(), at(-10, 1));
    assert_eq!(b.join(&a).clock(), at(-10, 1));
    assert_eq!(b.receive(&a, -5, |_| false).state.clock(), at(-10, 1));
}
