//! Dry runs on states built from what Temporal's tools print (the captures of
//! `tests/data/`): every change kind, the server's refusals word for word, what moves,
//! what the documents cannot tell, and a state that never changes.

use worker_deployments::{
    Answer, Assumed, Assumptions, Change, Code, DeleteDeployment, DeleteVersion, Outcome, Pollers,
    Ramp, SetCurrent, SetManager, SetRamping, Shown, ShownDeployment, ShownState, ShownVersion,
    StateError, TaskQueueKey, TaskQueueType, Traffic, Unknown, VersionKey, VersionStatus,
    read_shown,
};

fn data(name: &str) -> String {
    std::fs::read_to_string(format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

fn v(build: &str) -> VersionKey {
    VersionKey::new("D", build)
}

fn deployment(text: &str) -> ShownDeployment {
    match read_shown(text).unwrap().shown {
        Shown::Deployment(d) => d,
        Shown::List(mut list) if list.len() == 1 => list.remove(0),
        other => panic!("not one deployment: {other:?}"),
    }
}

/// A capture of describe-version with these task queues (`name`, `type`).
fn version(file: &str, queues: &[(&str, &str)]) -> ShownVersion {
    let list: Vec<String> = queues
        .iter()
        .map(|(n, t)| format!(r#"{{"name": "{n}", "type": "{t}"}}"#))
        .collect();
    let text = data(file).replacen(
        r#""taskQueuesInfos": null"#,
        &format!(r#""taskQueuesInfos": [{}]"#, list.join(", ")),
        1,
    );
    match read_shown(&text).unwrap().shown {
        Shown::Version(v) => v,
        other => panic!("not a version: {other:?}"),
    }
}

/// describe.json (current b1, b2 ramping at 10%), b1 polling `tq` and `tq2`, b2 only `tq`.
fn state(assumptions: Assumptions) -> ShownState {
    let b1 = version(
        "describe-version-current.json",
        &[("tq", "workflow"), ("tq2", "workflow")],
    );
    let b2 = version("describe-version.json", &[("tq", "workflow")]);
    ShownState::new(&deployment(&data("describe.json")), &[b1, b2], assumptions).unwrap()
}

const ME: &str = "temporal-cli:root@vm";

fn refusal(state: &ShownState, change: Change) -> (Code, String) {
    let before = state.clone();
    let run = state.dry_run(&change, 10).unwrap().run;
    assert_eq!(state, &before);
    let error = run.answer.unwrap_err();
    assert!(!run.routing.changed() && run.statuses.is_empty() && run.task_queues.is_empty());
    (error.code(), error.to_string())
}

#[test]
fn promoting_the_ramping_version_clears_the_ramp_drains_the_old_and_unversions_its_extra_queue() {
    // A state built from the documents (docs/semantics.md, "Dry runs").
    let state = state(Assumptions {
        traffic: Traffic::Idle,
        ..Assumptions::default()
    });
    let before = state.clone();
    let shown = state
        .dry_run(&Change::SetCurrent(SetCurrent::new("D", "b2", ME)), 10)
        .unwrap();
    assert_eq!(state, before);
    assert!(shown.task_queues_unshown.is_empty());
    let run = shown.run;
    let Ok(Answer::SetCurrent(answer)) = &run.answer else {
        panic!("{:?}", run.answer)
    };
    assert_eq!(
        (answer.outcome, answer.previous_version.as_str()),
        (Outcome::Changed, "D.b1")
    );
    let after = run.routing.after.as_ref().unwrap();
    assert_eq!(
        (
            &after.current,
            &after.ramping,
            after.percentage,
            after.revision
        ),
        (&Some(v("b2")), &Ramp::None, 0.0, 1)
    );
    let statuses: Vec<_> = run
        .statuses
        .iter()
        .map(|s| (s.version.to_string(), s.status.before, s.status.after))
        .collect();
    assert_eq!(
        statuses,
        [
            (
                "D:b1".to_owned(),
                Some(VersionStatus::Current),
                Some(VersionStatus::Draining)
            ),
            (
                "D:b2".to_owned(),
                Some(VersionStatus::Ramping),
                Some(VersionStatus::Current)
            ),
        ]
    );
    let tq2 = TaskQueueKey::new("tq2", TaskQueueType::Workflow);
    assert_eq!(run.unversioned_task_queues().collect::<Vec<_>>(), [&tq2]);
    // `tq` keeps its version (b2 after b1) and loses its ramp.
    let tq = run.task_queues.first().unwrap();
    assert_eq!(tq.task_queue.name, "tq");
    assert_eq!(
        (tq.view.after.current.clone(), tq.view.after.is_ramping),
        (Some(v("b2")), false)
    );
    assert_eq!(
        shown.assumed,
        [Assumed::Traffic {
            task_queue: tq2,
            version: v("b1"),
            busy: false
        }]
    );
}

#[test]
fn a_busy_queue_the_new_version_lacks_is_refused_word_for_word() {
    let state = state(Assumptions::default());
    assert_eq!(
        refusal(&state, Change::SetCurrent(SetCurrent::new("D", "b2", ME))),
        (
            Code::FailedPrecondition,
            "proposed current version 'D:b2' is missing active task queues from the current version; these would become unversioned if it is set as the current version".to_owned()
        )
    );
    let ignore = SetCurrent {
        ignore_missing_task_queues: true,
        ..SetCurrent::new("D", "b2", ME)
    };
    let run = state.dry_run(&Change::SetCurrent(ignore), 10).unwrap();
    assert!(run.run.answer.is_ok());
    assert!(run.assumed.is_empty());
}

#[test]
fn set_ramping_each_way() {
    let state = state(Assumptions::default());
    let run = state
        .dry_run(
            &Change::SetRamping(SetRamping::new("D", "b2", 50.0, ME)),
            10,
        )
        .unwrap()
        .run;
    let Ok(Answer::SetRamping(answer)) = &run.answer else {
        panic!("{:?}", run.answer)
    };
    assert_eq!(
        (answer.previous_version.as_str(), answer.previous_percentage),
        ("D.b2", 10.0)
    );
    assert_eq!(run.routing.after.as_ref().unwrap().percentage, 50.0);
    assert!(run.statuses.is_empty());
    // Unset: b2 drains.
    let run = state
        .dry_run(&Change::SetRamping(SetRamping::new("D", "", 0.0, ME)), 10)
        .unwrap()
        .run;
    assert_eq!(run.routing.after.as_ref().unwrap().ramping, Ramp::None);
    assert_eq!(
        run.statuses.first().map(|s| s.status.after),
        Some(Some(VersionStatus::Draining))
    );
    assert_eq!(
        refusal(
            &state,
            Change::SetRamping(SetRamping::new("D", "b1", 5.0, ME))
        ),
        (
            Code::FailedPrecondition,
            "requested ramping version D.b1 is already current".to_owned()
        )
    );
    assert_eq!(
        refusal(
            &state,
            Change::SetRamping(SetRamping::new("D", "b2", 101.0, ME))
        ),
        (
            Code::InvalidArgument,
            "Percentage must be between 0 and 100 (inclusive)".to_owned()
        )
    );
}

#[test]
fn delete_version_and_deployment() {
    let state = state(Assumptions::default());
    assert_eq!(
        refusal(
            &state,
            Change::DeleteVersion(DeleteVersion::new("D", "b1", ME))
        ),
        (
            Code::FailedPrecondition,
            "version 'D:b1' cannot be deleted since it is current or ramping".to_owned()
        )
    );
    let unknown = state
        .dry_run(
            &Change::DeleteVersion(DeleteVersion::new("D", "b9", ME)),
            10,
        )
        .unwrap()
        .run;
    assert_eq!(unknown.answer, Ok(Answer::DeleteVersion(Outcome::NoOp)));
    let delete = DeleteDeployment {
        deployment_name: "D".into(),
        identity: ME.into(),
    };
    assert_eq!(
        refusal(&state, Change::DeleteDeployment(delete.clone())),
        (
            Code::FailedPrecondition,
            "deployment has versions, can't be deleted".to_owned()
        )
    );
    let other = DeleteDeployment {
        deployment_name: "E".into(),
        ..delete
    };
    let run = state.dry_run(&Change::DeleteDeployment(other), 10).unwrap();
    assert_eq!(run.run.answer, Ok(Answer::DeleteDeployment(Outcome::NoOp)));
}

#[test]
fn a_drained_version_is_deleted_unless_pollers_are_assumed() {
    let text = data("describe-unversioned-ramp.json").replacen("draining", "drained", 1);
    let d = deployment(&text);
    let state = ShownState::new(&d, &[], Assumptions::default()).unwrap();
    let run = state
        .dry_run(
            &Change::DeleteVersion(DeleteVersion::new("D", "b2", ME)),
            10,
        )
        .unwrap();
    assert_eq!(run.run.answer, Ok(Answer::DeleteVersion(Outcome::Changed)));
    assert_eq!(
        run.run.statuses.first().map(|s| s.status.clone()),
        Some(worker_deployments::Before {
            before: Some(VersionStatus::Drained),
            after: None
        })
    );
    assert_eq!(
        run.assumed
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>(),
        ["D:b2's task queues have no pollers"]
    );
    // No describe-version of b2: the queues it leaves are not known.
    assert_eq!(run.task_queues_unshown, [v("b2")]);
    let polled = ShownState::new(
        &d,
        &[],
        Assumptions {
            pollers: Pollers::All,
            ..Assumptions::default()
        },
    )
    .unwrap();
    assert_eq!(
        refusal(
            &polled,
            Change::DeleteVersion(DeleteVersion::new("D", "b2", ME))
        ),
        (
            Code::FailedPrecondition,
            "version 'D:b2' cannot be deleted since it has active pollers".to_owned()
        )
    );
    // A draining one is refused before pollers are asked.
    let draining = ShownState::new(
        &deployment(&data("describe-unversioned-ramp.json")),
        &[],
        Assumptions::default(),
    )
    .unwrap();
    assert_eq!(
        refusal(
            &draining,
            Change::DeleteVersion(DeleteVersion::new("D", "b2", ME))
        )
        .1,
        "version 'D:b2' cannot be deleted since it is draining"
    );
}

#[test]
fn set_manager_and_its_guard() {
    let state = state(Assumptions::default());
    let set = SetManager {
        deployment_name: "D".into(),
        self_manage: true,
        identity: "bot".into(),
        ..SetManager::default()
    };
    let run = state.dry_run(&Change::SetManager(set), 10).unwrap().run;
    assert_eq!(
        (run.manager.before.as_deref(), run.manager.after.as_deref()),
        (Some(""), Some("bot"))
    );
    let anonymous = SetManager {
        deployment_name: "D".into(),
        self_manage: true,
        ..SetManager::default()
    };
    assert_eq!(
        refusal(&state, Change::SetManager(anonymous)),
        (Code::InvalidArgument, "Identity is required".to_owned())
    );
}

#[test]
fn what_the_documents_do_not_show_is_refused() {
    // Refused, never guessed (docs/semantics.md, "Dry runs").
    let d = deployment(&data("describe.json"));
    let bare = ShownState::new(&d, &[], Assumptions::default()).unwrap();
    assert_eq!(
        bare.dry_run(&Change::SetCurrent(SetCurrent::new("D", "b2", ME)), 10)
            .unwrap_err()
            .to_string(),
        "the answer rests on the task queues of D:b1, which only its describe-version shows"
    );
    let list = deployment(&data("list.json"));
    let listed = ShownState::new(&list, &[], Assumptions::default()).unwrap();
    let delete = DeleteDeployment {
        deployment_name: "D".into(),
        identity: ME.into(),
    };
    // The listing shows b1 and b2 (its routing names them): the refusal is certain.
    assert!(
        listed
            .dry_run(&Change::DeleteDeployment(delete), 10)
            .is_ok()
    );
    assert_eq!(
        listed.dry_run(
            &Change::DeleteVersion(DeleteVersion::new("D", "b7", ME)),
            10
        ),
        Err(Unknown::Versions)
    );
    assert_eq!(
        listed.dry_run(
            &Change::SetRamping(SetRamping::new("D", "b2", 10.0, ME)),
            10
        ),
        Err(Unknown::LastModifier)
    );
    assert!(
        listed
            .dry_run(
                &Change::SetRamping(SetRamping::new("D", "b2", 20.0, ME)),
                10
            )
            .is_ok()
    );
}

#[test]
fn documents_that_disagree_make_no_state() {
    let d = deployment(&data("describe.json"));
    let b2 = version("describe-version.json", &[]);
    assert_eq!(
        ShownState::new(&d, &[b2.clone(), b2], Assumptions::default()),
        Err(StateError::Twice { version: v("b2") })
    );
    let unversioned = deployment(&data("describe-unversioned-ramp.json"));
    let error = ShownState::new(
        &unversioned,
        &[version("describe-version.json", &[])],
        Assumptions::default(),
    )
    .unwrap_err();
    assert_eq!(
        error.to_string(),
        "the describe-version of D:b2 and the deployment's routing disagree on whether it is ramping"
    );
}

mod against_the_operations {
    use proptest::prelude::*;
    use worker_deployments::{
        Answer, Change, DeleteDeployment, DeleteVersion, Deployments, Limits, Observed, Poller,
        SetCurrent, SetManager, SetRamping, TaskQueueType, VersionKey,
    };

    /// b1 current on `tq` and `tq2`, b2 on `tq`, b3 on `tq2`.
    fn namespace() -> Deployments {
        let mut ns = Deployments::new(Limits::SERVER_DEFAULT);
        let facts = Observed::default();
        for (build, queue) in [("b1", "tq"), ("b1", "tq2"), ("b2", "tq"), ("b3", "tq2")] {
            ns.register(
                &Poller::new("D", build, queue, TaskQueueType::Workflow),
                1_000,
                &facts,
            )
            .unwrap();
        }
        ns.set_current(&SetCurrent::new("D", "b1", "ci"), 2_000, &facts)
            .unwrap();
        ns
    }

    fn change() -> impl Strategy<Value = Change> {
        let build = prop::sample::select(vec!["", "b1", "b2", "b3", "b9"]);
        let who = prop::sample::select(vec!["ci", "bob"]);
        let name = prop::sample::select(vec!["D", "E"]);
        prop_oneof![
            (
                name.clone(),
                build.clone(),
                who.clone(),
                any::<bool>(),
                any::<bool>()
            )
                .prop_map(|(n, b, w, ignore, allow)| Change::SetCurrent(SetCurrent {
                    ignore_missing_task_queues: ignore,
                    allow_no_pollers: allow,
                    ..SetCurrent::new(n, b, w)
                })),
            (name.clone(), build.clone(), -10.0f32..120.0, who.clone())
                .prop_map(|(n, b, p, w)| { Change::SetRamping(SetRamping::new(n, b, p, w)) }),
            (name.clone(), build, who.clone(), any::<bool>()).prop_map(|(n, b, w, skip)| {
                Change::DeleteVersion(DeleteVersion {
                    skip_drainage: skip,
                    ..DeleteVersion::new(n, b, w)
                })
            }),
            (name.clone(), who.clone()).prop_map(|(n, w)| {
                Change::DeleteDeployment(DeleteDeployment {
                    deployment_name: n.into(),
                    identity: w.into(),
                })
            }),
            (name, who, any::<bool>()).prop_map(|(n, w, self_manage)| {
                Change::SetManager(SetManager {
                    deployment_name: n.into(),
                    self_manage,
                    identity: w.into(),
                    ..SetManager::default()
                })
            }),
        ]
    }

    /// The operation itself, on `ns`.
    fn apply(
        ns: &mut Deployments,
        change: &Change,
        facts: &Observed,
    ) -> Result<Answer, worker_deployments::Error> {
        match change {
            Change::SetCurrent(r) => ns.set_current(r, 5_000, facts).map(Answer::SetCurrent),
            Change::SetRamping(r) => ns.set_ramping(r, 5_000, facts).map(Answer::SetRamping),
            Change::DeleteVersion(r) => ns
                .delete_version(r, 5_000, facts)
                .map(Answer::DeleteVersion),
            Change::DeleteDeployment(r) => ns.delete_deployment(r).map(Answer::DeleteDeployment),
            Change::SetManager(r) => ns.set_manager(r, 5_000).map(Answer::SetManager),
            _ => unreachable!(),
        }
    }

    proptest! {
        /// Two changes in a row: the dry run of the second answers as the operation does,
        /// reports the routing, manager and statuses the operation leaves, and changes
        /// nothing.
        #[test]
        fn a_dry_run_answers_and_moves_as_the_operation(first in change(), second in change(), busy in any::<bool>()) {
            // The operations run on a copy (docs/semantics.md, "Dry runs").
            let mut facts = Observed::default();
            if busy {
                facts.busy.insert((
                    worker_deployments::TaskQueueKey::new("tq2", TaskQueueType::Workflow),
                    VersionKey::new("D", "b1"),
                ));
            }
            let mut ns = namespace();
            let _ = apply(&mut ns, &first, &facts);
            let before = ns.clone();
            let run = ns.dry_run(&second, 5_000, &facts);
            prop_assert_eq!(&ns, &before);
            let mut applied = ns.clone();
            let answer = apply(&mut applied, &second, &facts);
            prop_assert_eq!(&run.answer, &answer);
            let name = second.deployment_name();
            prop_assert_eq!(
                run.routing.after.as_ref(),
                applied.deployment(&name).map(|d| &d.routing)
            );
            prop_assert_eq!(
                run.manager.after.as_deref(),
                applied.deployment(&name).map(|d| d.manager_identity.as_str())
            );
            for s in &run.statuses {
                prop_assert_eq!(s.status.after, applied.version(&s.version).map(|v| v.status));
                prop_assert_ne!(s.status.before, s.status.after);
            }
            for q in &run.task_queues {
                prop_assert_eq!(&q.view.after, &applied.task_queue_view(&q.task_queue));
            }
            if answer.is_err() {
                // Refused: nothing moves, but a version that allow-no-pollers created
                // before a later refusal stays (`ops.side-effects-stay`).
                prop_assert!(!run.routing.changed());
                prop_assert!(run.statuses.iter().all(|s| s.status.before.is_none()));
            }
        }
    }
}

#[test]
fn the_dry_run_values_cross_threads() {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<ShownState>();
    send_sync::<worker_deployments::DryRun>();
    send_sync::<worker_deployments::ShownDryRun>();
    send_sync::<StateError>();
    send_sync::<Unknown>();
}
