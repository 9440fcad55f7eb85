//! Public-API tests of rules the scenarios do not pin.

use worker_deployments::*;

const WF: TaskQueueType = TaskQueueType::Workflow;

fn v(b: &str) -> VersionKey {
    VersionKey::new("D", b)
}

fn with(builds: &[(&str, &str)]) -> (Deployments, Observed) {
    let mut ns = Deployments::new(Limits::SERVER_DEFAULT);
    let facts = Observed::default();
    for (i, (b, tq)) in builds.iter().enumerate() {
        let at = 1_000 + 10 * i as u64;
        ns.register(&Poller::new("D", b, tq, WF), at, &facts)
            .unwrap();
    }
    (ns, facts)
}

#[test]
fn making_unversioned_current_clears_an_unversioned_ramp() {
    // rule: ops.set-current
    let (mut ns, facts) = with(&[("b1", "tq")]);
    ns.set_current(&SetCurrent::new("D", "b1", "a"), 2_000, &facts)
        .unwrap();
    ns.set_ramping(&SetRamping::new("D", "", 20.0, "a"), 3_000, &facts)
        .unwrap();
    ns.set_current(&SetCurrent::new("D", "", "a"), 4_000, &facts)
        .unwrap();
    let rc = &ns.deployment("D").unwrap().routing;
    assert_eq!(
        (rc.current.clone(), rc.ramping.clone(), rc.percentage),
        (None, Ramp::None, 0.0)
    );
    assert_eq!(
        ns.version(&v("b1")).unwrap().status,
        VersionStatus::Draining
    );
    assert!(ns.validate().is_empty());
}

#[test]
fn a_stale_token_with_a_no_op_request_succeeds() {
    // rule: ops.no-op-first
    let (mut ns, facts) = with(&[("b1", "tq")]);
    ns.set_current(&SetCurrent::new("D", "b1", "a"), 2_000, &facts)
        .unwrap();
    let stale = SetCurrent {
        conflict_token: b"bogus".to_vec(),
        ..SetCurrent::new("D", "b1", "a")
    };
    assert_eq!(
        ns.set_current(&stale, 3_000, &facts).unwrap().outcome,
        Outcome::NoOp
    );
    // And a non-manager whose identity is the last modifier's gets the no-op too.
    let mgr = SetManager {
        deployment_name: "D".into(),
        manager_identity: "mgr".into(),
        identity: "a".into(),
        ..SetManager::default()
    };
    ns.set_manager(&mgr, 4_000).unwrap();
    assert_eq!(
        ns.set_current(&SetCurrent::new("D", "b1", "a"), 5_000, &facts)
            .unwrap()
            .outcome,
        Outcome::NoOp
    );
}

#[test]
fn an_idle_missing_task_queue_does_not_block() {
    // rule: ops.missing-task-queues
    let (mut ns, mut facts) = with(&[("b1", "tq1"), ("b2", "tq2")]);
    ns.set_current(&SetCurrent::new("D", "b1", "a"), 2_000, &facts)
        .unwrap();
    facts.busy.insert((TaskQueueKey::new("tq2", WF), v("b1")));
    assert!(
        ns.set_current(&SetCurrent::new("D", "b2", "a"), 3_000, &facts)
            .is_ok()
    );
}

#[test]
fn a_percentage_only_change_keeps_the_ramp_start_and_skips_the_queue_check() {
    // rule: ops.set-ramping, ops.missing-task-queues
    let (mut ns, mut facts) = with(&[("b1", "tq1"), ("b2", "tq2")]);
    ns.set_current(&SetCurrent::new("D", "b1", "a"), 2_000, &facts)
        .unwrap();
    let ramp = SetRamping {
        ignore_missing_task_queues: true,
        ..SetRamping::new("D", "b2", 10.0, "a")
    };
    ns.set_ramping(&ramp, 3_000, &facts).unwrap();
    facts.busy.insert((TaskQueueKey::new("tq1", WF), v("b1")));
    ns.set_ramping(&SetRamping::new("D", "b2", 40.0, "a"), 4_000, &facts)
        .unwrap();
    let rc = &ns.deployment("D").unwrap().routing;
    assert_eq!(
        (rc.ramping_changed_ms, rc.percentage_changed_ms, rc.revision),
        (Some(3_000), Some(4_000), 3)
    );
    assert_eq!(ns.version(&v("b2")).unwrap().ramp_percentage, 40.0);
}

#[test]
fn delete_with_an_empty_identity_records_it_empty() {
    // rule: delete.empty-identity, ops.delete-version
    let (mut ns, facts) = with(&[("b1", "tq")]);
    ns.set_manager(
        &SetManager {
            deployment_name: "D".into(),
            identity: "x".into(),
            ..SetManager::default()
        },
        1_500,
    )
    .unwrap();
    assert_eq!(
        ns.delete_version(&DeleteVersion::new("D", "b1", ""), 2_000, &facts),
        Ok(Outcome::Changed)
    );
    assert_eq!(ns.deployment("D").unwrap().last_modifier_identity, "");
}

#[test]
fn summaries_list_newest_first() {
    // rule: state.describe-order
    let (ns, _) = with(&[("a", "tq"), ("c", "tq"), ("b", "tq")]);
    let order: Vec<_> = ns
        .deployment("D")
        .unwrap()
        .version_summaries()
        .iter()
        .map(|s| s.key.build_id().to_owned())
        .collect();
    assert_eq!(order, ["b", "c", "a"]);
}

#[test]
fn a_new_queue_of_the_current_version_routes_to_it_at_once() {
    // rule: register.pushes-routing
    let (mut ns, facts) = with(&[("b1", "tq1")]);
    let token = ns
        .set_current(&SetCurrent::new("D", "b1", "a"), 2_000, &facts)
        .unwrap()
        .conflict_token;
    ns.register(&Poller::new("D", "b1", "tq2", WF), 3_000, &facts)
        .unwrap();
    let view = ns.task_queue_view(&TaskQueueKey::new("tq2", WF));
    assert_eq!(
        route_new_workflow(&view, "wf", 0.0).version.cloned(),
        Some(v("b1"))
    );
    let d = ns.deployment("D").unwrap();
    assert_eq!(
        (d.conflict_token, d.last_modifier_identity.as_str()),
        (token, "a")
    );
}

#[test]
fn a_versioned_current_beats_a_newer_unversioned_one_in_the_same_queue() {
    // rule: route.queue-view
    let mut ns = Deployments::new(Limits::SERVER_DEFAULT);
    let facts = Observed::default();
    ns.register(&Poller::new("A", "a1", "tq", WF), 1_000, &facts)
        .unwrap();
    ns.register(&Poller::new("B", "b1", "tq", WF), 1_000, &facts)
        .unwrap();
    ns.set_current(&SetCurrent::new("A", "a1", "x"), 2_000, &facts)
        .unwrap();
    ns.set_current(&SetCurrent::new("B", "b1", "x"), 3_000, &facts)
        .unwrap();
    ns.set_current(&SetCurrent::new("B", "", "x"), 4_000, &facts)
        .unwrap();
    let view = ns.task_queue_view(&TaskQueueKey::new("tq", WF));
    assert_eq!(view.current, Some(VersionKey::new("A", "a1")));
}

#[test]
fn describe_answers_as_the_server() {
    // rule: ops.describe
    let (ns, _) = with(&[("b1", "tq")]);
    assert_eq!(
        ns.describe_deployment("Z").unwrap_err().to_string(),
        "no Worker Deployment found with name 'Z'; does your Worker Deployment have pollers?"
    );
    assert_eq!(ns.describe_deployment("D").unwrap().name, "D");
    let err = |version: &str, dv: Option<&VersionKey>| {
        let e = ns.describe_version(version, dv).unwrap_err();
        (e.code(), e.to_string())
    };
    assert_eq!(
        err("", None),
        (
            Code::InvalidArgument,
            "deployment version cannot be empty".into()
        )
    );
    assert_eq!(
        err("", Some(&v("b9"))),
        (Code::NotFound, "Worker Deployment Version not found".into())
    );
    assert_eq!(
        err("nodelim", None).1,
        "invalid version string \"nodelim\", expected format is \"<deployment_name>.<build_id>\""
    );
    assert_eq!(err("D.__b", None).1, "BuildID cannot start with '__'");
    assert_eq!(ns.describe_version("D.b1", None).unwrap().key, v("b1"));
    // A `:` alone does not cut (observed live on Server 1.32.0).
    assert_eq!(
        err("D:b1", None).1,
        "invalid version string \"D:b1\", expected format is \"<deployment_name>.<build_id>\""
    );
}

#[test]
fn a_versioned_poller_needs_both_name_and_build() {
    // rule: register.order
    let mut ns = Deployments::new(Limits::SERVER_DEFAULT);
    let e = ns
        .register(&Poller::new("D", "", "tq", WF), 1, &Observed::default())
        .unwrap_err();
    assert_eq!(
        (e.code(), e.to_string()),
        (
            Code::InvalidArgument,
            "Deployment name and build id must be set together.".into()
        )
    );
    let e = ns
        .register(&Poller::new("D", "__b", "tq", WF), 1, &Observed::default())
        .unwrap_err();
    assert_eq!(e.to_string(), "BuildID cannot start with '__'");
}

#[test]
fn overrides_without_a_target_are_refused() {
    // rule: ops.override
    let (ns, _) = with(&[("b1", "tq")]);
    let e = ns
        .check_override("tq", &Override::Pinned(None))
        .unwrap_err();
    assert_eq!(
        (e.code(), e.to_string()),
        (
            Code::InvalidArgument,
            "must provide version if override is pinned.".into()
        )
    );
    let e = ns
        .check_override("tq", &Override::OneTime(None))
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "must provide target deployment version if override is one-time."
    );
    assert_eq!(ns.check_override("tq", &Override::AutoUpgrade), Ok(None));
    // An inactive member is to be reactivated.
    assert_eq!(
        ns.check_override("tq", &Override::OneTime(Some(v("b1")))),
        Ok(Some(v("b1")))
    );
}

#[test]
fn a_queue_forgets_a_deleted_version_and_a_deployment_with_none_left() {
    // rule: ops.delete-version
    let (mut ns, facts) = with(&[("b1", "tq"), ("b2", "tq")]);
    ns.set_current(&SetCurrent::new("D", "b1", "a"), 2_000, &facts)
        .unwrap();
    ns.set_current(&SetCurrent::new("D", "", "a"), 3_000, &facts)
        .unwrap();
    let skip = |b| DeleteVersion {
        skip_drainage: true,
        ..DeleteVersion::new("D", b, "a")
    };
    let key = TaskQueueKey::new("tq", WF);
    ns.delete_version(&skip("b1"), 4_000, &facts).unwrap();
    let queue = ns.task_queue(&key).unwrap();
    assert!(
        queue.version_data(&v("b1")).is_none(),
        "forgotten, not marked deleted"
    );
    assert!(queue.deployments.contains_key("D"));
    ns.delete_version(&skip("b2"), 5_000, &facts).unwrap();
    assert!(!ns.task_queue(&key).unwrap().deployments.contains_key("D"));
    assert!(ns.validate().is_empty());
}

#[test]
fn the_state_and_its_errors_cross_threads() {
    // As semver's test_autotrait: a caller may keep the model in a server's shared state.
    fn send_sync<T: Send + Sync>() {}
    send_sync::<Deployments>();
    send_sync::<Error>();
    send_sync::<QueueView>();
}
