//! The specification's scenarios (specification.md section H), one test each, named by its number and stating the
//! server's answer. Every test checks the invariants after each step it takes.

use worker_deployments::*;

const WF: TaskQueueType = TaskQueueType::Workflow;
const ACT: TaskQueueType = TaskQueueType::Activity;

fn v(b: &str) -> VersionKey {
    VersionKey::new("D", b)
}

struct World {
    ns: Deployments,
    facts: Observed,
    now: u64,
}

impl World {
    fn new(limits: Limits) -> Self {
        Self {
            ns: Deployments::new(limits),
            facts: Observed::default(),
            now: 1_000,
        }
    }
    fn tick(&mut self) -> u64 {
        self.now += 1_000;
        self.now
    }
    fn check(&self) {
        assert_eq!(self.ns.validate(), vec![]);
    }
    fn poll(&mut self, b: &str, tq: &str, kind: TaskQueueType) -> Result<Outcome, Error> {
        let now = self.tick();
        let r = self
            .ns
            .register(&Poller::new("D", b, tq, kind), now, &self.facts);
        self.check();
        r
    }
    fn worker(&mut self, b: &str, tq: &str) {
        self.poll(b, tq, WF).unwrap();
        self.poll(b, tq, ACT).unwrap();
    }
    fn current(&mut self, b: &str, who: &str) -> Result<SetCurrentResponse, Error> {
        self.set_current(SetCurrent::new("D", b, who))
    }
    fn set_current(&mut self, req: SetCurrent) -> Result<SetCurrentResponse, Error> {
        let now = self.tick();
        let r = self.ns.set_current(&req, now, &self.facts);
        self.check();
        r
    }
    fn ramp(&mut self, b: &str, pct: f32, who: &str) -> Result<SetRampingResponse, Error> {
        self.set_ramping(SetRamping::new("D", b, pct, who))
    }
    fn set_ramping(&mut self, req: SetRamping) -> Result<SetRampingResponse, Error> {
        let now = self.tick();
        let r = self.ns.set_ramping(&req, now, &self.facts);
        self.check();
        r
    }
    fn delete(&mut self, req: DeleteVersion) -> Result<Outcome, Error> {
        let now = self.tick();
        let r = self.ns.delete_version(&req, now, &self.facts);
        self.check();
        r
    }
    fn d(&self) -> &DeploymentInfo {
        self.ns.deployment("D").unwrap()
    }
    fn status(&self, b: &str) -> VersionStatus {
        self.ns.version(&v(b)).unwrap().status
    }
    fn view(&self, tq: &str) -> QueueView {
        self.ns.task_queue_view(&TaskQueueKey::new(tq, WF))
    }
}

fn msg<T: std::fmt::Debug>(r: Result<T, Error>) -> (Code, String) {
    let e = r.unwrap_err();
    (e.code(), e.to_string())
}

#[test]
fn scenario_01_auto_registration() {
    // rule: state.update-state
    let mut w = World::new(Limits::SERVER_DEFAULT);
    w.worker("b1", "TQ");
    let d = w.d();
    assert_eq!(d.versions.len(), 1);
    assert_eq!(w.status("b1"), VersionStatus::Inactive);
    assert_eq!(d.routing.current_version_string(), "__unversioned__");
    assert_eq!(d.routing.current, None);
    assert_eq!(d.update_state(), UpdateState::Completed);
    assert_eq!(d.last_modifier_identity, "");
    let pairs: Vec<_> = w.ns.version(&v("b1")).unwrap().task_queue_pairs().collect();
    assert_eq!(pairs, vec![("TQ", WF), ("TQ", ACT)]);
}

#[test]
fn scenario_02_03_missing_deployment() {
    // rule: ops.delete-deployment
    let mut w = World::new(Limits::SERVER_DEFAULT);
    let missing =
        "no Worker Deployment found with name 'D'; does your Worker Deployment have pollers?";
    assert_eq!(msg(w.current("b1", "a")), (Code::NotFound, missing.into()));
    assert_eq!(
        msg(w.ramp("b1", 10.0, "a")),
        (Code::NotFound, missing.into())
    );
    assert_eq!(
        msg(w.delete(DeleteVersion::new("D", "b1", "a"))),
        (
            Code::NotFound,
            "workflow not found for ID: temporal-sys-worker-deployment:D".into()
        )
    );
    let del = DeleteDeployment {
        deployment_name: "D".into(),
        identity: "a".into(),
    };
    assert_eq!(w.ns.delete_deployment(&del), Ok(Outcome::NoOp));
    assert_eq!(
        msg(w.ns.describe_deployment("D")),
        (Code::NotFound, missing.into())
    );
    assert_eq!(
        msg(w.ns.describe_version("", Some(&v("b1")))),
        (Code::NotFound, "Worker Deployment Version not found".into())
    );
}

#[test]
fn scenario_04_unknown_build() {
    let mut w = World::new(Limits::SERVER_DEFAULT);
    w.worker("b1", "TQ");
    let nf = (
        Code::NotFound,
        "build ID 'b9' not found in Worker Deployment 'D'".to_owned(),
    );
    assert_eq!(msg(w.current("b9", "a")), nf);
    assert_eq!(msg(w.ramp("b9", 10.0, "a")), nf);
}

#[test]
fn scenario_05_to_08_tokens_and_no_ops() {
    // rule: token.strictly-newer, ops.no-op-first, ops.set-current
    let mut w = World::new(Limits::SERVER_DEFAULT);
    w.worker("b1", "TQ");
    let bogus = SetCurrent {
        conflict_token: b"bogus".to_vec(),
        ..SetCurrent::new("D", "b1", "alice")
    };
    assert_eq!(
        msg(w.set_current(bogus)),
        (Code::FailedPrecondition, "conflict token mismatch".into())
    );
    // 6
    let r6 = w.current("b1", "alice").unwrap();
    assert_eq!(r6.previous_version, "__unversioned__");
    assert_eq!(w.d().routing.revision, 1);
    assert_eq!(w.status("b1"), VersionStatus::Current);
    assert_eq!(w.d().last_modifier_identity, "alice");
    // 7: same token, the requested version as "previous"
    let r7 = w.current("b1", "alice").unwrap();
    assert_eq!(
        (r7.outcome, r7.previous_version.as_str()),
        (Outcome::NoOp, "D.b1")
    );
    assert_eq!(r7.conflict_token, r6.conflict_token);
    // 8: identity-only change: new token, revision unchanged
    let r8 = w.current("b1", "bob").unwrap();
    assert_ne!(r8.conflict_token, r6.conflict_token);
    assert_eq!(w.d().last_modifier_identity, "bob");
    assert_eq!(w.d().routing.revision, 1);
    let stale = SetCurrent {
        conflict_token: r6.conflict_token.to_bytes().to_vec(),
        ..SetCurrent::new("D", "b1", "carol")
    };
    assert_eq!(msg(w.set_current(stale)).1, "conflict token mismatch");
}

#[test]
fn scenario_09_ramping_the_current_version() {
    let mut w = World::new(Limits::SERVER_DEFAULT);
    w.worker("b1", "TQ");
    w.current("b1", "a").unwrap();
    assert_eq!(
        msg(w.ramp("b1", 10.0, "a")),
        (
            Code::FailedPrecondition,
            "requested ramping version D.b1 is already current".into()
        )
    );
}

#[test]
fn scenario_10_percentage_range() {
    // rule: ops.set-ramping
    let mut w = World::new(Limits::SERVER_DEFAULT);
    let out = (
        Code::InvalidArgument,
        "Percentage must be between 0 and 100 (inclusive)".to_owned(),
    );
    // Before any NOT_FOUND: the deployment does not even exist.
    assert_eq!(msg(w.ramp("b9", 101.0, "a")), out);
    assert_eq!(msg(w.ramp("b9", -1.0, "a")), out);
}

#[test]
fn scenario_11_deletes() {
    // rule: ops.delete-version, ops.delete-deployment
    let mut w = World::new(Limits::SERVER_DEFAULT);
    w.worker("b1", "TQ");
    w.current("b1", "a").unwrap();
    assert_eq!(
        msg(w.delete(DeleteVersion::new("D", "b1", "a"))),
        (
            Code::FailedPrecondition,
            "version 'D:b1' cannot be deleted since it is current or ramping".into()
        )
    );
    assert_eq!(
        w.delete(DeleteVersion::new("D", "b9", "a")),
        Ok(Outcome::NoOp)
    );
    let del = DeleteDeployment {
        deployment_name: "D".into(),
        identity: "a".into(),
    };
    assert_eq!(
        msg(w.ns.delete_deployment(&del)),
        (
            Code::FailedPrecondition,
            "deployment has versions, can't be deleted".into()
        )
    );
}

#[test]
fn scenario_12_unset_when_none() {
    // rule: ops.set-ramping, ops.no-op-first
    let mut w = World::new(Limits::SERVER_DEFAULT);
    w.worker("b1", "TQ");
    let first = w.current("b1", "a").unwrap();
    let same = w.ramp("", 0.0, "a").unwrap();
    assert_eq!(same.outcome, Outcome::NoOp);
    assert_eq!(same.conflict_token, first.conflict_token);
    let other = w.ramp("", 0.0, "b").unwrap();
    assert_ne!(other.conflict_token, first.conflict_token);
    assert_eq!(w.d().last_modifier_identity, "b");
    assert_eq!(w.d().routing.revision, 1);
}

#[test]
fn scenario_13_ramp_to_unversioned() {
    // rule: ops.set-ramping
    let mut w = World::new(Limits::SERVER_DEFAULT);
    w.worker("b1", "TQ");
    w.current("b1", "a").unwrap();
    w.ramp("", 20.0, "a").unwrap();
    let rc = &w.d().routing;
    assert_eq!(rc.ramping.version_string(), "__unversioned__");
    assert_eq!(rc.ramping.version(), None);
    assert_eq!((rc.percentage, rc.revision), (20.0, 2));
    let unset = w.ramp("", 0.0, "a").unwrap();
    assert_eq!(
        (unset.previous_version.as_str(), unset.previous_percentage),
        ("__unversioned__", 20.0)
    );
}

fn missing_tq_world() -> World {
    let mut w = World::new(Limits::SERVER_DEFAULT);
    w.worker("b1", "TQ1");
    w.worker("b2", "TQ2");
    w.current("b1", "a").unwrap();
    w.facts.busy.insert((TaskQueueKey::new("TQ1", WF), v("b1")));
    w
}

#[test]
fn scenario_14_missing_task_queue() {
    // rule: ops.missing-task-queues
    let mut w = missing_tq_world();
    assert_eq!(
        msg(w.current("b2", "a")),
        (Code::FailedPrecondition, "proposed current version 'D:b2' is missing active task queues from the current version; these would become unversioned if it is set as the current version".into())
    );
    assert_eq!(
        msg(w.ramp("b2", 10.0, "a")).1,
        "proposed ramping version 'D:b2' is missing active task queues from the current version; these would become unversioned if it is set as the ramping version"
    );
    let ignore = SetCurrent {
        ignore_missing_task_queues: true,
        ..SetCurrent::new("D", "b2", "a")
    };
    assert!(w.set_current(ignore).is_ok());
}

#[test]
fn scenario_15_a_task_queue_left_behind_becomes_unversioned() {
    // rule: route.queue-view, status.follows-routing
    let mut w = missing_tq_world();
    let ignore = SetCurrent {
        ignore_missing_task_queues: true,
        ..SetCurrent::new("D", "b2", "a")
    };
    w.set_current(ignore).unwrap();
    assert_eq!(
        route_new_workflow(&w.view("TQ1"), "wf", 0.0)
            .version
            .cloned(),
        None
    );
    assert_eq!(
        route_new_workflow(&w.view("TQ2"), "wf", 0.0)
            .version
            .cloned(),
        Some(v("b2"))
    );
    assert_eq!(w.status("b1"), VersionStatus::Draining);
}

#[test]
fn scenario_16_promoting_the_ramp_clears_it() {
    // rule: ops.set-current, status.follows-routing
    let mut w = World::new(Limits::SERVER_DEFAULT);
    w.worker("b1", "TQ");
    w.worker("b2", "TQ");
    w.current("b1", "a").unwrap();
    w.ramp("b2", 10.0, "a").unwrap();
    w.current("b2", "a").unwrap();
    assert_eq!(w.d().routing.ramping, Ramp::None);
    assert_eq!(w.status("b1"), VersionStatus::Draining);
    assert_eq!(w.status("b2"), VersionStatus::Current);
}

#[test]
fn scenario_17_deleting_the_ramp_and_repeating_it() {
    let mut w = World::new(Limits::SERVER_DEFAULT);
    w.worker("b1", "TQ");
    w.worker("b2", "TQ");
    w.current("b1", "a").unwrap();
    w.ramp("b2", 10.0, "a").unwrap();
    assert_eq!(
        msg(w.delete(DeleteVersion::new("D", "b2", "a"))).1,
        "version 'D:b2' cannot be deleted since it is current or ramping"
    );
    let again = w.ramp("b2", 10.0, "a").unwrap();
    assert_eq!(
        (again.outcome, again.previous_percentage),
        (Outcome::NoOp, 10.0)
    );
}

#[test]
fn scenario_18_manager() {
    // rule: ops.manager
    let mut w = World::new(Limits::SERVER_DEFAULT);
    w.worker("b1", "TQ");
    let mgr = SetManager {
        deployment_name: "D".into(),
        self_manage: true,
        identity: "mgr".into(),
        ..SetManager::default()
    };
    let first = w.ns.set_manager(&mgr, 10_000).unwrap();
    let again = w.ns.set_manager(&mgr, 11_000).unwrap();
    assert_eq!(
        (again.outcome, again.previous_manager_identity.as_str()),
        (Outcome::NoOp, "mgr")
    );
    assert_eq!(again.conflict_token, first.conflict_token);
    let refused = "ManagerIdentity 'mgr' is set and does not match user identity 'other'; to proceed, set your own identity as the ManagerIdentity, remove the ManagerIdentity, or wait for the other client to do so";
    assert_eq!(
        msg(w.current("b1", "other")),
        (Code::FailedPrecondition, refused.into())
    );
    assert_eq!(msg(w.ramp("b1", 5.0, "other")).1, refused);
    assert_eq!(
        msg(w.delete(DeleteVersion::new("D", "b1", "other"))).1,
        refused
    );
    let clear = SetManager {
        deployment_name: "D".into(),
        identity: "other".into(),
        ..SetManager::default()
    };
    assert_eq!(
        w.ns.set_manager(&clear, 12_000)
            .unwrap()
            .previous_manager_identity,
        "mgr"
    );
    assert_eq!(w.d().manager_identity, "");
    let bogus = SetManager {
        conflict_token: b"bogus".to_vec(),
        identity: "x".into(),
        ..clear.clone()
    };
    assert_eq!(
        msg(w.ns.set_manager(&bogus, 13_000)).1,
        "conflict token mismatch"
    );
    let anonymous = SetManager {
        identity: String::new(),
        ..clear
    };
    assert_eq!(
        msg(w.ns.set_manager(&anonymous, 13_000)),
        (Code::InvalidArgument, "Identity is required".into())
    );
}

#[test]
fn scenario_19_draining_and_pollers_block_delete() {
    // rule: ops.delete-version, token.strictly-newer
    let mut w = World::new(Limits::SERVER_DEFAULT);
    w.worker("b1", "TQ");
    w.worker("b2", "TQ");
    w.current("b2", "a").unwrap();
    w.current("b1", "a").unwrap();
    w.facts.pollers.insert(v("b2"));
    assert_eq!(
        msg(w.delete(DeleteVersion::new("D", "b2", "a"))).1,
        "version 'D:b2' cannot be deleted since it is draining"
    );
    let skip = DeleteVersion {
        skip_drainage: true,
        ..DeleteVersion::new("D", "b2", "a")
    };
    assert_eq!(
        msg(w.delete(skip.clone())),
        (
            Code::FailedPrecondition,
            "version 'D:b2' cannot be deleted since it has active pollers".into()
        )
    );
    // 21: once the poller history forgets the worker, the delete goes through.
    w.facts.pollers.clear();
    let token = w.d().conflict_token;
    assert_eq!(w.delete(skip), Ok(Outcome::Changed));
    assert_eq!(
        w.d().conflict_token,
        token,
        "delete-version keeps the token"
    );
    assert!(
        !w.ns
            .task_queue(&TaskQueueKey::new("TQ", WF))
            .unwrap()
            .has_version(&v("b2"))
    );
}

#[test]
fn scenario_22_24_ramp_routing_follows_the_hash() {
    // rule: route.ramp-compare
    let mut w = World::new(Limits::SERVER_DEFAULT);
    w.worker("b1", "TQ");
    w.worker("b2", "TQ");
    w.current("b1", "a").unwrap();
    for pct in [0.0_f32, 30.0, 100.0] {
        w.ramp("b2", pct, "a").unwrap();
        let view = w.view("TQ");
        for i in 0..200 {
            let id = format!("ramp-wf-{i}");
            let expect = if is_ramped(ramp_threshold(&id, 0.0), pct) {
                "b2"
            } else {
                "b1"
            };
            assert_eq!(
                route_new_workflow(&view, &id, 0.0).version.cloned(),
                Some(v(expect)),
                "{id} at {pct}"
            );
        }
        assert_eq!(
            w.status("b2"),
            VersionStatus::Ramping,
            "a 0% ramp still ramps"
        );
    }
}

/// The routing the real server showed (`vectors/routing-live.jsonl`, written and re-checked
/// every CI run by `cli/conformance/live/deployments.py`): for each ramp percentage, in the
/// file's order, the model routes every workflow ID where the server did, and computes the
/// server's fingerprint for it.
#[test]
fn scenario_22_24_ramp_routing_matches_the_live_server() {
    // rule: route.ramp-compare
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/vectors/routing-live.jsonl");
    let text = std::fs::read_to_string(path).unwrap();
    let mut w = World::new(Limits::SERVER_DEFAULT);
    w.worker("current", "TQ");
    w.worker("ramping", "TQ");
    w.current("current", "a").unwrap();
    let mut ramped: Option<f32> = None;
    let (mut lines, mut percentages, mut both) = (0, 0, [0, 0]);
    for line in text.lines().filter(|line| !line.starts_with('#')) {
        let seen: serde_json::Value = serde_json::from_str(line).unwrap();
        let id = seen["workflowId"].as_str().unwrap();
        // The file writes the stored float32 as the shortest decimal that reads back to it.
        #[allow(clippy::cast_possible_truncation)]
        let pct = seen["rampPercentage"].as_f64().unwrap() as f32;
        let bits = format!("0x{:08x}", pct.to_bits());
        assert_eq!(seen["rampPercentageBits"].as_str(), Some(bits.as_str()));
        if ramped.map(f32::to_bits) != Some(pct.to_bits()) {
            w.ramp("ramping", pct, "a").unwrap();
            ramped = Some(pct);
            percentages += 1;
        }
        assert_eq!(
            seen["fingerprint32"].as_u64(),
            Some(u64::from(fingerprint32(id))),
            "{id}"
        );
        let server = seen["routedTo"].as_str().unwrap();
        let routed = route_new_workflow(&w.view("TQ"), id, 0.0).version.cloned();
        assert_eq!(routed, Some(v(server)), "{id} at {pct}");
        both[usize::from(server == "ramping")] += 1;
        lines += 1;
    }
    assert!(
        lines >= 500 && percentages >= 5,
        "{lines} IDs, {percentages} percentages"
    );
    assert!(
        both[0] > 100 && both[1] > 100,
        "current {}, ramping {}",
        both[0],
        both[1]
    );
}

#[test]
fn scenario_25_unversioned_current_or_ramp() {
    let mut w = World::new(Limits::SERVER_DEFAULT);
    w.worker("b1", "TQ");
    w.current("b1", "a").unwrap();
    w.ramp("", 30.0, "a").unwrap();
    let view = w.view("TQ");
    for i in 0..80 {
        let id = format!("ramp-wf-{i}");
        let ramped = ramp_threshold(&id, 0.0) <= 30.0;
        let got = route_new_workflow(&view, &id, 0.0).version.cloned();
        assert_eq!(got, if ramped { None } else { Some(v("b1")) });
    }
    let mut w = World::new(Limits::SERVER_DEFAULT);
    w.worker("b2", "TQ");
    w.ramp("b2", 30.0, "a").unwrap();
    let view = w.view("TQ");
    for i in 0..80 {
        let id = format!("ramp-wf-{i}");
        let ramped = ramp_threshold(&id, 0.0) <= 30.0;
        assert_eq!(
            route_new_workflow(&view, &id, 0.0).version.cloned(),
            ramped.then(|| v("b2"))
        );
    }
}

#[test]
fn scenario_26_unversioned_is_already_current() {
    let mut w = World::new(Limits::SERVER_DEFAULT);
    w.worker("b1", "TQ");
    assert_eq!(
        msg(w.ramp("", 20.0, "a")).1,
        "requested ramping version __unversioned__ is already current"
    );
    w.current("", "a").unwrap();
    assert_eq!(w.current("", "a").unwrap().outcome, Outcome::NoOp);
}

#[test]
fn scenario_27_pinned_stays_auto_upgrade_moves() {
    // rule: route.auto-upgrade-revision
    let mut w = World::new(Limits::SERVER_DEFAULT);
    w.worker("b1", "TQ");
    w.worker("b2", "TQ");
    w.current("b1", "a").unwrap();
    let view = w.view("TQ");
    let first = route_new_workflow(&view, "wf", 0.0);
    assert_eq!((first.version.cloned(), first.revision), (Some(v("b1")), 1));
    let pinned = WorkflowVersioning {
        behavior: Behavior::Pinned,
        deployment: first.version.cloned(),
        revision: 1,
        ..Default::default()
    };
    let auto = WorkflowVersioning {
        behavior: Behavior::AutoUpgrade,
        ..pinned.clone()
    };
    w.current("b2", "a").unwrap();
    let view = w.view("TQ");
    assert_eq!(
        route_workflow_task(&view, &pinned, "wf", false, 0.0)
            .version
            .cloned(),
        Some(v("b1"))
    );
    let moved = route_workflow_task(&view, &auto, "wf", false, 0.0);
    assert_eq!((moved.version.cloned(), moved.revision), (Some(v("b2")), 2));
}

#[test]
fn scenario_28_pinned_override_membership() {
    // rule: ops.override
    let mut w = World::new(Limits::SERVER_DEFAULT);
    w.worker("b1", "TQ");
    w.worker("b2", "TQ");
    w.current("b1", "a").unwrap();
    assert_eq!(
        w.ns.check_override("TQ", &Override::Pinned(Some(v("b2")))),
        Ok(Some(v("b2")))
    );
    assert_eq!(
        msg(w.ns.check_override("TQ", &Override::Pinned(Some(v("b9"))))),
        (
            Code::FailedPrecondition,
            "Pinned version 'D:b9' is not present in task queue 'TQ' of type 'Workflow'".into()
        )
    );
    let over = WorkflowVersioning {
        behavior: Behavior::AutoUpgrade,
        versioning_override: Some(Override::Pinned(Some(v("b2")))),
        ..Default::default()
    };
    assert_eq!(
        route_workflow_task(&w.view("TQ"), &over, "wf", false, 0.0)
            .version
            .cloned(),
        Some(v("b2"))
    );
}

#[test]
fn scenario_29_children_and_new_runs_of_a_pinned_parent_inherit() {
    // rule: route.inheritance
    let parent = WorkflowVersioning {
        behavior: Behavior::Pinned,
        deployment: Some(v("b1")),
        revision: 1,
        ..Default::default()
    };
    assert_eq!(
        inherit(&parent, true, false, false),
        Inherited::Pinned(v("b1"))
    );
    // 50: a child on a queue that is not in the parent's version is not pinned.
    assert_eq!(inherit(&parent, false, false, false), Inherited::Nothing);
    // 51: continue-as-new with initial AUTO_UPGRADE starts from the source.
    assert_eq!(
        inherit(&parent, true, false, true),
        Inherited::AutoUpgrade {
            from: v("b1"),
            revision: 1
        }
    );
}

#[test]
fn scenario_31_32_auto_upgrade_workflows_under_a_new_ramp_and_its_removal() {
    let mut w = World::new(Limits::SERVER_DEFAULT);
    w.worker("b1", "TQ");
    w.worker("b2", "TQ");
    w.current("b1", "a").unwrap();
    let wf = |rev| WorkflowVersioning {
        behavior: Behavior::AutoUpgrade,
        deployment: Some(v("b1")),
        revision: rev,
        ..Default::default()
    };
    w.ramp("b2", 50.0, "a").unwrap();
    let view = w.view("TQ");
    for i in 0..40 {
        let id = format!("ramp-wf-{i}");
        let expect = if ramp_threshold(&id, 0.0) <= 50.0 {
            "b2"
        } else {
            "b1"
        };
        assert_eq!(
            route_workflow_task(&view, &wf(1), &id, false, 0.0)
                .version
                .cloned(),
            Some(v(expect))
        );
    }
    let moved_rev = view.ramping_revision;
    w.ramp("", 0.0, "a").unwrap();
    let view = w.view("TQ");
    for i in 0..30 {
        let id = format!("ramp-wf-{i}");
        let on_b2 = WorkflowVersioning {
            deployment: Some(v("b2")),
            ..wf(moved_rev)
        };
        assert_eq!(
            route_workflow_task(&view, &on_b2, &id, false, 0.0)
                .version
                .cloned(),
            Some(v("b1"))
        );
    }
}

#[test]
fn scenario_33_35_drainage_and_rollback() {
    // rule: drainage.timers, drainage.rollback
    let mut w = World::new(Limits::SHORT);
    w.worker("d1", "TQ");
    w.worker("d2", "TQ");
    w.current("d1", "a").unwrap();
    w.current("d2", "a").unwrap();
    let demoted = w.now;
    let info = w.ns.version(&v("d1")).unwrap().drainage.unwrap();
    assert_eq!(
        (info.status, info.last_changed_ms, info.last_checked_ms),
        (DrainageStatus::Draining, demoted, demoted)
    );
    // An open pinned workflow keeps it draining past the 5 s grace check.
    assert!(w.ns.check_drainage(demoted + 5_000, |_| 1).is_empty());
    w.check();
    // Closed: drained at the next 10 s check.
    assert!(w.ns.check_drainage(demoted + 14_999, |_| 0).is_empty());
    assert_eq!(w.ns.check_drainage(demoted + 15_000, |_| 0), vec![v("d1")]);
    w.check();
    assert_eq!(w.status("d1"), VersionStatus::Drained);
    // 35: rollback.
    w.now = demoted + 20_000;
    w.current("d1", "a").unwrap();
    assert_eq!(w.status("d1"), VersionStatus::Current);
    assert_eq!(w.ns.version(&v("d1")).unwrap().drainage, None);
    assert_eq!(w.status("d2"), VersionStatus::Draining);
}

#[test]
fn scenario_34_reactivation() {
    // rule: drainage.reactivation
    let mut w = World::new(Limits::SHORT);
    w.worker("d1", "TQ");
    w.worker("d2", "TQ");
    w.current("d1", "a").unwrap();
    w.current("d2", "a").unwrap();
    w.ns.check_drainage(w.now + 5_000, |_| 0);
    assert_eq!(
        w.ns.check_override("TQ", &Override::Pinned(Some(v("d1")))),
        Ok(Some(v("d1")))
    );
    assert_eq!(w.ns.reactivate(&v("d1"), w.now + 6_000), Outcome::Changed);
    w.check();
    assert_eq!(w.status("d1"), VersionStatus::Draining);
    assert_eq!(w.ns.check_drainage(w.now + 11_000, |_| 0), vec![v("d1")]);
}

#[test]
fn scenario_37_54_task_queues_per_version_cap() {
    // rule: register.order, ops.side-effects-stay
    let mut w = World::new(Limits::SHORT);
    w.poll("d9", "x1", WF).unwrap();
    w.poll("d9", "x1", ACT).unwrap();
    w.poll("d9", "x2", WF).unwrap();
    assert_eq!(
        msg(w.poll("d9", "x3", WF)),
        (Code::ResourceExhausted, "cannot add task queue x3 since maximum number of task queues (2) have been registered in deployment".into())
    );
    // 54: a new type of a registered family is refused at the cap too.
    assert!(w.poll("d9", "x2", ACT).is_err());
    let pairs: Vec<_> = w.ns.version(&v("d9")).unwrap().task_queue_pairs().collect();
    assert_eq!(pairs, vec![("x1", WF), ("x1", ACT), ("x2", WF)]);
}

#[test]
fn scenario_38_version_cap_and_gc() {
    // rule: gc.order, register.order
    let mut w = World::new(Limits::SHORT);
    for b in ["g1", "g2", "g3"] {
        w.poll(b, "tq", WF).unwrap();
        w.facts.pollers.insert(v(b));
    }
    assert_eq!(
        msg(w.poll("g4", "tq", WF)),
        (Code::ResourceExhausted, "cannot add version D.g4 since maximum number of versions (3) have been registered in the deployment".into())
    );
    w.facts.pollers.clear();
    w.poll("g4", "tq", WF).unwrap();
    assert!(w.ns.version(&v("g1")).is_none(), "the oldest goes");
    w.current("g2", "a").unwrap();
    w.poll("g5", "tq", WF).unwrap();
    assert!(
        w.ns.version(&v("g3")).is_none(),
        "the oldest non-current goes"
    );
    assert!(w.ns.version(&v("g2")).is_some());
}

#[test]
fn scenario_39_versions_per_task_queue_cap() {
    // rule: register.order
    let mut w = World::new(Limits {
        max_versions_in_deployment: 100,
        ..Limits::SHORT
    });
    for b in ["t1", "t2", "t3", "t4", "t5"] {
        w.poll(b, "tq", WF).unwrap();
    }
    assert_eq!(
        msg(w.poll("t6", "tq", WF)),
        (
            Code::ResourceExhausted,
            "exceeding maximum number of Deployment Versions in this task queue (limit = 4)".into()
        )
    );
}

#[test]
fn scenario_40_deployments_cap() {
    // rule: register.order, ops.delete-deployment
    let mut w = World::new(Limits::SHORT);
    for name in ["A", "B", "C"] {
        w.ns.register(&Poller::new(name, "b", "tq", WF), 1_000, &w.facts)
            .unwrap();
    }
    let cap = (
        Code::ResourceExhausted,
        "reached maximum deployments in namespace (3)".to_owned(),
    );
    assert_eq!(
        msg(w
            .ns
            .register(&Poller::new("E", "b", "tq", WF), 2_000, &w.facts)),
        cap
    );
    let allow = SetCurrent {
        allow_no_pollers: true,
        ..SetCurrent::new("E", "b", "a")
    };
    assert_eq!(msg(w.ns.set_current(&allow, 2_000, &w.facts)), cap);
    let create = CreateDeployment {
        deployment_name: "E".into(),
        identity: "a".into(),
        request_id: "r".into(),
    };
    assert_eq!(msg(w.ns.create_deployment(&create, 2_000)), cap);
    w.ns.delete_version(&DeleteVersion::new("A", "b", "a"), 3_000, &w.facts)
        .unwrap();
    let del = DeleteDeployment {
        deployment_name: "A".into(),
        identity: "a".into(),
    };
    assert_eq!(w.ns.delete_deployment(&del), Ok(Outcome::Changed));
    assert!(w.ns.create_deployment(&create, 4_000).is_ok());
    w.check();
}

#[test]
fn scenario_41_create_apis() {
    // rule: ops.create
    let mut w = World::new(Limits::SERVER_DEFAULT);
    let r1 = CreateDeployment {
        deployment_name: "D".into(),
        identity: "a".into(),
        request_id: "r1".into(),
    };
    w.ns.create_deployment(&r1, 1_000).unwrap();
    let token = w.d().conflict_token;
    assert_eq!(w.ns.create_deployment(&r1, 2_000), Ok(Outcome::NoOp));
    assert_eq!(w.d().conflict_token, token);
    let r2 = CreateDeployment {
        request_id: "r2".into(),
        ..r1
    };
    assert_eq!(
        msg(w.ns.create_deployment(&r2, 2_000)),
        (
            Code::AlreadyExists,
            "Worker Deployment with name \"D\" already exists".into()
        )
    );
    w.ns.register(&Poller::new("P", "b", "tq", WF), 1_000, &w.facts)
        .unwrap();
    let polled = CreateDeployment {
        deployment_name: "P".into(),
        ..r2
    };
    assert_eq!(
        msg(w.ns.create_deployment(&polled, 2_000)).1,
        "Worker Deployment with name \"P\" already exists (auto-created from worker polls)"
    );
    let cv = CreateVersion {
        deployment_name: "D".into(),
        build_id: "v1".into(),
        identity: "a".into(),
        request_id: "rv1".into(),
    };
    assert_eq!(
        w.ns.create_version(&cv, 3_000, &w.facts),
        Ok(Outcome::Changed)
    );
    assert_eq!(w.status("v1"), VersionStatus::Created);
    assert_eq!(w.ns.create_version(&cv, 4_000, &w.facts), Ok(Outcome::NoOp));
    let rv2 = CreateVersion {
        request_id: "rv2".into(),
        ..cv.clone()
    };
    assert_eq!(
        msg(w.ns.create_version(&rv2, 4_000, &w.facts)),
        (
            Code::AlreadyExists,
            "Worker Deployment Version \"D.v1\" already exists".into()
        )
    );
    let missing = CreateVersion {
        deployment_name: "Q".into(),
        ..cv
    };
    assert_eq!(
        msg(w.ns.create_version(&missing, 4_000, &w.facts)).0,
        Code::NotFound
    );
    w.check();
}

#[test]
fn scenario_42_a_created_version_made_current_then_polled() {
    // rule: register.pushes-routing
    let mut w = World::new(Limits::SERVER_DEFAULT);
    w.worker("b0", "TQ");
    let cv = CreateVersion {
        deployment_name: "D".into(),
        build_id: "v1".into(),
        identity: "a".into(),
        request_id: "r".into(),
    };
    w.ns.create_version(&cv, 3_000, &w.facts).unwrap();
    w.current("v1", "a").unwrap();
    assert_eq!(w.status("v1"), VersionStatus::Current);
    w.worker("v1", "TQ");
    assert_eq!(w.status("v1"), VersionStatus::Current);
    assert_eq!(
        route_new_workflow(&w.view("TQ"), "wf", 0.0)
            .version
            .cloned(),
        Some(v("v1"))
    );
}

#[test]
fn scenario_43_allow_no_pollers() {
    let mut w = World::new(Limits::SERVER_DEFAULT);
    w.worker("b1", "TQ");
    let ghost = SetCurrent {
        allow_no_pollers: true,
        ..SetCurrent::new("D", "ghost", "a")
    };
    w.set_current(ghost).unwrap();
    assert_eq!(w.status("ghost"), VersionStatus::Current);
    let ramp = SetRamping {
        allow_no_pollers: true,
        ..SetRamping::new("N", "r1", 25.0, "a")
    };
    let now = w.tick();
    w.ns.set_ramping(&ramp, now, &w.facts).unwrap();
    assert_eq!(
        w.ns.version(&VersionKey::new("N", "r1")).unwrap().status,
        VersionStatus::Ramping
    );
    w.check();
}

#[test]
fn scenario_46_a_zero_percent_ramp_is_not_an_unset() {
    // rule: ops.set-ramping
    let mut w = World::new(Limits::SERVER_DEFAULT);
    w.worker("b1", "TQ");
    w.worker("b2", "TQ");
    w.current("b1", "a").unwrap();
    w.ramp("b2", 0.0, "a").unwrap();
    assert_eq!(w.status("b2"), VersionStatus::Ramping);
    w.ramp("", 0.0, "a").unwrap();
    assert_eq!(w.d().routing.ramping, Ramp::None);
    assert_eq!(w.status("b2"), VersionStatus::Draining);
}

#[test]
fn scenario_47_validation_strings() {
    // rule: ids.field-checks, ids.version-string
    let mut w = World::new(Limits::SERVER_DEFAULT);
    w.worker("b1", "TQ");
    assert_eq!(
        msg(w.set_current(SetCurrent::new("", "b1", "a"))),
        (
            Code::InvalidArgument,
            "deployment name cannot be empty".into()
        )
    );
    let dotted = SetCurrent::new("a.b", "b1", "a");
    assert_eq!(
        msg(w.set_current(dotted)).1,
        "invalid version string 'a.b.b1' does not match deployment name 'a.b'"
    );
    let other = SetCurrent {
        version: "other.b1".into(),
        ..SetCurrent::new("v3val", "", "a")
    };
    assert_eq!(
        msg(w.set_current(other)).1,
        "invalid version string 'other.b1' does not match deployment name 'v3val'"
    );
    let nodelim = SetCurrent {
        version: "nodelimiter".into(),
        ..SetCurrent::new("v3val", "", "a")
    };
    assert_eq!(
        msg(w.set_current(nodelim)).1,
        "invalid version string: expected delimiter ':' or '.' not found in version string nodelimiter"
    );
    assert_eq!(
        msg(w.ramp_named("", "b1")).1,
        "invalid version string: deployment name is empty in version string .b1"
    );
    let long = SetCurrent::new(&"x".repeat(600), "b1", "a");
    assert_eq!(
        msg(w.set_current(long)).1,
        "size of WorkerDeploymentName larger than the maximum allowed"
    );
    let under = SetCurrent::new("__x", "b1", "a");
    assert_eq!(
        msg(w.set_current(under)).1,
        "WorkerDeploymentName cannot start with '__'"
    );
    let build = SetCurrent {
        allow_no_pollers: true,
        ..SetCurrent::new("D", "__b", "a")
    };
    assert_eq!(
        msg(w.set_current(build)).1,
        "BuildID cannot start with '__'"
    );
    let empty = DeleteVersion::default();
    assert_eq!(
        msg(w.delete(empty)),
        (
            Code::InvalidArgument,
            "invalid version string \"\", expected format is \"<deployment_name>.<build_id>\""
                .into()
        )
    );
}

impl World {
    fn ramp_named(&mut self, name: &str, b: &str) -> Result<SetRampingResponse, Error> {
        self.set_ramping(SetRamping::new(name, b, 10.0, "a"))
    }
}

#[test]
fn scenario_49_an_activity_queue_outside_the_pinned_version_uses_its_own_current() {
    // rule: route.queue-view
    let mut w = World::new(Limits::SERVER_DEFAULT);
    w.poll("b1", "TQ", WF).unwrap();
    w.poll("b2", "OTHER", WF).unwrap();
    w.current("b1", "a").unwrap();
    w.ns.register(&Poller::new("E", "e1", "OTHER", WF), 30_000, &w.facts)
        .unwrap();
    w.ns.set_current(&SetCurrent::new("E", "e1", "a"), 31_000, &w.facts)
        .unwrap();
    // The pinned version b1 is not a member of OTHER: the task goes to OTHER's current.
    assert!(
        !w.ns
            .task_queue(&TaskQueueKey::new("OTHER", WF))
            .unwrap()
            .has_version(&v("b1"))
    );
    assert_eq!(
        route_new_workflow(&w.view("OTHER"), "wf", 0.0)
            .version
            .cloned(),
        Some(VersionKey::new("E", "e1"))
    );
}

#[test]
fn scenario_52_the_revision_rule_keeps_auto_upgrade_from_going_back() {
    // rule: route.auto-upgrade-revision
    let lagging = QueueView {
        current: Some(v("b1")),
        current_revision: 3,
        ..QueueView::default()
    };
    let wf = WorkflowVersioning {
        behavior: Behavior::AutoUpgrade,
        deployment: Some(v("b2")),
        revision: 4,
        ..Default::default()
    };
    assert_eq!(
        route_workflow_task(&lagging, &wf, "wf", false, 0.0)
            .version
            .cloned(),
        Some(v("b2"))
    );
    let caught_up = QueueView {
        current_revision: 4,
        ..lagging.clone()
    };
    assert_eq!(
        route_workflow_task(&caught_up, &wf, "wf", false, 0.0)
            .version
            .cloned(),
        Some(v("b1"))
    );
    let other = QueueView {
        current: Some(VersionKey::new("E", "e1")),
        ..lagging
    };
    assert_eq!(
        route_workflow_task(&other, &wf, "wf", false, 0.0)
            .version
            .cloned(),
        Some(VersionKey::new("E", "e1"))
    );
}

#[test]
fn scenario_53_a_deleted_version_polled_again_is_fresh() {
    // rule: register.revival
    let mut w = World::new(Limits::SERVER_DEFAULT);
    w.poll("b1", "TQ", WF).unwrap();
    let created = w.ns.version(&v("b1")).unwrap().create_time_ms;
    w.delete(DeleteVersion::new("D", "b1", "a")).unwrap();
    w.poll("b1", "TQ", WF).unwrap();
    let again = w.ns.version(&v("b1")).unwrap();
    assert_eq!(again.status, VersionStatus::Inactive);
    assert!(again.create_time_ms > created);
}

#[test]
fn scenario_27_activities_follow_their_workflow() {
    // rule: route.activity
    let mut w = World::new(Limits::SERVER_DEFAULT);
    w.worker("b1", "TQ");
    w.worker("b2", "TQ");
    w.current("b1", "a").unwrap();
    let pinned = WorkflowVersioning {
        behavior: Behavior::Pinned,
        deployment: Some(v("b1")),
        revision: 1,
        ..Default::default()
    };
    let auto = WorkflowVersioning {
        behavior: Behavior::AutoUpgrade,
        ..pinned.clone()
    };
    w.current("b2", "a").unwrap();
    let act = w.ns.task_queue_view(&TaskQueueKey::new("TQ", ACT));
    let member =
        w.ns.task_queue(&TaskQueueKey::new("TQ", ACT))
            .unwrap()
            .has_version(&v("b1"));
    assert!(member);
    assert_eq!(
        route_activity(&act, &pinned, "wf", member, 0.0)
            .version
            .cloned(),
        Some(v("b1"))
    );
    assert_eq!(
        route_activity(&act, &auto, "wf", member, 0.0)
            .version
            .cloned(),
        Some(v("b2"))
    );
    assert_eq!(route_nexus(&act).version.cloned(), Some(v("b2")));
}

#[test]
fn scenario_30_overrides_at_run_time() {
    // rule: ops.override, route.auto-upgrade-revision
    let mut w = World::new(Limits::SERVER_DEFAULT);
    w.worker("b1", "TQ");
    w.worker("b2", "TQ");
    w.current("b1", "a").unwrap();
    w.current("b2", "a").unwrap();
    // An auto-upgrade workflow on b2 pinned to the draining b1 runs there.
    assert_eq!(
        w.ns.check_override("TQ", &Override::Pinned(Some(v("b1")))),
        Ok(None)
    );
    let auto = WorkflowVersioning {
        behavior: Behavior::AutoUpgrade,
        deployment: Some(v("b2")),
        revision: 2,
        versioning_override: Some(Override::Pinned(Some(v("b1")))),
        ..Default::default()
    };
    assert_eq!(
        route_workflow_task(&w.view("TQ"), &auto, "wf", false, 0.0)
            .version
            .cloned(),
        Some(v("b1"))
    );
    // A pinned workflow on b2 with an auto-upgrade override follows current back to b1.
    w.current("b1", "a").unwrap();
    let pinned = WorkflowVersioning {
        behavior: Behavior::Pinned,
        deployment: Some(v("b2")),
        revision: 2,
        versioning_override: Some(Override::AutoUpgrade),
        ..Default::default()
    };
    assert_eq!(
        route_workflow_task(&w.view("TQ"), &pinned, "wf", false, 0.0)
            .version
            .cloned(),
        Some(v("b1"))
    );
}

#[test]
fn scenario_48_a_sticky_task_of_an_auto_upgrade_workflow_moves() {
    // rule: route.sticky
    let mut w = World::new(Limits::SERVER_DEFAULT);
    w.worker("b1", "TQ");
    w.worker("b2", "TQ");
    w.current("b1", "a").unwrap();
    let auto = WorkflowVersioning {
        behavior: Behavior::AutoUpgrade,
        deployment: Some(v("b1")),
        revision: 1,
        ..Default::default()
    };
    let pinned = WorkflowVersioning {
        behavior: Behavior::Pinned,
        ..auto.clone()
    };
    assert!(sticky_usable(
        &w.view("TQ"),
        &auto,
        Some(&v("b1")),
        "wf",
        0.0
    ));
    w.current("b2", "a").unwrap();
    assert!(!sticky_usable(
        &w.view("TQ"),
        &auto,
        Some(&v("b1")),
        "wf",
        0.0
    ));
    assert!(sticky_usable(
        &w.view("TQ"),
        &pinned,
        Some(&v("b1")),
        "wf",
        0.0
    ));
}

#[test]
fn scenario_49_a_pinned_workflows_activity_on_a_foreign_queue_is_independent() {
    // rule: route.activity
    let pinned = WorkflowVersioning {
        behavior: Behavior::Pinned,
        deployment: Some(v("b1")),
        revision: 1,
        ..Default::default()
    };
    let other = QueueView {
        current: Some(VersionKey::new("E", "e1")),
        current_revision: 7,
        ..QueueView::default()
    };
    let routed = route_activity(&other, &pinned, "wf", false, 0.0);
    assert_eq!(
        (routed.version.cloned(), routed.revision),
        (Some(VersionKey::new("E", "e1")), 7)
    );
}

#[test]
fn scenario_56_a_pinned_version_deleted_with_skip_drainage_leaves_the_queue() {
    // rule: ops.delete-version, ops.override
    let mut w = World::new(Limits::SERVER_DEFAULT);
    w.worker("b1", "TQ");
    w.worker("b2", "TQ");
    w.current("b1", "a").unwrap();
    w.current("b2", "a").unwrap();
    let skip = DeleteVersion {
        skip_drainage: true,
        ..DeleteVersion::new("D", "b1", "a")
    };
    assert_eq!(w.delete(skip), Ok(Outcome::Changed));
    assert_eq!(
        msg(w.ns.check_override("TQ", &Override::Pinned(Some(v("b1"))))).1,
        "Pinned version 'D:b1' is not present in task queue 'TQ' of type 'Workflow'"
    );
}

#[test]
fn scenario_36_a_query_to_a_closed_workflow_pinned_to_a_drained_version() {
    // rule: query.root-partition-pollers
    let mut w = World::new(Limits::SHORT);
    w.worker("d1", "TQ");
    w.worker("d2", "TQ");
    w.current("d1", "a").unwrap();
    w.current("d2", "a").unwrap();
    w.ns.check_drainage(w.now + 5_000, |_| 0);
    assert_eq!(
        msg(w.ns.check_query("TQ", &v("d1"), false)),
        (Code::FailedPrecondition, "You are trying to query a closed Workflow that is PINNED to Worker Deployment Version d1, but d1 is drained and has no pollers to answer the query. Immediately: You can re-deploy Workers in this Deployment Version to take those queries, or you can workflow update-options to change your workflow to AUTO_UPGRADE. For the future: In your infrastructure, consider waiting longer after the last queried timestamp as reported in Describe Deployment before you sunset Workers. Or mark this workflow as AUTO_UPGRADE.".into())
    );
}

#[test]
fn scenario_51_use_ramping_version_sends_the_first_task_to_the_ramp_whatever_the_hash() {
    // rule: route.inheritance
    let view = QueueView {
        current: Some(v("b1")),
        current_revision: 2,
        ramping: Some(v("b2")),
        is_ramping: true,
        percentage: 1.0,
        ramping_revision: 3,
    };
    // `ramp-wf-0` hashes to 94.79: not ramped at 1%, but the flag wins.
    let run = WorkflowVersioning {
        behavior: Behavior::AutoUpgrade,
        deployment: Some(v("b1")),
        revision: 2,
        ..Default::default()
    };
    assert_eq!(
        route_workflow_task(&view, &run, "ramp-wf-0", false, 0.0)
            .version
            .cloned(),
        Some(v("b1"))
    );
    let first = route_workflow_task(&view, &run, "ramp-wf-0", true, 0.0);
    assert_eq!((first.version.cloned(), first.revision), (Some(v("b2")), 3));
    // An unversioned ramp does not take the flag.
    let unversioned = QueueView {
        ramping: None,
        ..view
    };
    assert_eq!(
        route_workflow_task(&unversioned, &run, "ramp-wf-0", true, 0.0)
            .version
            .cloned(),
        Some(v("b1"))
    );
}
