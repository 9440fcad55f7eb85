//! Drawing one random step on the current state, the way the stateful test does.

use serde_json::{Map, Value, json};
use version_sets::VersionSets;
use version_sets_trace::{self as trace, Session, Step};

use super::Kind;

/// Every build ID a step can name: few, so that fresh picks collide with existing ones, and
/// with a non-ASCII one and one that needs escaping.
const NAMES: [&str; 10] = [
    "1.0", "1.1", "1.2", "2.0", "2.1", "3.0", "a", "b", "é", "x\"y",
];

/// One trace in three starts from stored data: the state a few random updates leave, stamped
/// at wall times far beyond the trace's own step positions (so that the loaded clock shows),
/// on a random cluster.
pub(super) fn start(rng: &mut fastrand::Rng) -> Option<Step> {
    if rng.u8(0..3) > 0 {
        return None;
    }
    let mut scratch = Session::new();
    let mut marks = 0;
    let updates = [(Kind::Update, 1)];
    for wall in 0..rng.i64(2..8) {
        let Some(mut step) = draw(rng, scratch.state(), &updates, &mut marks) else {
            continue;
        };
        step.now = Some(1_000_000 + wall * 1_000);
        scratch.observe(&step);
    }
    let data = serde_json::to_value(scratch.state().to_data()).ok()?;
    let cluster = rng.i64(0..4);
    trace::parse_step(&json!({"start": {"data": data, "clusterId": cluster}}).to_string()).ok()
}

/// One random step on `state`; `None` when the drawn kind has nothing to do (a `deltas`
/// step draws a `mark` first).
pub(super) fn draw(
    rng: &mut fastrand::Rng,
    state: &VersionSets,
    kinds: &[(Kind, u32)],
    marks: &mut usize,
) -> Option<Step> {
    let total: u32 = kinds.iter().map(|(_, weight)| weight).sum();
    let mut roll = rng.u32(0..total.max(1));
    let kind = kinds.iter().find_map(|(kind, weight)| {
        if roll < *weight {
            Some(*kind)
        } else {
            roll -= weight;
            None
        }
    })?;
    let known = known_ids(state);
    let value = match kind {
        Kind::Update => update(rng, &known),
        Kind::Limits => {
            let (sets, ids) = (state.set_count(), state.build_id_count());
            json!({"limits": {"maxSets": near(rng, sets), "maxBuildIds": near(rng, ids)}})
        }
        Kind::Sets => json!({"sets": []}),
        Kind::Resolve => {
            let intent = rng
                .choice(["UNSPECIFIED", "COMPATIBLE", "DEFAULT"])
                .unwrap_or("DEFAULT");
            let mut body = Map::new();
            body.insert("intent".to_owned(), json!(intent));
            if rng.u8(0..4) > 0 {
                body.insert("buildId".to_owned(), json!(pick(rng, &known)));
            }
            if rng.bool() {
                body.insert("sameTaskQueue".to_owned(), json!(rng.bool()));
            }
            json!({ "resolve": body })
        }
        Kind::Poll => json!({"poll": pick(rng, &known)}),
        Kind::RemoveBuildIds => {
            let ids: Vec<String> = (0..rng.usize(1..=3)).map(|_| pick(rng, &known)).collect();
            json!({"removeBuildIds": ids})
        }
        Kind::ClearTombstones => json!({"clearTombstones": {}}),
        Kind::PersistUnknownBuildId => json!({"persistUnknownBuildId": pick(rng, &known)}),
        Kind::Deltas if *marks == 0 || rng.u8(0..3) == 0 => {
            *marks += 1;
            json!({"mark": format!("m{}", *marks - 1)})
        }
        Kind::Deltas => json!({"deltas": format!("m{}", rng.usize(0..*marks))}),
        Kind::AddTask if rng.u8(0..4) == 0 => json!({"addTask": {}}),
        Kind::AddTask => json!({"addTask": {"buildId": pick(rng, &known)}}),
        Kind::StickyPoll => json!({"stickyPoll": pick(rng, &known)}),
        Kind::StickyAdd => json!({"stickyAdd": pick(rng, &known)}),
        Kind::View => json!({"view": {"maxSets": rng.usize(0..4)}}),
        Kind::MergeReplica | Kind::ReceiveReplica | Kind::GcPlan | Kind::Reachability => {
            super::replica::step(rng, state, kind, &known)?
        }
        Kind::Start => return None,
    };
    trace::parse_step(&value.to_string()).ok()
}

/// One of the five operations; one in twenty names an invalid build ID.
fn update(rng: &mut fastrand::Rng, known: &[String]) -> Value {
    let operation = match rng.u8(0..16) {
        0..=3 => json!({"addNewBuildIdInNewDefaultSet": any_id(rng, known)}),
        4..=8 => {
            let (new, existing) = (any_id(rng, known), any_id(rng, known));
            let make_default = rng.bool();
            json!({"addNewCompatibleBuildId": {
                "newBuildId": new,
                "existingCompatibleBuildId": existing,
                "makeSetDefault": make_default,
            }})
        }
        9..=10 => json!({"promoteSetByBuildId": any_id(rng, known)}),
        11..=12 => json!({"promoteBuildIdWithinSet": any_id(rng, known)}),
        _ => {
            let (primary, secondary) = (any_id(rng, known), any_id(rng, known));
            json!({"mergeSets": {"primarySetBuildId": primary, "secondarySetBuildId": secondary}})
        }
    };
    json!({ "update": operation })
}

/// A build ID for an operation: one in twenty is invalid (empty, or 256 bytes long).
fn any_id(rng: &mut fastrand::Rng, known: &[String]) -> String {
    match rng.u8(0..40) {
        0 => String::new(),
        1 => "x".repeat(256),
        _ => pick(rng, known),
    }
}

/// Three picks in four name a build ID the sets hold (when they hold any).
pub(super) fn pick(rng: &mut fastrand::Rng, known: &[String]) -> String {
    let existing = match known.is_empty() {
        true => None,
        false if rng.u8(0..4) > 0 => rng.choice(known).cloned(),
        false => None,
    };
    existing
        .or_else(|| rng.choice(NAMES).map(str::to_owned))
        .unwrap_or_default()
}

/// A limit near `count`: unlimited one time in five, else two below it to one above it (at
/// least 1), so that limits are exceeded, met exactly and stayed under.
fn near(rng: &mut fastrand::Rng, count: usize) -> usize {
    match rng.u8(0..5) {
        0 => 0,
        choice => (count + usize::from(choice)).saturating_sub(3).max(1),
    }
}

/// Every build ID the sets hold, tombstones included, in list order.
fn known_ids(state: &VersionSets) -> Vec<String> {
    let mut ids = Vec::new();
    for set in state.sets() {
        for record in set.build_ids() {
            ids.push(record.id().as_str().to_owned());
        }
    }
    ids
}
