//! How a dry run is printed: the server's answer first (the CLI's success text, or
//! `CODE: message`), then what would change, then the facts assumed; or all of it as one
//! JSON document.

use serde_json::{Value, json};
use worker_deployments::{
    Answer, Outcome, QueueView, Ramp, RoutingConfig, ShownDryRun, ShownForm, TaskQueueType,
    VersionKey, VersionStatus,
};

use super::dry_run::Subcommand;
use crate::{Output, Style};

/// A dry run and what the report needs to say about it.
pub(crate) struct Report<'a> {
    pub(crate) subcommand: Subcommand,
    pub(crate) form: ShownForm,
    /// Whether the STATE carries the routing's revision (only the gRPC JSON does).
    pub(crate) revision_known: bool,
    pub(crate) shown: &'a ShownDryRun,
    pub(crate) notes: &'a [String],
}

/// A version as printed: `D:b`, or `unversioned`.
fn name(version: Option<&VersionKey>) -> String {
    version.map_or_else(|| "unversioned".to_owned(), VersionKey::to_string)
}

/// A status as a word: `current`, `draining`, ...; `none` when the version does not exist.
fn status(status: Option<VersionStatus>) -> String {
    status.map_or_else(
        || "none".to_owned(),
        |s| {
            s.as_str()
                .trim_start_matches("WORKER_DEPLOYMENT_VERSION_STATUS_")
                .to_ascii_lowercase()
        },
    )
}

/// A task queue type as the CLI prints it.
fn type_word(kind: TaskQueueType) -> &'static str {
    match kind {
        TaskQueueType::Workflow => "workflow",
        TaskQueueType::Activity => "activity",
        _ => "nexus",
    }
}

/// The CLI's words for an accepted change (Temporal CLI 1.9.1); `manager` is the manager
/// identity after it.
fn cli_text(subcommand: Subcommand, answer: &Answer, manager: &str) -> String {
    match (subcommand, answer) {
        (Subcommand::ManagerSet, Answer::SetManager(r)) => format!(
            "Successfully set manager identity to '{manager}', was previously '{}'",
            r.previous_manager_identity
        ),
        (Subcommand::ManagerUnset, Answer::SetManager(r)) => format!(
            "Successfully unset manager identity, was previously '{}'",
            r.previous_manager_identity
        ),
        (Subcommand::SetCurrent, _) => {
            "Successfully set the current worker deployment version".to_owned()
        }
        (Subcommand::SetRamping, _) => {
            "Successfully set the ramping worker deployment version".to_owned()
        }
        (Subcommand::DeleteVersion, _) => {
            "Successfully deleted worker deployment version".to_owned()
        }
        _ => "Successfully deleted worker deployment".to_owned(),
    }
}

/// The routing in words: `current D:b1, ramping D:b2 at 10%`.
fn routing_words(routing: Option<&RoutingConfig>, revision_known: bool) -> String {
    let Some(rc) = routing else {
        return "no deployment".to_owned();
    };
    let mut line = format!("current {}", name(rc.current.as_ref()));
    match &rc.ramping {
        Ramp::None => line.push_str(", no ramp"),
        Ramp::Unversioned => line.push_str(&format!(", ramping unversioned at {}%", rc.percentage)),
        Ramp::Version(v) => line.push_str(&format!(", ramping {v} at {}%", rc.percentage)),
    }
    if revision_known {
        line.push_str(&format!(" (revision {})", rc.revision));
    }
    line
}

fn routing_json(routing: Option<&RoutingConfig>, revision_known: bool) -> Value {
    let Some(rc) = routing else {
        return Value::Null;
    };
    let ramp = match &rc.ramping {
        Ramp::Version(v) => json!({"version": v.to_string(), "percentage": rc.percentage}),
        Ramp::Unversioned => json!({"version": null, "percentage": rc.percentage}),
        Ramp::None => Value::Null,
    };
    json!({
        "current": rc.current.as_ref().map(VersionKey::to_string),
        "ramp": ramp,
        "revision": revision_known.then_some(rc.revision),
    })
}

/// A task queue's routing in words: `D:b1, ramping D:b2 at 10%`.
fn view_words(view: &QueueView) -> String {
    let mut line = name(view.current.as_ref());
    if view.is_ramping {
        line.push_str(&format!(
            ", ramping {} at {}%",
            name(view.ramping.as_ref()),
            view.percentage
        ));
    }
    line
}

fn view_json(view: &QueueView) -> Value {
    json!({
        "current": view.current.as_ref().map(VersionKey::to_string),
        "ramp": view.is_ramping.then(|| json!({
            "version": view.ramping.as_ref().map(VersionKey::to_string),
            "percentage": view.percentage,
        })),
    })
}

/// The answer's own fields, beside its outcome.
fn answer_lines(answer: &Answer) -> Vec<String> {
    match answer {
        Answer::SetCurrent(r) => vec![format!("previous version: {}", r.previous_version)],
        Answer::SetRamping(r) if r.previous_version.is_empty() => {
            vec!["previous ramp: none".to_owned()]
        }
        Answer::SetRamping(r) => vec![format!(
            "previous ramp: {} at {}%",
            r.previous_version, r.previous_percentage
        )],
        _ => Vec::new(),
    }
}

fn answer_json(answer: &Answer) -> Value {
    let outcome = match answer.outcome() {
        Outcome::Changed => "changed",
        _ => "noop",
    };
    match answer {
        Answer::SetCurrent(r) => json!({"outcome": outcome, "previousVersion": r.previous_version}),
        Answer::SetRamping(r) => json!({
            "outcome": outcome,
            "previousVersion": r.previous_version,
            "previousPercentage": r.previous_percentage,
        }),
        Answer::SetManager(r) => json!({
            "outcome": outcome,
            "previousManagerIdentity": r.previous_manager_identity,
        }),
        _ => json!({"outcome": outcome}),
    }
}

pub(crate) fn print(output: &mut Output<'_>, report: &Report<'_>) {
    let run = &report.shown.run;
    let revision_known = report.revision_known;
    let manager_after = run.manager.after.as_deref().unwrap_or_default();
    if output.json() {
        let (answer, error, cli) = match &run.answer {
            Ok(answer) => (
                answer_json(answer),
                Value::Null,
                Value::from(cli_text(report.subcommand, answer, manager_after)),
            ),
            Err(error) => (
                Value::Null,
                json!({"code": error.code().as_str(), "message": error.to_string()}),
                Value::Null,
            ),
        };
        output.document(&json!({
            "deployment": run.deployment,
            "form": report.form.as_str(),
            "command": report.subcommand.name(),
            "accepted": run.answer.is_ok(),
            "answer": answer,
            "error": error,
            "cli": cli,
            "routing": {
                "before": routing_json(run.routing.before.as_ref(), revision_known),
                "after": routing_json(run.routing.after.as_ref(), revision_known),
            },
            "manager": {"before": run.manager.before, "after": run.manager.after},
            "statuses": run.statuses.iter().map(|s| json!({
                "version": s.version.to_string(),
                "before": s.status.before.map(|_| status(s.status.before)),
                "after": s.status.after.map(|_| status(s.status.after)),
            })).collect::<Vec<_>>(),
            "taskQueues": run.task_queues.iter().map(|q| json!({
                "name": q.task_queue.name,
                "type": type_word(q.task_queue.kind),
                "before": view_json(&q.view.before),
                "after": view_json(&q.view.after),
                "becomesUnversioned": q.becomes_unversioned(),
            })).collect::<Vec<_>>(),
            "assumed": report.shown.assumed.iter().map(ToString::to_string).collect::<Vec<_>>(),
            "taskQueuesNotShown": report.shown.task_queues_unshown.iter().map(VersionKey::to_string).collect::<Vec<_>>(),
            "notes": report.notes,
        }));
        return;
    }
    match &run.answer {
        Ok(answer) => {
            output.line(cli_text(report.subcommand, answer, manager_after));
            let outcome = match answer.outcome() {
                Outcome::Changed => "changed",
                _ => "no-op",
            };
            output.line(format!("outcome: {outcome}"));
            for line in answer_lines(answer) {
                output.line(line);
            }
        }
        Err(error) => {
            let code = output.paint(error.code().as_str(), Style::Strong);
            output.line(format!("{code}: {error}"));
        }
    }
    let mut changed = false;
    let deleted = run.routing.before.is_some() && run.routing.after.is_none();
    if deleted {
        changed = true;
        output.line(format!("deployment {}: deleted", run.deployment));
    } else if run.routing.changed() {
        changed = true;
        output.line(format!(
            "routing: {} -> {}",
            routing_words(run.routing.before.as_ref(), revision_known),
            routing_words(run.routing.after.as_ref(), revision_known)
        ));
    }
    if run.manager.changed() && !deleted {
        changed = true;
        let word = |m: &Option<String>| match m.as_deref() {
            None => "no deployment".to_owned(),
            Some("") => "none".to_owned(),
            Some(m) => format!("'{m}'"),
        };
        output.line(format!(
            "manager identity: {} -> {}",
            word(&run.manager.before),
            word(&run.manager.after)
        ));
    }
    for s in &run.statuses {
        changed = true;
        output.line(format!(
            "version {}: {} -> {}",
            s.version,
            status(s.status.before),
            status(s.status.after)
        ));
    }
    for q in &run.task_queues {
        changed = true;
        let unversioned = if q.becomes_unversioned() {
            format!(" ({})", output.paint("becomes unversioned", Style::Strong))
        } else {
            String::new()
        };
        output.line(format!(
            "task queue {} ({}): {} -> {}{unversioned}",
            q.task_queue.name,
            type_word(q.task_queue.kind),
            view_words(&q.view.before),
            view_words(&q.view.after)
        ));
    }
    if !changed {
        output.line(if run.answer.is_ok() {
            "routing, statuses and manager unchanged"
        } else {
            "nothing changes"
        });
    }
    if !report.shown.task_queues_unshown.is_empty() {
        let versions: Vec<String> = report
            .shown
            .task_queues_unshown
            .iter()
            .map(VersionKey::to_string)
            .collect();
        output.line(format!(
            "not listed: the task queues of {} (no --version-state)",
            versions.join(", ")
        ));
    }
    for assumed in &report.shown.assumed {
        output.line(format!("assumed: {assumed}"));
    }
}
