//! The public `GetWorkerBuildIdCompatibility` response: `{"majorVersionSets": [{"buildIds": [...]}]}`.

use serde_json::{Map, Value};
use version_sets::BuildId;

use super::walk::Walk;

/// The sets of the response, each with its path, oldest first; findings go to `walk`.
///
/// A set without `buildIds` is empty (canonical proto-JSON leaves empty lists out), which
/// the server does for a set whose build IDs are all deleted; it cannot be rebuilt, so it is
/// a finding.
pub(crate) fn read(root: &Map<String, Value>, walk: &mut Walk) -> Vec<(String, Vec<BuildId>)> {
    walk.known_keys(root, "", &["majorVersionSets"]);
    let Some(sets) = root
        .get("majorVersionSets")
        .and_then(|sets| walk.array(sets, "majorVersionSets", "an array of sets"))
    else {
        return Vec::new();
    };
    let empty = Value::Array(Vec::new());
    sets.iter()
        .enumerate()
        .filter_map(|(i, set)| {
            let path = format!("majorVersionSets[{i}]");
            let set = walk.object(set, &path)?;
            walk.known_keys(set, &path, &["buildIds"]);
            let path = format!("{path}.buildIds");
            let ids = walk.set(set.get("buildIds").unwrap_or(&empty), &path);
            Some((path, ids))
        })
        .collect()
}
