//! The seeded generator: random steps over a small pool of names, each expecting what the
//! model answers, so every generated trace replays green against the model and checks
//! another implementation against it.

use fastrand::Rng;

use crate::run::Session;
use crate::step::{
    Action, ActionKind, BusyArgs, CreateArgs, DeleteVersionArgs, DeploymentIdentity,
    DeploymentName, DescribeArgs, Empty, LimitsArgs, OpenPinnedArgs, OverrideArgs,
    OverrideBehavior, Percentage, PollArgs, PresenceArgs, PropagatedArgs, QueryArgs, QueueType,
    RouteArgs, SetCurrentArgs, SetManagerArgs, SetRampingArgs, Step, TokenArg, VersionArgs,
};

/// The names steps are drawn from: few, so that steps meet each other's state.
const DEPLOYMENTS: [&str; 2] = ["D", "E"];
const BUILDS: [&str; 4] = ["b1", "b2", "b3", "b4"];
const QUEUES: [&str; 2] = ["tq1", "tq2"];
const TYPES: [QueueType; 2] = [QueueType::Workflow, QueueType::Activity];
const IDENTITIES: [&str; 2] = ["alice", "bob"];
const PERCENTAGES: [f64; 7] = [0.0, 10.0, 33.3, 50.0, 100.0, 101.0, -1.0];
const WORKFLOWS: [&str; 5] = ["wf-0", "wf-1", "ramp-wf-0", "ramp-wf-1", ""];

/// One of `items` (the pools are non-empty; an empty one would give the default).
fn pick<T: Copy + Default>(rng: &mut Rng, items: &[T]) -> T {
    rng.choice(items).copied().unwrap_or_default()
}

/// How often each kind is drawn, in eightieths (the first step is always `limits`, never
/// drawn). Polls are the most common, so versions and queues exist for the others to meet.
pub const WEIGHTS: [(ActionKind, u32); 19] = [
    (ActionKind::Poll, 20),
    (ActionKind::SetCurrent, 8),
    (ActionKind::SetRamping, 8),
    (ActionKind::DeleteVersion, 4),
    (ActionKind::DeleteDeployment, 1),
    (ActionKind::SetManager, 1),
    (ActionKind::CreateDeployment, 1),
    (ActionKind::CreateVersion, 1),
    (ActionKind::Pollers, 4),
    (ActionKind::Busy, 4),
    (ActionKind::OpenPinned, 4),
    (ActionKind::CheckDrainage, 4),
    (ActionKind::Propagated, 2),
    (ActionKind::Reactivate, 2),
    (ActionKind::Route, 8),
    (ActionKind::Describe, 2),
    (ActionKind::DescribeDeployment, 2),
    (ActionKind::Override, 2),
    (ActionKind::Query, 2),
];

/// A trace of `steps` steps drawn from `rng`: limits "short" (so caps, GC and drainage are
/// reached), then steps whose time moves 0 to 4 s apart and whose `expect` is the model's
/// answer. Lines are numbered as [`write`](crate::write) writes them (the header is line 1).
///
/// # Example
/// ```
/// use worker_deployments_trace::{generate, replay, write};
///
/// let steps = generate(&mut fastrand::Rng::with_seed(7), 50);
/// let text = write(&steps).unwrap();
/// assert_eq!(write(&generate(&mut fastrand::Rng::with_seed(7), 50)).unwrap(), text);
/// let report = replay(text.as_bytes())?;
/// assert_eq!(report.failed(), 0);
/// # Ok::<(), worker_deployments_trace::TraceError>(())
/// ```
pub fn generate(rng: &mut Rng, steps: usize) -> Vec<Step> {
    generate_only(rng, steps, &[])
}

/// [`generate`], drawing only the kinds in `kinds` after the first `limits` step (every
/// kind of [`WEIGHTS`] when `kinds` is empty), each as often relative to the others as in
/// [`WEIGHTS`]. When `kinds` names no kind of [`WEIGHTS`] (only `limits`), the trace is
/// its `limits` step alone.
///
/// # Example
/// ```
/// use worker_deployments_trace::{ActionKind, generate_only};
///
/// let steps = generate_only(&mut fastrand::Rng::with_seed(7), 20, &[ActionKind::Route]);
/// assert_eq!(steps.len(), 21);
/// assert!(steps[1..].iter().all(|s| s.action.kind() == ActionKind::Route));
/// ```
pub fn generate_only(rng: &mut Rng, steps: usize, kinds: &[ActionKind]) -> Vec<Step> {
    let weights: Vec<(ActionKind, u32)> = WEIGHTS
        .into_iter()
        .filter(|(kind, _)| kinds.is_empty() || kinds.contains(kind))
        .collect();
    let total: u32 = weights.iter().map(|(_, weight)| weight).sum();
    let mut session = Session::new();
    let mut out = Vec::with_capacity(steps.saturating_add(1));
    let mut now = 1_000;
    let mut token_lines: Vec<usize> = Vec::new();
    let first = Step {
        line: 2,
        action: Action::Limits(LimitsArgs::Named("short".into())),
        now: None,
        expect: None,
    };
    session.observe(&first);
    out.push(first);
    if total == 0 {
        return out;
    }
    while out.len() <= steps {
        now += rng.u64(0..=4_000);
        let line = out.len() + 2;
        let kind = weighed(rng.u32(..total), &weights);
        let action = draw(rng, kind, &token_lines);
        let mut step = Step {
            line,
            action,
            now: Some(now),
            expect: None,
        };
        let answer = session.observe(&step);
        step.expect = step.action.kind().answer().map(|_| answer);
        if step.action.kind().returns_token() {
            token_lines.push(line);
        }
        out.push(step);
    }
    out
}

/// The kind whose share of the weights holds `point` (below their sum).
fn weighed(mut point: u32, weights: &[(ActionKind, u32)]) -> ActionKind {
    for (kind, weight) in weights {
        if point < *weight {
            return *kind;
        }
        point -= weight;
    }
    // Unreachable for a point below the sum; a poll is a harmless answer otherwise.
    ActionKind::Poll
}

fn draw(rng: &mut Rng, kind: ActionKind, token_lines: &[usize]) -> Action {
    let d = pick(rng, &DEPLOYMENTS).to_owned();
    let b = pick(rng, &BUILDS).to_owned();
    let who = pick(rng, &IDENTITIES).to_owned();
    let token = match rng.u8(..10) {
        0 => Some(TokenArg::Bytes("bogus".into())),
        1 | 2 if !token_lines.is_empty() => Some(TokenArg::Line {
            line: pick(rng, token_lines),
        }),
        _ => None,
    };
    match kind {
        // `limits` is never drawn (it is in no weight): a trace's limits come first.
        ActionKind::Limits | ActionKind::Poll => Action::Poll(PollArgs {
            deployment: d,
            build: b,
            task_queue: pick(rng, &QUEUES).to_owned(),
            kind: pick(rng, &TYPES),
        }),
        ActionKind::SetCurrent => Action::SetCurrent(SetCurrentArgs {
            deployment: d,
            build: if rng.u8(..8) == 0 { String::new() } else { b },
            identity: who,
            token,
            ignore_missing_task_queues: rng.u8(..4) == 0,
            allow_no_pollers: rng.u8(..4) == 0,
            ..SetCurrentArgs::default()
        }),
        ActionKind::SetRamping => Action::SetRamping(SetRampingArgs {
            deployment: d,
            build: if rng.u8(..6) == 0 { String::new() } else { b },
            version: String::new(),
            percentage: Percentage::Number(pick(rng, &PERCENTAGES)),
            identity: who,
            token,
            ignore_missing_task_queues: rng.u8(..4) == 0,
            allow_no_pollers: false,
        }),
        ActionKind::DeleteVersion => Action::DeleteVersion(DeleteVersionArgs {
            deployment: d,
            build: b,
            skip_drainage: rng.bool(),
            identity: who,
            ..DeleteVersionArgs::default()
        }),
        ActionKind::DeleteDeployment => Action::DeleteDeployment(DeploymentIdentity {
            deployment: d,
            identity: who,
        }),
        ActionKind::SetManager => Action::SetManager(SetManagerArgs {
            deployment: d,
            manager: if rng.bool() {
                String::new()
            } else {
                who.clone()
            },
            self_manage: false,
            identity: who,
            token,
        }),
        ActionKind::CreateDeployment => Action::CreateDeployment(CreateArgs {
            deployment: d,
            build: None,
            identity: who,
            request_id: format!("r{}", rng.u8(..2)),
        }),
        ActionKind::CreateVersion => Action::CreateVersion(CreateArgs {
            deployment: d,
            build: Some(b),
            identity: who,
            request_id: format!("r{}", rng.u8(..2)),
        }),
        ActionKind::Pollers => Action::Pollers(PresenceArgs {
            deployment: d,
            build: b,
            present: rng.bool(),
        }),
        ActionKind::Busy => Action::Busy(BusyArgs {
            deployment: d,
            build: b,
            task_queue: pick(rng, &QUEUES).to_owned(),
            kind: pick(rng, &TYPES),
            present: rng.bool(),
        }),
        ActionKind::OpenPinned => Action::OpenPinned(OpenPinnedArgs {
            deployment: d,
            build: b,
            count: rng.u64(..2),
        }),
        ActionKind::CheckDrainage => Action::CheckDrainage(Empty {}),
        ActionKind::Propagated => Action::Propagated(PropagatedArgs {
            deployment: d,
            build: b,
            revision: rng.i64(0..4),
        }),
        ActionKind::Reactivate => Action::Reactivate(VersionArgs {
            deployment: d,
            build: b,
        }),
        ActionKind::Route => Action::Route(RouteArgs {
            task_queue: pick(rng, &QUEUES).to_owned(),
            workflow_id: pick(rng, &WORKFLOWS).to_owned(),
            draw: None,
        }),
        ActionKind::Describe => Action::Describe(DescribeArgs {
            deployment: d,
            build: b,
            version: String::new(),
        }),
        ActionKind::DescribeDeployment => {
            Action::DescribeDeployment(DeploymentName { deployment: d })
        }
        ActionKind::Override => Action::Override(OverrideArgs {
            task_queue: pick(rng, &QUEUES).to_owned(),
            behavior: pick(
                rng,
                &[
                    OverrideBehavior::AutoUpgrade,
                    OverrideBehavior::Pinned,
                    OverrideBehavior::OneTime,
                ],
            ),
            deployment: (rng.u8(..8) != 0).then_some(d),
            build: (rng.u8(..8) != 0).then_some(b),
        }),
        ActionKind::Query => Action::Query(QueryArgs {
            task_queue: pick(rng, &QUEUES).to_owned(),
            deployment: d,
            build: b,
            root_pollers: rng.bool(),
        }),
    }
}
