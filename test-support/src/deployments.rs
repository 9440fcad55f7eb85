//! The `deployments` target: an `Arbitrary` sequence of operations and facts on a
//! `worker_deployments::Deployments` with small caps and short drainage timers:
//! registration by pollers, set-current, set-ramping (with odd percentages: NaN, -0,
//! 100, subnormals, infinities, any float32's bits), delete-version, delete-deployment,
//! set-manager, create-deployment, create-version, reactivation, propagation
//! confirmations, clock advances (which run the due drainage checks), pollers, busy queues
//! and open pinned workflows appearing and going, and routing questions with arbitrary
//! workflow IDs.
//!
//! After every step: no panic; `validate()` is empty; a refused or no-op operation left
//! the state exactly as it was, but for the additions `ops.side-effects-stay` allows (a
//! new deployment or version named by the poll or allow-no-pollers call, whose
//! update-with-start stays whatever the update answers; nothing else may change); a fact
//! or a routing question changed nothing; and routing of a new workflow answers either
//! unversioned or a version registered in that task queue, the same answer twice, the
//! current version at a percentage that is not above 0, and the ramping one at 100.

use std::collections::BTreeSet;

use arbitrary::{Arbitrary, Unstructured};
use worker_deployments::{
    CreateDeployment, CreateVersion, DeleteDeployment, DeleteVersion, Deployments, Error, Limits,
    Observed, Outcome, Poller, SetCurrent, SetManager, SetRamping, TaskQueueKey, TaskQueueType,
    VersionKey, route_new_workflow,
};

/// The most steps one input runs.
pub const MAX_STEPS: usize = 64;

/// Small caps, so that every cap and version GC are reached in a few steps, and short
/// timers; IDs may have `(45 - 39) / 2 = 3` bytes, so `long` is refused.
pub const LIMITS: Limits = Limits {
    max_deployments: 2,
    max_versions_in_deployment: 3,
    max_task_queues_in_version: 2,
    max_versions_in_task_queue: 3,
    max_id_length: 45,
    drainage_grace_ms: 2_000,
    drainage_refresh_ms: 3_000,
};

/// Deployment names: two valid, an empty one, one too long, one with a separator.
const NAMES: [&str; 5] = ["D", "E", "", "long", "a.b"];
/// Build IDs: unversioned (empty), four valid, one too long.
const BUILDS: [&str; 6] = ["", "b1", "b2", "b3", "b4", "long"];
const QUEUES: [&str; 3] = ["t1", "t2", "t3"];
const KINDS: [TaskQueueType; 3] = [
    TaskQueueType::Workflow,
    TaskQueueType::Activity,
    TaskQueueType::Nexus,
];
const IDENTITIES: [&str; 3] = ["alice", "bob", ""];
/// The percentages a ramp is most likely to break on.
const PERCENTAGES: [f32; 14] = [
    0.0,
    -0.0,
    100.0,
    50.0,
    f32::NAN,
    f32::from_bits(1),
    f32::MIN_POSITIVE,
    f32::EPSILON,
    99.999_99,
    100.000_01,
    -1.0,
    f32::INFINITY,
    f32::NEG_INFINITY,
    f32::MAX,
];

fn pick<T: Copy, const N: usize>(list: [T; N], i: u8) -> T {
    list[usize::from(i) % N]
}

/// A percentage: one of the listed odd values (`PERCENTAGES`), or any float32 by its bits.
#[derive(Debug, Clone, Copy, Arbitrary)]
pub enum Percentage {
    Listed(u8),
    Bits(u32),
}

impl Percentage {
    fn value(self) -> f32 {
        match self {
            Self::Listed(i) => pick(PERCENTAGES, i),
            Self::Bits(bits) => f32::from_bits(bits),
        }
    }
}

/// The conflict token a write sends: none, the deployment's own, or a stale or bogus one.
#[derive(Debug, Clone, Copy, Arbitrary)]
pub enum Token {
    Empty,
    Current,
    Bogus,
}

/// One step. Indices pick from the alphabets above (modulo their length).
#[derive(Debug, Clone, Arbitrary)]
pub enum Step {
    Poll {
        name: u8,
        build: u8,
        queue: u8,
        kind: u8,
    },
    SetCurrent {
        name: u8,
        build: u8,
        who: u8,
        token: Token,
        allow_no_pollers: bool,
        ignore_missing_task_queues: bool,
    },
    SetRamping {
        name: u8,
        build: u8,
        percentage: Percentage,
        who: u8,
        token: Token,
        allow_no_pollers: bool,
        ignore_missing_task_queues: bool,
    },
    DeleteVersion {
        name: u8,
        build: u8,
        skip_drainage: bool,
        who: u8,
    },
    DeleteDeployment {
        name: u8,
        who: u8,
    },
    SetManager {
        name: u8,
        manager: u8,
        self_manage: bool,
        token: Token,
        who: u8,
    },
    CreateDeployment {
        name: u8,
        who: u8,
        request: bool,
    },
    CreateVersion {
        name: u8,
        build: u8,
        who: u8,
        request: bool,
    },
    /// The clock moves on by this many milliseconds and the due drainage checks run.
    Advance(u16),
    Reactivate {
        name: u8,
        build: u8,
    },
    CompletePropagation {
        name: u8,
        build: u8,
        revision: u8,
    },
    /// A version's pollers appear (`true`) or go.
    Pollers {
        name: u8,
        build: u8,
        on: bool,
    },
    /// A version's open pinned workflows appear or go.
    Pinned {
        name: u8,
        build: u8,
        on: bool,
    },
    /// A task queue's traffic for a version appears or goes.
    Busy {
        queue: u8,
        kind: u8,
        name: u8,
        build: u8,
        on: bool,
    },
    /// Where a new workflow goes on a task queue. Its ID is the first `id_len % 13` bytes
    /// of `id` (any bytes, invalid UTF-8 replaced; a fixed layout keeps seeds writable by
    /// hand); `random` is the empty ID's draw, in 256ths.
    Route {
        queue: u8,
        kind: u8,
        id: [u8; 12],
        id_len: u8,
        random: u8,
    },
}

impl Step {
    /// The step's kind, as the seeds' names and the corpus test spell it.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Poll { .. } => "poll",
            Self::SetCurrent { .. } => "set-current",
            Self::SetRamping { .. } => "set-ramping",
            Self::DeleteVersion { .. } => "delete-version",
            Self::DeleteDeployment { .. } => "delete-deployment",
            Self::SetManager { .. } => "set-manager",
            Self::CreateDeployment { .. } => "create-deployment",
            Self::CreateVersion { .. } => "create-version",
            Self::Advance(_) => "advance",
            Self::Reactivate { .. } => "reactivate",
            Self::CompletePropagation { .. } => "complete-propagation",
            Self::Pollers { .. } => "pollers",
            Self::Pinned { .. } => "pinned",
            Self::Busy { .. } => "busy",
            Self::Route { .. } => "route",
        }
    }
}

/// The model, its facts and the clock.
#[derive(Debug)]
pub struct World {
    pub ns: Deployments,
    pub facts: Observed,
    pub pinned: BTreeSet<VersionKey>,
    pub now_ms: u64,
}

/// Equal, with a NaN percentage equal to itself (a NaN ramp is accepted and stored,
/// `ramp.nan-accepted`), and -0 still unlike 0: the values print the same.
fn same<T: PartialEq + std::fmt::Debug>(a: &T, b: &T) -> bool {
    a == b || format!("{a:?}") == format!("{b:?}")
}

fn version(name: u8, build: u8) -> VersionKey {
    VersionKey::new(pick(NAMES, name), pick(BUILDS, build))
}

fn toggle<T: Ord>(set: &mut BTreeSet<T>, item: T, on: bool) {
    if on {
        set.insert(item);
    } else {
        set.remove(&item);
    }
}

impl World {
    /// An empty namespace with [`LIMITS`] at 1 s after the epoch.
    pub fn new() -> Self {
        Self {
            ns: Deployments::new(LIMITS),
            facts: Observed::default(),
            pinned: BTreeSet::new(),
            now_ms: 1_000,
        }
    }

    fn token(&self, name: &str, token: Token) -> Vec<u8> {
        match token {
            Token::Empty => Vec::new(),
            Token::Current => self
                .ns
                .deployment(name)
                .map_or_else(Vec::new, |d| d.conflict_token.to_bytes().to_vec()),
            Token::Bogus => b"bogus".to_vec(),
        }
    }

    /// Runs one step and checks every invariant after it.
    pub fn step(&mut self, step: &Step) {
        // Writes are a millisecond apart, so that each has its own time.
        self.now_ms += 1;
        let now = self.now_ms;
        let before = self.ns.clone();
        // Only the writes answer; `allowed` is the deployment and version a refusal may
        // leave behind (`ops.side-effects-stay`).
        let mut allowed: Option<VersionKey> = None;
        // The clock's step may change the state without answering.
        let mut clock = false;
        let answer: Option<Result<Outcome, Error>> = match *step {
            Step::Poll {
                name,
                build,
                queue,
                kind,
            } => {
                let poller = Poller::new(
                    pick(NAMES, name),
                    pick(BUILDS, build),
                    pick(QUEUES, queue),
                    pick(KINDS, kind),
                );
                allowed = Some(poller.version.clone());
                Some(self.ns.register(&poller, now, &self.facts))
            }
            Step::SetCurrent {
                name,
                build,
                who,
                token,
                allow_no_pollers,
                ignore_missing_task_queues,
            } => {
                let req = SetCurrent {
                    conflict_token: self.token(pick(NAMES, name), token),
                    allow_no_pollers,
                    ignore_missing_task_queues,
                    ..SetCurrent::new(
                        pick(NAMES, name),
                        pick(BUILDS, build),
                        pick(IDENTITIES, who),
                    )
                };
                if allow_no_pollers {
                    allowed = Some(version(name, build));
                }
                Some(
                    self.ns
                        .set_current(&req, now, &self.facts)
                        .map(|r| r.outcome),
                )
            }
            Step::SetRamping {
                name,
                build,
                percentage,
                who,
                token,
                allow_no_pollers,
                ignore_missing_task_queues,
            } => {
                let req = SetRamping {
                    conflict_token: self.token(pick(NAMES, name), token),
                    allow_no_pollers,
                    ignore_missing_task_queues,
                    ..SetRamping::new(
                        pick(NAMES, name),
                        pick(BUILDS, build),
                        percentage.value(),
                        pick(IDENTITIES, who),
                    )
                };
                if allow_no_pollers {
                    allowed = Some(version(name, build));
                }
                Some(
                    self.ns
                        .set_ramping(&req, now, &self.facts)
                        .map(|r| r.outcome),
                )
            }
            Step::DeleteVersion {
                name,
                build,
                skip_drainage,
                who,
            } => {
                let req = DeleteVersion {
                    skip_drainage,
                    ..DeleteVersion::new(
                        pick(NAMES, name),
                        pick(BUILDS, build),
                        pick(IDENTITIES, who),
                    )
                };
                Some(self.ns.delete_version(&req, now, &self.facts))
            }
            Step::DeleteDeployment { name, who } => {
                let req = DeleteDeployment {
                    deployment_name: pick(NAMES, name).into(),
                    identity: pick(IDENTITIES, who).into(),
                };
                Some(self.ns.delete_deployment(&req))
            }
            Step::SetManager {
                name,
                manager,
                self_manage,
                token,
                who,
            } => {
                let req = SetManager {
                    deployment_name: pick(NAMES, name).into(),
                    manager_identity: pick(IDENTITIES, manager).into(),
                    self_manage,
                    conflict_token: self.token(pick(NAMES, name), token),
                    identity: pick(IDENTITIES, who).into(),
                };
                Some(self.ns.set_manager(&req, now).map(|r| r.outcome))
            }
            Step::CreateDeployment { name, who, request } => {
                let req = CreateDeployment {
                    deployment_name: pick(NAMES, name).into(),
                    identity: pick(IDENTITIES, who).into(),
                    request_id: if request { "r1" } else { "r2" }.into(),
                };
                Some(self.ns.create_deployment(&req, now))
            }
            Step::CreateVersion {
                name,
                build,
                who,
                request,
            } => {
                let req = CreateVersion {
                    deployment_name: pick(NAMES, name).into(),
                    build_id: pick(BUILDS, build).into(),
                    identity: pick(IDENTITIES, who).into(),
                    request_id: if request { "r1" } else { "r2" }.into(),
                };
                Some(self.ns.create_version(&req, now, &self.facts))
            }
            Step::Advance(ms) => {
                clock = true;
                self.now_ms += u64::from(ms);
                let pinned = &self.pinned;
                let changed = self
                    .ns
                    .check_drainage(self.now_ms, |v| u64::from(pinned.contains(v)));
                for v in &changed {
                    assert!(
                        !self.pinned.contains(v),
                        "{v} drained with open pinned workflows"
                    );
                }
                None
            }
            Step::Reactivate { name, build } => {
                Some(Ok(self.ns.reactivate(&version(name, build), now)))
            }
            Step::CompletePropagation {
                name,
                build,
                revision,
            } => Some(Ok(self.ns.complete_propagation(
                &version(name, build),
                i64::from(revision % 8),
            ))),
            Step::Pollers { name, build, on } => {
                toggle(&mut self.facts.pollers, version(name, build), on);
                None
            }
            Step::Pinned { name, build, on } => {
                toggle(&mut self.pinned, version(name, build), on);
                None
            }
            Step::Busy {
                queue,
                kind,
                name,
                build,
                on,
            } => {
                let key = TaskQueueKey::new(pick(QUEUES, queue), pick(KINDS, kind));
                toggle(&mut self.facts.busy, (key, version(name, build)), on);
                None
            }
            Step::Route {
                queue,
                kind,
                ref id,
                id_len,
                random,
            } => {
                let len = usize::from(id_len) % (id.len() + 1);
                self.route(
                    pick(QUEUES, queue),
                    pick(KINDS, kind),
                    &String::from_utf8_lossy(&id[..len]),
                    f64::from(random) / 256.0,
                );
                None
            }
        };
        assert_eq!(self.ns.validate(), vec![], "after {step:?}");
        match answer {
            None if clock => {}
            None => assert!(same(&self.ns, &before), "{step:?} changed the state"),
            // A no-op or a refusal changes nothing, but for the deployment or version an
            // update-with-start leaves behind (`ops.side-effects-stay`).
            Some(Ok(Outcome::NoOp) | Err(_)) if !same(&self.ns, &before) => {
                self.only_allowed_additions(&before, allowed, step, answer.as_ref());
            }
            _ => {}
        }
        // Every queue routes some workflow IDs the same way twice.
        let keys: Vec<TaskQueueKey> = self.ns.task_queues().map(|(k, _)| k).collect();
        for key in keys {
            self.route(&key.name, key.kind, "wf-1", 0.5);
        }
    }

    /// A refused or no-op call changed the state: only by adding the deployment or the
    /// version it named, which did not exist before (`ops.side-effects-stay`); every other
    /// deployment is as it was.
    fn only_allowed_additions(
        &self,
        before: &Deployments,
        allowed: Option<VersionKey>,
        step: &Step,
        answer: Option<&Result<Outcome, Error>>,
    ) {
        let Some(v) = allowed else {
            panic!("{step:?} answered {answer:?} but changed the state");
        };
        let name = v.deployment_name();
        let added = (before.deployment(name).is_none() && self.ns.deployment(name).is_some())
            || (before.version(&v).is_none() && self.ns.version(&v).is_some());
        assert!(
            added,
            "{step:?} answered {answer:?} and changed {name} without adding it or {v}"
        );
        for d in before.deployments().filter(|d| d.name != name) {
            assert!(
                same(&self.ns.deployment(&d.name), &Some(d)),
                "{step:?} answered {answer:?} and changed another deployment"
            );
        }
    }

    /// Routes a new workflow on a queue and checks the answer.
    fn route(&self, queue: &str, kind: TaskQueueType, workflow_id: &str, random: f64) {
        let key = TaskQueueKey::new(queue, kind);
        let view = self.ns.task_queue_view(&key);
        let routed = route_new_workflow(&view, workflow_id, random);
        assert_eq!(
            routed,
            route_new_workflow(&self.ns.task_queue_view(&key), workflow_id, random)
        );
        if let Some(v) = &routed.version {
            assert!(
                self.ns
                    .version(v)
                    .is_some_and(|info| info.has_task_queue(queue, kind)),
                "{workflow_id:?} routed to {v}, which is not registered in {queue} {kind}"
            );
        }
        if view.percentage.is_nan() || view.percentage <= 0.0 {
            assert_eq!(
                routed.version,
                view.current.as_ref(),
                "{workflow_id:?} at {}%",
                view.percentage
            );
        } else if view.percentage == 100.0 {
            assert_eq!(
                routed.version,
                view.ramping.as_ref(),
                "{workflow_id:?} at 100%"
            );
        }
    }
}

impl Default for World {
    fn default() -> Self {
        Self::new()
    }
}

/// The steps `data` decodes to: at most [`MAX_STEPS`], stopping at the first byte that
/// decodes to none.
pub fn decode(data: &[u8]) -> Vec<Step> {
    let mut input = Unstructured::new(data);
    let mut steps = Vec::new();
    while steps.len() < MAX_STEPS && !input.is_empty() {
        let Ok(step) = Step::arbitrary(&mut input) else {
            break;
        };
        steps.push(step);
    }
    steps
}

/// Runs the steps that `data` decodes to on an empty namespace.
pub fn run(data: &[u8]) {
    let mut world = World::new();
    for step in decode(data) {
        world.step(&step);
    }
}
