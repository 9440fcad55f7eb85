//! Reading the replication steps of format v2: `mergeReplica`, `receiveReplica`, `gcPlan`
//! and `reachability`, through serde.
//!
//! Each takes its outside answers inline (the replica's stored form, which build IDs still
//! have workflows, what the visibility store holds), so a trace stays a closed script.

use serde::Deserialize;
use serde_json::{Value, json};

use super::expect;
use super::json::{describe, typed};
use crate::types::names::KINDS;
use crate::types::{Action, Reachability};
use version_sets::{
    BuildId, GcPolicy, MAX_BUILD_ID_LEN, ReachabilityType, Retention, VersionSets, VersioningData,
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
pub(super) fn merge(value: &Value, expect: Option<&Value>) -> Result<Action, String> {
    let body: Replica = typed(value, "mergeReplica")?;
    Ok(Action::MergeReplica {
        replica: Box::new(replica(&body.data, body.cluster_id, "mergeReplica")?),
        expect: expect.map(expect::change).transpose()?,
    })
}

/// `receiveReplica`: the revived build IDs expected, in the order they were revived.
pub(super) fn receive(value: &Value, expect: Option<&Value>) -> Result<Action, String> {
    let body: Received = typed(value, "receiveReplica")?;
    Ok(Action::ReceiveReplica {
        replica: Box::new(replica(&body.data, body.cluster_id, "receiveReplica")?),
        in_use: body.in_use,
        expect: expect
            .map(|expect| expect::build_ids(expect, "expect"))
            .transpose()?,
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
pub(super) fn gc_plan(value: &Value, expect: Option<&Value>) -> Result<Action, String> {
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
        expect: expect
            .map(|expect| expect::build_ids(expect, "expect"))
            .transpose()?,
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
pub(super) fn reachability(value: &Value, expect: Option<&Value>) -> Result<Action, String> {
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
    let expect = expect.map(expect::reachability).transpose()?;
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

fn kind_of(name: &str) -> Option<ReachabilityType> {
    let name = name.strip_prefix("TASK_REACHABILITY_").unwrap_or(name);
    KINDS
        .iter()
        .find(|(known, _)| *known == name)
        .map(|(_, kind)| *kind)
}
