//! Drawing the replication steps: a replica to merge or receive, a garbage-collection plan
//! and a reachability question, each with the outside answers the step carries inline.

use serde_json::{Value, json};
use version_sets::VersionSets;
use version_sets_trace::{Action, Session, Step};

use super::Kind;
use super::draw::{draw, pick};

/// Wall times of a GC plan or a reachability question, as offsets from the queue's clock:
/// now, just after, around the 5-minute grace period of reachability, around the hour a
/// build ID must have stopped being default, and far later.
const LATER: [i64; 7] = [0, 3, 299_990, 300_000, 3_599_990, 3_600_000, 100_000_000];

/// A replica of the queue's data on another cluster: usually the current state with a few
/// random changes made there (updates and removals, stamped near the queue's clock), and one
/// time in four a copy that grew apart from nothing, so that its sets meet the queue's only
/// through shared build IDs.
fn replica(rng: &mut fastrand::Rng, state: &VersionSets) -> (Value, i64) {
    let cluster = rng.i64(1..4);
    let mut scratch = Session::new();
    if rng.u8(0..4) > 0 {
        scratch.observe(&Step {
            line: 0,
            now: None,
            action: Action::Start(state.clone().with_cluster_id(cluster)),
        });
    }
    let kinds = [(Kind::Update, 4), (Kind::RemoveBuildIds, 1)];
    let wall = state.clock().wall_clock;
    let mut marks = 0;
    for _ in 0..rng.usize(0..4) {
        let Some(mut step) = draw(rng, scratch.state(), &kinds, &mut marks) else {
            continue;
        };
        step.now = Some(wall + rng.i64(-2..6));
        scratch.observe(&step);
    }
    let data = serde_json::to_value(scratch.state().to_data()).unwrap_or(Value::Null);
    (data, cluster)
}

/// About half of `known`, and `extra` (when given) half of the time.
fn some_of(rng: &mut fastrand::Rng, known: &[String], extra: Option<&str>) -> Vec<String> {
    let mut chosen: Vec<String> = known.iter().filter(|_| rng.bool()).cloned().collect();
    if let Some(extra) = extra.filter(|_| rng.bool()) {
        chosen.push(extra.to_owned());
    }
    chosen
}

/// One step of a replication kind, as JSON; `None` for any other kind.
pub(super) fn step(
    rng: &mut fastrand::Rng,
    state: &VersionSets,
    kind: Kind,
    known: &[String],
) -> Option<Value> {
    let later = |rng: &mut fastrand::Rng| {
        state.clock().wall_clock + rng.choice(LATER).unwrap_or(0) + rng.i64(-2..3)
    };
    Some(match kind {
        Kind::MergeReplica => {
            let (data, cluster) = replica(rng, state);
            json!({"mergeReplica": {"data": data, "clusterId": cluster}})
        }
        Kind::ReceiveReplica => {
            let (data, cluster) = replica(rng, state);
            let in_use = some_of(rng, known, None);
            json!({"receiveReplica": {"data": data, "clusterId": cluster, "inUse": in_use}})
        }
        Kind::GcPlan => json!({"gcPlan": {
            "now": later(rng),
            "minSinceDefaultMs": rng.choice([0, 5, 3_600_000]).unwrap_or(0),
            "retentionMs": rng.choice([0, 5, 86_400_000]).unwrap_or(0),
            "ignoreRetention": rng.u8(0..4) == 0,
            "inUse": some_of(rng, known, None),
        }}),
        Kind::Reachability => {
            let build_id = match rng.u8(0..5) {
                0 => String::new(),
                _ => pick(rng, known),
            };
            let kind = rng
                .choice([
                    "UNSPECIFIED",
                    "NEW_WORKFLOWS",
                    "EXISTING_WORKFLOWS",
                    "OPEN_WORKFLOWS",
                    "CLOSED_WORKFLOWS",
                ])
                .unwrap_or("UNSPECIFIED");
            json!({"reachability": {
                "buildId": build_id,
                "now": later(rng),
                "kind": kind,
                "open": some_of(rng, known, Some("")),
                "closed": some_of(rng, known, Some("")),
                "unprocessed": rng.bool(),
            }})
        }
        _ => return None,
    })
}
