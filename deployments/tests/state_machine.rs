//! A stateful property test: random operations on one deployment, played on the crate and
//! on a deliberately plain model written straight from `docs/semantics.md` (a list of
//! versions in creation order, the routing as strings), with the same answers, statuses
//! and routing required after every step, and `validate()` on the crate.
//!
//! The plain model covers registration (a 3-version cap with GC, one task queue per
//! version), set-current, set-ramping, delete-version and drainage with zero timers; the
//! build `b4` always has pollers. Tokens, managers and busy queues are left to the
//! example-based tests.
// rule: register.order, gc.order, ops.set-current, ops.set-ramping, ops.delete-version, status.follows-routing, drainage.timers

use proptest::prelude::*;
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

/// One version: its build ID, status, whether it is draining, and its task queue.
#[derive(Debug, Clone)]
struct PlainVersion {
    build: String,
    status: VersionStatus,
    tq: Option<String>,
}

/// The plain model. `ramp`: `None` no ramp, `Some("")` unversioned, `Some(b)` a build.
#[derive(Debug, Clone, Default)]
struct Plain {
    exists: bool,
    versions: Vec<PlainVersion>,
    current: String,
    ramp: Option<String>,
    pct: f32,
    revision: i64,
    last_modifier: String,
}

fn s(b: &str) -> String {
    if b.is_empty() {
        "__unversioned__".into()
    } else {
        format!("D.{b}")
    }
}

impl Plain {
    fn find(&self, b: &str) -> Option<usize> {
        self.versions.iter().position(|v| v.build == b)
    }
    fn set_status(&mut self, b: &str, status: VersionStatus) {
        if let Some(i) = self.find(b) {
            self.versions[i].status = status;
        }
    }
    fn demote(&mut self, b: &str) {
        if let Some(i) = self.find(b)
            && matches!(
                self.versions[i].status,
                VersionStatus::Current | VersionStatus::Ramping
            )
        {
            self.versions[i].status = VersionStatus::Draining;
        }
    }
    fn ramp_string(&self) -> String {
        match &self.ramp {
            None => String::new(),
            Some(b) => s(b),
        }
    }
    fn current_string(&self) -> String {
        s(&self.current)
    }

    fn poll(&mut self, b: &str, tq: &str) -> Result<&'static str, String> {
        if self
            .versions
            .iter()
            .any(|v| v.build == b && v.tq.as_deref() == Some(tq))
        {
            return Ok("noop");
        }
        self.exists = true;
        if self.find(b).is_none() {
            if self.versions.len() >= 3 {
                let victim = self.versions.iter().position(|v| {
                    v.build != self.current
                        && self.ramp.as_deref() != Some(v.build.as_str())
                        && v.status != VersionStatus::Draining
                        && v.build != "b4"
                });
                match victim {
                    Some(i) => {
                        self.versions.remove(i);
                    }
                    None => {
                        return Err(format!(
                            "cannot add version D.{b} since maximum number of versions (3) have been registered in the deployment"
                        ));
                    }
                }
            }
            self.versions.push(PlainVersion {
                build: b.into(),
                status: VersionStatus::Inactive,
                tq: None,
            });
        }
        let i = self.find(b).unwrap();
        if self.versions[i].tq.is_some() {
            return Err(format!(
                "cannot add task queue {tq} since maximum number of task queues (1) have been registered in deployment"
            ));
        }
        self.versions[i].tq = Some(tq.into());
        Ok("changed")
    }

    fn set_current(&mut self, b: &str, who: &str) -> Result<&'static str, String> {
        if !self.exists {
            return Err("no Worker Deployment found with name 'D'; does your Worker Deployment have pollers?".into());
        }
        if self.current == b && self.last_modifier == who {
            return Ok("noop");
        }
        if !b.is_empty() && self.find(b).is_none() {
            return Err(format!("build ID '{b}' not found in Worker Deployment 'D'"));
        }
        if self.current != b {
            if self.ramp_string() == s(b) {
                self.ramp = None;
                self.pct = 0.0;
            }
            let prev = std::mem::replace(&mut self.current, b.into());
            self.set_status(b, VersionStatus::Current);
            self.demote(&prev);
            self.revision += 1;
        }
        self.last_modifier = who.into();
        Ok("changed")
    }

    fn set_ramping(&mut self, b: &str, pct: f32, who: &str) -> Result<&'static str, String> {
        let new = if !b.is_empty() {
            Some(b.to_owned())
        } else if pct > 0.0 {
            Some(String::new())
        } else {
            None
        };
        if !self.exists {
            return Err("no Worker Deployment found with name 'D'; does your Worker Deployment have pollers?".into());
        }
        let new_string = new.as_deref().map_or_else(String::new, s);
        if new_string == self.ramp_string() && pct == self.pct && who == self.last_modifier {
            return Ok("noop");
        }
        if new_string == self.current_string() && !(new.as_deref() == Some("") && pct == 0.0) {
            return Err(format!(
                "requested ramping version {new_string} is already current"
            ));
        }
        if !b.is_empty() && self.find(b).is_none() {
            return Err(format!("build ID '{b}' not found in Worker Deployment 'D'"));
        }
        if new != self.ramp || pct != self.pct {
            let prev = std::mem::replace(&mut self.ramp, new.clone());
            self.pct = pct;
            if let Some(n) = new.as_deref().filter(|n| !n.is_empty()) {
                self.set_status(n, VersionStatus::Ramping);
            }
            if let Some(p) = prev.filter(|p| !p.is_empty() && Some(p) != new.as_ref()) {
                self.demote(&p);
            }
            self.revision += 1;
        }
        self.last_modifier = who.into();
        Ok("changed")
    }

    fn delete(&mut self, b: &str, skip: bool, who: &str) -> Result<&'static str, String> {
        if !self.exists {
            return Err("workflow not found for ID: temporal-sys-worker-deployment:D".into());
        }
        let Some(i) = self.find(b) else {
            return Ok("noop");
        };
        if self.current == b || self.ramp.as_deref() == Some(b) {
            return Err(format!(
                "version 'D:{b}' cannot be deleted since it is current or ramping"
            ));
        }
        if !skip && self.versions[i].status == VersionStatus::Draining {
            return Err(format!(
                "version 'D:{b}' cannot be deleted since it is draining"
            ));
        }
        if b == "b4" {
            return Err(format!(
                "version 'D:{b}' cannot be deleted since it has active pollers"
            ));
        }
        self.versions.remove(i);
        self.last_modifier = who.into();
        Ok("changed")
    }

    fn drain(&mut self) {
        for v in &mut self.versions {
            if v.status == VersionStatus::Draining {
                v.status = VersionStatus::Drained;
            }
        }
    }
}

fn answer<T>(r: Result<T, Error>, outcome: impl Fn(&T) -> Outcome) -> Result<&'static str, String> {
    r.map(|t| outcome(&t).as_str()).map_err(|e| e.to_string())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn the_crate_agrees_with_the_plain_model(ops in prop::collection::vec(op(), 1..60)) {
        let mut ns = Deployments::new(LIMITS);
        let mut plain = Plain::default();
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
