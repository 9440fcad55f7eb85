//! A stateful property test: random operations on one deployment, played on the crate and
//! on a deliberately plain model written straight from `docs/semantics.md` (a list of
//! versions in creation order, the routing as strings: `plain_deployments` of
//! `test-support`, which the benchmarks take as their baseline), with the same answers,
//! statuses and routing required after every step, and `validate()` on the crate.
//!
//! The plain model covers registration (a 3-version cap with GC, one task queue per
//! version), set-current, set-ramping, delete-version and drainage with zero timers; the
//! build `b4` always has pollers. Tokens, managers and busy queues are left to the
//! example-based tests.
// rule: register.order, gc.order, ops.set-current, ops.set-ramping, ops.delete-version, status.follows-routing, drainage.timers

use proptest::prelude::*;
use version_sets_test_support::plain_deployments::Plain;
use worker_deployments::*;

const BUILDS: [&str; 5] = ["", "b1", "b2", "b3", "b4"];
const LIMITS: Limits = Limits {
    max_versions_in_deployment: 3,
    max_task_queues_in_version: 1,
    drainage_grace_ms: 0,
    drainage_refresh_ms: 0,
    ..Limits::SERVER_DEFAULT
};

#[derive(Debug, Clone)]
enum Op {
    Poll(usize, usize),
    Current(usize, usize),
    Ramp(usize, u8, usize),
    Delete(usize, bool, usize),
    Drain,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (1..5usize, 0..2usize).prop_map(|(b, t)| Op::Poll(b, t)),
        3 => (0..5usize, 0..2usize).prop_map(|(b, i)| Op::Current(b, i)),
        3 => (0..5usize, prop::sample::select(vec![0u8, 10, 50, 100]), 0..2usize)
            .prop_map(|(b, p, i)| Op::Ramp(b, p, i)),
        2 => (1..5usize, any::<bool>(), 0..2usize).prop_map(|(b, s, i)| Op::Delete(b, s, i)),
        1 => Just(Op::Drain),
    ]
}

fn answer<T>(r: Result<T, Error>, outcome: impl Fn(&T) -> Outcome) -> Result<&'static str, String> {
    r.map(|t| outcome(&t).as_str()).map_err(|e| e.to_string())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn the_crate_agrees_with_the_plain_model(ops in prop::collection::vec(op(), 1..60)) {
        let mut ns = Deployments::new(LIMITS);
        let mut plain = Plain::new(3, &["b4"]);
        let mut facts = Observed::default();
        facts.pollers.insert(VersionKey::new("D", "b4"));
        let who = ["alice", "bob"];
        let tqs = ["t1", "t2"];
        let mut now = 1_000;
        for op in ops {
            now += 1_000;
            let (got, want) = match op {
                Op::Poll(b, t) => (
                    answer(ns.register(&Poller::new("D", BUILDS[b], tqs[t], TaskQueueType::Workflow), now, &facts), |o| *o),
                    plain.poll(BUILDS[b], tqs[t]),
                ),
                Op::Current(b, i) => (
                    answer(ns.set_current(&SetCurrent::new("D", BUILDS[b], who[i]), now, &facts), |r| r.outcome),
                    plain.set_current(BUILDS[b], who[i]),
                ),
                Op::Ramp(b, p, i) => (
                    answer(ns.set_ramping(&SetRamping::new("D", BUILDS[b], f32::from(p), who[i]), now, &facts), |r| r.outcome),
                    plain.set_ramping(BUILDS[b], f32::from(p), who[i]),
                ),
                Op::Delete(b, skip, i) => {
                    let req = DeleteVersion { skip_drainage: skip, ..DeleteVersion::new("D", BUILDS[b], who[i]) };
                    (answer(ns.delete_version(&req, now, &facts), |o| *o), plain.delete(BUILDS[b], skip, who[i]))
                }
                Op::Drain => {
                    ns.check_drainage(now, |_| 0);
                    plain.drain();
                    (Ok("changed"), Ok("changed"))
                }
            };
            prop_assert_eq!(got, want, "{:?}", plain);
            prop_assert_eq!(ns.validate(), vec![]);
            let Some(d) = ns.deployment("D") else {
                prop_assert!(!plain.exists);
                continue;
            };
            prop_assert_eq!(d.routing.current_version_string(), plain.current_string());
            prop_assert_eq!(d.routing.ramping.version_string(), plain.ramp_string());
            prop_assert_eq!(d.routing.percentage, plain.pct);
            prop_assert_eq!(d.routing.revision, plain.revision);
            prop_assert_eq!(&d.last_modifier_identity, &plain.last_modifier);
            let got: Vec<_> = d.versions.values().map(|v| (v.key.build_id().to_owned(), v.status)).collect();
            let mut want: Vec<_> = plain.versions.iter().map(|v| (v.build.clone(), v.status)).collect();
            want.sort();
            prop_assert_eq!(got, want);
        }
    }
}
