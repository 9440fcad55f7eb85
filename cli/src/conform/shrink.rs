//! Shrinking a trace the implementation fails: drop steps, simplify build IDs, keep every
//! candidate that still fails.

use serde_json::Value;
use version_sets_trace::{self as trace, Step};

use super::child::{Child, ChildError};
use super::tally::Tally;
use super::{Mismatch, play};

/// The most candidate traces tried, so that shrinking a long trace ends in seconds.
pub(crate) const BUDGET: usize = 2_000;

/// Short names for build IDs, tried in order.
const SIMPLE: [&str; 8] = ["a", "b", "c", "d", "e", "f", "g", "h"];

/// A minimal trace that still fails, and its disagreement. Steps after the disagreement are
/// dropped first; then chunks of steps, halving in size; then each build ID is renamed to
/// a short one; until nothing more helps.
pub(crate) fn shrink(
    child: &mut Child,
    steps: &[Step],
    mismatch: Mismatch,
) -> Result<(Vec<Step>, Mismatch), ChildError> {
    let mut tries = 0;
    let mut best: Vec<Step> = steps.iter().take(mismatch.index + 1).cloned().collect();
    let mut mismatch = mismatch;
    let mut attempt = |candidate: Vec<Value>| -> Result<Option<(Vec<Step>, Mismatch)>, ChildError> {
        let Some(candidate) = reparse(&candidate) else {
            return Ok(None);
        };
        match play(child, &candidate, &mut Tally::default()) {
            Ok(Some(found)) => {
                let kept = candidate.into_iter().take(found.index + 1).collect();
                Ok(Some((kept, found)))
            }
            Ok(None) => Ok(None),
            Err((_, error)) => Err(error),
        }
    };
    loop {
        let mut progress = drop_chunks(&mut best, &mut mismatch, &mut tries, |candidate| {
            attempt(candidate.iter().map(written).collect())
        })?;
        let lines: Vec<Value> = best.iter().map(written).collect();
        let mut ids = Vec::new();
        for line in &lines {
            build_ids(line, None, &mut ids);
        }
        ids.sort_by_key(|id: &String| std::cmp::Reverse(id.len()));
        'rename: for id in &ids {
            for simple in SIMPLE {
                if simple == id || ids.iter().any(|other| other == simple) {
                    continue;
                }
                if simple.len() >= id.len() || tries >= BUDGET {
                    break;
                }
                let candidate = lines
                    .iter()
                    .map(|line| rename(line, None, id, simple))
                    .collect();
                tries += 1;
                if let Some((kept, found)) = attempt(candidate)? {
                    best = kept;
                    mismatch = found;
                    progress = true;
                    break 'rename;
                }
            }
        }
        let lines: Vec<Value> = best.iter().map(written).collect();
        'simplify: for (index, line) in lines.iter().enumerate() {
            for simpler in simplifications(line) {
                if tries >= BUDGET {
                    break 'simplify;
                }
                let mut candidate = lines.clone();
                if let Some(slot) = candidate.get_mut(index) {
                    *slot = simpler;
                }
                tries += 1;
                if let Some((kept, found)) = attempt(candidate)? {
                    best = kept;
                    mismatch = found;
                    progress = true;
                    break 'simplify;
                }
            }
        }
        if !progress || tries >= BUDGET {
            return Ok((best, mismatch));
        }
    }
}

/// One pass of dropping chunks of steps from `best`, of either trace format: chunks of half
/// its length, then halving down to one step, each candidate (`best` without one chunk)
/// tried by `attempt`, which answers the steps to keep and their disagreement when the
/// candidate still fails (then `best` and `mismatch` become those, and the same place is
/// tried again). Counts each try in `tries`, stopping at [`BUDGET`]; whether any candidate
/// was kept.
pub(crate) fn drop_chunks<S: Clone, M, E>(
    best: &mut Vec<S>,
    mismatch: &mut M,
    tries: &mut usize,
    mut attempt: impl FnMut(Vec<S>) -> Result<Option<(Vec<S>, M)>, E>,
) -> Result<bool, E> {
    let mut progress = false;
    let mut size = best.len().div_ceil(2);
    while size > 0 && *tries < BUDGET {
        let mut start = 0;
        while start < best.len() && *tries < BUDGET {
            *tries += 1;
            let candidate: Vec<S> = best
                .iter()
                .enumerate()
                .filter(|(i, _)| *i < start || *i >= start.saturating_add(size))
                .map(|(_, step)| step.clone())
                .collect();
            if let Some((kept, found)) = attempt(candidate)? {
                *best = kept;
                *mismatch = found;
                progress = true;
            } else {
                start += size;
            }
        }
        size /= 2;
    }
    Ok(progress)
}

/// A step as the trace crate writes it, as a JSON value to take apart.
fn written(step: &Step) -> Value {
    serde_json::from_str(&step.to_line()).unwrap_or(Value::Null)
}

/// Simpler versions of one step: without its `now`, with one `true` made `false`
/// (`makeSetDefault`, `sameTaskQueue`), or with one build ID fewer in `removeBuildIds`.
fn simplifications(line: &Value) -> Vec<Value> {
    let mut simpler = Vec::new();
    let Some(map) = line.as_object() else {
        return simpler;
    };
    if map.contains_key("now") {
        let mut without = map.clone();
        without.remove("now");
        simpler.push(Value::Object(without));
    }
    for (key, body) in map {
        let Some(fields) = body.as_object() else {
            continue;
        };
        for (field, value) in fields {
            // One level further down: the fields of an operation.
            let nested = value.as_object().map(|inner| (field, inner));
            if let Some((operation, inner)) = nested {
                for (flag, value) in inner {
                    if *value == Value::Bool(true) {
                        simpler.extend(replaced(line, &[key, operation, flag], Value::Bool(false)));
                    }
                }
            } else if *value == Value::Bool(true) {
                simpler.extend(replaced(line, &[key, field], Value::Bool(false)));
            }
        }
    }
    let remove = "removeBuildIds".to_owned();
    if let Some(ids) = map.get(&remove).and_then(Value::as_array) {
        // A removal of nothing is a step of its own kind (a no-op): keep one.
        for fewer in one_fewer(ids, 1) {
            simpler.extend(replaced(line, &[&remove], fewer));
        }
    }
    // The inline answers of the replication steps: one build ID fewer in use, with open or
    // with closed workflows.
    for action in ["receiveReplica", "gcPlan", "reachability"] {
        let action = action.to_owned();
        for list in ["inUse", "open", "closed"] {
            let list = list.to_owned();
            let ids = map.get(&action).and_then(|body| body.get(&list));
            if let Some(ids) = ids.and_then(Value::as_array) {
                for fewer in one_fewer(ids, 0) {
                    simpler.extend(replaced(line, &[&action, &list], fewer));
                }
            }
        }
    }
    simpler
}

/// `items` without one of them, for each one, as long as at least `keep` are left.
fn one_fewer(items: &[Value], keep: usize) -> Vec<Value> {
    (0..items.len().saturating_sub(keep))
        .map(|skip| {
            Value::Array(
                items
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| *i != skip)
                    .map(|(_, item)| item.clone())
                    .collect(),
            )
        })
        .collect()
}

/// `line` with the value at the path of object keys `path` replaced by `new`.
fn replaced(line: &Value, path: &[&String], new: Value) -> Option<Value> {
    let mut line = line.clone();
    let mut slot = &mut line;
    for key in path {
        slot = slot.get_mut(key.as_str())?;
    }
    *slot = new;
    Some(line)
}

/// The candidate's steps, when its lines still make a well-formed trace (a `deltas` step
/// still has its mark, a `start` step is still first).
fn reparse(lines: &[Value]) -> Option<Vec<Step>> {
    let text: Vec<String> = lines.iter().map(Value::to_string).collect();
    trace::parse(text.join("\n").as_bytes()).ok()
}

/// The keys whose string values are not build IDs.
fn not_an_id(key: Option<&str>) -> bool {
    matches!(
        key,
        Some(
            "intent"
                | "mark"
                | "deltas"
                | "error"
                | "message"
                | "setId"
                | "guessedSetId"
                | "kind"
                | "setIds"
                | "state"
                | "wallClock"
                | "clusterId"
        )
    )
}

/// Collects the distinct build IDs in a step (strings outside [`not_an_id`] keys).
fn build_ids(value: &Value, key: Option<&str>, ids: &mut Vec<String>) {
    match value {
        Value::String(text) if !not_an_id(key) && !ids.contains(text) => ids.push(text.clone()),
        Value::Array(items) => items.iter().for_each(|item| build_ids(item, key, ids)),
        Value::Object(map) => map
            .iter()
            .for_each(|(key, item)| build_ids(item, Some(key), ids)),
        _ => {}
    }
}

/// The step with build ID `from` renamed `to`.
fn rename(value: &Value, key: Option<&str>, from: &str, to: &str) -> Value {
    match value {
        Value::String(text) if text == from && !not_an_id(key) => Value::String(to.to_owned()),
        Value::Array(items) => Value::Array(
            items
                .iter()
                .map(|item| rename(item, key, from, to))
                .collect(),
        ),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(key, item)| (key.clone(), rename(item, Some(key), from, to)))
                .collect(),
        ),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::{build_ids, rename, simplifications};

    #[test]
    fn build_ids_are_every_string_but_names_codes_and_set_ids() {
        let line = json!({"resolve": {"intent": "DEFAULT", "buildId": "1.0"}, "expect": {"setDefault": "1.1"}});
        let mut ids = Vec::new();
        build_ids(&line, None, &mut ids);
        build_ids(
            &json!({"deltas": "m0", "expect": {"added": ["2.0"], "removed": []}}),
            None,
            &mut ids,
        );
        build_ids(
            &json!({"addTask": {}, "expect": {"setId": "0P9ZdLaqUs9WK-pZIYQM"}}),
            None,
            &mut ids,
        );
        build_ids(
            &json!({"update": {"promoteSetByBuildId": "1.0"}, "expect": {"error": "NOT_FOUND", "message": "targeted version 1.0 not found"}}),
            None,
            &mut ids,
        );
        build_ids(
            &json!({"reachability": {"buildId": "3.0", "kind": "OPEN_WORKFLOWS"}, "expect": ["OPEN_WORKFLOWS"]}),
            None,
            &mut ids,
        );
        build_ids(
            &json!({"mergeReplica": {"data": {"versionSets": [{"setIds": ["H"], "buildIds": [{"id": "4.0", "state": "STATE_ACTIVE", "stateUpdateTimestamp": {"wallClock": "5", "version": 0, "clusterId": "1"}}]}]}, "clusterId": 1}}),
            None,
            &mut ids,
        );
        // In key order: `expect` before the action. A reachability answer looks like a
        // build ID to this walk (renaming it only makes a candidate that does not parse).
        assert_eq!(ids, ["1.1", "1.0", "2.0", "OPEN_WORKFLOWS", "3.0", "4.0"]);
        assert_eq!(
            rename(&line, None, "1.0", "a"),
            json!({"resolve": {"intent": "DEFAULT", "buildId": "a"}, "expect": {"setDefault": "1.1"}})
        );
        // An intent is never renamed, even when a build ID is spelt the same.
        assert_eq!(rename(&line, None, "DEFAULT", "a"), line);
    }

    #[test]
    fn simplifications_drop_now_clear_flags_and_shorten_removals() {
        let update = json!({"update": {"addNewCompatibleBuildId": {"newBuildId": "b", "existingCompatibleBuildId": "a", "makeSetDefault": true}}, "now": 5});
        assert_eq!(
            simplifications(&update),
            [
                json!({"update": {"addNewCompatibleBuildId": {"newBuildId": "b", "existingCompatibleBuildId": "a", "makeSetDefault": true}}}),
                json!({"update": {"addNewCompatibleBuildId": {"newBuildId": "b", "existingCompatibleBuildId": "a", "makeSetDefault": false}}, "now": 5}),
            ]
        );
        assert_eq!(
            simplifications(&json!({"resolve": {"intent": "COMPATIBLE", "sameTaskQueue": true}})),
            [json!({"resolve": {"intent": "COMPATIBLE", "sameTaskQueue": false}})]
        );
        assert_eq!(
            simplifications(&json!({"removeBuildIds": ["a", "b", "c"]})),
            [
                json!({"removeBuildIds": ["b", "c"]}),
                json!({"removeBuildIds": ["a", "c"]})
            ]
        );
        assert!(simplifications(&json!({"poll": "a"})).is_empty());
        assert_eq!(
            simplifications(&json!({"gcPlan": {"now": 1, "inUse": ["a", "b"]}})),
            [
                json!({"gcPlan": {"now": 1, "inUse": ["b"]}}),
                json!({"gcPlan": {"now": 1, "inUse": ["a"]}})
            ]
        );
        assert_eq!(
            simplifications(
                &json!({"reachability": {"buildId": "a", "now": 1, "open": [""], "unprocessed": true}})
            ),
            [
                json!({"reachability": {"buildId": "a", "now": 1, "open": [""], "unprocessed": false}}),
                json!({"reachability": {"buildId": "a", "now": 1, "open": [], "unprocessed": true}})
            ]
        );
    }
}
