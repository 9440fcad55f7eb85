//! `version-sets deployment route STATE [WORKFLOW_ID...]`: where each new workflow goes,
//! and why.

use std::path::PathBuf;

use serde_json::json;
use worker_deployments::{QueueView, Ramp, ShownRouting, VersionKey, is_ramped, ramp_threshold};

use super::{existing, ids, state};
use crate::{Output, Status, Style};

/// Route new workflows: which version each workflow ID goes to, and why.
///
/// The routing is the deployment's, as a task queue polled by both its current and its
/// ramping version sees it (a queue outside them routes elsewhere). A new workflow goes to
/// the ramping version when its threshold, 100 * Fingerprint32(ID) / 2^32, is at most the
/// ramp percentage (float32), to the current version otherwise; at 0% all go to current and
/// at 100% all to the ramping version. Thresholds and percentages are printed so that they
/// read back exactly. With -o json: {"deployment", "form", "routing": {"current": "D:b" |
/// null, "ramp": null | {"version": "D:b" | null, "percentage"}, "revision": N | null},
/// "workflows": [{"workflowId", "version": "D:b" | null, "to": "current" | "ramping",
/// "threshold", "reason"}], "split": {"current", "ramping"}, "samples": {"ramping": [...],
/// "current": [...]}, "existing": [{"workflowId", "version", "reason"}], "notes": [...]}; a
/// version of null is unversioned.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Example:\n  version-sets deployment route describe.json wf-1 wf-2 --sample-ramped 3\n  (describe.json: temporal worker deployment describe --name D -o json)"
)]
pub(crate) struct Args {
    /// The deployment's state (describe, list or gRPC JSON), or - for standard input
    #[arg(value_name = "STATE")]
    state: PathBuf,
    /// New workflows' IDs
    #[arg(value_name = "WORKFLOW_ID")]
    workflow_ids: Vec<String>,
    /// More workflow IDs, one a line (empty lines skipped), or - for standard input
    #[arg(long, value_name = "FILE")]
    file: Option<PathBuf>,
    /// The deployment to route by, when STATE lists several
    #[arg(long, value_name = "NAME")]
    deployment: Option<String>,
    /// Find N workflow IDs that go to the ramping version: PREFIX-0, PREFIX-1, ... in order
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=10_000))]
    sample_ramped: Option<u32>,
    /// Find N workflow IDs that go to the current version
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=10_000))]
    sample_current: Option<u32>,
    /// Existing workflows, one JSON object a line: {"workflowId", "behavior": "pinned" |
    /// "auto-upgrade" | "unversioned", "version": "D:b", "revision": N, "override":
    /// {"pinned": "D:b"} | "auto-upgrade" | {"one-time": "D:b"}} (version, revision and
    /// override optional); each is routed as its next workflow task, or - for standard input
    #[arg(long, value_name = "FILE")]
    existing: Option<PathBuf>,
    /// The prefix of the sample IDs
    #[arg(long, value_name = "PREFIX", default_value = "wf")]
    prefix: String,
}

/// How many candidates `--sample-*` tries before it gives up.
const CANDIDATES: u64 = 1_000_000;

/// Which side of the routing a workflow goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum To {
    Current,
    Ramping,
}

impl To {
    fn as_str(self) -> &'static str {
        match self {
            Self::Current => "current",
            Self::Ramping => "ramping",
        }
    }
}

/// One workflow's route.
struct Route {
    to: To,
    version: Option<VersionKey>,
    threshold: f64,
    reason: String,
}

/// A version as printed: `D:b`, or `unversioned`.
fn name(version: Option<&VersionKey>) -> String {
    version.map_or_else(|| "unversioned".to_owned(), VersionKey::to_string)
}

/// Where a new workflow with this ID goes (the model's `QueueView::target`), and why.
fn route(view: &QueueView, id: &str) -> Route {
    let threshold = ramp_threshold(id, 0.0);
    let (version, _) = view.target(id, false, 0.0);
    let to = side(view, id);
    let pct = view.percentage;
    let reason = if !view.is_ramping {
        "no ramp".to_owned()
    } else if pct.is_nan() {
        "the ramp percentage is NaN, which ramps none".to_owned()
    } else if pct <= 0.0 {
        "the ramp is at 0%".to_owned()
    } else if pct == 100.0 {
        "the ramp is at 100%".to_owned()
    } else if to == To::Ramping {
        format!("threshold {threshold} <= {pct}")
    } else {
        format!("threshold {threshold} > {pct}")
    };
    Route {
        to,
        version: version.cloned(),
        threshold,
        reason,
    }
}

/// The side of the routing a new workflow with this ID goes to: the one the model's
/// `QueueView::target` picks (`is_ramped` is its comparison).
fn side(view: &QueueView, id: &str) -> To {
    if is_ramped(ramp_threshold(id, 0.0), view.percentage) {
        To::Ramping
    } else {
        To::Current
    }
}

/// The first `n` of PREFIX-0, PREFIX-1, ... that go to `to`, among [`CANDIDATES`].
fn samples(view: &QueueView, prefix: &str, to: To, n: u32) -> Vec<String> {
    let mut found = Vec::new();
    for i in 0..CANDIDATES {
        if found.len() >= n as usize {
            break;
        }
        let id = format!("{prefix}-{i}");
        if side(view, &id) == to {
            found.push(id);
        }
    }
    found
}

/// The routing in words: `current D:b1, ramping D:b2 at 10%`.
fn routing_line(routing: &ShownRouting) -> String {
    let mut line = format!("current {}", name(routing.current.as_ref()));
    match &routing.ramping {
        Ramp::None => line.push_str(", no ramp"),
        Ramp::Unversioned => {
            line.push_str(&format!(", ramping unversioned at {}%", routing.percentage))
        }
        Ramp::Version(v) => line.push_str(&format!(", ramping {v} at {}%", routing.percentage)),
    }
    if let Some(revision) = routing.revision {
        line.push_str(&format!(" (revision {revision})"));
    }
    line
}

fn routing_json(routing: &ShownRouting) -> serde_json::Value {
    let ramp = match &routing.ramping {
        Ramp::Version(v) => json!({"version": v.to_string(), "percentage": routing.percentage}),
        Ramp::Unversioned => json!({"version": null, "percentage": routing.percentage}),
        Ramp::None => serde_json::Value::Null,
    };
    json!({
        "current": routing.current.as_ref().map(VersionKey::to_string),
        "ramp": ramp,
        "revision": routing.revision,
    })
}

pub(crate) fn run(args: &Args, output: &mut Output<'_>) -> Status {
    let stdin = [
        Some(&args.state),
        args.file.as_ref(),
        args.existing.as_ref(),
    ]
    .iter()
    .flatten()
    .filter(|path| path.as_os_str() == "-")
    .count();
    if stdin > 1 {
        output.diagnostic(format!(
            "- is given {stdin} times; standard input can be read only once"
        ));
        return Status::BadInput;
    }
    let opened = match state::open(&args.state, args.deployment.as_deref()) {
        Ok(opened) => opened,
        Err(message) => {
            output.diagnostic(message);
            return Status::BadInput;
        }
    };
    let ids = match ids::collect(&args.workflow_ids, args.file.as_deref()) {
        Ok(ids) => ids,
        Err(message) => {
            output.diagnostic(message);
            return Status::BadInput;
        }
    };
    let existing = match args.existing.as_deref().map(existing::read).transpose() {
        Ok(found) => found.unwrap_or_default(),
        Err(message) => {
            output.diagnostic(message);
            return Status::BadInput;
        }
    };
    let view = opened.deployment.routing.view();
    let revision_known = opened.deployment.routing.revision.is_some();
    let mut later = Vec::with_capacity(existing.len());
    for workflow in &existing {
        match existing::route(&view, workflow, revision_known) {
            Ok(routed) => later.push((&workflow.id, routed)),
            Err(message) => {
                output.diagnostic(message);
                return Status::BadInput;
            }
        }
    }
    for note in &opened.notes {
        output.diagnostic(note);
    }
    let routing = &opened.deployment.routing;
    let routes: Vec<(&String, Route)> = ids.iter().map(|id| (id, route(&view, id))).collect();
    let ramped = routes.iter().filter(|(_, r)| r.to == To::Ramping).count();
    let mut status = Status::Ok;
    let mut found = Vec::new();
    for (to, asked) in [
        (To::Ramping, args.sample_ramped),
        (To::Current, args.sample_current),
    ] {
        let Some(n) = asked else {
            found.push(None);
            continue;
        };
        let ids = samples(&view, &args.prefix, to, n);
        if ids.len() < n as usize {
            output.diagnostic(format!(
                "found {} of {n} workflow IDs that go to the {} version among {}-0 to {}-{}",
                ids.len(),
                to.as_str(),
                args.prefix,
                args.prefix,
                CANDIDATES - 1
            ));
            status = Status::Failed;
        }
        found.push(Some(ids));
    }
    let (sample_ramped, sample_current) = match found.as_slice() {
        [r, c] => (r.clone(), c.clone()),
        _ => (None, None),
    };
    if output.json() {
        let workflows: Vec<serde_json::Value> = routes
            .iter()
            .map(|(id, r)| {
                json!({
                    "workflowId": id,
                    "version": r.version.as_ref().map(VersionKey::to_string),
                    "to": r.to.as_str(),
                    "threshold": r.threshold,
                    "reason": r.reason,
                })
            })
            .collect();
        output.document(&json!({
            "deployment": opened.deployment.name,
            "form": opened.form.as_str(),
            "routing": routing_json(routing),
            "workflows": workflows,
            "split": {"current": routes.len() - ramped, "ramping": ramped},
            "samples": {"ramping": sample_ramped, "current": sample_current},
            "existing": later.iter().map(|(id, r)| json!({
                "workflowId": id,
                "version": r.version.as_ref().map(VersionKey::to_string),
                "reason": r.reason,
            })).collect::<Vec<_>>(),
            "notes": opened.notes,
        }));
        return status;
    }
    output.line(format!(
        "deployment {} ({}): {}",
        opened.deployment.name,
        opened.form,
        routing_line(routing)
    ));
    for (id, r) in &routes {
        let version = output.paint(name(r.version.as_ref()), Style::Strong);
        output.line(format!(
            "{id} -> {version} ({}): {}",
            r.to.as_str(),
            r.reason
        ));
    }
    if !routes.is_empty() {
        output.line(format!(
            "split: {} current, {ramped} ramping, of {}",
            routes.len() - ramped,
            routes.len()
        ));
    }
    for (id, r) in &later {
        let version = output.paint(name(r.version.as_ref()), Style::Strong);
        output.line(format!("existing {id} -> {version}: {}", r.reason));
    }
    for (to, ids) in [(To::Ramping, sample_ramped), (To::Current, sample_current)] {
        if let Some(ids) = ids {
            let ids = if ids.is_empty() {
                "none".to_owned()
            } else {
                ids.join(" ")
            };
            output.line(format!("samples to {}: {ids}", to.as_str()));
        }
    }
    status
}
