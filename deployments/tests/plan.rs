//! Rollout plans (`Plan::check`): each step's outcome, the state after it, the first
//! refused step word for word, and each hazard.

use worker_deployments::*;

const MIN: u64 = 60_000;

fn v(b: &str) -> VersionKey {
    VersionKey::new("D", b)
}

fn tq() -> TaskQueueKey {
    TaskQueueKey::new("tq", TaskQueueType::Workflow)
}

fn start(at_ms: u64, b: &str) -> PlanStep {
    PlanStep::new(
        at_ms,
        Event::WorkersStart {
            version: v(b),
            task_queue: tq(),
        },
    )
}

fn current(at_ms: u64, b: &str) -> PlanStep {
    PlanStep::new(at_ms, Event::SetCurrent(SetCurrent::new("D", b, "ci")))
}

fn ramp(at_ms: u64, b: &str, percentage: f32) -> PlanStep {
    PlanStep::new(
        at_ms,
        Event::SetRamping(SetRamping::new("D", b, percentage, "ci")),
    )
}

fn stop(at_ms: u64, b: &str) -> PlanStep {
    PlanStep::new(at_ms, Event::WorkersStop { version: v(b) })
}

fn pinned(at_ms: u64, b: &str, count: u64) -> PlanStep {
    PlanStep::new(
        at_ms,
        Event::OpenPinned {
            version: v(b),
            count,
        },
    )
}

fn plan(steps: Vec<PlanStep>) -> Plan {
    Plan {
        steps,
        sample: Vec::new(),
    }
}

fn hazards(report: &PlanReport) -> Vec<String> {
    report.hazards.iter().map(ToString::to_string).collect()
}

fn capped(cap: usize) -> Deployments {
    Deployments::new(Limits {
        max_versions_in_deployment: cap,
        ..Limits::SERVER_DEFAULT
    })
}

/// A deploy: the new build's workers start, it becomes current, the old build's
/// workers stop.
fn deploy(at_ms: u64, old: Option<&str>, new: &str) -> Vec<PlanStep> {
    let mut steps = vec![start(at_ms, new), current(at_ms + 1, new)];
    if let Some(old) = old {
        steps.push(stop(at_ms + 2, old));
    }
    steps
}

#[test]
fn a_clean_rollout_has_no_failure_and_no_hazard() {
    let mut steps = deploy(1_000, None, "b1");
    steps.extend(deploy(10 * MIN, Some("b1"), "b2"));
    steps.push(ramp(20 * MIN, "b3", 10.0).clone());
    steps.insert(steps.len() - 1, start(20 * MIN - 1, "b3"));
    steps.push(current(30 * MIN, "b3"));
    steps.push(stop(30 * MIN + 1, "b2"));
    steps.push(PlanStep::new(40 * MIN, Event::Advance));
    let report = plan(steps).check(&Deployments::new(Limits::SERVER_DEFAULT));
    assert!(report.is_clean(), "{:?}", hazards(&report));
    let last = report.steps.last().unwrap();
    let d = &last.snapshot.deployments[0];
    assert_eq!(d.current, Some(v("b3")));
    assert_eq!(d.ramping, None);
    let statuses: Vec<_> = d.versions.iter().map(|v| v.status.as_str()).collect();
    assert_eq!(
        statuses,
        [
            "WORKER_DEPLOYMENT_VERSION_STATUS_DRAINED",
            "WORKER_DEPLOYMENT_VERSION_STATUS_DRAINED",
            "WORKER_DEPLOYMENT_VERSION_STATUS_CURRENT"
        ]
    );
    assert_eq!(
        d.deletable().cloned().collect::<Vec<_>>(),
        [v("b1"), v("b2")]
    );
}

#[test]
fn the_first_refused_step_is_named_word_for_word_and_leaves_the_state() {
    let mut steps = deploy(1_000, None, "b1");
    steps.push(current(2_000, "b9"));
    steps.push(current(3_000, "b1"));
    let report = plan(steps).check(&Deployments::new(Limits::SERVER_DEFAULT));
    let failed = report.first_failure().unwrap();
    assert_eq!(failed.index, 2);
    assert_eq!(
        failed.outcome.to_string(),
        "NOT_FOUND: build ID 'b9' not found in Worker Deployment 'D'"
    );
    // The steps after it do not run, and the state is the one before it.
    assert_eq!(report.steps.len(), 3);
    assert_eq!(report.steps[2].snapshot, report.steps[1].snapshot);
    assert!(!report.is_clean());
}

#[test]
fn the_start_state_is_not_changed_and_a_built_start_is_used() {
    let mut ns = Deployments::new(Limits::SERVER_DEFAULT);
    let facts = Observed::default();
    ns.register(
        &Poller::new("D", "b1", "tq", TaskQueueType::Workflow),
        1_000,
        &facts,
    )
    .unwrap();
    let copy = ns.clone();
    let report = plan(vec![current(2_000, "b1")]).check(&ns);
    assert_eq!(ns, copy);
    assert_eq!(report.steps[0].outcome, StepOutcome::Changed);
    assert_eq!(
        report.steps[0].snapshot.deployments[0].current,
        Some(v("b1"))
    );
}

#[test]
fn a_version_becomes_deletable_when_its_drainage_check_is_due() {
    let mut steps = deploy(1_000, None, "b1");
    steps.extend(deploy(2_000, Some("b1"), "b2"));
    // One step long after: b1 drained at its grace period's end, 180 s after 2_001.
    steps.push(PlanStep::new(60 * MIN, Event::Advance));
    let report = plan(steps).check(&Deployments::new(Limits::SERVER_DEFAULT));
    let last = report.steps.last().unwrap();
    assert_eq!(last.became_deletable, [(v("b1"), 182_001)]);
    assert!(
        report
            .steps
            .iter()
            .rev()
            .skip(1)
            .all(|s| s.became_deletable.is_empty())
    );
}

#[test]
fn open_pinned_workflows_keep_a_version_draining() {
    let mut steps = deploy(1_000, None, "b1");
    steps.push(pinned(1_500, "b1", 4));
    steps.extend(deploy(2_000, Some("b1"), "b2"));
    steps.push(PlanStep::new(60 * MIN, Event::Advance));
    steps.push(pinned(61 * MIN, "b1", 0));
    steps.push(PlanStep::new(70 * MIN, Event::Advance));
    let report = plan(steps).check(&Deployments::new(Limits::SERVER_DEFAULT));
    let at_60 = &report.steps[6].snapshot.deployments[0].versions[0];
    assert_eq!(at_60.status, VersionStatus::Draining);
    assert_eq!(at_60.open_pinned, 4);
    assert!(!at_60.deletable);
    // Refreshes every 180 s from the first check at 182_001: the one after 61 min.
    assert_eq!(report.steps[8].became_deletable, [(v("b1"), 3_782_001)]);
}

#[test]
fn a_cadence_that_fills_the_cap_while_old_versions_drain_is_a_hazard() {
    // Four deploys a few minutes apart under a cap of three, b1 with open workflows.
    let mut steps = deploy(1_000, None, "b1");
    steps.push(pinned(1_100, "b1", 10));
    steps.extend(deploy(5 * MIN, Some("b1"), "b2"));
    steps.extend(deploy(10 * MIN, Some("b2"), "b3"));
    // b2's grace period ends at 13 min: b4 comes too early.
    steps.extend(deploy(12 * MIN, Some("b3"), "b4"));
    let report = plan(steps).check(&capped(3));
    assert_eq!(
        hazards(&report),
        [
            "line 7: deployment D holds its cap of 3 versions and none is deletable (1 draining): the next new version will be refused"
        ]
    );
    let failed = report.first_failure().unwrap();
    assert_eq!(failed.index, 9);
    assert_eq!(
        failed.outcome.to_string(),
        "RESOURCE_EXHAUSTED: cannot add version D.b4 since maximum number of versions (3) have been registered in the deployment"
    );
}

#[test]
fn the_same_cadence_with_drained_versions_has_room() {
    let mut steps = deploy(1_000, None, "b1");
    steps.extend(deploy(5 * MIN, Some("b1"), "b2"));
    steps.extend(deploy(10 * MIN, Some("b2"), "b3"));
    steps.extend(deploy(15 * MIN, Some("b3"), "b4"));
    let report = plan(steps).check(&capped(3));
    assert!(report.is_clean(), "{:?}", hazards(&report));
    // Version GC took b1 for b4.
    let d = &report.steps.last().unwrap().snapshot.deployments[0];
    let keys: Vec<_> = d.versions.iter().map(|v| v.key.clone()).collect();
    assert_eq!(keys, [v("b2"), v("b3"), v("b4")]);
}

#[test]
fn a_rollback_that_leaves_a_ramp_is_a_hazard() {
    let mut steps = deploy(1_000, None, "b1");
    steps.extend(deploy(2_000, None, "b2"));
    steps.push(start(3_000, "b3"));
    steps.push(ramp(3_001, "b3", 25.0));
    steps.push(current(4_000, "b1"));
    steps.push(ramp(5_000, "", 0.0));
    steps.push(current(6_000, "b3"));
    let report = plan(steps).check(&Deployments::new(Limits::SERVER_DEFAULT));
    assert_eq!(report.first_failure(), None);
    assert_eq!(
        hazards(&report),
        ["line 7: rollback to D:b1 leaves D:b3 ramping at 25%"]
    );
}

#[test]
fn a_ramp_left_at_the_end_is_a_hazard() {
    let mut steps = deploy(1_000, None, "b1");
    steps.push(start(2_000, "b2"));
    steps.push(ramp(2_001, "b2", 33.3));
    let report = plan(steps).check(&Deployments::new(Limits::SERVER_DEFAULT));
    assert_eq!(
        hazards(&report),
        ["end: deployment D still ramps D:b2 at 33.3%"]
    );
}

#[test]
fn a_ramp_removed_before_its_version_is_current_is_a_hazard() {
    let mut steps = deploy(1_000, None, "b1");
    steps.push(start(2_000, "b2"));
    steps.push(ramp(2_001, "b2", 50.0));
    steps.push(ramp(3_000, "", 0.0));
    let report = plan(steps).check(&Deployments::new(Limits::SERVER_DEFAULT));
    assert_eq!(
        hazards(&report),
        ["line 4: the ramp of D:b2 was removed and it never became current"]
    );
}

#[test]
fn the_sample_splits_by_the_ramp_threshold() {
    let mut steps = deploy(1_000, None, "b1");
    steps.push(start(2_000, "b2"));
    steps.push(ramp(2_001, "b2", 30.0));
    steps.push(current(3_000, "b2"));
    let report = Plan {
        steps,
        // `ramp-wf-1` hashes to 18.28, `ramp-wf-0` to 94.79 (the crate's example).
        sample: vec!["ramp-wf-0".into(), "ramp-wf-1".into()],
    }
    .check(&Deployments::new(Limits::SERVER_DEFAULT));
    let share = |i: usize| report.steps[i].snapshot.deployments[0].sample;
    assert_eq!(
        share(3),
        Sample {
            current: 1,
            ramping: 1
        }
    );
    assert_eq!(
        share(4),
        Sample {
            current: 2,
            ramping: 0
        }
    );
    assert!(report.is_clean());
}

#[test]
fn a_long_gap_with_a_short_refresh_is_one_step_of_work_and_exact() {
    // Checks every millisecond for over a thousand days while b1 keeps pinned workflows:
    // the gap costs no more than a short one, and b1 drains at the first check after its
    // workflows close.
    let start = Deployments::new(Limits {
        drainage_grace_ms: 5_000,
        drainage_refresh_ms: 1,
        ..Limits::SERVER_DEFAULT
    });
    let close = 90_000_000_000;
    let mut steps = deploy(1_000, None, "b1");
    steps.push(pinned(1_500, "b1", 4));
    steps.extend(deploy(2_000, Some("b1"), "b2"));
    steps.push(PlanStep::new(close - 1, Event::Advance));
    steps.push(pinned(close, "b1", 0));
    steps.push(PlanStep::new(close + 10, Event::Advance));
    let report = plan(steps).check(&start);
    let waiting = &report.steps[6].snapshot.deployments[0].versions[0];
    assert_eq!(waiting.status, VersionStatus::Draining);
    assert_eq!(report.steps[8].became_deletable, [(v("b1"), close + 1)]);
}
