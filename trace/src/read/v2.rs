//! Reading the actions format v2 added: `start`, `removeBuildIds`, `clearTombstones`,
//! `persistUnknownBuildId`, `mark`, `deltas`, `addTask`, `stickyPoll`, `stickyAdd` and
//! `view`, and their expectations. Values with a fixed shape are read by serde, with the
//! JSON path of the problem in every message.

use serde::Deserialize;
use serde_json::Value;

use super::expect;
use super::json::{build_id, count, describe, known_keys, string, typed};
use crate::types::Action;
use version_sets::{BuildId, VersionSets, VersioningData};

/// `{"data": VersioningData, "clusterId": N}`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Start {
    data: VersioningData,
    #[serde(default)]
    cluster_id: i64,
}

/// A line that holds a `start` step and nothing else.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StartLine {
    start: Start,
}

/// A `start` line read from its text straight into the typed form, without the JSON tree
/// the other steps are read through: a start step carries a whole state, and a tree of it
/// costs tens of bytes for each byte of the line. `None` when the line is anything else or
/// the typed reader refuses it (a key twice, another key beside `start`, a value of the
/// wrong type): the tree then reads it and words the problem as for every step.
pub(crate) fn start_line(text: &str) -> Option<Result<Action, String>> {
    // The typed reader would also take a struct written as an array; a step must be an object.
    if !text.trim_start().starts_with('{') {
        return None;
    }
    let line: StartLine = serde_json::from_str(text).ok()?;
    Some(start_state(line.start))
}

/// `start`: the stored form, validated as on load, and the local cluster ID.
pub(crate) fn start(value: &Value) -> Result<Action, String> {
    start_state(typed(value, "start")?)
}

fn start_state(start: Start) -> Result<Action, String> {
    let state = VersionSets::from_data(&start.data)
        .map_err(|error| format!("start.data: invalid versioning data: {error}"))?;
    Ok(Action::Start(Box::new(
        state.with_cluster_id(start.cluster_id),
    )))
}

/// `removeBuildIds`: an array of build IDs.
pub(super) fn remove(value: &Value, expect: Option<&Value>) -> Result<Action, String> {
    let ids = value.as_array().ok_or_else(|| {
        format!(
            "removeBuildIds: expected an array of build IDs, got {}",
            describe(value)
        )
    })?;
    let build_ids = ids
        .iter()
        .enumerate()
        .map(|(i, id)| build_id(id, &format!("removeBuildIds[{i}]")))
        .collect::<Result<_, _>>()?;
    Ok(Action::RemoveBuildIds {
        build_ids,
        expect: expect.map(expect::change).transpose()?,
    })
}

/// `clearTombstones`: `{}`.
pub(super) fn clear(value: &Value, expect: Option<&Value>) -> Result<Action, String> {
    match value.as_object() {
        Some(map) if map.is_empty() => Ok(Action::ClearTombstones {
            expect: expect.map(expect::change).transpose()?,
        }),
        _ => Err(format!(
            "clearTombstones: expected {{}}, got {}",
            describe(value)
        )),
    }
}

/// `persistUnknownBuildId`: a build ID.
pub(super) fn persist(value: &Value, expect: Option<&Value>) -> Result<Action, String> {
    Ok(Action::PersistUnknownBuildId {
        build_id: build_id(value, "persistUnknownBuildId")?,
        expect: expect.map(expect::change).transpose()?,
    })
}

/// `mark`: a non-empty name.
pub(super) fn mark(value: &Value) -> Result<String, String> {
    match string(value, "mark", "a name")? {
        "" => Err("mark: a name must not be empty".to_owned()),
        name => Ok(name.to_owned()),
    }
}

/// `deltas`: the name of an earlier mark.
pub(super) fn deltas(value: &Value, expect: Option<&Value>) -> Result<Action, String> {
    let since = string(value, "deltas", "the name of an earlier mark")?.to_owned();
    let expect = expect.map(expect::deltas).transpose()?;
    Ok(Action::Deltas { since, expect })
}

/// `{"buildId": ID}` or `{}`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct AddTask {
    build_id: Option<BuildId>,
}

/// `addTask`, with `"unversioned"`, `{"setId": ID}` or `{"guessedSetId": ID}` expected.
pub(super) fn add_task(value: &Value, expect: Option<&Value>) -> Result<Action, String> {
    let task: AddTask = typed(value, "addTask")?;
    let expect = expect.map(expect::task_queue).transpose()?;
    Ok(Action::AddTask {
        build_id: task.build_id,
        expect,
    })
}

/// `stickyPoll`: `"accepted"` or `{"newerBuildExists": ID}` expected.
pub(super) fn sticky_poll(value: &Value, expect: Option<&Value>) -> Result<Action, String> {
    let expect = expect.map(expect::sticky_poll).transpose()?;
    Ok(Action::StickyPoll {
        build_id: build_id(value, "stickyPoll")?,
        expect,
    })
}

/// `stickyAdd`: `"accepted"` or `"stickyWorkerUnavailable"` expected.
pub(super) fn sticky_add(value: &Value, expect: Option<&Value>) -> Result<Action, String> {
    let expect = expect.map(expect::sticky_add).transpose()?;
    Ok(Action::StickyAdd {
        build_id: build_id(value, "stickyAdd")?,
        expect,
    })
}

/// `view`: `{"maxSets": N}` (optional, `0` for all), the listing expected.
pub(super) fn view(value: &Value, expect: Option<&Value>) -> Result<Action, String> {
    let map = value
        .as_object()
        .ok_or_else(|| format!("view: expected an object, got {}", describe(value)))?;
    known_keys(map, "view", &["maxSets"])?;
    let max_sets = map
        .get("maxSets")
        .map_or(Ok(0), |max| count(max, "view.maxSets"))?;
    let expect = expect.map(expect::listing).transpose()?;
    Ok(Action::View { max_sets, expect })
}
