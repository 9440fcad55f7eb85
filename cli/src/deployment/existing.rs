//! Existing workflows for `deployment route --existing FILE`: one JSON object a line, each
//! a workflow's versioning info (deployments/docs/specification.md section A.7), and where its next workflow task goes.
//!
//! JSON lines rather than flags: a workflow carries up to four facts (behavior, version,
//! revision, override), which flags could not pair with one ID each; a line per workflow
//! is read with the command's bounded line reader, and JSON quotes any ID.

use std::path::Path;

use worker_deployments::route_workflow_task;
use worker_deployments::{Behavior, Override, QueueView, VersionKey, WorkflowVersioning};

use crate::input::{self, Line};

/// The longest line read (a workflow ID is at most a few KiB on the server).
const MAX_LINE: usize = 64 * 1024;

/// One line of the file, as written.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct Entry {
    workflow_id: String,
    behavior: BehaviorName,
    #[serde(default)]
    version: Option<String>,
    #[serde(default)]
    revision: i64,
    #[serde(default, rename = "override")]
    versioning_override: Option<OverrideEntry>,
}

#[derive(Debug, Clone, Copy, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
enum BehaviorName {
    Pinned,
    AutoUpgrade,
    Unversioned,
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
enum OverrideEntry {
    Pinned(String),
    AutoUpgrade,
    OneTime(String),
}

/// An existing workflow, read.
pub(crate) struct Existing {
    pub(crate) id: String,
    pub(crate) info: WorkflowVersioning,
}

/// Where an existing workflow's next workflow task goes, and why.
pub(crate) struct Routed {
    pub(crate) version: Option<VersionKey>,
    pub(crate) reason: String,
}

/// A version in either form: `D:b` as this tool prints one (the server's v32 form) or `D.b`
/// as the CLI does (v31). A deployment name holds neither `.` nor `:`, so the first of
/// either ends it; the server's parse of a deprecated string (`VersionKey::parse`) does not
/// cut at a `:` with no `.`, so a `:` that comes first is read as v32.
fn version(text: &str) -> Result<VersionKey, String> {
    let colon_first = text
        .split_once(':')
        .is_some_and(|(name, _)| !name.contains('.'));
    let parsed = if colon_first {
        VersionKey::parse_v32(text)
    } else {
        VersionKey::parse(text)
    };
    match parsed {
        Ok(Some(v)) => Ok(v),
        Ok(None) => Err("a version, not __unversioned__".to_owned()),
        Err(error) => Err(error.to_string()),
    }
}

/// Reads `path`'s lines (empty ones skipped).
///
/// # Errors
/// A one-line diagnostic: `FILE: line N: PATH: problem`.
pub(crate) fn read(path: &Path) -> Result<Vec<Existing>, String> {
    let name = input::name_of(path);
    let bytes = input::read(path)?.bytes;
    let mut reader = std::io::Cursor::new(bytes);
    let mut found = Vec::new();
    let mut n = 0;
    loop {
        n += 1;
        let line = match input::read_line(&mut reader, MAX_LINE) {
            Ok(None) => break,
            Ok(Some(Line::Text(line))) => line,
            Ok(Some(Line::TooLong)) => {
                return Err(format!("{name}: line {n}: longer than 64 KiB"));
            }
            Err(error) => return Err(format!("{name}: cannot read: {error}")),
        };
        if line.is_empty() {
            continue;
        }
        let mut json = serde_json::Deserializer::from_slice(&line);
        let entry: Entry = serde_path_to_error::deserialize(&mut json).map_err(|error| {
            let at = error.path().to_string();
            if at == "." {
                format!("{name}: line {n}: {}", error.inner())
            } else {
                format!("{name}: line {n}: {at}: {}", error.inner())
            }
        })?;
        let bad = |what: &str, error: String| format!("{name}: line {n}: {what}: {error}");
        if entry.workflow_id.is_empty() {
            return Err(bad(
                "workflowId",
                "empty; the server routes an empty ID by a random draw".to_owned(),
            ));
        }
        let deployment = match (&entry.version, entry.behavior) {
            (Some(v), _) => Some(version(v).map_err(|e| bad("version", e))?),
            (None, BehaviorName::Unversioned) => None,
            (None, _) => {
                return Err(bad(
                    "version",
                    "missing; a pinned or auto-upgrade workflow runs on a version".to_owned(),
                ));
            }
        };
        let versioning_override = match entry.versioning_override {
            None => None,
            Some(OverrideEntry::AutoUpgrade) => Some(Override::AutoUpgrade),
            Some(OverrideEntry::Pinned(v)) => Some(Override::Pinned(Some(
                version(&v).map_err(|e| bad("override.pinned", e))?,
            ))),
            Some(OverrideEntry::OneTime(v)) => Some(Override::OneTime(Some(
                version(&v).map_err(|e| bad("override.one-time", e))?,
            ))),
        };
        let info = WorkflowVersioning {
            behavior: match entry.behavior {
                BehaviorName::Pinned => Behavior::Pinned,
                BehaviorName::AutoUpgrade => Behavior::AutoUpgrade,
                BehaviorName::Unversioned => Behavior::Unspecified,
            },
            deployment,
            versioning_override,
            transition: None,
            revision: entry.revision,
        };
        found.push(Existing {
            id: entry.workflow_id,
            info,
        });
    }
    Ok(found)
}

fn name(version: Option<&VersionKey>) -> String {
    version.map_or_else(|| "unversioned".to_owned(), VersionKey::to_string)
}

/// Where `workflow`'s next workflow task goes on a queue with `view` (the model's
/// `route_workflow_task`), and why; `revision_known` is whether the STATE carries the
/// routing's revision.
///
/// # Errors
/// The answer rests on the revision rule and the STATE does not carry the revision.
pub(crate) fn route(
    view: &QueueView,
    workflow: &Existing,
    revision_known: bool,
) -> Result<Routed, String> {
    let info = &workflow.info;
    let routed = route_workflow_task(view, info, &workflow.id, false, 0.0);
    let own = info.effective_deployment();
    let reason = match (info.effective_behavior(), &info.versioning_override) {
        (Behavior::Pinned, Some(Override::OneTime(_))) => {
            format!(
                "one-time override to {} (pinned until a task completes there)",
                name(own)
            )
        }
        (Behavior::Pinned, Some(Override::Pinned(_))) => {
            format!("pinned by override to {}", name(own))
        }
        (Behavior::Pinned, _) => format!("pinned to {}", name(own)),
        (Behavior::AutoUpgrade, _) => {
            let (target, target_revision) = view.target(&workflow.id, false, 0.0);
            let same_deployment =
                target.map(VersionKey::deployment_name) == own.map(VersionKey::deployment_name);
            if same_deployment && info.revision > 0 && !revision_known {
                return Err(format!(
                    "workflow {}: the revision rule needs the routing's revision, which describe and list do not print; give DescribeWorkerDeployment's gRPC JSON (the workflow's revision is {})",
                    workflow.id, info.revision
                ));
            }
            if routed.version == own && target != own {
                format!(
                    "auto-upgrade, stays on {}: the target {} is of its deployment at revision {target_revision} < its revision {} (the revision rule)",
                    name(own),
                    name(target),
                    info.revision
                )
            } else {
                format!("auto-upgrade, follows the routing to {}", name(target))
            }
        }
        (Behavior::Unspecified, _) => "unversioned, routed as a new workflow".to_owned(),
        _ => "unknown behavior".to_owned(),
    };
    Ok(Routed {
        version: routed.version.cloned(),
        reason,
    })
}
