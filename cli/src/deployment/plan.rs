//! `version-sets deployment plan PLAN [--state STATE]`: a rollout plan checked against
//! the model, step by step (`worker_deployments::Plan::check`).

use std::path::PathBuf;

use serde_json::{Value, json};
use worker_deployments::{
    Assumptions, DeploymentSummary, Deployments, Event, Hazard, Limits, Plan, PlanReport,
    ShownState, StepOutcome, StepReport, TaskQueueType, VersionKey, VersionStatus,
};
use worker_deployments_trace::{plan_to_trace, read_plan, write_with_comment};

use super::state;
use crate::{Output, Status, input};

/// Check a rollout plan: run each step through the model and print its outcome and the
/// state after it, the first step the server would refuse, and the hazards.
///
/// PLAN is JSON Lines, one step a line: {"at": MS | "+DURATION", ACTION: {...}}, the
/// actions spelled as in a deployments trace (setCurrent, setRamping, deleteVersion,
/// setManager; poll for workers that start on a task queue, pollers with "present": false
/// for workers that stop, openPinned, checkDrainage for the clock alone), an optional
/// first line {"limits": ...} (deployments/docs/trace-format.md, "Plans"). Without
/// --state the plan starts from no deployments at time 0; with it, from the deployment
/// STATE shows, its versions without pollers or open pinned workflows until the plan
/// says so, relative times counting from the latest time STATE shows. Every drainage
/// check due between steps runs at its own time. Hazards: the version cap full with no
/// version deletable (the next new version is refused), a rollback that leaves a ramp, a
/// ramp left at the end, a ramp removed before its version became current. With -o json:
/// {"origin", "steps": [{"line", "at", "step", "outcome": "changed" | "noop" | {"error",
/// "message"}, "becameDeletable": [{"version", "at"}], "deployments": [{"name", "current",
/// "ramping": null | {"version", "percentage"}, "sample": {"current", "ramping"}, "cap",
/// "versions": [{"version", "status", "drainage", "pollers", "openPinned",
/// "deletable"}]}]}], "firstFailure": null | {"line", "at", "error", "message"},
/// "hazards": [{"kind", "message"}]}; a version of null is unversioned. With --trace the
/// plan is printed as a deployments trace instead: its limits line, then each step's
/// action with now its time and expect the model's answer, which replay passes and
/// conform plays on a server.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Example:\n  version-sets deployment plan rollout.jsonl --state describe.json --sample 1000"
)]
pub(crate) struct Args {
    /// The plan, or - for standard input
    #[arg(value_name = "PLAN")]
    plan: PathBuf,
    /// The deployment to start from (describe, list or gRPC JSON), or - for standard input
    #[arg(long, value_name = "STATE")]
    state: Option<PathBuf>,
    /// How many workflow IDs (wf-0, wf-1, ...) to split between current and ramping
    #[arg(long, value_name = "N", default_value_t = 100, value_parser = clap::value_parser!(u32).range(0..=100_000))]
    sample: u32,
    /// Print the plan as a deployments trace instead (each step at its time, expecting
    /// the model's answer), for replay or conform; it starts from no deployments
    #[arg(long, conflicts_with_all = ["state", "sample"])]
    trace: bool,
}

pub(crate) fn run(args: &Args, output: &mut Output<'_>) -> Status {
    if args.trace {
        return trace(args, output);
    }
    match check(args) {
        Ok((origin, plan, report)) => {
            if output.json() {
                output.document(&document(origin, &plan, &report));
            } else {
                print(output, origin, &plan, &report);
            }
            if report.is_clean() {
                Status::Ok
            } else {
                Status::Failed
            }
        }
        Err(message) => {
            output.diagnostic(message);
            Status::BadInput
        }
    }
}

/// The plan as a trace (`worker_deployments_trace::plan_to_trace`), after a comment that
/// names the plan.
fn trace(args: &Args, output: &mut Output<'_>) -> Status {
    let written = input::read(&args.plan).and_then(|plan_input| {
        let steps =
            plan_to_trace(&plan_input.bytes, 0).map_err(|e| format!("{}: {e}", plan_input.name))?;
        let comment = format!("version-sets deployment plan {} --trace", plan_input.name);
        write_with_comment(&comment, &steps)
            .map_err(|e| format!("{}: cannot write: {e}", plan_input.name))
    });
    match written {
        Ok(text) => {
            output.text(&text);
            Status::Ok
        }
        Err(message) => {
            output.diagnostic(message);
            Status::BadInput
        }
    }
}

/// Reads the inputs and runs the plan: the origin of relative times, the plan and its
/// report.
fn check(args: &Args) -> Result<(u64, Plan, PlanReport), String> {
    let mut paths = vec![args.plan.clone()];
    paths.extend(args.state.iter().cloned());
    input::stdin_once(&paths)?;
    let plan_input = input::read(&args.plan)?;
    let (start, origin) = match &args.state {
        None => (None, 0),
        Some(path) => {
            let opened = state::open(path, None)?;
            let shown = ShownState::new(&opened.deployment, &[], Assumptions::default())
                .map_err(|e| format!("the state does not make one: {e}"))?;
            let ns = shown.deployments().clone();
            let origin = latest_time(&ns);
            (Some((opened.deployment, ns)), origin)
        }
    };
    let file =
        read_plan(&plan_input.bytes, origin).map_err(|e| format!("{}: {e}", plan_input.name))?;
    let limits = file.limits.unwrap_or(Limits::SERVER_DEFAULT);
    let ns = match start {
        None => Deployments::new(limits),
        Some((_, ns)) if file.limits.is_none() => ns,
        Some((deployment, _)) => {
            let assumptions = Assumptions {
                limits,
                ..Assumptions::default()
            };
            ShownState::new(&deployment, &[], assumptions)
                .map_err(|e| format!("the state does not make one: {e}"))?
                .deployments()
                .clone()
        }
    };
    let mut plan = file.plan;
    plan.sample = (0..args.sample).map(|i| format!("wf-{i}")).collect();
    let report = plan.check(&ns);
    Ok((origin, plan, report))
}

/// The latest time a state holds: when it was last changed, as far as it shows.
fn latest_time(ns: &Deployments) -> u64 {
    ns.deployments()
        .flat_map(|d| {
            let rc = &d.routing;
            [
                rc.current_changed_ms,
                rc.ramping_changed_ms,
                rc.percentage_changed_ms,
            ]
            .into_iter()
            .flatten()
            .chain(d.versions.values().flat_map(|v| {
                [
                    Some(v.create_time_ms),
                    v.drainage.map(|i| i.last_checked_ms),
                ]
                .into_iter()
                .flatten()
            }))
        })
        .max()
        .unwrap_or(0)
}

/// A duration after the origin as people read it: `+0s`, `+90s` as `+1m30s`, `+1d2h`.
fn after(origin: u64, at: u64) -> String {
    let ms = at.saturating_sub(origin);
    let mut rest = ms / 1_000;
    let mut text = String::from("+");
    for (unit, size) in [("d", 86_400), ("h", 3_600), ("m", 60)] {
        if rest >= size {
            text.push_str(&format!("{}{unit}", rest / size));
            rest %= size;
        }
    }
    let millis = ms % 1_000;
    if rest > 0 || millis > 0 || text == "+" {
        if millis > 0 {
            text.push_str(&format!("{rest}.{millis:03}s"));
        } else {
            text.push_str(&format!("{rest}s"));
        }
    }
    text
}

fn name(version: Option<&VersionKey>) -> String {
    version.map_or_else(|| "unversioned".to_owned(), VersionKey::to_string)
}

fn type_word(kind: TaskQueueType) -> &'static str {
    match kind {
        TaskQueueType::Workflow => "workflow",
        TaskQueueType::Activity => "activity",
        TaskQueueType::Nexus => "nexus",
        _ => "other",
    }
}

/// A request's version as the step names it: `D:b`, the deprecated string, or `D`'s
/// unversioned workers.
fn target(deployment: &str, build: &str, version: &str) -> String {
    if !version.is_empty() {
        version.to_owned()
    } else if build.is_empty() {
        format!("{deployment} unversioned")
    } else {
        format!("{deployment}:{build}")
    }
}

/// The step in a few words.
fn describe(event: &Event) -> String {
    match event {
        Event::SetCurrent(r) => format!(
            "set current {}",
            target(&r.deployment_name, &r.build_id, &r.version)
        ),
        Event::SetRamping(r) => format!(
            "ramp {} at {}%",
            target(&r.deployment_name, &r.build_id, &r.version),
            r.percentage
        ),
        Event::DeleteVersion(r) => format!(
            "delete {}",
            target(&r.deployment_name, &r.build_id, &r.version)
        ),
        Event::SetManager(r) if r.self_manage => {
            format!("{} manages {}", r.identity, r.deployment_name)
        }
        Event::SetManager(r) if r.manager_identity.is_empty() => {
            format!("clear the manager of {}", r.deployment_name)
        }
        Event::SetManager(r) => {
            format!("{} manages {}", r.manager_identity, r.deployment_name)
        }
        Event::WorkersStart {
            version,
            task_queue,
        } => format!(
            "workers of {version} start on {} ({})",
            task_queue.name,
            type_word(task_queue.kind)
        ),
        Event::WorkersStop { version } => format!("workers of {version} stop"),
        Event::OpenPinned { version, count } => {
            format!("{count} open workflows pinned to {version}")
        }
        Event::Advance => "the clock".to_owned(),
    }
}

fn status_word(status: VersionStatus) -> &'static str {
    match status {
        VersionStatus::Inactive => "inactive",
        VersionStatus::Current => "current",
        VersionStatus::Ramping => "ramping",
        VersionStatus::Draining => "draining",
        VersionStatus::Drained => "drained",
        _ => "created",
    }
}

fn outcome_json(outcome: &StepOutcome) -> Value {
    match outcome {
        StepOutcome::Changed => json!("changed"),
        StepOutcome::NoOp => json!("noop"),
        StepOutcome::Failed(e) => json!({"error": e.code().as_str(), "message": e.to_string()}),
    }
}

fn hazard_kind(hazard: &Hazard) -> &'static str {
    match hazard {
        Hazard::CapWithoutRoom { .. } => "capWithoutRoom",
        Hazard::RollbackLeavesRamp { .. } => "rollbackLeavesRamp",
        Hazard::RampLeftAtEnd { .. } => "rampLeftAtEnd",
        Hazard::RampNeverCompleted { .. } => "rampNeverCompleted",
    }
}

fn print(output: &mut Output<'_>, origin: u64, plan: &Plan, report: &PlanReport) {
    for step in &report.steps {
        output.line(format!(
            "line {} at {}: {}: {}",
            step.line,
            after(origin, step.at_ms),
            describe_step(plan, step),
            step.outcome
        ));
        for (version, at) in &step.became_deletable {
            output.line(format!("  {version} deletable from {}", after(origin, *at)));
        }
        for d in &step.snapshot.deployments {
            output.line(format!("  {}", deployment_line(d)));
            for v in &d.versions {
                let mut notes = vec![status_word(v.status).to_owned()];
                if v.pollers {
                    notes.push("pollers".to_owned());
                }
                if v.open_pinned > 0 {
                    notes.push(format!("{} pinned", v.open_pinned));
                }
                if v.deletable {
                    notes.push("deletable".to_owned());
                }
                output.line(format!("    {}: {}", v.key, notes.join(", ")));
            }
        }
    }
    for hazard in &report.hazards {
        output.line(format!("hazard: {hazard}"));
    }
    match report.first_failure() {
        Some(step) => output.line(format!(
            "first failing step: line {}: {}",
            step.line, step.outcome
        )),
        None if report.hazards.is_empty() => {
            output.line(format!(
                "{} steps, no failure, no hazard",
                report.steps.len()
            ));
        }
        None => output.line(format!(
            "{} steps, no failure, {} hazard{}",
            report.steps.len(),
            report.hazards.len(),
            if report.hazards.len() == 1 { "" } else { "s" }
        )),
    }
}

/// The plan's step a report is of, in a few words.
fn describe_step(plan: &Plan, step: &StepReport) -> String {
    plan.steps
        .get(step.index)
        .map(|s| describe(&s.event))
        .unwrap_or_default()
}

fn deployment_line(d: &DeploymentSummary) -> String {
    let routing = match &d.ramping {
        None => format!("current {}", name(d.current.as_ref())),
        Some((ramping, pct)) => format!(
            "current {}, ramping {} at {pct}% (sample: {} current, {} ramping)",
            name(d.current.as_ref()),
            name(ramping.as_ref()),
            d.sample.current,
            d.sample.ramping
        ),
    };
    format!(
        "{}: {routing}; {} of {} versions, {} deletable",
        d.name,
        d.versions.len(),
        d.cap,
        d.deletable().count()
    )
}

fn document(origin: u64, plan: &Plan, report: &PlanReport) -> Value {
    let steps: Vec<Value> = report
        .steps
        .iter()
        .map(|s| {
            json!({
                "line": s.line,
                "at": s.at_ms,
                "step": describe_step(plan, s),
                "outcome": outcome_json(&s.outcome),
                "becameDeletable": s.became_deletable.iter().map(|(v, at)| json!({"version": v.to_string(), "at": at})).collect::<Vec<_>>(),
                "deployments": s.snapshot.deployments.iter().map(deployment_json).collect::<Vec<_>>(),
            })
        })
        .collect();
    let first = report.first_failure().map(|s| match &s.outcome {
        StepOutcome::Failed(e) => json!({"line": s.line, "at": s.at_ms, "error": e.code().as_str(), "message": e.to_string()}),
        _ => Value::Null,
    });
    json!({
        "origin": origin,
        "steps": steps,
        "firstFailure": first,
        "hazards": report.hazards.iter().map(|h| json!({"kind": hazard_kind(h), "message": h.to_string()})).collect::<Vec<_>>(),
    })
}

fn deployment_json(d: &DeploymentSummary) -> Value {
    json!({
        "name": d.name,
        "current": d.current.as_ref().map(ToString::to_string),
        "ramping": d.ramping.as_ref().map(|(v, pct)| json!({"version": v.as_ref().map(ToString::to_string), "percentage": pct})),
        "sample": {"current": d.sample.current, "ramping": d.sample.ramping},
        "cap": d.cap,
        "versions": d.versions.iter().map(|v| json!({
            "version": v.key.to_string(),
            "status": v.status.as_str(),
            "drainage": v.drainage.map(|s| s.as_str()),
            "pollers": v.pollers,
            "openPinned": v.open_pinned,
            "deletable": v.deletable,
        })).collect::<Vec<_>>(),
    })
}
