//! The plan file: rollout plans for `worker_deployments::Plan` as JSON Lines, one timed
//! step a line, the operator actions spelled as in a trace (`deployments/docs/trace-format.md`,
//! "Plans").
//!
//! Every step has `at` and one action. `at` is Unix milliseconds (a number) or a
//! duration after the step before it (`"+90s"`, `"+10m"`, `"+2h"`, `"+1d"`, `"+500ms"`;
//! the first step's is after the plan's origin). The actions: `setCurrent`,
//! `setRamping`, `deleteVersion`, `setManager` (a trace's arguments, without `token`);
//! `poll` (workers of the version start on the task queue), `pollers` with `"present":
//! false` (they stop), `openPinned` (open pinned workflows), `checkDrainage` (only the
//! clock). A first line `{"limits": ...}` without `at` sets the caps of an empty start.
//! Blank lines and `#` lines are skipped.

use std::collections::BTreeMap;

use serde_json::Value;
use worker_deployments::{
    DeleteVersion, Event, Limits, Plan, PlanStep, SetCurrent, SetManager, SetRamping, TaskQueueKey,
    TaskQueueType, VersionKey,
};

use crate::read::{TraceError, content_lines, read_json, step_from_map};
use crate::run::{Session, limits};
use crate::step::{Action, QueueType, Step};

/// A plan as its file gives it: the caps of a leading `limits` line, and the steps.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanFile {
    /// The caps a leading `limits` line sets, for an empty start.
    pub limits: Option<Limits>,
    /// The steps (with no sample: the caller picks one).
    pub plan: Plan,
}

/// Reads a plan file; relative `at`s count from `origin_ms`.
///
/// # Errors
/// The first malformed line, `line N: problem`: bad JSON, a missing or malformed `at`, a
/// time before the step before it, an unknown key, an action a plan does not take, a
/// `token`, a `now` or an `expect`.
///
/// # Example
/// ```
/// use worker_deployments_trace::read_plan;
///
/// let file = read_plan(br#"{"limits": {"maxVersionsInDeployment": 3}}
/// {"at": 1000, "poll": {"deployment": "D", "build": "b1", "taskQueue": "tq", "type": "workflow"}}
/// {"at": "+10m", "setCurrent": {"deployment": "D", "build": "b1", "identity": "ci"}}"#, 0)?;
/// assert_eq!(file.limits.map(|l| l.max_versions_in_deployment), Some(3));
/// assert_eq!(file.plan.steps[1].at_ms, 601_000);
/// let err = read_plan(br#"{"at": "+10 minutes", "checkDrainage": {}}"#, 0).unwrap_err();
/// assert_eq!(err.to_string(), r#"line 1: at: "+10 minutes" is neither milliseconds nor "+" and a duration such as "+90s", "+10m", "+2h" or "+1d""#);
/// # Ok::<(), worker_deployments_trace::TraceError>(())
/// ```
pub fn read_plan(bytes: &[u8], origin_ms: u64) -> Result<PlanFile, TraceError> {
    let (limits_step, steps) = read_steps(bytes, origin_ms)?;
    let mut file = PlanFile {
        limits: limits_step.as_ref().and_then(|step| match &step.action {
            Action::Limits(args) => Some(limits(args)),
            _ => None,
        }),
        plan: Plan::default(),
    };
    for step in steps {
        let at_ms = step.now.unwrap_or(origin_ms);
        let event = event(step.action).map_err(|problem| TraceError::new(step.line, problem))?;
        file.plan.steps.push(PlanStep {
            at_ms,
            line: step.line,
            event,
        });
    }
    Ok(file)
}

/// A plan as a deployments trace the model passes: its `limits` line first, then each
/// step's action with `now` its time and `expect` the model's answer
/// ([`Session::observe`]), so [`replay`](crate::replay) passes it and `version-sets
/// conform` can play it on a server. The steps are numbered as [`write()`](crate::write)
/// writes them (the header is line 1).
///
/// # Errors
/// As [`read_plan`].
///
/// # Example
/// ```
/// use worker_deployments_trace::{plan_to_trace, replay, write};
///
/// let steps = plan_to_trace(br#"{"at": 1000, "poll": {"deployment": "D", "build": "b1", "taskQueue": "tq", "type": "workflow"}}
/// {"at": "+1m", "setCurrent": {"deployment": "D", "build": "b1", "identity": "ci"}}"#, 0)?;
/// let trace = write(&steps).unwrap();
/// assert_eq!(trace, r#"{"format": "deployments"}
/// {"poll":{"deployment":"D","build":"b1","taskQueue":"tq","type":"workflow"},"now":1000,"expect":"changed"}
/// {"setCurrent":{"deployment":"D","build":"b1","identity":"ci"},"now":61000,"expect":{"outcome":"changed","previous":"__unversioned__"}}
/// "#);
/// assert_eq!(replay(trace.as_bytes())?.failed(), 0);
/// # Ok::<(), worker_deployments_trace::TraceError>(())
/// ```
pub fn plan_to_trace(bytes: &[u8], origin_ms: u64) -> Result<Vec<Step>, TraceError> {
    let (limits_step, steps) = read_steps(bytes, origin_ms)?;
    let mut session = Session::new();
    let mut out = Vec::with_capacity(steps.len().saturating_add(1));
    for mut step in limits_step.into_iter().chain(steps) {
        step.line = out.len().saturating_add(2);
        let answer = session.observe(&step);
        step.expect = step.action.kind().answer().map(|_| answer);
        out.push(step);
    }
    Ok(out)
}

/// The plan's lines as trace steps: its `limits` step, and each other step with `now`
/// its time in Unix milliseconds and `line` its line in the file.
fn read_steps(bytes: &[u8], origin_ms: u64) -> Result<(Option<Step>, Vec<Step>), TraceError> {
    let mut limits_step = None;
    let mut steps = Vec::new();
    let mut last = origin_ms;
    let none = BTreeMap::new();
    for (index, (line, text)) in content_lines(bytes).enumerate() {
        let fail = |problem: String| TraceError::new(line, problem);
        let Value::Object(mut map) = read_json(line, text)? else {
            return Err(fail("a step is a JSON object".into()));
        };
        for key in ["now", "expect"] {
            if map.contains_key(key) {
                return Err(fail(format!(
                    "a plan step has no {key} (its time is at, and it expects nothing)"
                )));
            }
        }
        let at = map.remove("at");
        let mut step = step_from_map(line, map, &none)?;
        if let Action::Limits(_) = &step.action {
            if index > 0 || at.is_some() {
                return Err(fail(
                    "limits is the first line of a plan, without at".into(),
                ));
            }
            limits_step = Some(step);
            continue;
        }
        let Some(at) = at else {
            return Err(fail("a plan step has at".into()));
        };
        let at_ms = read_at(&at, last).map_err(&fail)?;
        if at_ms < last {
            return Err(fail(format!(
                "at {at_ms} is before the step before it ({last})"
            )));
        }
        last = at_ms;
        // An action a plan does not take fails on its own line, before any later line.
        event(step.action.clone()).map_err(&fail)?;
        step.now = Some(at_ms);
        steps.push(step);
    }
    Ok((limits_step, steps))
}

/// `at`: milliseconds, or `"+"` and a duration after `last`.
fn read_at(at: &Value, last: u64) -> Result<u64, String> {
    if let Some(ms) = at.as_u64() {
        return Ok(ms);
    }
    let wrong = || {
        format!(
            r#"at: {at} is neither milliseconds nor "+" and a duration such as "+90s", "+10m", "+2h" or "+1d""#
        )
    };
    let text = at.as_str().ok_or_else(wrong)?;
    let rest = text.strip_prefix('+').ok_or_else(wrong)?;
    let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    let (number, unit) = rest.split_at_checked(digits).ok_or_else(wrong)?;
    let scale: u64 = match unit {
        "ms" => 1,
        "s" => 1_000,
        "m" => 60_000,
        "h" => 3_600_000,
        "d" => 86_400_000,
        _ => return Err(wrong()),
    };
    let n: u64 = number.parse().map_err(|_| wrong())?;
    n.checked_mul(scale)
        .and_then(|d| last.checked_add(d))
        .ok_or_else(|| format!("at: {text} is past the end of time"))
}

fn version(deployment: &str, build: &str) -> VersionKey {
    VersionKey::new(deployment, build)
}

fn no_token<T>(token: Option<&T>, kind: &str) -> Result<(), String> {
    match token {
        Some(_) => Err(format!(
            "{kind}: a plan step takes no token (each step reads the state the plan left)"
        )),
        None => Ok(()),
    }
}

/// The plan event of a trace action, or why a plan does not take it.
fn event(action: Action) -> Result<Event, String> {
    Ok(match action {
        Action::SetCurrent(a) => {
            no_token(a.token.as_ref(), "setCurrent")?;
            Event::SetCurrent(SetCurrent {
                deployment_name: a.deployment,
                build_id: a.build,
                version: a.version,
                conflict_token: Vec::new(),
                identity: a.identity,
                ignore_missing_task_queues: a.ignore_missing_task_queues,
                allow_no_pollers: a.allow_no_pollers,
            })
        }
        Action::SetRamping(a) => {
            no_token(a.token.as_ref(), "setRamping")?;
            Event::SetRamping(SetRamping {
                deployment_name: a.deployment,
                build_id: a.build,
                version: a.version,
                percentage: a.percentage.value(),
                conflict_token: Vec::new(),
                identity: a.identity,
                ignore_missing_task_queues: a.ignore_missing_task_queues,
                allow_no_pollers: a.allow_no_pollers,
            })
        }
        Action::SetManager(a) => {
            no_token(a.token.as_ref(), "setManager")?;
            Event::SetManager(SetManager {
                deployment_name: a.deployment,
                manager_identity: a.manager,
                self_manage: a.self_manage,
                conflict_token: Vec::new(),
                identity: a.identity,
            })
        }
        Action::DeleteVersion(a) => Event::DeleteVersion(DeleteVersion {
            deployment_name: a.deployment,
            build_id: a.build,
            version: a.version,
            skip_drainage: a.skip_drainage,
            identity: a.identity,
        }),
        Action::Poll(a) => Event::WorkersStart {
            version: version(&a.deployment, &a.build),
            task_queue: TaskQueueKey::new(
                &a.task_queue,
                match a.kind {
                    QueueType::Workflow => TaskQueueType::Workflow,
                    QueueType::Activity => TaskQueueType::Activity,
                    QueueType::Nexus => TaskQueueType::Nexus,
                },
            ),
        },
        Action::Pollers(a) if !a.present => Event::WorkersStop {
            version: version(&a.deployment, &a.build),
        },
        Action::Pollers(_) => {
            return Err(
                r#"pollers: a plan's workers start with poll, so pollers takes "present": false"#
                    .into(),
            );
        }
        Action::OpenPinned(a) => Event::OpenPinned {
            version: version(&a.deployment, &a.build),
            count: a.count,
        },
        Action::CheckDrainage(_) => Event::Advance,
        other => {
            return Err(format!(
                "{} is not a plan step (a plan takes setCurrent, setRamping, deleteVersion, setManager, poll, pollers, openPinned and checkDrainage)",
                other.kind()
            ));
        }
    })
}
