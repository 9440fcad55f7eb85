//! The replication steps of format v2: `mergeReplica`, `receiveReplica`, `gcPlan` and
//! `reachability`, read through serde, and what the model observes for each.
//!
//! Each takes its outside answers inline (the replica's stored form, which build IDs still
//! have workflows, what the visibility store holds), so a trace stays a closed script.

use serde::Deserialize;
use serde_json::{Value, json};

use super::json::{build_id, describe};
use super::step::{Action, Reachability};
use super::update::change_expectation;
use super::v2::typed;
use version_sets::{
    BuildId, GcPolicy, MAX_BUILD_ID_LEN, ReachabilityQuery, ReachabilityType, Retention,
    StatusFilter, TaskReachability, VersionSets, VersioningData,
};

/// `{"data": VersioningData, "clusterId": N}`: a replica of the queue's data.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Replica {
    data: VersioningData,
    cluster_id: Option<i64>,
}

/// A replica and the build IDs that still have workflows here.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Received {
    data: VersioningData,
    cluster_id: Option<i64>,
    #[serde(default)]
    in_use: Vec<BuildId>,
}

/// The replica's stored form, validated as on load, on its cluster (by default the
/// cluster of its newest stamp, as `from_data` gives it).
fn replica(data: &VersioningData, cluster: Option<i64>, path: &str) -> Result<VersionSets, String> {
    let state = VersionSets::from_data(data)
        .map_err(|error| format!("{path}.data: invalid versioning data: {error}"))?;
    Ok(match cluster {
        Some(cluster) => state.with_cluster_id(cluster),
        None => state,
    })
}

/// `mergeReplica`: `"changed"` or `"noop"` expected.
pub(crate) fn merge(value: &Value, expect: Option<&Value>) -> Result<Action, String> {
    let body: Replica = typed(value, "mergeReplica")?;
    Ok(Action::MergeReplica {
        replica: replica(&body.data, body.cluster_id, "mergeReplica")?,
        expect: expect.map(change_expectation).transpose()?,
    })
}

/// `receiveReplica`: the revived build IDs expected, in the order they were revived.
pub(crate) fn receive(value: &Value, expect: Option<&Value>) -> Result<Action, String> {
    let body: Received = typed(value, "receiveReplica")?;
    Ok(Action::ReceiveReplica {
        replica: replica(&body.data, body.cluster_id, "receiveReplica")?,
        in_use: body.in_use,
        expect: expect.map(|expect| ids(expect, "expect")).transpose()?,
    })
}

/// `{"now": MS, "minSinceDefaultMs": MS, "retentionMs": MS, "ignoreRetention": B, "inUse": [...]}`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct GcPlan {
    now: i64,
    #[serde(default = "default_min_since_default")]
    min_since_default_ms: i64,
    #[serde(default)]
    retention_ms: i64,
    #[serde(default)]
    ignore_retention: bool,
    #[serde(default)]
    in_use: Vec<BuildId>,
}

fn default_min_since_default() -> i64 {
    GcPolicy::DEFAULT_MIN_SINCE_DEFAULT_MS
}

/// `gcPlan`: the removable build IDs expected, sorted.
pub(crate) fn gc_plan(value: &Value, expect: Option<&Value>) -> Result<Action, String> {
    let body: GcPlan = typed(value, "gcPlan")?;
    Ok(Action::GcPlan {
        policy: GcPolicy {
            min_since_default_ms: body.min_since_default_ms,
            retention_ms: body.retention_ms,
            retention: if body.ignore_retention {
                Retention::Ignore
            } else {
                Retention::Respect
            },
        },
        now: body.now,
        in_use: body.in_use,
        expect: expect.map(|expect| ids(expect, "expect")).transpose()?,
    })
}

/// `{"buildId": ID, "now": MS, "kind": K, "open": [...], "closed": [...], "unprocessed": B}`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Query {
    build_id: String,
    now: i64,
    #[serde(default)]
    kind: Option<String>,
    #[serde(default)]
    open: Vec<String>,
    #[serde(default)]
    closed: Vec<String>,
    #[serde(default)]
    unprocessed: bool,
}

/// `reachability`: the reachability kinds expected, `NEW_WORKFLOWS` first.
pub(crate) fn reachability(value: &Value, expect: Option<&Value>) -> Result<Action, String> {
    let body: Query = typed(value, "reachability")?;
    let worker = |text: &str, path: &str| match text.len() > MAX_BUILD_ID_LEN {
        // The empty string stands for unversioned workers, so only the length is checked.
        true => Err(format!(
            "{path}: build ID must be at most {MAX_BUILD_ID_LEN} bytes"
        )),
        false => Ok(text.to_owned()),
    };
    let list = |items: &[String], key: &str| -> Result<Vec<String>, String> {
        items
            .iter()
            .enumerate()
            .map(|(i, id)| worker(id, &format!("reachability.{key}[{i}]")))
            .collect()
    };
    let kind = match body.kind.as_deref() {
        None => ReachabilityType::Unspecified,
        Some(name) => kind_of(name).ok_or_else(|| {
            format!(
                "reachability.kind: expected UNSPECIFIED, NEW_WORKFLOWS, EXISTING_WORKFLOWS, \
                 OPEN_WORKFLOWS or CLOSED_WORKFLOWS, got {}",
                describe(&json!(name))
            )
        })?,
    };
    let expect = expect
        .map(|expect| {
            let items = expect.as_array().ok_or_else(|| {
                format!(
                    "expect: expected an array of reachability kinds, got {}",
                    describe(expect)
                )
            })?;
            items
                .iter()
                .enumerate()
                .map(|(i, item)| {
                    item.as_str().and_then(found_of).ok_or_else(|| {
                        format!(
                            "expect[{i}]: expected NEW_WORKFLOWS, EXISTING_WORKFLOWS, \
                             OPEN_WORKFLOWS or CLOSED_WORKFLOWS, got {}",
                            describe(item)
                        )
                    })
                })
                .collect::<Result<Vec<_>, _>>()
        })
        .transpose()?;
    Ok(Action::Reachability {
        query: Reachability {
            build_id: worker(&body.build_id, "reachability.buildId")?,
            now_ms: body.now,
            kind,
            open: list(&body.open, "open")?,
            closed: list(&body.closed, "closed")?,
            unprocessed: body.unprocessed,
        },
        expect,
    })
}

/// An array of build IDs.
fn ids(value: &Value, path: &str) -> Result<Vec<BuildId>, String> {
    let items = value.as_array().ok_or_else(|| {
        format!(
            "{path}: expected an array of build IDs, got {}",
            describe(value)
        )
    })?;
    items
        .iter()
        .enumerate()
        .map(|(i, id)| build_id(id, &format!("{path}[{i}]")))
        .collect()
}

/// The short names of the kinds asked about, optionally `TASK_REACHABILITY_`-prefixed.
const KINDS: [(&str, ReachabilityType); 5] = [
    ("UNSPECIFIED", ReachabilityType::Unspecified),
    ("NEW_WORKFLOWS", ReachabilityType::NewWorkflows),
    ("EXISTING_WORKFLOWS", ReachabilityType::ExistingWorkflows),
    ("OPEN_WORKFLOWS", ReachabilityType::OpenWorkflows),
    ("CLOSED_WORKFLOWS", ReachabilityType::ClosedWorkflows),
];

fn kind_of(name: &str) -> Option<ReachabilityType> {
    let name = name.strip_prefix("TASK_REACHABILITY_").unwrap_or(name);
    KINDS
        .iter()
        .find(|(known, _)| *known == name)
        .map(|(_, kind)| *kind)
}

/// The short name of a kind asked about, as a trace writes it.
pub(crate) fn kind_name(kind: ReachabilityType) -> &'static str {
    KINDS
        .iter()
        .find(|(_, known)| *known == kind)
        .map_or("UNSPECIFIED", |(name, _)| name)
}

fn found_of(name: &str) -> Option<TaskReachability> {
    [
        TaskReachability::NewWorkflows,
        TaskReachability::ExistingWorkflows,
        TaskReachability::OpenWorkflows,
        TaskReachability::ClosedWorkflows,
    ]
    .into_iter()
    .find(|found| found_name(*found) == name)
}

/// A reachability answer as a trace writes it: the proto name without its prefix.
pub(crate) fn found_name(found: TaskReachability) -> &'static str {
    let name = found.as_str();
    name.strip_prefix("TASK_REACHABILITY_").unwrap_or(name)
}

/// What the model answers to a reachability step: the kinds found, `NEW_WORKFLOWS` first.
pub(crate) fn observe_reachability(state: &VersionSets, query: &Reachability) -> Value {
    // Search-attribute values: `""` names unversioned workflows, anything else a build ID.
    let attribute = |id: &String| match id.as_str() {
        "" => "unversioned".to_owned(),
        id => format!("versioned:{id}"),
    };
    let open: Vec<String> = query.open.iter().map(attribute).collect();
    let closed: Vec<String> = query.closed.iter().map(attribute).collect();
    let request = ReachabilityQuery {
        build_ids: &[query.build_id.as_str()],
        kind: query.kind,
        max_build_ids: 1,
    };
    let answers = state.reachability(&request, query.now_ms, |visibility| {
        let any = |present: &[String]| {
            visibility
                .build_ids
                .iter()
                .any(|value| present.contains(value))
        };
        // Workflows that have run no task are open ones (the crate asks about them only
        // when they can match).
        let open = any(&open) || (visibility.unprocessed && query.unprocessed);
        match visibility.status {
            StatusFilter::Any => open || any(&closed),
            StatusFilter::Running => open,
            StatusFilter::Closed => any(&closed),
        }
    });
    match answers {
        Ok(answers) => reachability_json(
            answers
                .into_iter()
                .flat_map(|answer| answer.reachability)
                .collect::<Vec<_>>()
                .as_slice(),
        ),
        // Unreachable: the parser refuses an overlong build ID, and one is within the limit.
        Err(error) => json!({ "error": error.code().as_str(), "message": error.to_string() }),
    }
}

/// Reachability kinds as a JSON array of their short names.
pub(crate) fn reachability_json(found: &[TaskReachability]) -> Value {
    Value::Array(
        found
            .iter()
            .map(|found| json!(found_name(*found)))
            .collect(),
    )
}

/// Build IDs as a JSON array.
pub(crate) fn ids_json(ids: &[BuildId]) -> Value {
    Value::Array(ids.iter().map(|id| json!(id.as_str())).collect())
}
