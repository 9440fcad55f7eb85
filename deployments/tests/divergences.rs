//! The live server's quirks (the four the specification lists) and the model's position
//! on each, with the rule in `deployments/docs/semantics.md` that each test cites.

use worker_deployments::*;

const WF: TaskQueueType = TaskQueueType::Workflow;

fn v(b: &str) -> VersionKey {
    VersionKey::new("D", b)
}

fn two_builds(limits: Limits) -> (Deployments, Observed) {
    let mut ns = Deployments::new(limits);
    let facts = Observed::default();
    for b in ["b1", "b2"] {
        ns.register(&Poller::new("D", b, "tq", WF), 1_000, &facts)
            .unwrap();
    }
    (ns, facts)
}

/// `delete.pollers-input` (DIFFERS): the server's describe cache lets a delete within 5 s
/// of a set-current pass although workers poll (scenario 20). The model takes "has
/// pollers" as an input and refuses whenever it is told there are pollers.
#[test]
fn divergence_delete_right_after_set_current_still_sees_live_pollers() {
    // rule: delete.pollers-input
    let (mut ns, mut facts) = two_builds(Limits::SERVER_DEFAULT);
    ns.set_current(&SetCurrent::new("D", "b2", "a"), 2_000, &facts)
        .unwrap();
    ns.set_current(&SetCurrent::new("D", "b1", "a"), 6_000, &facts)
        .unwrap();
    facts.pollers.insert(v("b2"));
    let skip = DeleteVersion {
        skip_drainage: true,
        ..DeleteVersion::new("D", "b2", "a")
    };
    let err = ns.delete_version(&skip, 6_001, &facts).unwrap_err();
    assert_eq!(
        err.to_string(),
        "version 'D:b2' cannot be deleted since it has active pollers"
    );
    // A caller that wants the server's race tells the model what the cache saw.
    facts.pollers.clear();
    assert_eq!(
        ns.delete_version(&skip, 6_002, &facts),
        Ok(Outcome::Changed)
    );
}

/// `ramp.nan-accepted` (MIRRORS): a NaN percentage is accepted and stored, and routes
/// every workflow to current (`t <= NaN` is false; NaN is neither `<= 0` nor `== 100`).
#[test]
fn divergence_nan_percentage_is_stored_and_routes_to_current_as_on_the_server() {
    // rule: ramp.nan-accepted
    let (mut ns, facts) = two_builds(Limits::SERVER_DEFAULT);
    ns.set_current(&SetCurrent::new("D", "b1", "a"), 2_000, &facts)
        .unwrap();
    ns.set_ramping(&SetRamping::new("D", "b2", f32::NAN, "a"), 3_000, &facts)
        .unwrap();
    let d = ns.deployment("D").unwrap();
    assert!(d.routing.percentage.is_nan());
    assert_eq!(ns.version(&v("b2")).unwrap().status, VersionStatus::Ramping);
    let view = ns.task_queue_view(&TaskQueueKey::new("tq", WF));
    for i in 0..100 {
        let id = format!("ramp-wf-{i}");
        assert_eq!(
            route_new_workflow(&view, &id, 0.0).version.cloned(),
            Some(v("b1"))
        );
    }
    // NaN never equals itself: the same request again is a change, not a no-op.
    let again = ns
        .set_ramping(&SetRamping::new("D", "b2", f32::NAN, "a"), 4_000, &facts)
        .unwrap();
    assert_eq!(again.outcome, Outcome::Changed);
}

/// `propagation.event` (DIFFERS BY CHOICE OF INPUT): the live server can leave
/// `routingConfigUpdateState` IN_PROGRESS for good when the target version has no task
/// queues. The model never completes propagation by itself: it stays IN_PROGRESS until
/// the caller delivers `propagation-complete`, which reproduces the server when withheld
/// and the documented protocol when delivered.
#[test]
fn divergence_update_state_waits_for_the_propagation_event() {
    // rule: propagation.event, state.update-state
    let (mut ns, facts) = two_builds(Limits::SERVER_DEFAULT);
    let ghost = SetCurrent {
        allow_no_pollers: true,
        ..SetCurrent::new("D", "ghost", "a")
    };
    ns.set_current(&ghost, 2_000, &facts).unwrap();
    assert!(ns.version(&v("ghost")).unwrap().task_queues.is_empty());
    assert_eq!(ns.update_state("D"), Some(UpdateState::InProgress));
    assert_eq!(ns.complete_propagation(&v("ghost"), 1), Outcome::Changed);
    assert_eq!(ns.update_state("D"), Some(UpdateState::Completed));
    assert!(ns.validate().is_empty());
}

/// `query.root-partition-pollers` (MIRRORS): the blackholed-query check looks only at
/// the root partition's pollers, so it can refuse while a worker of the version runs.
/// The model takes the root partition's poller state as an input.
#[test]
fn divergence_blackholed_query_looks_at_the_root_partition_only() {
    // rule: query.root-partition-pollers
    let (mut ns, facts) = two_builds(Limits::SHORT);
    ns.set_current(&SetCurrent::new("D", "b1", "a"), 2_000, &facts)
        .unwrap();
    ns.set_current(&SetCurrent::new("D", "b2", "a"), 3_000, &facts)
        .unwrap();
    ns.check_drainage(8_000, |_| 0);
    let err = ns.check_query("tq", &v("b1"), false).unwrap_err();
    assert_eq!(err.code(), Code::FailedPrecondition);
    assert!(err.to_string().starts_with(
        "You are trying to query a closed Workflow that is PINNED to Worker Deployment Version b1, but b1 is drained and has no pollers to answer the query."
    ));
    // A worker polling only non-root partitions does not help; one on the root does.
    assert_eq!(ns.check_query("tq", &v("b1"), true), Ok(()));
    assert_eq!(ns.check_query("tq", &v("b2"), false), Ok(()));
}
