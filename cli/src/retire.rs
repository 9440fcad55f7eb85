//! `version-sets retire STATE --retention ... --has-workflows ...`: every build ID of a task
//! queue, its role, whether the build-ID scavenger would remove it now and every rule that
//! keeps it, beside its reachability: the model's `gc_verdicts` and `reachability`, side by
//! side, with no rule of their own.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::time::Duration;

use version_sets::{
    BuildId, GcPolicy, GcVerdict, Kept, ReachabilityQuery, ReachabilityType, TaskReachability,
    VersionSets, VisibilityQuery,
};

use super::time;
use super::workflows::read_ids;
use super::{Output, Status, gc, state};

/// For every build ID: its role, whether it can be removed now, and why not.
///
/// One row per build ID, in the scavenger's order (sets oldest first, each set's build IDs
/// in stored order): its set (1-based, oldest first), its role (queue default, set
/// default, compatible, deleted), whether the server's build-ID scavenger would remove it
/// in a run now (exactly what `gc` lists), its reachability (what `reachability` answers:
/// NEW_WORKFLOWS, EXISTING_WORKFLOWS, or unreachable) and every rule that keeps it: the
/// queue's default, a set's default while another of its set stays, became default less
/// than --min-since-default ago, changed within --retention, has workflows
/// (--has-workflows names the build IDs that still have workflows of any status). The
/// rules are gc's, with the same options. The time rules need the data's own timestamps:
/// a get-build-ids listing or a GetWorkerBuildIdCompatibility response carries none, and is
/// refused (exit 2) with the form that answers. With -o json: {"buildIds": [{"buildId",
/// "set", "role": "queue-default" | "set-default" | "compatible" | "deleted", "removable",
/// "reachability": [KIND, ...], "keptBy": [RULE, ...]}, ...]}, KIND as the server spells it
/// (TASK_REACHABILITY_NEW_WORKFLOWS), RULE one of deleted, queue-default, set-default,
/// recent-default, within-retention, has-workflows.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Example:\n  version-sets retire tdbg-dump.json --now 2024-11-19T07:06:40Z --retention 30d --has-workflows 2.0,2.1"
)]
pub(crate) struct Args {
    /// The task queue's state with its timestamps (stored VersioningData, TaskQueueUserData
    /// or a trace), or - for standard input
    #[arg(value_name = "STATE")]
    state: PathBuf,
    #[command(flatten)]
    scavenger: gc::Scavenger,
}

/// What a build ID is to the queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    QueueDefault,
    SetDefault,
    Compatible,
    Deleted,
}

impl Role {
    fn of(state: &VersionSets, id: &str) -> Self {
        if state.record(id).is_some_and(|record| !record.is_active()) {
            Self::Deleted
        } else if state.is_queue_default(id) {
            Self::QueueDefault
        } else if state.is_set_default(id) {
            Self::SetDefault
        } else {
            Self::Compatible
        }
    }

    /// The JSON word.
    fn word(self) -> &'static str {
        match self {
            Self::QueueDefault => "queue-default",
            Self::SetDefault => "set-default",
            Self::Compatible => "compatible",
            Self::Deleted => "deleted",
        }
    }

    /// The text column.
    fn text(self) -> &'static str {
        match self {
            Self::QueueDefault => "queue default",
            Self::SetDefault => "set default",
            Self::Compatible => "compatible",
            Self::Deleted => "deleted",
        }
    }
}

/// One row of the table.
struct Row {
    verdict: GcVerdict,
    set: usize,
    role: Role,
    reachability: Vec<TaskReachability>,
    /// Each keeping rule in words, with the figures it was decided on.
    why_not: Vec<String>,
}

pub(crate) fn run(args: &Args, output: &mut Output<'_>) -> Status {
    if args.state.as_os_str() == "-" && args.scavenger.has_workflows == "-" {
        output.diagnostic("STATE and --has-workflows cannot both be standard input");
        return Status::BadInput;
    }
    let Some(opened) = state::open(&args.state, output) else {
        return Status::BadInput;
    };
    if !opened.facts.timestamps_known() {
        output.diagnostic(format_args!(
            "{}: a {} carries no timestamps, and whether a build ID can be removed rests on them (--min-since-default, --retention, reachability's grace for new workflows); the stored VersioningData or the TaskQueueUserData of the queue (as `tdbg` prints it) answers",
            opened.facts.name,
            opened.facts.shape()
        ));
        return Status::BadInput;
    }
    let has_workflows = match read_ids(&args.scavenger.has_workflows) {
        Ok(ids) => ids,
        Err(error) => {
            output.diagnostic(error);
            return Status::BadInput;
        }
    };
    let state = opened.sets;
    let policy = args.scavenger.policy();
    let now = time::now(args.scavenger.now, state.clock().wall_clock, output);
    let Some(rows) = rows(&state, &policy, now, &has_workflows, output) else {
        return Status::BadInput;
    };
    if output.json() {
        let rows: Vec<serde_json::Value> = rows
            .iter()
            .map(|row| {
                let kept: Vec<&str> = row.verdict.kept.iter().map(|rule| rule.as_str()).collect();
                let reachability: Vec<&str> =
                    row.reachability.iter().map(|kind| kind.as_str()).collect();
                serde_json::json!({
                    "buildId": row.verdict.build_id,
                    "set": row.set,
                    "role": row.role.word(),
                    "removable": row.verdict.removable(),
                    "reachability": reachability,
                    "keptBy": kept,
                })
            })
            .collect();
        output.document(&serde_json::json!({ "buildIds": rows }));
        return Status::Ok;
    }
    table(&rows, output);
    Status::Ok
}

/// The rows: the model's verdicts and reachability, with each build ID's set and role.
fn rows(
    state: &VersionSets,
    policy: &GcPolicy,
    now: i64,
    has_workflows: &BTreeSet<String>,
    output: &mut Output<'_>,
) -> Option<Vec<Row>> {
    let in_use = |id: &BuildId| has_workflows.contains(id.as_str());
    let verdicts = state.gc_verdicts(policy, now, in_use);
    let ids: Vec<&str> = verdicts.iter().map(|v| v.build_id.as_str()).collect();
    let mut reachability: BTreeMap<String, Vec<TaskReachability>> = BTreeMap::new();
    if !ids.is_empty() {
        let query = ReachabilityQuery {
            build_ids: &ids,
            kind: ReachabilityType::ExistingWorkflows,
            max_build_ids: usize::MAX,
        };
        let workflows_exist = |query: &VisibilityQuery| {
            query.build_ids.iter().any(|value| {
                value
                    .strip_prefix("versioned:")
                    .is_some_and(|id| has_workflows.contains(id))
            })
        };
        match state.reachability(&query, now, workflows_exist) {
            Ok(answers) => reachability.extend(
                answers
                    .into_iter()
                    .map(|answer| (answer.build_id, answer.reachability)),
            ),
            Err(error) => {
                output.diagnostic(format_args!("{}: {error}", error.code()));
                return None;
            }
        }
    }
    let sets: BTreeMap<&str, usize> = state
        .sets()
        .enumerate()
        .flat_map(|(i, set)| {
            set.build_ids()
                .map(move |record| (record.id().as_str(), i + 1))
                .collect::<Vec<_>>()
        })
        .collect();
    Some(
        verdicts
            .iter()
            .map(|verdict| {
                let id = verdict.build_id.as_str();
                Row {
                    set: sets.get(id).copied().unwrap_or_default(),
                    role: Role::of(state, id),
                    reachability: reachability.remove(id).unwrap_or_default(),
                    why_not: verdict
                        .kept
                        .iter()
                        .map(|rule| why_not(state, id, *rule, policy, now))
                        .collect(),
                    verdict: verdict.clone(),
                }
            })
            .collect(),
    )
}

/// A rule that keeps `id`, in words, with the figures it was decided on.
fn why_not(state: &VersionSets, id: &str, rule: Kept, policy: &GcPolicy, now: i64) -> String {
    let record = state.record(id);
    let ago = |wall: Option<i64>| wall.map_or_else(String::new, |wall| ago(now, wall));
    match rule {
        Kept::Deleted => "already deleted (a tombstone)".to_owned(),
        Kept::QueueDefault => "the queue's default".to_owned(),
        Kept::SetDefault => "its set's default, while another of the set stays".to_owned(),
        Kept::RecentDefault => format!(
            "became default {}, less than --min-since-default {}",
            ago(record.map(|r| r.became_default_timestamp().wall_clock)),
            duration(policy.min_since_default_ms)
        ),
        Kept::WithinRetention => format!(
            "changed {}, within --retention {}",
            ago(record.map(|r| r.state_update_timestamp().wall_clock)),
            duration(policy.retention_ms)
        ),
        Kept::HasWorkflows => "has workflows (--has-workflows)".to_owned(),
    }
}

/// How long before `now` the time `wall` was: `20m ago`, or `after --now`.
fn ago(now: i64, wall: i64) -> String {
    match now.checked_sub(wall) {
        Some(ms) if ms >= 0 => format!("{} ago", duration(ms)),
        _ => "after --now".to_owned(),
    }
}

/// `ms` as people write a duration: `1h 30m`, `0s` for none.
fn duration(ms: i64) -> String {
    let ms = u64::try_from(ms).unwrap_or_default();
    if ms == 0 {
        return "0s".to_owned();
    }
    humantime::format_duration(Duration::from_millis(ms)).to_string()
}

/// The rows as a table, columns padded to their widest cell.
fn table(rows: &[Row], output: &mut Output<'_>) {
    let header = [
        "BUILD ID",
        "SET",
        "ROLE",
        "REMOVABLE",
        "REACHABILITY",
        "WHY NOT",
    ];
    let cells: Vec<[String; 6]> = rows
        .iter()
        .map(|row| {
            let reachability = if row.reachability.is_empty() {
                "unreachable".to_owned()
            } else {
                let kinds: Vec<&str> = row
                    .reachability
                    .iter()
                    .map(|kind| {
                        let word = kind.as_str();
                        word.strip_prefix("TASK_REACHABILITY_").unwrap_or(word)
                    })
                    .collect();
                kinds.join(", ")
            };
            [
                row.verdict.build_id.to_string(),
                row.set.to_string(),
                row.role.text().to_owned(),
                if row.verdict.removable() { "yes" } else { "no" }.to_owned(),
                reachability,
                row.why_not.join("; "),
            ]
        })
        .collect();
    let mut widths = header.map(str::len);
    for row in &cells {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let line = |cells: [&str; 6]| {
        let mut text = String::new();
        for (i, (cell, width)) in cells.iter().zip(widths).enumerate() {
            if i + 1 == cells.len() {
                text.push_str(cell);
            } else {
                text.push_str(&format!("{cell:<width$}  "));
            }
        }
        text.trim_end().to_owned()
    };
    if rows.is_empty() {
        output.line("no build IDs: the queue is unversioned");
        return;
    }
    output.line(line(header));
    for row in &cells {
        output.line(line(row.each_ref().map(String::as_str)));
    }
}
