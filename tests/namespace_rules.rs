//! The rules of a namespace of task queues (`namespace.*` in docs/semantics.md): the build
//! ID → task queue mapping and `limit.taskQueuesPerBuildId`, task queue names,
//! reachability asked of the namespace and the scavenger's walk over the queues.

mod support;

use support::*;
use version_sets::{
    ClusterMode, Code, GcPolicy, Limits, Namespace, NamespaceLimits, NamespaceReachabilityError,
    NamespaceReachabilityQuery, NamespaceUpdateError, Outcome, QueueDefault, ReachabilityError,
    ReachabilityType, Retention, TaskQueueNameError, TaskReachability, Update, UpdateError,
    VersionSets,
};

const LIMIT_MESSAGE: &str = "Exceeded max task queues allowed to be mapped to a single build ID";

fn limits(per_build_id: usize) -> NamespaceLimits {
    NamespaceLimits {
        queue: Limits::SERVER_DEFAULT,
        task_queues_per_build_id: per_build_id,
    }
}

fn queue(i: usize) -> String {
    format!("q{i:02}")
}

/// `1.0` added as the new default on `n` queues `q00`, `q01`, ...
fn spread(n: usize, limit: usize) -> Namespace {
    let mut namespace = Namespace::new();
    for i in 0..n {
        let outcome = namespace
            .apply(
                &queue(i),
                &Update::add_new_default(id("1.0")),
                1_000,
                limits(limit),
            )
            .unwrap();
        assert_eq!(outcome, Outcome::Changed);
    }
    namespace
}

#[test]
fn namespace_limit_default_is_twenty_and_refuses_the_twenty_first_queue() {
    let mut namespace = spread(20, NamespaceLimits::SERVER_DEFAULT.task_queues_per_build_id);
    assert_eq!(namespace.task_queues_of("1.0").count(), 20);
    let before = namespace.clone();
    let err = namespace
        .apply(
            "q20",
            &Update::add_new_default(id("1.0")),
            2_000,
            NamespaceLimits::SERVER_DEFAULT,
        )
        .unwrap_err();
    assert_eq!(err.to_string(), format!("{LIMIT_MESSAGE}: 20"));
    assert_eq!(err.code(), Code::FailedPrecondition);
    assert_eq!(
        err,
        NamespaceUpdateError::TooManyTaskQueues {
            build_id: id("1.0"),
            limit: 20
        }
    );
    assert_eq!(namespace, before);
    assert!(namespace.queue("q20").is_none());
}

#[test]
fn namespace_limit_exactly_at_the_limit_passes_and_one_past_is_refused() {
    // Two queues at limit 2 pass; the third (one past) is refused.
    let mut namespace = spread(2, 2);
    let err = namespace
        .apply("q02", &Update::add_new_default(id("1.0")), 2_000, limits(2))
        .unwrap_err();
    assert_eq!(err.to_string(), format!("{LIMIT_MESSAGE}: 2"));
    // Limit 3: the third queue is exactly at the limit and passes.
    assert_eq!(
        namespace.apply("q02", &Update::add_new_default(id("1.0")), 2_000, limits(3)),
        Ok(Outcome::Changed)
    );
}

#[test]
fn namespace_limit_is_not_checked_on_a_no_op() {
    let mut namespace = spread(2, 2);
    let again = namespace.apply("q01", &Update::add_new_default(id("1.0")), 2_000, limits(2));
    assert_eq!(again, Ok(Outcome::NoOp));
    // Nor on a promotion of a build ID the queue already holds.
    namespace
        .apply("q01", &Update::add_new_default(id("2.0")), 3_000, limits(2))
        .unwrap();
    let promote = namespace.apply(
        "q01",
        &Update::promote_set_by_build_id(id("1.0")),
        4_000,
        limits(2),
    );
    assert_eq!(promote, Ok(Outcome::Changed));
}

#[test]
fn namespace_limit_refuses_add_compatible_to_another_queue() {
    let mut namespace = spread(2, 2);
    namespace
        .apply(
            "other",
            &Update::add_new_default(id("0.9")),
            2_000,
            limits(2),
        )
        .unwrap();
    let before = namespace.clone();
    let err = namespace
        .apply(
            "other",
            &Update::add_new_compatible(id("1.0"), id("0.9"), QueueDefault::Keep),
            3_000,
            limits(2),
        )
        .unwrap_err();
    assert_eq!(err.to_string(), format!("{LIMIT_MESSAGE}: 2"));
    assert_eq!(namespace, before);
}

#[test]
fn namespace_limit_comes_after_the_queues_own_errors_and_limits() {
    let mut namespace = spread(2, 2);
    // The queue's own precondition first.
    let err = namespace
        .apply(
            "other",
            &Update::add_new_compatible(id("1.0"), id("missing"), QueueDefault::Keep),
            2_000,
            limits(2),
        )
        .unwrap_err();
    assert!(matches!(
        err,
        NamespaceUpdateError::Update(UpdateError::CompatibleNotFound { .. })
    ));
    // Then the queue's limits.
    namespace
        .apply(
            "other",
            &Update::add_new_default(id("0.9")),
            2_000,
            limits(2),
        )
        .unwrap();
    let tight = NamespaceLimits {
        queue: Limits {
            max_sets: 1,
            max_build_ids: 0,
        },
        task_queues_per_build_id: 2,
    };
    let err = namespace
        .apply("other", &Update::add_new_default(id("1.0")), 3_000, tight)
        .unwrap_err();
    assert_eq!(err.code(), Code::FailedPrecondition);
    assert!(matches!(err, NamespaceUpdateError::Update(_)), "{err}");
}

#[test]
fn namespace_limit_zero_means_no_limit() {
    let namespace = spread(30, 0);
    assert_eq!(namespace.task_queues_of("1.0").count(), 30);
}

#[test]
fn namespace_mapping_follows_removal() {
    let mut namespace = spread(2, 2);
    for q in ["q00", "q01"] {
        namespace
            .apply(q, &Update::add_new_default(id("2.0")), 2_000, limits(2))
            .unwrap();
    }
    let policy = GcPolicy {
        min_since_default_ms: 0,
        retention_ms: 0,
        retention: Retention::Ignore,
    };
    let removed = namespace.scavenge(&policy, 10_000, ClusterMode::SingleCluster, |q, _| {
        q == "q01"
    });
    assert_eq!(removed.len(), 1);
    assert_eq!(removed[0].task_queue, "q00");
    assert_eq!(removed[0].build_ids, [id("1.0")]);
    assert!(!namespace.queue("q00").unwrap().contains("1.0"));
    assert_eq!(namespace.task_queues_of("1.0").collect::<Vec<_>>(), ["q01"]);
    // The freed slot can be taken again.
    assert_eq!(
        namespace.apply(
            "q02",
            &Update::add_new_default(id("1.0")),
            20_000,
            limits(2)
        ),
        Ok(Outcome::Changed)
    );
}

#[test]
fn namespace_scavenger_walks_queues_in_name_order() {
    let mut namespace = Namespace::new();
    for q in ["c", "a", "b"] {
        for b in ["1.0", "2.0"] {
            namespace
                .apply(q, &Update::add_new_default(id(b)), 0, limits(0))
                .unwrap();
        }
    }
    let policy = GcPolicy {
        min_since_default_ms: 0,
        retention_ms: 0,
        retention: Retention::Ignore,
    };
    let mut asked = Vec::new();
    let removed = namespace.scavenge(&policy, 10, ClusterMode::MultiCluster, |q, b| {
        asked.push(format!("{q}/{b}"));
        false
    });
    assert_eq!(asked, ["a/1.0", "b/1.0", "c/1.0"]);
    let order: Vec<_> = removed.iter().map(|r| r.task_queue.as_str()).collect();
    assert_eq!(order, ["a", "b", "c"]);
    assert_eq!(namespace.task_queues_of("1.0").count(), 0);
    assert_eq!(namespace.task_queues_of("2.0").count(), 3);
}

#[test]
fn namespace_insert_follows_deltas_without_the_limit() {
    let mut namespace = spread(2, 2);
    let mut data = VersionSets::new();
    data.apply(&Update::add_new_default(id("1.0")), 5, Limits::NONE)
        .unwrap();
    namespace.insert("q02", data).unwrap();
    assert_eq!(namespace.task_queues_of("1.0").count(), 3);
    assert_eq!(namespace.over_limit(2).len(), 1);
    assert_eq!(namespace.over_limit(3).len(), 0);
    namespace.insert("q00", VersionSets::new()).unwrap();
    assert_eq!(
        namespace.task_queues_of("1.0").collect::<Vec<_>>(),
        ["q01", "q02"]
    );
}

#[test]
fn namespace_added_build_id_matches_the_deltas() {
    // The O(1) "added" of an update agrees with the queue's build-ID deltas.
    let updates = [
        Update::add_new_default(id("1.0")),
        Update::add_new_default(id("1.0")),
        Update::add_new_compatible(id("1.1"), id("1.0"), QueueDefault::Keep),
        Update::add_new_default(id("2.0")),
        Update::add_new_compatible(id("1.1"), id("1.0"), QueueDefault::Make),
        Update::add_new_compatible(id("1.2"), id("1.0"), QueueDefault::Make),
        Update::promote_build_id_within_set(id("1.0")),
        Update::merge_sets(id("2.0"), id("1.0")),
        Update::add_new_compatible(id("3.0"), id("2.0"), QueueDefault::Make),
    ];
    let mut namespace = Namespace::new();
    for update in &updates {
        let before = namespace.queue("q").cloned().unwrap_or_default();
        let mapped_before: Vec<_> = ["1.0", "1.1", "1.2", "2.0", "3.0"]
            .iter()
            .map(|b| namespace.task_queues_of(b).count())
            .collect();
        let before_ns = namespace.clone();
        if namespace.apply("q", update, 1_000, limits(1)).is_err() {
            assert_eq!(namespace, before_ns, "a refused update changes nothing");
            continue;
        }
        let deltas = before.build_id_deltas(namespace.queue("q").unwrap());
        assert!(deltas.removed.is_empty());
        for (b, was) in ["1.0", "1.1", "1.2", "2.0", "3.0"]
            .iter()
            .zip(mapped_before)
        {
            let now = namespace.task_queues_of(b).count();
            let added = deltas.added.iter().any(|a| a.as_str() == *b);
            assert_eq!(now, was + usize::from(added), "{b} after {update:?}");
        }
    }
}

#[test]
fn namespace_task_queue_names_are_checked_first() {
    let mut namespace = Namespace::new();
    let add = Update::promote_set_by_build_id(id("missing"));
    let long = "q".repeat(1001);
    let cases = [
        ("", "missing task queue name"),
        (long.as_str(), "taskQueue length exceeds limit"),
        (
            "/_sys/x",
            "task queue name cannot start with reserved prefix /_sys/",
        ),
    ];
    for (name, message) in cases {
        let err = namespace.apply(name, &add, 1, limits(2)).unwrap_err();
        assert_eq!(err.to_string(), message);
        assert_eq!(err.code(), Code::InvalidArgument);
    }
    assert_eq!(Namespace::check_task_queue(&"q".repeat(1000)), Ok(()));
    assert_eq!(
        Namespace::check_task_queue(&long),
        Err(TaskQueueNameError::TooLong { len: 1001 })
    );
    assert_eq!(Namespace::check_task_queue("_sys/x"), Ok(()));
    assert_eq!(
        namespace.insert("", VersionSets::new()),
        Err(TaskQueueNameError::Missing)
    );
    assert_eq!(namespace.queues().count(), 0);
}

fn query<'a>(
    build_ids: &'a [&'a str],
    task_queues: &'a [&'a str],
) -> NamespaceReachabilityQuery<'a> {
    NamespaceReachabilityQuery {
        build_ids,
        task_queues,
        kind: ReachabilityType::ExistingWorkflows,
        max_build_ids: 5,
        max_task_queue_scan: 20,
    }
}

#[test]
fn namespace_reachability_scans_the_mapped_queues_up_to_the_limit() {
    let namespace = spread(21, 0);
    let mut asked = Vec::new();
    let answer = namespace
        .reachability(&query(&["1.0"], &[]), 2_000, |q, v| {
            asked.push(q.to_owned());
            assert_eq!(v.build_ids, ["versioned:1.0"]);
            q == "q03"
        })
        .unwrap();
    assert_eq!(answer.len(), 1);
    let queues = &answer[0].task_queues;
    assert_eq!(queues.len(), 21);
    assert_eq!(asked.len(), 20, "exactly the first 20 are examined");
    assert_eq!(queues[19].task_queue, "q19");
    assert_eq!(
        queues[19].reachability,
        Some(vec![TaskReachability::NewWorkflows])
    );
    assert_eq!(
        queues[3].reachability,
        Some(vec![
            TaskReachability::NewWorkflows,
            TaskReachability::ExistingWorkflows
        ])
    );
    assert_eq!(queues[20].task_queue, "q20");
    assert_eq!(queues[20].reachability, None);
}

#[test]
fn namespace_reachability_with_task_queues_uses_them_in_request_order() {
    let namespace = spread(2, 0);
    let answer = namespace
        .reachability(&query(&["1.0", ""], &["q01", "unknown"]), 2_000, |_, _| {
            false
        })
        .unwrap();
    let names: Vec<_> = answer[0]
        .task_queues
        .iter()
        .map(|q| q.task_queue.as_str())
        .collect();
    assert_eq!(names, ["q01", "unknown"]);
    assert_eq!(answer[0].task_queues[1].reachability, Some(vec![]));
    // The unversioned worker on a queue with no data gets new workflows.
    assert_eq!(
        answer[1].task_queues[1].reachability,
        Some(vec![TaskReachability::NewWorkflows])
    );
    // A build ID mapped nowhere has no queue to report.
    let none = namespace
        .reachability(&query(&["9.9"], &[]), 2_000, |_, _| true)
        .unwrap();
    assert!(none[0].task_queues.is_empty());
}

#[test]
fn namespace_reachability_errors_in_the_frontends_order() {
    let namespace = spread(1, 0);
    let six = ["a", "b", "c", "d", "e", "f"];
    let five = &six[..5];
    assert!(
        namespace
            .reachability(&query(five, &[]), 0, |_, _| false)
            .is_ok()
    );
    let cases: [(&[&str], &[&str], NamespaceReachabilityError); 5] = [
        (&[], &[], ReachabilityError::NoBuildIds.into()),
        (
            &six,
            &["/_sys/x"],
            ReachabilityError::TooManyBuildIds { limit: 5 }.into(),
        ),
        (
            &[""],
            &[],
            NamespaceReachabilityError::UnversionedWithoutTaskQueues,
        ),
        (&["1.0"], &["ok", ""], TaskQueueNameError::Missing.into()),
        (
            &["", "1.0"],
            &["/_sys/x"],
            TaskQueueNameError::Reserved.into(),
        ),
    ];
    for (build_ids, task_queues, expected) in cases {
        let err = namespace
            .reachability(&query(build_ids, task_queues), 0, |_, _| false)
            .unwrap_err();
        assert_eq!(err, expected);
        assert_eq!(err.code(), Code::InvalidArgument);
    }
    let err = namespace
        .reachability(&query(&[""], &[]), 0, |_, _| false)
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "Cannot get reachability of an unversioned worker without specifying at least one task queue (empty build ID is interpereted as unversioned)"
    );
    let err = namespace
        .reachability(&query(&six, &[]), 0, |_, _| false)
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "Too many build ids queried at once, limit: 5"
    );
}

#[test]
fn namespace_reachability_scan_limit_applies_to_requested_queues_too() {
    let namespace = spread(3, 0);
    let q = NamespaceReachabilityQuery {
        max_task_queue_scan: 2,
        ..query(&["1.0"], &["q02", "q01", "q00"])
    };
    let answer = namespace.reachability(&q, 0, |_, _| false).unwrap();
    let examined: Vec<_> = answer[0]
        .task_queues
        .iter()
        .map(|t| t.reachability.is_some())
        .collect();
    assert_eq!(examined, [true, true, false]);
}

#[test]
fn the_namespace_lists_its_queues_by_name_and_gives_one_up_whole() {
    let mut namespace = Namespace::new();
    let add = |build: &str| Update::add_new_default(id(build));
    namespace
        .apply("orders", &add("1.0"), 1, NamespaceLimits::SERVER_DEFAULT)
        .unwrap();
    namespace
        .apply("billing", &add("2.0"), 2, NamespaceLimits::SERVER_DEFAULT)
        .unwrap();
    let listed: Vec<(&str, Option<&str>)> = namespace
        .queues()
        .map(|(name, sets)| (name, sets.default_build_id().map(|b| b.as_str())))
        .collect();
    assert_eq!(listed, [("billing", Some("2.0")), ("orders", Some("1.0"))]);
    assert!(namespace.clone().into_queue("missing").is_none());
    let orders = namespace.into_queue("orders").unwrap();
    assert_eq!(orders.default_build_id().map(|b| b.as_str()), Some("1.0"));
    assert_eq!(orders.sets().count(), 1);
}
