//! The seeded generator: random steps over a small pool of names, each expecting what the
//! model answers, so every generated trace replays green against the model and checks
//! another implementation against it.

use fastrand::Rng;

use crate::run::Runner;
use crate::step::{
    Action, BusyArgs, CreateArgs, DeleteVersionArgs, DeploymentIdentity, DeploymentName,
    DescribeArgs, Empty, LimitsArgs, OpenPinnedArgs, OverrideArgs, OverrideBehavior, Percentage,
    PollArgs, PresenceArgs, PropagatedArgs, QueryArgs, QueueType, RouteArgs, SetCurrentArgs,
    SetManagerArgs, SetRampingArgs, Step, TokenArg, VersionArgs,
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
    let mut runner = Runner::new();
    let mut out = Vec::with_capacity(steps.saturating_add(1));
    let mut now = 1_000;
    let mut token_lines: Vec<usize> = Vec::new();
    let first = Step {
        line: 2,
        action: Action::Limits(LimitsArgs::Named("short".into())),
        now: None,
        expect: None,
    };
    runner.answer(&first);
    out.push(first);
    while out.len() <= steps {
        now += rng.u64(0..=4_000);
        let line = out.len() + 2;
        let action = draw(rng, &token_lines);
        let mut step = Step {
            line,
            action,
            now: Some(now),
            expect: None,
        };
        step.expect = runner.answer(&step);
        if step.action.kind().returns_token() {
            token_lines.push(line);
        }
        out.push(step);
    }
    out
}

fn draw(rng: &mut Rng, token_lines: &[usize]) -> Action {
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
    match rng.u8(..20) {
        0..=4 => Action::Poll(PollArgs {
            deployment: d,
            build: b,
            task_queue: pick(rng, &QUEUES).to_owned(),
            kind: pick(rng, &TYPES),
        }),
        5 | 6 => Action::SetCurrent(SetCurrentArgs {
            deployment: d,
            build: if rng.u8(..8) == 0 { String::new() } else { b },
            identity: who,
            token,
            ignore_missing_task_queues: rng.u8(..4) == 0,
            allow_no_pollers: rng.u8(..4) == 0,
            ..SetCurrentArgs::default()
        }),
        7 | 8 => Action::SetRamping(SetRampingArgs {
            deployment: d,
            build: if rng.u8(..6) == 0 { String::new() } else { b },
            version: String::new(),
            percentage: Percentage::Number(pick(rng, &PERCENTAGES)),
            identity: who,
            token,
            ignore_missing_task_queues: rng.u8(..4) == 0,
            allow_no_pollers: false,
        }),
        9 => Action::DeleteVersion(DeleteVersionArgs {
            deployment: d,
            build: b,
            skip_drainage: rng.bool(),
            identity: who,
            ..DeleteVersionArgs::default()
        }),
        10 => match rng.u8(..4) {
            0 => Action::DeleteDeployment(DeploymentIdentity {
                deployment: d,
                identity: who,
            }),
            1 => Action::SetManager(SetManagerArgs {
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
            2 => Action::CreateDeployment(CreateArgs {
                deployment: d,
                build: None,
                identity: who,
                request_id: format!("r{}", rng.u8(..2)),
            }),
            _ => Action::CreateVersion(CreateArgs {
                deployment: d,
                build: Some(b),
                identity: who,
                request_id: format!("r{}", rng.u8(..2)),
            }),
        },
        11 => Action::Pollers(PresenceArgs {
            deployment: d,
            build: b,
            present: rng.bool(),
        }),
        12 => Action::Busy(BusyArgs {
            deployment: d,
            build: b,
            task_queue: pick(rng, &QUEUES).to_owned(),
            kind: pick(rng, &TYPES),
            present: rng.bool(),
        }),
        13 => Action::OpenPinned(OpenPinnedArgs {
            deployment: d,
            build: b,
            count: rng.u64(..2),
        }),
        14 => Action::CheckDrainage(Empty {}),
        15 => match rng.u8(..2) {
            0 => Action::Propagated(PropagatedArgs {
                deployment: d,
                build: b,
                revision: rng.i64(0..4),
            }),
            _ => Action::Reactivate(VersionArgs {
                deployment: d,
                build: b,
            }),
        },
        16 | 17 => Action::Route(RouteArgs {
            task_queue: pick(rng, &QUEUES).to_owned(),
            workflow_id: pick(rng, &WORKFLOWS).to_owned(),
            draw: None,
        }),
        18 => match rng.u8(..2) {
            0 => Action::Describe(DescribeArgs {
                deployment: d,
                build: b,
                version: String::new(),
            }),
            _ => Action::DescribeDeployment(DeploymentName { deployment: d }),
        },
        19 if rng.bool() => Action::Override(OverrideArgs {
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
        _ => Action::Query(QueryArgs {
            task_queue: pick(rng, &QUEUES).to_owned(),
            deployment: d,
            build: b,
            root_pollers: rng.bool(),
        }),
    }
}
