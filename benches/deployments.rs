//! The Worker Deployments model (`worker-deployments`) against the plain model of
//! `test-support` (`plain_deployments`: a list of versions in creation order, the routing
//! as build-ID strings, which the crate's stateful test also compares it with), in the
//! same run, at deployments of 10, 100 and 1,000 versions on one task queue:
//!
//! - `wd-route`: a new workflow's version, per workflow ID over 1,000 IDs (`crate`: the
//!   routing function over the queue's view; `baseline`: the plain model's strings;
//!   `hash`: go-farm's `Fingerprint32` alone, the floor both pay);
//! - `wd-view`: the queue's view, computed once per routing question batch;
//! - `wd-register`, `wd-set-current`, `wd-set-ramping`, `wd-delete-version`: one
//!   operation on a fresh copy of the fixture;
//! - `wd-plan`: `Plan::check` of a rollout plan of 1,000 steps over 100 versions (each
//!   deploy ramped in four steps, made current, its predecessor stopped, its pinned
//!   workflows opened and closed), under a cap of 20 versions so that version GC runs,
//!   with a sample of 100 workflow IDs in every snapshot.
//!
//! `cargo bench -p version-sets-benches --bench deployments -- --quick`, then
//! `cargo run -p version-sets-benches --bin bench_table deployments` prints the table.

mod baseline;
mod common;

use std::hint::black_box;

use criterion::{BatchSize, Criterion, Throughput};
use version_sets_test_support::plain_deployments::Plain;
use worker_deployments::{
    DeleteVersion, Deployments, Error, Event, Limits, Observed, Outcome, Plan, PlanStep, Poller,
    SetCurrent, SetRamping, TaskQueueKey, TaskQueueType, VersionKey, fingerprint32,
    route_new_workflow,
};

/// The numbers of versions in the deployment.
const SIZES: [usize; 3] = [10, 100, 1_000];
/// The workflow IDs routed per iteration.
const IDS: usize = 1_000;
const WF: TaskQueueType = TaskQueueType::Workflow;

/// Caps above every fixture, so that no operation runs version GC or hits a cap.
const LIMITS: Limits = Limits {
    max_deployments: 10,
    max_versions_in_deployment: 10_000,
    max_task_queues_in_version: 10,
    max_versions_in_task_queue: 10_000,
    ..Limits::SERVER_DEFAULT
};

fn build(i: usize) -> String {
    format!("b{i}")
}

/// Deployment `D` with `size` versions on task queue `tq`, `b0` current and `b1` ramping
/// at 30%, on both sides.
fn fixture(size: usize) -> (Deployments, Plain) {
    let facts = Observed::default();
    let mut ns = Deployments::new(LIMITS);
    let mut plain = Plain::new(LIMITS.max_versions_in_deployment, &[]);
    let mut now = 1_000;
    for i in 0..size {
        now += 1;
        let b = build(i);
        let got = ns.register(&Poller::new("D", &b, "tq", WF), now, &facts);
        agree(got, plain.poll(&b, "tq"));
    }
    now += 1;
    let got = ns.set_current(&SetCurrent::new("D", "b0", "ci"), now, &facts);
    agree(got.map(|r| r.outcome), plain.set_current("b0", "ci"));
    now += 1;
    let got = ns.set_ramping(&SetRamping::new("D", "b1", 30.0, "ci"), now, &facts);
    agree(got.map(|r| r.outcome), plain.set_ramping("b1", 30.0, "ci"));
    (ns, plain)
}

/// Both sides answered the same.
#[track_caller]
fn agree(got: Result<Outcome, Error>, want: Result<&'static str, String>) {
    assert_eq!(got.map(|o| o.as_str()).map_err(|e| e.to_string()), want);
}

fn ids() -> Vec<String> {
    (0..IDS).map(|i| format!("wf-{i}")).collect()
}

fn route(c: &mut Criterion, size: usize) {
    let (ns, plain) = fixture(size);
    let key = TaskQueueKey::new("tq", WF);
    let view = ns.task_queue_view(&key);
    let ids = ids();
    for id in &ids {
        let want = plain.route_new_workflow(id);
        let got = route_new_workflow(&view, id, 0.0).version;
        assert_eq!(got, Some(&VersionKey::new("D", want)), "{id}");
    }
    let label = format!("one-deployment/{size}");
    let mut group = c.benchmark_group("wd-route");
    group.throughput(Throughput::Elements(IDS as u64));
    group.bench_function(format!("crate/{label}"), |b| {
        b.iter(|| {
            for id in &ids {
                black_box(route_new_workflow(black_box(&view), id, 0.0));
            }
        });
    });
    group.bench_function(format!("baseline/{label}"), |b| {
        b.iter(|| {
            for id in &ids {
                black_box(black_box(&plain).route_new_workflow(id));
            }
        });
    });
    group.bench_function(format!("hash/{label}"), |b| {
        b.iter(|| {
            for id in &ids {
                black_box(fingerprint32(black_box(id)));
            }
        });
    });
    group.finish();
    let mut group = c.benchmark_group("wd-view");
    group.bench_function(format!("crate/{label}"), |b| {
        b.iter(|| black_box(&ns).task_queue_view(black_box(&key)));
    });
    group.finish();
}

/// Times one operation on a fresh copy of each side's fixture, after checking that both
/// answer the same.
fn operation(
    c: &mut Criterion,
    name: &str,
    size: usize,
    ours: impl Fn(&mut Deployments) -> Result<Outcome, Error>,
    theirs: impl Fn(&mut Plain) -> Result<&'static str, String>,
) {
    let (ns, plain) = fixture(size);
    agree(ours(&mut ns.clone()), theirs(&mut plain.clone()));
    let label = format!("one-deployment/{size}");
    let mut group = c.benchmark_group(name);
    group.bench_function(format!("crate/{label}"), |b| {
        b.iter_batched_ref(|| ns.clone(), |ns| ours(ns), BatchSize::SmallInput);
    });
    group.bench_function(format!("baseline/{label}"), |b| {
        b.iter_batched_ref(
            || plain.clone(),
            |plain| theirs(plain),
            BatchSize::SmallInput,
        );
    });
    group.finish();
}

fn operations(c: &mut Criterion, size: usize) {
    let facts = Observed::default();
    let now = 1_000_000;
    let last = build(size - 1);
    operation(
        c,
        "wd-register",
        size,
        |ns| ns.register(&Poller::new("D", "new", "tq", WF), now, &facts),
        |plain| plain.poll("new", "tq"),
    );
    operation(
        c,
        "wd-set-current",
        size,
        |ns| {
            ns.set_current(&SetCurrent::new("D", &last, "ci"), now, &facts)
                .map(|r| r.outcome)
        },
        |plain| plain.set_current(&last, "ci"),
    );
    operation(
        c,
        "wd-set-ramping",
        size,
        |ns| {
            ns.set_ramping(&SetRamping::new("D", &last, 50.0, "ci"), now, &facts)
                .map(|r| r.outcome)
        },
        |plain| plain.set_ramping(&last, 50.0, "ci"),
    );
    operation(
        c,
        "wd-delete-version",
        size,
        |ns| ns.delete_version(&DeleteVersion::new("D", &last, "ci"), now, &facts),
        |plain| plain.delete(&last, false, "ci"),
    );
}

/// The versions the plan deploys, and the steps of each deploy.
const PLAN_VERSIONS: u64 = 100;

/// A rollout of `PLAN_VERSIONS` builds, ten steps each, an hour apart.
fn rollout() -> Plan {
    let mut steps = Vec::new();
    let tq = TaskQueueKey::new("tq", WF);
    for i in 0..PLAN_VERSIONS {
        let at = 1_000 + i * 3_600_000;
        let b = format!("b{i}");
        let v = VersionKey::new("D", &b);
        let mut push = |offset_min: u64, event: Event| {
            steps.push(PlanStep::new(at + offset_min * 60_000, event));
        };
        push(
            0,
            Event::WorkersStart {
                version: v.clone(),
                task_queue: tq.clone(),
            },
        );
        for (k, pct) in [10.0, 25.0, 50.0, 75.0].into_iter().enumerate() {
            push(
                1 + k as u64,
                Event::SetRamping(SetRamping::new("D", &b, pct, "ci")),
            );
        }
        push(5, Event::SetCurrent(SetCurrent::new("D", &b, "ci")));
        // The first deploy has no predecessor: its last steps only move the clock.
        match i.checked_sub(1) {
            Some(p) => {
                let old = VersionKey::new("D", format!("b{p}"));
                push(
                    6,
                    Event::WorkersStop {
                        version: old.clone(),
                    },
                );
                push(
                    7,
                    Event::OpenPinned {
                        version: old.clone(),
                        count: 5,
                    },
                );
                push(8, Event::Advance);
                push(
                    30,
                    Event::OpenPinned {
                        version: old,
                        count: 0,
                    },
                );
            }
            None => {
                for offset in [6, 7, 8, 30] {
                    push(offset, Event::Advance);
                }
            }
        }
    }
    Plan {
        steps,
        sample: (0..100).map(|i| format!("wf-{i}")).collect(),
    }
}

fn plan(c: &mut Criterion) {
    let plan = rollout();
    let start = Deployments::new(Limits {
        max_versions_in_deployment: 20,
        ..Limits::SERVER_DEFAULT
    });
    let report = plan.check(&start);
    // The plan is the one meant: every step runs and none is refused.
    assert_eq!(report.steps.len(), 1_000);
    assert_eq!(report.first_failure(), None);
    let mut group = c.benchmark_group("wd-plan");
    group.throughput(Throughput::Elements(1_000));
    group.bench_function("crate/1000-steps-100-versions", |b| {
        b.iter(|| black_box(plan.check(&start)));
    });
    group.finish();
}

// A plain `main` rather than `criterion_group!`, whose generated function has no doc comment
// (the crate denies `missing_docs` in every target).
fn main() {
    let mut c = common::criterion();
    for size in SIZES {
        route(&mut c, size);
        operations(&mut c, size);
    }
    plan(&mut c);
    c.final_summary();
}
