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
pub(crate) struct Replica {
    data: VersioningData,
    cluster_id: Option<i64>,
}

/// A replica and the build IDs that still have workflows here.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct Received {
    data: VersioningData,
    cluster_id: Option<i64>,
    #[serde(default)]
    in_use: Vec<BuildId>,
}

/// A replica step's body, read from the line's text by [`replica_line`].
pub(crate) enum Preread {
    /// `mergeReplica`'s.
    Merge(Replica),
    /// `receiveReplica`'s.
    Receive(Received),
}

/// A line that holds a replica step: its state read straight into the typed form (as a
/// `start` line's is, `v2::start_line`), the few small values beside it kept as they were
/// written.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ReplicaLine {
    #[serde(default)]
    merge_replica: Given<Replica>,
    #[serde(default)]
    receive_replica: Given<Received>,
    #[serde(default)]
    expect: Given<Small>,
    #[serde(default)]
    now: Given<i64>,
    #[serde(default)]
    task_queue: Given<String>,
}

/// A member that is there (`null` is read as `T` and refused by most), or not.
#[derive(Default)]
enum Given<T> {
    #[default]
    Absent,
    Present(T),
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Given<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        T::deserialize(deserializer).map(Self::Present)
    }
}

/// A replica step's `expect`, in the forms it takes: a word, or a list of build IDs (read
/// as it streams: serde's untagged enums would buffer any value first).
enum Small {
    Word(String),
    List(Vec<String>),
}

impl<'de> Deserialize<'de> for Small {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(SmallVisitor)
    }
}

struct SmallVisitor;

impl<'de> serde::de::Visitor<'de> for SmallVisitor {
    type Value = Small;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a word or a list of build IDs")
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Small, E> {
        Ok(Small::Word(v.to_owned()))
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Small, A::Error> {
        let mut ids = Vec::new();
        while let Some(id) = seq.next_element::<String>()? {
            ids.push(id);
        }
        Ok(Small::List(ids))
    }
}

/// A replica step's line read without a JSON tree of its state: the step's other members
/// as a small object, its action's place holding `null`, and the state read. `None` when
/// the line is anything else or the typed reader refuses it: the tree then reads it and
/// words the problem (held to the line's bounds, `line.rs`).
pub(crate) fn replica_line(text: &str) -> Option<(Value, Preread)> {
    // The typed reader would also take a struct written as an array; a step must be an object.
    if !text.trim_start().starts_with('{') {
        return None;
    }
    let line: ReplicaLine = serde_json::from_str(text).ok()?;
    let (name, preread) = match (line.merge_replica, line.receive_replica) {
        (Given::Present(body), Given::Absent) => ("mergeReplica", Preread::Merge(body)),
        (Given::Absent, Given::Present(body)) => ("receiveReplica", Preread::Receive(body)),
        _ => return None,
    };
    let mut rest = serde_json::Map::new();
    rest.insert(name.to_owned(), Value::Null);
    if let Given::Present(expect) = line.expect {
        let expect = match expect {
            Small::Word(word) => Value::String(word),
            Small::List(ids) => Value::Array(ids.into_iter().map(Value::String).collect()),
        };
        rest.insert("expect".to_owned(), expect);
    }
    if let Given::Present(now) = line.now {
        rest.insert("now".to_owned(), Value::from(now));
    }
    if let Given::Present(task_queue) = line.task_queue {
        rest.insert("taskQueue".to_owned(), Value::String(task_queue));
    }
    Some((Value::Object(rest), preread))
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
pub(super) fn merge(
    value: &Value,
    expect: Option<&Value>,
    preread: Option<Preread>,
) -> Result<Action, String> {
    let body: Replica = match preread {
        Some(Preread::Merge(body)) => body,
        _ => typed(value, "mergeReplica")?,
    };
    Ok(Action::MergeReplica {
        replica: Box::new(replica(&body.data, body.cluster_id, "mergeReplica")?),
        expect: expect.map(expect::change).transpose()?,
    })
}

/// `receiveReplica`: the revived build IDs expected, in the order they were revived.
pub(super) fn receive(
    value: &Value,
    expect: Option<&Value>,
    preread: Option<Preread>,
) -> Result<Action, String> {
    let body: Received = match preread {
        Some(Preread::Receive(body)) => body,
        _ => typed(value, "receiveReplica")?,
    };
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
